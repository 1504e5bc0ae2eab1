#!/usr/bin/env node
// Load and fault test (documented in docs/HOSTILE.md; not part of `npm test`):
//
//   node scripts/load.mjs [--flows 1000] [--concurrency 50] [--sessions 1000000] [--kill-flows 200]
//
// 1. Two rounds of complete OpenID Connect sign-ins (signIn → the real oidc-provider fixture's
//    login/consent → callback → /session) through `handler` on node:http, `--concurrency` at a
//    time. Each worker keeps its provider cookie jar, so after its first flow the provider skips
//    the login form (as a returning browser would). Reports errors, p50/p99 per flow, and the
//    resident memory after each round (settled 1.5 s, GC'd, lowest of three samples): round 2 must not end more than 10 MB above
//    round 1 (`--extra-rounds N` keeps going, to watch for a plateau).
// 2. `--sessions` api.getSession calls with a real session cookie; RSS sampled every 10%:
//    it must stay flat (max − min of the samples within 10 MB).
// 3. Faults: the provider (a child process) is SIGKILLed while flows are in flight, then restarted
//    on the same port with the same signing key. Flows in flight must end on the error page (or,
//    for the browser's own requests to the dead provider, a refused connection) — never a 5xx
//    or a hang — and every flow after the restart must succeed.
// Exits non-zero when a criterion fails. Needs the addon built (`npm run build`).
import { createServer } from "node:http"
import { spawn } from "node:child_process"
import { createRequire } from "node:module"
import { fileURLToPath } from "node:url"
import { randomBytes, generateKeyPairSync } from "node:crypto"
import net from "node:net"
import path from "node:path"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.dirname(here)
const fixtures = path.join(root, "__test__", "fixtures")

// ---- provider child: the oidc-provider fixture, pinned to a port and a signing key -----------
if (process.argv[2] === "--provider-child") {
  const port = Number(process.argv[3])
  const jwk = JSON.parse(process.env.LOAD_PROVIDER_JWK)
  // The fixture listens on port 0; pin it so a restart keeps the issuer (`http://127.0.0.1:<port>`).
  const listen = net.Server.prototype.listen
  net.Server.prototype.listen = function (p, ...rest) {
    return listen.call(this, p === 0 ? port : p, ...rest)
  }
  const { startOidcProvider } = await import(path.join(fixtures, "oidc-server.mjs"))
  const op = await startOidcProvider({ allowAnyLoopbackRedirect: true, providerConfig: { jwks: { keys: [jwk] } } })
  process.stdout.write(`READY ${op.issuer}\n`)
  await new Promise(() => {})
}

// Re-run with --expose-gc so memory is measured after a collection.
if (typeof global.gc !== "function") {
  const child = spawn(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" })
  child.on("exit", (code) => process.exit(code ?? 1))
  await new Promise(() => {})
}

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(" ")
    .split("--")
    .filter(Boolean)
    .map((a) => a.trim().split(/\s+/))
    .map(([k, v]) => [k, Number(v)]),
)
const FLOWS = args.flows ?? 1000
const CONCURRENCY = args.concurrency ?? 50
const SESSIONS = args.sessions ?? 1_000_000
const KILL_FLOWS = args["kill-flows"] ?? 200
const EXTRA_ROUNDS = args["extra-rounds"] ?? 0 // more rounds after the two measured ones (leak hunting)
const MB = 1024 * 1024

const require = createRequire(import.meta.url)
const lib = require(path.join(root, "index.js"))
const { CookieJar } = await import(path.join(fixtures, "cookie-jar.mjs"))
const { completeOidcLogin } = await import(path.join(fixtures, "oidc-login.mjs"))
const { getFreePort, listen, closeServer } = await import(path.join(fixtures, "free-port.mjs"))

