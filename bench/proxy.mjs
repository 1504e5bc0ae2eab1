#!/usr/bin/env node
// A protected page's latency with proxy.ts vs without it (SPEC §15 / issue 20: target ≤ 1.05×), on one `next build`
// of examples-next-pages served twice by `next start`:
//   with    — the build as it is: proxy.ts (auth.proxy) runs before /dashboard renders;
//   without — a copy of the same build whose functions-config-manifest.json lists no proxy, so Next runs none.
// Both answer GET /dashboard for a signed-in user (the page's getServerSideProps reads the session and renders).
// Requests alternate between the two servers in rounds (order flipped each round), sequential, keep-alive; the
// reported number is the ratio of the medians. Also printed: the cost of one `proxy(request)` call in-process.
//
//   node bench/proxy.mjs        (from the repository root, after the example is built: npm run demo, or
//                                 node --test __test__/e2e-next.test.mjs, which builds it)
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import http from "node:http"
import { createRequire } from "node:module"
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import { EXAMPLE, ROOT, childEnv, findPort, startApp } from "../scripts/demo.mjs"

const ROUNDS = Number(process.env.PROXY_ROUNDS) || 20
const PER_ROUND = Number(process.env.PROXY_PER_ROUND) || 50
const WARMUP = 300
const require = createRequire(import.meta.url)

const manifestPath = (dir) => path.join(dir, ".next", "server", "functions-config-manifest.json")
if (!fs.existsSync(path.join(EXAMPLE, ".next", "BUILD_ID")) || !fs.existsSync(manifestPath(EXAMPLE))) {
  console.error("examples-next-pages is not built: run `npm run demo` (or the e2e test) first.")
  process.exit(1)
}
const manifest = JSON.parse(fs.readFileSync(manifestPath(EXAMPLE), "utf8"))
if (!manifest.functions?.["/_middleware"]) {
  console.error("this build of examples-next-pages has no proxy (functions-config-manifest.json): rebuild it.")
  process.exit(1)
}

// The same build without the proxy: everything linked, .next copied (without its cache), the proxy unlisted.
const bare = fs.mkdtempSync(path.join(os.tmpdir(), "aura-proxy-bench-"))
for (const entry of fs.readdirSync(EXAMPLE)) {
  if (entry === ".next") continue
  fs.symlinkSync(path.join(EXAMPLE, entry), path.join(bare, entry))
}
fs.cpSync(path.join(EXAMPLE, ".next"), path.join(bare, ".next"), { recursive: true, filter: (src) => !src.includes(`${path.sep}cache`) })
delete manifest.functions["/_middleware"]
fs.writeFileSync(manifestPath(bare), JSON.stringify(manifest))

const SECRET = randomBytes(32).toString("base64url")
const SALT = randomBytes(32).toString("base64url")
const env = (url) =>
  childEnv({ AURA_AUTH_URL: url, AURA_AUTH_SECRET: SECRET, AURA_AUTH_SALT: SALT, OIDC_ISSUER: "http://127.0.0.1:9", OIDC_CLIENT_ID: "bench", OIDC_CLIENT_SECRET: "bench" })

const lib = require(path.join(ROOT, "index.js"))
const minter = lib.createAuth({ oauth: [{ id: "oidc", type: "oidc", issuer: "http://127.0.0.1:9", clientId: "b", clientSecret: "b" }], secret: SECRET, salt: SALT, logger: { level: "off" } })
const cookie = minter.internal.sealSessionForTesting({ sub: "ada", name: "Ada Bench", email: "ada@example.com", provider: "oidc" })

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const req = http.get(url, { agent, headers: { cookie, accept: "text/html", ...headers } }, (res) => {
      let size = 0
      res.on("data", (d) => (size += d.length))
      res.on("end", () => resolve({ status: res.statusCode, location: res.headers.location, ms: performance.now() - t0, size }))
    })
    req.on("error", reject)
  })
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]

