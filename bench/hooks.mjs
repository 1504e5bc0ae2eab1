// What the hooks cost at sign-in: the callback (`handlers.GET(callbackUrl)`) against the test
// suite's GitHub-shaped server, without hooks and with all three callbacks configured (trivial
// bodies), interleaved in rounds. Reports the median callback time of each and the difference.
//   node bench/hooks.mjs            (from the repository root, after `npm run build`)
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"
import { randomBytes } from "node:crypto"
import { startGitHubServer } from "../__test__/fixtures/github-server.mjs"

const require = createRequire(import.meta.url)
const lib = require("../index.js")
const ROUNDS = Number(process.env.ROUNDS ?? 15)
const FLOWS = Number(process.env.FLOWS ?? 40)
const SECRET = randomBytes(32).toString("hex")
const SALT = randomBytes(32).toString("hex")
const ORIGIN = "http://127.0.0.1:3999"

const gh = await startGitHubServer()
const provider = { id: "github", clientId: gh.clientId, clientSecret: gh.clientSecret, authorizationURL: gh.authorizeURL, tokenURL: gh.tokenURL, userinfoURL: gh.userURL, emailsURL: gh.emailsURL }
const base = { oauth: [provider], baseURL: ORIGIN, secret: SECRET, salt: SALT, logger: { level: "off" } }
const configs = {
  none: lib.createAuth(base),
  hooks: lib.createAuth({
    ...base,
    callbacks: {
      signIn: ({ user }) => user.sub !== "blocked",
      session: ({ session, user }) => ({ ...session, user: { ...session.user, role: user.sub === "1" ? "admin" : "member" } }),
      redirect: ({ url }) => url,
    },
  }),
}

async function oneCallback(auth) {
  const start = await auth.handlers.GET(new Request(`${ORIGIN}/api/auth/signIn/github?redirectTo=/dashboard`))
  const cookie = start.headers.getSetCookie()[0].split(";")[0]
  const back = await fetch(start.headers.get("location"), { redirect: "manual" })
  const callbackUrl = back.headers.get("location")
  const t0 = performance.now()
  const res = await auth.handlers.GET(new Request(callbackUrl, { headers: { cookie } }))
  const ms = performance.now() - t0
  if (res.status !== 302 || res.headers.get("location") !== "/dashboard") throw new Error(`callback answered ${res.status} ${res.headers.get("location")}`)
  return ms
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

const times = { none: [], hooks: [] }
for (let i = 0; i < 20; i++) for (const auth of Object.values(configs)) await oneCallback(auth) // warm-up
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, auth] of r % 2 ? Object.entries(configs).reverse() : Object.entries(configs)) {
    for (let i = 0; i < FLOWS; i++) times[name].push(await oneCallback(auth))
  }
}
await gh.close()
const none = median(times.none)
const hooks = median(times.hooks)
const roundMedians = (name) => {
  const out = []
  for (let r = 0; r < ROUNDS; r++) out.push(median(times[name].slice(r * FLOWS, (r + 1) * FLOWS)))
  return out
}
const diffs = roundMedians("hooks").map((h, i) => h - roundMedians("none")[i])
console.log(JSON.stringify({
  flowsPerConfig: ROUNDS * FLOWS,
  callbackMedianMs: { none: +none.toFixed(3), hooks: +hooks.toFixed(3) },
  overheadMedianUs: +((hooks - none) * 1000).toFixed(1),
  overheadOfRoundMediansUs: { median: +(median(diffs) * 1000).toFixed(1), min: +(Math.min(...diffs) * 1000).toFixed(1), max: +(Math.max(...diffs) * 1000).toFixed(1) },
}, null, 2))