const rss = () => {
  global.gc()
  global.gc()
  return process.memoryUsage().rss
}
/** RSS once the process is quiescent: 1.5 s for sockets and worker threads to settle, GC'd. */
async function settledRss() {
  let low = Infinity
  for (let i = 0; i < 3; i++) {
    await new Promise((r) => setTimeout(r, 500))
    low = Math.min(low, rss())
  }
  return low
}
const mem = () => {
  const m = process.memoryUsage()
  return `rss ${fmtMB(m.rss)} heapUsed ${fmtMB(m.heapUsed)} external ${fmtMB(m.external)} arrayBuffers ${fmtMB(m.arrayBuffers)}`
}
const fmtMB = (b) => `${(b / MB).toFixed(1)} MB`
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
const failures = []
const check = (ok, what) => {
  console.log(`${ok ? "  ok  " : "  FAIL"} ${what}`)
  if (!ok) failures.push(what)
}

// ---- provider process -------------------------------------------------------------------------
const providerPort = await getFreePort()
const signingJwk = {
  ...generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" }),
  kid: "load-rs256",
  alg: "RS256",
  use: "sig",
}
let providerProc
async function startProvider() {
  providerProc = spawn(process.execPath, [fileURLToPath(import.meta.url), "--provider-child", String(providerPort)], {
    env: { ...process.env, LOAD_PROVIDER_JWK: JSON.stringify(signingJwk) },
    stdio: ["ignore", "pipe", "inherit"],
  })
  return new Promise((resolve, reject) => {
    let out = ""
    providerProc.stdout.on("data", (c) => {
      out += c
      const m = /READY (\S+)/.exec(out)
      if (m) resolve(m[1])
    })
    providerProc.on("exit", (code) => reject(new Error(`provider exited (${code}) before READY`)))
  })
}
function killProvider() {
  const p = providerProc
  return new Promise((resolve) => {
    p.once("exit", resolve)
    p.kill("SIGKILL")
  })
}

// ---- the app: `handler` on node:http ------------------------------------------------------------
const issuer = await startProvider()
const server = createServer((req, res) => {
  if (!req.url.startsWith("/api/auth")) {
    res.end("page")
    return
  }
  auth.handler(req, res).catch((e) => {
    res.statusCode = 599
    res.end(String(e))
  })
})
const appPort = await listen(server)
const origin = `http://127.0.0.1:${appPort}`
const auth = lib.createAuth({
  oauth: [{ id: "oidc", type: "oidc", issuer, clientId: "aura-test-client", clientSecret: "aura-test-client-secret-0123456789abcdef" }],
  baseURL: origin,
  secret: randomBytes(32).toString("hex"),
  salt: randomBytes(32).toString("hex"),
  http: { timeoutMs: 5000 },
})
const base = `${origin}/api/auth`

async function go(jar, url) {
  const headers = {}
  const cookie = jar.header(url)
  if (cookie) headers.cookie = cookie
  const res = await fetch(url, { headers, redirect: "manual", signal: AbortSignal.timeout(20_000) })
  jar.store(url, res)
  return res
}

/**
 * One complete sign-in. Returns { ok, ms, outcome } where outcome is "ok", "error-page:<CODE>",
 * "provider-unreachable" (the browser's own request to the provider failed), or a failure
 * description ("status 5xx", "hang", ...).
 */
async function flow(worker) {
  const t0 = performance.now()
  const jar = new CookieJar()
  try {
    const start = await go(jar, `${base}/signIn/oidc?redirectTo=/dashboard`)
    const loc = start.headers.get("location") ?? ""
    if (start.status !== 302) return { ok: false, outcome: `signIn status ${start.status}` }
    if (loc.startsWith("/api/auth/error")) return { ok: false, outcome: `error-page:${new URL(loc, origin).searchParams.get("code")}` }
    let callbackUrl
    try {
      ;({ callbackUrl } = await completeOidcLogin(loc, { jar: worker.providerJar, username: worker.user }))
    } catch (e) {
      return { ok: false, outcome: "provider-unreachable", detail: String(e.cause?.code ?? e.message).slice(0, 80) }
    }
    const cb = await go(jar, callbackUrl)
    const target = cb.headers.get("location") ?? ""
    if (cb.status >= 500) return { ok: false, outcome: `callback status ${cb.status}` }
    if (target.startsWith("/api/auth/error")) return { ok: false, outcome: `error-page:${new URL(target, origin).searchParams.get("code")}` }
    if (cb.status !== 302 || target !== "/dashboard") return { ok: false, outcome: `callback ${cb.status} ${target}` }
    const s = await (await go(jar, `${base}/session`)).json()
    if (!s.authenticated || s.session.user.sub !== worker.user) return { ok: false, outcome: "no session" }
    return { ok: true, ms: performance.now() - t0, outcome: "ok" }
  } catch (e) {
    return { ok: false, outcome: e.name === "TimeoutError" ? "hang" : `exception ${e.message}` }
  }
}

