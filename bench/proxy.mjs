#!/usr/bin/env node
// A protected page's latency with proxy.ts vs without it (SPEC §15 / issue 20: target ≤ 1.05×), served by
// `next start` in three variants, all answering GET /dashboard for a signed-in user (getServerSideProps reads the
// session and renders):
//   without — the example's build, copied, with its functions-config-manifest.json listing no proxy: Next runs none;
//   noop    — the example rebuilt (`next build`, in a temporary copy) with a proxy.ts that does nothing, same matcher:
//             Next's own cost of running a Node.js proxy at all;
//   auth    — the example's build as it is: proxy.ts = auth.proxy({ protect, authorize }).
// Requests alternate between the variants in rounds (order rotated each round), sequential, keep-alive; reported:
// medians and their ratios. Also: one `auth.proxy(request)` call in-process (µs), the library's own share.
//
//   node bench/proxy.mjs        (from the repository root, after the example is built: npm run demo, or
//                                 node --test __test__/e2e-next.test.mjs, which builds it)
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import http from "node:http"
import { spawn, spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import { randomBytes } from "node:crypto"
import { fileURLToPath } from "node:url"
import { EXAMPLE, ROOT, childEnv, findPort, run } from "../scripts/demo.mjs"

const BENCH = path.dirname(fileURLToPath(import.meta.url))
const ROUNDS = Number(process.env.PROXY_ROUNDS) || 20
const PER_ROUND = Number(process.env.PROXY_PER_ROUND) || 50
const WARMUP = 200
const require = createRequire(import.meta.url)
// Each variant runs the `next` of its own node_modules (one React per build).
const nextBin = (dir) => path.join(dir, "node_modules", "next", "dist", "bin", "next")

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

const SECRET = randomBytes(32).toString("base64url")
const SALT = randomBytes(32).toString("base64url")
const env = (url) =>
  childEnv({ AURA_AUTH_URL: url, AURA_AUTH_SECRET: SECRET, AURA_AUTH_SALT: SALT, OIDC_ISSUER: "http://127.0.0.1:9", OIDC_CLIENT_ID: "bench", OIDC_CLIENT_SECRET: "bench" })

const temps = []
/** A copy of the example beside it (hard links where the file system allows), without .next and proxy.ts. */
function copyExample(name, { linkAll = false } = {}) {
  // Outside the repository, so no parent node_modules (the repository's own) can be resolved by mistake.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `aura-proxy-bench-${name}-`))
  temps.push(dir)
  for (const entry of fs.readdirSync(EXAMPLE)) {
    if (entry === ".next" || entry === "proxy.ts") continue
    const from = path.join(EXAMPLE, entry)
    const to = path.join(dir, entry)
    if (linkAll) fs.symlinkSync(from, to)
    else if (spawnSync("cp", ["-al", from, to]).status !== 0) fs.cpSync(from, to, { recursive: true })
  }
  return dir
}

const lib = require(path.join(ROOT, "index.js"))
const oidc = { id: "oidc", type: "oidc", issuer: "http://127.0.0.1:9", clientId: "b", clientSecret: "b" }
const minter = lib.createAuth({ oauth: [oidc], secret: SECRET, salt: SALT, logger: { level: "off" } })
const cookie = minter.internal.sealSessionForTesting({ sub: "ada", name: "Ada Bench", email: "ada@example.com", provider: "oidc" })

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now()
    const req = http.get(url, { agent, headers: { cookie, accept: "text/html", ...headers } }, (res) => {
      res.on("data", () => {})
      res.on("end", () => resolve({ status: res.statusCode, location: res.headers.location, ms: performance.now() - t0 }))
    })
    req.on("error", reject)
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]

