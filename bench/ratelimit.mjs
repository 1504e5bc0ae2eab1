// What rate limiting costs (SPEC §13), through the Node `handler` with a plain request object (no
// sockets, so only the library's own work is timed):
//   1. in-memory limiter: GET /csrfToken with limiting on vs off -> added µs per limited request;
//   2. reads: GET /session and api.getSession with limiting on vs off -> should be ~0;
//   3. Redis: GET /csrfToken counted in a real redis-server vs in memory, beside one raw PING
//      round trip to the same server -> "adds one round trip" as a ratio.
// Configurations run in alternating batches (the VM's slow and fast periods hit both alike); each
// figure is the median over rounds of the per-call difference. The limiter alone (no Node, no
// request) is measured by `cargo bench --bench limiter`. That Redis is asked once per request is a
// test (__test__/ratelimit.test.mjs, Redis's own command statistics), not a timing.
//   node bench/ratelimit.mjs          (from the repository root, after `npm run build`)
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"
import { randomBytes } from "node:crypto"
import { connect } from "node:net"
import { startRedis } from "../__test__/fixtures/redis.mjs"

const require = createRequire(import.meta.url)
const lib = require("../index.js")
const SECRET = randomBytes(32).toString("hex")
const SALT = randomBytes(32).toString("hex")
const ROUNDS = Number(process.env.ROUNDS ?? 21)
const BATCH = Number(process.env.BATCH ?? 5000)
const REDIS_BATCH = Number(process.env.REDIS_BATCH ?? 500)

const base = { oauth: [{ id: "github", clientId: "bench", clientSecret: "bench" }], baseURL: "http://127.0.0.1:3999", secret: SECRET, salt: SALT, logger: { level: "off" } }
// A budget no run reaches (one day, a million per IP), over 1000 client addresses.
const limits = { window: 86400, max: 1_000_000 }
const make = (rateLimit) => lib.createAuth({ ...base, rateLimit })

const IPS = Array.from({ length: 1000 }, (_, i) => `198.51.${i >> 8}.${i & 255}`)
const res = { statusCode: 0, setHeader() {}, getHeader() {}, end() {} }
const reqOf = (path, i) => ({ method: "GET", url: `/api/auth${path}`, headers: { host: "127.0.0.1:3999" }, socket: { remoteAddress: IPS[i % IPS.length], encrypted: false } })

/** µs per call of `handler` on `path`; awaits only when the handler went async. */
async function perCall(handler, path, n) {
  const reqs = Array.from({ length: n }, (_, i) => reqOf(path, i))
  const t0 = performance.now()
  for (let i = 0; i < n; i++) {
    const p = handler(reqs[i], res)
    if (p && typeof p.then === "function") await p
  }
  return ((performance.now() - t0) * 1000) / n
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** Alternating rounds of `a` and `b` (async fns returning µs/call); medians and the paired difference. */
async function paired(a, b) {
  const ta = []
  const tb = []
  const d = []
  for (let r = 0; r < ROUNDS; r++) {
    let x
    let y
    if (r % 2) {
      y = await b()
      x = await a()
    } else {
      x = await a()
      y = await b()
    }
    ta.push(x)
    tb.push(y)
    d.push(y - x)
  }
  return { offUs: +median(ta).toFixed(3), onUs: +median(tb).toFixed(3), addedUs: +median(d).toFixed(3) }
}

const off = make({ enabled: false })
const memory = make({ enabled: true, ...limits })
for (const a of [off, memory]) for (const p of ["/csrfToken", "/session"]) await perCall(a.handler, p, BATCH) // warm-up

const out = {}
out.memoryLimitedRequest = await paired(() => perCall(off.handler, "/csrfToken", BATCH), () => perCall(memory.handler, "/csrfToken", BATCH))
out.sessionRead = await paired(() => perCall(off.handler, "/session", BATCH), () => perCall(memory.handler, "/session", BATCH))
const cookieHeaders = { headers: { cookie: off.internal.sealSessionForTesting({ sub: "1", name: "Ada", provider: "github" }) } }
const memCookie = { headers: { cookie: memory.internal.sealSessionForTesting({ sub: "1", name: "Ada", provider: "github" }) } }
const getSession = (a, h) => async () => {
  const t0 = performance.now()
  for (let i = 0; i < BATCH; i++) await a.api.getSession(h)
  return ((performance.now() - t0) * 1000) / BATCH
}
out.apiGetSession = await paired(getSession(off, cookieHeaders), getSession(memory, memCookie))

// Redis: the same request counted in Redis, beside a raw PING round trip on one kept-open socket.
const redis = await startRedis()
try {
  const viaRedis = make({ enabled: true, ...limits, storage: redis.url })
  await perCall(viaRedis.handler, "/csrfToken", REDIS_BATCH)
  const sock = connect(redis.port, "127.0.0.1")
  await new Promise((r) => sock.once("connect", r))
  const pingOnce = () =>
    new Promise((resolve) => {
      sock.once("data", resolve)
      sock.write("PING\r\n")
    })
  const pingUs = async () => {
    const t0 = performance.now()
    for (let i = 0; i < REDIS_BATCH; i++) await pingOnce()
    return ((performance.now() - t0) * 1000) / REDIS_BATCH
  }
  await pingUs()
  const r = await paired(() => perCall(memory.handler, "/csrfToken", REDIS_BATCH), () => perCall(viaRedis.handler, "/csrfToken", REDIS_BATCH))
  const rtt = []
  for (let i = 0; i < ROUNDS; i++) rtt.push(await pingUs())
  sock.destroy()
  const pingMedian = median(rtt)
  out.redisLimitedRequest = { memoryUs: r.offUs, redisUs: r.onUs, addedUs: r.addedUs, rawPingRoundTripUs: +pingMedian.toFixed(3), addedInRoundTrips: +(r.addedUs / pingMedian).toFixed(2) }
} finally {
  await redis.stop()
}

out.targets = {
  "in-memory limiter adds <= 5 µs per limited request": out.memoryLimitedRequest.addedUs <= 5,
  // Reads never reach the limiter; what is left is this machine's noise (compare the two medians).
  "reads add nothing (GET /session and api.getSession within 1 µs)": Math.abs(out.sessionRead.addedUs) <= 1 && Math.abs(out.apiGetSession.addedUs) <= 1,
}
out.settings = { rounds: ROUNDS, batch: BATCH, redisBatch: REDIS_BATCH, node: process.version }
console.log(JSON.stringify(out, null, 2))
