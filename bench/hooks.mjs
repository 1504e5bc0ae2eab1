// What the hooks cost at sign-in: the callback (`handlers.GET(callbackUrl)`) against the test
// suite's GitHub-shaped server, without hooks and with all three callbacks configured (trivial
// bodies), in pairs. Reports the median callback time of each and the median paired difference.
//   node bench/hooks.mjs            (from the repository root, after `npm run build`)
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"
import { randomBytes } from "node:crypto"
import { startGitHubServer } from "../__test__/fixtures/github-server.mjs"

const require = createRequire(import.meta.url)
const lib = require("../index.js")
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

// Paired: each iteration runs one flow of each configuration back to back (order alternating), so
// the VM's slow and fast periods hit both alike; the overhead is the median of the differences.
const PAIRS = Number(process.env.PAIRS ?? 1000)
const times = { none: [], hooks: [] }
const diffs = []
for (let i = 0; i < 20; i++) for (const auth of Object.values(configs)) await oneCallback(auth) // warm-up
for (let i = 0; i < PAIRS; i++) {
  let none
  let hooks
  if (i % 2) {
    hooks = await oneCallback(configs.hooks)
    none = await oneCallback(configs.none)
  } else {
    none = await oneCallback(configs.none)
    hooks = await oneCallback(configs.hooks)
  }
  times.none.push(none)
  times.hooks.push(hooks)
  diffs.push(hooks - none)
}
await gh.close()
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * p)]
console.log(JSON.stringify({
  pairs: PAIRS,
  callbackMedianMs: { none: +q(times.none, 0.5).toFixed(3), hooks: +q(times.hooks, 0.5).toFixed(3) },
  overheadUs: { median: +(q(diffs, 0.5) * 1000).toFixed(1), p25: +(q(diffs, 0.25) * 1000).toFixed(1), p75: +(q(diffs, 0.75) * 1000).toFixed(1) },
}, null, 2))