const servers = []
try {
  const portA = await findPort(0)
  const portB = await findPort(0)
  const withURL = `http://localhost:${portA}`
  const withoutURL = `http://localhost:${portB}`
  servers.push(await startApp({ port: portA, url: withURL, env: env(withURL) }))
  // startApp serves EXAMPLE; the bare copy is served by the same `next start`, from its own folder.
  const { spawn } = await import("node:child_process")
  const child = spawn(process.execPath, [path.join(EXAMPLE, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(portB), "-H", "localhost"], {
    cwd: bare,
    env: env(withoutURL),
    stdio: ["ignore", "pipe", "pipe"],
  })
  servers.push({ stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.on("exit", r), child.kill("SIGTERM")))) })
  for (let i = 0; ; i++) {
    try {
      await get(`${withoutURL}/api/auth/providers`)
      break
    } catch {
      if (i > 300) throw new Error("the copy without proxy did not start")
      await new Promise((r) => setTimeout(r, 100))
    }
  }

  // Sanity: signed out, the proxy answers (307 to /login?redirectTo=); without it the page's own check does (?from=).
  const outWith = await get(`${withURL}/dashboard`, { cookie: "" })
  const outWithout = await get(`${withoutURL}/dashboard`, { cookie: "" })
  if (outWith.status !== 307 || !/redirectTo=/.test(outWith.location ?? "")) throw new Error(`with proxy: expected the proxy's 307, got ${outWith.status} ${outWith.location}`)
  if (/redirectTo=/.test(outWithout.location ?? "")) throw new Error(`without proxy: the proxy still ran (${outWithout.location})`)
  for (const url of [withURL, withoutURL]) {
    const r = await get(`${url}/dashboard`)
    if (r.status !== 200) throw new Error(`${url}/dashboard signed in: ${r.status}`)
  }

  for (let i = 0; i < WARMUP; i++) {
    await get(`${withURL}/dashboard`)
    await get(`${withoutURL}/dashboard`)
  }
  const times = { with: [], without: [] }
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ["with", "without"] : ["without", "with"]
    for (const which of order) {
      const url = which === "with" ? withURL : withoutURL
      for (let i = 0; i < PER_ROUND; i++) times[which].push((await get(`${url}/dashboard`)).ms)
    }
  }

  // The proxy function alone, in this process: a signed-in request to a protected path (Request built outside).
  const auth = lib.createAuth({ oauth: [{ id: "oidc", type: "oidc", issuer: "http://127.0.0.1:9", clientId: "b", clientSecret: "b" }], baseURL: withURL, secret: SECRET, salt: SALT, logger: { level: "off" } })
  const proxy = auth.proxy({ protect: ["/dashboard/:path*"], authorize: ({ session }) => session.user.role !== "banned" })
  const request = new Request(`${withURL}/dashboard`, { headers: { cookie, accept: "text/html" } })
  for (let i = 0; i < 20000; i++) await proxy(request)
  const N = 100000
  const t0 = performance.now()
  for (let i = 0; i < N; i++) await proxy(request)
  const perCallUs = ((performance.now() - t0) / N) * 1000

  const mWith = median(times.with)
  const mWithout = median(times.without)
  const ratio = mWith / mWithout
  const result = {
    at: new Date().toISOString(),
    requests: times.with.length,
    medianMs: { with: +mWith.toFixed(3), without: +mWithout.toFixed(3) },
    p90Ms: { with: +pct(times.with, 0.9).toFixed(3), without: +pct(times.without, 0.9).toFixed(3) },
    ratio: +ratio.toFixed(3),
    target: 1.05,
    met: ratio <= 1.05,
    proxyCallUs: +perCallUs.toFixed(2),
    proxyShareOfPage: +((perCallUs / 1000 / mWithout) * 100).toFixed(2),
  }
  console.log(`GET /dashboard signed in, next start, ${result.requests} sequential requests each (keep-alive, alternating rounds)`)
  console.log(`  without proxy: median ${result.medianMs.without} ms  p90 ${result.p90Ms.without} ms`)
  console.log(`  with proxy.ts: median ${result.medianMs.with} ms  p90 ${result.p90Ms.with} ms`)
  console.log(`  ratio with/without: ${result.ratio}× (target ≤ ${result.target}×: ${result.met ? "met" : "NOT met"})`)
  console.log(`  auth.proxy(request) alone: ${result.proxyCallUs} µs per call = ${result.proxyShareOfPage}% of the page without proxy`)
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "results", "proxy-latest.json")
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + "\n")
  console.log(`  written to ${path.relative(ROOT, out)}`)
} finally {
  agent.destroy()
  for (const s of servers.reverse()) await s.stop()
  fs.rmSync(bare, { recursive: true, force: true })
}
