// `api.getAccessToken` without a refresh next to `api.getSession`, on the same Cookie header: a
// session and a stored GitHub token from a real sign-in against the test suite's GitHub-shaped
// server. Interleaved rounds; median µs per call of each, and the ratio.
//   node bench/access-token.mjs      (from the repository root, after `npm run build`)
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"
import { randomBytes } from "node:crypto"
import { startGitHubServer } from "../__test__/fixtures/github-server.mjs"

const require = createRequire(import.meta.url)
const lib = require("../index.js")
const ORIGIN = "http://127.0.0.1:3999"
const gh = await startGitHubServer()
const auth = lib.createAuth({
  oauth: [{ id: "github", clientId: gh.clientId, clientSecret: gh.clientSecret, authorizationURL: gh.authorizeURL, tokenURL: gh.tokenURL, userinfoURL: gh.userURL, emailsURL: gh.emailsURL, storeTokens: true }],
  baseURL: ORIGIN,
  secret: randomBytes(32).toString("hex"),
  salt: randomBytes(32).toString("hex"),
  logger: { level: "off" },
})
const start = await auth.handlers.GET(new Request(`${ORIGIN}/api/auth/signIn/github`))
const flow = start.headers.getSetCookie()[0].split(";")[0]
const back = await fetch(start.headers.get("location"), { redirect: "manual" })
const done = await auth.handlers.GET(new Request(back.headers.get("location"), { headers: { cookie: flow } }))
const ours = done.headers.getSetCookie().filter((l) => !/Max-Age=0/.test(l)).map((l) => l.split(";")[0])
await gh.close()
// The same 5-cookie shape as the main bench: three unrelated cookies around ours.
const headers = { cookie: ["_ga=GA1.1.123456789.1700000000", "theme=dark", ...ours, "locale=en-US"].join("; ") }
if (!(await auth.api.getSession({ headers })).authenticated) throw new Error("no session")
if (!(await auth.api.getAccessToken("github", { headers })).accessToken) throw new Error("no token")

const N = 20_000
const ROUNDS = 15
async function batch(fn) {
  const t0 = performance.now()
  for (let i = 0; i < N; i++) await fn()
  return ((performance.now() - t0) * 1000) / N
}
const cases = {
  getSession: () => auth.api.getSession({ headers }),
  getAccessToken: () => auth.api.getAccessToken("github", { headers }),
}
for (const fn of Object.values(cases)) await batch(fn) // warm-up
const times = { getSession: [], getAccessToken: [] }
for (let r = 0; r < ROUNDS; r++) for (const [name, fn] of Object.entries(cases)) times[name].push(await batch(fn))
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const out = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { medianUs: +median(v).toFixed(2), minUs: +Math.min(...v).toFixed(2), maxUs: +Math.max(...v).toFixed(2) }]))
out.ratio = +(out.getAccessToken.medianUs / out.getSession.medianUs).toFixed(2)
out.cookieHeaderBytes = headers.cookie.length
console.log(JSON.stringify(out, null, 2))