const workers = Array.from({ length: CONCURRENCY }, (_, i) => ({ user: `load${i}`, providerJar: new CookieJar() }))

async function round(n, onProgress) {
  let next = 0
  const results = []
  await Promise.all(
    workers.map(async (w) => {
      while (next < n) {
        next++
        const r = await flow(w)
        results.push(r)
        onProgress?.(results.length)
      }
    }),
  )
  return results
}

function summarize(label, results) {
  const ok = results.filter((r) => r.ok)
  const ms = ok.map((r) => r.ms).sort((a, b) => a - b)
  const outcomes = {}
  for (const r of results) outcomes[r.outcome] = (outcomes[r.outcome] ?? 0) + 1
  console.log(
    `${label}: ${results.length} flows, ${ok.length} ok, ${results.length - ok.length} failed; p50 ${pct(ms, 50)?.toFixed(1)} ms, p99 ${pct(ms, 99)?.toFixed(1)} ms; outcomes ${JSON.stringify(outcomes)}`,
  )
  return { ok: ok.length, failed: results.length - ok.length, p50: pct(ms, 50), p99: pct(ms, 99), outcomes }
}

const report = { flows: FLOWS, concurrency: CONCURRENCY }
console.log(`provider ${issuer} (child pid ${providerProc.pid}); app ${origin}; node ${process.version}`)

// ---- 1. two rounds of sign-ins ----------------------------------------------------------------
// Warm-up: every worker logs in once (login + consent forms), so both rounds see returning users.
await round(CONCURRENCY)
report.rssStart = await settledRss()
const t1 = performance.now()
const r1 = summarize("round 1", await round(FLOWS))
report.round1 = { ...r1, seconds: (performance.now() - t1) / 1000, rss: await settledRss() }
const t2 = performance.now()
const r2 = summarize("round 2", await round(FLOWS))
report.round2 = { ...r2, seconds: (performance.now() - t2) / 1000, rss: await settledRss() }
console.log(`RSS: start ${fmtMB(report.rssStart)}, after round 1 ${fmtMB(report.round1.rss)}, after round 2 ${fmtMB(report.round2.rss)} (${mem()})`)
for (let i = 0; i < EXTRA_ROUNDS; i++) {
  summarize(`extra round ${i + 1}`, await round(FLOWS))
  console.log(`  settled rss ${fmtMB(await settledRss())}; ${mem()}`)
}
check(r1.failed === 0 && r2.failed === 0, `zero errors in ${2 * FLOWS} flows`)
// Growth is what a leak looks like; a drop is the allocator handing pages back (glibc arenas
// used by the addon's worker threads make RSS move by tens of MB either way between samples).
check(report.round2.rss - report.round1.rss <= 10 * MB, `RSS after round 2 not more than 10 MB above round 1 (Δ ${fmtMB(report.round2.rss - report.round1.rss)})`)