const children = []
async function serve(dir) {
  const port = await findPort(0)
  const url = `http://localhost:${port}`
  const child = spawn(process.execPath, [nextBin(dir), "start", "-p", String(port), "-H", "localhost"], { cwd: dir, env: env(url), stdio: ["ignore", "ignore", "ignore"] })
  children.push(child)
  for (let i = 0; ; i++) {
    try {
      await get(`${url}/api/auth/providers`)
      return url
    } catch {
      if (i > 300 || child.exitCode !== null) throw new Error(`next start in ${dir} did not come up`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

try {
  // without: the same build, the proxy unlisted (only served, so symlinks are enough).
  const bare = copyExample("without", { linkAll: true })
  fs.cpSync(path.join(EXAMPLE, ".next"), path.join(bare, ".next"), { recursive: true, filter: (src) => !src.includes(`${path.sep}cache`) })
  delete manifest.functions["/_middleware"]
  fs.writeFileSync(manifestPath(bare), JSON.stringify(manifest))

  // noop: rebuilt with a proxy that does nothing (a real copy: Turbopack wants the project, node_modules included, under its root).
  const noop = copyExample("noop")
  fs.writeFileSync(
    path.join(noop, "proxy.ts"),
    'export function proxy() {\n  return undefined\n}\n\nexport const config = { matcher: ["/dashboard/:path*"] }\n',
  )
  console.error("[bench] next build of the no-op proxy variant…")
  await run(process.execPath, [nextBin(noop), "build"], { cwd: noop, env: env("http://localhost:3000"), stdio: "capture" })

  const urls = { without: await serve(bare), noop: await serve(noop), auth: await serve(EXAMPLE) }

  // Sanity: signed out, only the auth variant's proxy answers (307 ?redirectTo=); the others reach the page's own check (?from=).
  for (const [name, url] of Object.entries(urls)) {
    const out = await get(`${url}/dashboard`, { cookie: "" })
    const byProxy = out.status === 307 && /redirectTo=/.test(out.location ?? "")
    if (byProxy !== (name === "auth")) throw new Error(`${name}: unexpected signed-out answer ${out.status} ${out.location}`)
    const ok = await get(`${url}/dashboard`)
    if (ok.status !== 200) throw new Error(`${name}: /dashboard signed in answered ${ok.status}`)
  }

  const names = Object.keys(urls)
  for (let i = 0; i < WARMUP; i++) for (const n of names) await get(`${urls[n]}/dashboard`)
  const times = Object.fromEntries(names.map((n) => [n, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length])
    for (const n of order) for (let i = 0; i < PER_ROUND; i++) times[n].push((await get(`${urls[n]}/dashboard`)).ms)
  }

  // The library's own work, in this process: auth.proxy(request) for a signed-in request to a protected path.
  const auth = lib.createAuth({ oauth: [oidc], baseURL: urls.auth, secret: SECRET, salt: SALT, logger: { level: "off" } })
  const proxy = auth.proxy({ protect: ["/dashboard/:path*"], authorize: ({ session }) => session.user.role !== "banned" })
  const request = new Request(`${urls.auth}/dashboard`, { headers: { cookie, accept: "text/html" } })
  for (let i = 0; i < 20000; i++) await proxy(request)
  const N = 100000
  const t0 = performance.now()
  for (let i = 0; i < N; i++) await proxy(request)
  const perCallUs = ((performance.now() - t0) / N) * 1000

  const m = Object.fromEntries(names.map((n) => [n, median(times[n])]))
  const r3 = (x) => +x.toFixed(3)
  const result = {
    at: new Date().toISOString(),
    requestsPerVariant: times.auth.length,
    medianMs: Object.fromEntries(names.map((n) => [n, r3(m[n])])),
    p90Ms: Object.fromEntries(names.map((n) => [n, r3(pct(times[n], 0.9))])),
    ratio: { authVsWithout: r3(m.auth / m.without), noopVsWithout: r3(m.noop / m.without), authVsNoop: r3(m.auth / m.noop) },
    target: { authVsWithout: 1.05 },
    proxyCallUs: +perCallUs.toFixed(2),
    proxyCallShareOfPage: +((perCallUs / 1000 / m.without) * 100).toFixed(2),
    loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
  }
  console.log(`GET /dashboard signed in, next start, ${result.requestsPerVariant} sequential requests per variant (keep-alive, rotating rounds)`)
  for (const n of names) console.log(`  ${n.padEnd(8)} median ${result.medianMs[n]} ms   p90 ${result.p90Ms[n]} ms`)
  console.log(`  auth.proxy vs no proxy:      ${result.ratio.authVsWithout}× (target ≤ 1.05×: ${result.ratio.authVsWithout <= 1.05 ? "met" : "NOT met"})`)
  console.log(`  no-op proxy vs no proxy:     ${result.ratio.noopVsWithout}× (Next's own cost of running a proxy)`)
  console.log(`  auth.proxy vs no-op proxy:   ${result.ratio.authVsNoop}× (what the session check adds)`)
  console.log(`  auth.proxy(request) alone:   ${result.proxyCallUs} µs per call = ${result.proxyCallShareOfPage}% of the page without proxy`)
  console.log(`  load average during the run: ${result.loadAverage.join(", ")}`)
  const out = path.join(BENCH, "results", "proxy-latest.json")
  fs.writeFileSync(out, JSON.stringify(result, null, 2) + "\n")
  console.log(`  written to ${path.relative(ROOT, out)}`)
} finally {
  agent.destroy()
  for (const c of children) if (c.exitCode === null) c.kill("SIGTERM")
  await new Promise((r) => setTimeout(r, 500))
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true })
}