// ---- 2. getSession ----------------------------------------------------------------------------
{
  const jar = new CookieJar()
  const r = await flow(workers[0])
  if (!r.ok) throw new Error(`could not sign in for the getSession run: ${r.outcome}`)
  // (flow() used its own jar; sign in again keeping the cookie)
  const start = await go(jar, `${base}/signIn/oidc`)
  const { callbackUrl } = await completeOidcLogin(start.headers.get("location"), { jar: workers[0].providerJar, username: workers[0].user })
  await go(jar, callbackUrl)
  const headers = { cookie: jar.header(base), host: "x", "user-agent": "load", accept: "*/*" }
  const samples = []
  const step = Math.max(1, Math.floor(SESSIONS / 10))
  const t0 = performance.now()
  for (let i = 0; i < SESSIONS; i++) {
    const s = await auth.api.getSession({ headers })
    if (!s.authenticated) throw new Error(`getSession ${i} signed out`)
    if ((i + 1) % step === 0) samples.push(rss())
  }
  const secs = (performance.now() - t0) / 1000
  const spread = Math.max(...samples) - Math.min(...samples)
  report.getSession = { calls: SESSIONS, seconds: secs, perSecond: SESSIONS / secs, rssSamples: samples.map((b) => +(b / MB).toFixed(1)), spread }
  console.log(`getSession: ${SESSIONS} calls in ${secs.toFixed(1)} s (${Math.round(SESSIONS / secs)}/s); RSS samples ${samples.map(fmtMB).join(", ")}`)
  check(spread <= 10 * MB, `getSession RSS flat (max − min ${fmtMB(spread)})`)
}

// ---- 3. provider killed mid-flow, restarted on the same port -------------------------------------
if (KILL_FLOWS > 0) {
  // (a) Callbacks whose code is already issued, fired right after the kill: the token exchange
  //     meets a dead provider → the error page.
  const prepared = []
  for (const w of workers.slice(0, 20)) {
    const jar = new CookieJar()
    const start = await go(jar, `${base}/signIn/oidc`)
    const { callbackUrl } = await completeOidcLogin(start.headers.get("location"), { jar: w.providerJar, username: w.user })
    prepared.push({ jar, callbackUrl })
  }
  // (b) Flows running at random stages when the kill happens.
  let killedAt = 0
  let finished = false
  const inflight = round(KILL_FLOWS, (done) => {
    if (done >= Math.max(1, Math.floor(KILL_FLOWS / 4)) && !killedAt) killedAt = performance.now()
  }).finally(() => (finished = true))
  while (!killedAt && !finished) await new Promise((r) => setTimeout(r, 5))
  await killProvider()
  const t0 = performance.now()
  const dead = await Promise.all(
    prepared.map(async ({ jar, callbackUrl }) => {
      const res = await go(jar, callbackUrl)
      const loc = res.headers.get("location") ?? ""
      return loc.startsWith("/api/auth/error") ? `error-page:${new URL(loc, origin).searchParams.get("code")}` : `status ${res.status} ${loc}`
    }),
  )
  const deadMs = performance.now() - t0
  const deadOutcomes = {}
  for (const o of dead) deadOutcomes[o] = (deadOutcomes[o] ?? 0) + 1
  console.log(`callbacks against the dead provider: ${JSON.stringify(deadOutcomes)} in ${deadMs.toFixed(0)} ms`)
  check(dead.every((o) => o.startsWith("error-page:")), "every callback in flight at the kill ends on the error page")

  const during = await inflight
  const duringSummary = summarize("flows around the kill", during)
  const clean = during.every((r) => r.ok || r.outcome.startsWith("error-page:") || r.outcome === "provider-unreachable")
  check(clean, "flows around the kill succeed or fail cleanly (error page / provider unreachable), no 5xx or hang")

  // Restart on the same port (same issuer, same signing key) and run more flows.
  await new Promise((r) => setTimeout(r, 500))
  const reIssuer = await startProvider()
  check(reIssuer === issuer, `provider restarted on the same issuer ${reIssuer}`)
  const after = summarize("flows after the restart", await round(KILL_FLOWS))
  check(after.failed === 0, "every flow after the restart succeeds")
  report.faults = { deadCallbacks: deadOutcomes, deadCallbackMs: deadMs, aroundKill: duringSummary, afterRestart: after }
}

// Is the server still responsive?
const ping = await fetch(`${base}/providers`)
check(ping.status === 200, "the app still answers")

if (providerProc.exitCode === null && providerProc.signalCode === null) await killProvider()
await closeServer(server)
console.log(JSON.stringify({ ...report, failures }, null, 2))
process.exit(failures.length ? 1 : 0)
