// SPEC §13, rate limiting: each rule a named test, through the Node `handler` on node:http (the
// socket address is the client), through `handlers` with bare Web Requests (no address), and with
// a real redis-server on 127.0.0.1 shared by two instances (fixtures/redis.mjs).
//
// The password endpoints of SPEC §12 are built on another branch; the per-email rule is tested
// here on an existing POST endpoint (`/signOut`) with a rule keyed by the body's `email`, which is
// the same code path `/signIn/email` takes (its default rule is checked in the Rust unit tests).
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { lib, startApp, SECRET, SALT } from "./helpers/world.mjs"
import { startRedis } from "./fixtures/redis.mjs"
import { getFreePort } from "./fixtures/free-port.mjs"

const GITHUB = { id: "github", clientId: "rl-client", clientSecret: "rl-secret" }

/** Runs `fn` with process.env changed, then restores it. */
async function withEnv(vars, fn) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(vars)) v === undefined ? delete process.env[k] : (process.env[k] = v)
  try {
    return await fn()
  } finally {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v)
  }
}

/** An app on node:http through `handler`; `log` collects the logger's entries. */
async function app(rateLimit, { env = {}, extra = {}, log = [] } = {}) {
  return withEnv(env, () =>
    startApp((origin) => ({
      oauth: [GITHUB],
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
      rateLimit,
      logger: { level: "warn", log: (e) => log.push(e) },
      ...extra,
    })),
  )
}

const get = (url, headers = {}) => fetch(url, { headers, redirect: "manual" })
const post = (url, body, headers = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body), redirect: "manual" })

async function statuses(n, fn) {
  const out = []
  for (let i = 0; i < n; i++) {
    const res = await fn(i)
    await res.arrayBuffer()
    out.push(res.status)
  }
  return out
}

describe("SPEC §13 defaults and refusals", () => {
  test("rate limit: on by default in production, off in development unless enabled", async () => {
    const prod = await app({ max: 3 }, { env: { NODE_ENV: "production" } })
    const dev = await app({ max: 3 }, { env: { NODE_ENV: "development" } })
    const devOn = await app({ enabled: true, max: 3 }, { env: { NODE_ENV: "development" } })
    try {
      assert.deepEqual(await statuses(4, () => get(`${prod.base}/csrfToken`)), [200, 200, 200, 429])
      assert.deepEqual(await statuses(6, () => get(`${dev.base}/csrfToken`)), [200, 200, 200, 200, 200, 200])
      assert.deepEqual(await statuses(4, () => get(`${devOn.base}/csrfToken`)), [200, 200, 200, 429])
    } finally {
      await Promise.all([prod.close(), dev.close(), devOn.close()])
    }
  })

  test("rate limit: over the budget is 429 JSON RATE_LIMITED with Retry-After", async () => {
    const a = await app({ enabled: true, window: 30, max: 2 })
    try {
      await statuses(2, () => get(`${a.base}/providers`))
      const res = await get(`${a.base}/providers`)
      assert.equal(res.status, 429)
      assert.equal(res.headers.get("cache-control"), "no-store")
      const retry = Number(res.headers.get("retry-after"))
      assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 30, `Retry-After ${retry}`)
      const body = await res.json()
      assert.equal(body.error.code, "RATE_LIMITED")
      assert.match(body.error.message, /Try again in \d+ seconds/)
      // The default budget is one per IP across endpoints without a rule of their own.
      assert.equal((await get(`${a.base}/csrfToken`)).status, 429)
    } finally {
      await a.close()
    }
  })

  test("rate limit: session reads (GET /session, api.getSession) and the error page are never limited", async () => {
    const a = await app({ enabled: true, max: 1 })
    try {
      await statuses(2, () => get(`${a.base}/providers`))
      assert.deepEqual(new Set(await statuses(30, () => get(`${a.base}/session`))), new Set([200]))
      assert.deepEqual(new Set(await statuses(5, () => get(`${a.base}/error?code=RATE_LIMITED`))), new Set([400]))
      for (let i = 0; i < 30; i++) assert.deepEqual(await a.auth.api.getSession({ headers: {} }), { authenticated: false, session: null })
    } finally {
      await a.close()
    }
  })

  test("rate limit: browser redirect flows (sign-in start, callback) land on the error page with RATE_LIMITED", async () => {
    const a = await app({ enabled: true, max: 1, rules: { "/callback/*": { window: 60, max: 1 } } })
    try {
      const first = await get(`${a.base}/signIn/github`)
      assert.equal(first.status, 302)
      assert.match(first.headers.get("location"), /^https:\/\/github\.com\//)
      const limited = await get(`${a.base}/signIn/github`)
      assert.equal(limited.status, 302)
      const to = new URL(limited.headers.get("location"), a.origin)
      assert.equal(to.pathname, "/api/auth/error")
      assert.equal(to.searchParams.get("code"), "RATE_LIMITED")
      assert.ok(Number(limited.headers.get("retry-after")) >= 1)
      const page = await get(to.href)
      assert.match(await page.text(), /RATE_LIMITED/)
      // The built-in sign-in page (a browser opening it) lands there too.
      const pageLimited = await get(`${a.base}/signIn`)
      assert.equal(pageLimited.status, 302)
      assert.equal(new URL(pageLimited.headers.get("location"), a.origin).searchParams.get("code"), "RATE_LIMITED")
      // The JSON form of the sign-in start gets JSON.
      const json = await get(`${a.base}/signIn/github?redirect=false`)
      assert.equal(json.status, 429)
      assert.equal((await json.json()).error.code, "RATE_LIMITED")
      // The callback has its own (stricter) rule: the first fails on its own terms, the next is limited.
      const cb1 = await get(`${a.base}/callback/github?code=c&state=s`)
      assert.equal(new URL(cb1.headers.get("location"), a.origin).searchParams.get("code"), "FLOW_COOKIE_MISSING")
      const cb2 = await get(`${a.base}/callback/github?code=c&state=s`)
      assert.equal(cb2.status, 302)
      assert.equal(new URL(cb2.headers.get("location"), a.origin).searchParams.get("code"), "RATE_LIMITED")
    } finally {
      await a.close()
    }
  })

  test("rate limit: a custom error page receives RATE_LIMITED too", async () => {
    const a = await app({ enabled: true, max: 1 }, { extra: { pages: { error: "/oops" } } })
    try {
      await statuses(1, () => get(`${a.base}/signIn/github`))
      const res = await get(`${a.base}/signIn/github`)
      assert.equal(res.headers.get("location"), "/oops?code=RATE_LIMITED")
    } finally {
      await a.close()
    }
  })

  test("rate limit: bad configuration fails at createAuth with a coded error", () => {
    const make = (rateLimit) => () => lib.createAuth({ oauth: [GITHUB], secret: SECRET, salt: SALT, rateLimit })
    const code = (c) => (e) => e instanceof lib.AuraAuthError && e.code === c
    assert.throws(make({ window: 0 }), code("INVALID_RATE_LIMIT"))
    assert.throws(make({ max: -1 }), code("INVALID_CONFIG"))
    assert.throws(make({ rules: { "signIn/email": { max: 1 } } }), code("INVALID_RATE_LIMIT"))
    assert.throws(make({ rules: { "/signIn/email": { by: ["cookie"] } } }), code("INVALID_CONFIG"))
    assert.throws(make({ storage: "mysql://localhost" }), code("INVALID_RATE_LIMIT"))
    assert.throws(make({ storage: "database" }), (e) => code("RATE_LIMIT_STORAGE_UNAVAILABLE")(e) && /not available yet/.test(e.message))
    assert.throws(make({ onStoreError: "explode" }), code("INVALID_CONFIG"))
    assert.throws(make({ proxies: 0 }), code("INVALID_RATE_LIMIT"))
    assert.throws(make({ nope: 1 }), code("INVALID_CONFIG"))
  })
})

describe("SPEC §13 who is counted", () => {
  test("rate limit: X-Forwarded-For spoofing buys no budget when proxies are not trusted", async () => {
    const a = await app({ enabled: true, max: 3 })
    try {
      const got = await statuses(6, (i) => get(`${a.base}/csrfToken`, { "x-forwarded-for": `203.0.113.${i}` }))
      assert.deepEqual(got, [200, 200, 200, 429, 429, 429])
    } finally {
      await a.close()
    }
  })

  test("rate limit: with trustedProxyHeaders the right-most untrusted hop is the client (proxies: 2)", async () => {
    const a = await app({ enabled: true, max: 2, proxies: 2 }, { extra: { trustedProxyHeaders: true } })
    try {
      // The client writes the left part as it likes; the two proxies append the client and the CDN.
      const as = (spoof, client) => get(`${a.base}/csrfToken`, { "x-forwarded-for": `${spoof}, ${client}, 10.0.0.9` })
      assert.deepEqual(await statuses(3, (i) => as(`1.1.1.${i}`, "198.51.100.7")), [200, 200, 429])
      assert.equal((await as("1.1.1.1", "198.51.100.8")).status, 200)
    } finally {
      await a.close()
    }
  })

  test("rate limit: IPv6 clients are limited per /64", async () => {
    const a = await app({ enabled: true, max: 2 }, { extra: { trustedProxyHeaders: true } })
    try {
      const from = (ip) => get(`${a.base}/csrfToken`, { "x-forwarded-for": ip })
      const got = await statuses(3, (i) => from(`2001:db8:aa:bb:${i + 1}::1`))
      assert.deepEqual(got, [200, 200, 429])
      assert.equal((await from("2001:db8:aa:bc::1")).status, 200, "the neighbouring /64 has its own budget")
    } finally {
      await a.close()
    }
  })

  test("rate limit: a distributed guess (many IPs, one email) is stopped by the per-email budget", async () => {
    const log = []
    const a = await app({ enabled: true, rules: { "/signOut": { window: 600, max: 3, by: ["ip", "email"] } } }, { extra: { trustedProxyHeaders: true }, log })
    try {
      const guess = (i, email) => post(`${a.base}/signOut`, { email, password: `guess-${i}` }, { "x-forwarded-for": `198.51.100.${i}` })
      const got = await statuses(20, (i) => guess(i, i % 2 ? "Victim@Example.com" : "victim@example.com "))
      // Each IP tried once (every per-IP budget is fresh); the account's budget ran out after 3.
      assert.deepEqual(got.slice(0, 3), [403, 403, 403], "under the limit the endpoint answers itself (CSRF refusal)")
      assert.deepEqual(new Set(got.slice(3)), new Set([429]))
      assert.equal((await guess(50, "someone-else@example.com")).status, 403, "another account is not affected")
      // A form body is read the same way.
      const form = await fetch(`${a.base}/signOut`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": "198.51.100.99" },
        body: "email=victim%40example.com&password=x",
        redirect: "manual",
      })
      assert.equal(form.status, 429)
    } finally {
      await a.close()
    }
  })

  test("rate limit: a bare Web Request has no address: per-IP skipped with one warning, per-email still applies", async () => {
    const log = []
    const auth = lib.createAuth({
      oauth: [GITHUB],
      baseURL: "http://app.test",
      secret: SECRET,
      salt: SALT,
      rateLimit: { enabled: true, max: 2, rules: { "/signOut": { max: 2, by: ["ip", "email"] } } },
      logger: { level: "warn", log: (e) => log.push(e) },
    })
    const got = []
    for (let i = 0; i < 5; i++) got.push((await auth.handlers.GET(new Request("http://app.test/api/auth/csrfToken"))).status)
    assert.deepEqual(got, [200, 200, 200, 200, 200])
    const signOut = () =>
      auth.handlers.POST(new Request("http://app.test/api/auth/signOut", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "a@b.test" }) }))
    assert.deepEqual([(await signOut()).status, (await signOut()).status, (await signOut()).status], [403, 403, 429])
    assert.deepEqual(log.filter((e) => e.code === "RATE_LIMIT_NO_CLIENT_IP").length, 1)
  })
})

describe("SPEC §13 Redis: one budget across instances", () => {
  let redis
  before(async () => {
    redis = await startRedis()
  })
  after(async () => {
    await redis.stop()
  })

  test("rate limit: two instances on one Redis share one budget (env AURA_AUTH_RATE_LIMIT_URL or storage)", async () => {
    const a = await app({ enabled: true, max: 5, storage: redis.url })
    const b = await app({ enabled: true, max: 5 }, { env: { AURA_AUTH_RATE_LIMIT_URL: redis.url } })
    try {
      const got = await statuses(8, (i) => get(`${(i % 2 ? a : b).base}/csrfToken`))
      assert.deepEqual(got, [200, 200, 200, 200, 200, 429, 429, 429])
      const limited = await get(`${a.base}/csrfToken`)
      assert.ok(Number(limited.headers.get("retry-after")) >= 1)
      assert.equal((await limited.json()).error.code, "RATE_LIMITED")
      // Reads are not counted and do not wait on Redis.
      assert.equal((await get(`${b.base}/session`)).status, 200)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  test("rate limit: concurrent requests on two instances are counted atomically (no read-then-write race)", async () => {
    const a = await app({ enabled: true, rules: { "/signIn/*": { window: 60, max: 10 } }, storage: redis.url })
    const b = await app({ enabled: true, rules: { "/signIn/*": { window: 60, max: 10 } }, storage: redis.url })
    try {
      const all = await Promise.all(Array.from({ length: 40 }, (_, i) => get(`${(i % 2 ? a : b).base}/signIn/github?redirect=false`)))
      const codes = all.map((r) => r.status)
      assert.equal(codes.filter((s) => s === 200).length, 10)
      assert.equal(codes.filter((s) => s === 429).length, 30)
    } finally {
      await Promise.all([a.close(), b.close()])
    }
  })

  test("rate limit: one round trip per request: Redis runs one EVALSHA per counted request and nothing else", async () => {
    const own = await startRedis()
    const a = await app({ enabled: true, rules: { "/signOut": { window: 60, max: 100, by: ["ip", "email"] } }, storage: own.url })
    try {
      await statuses(1, () => get(`${a.base}/csrfToken`)) // loads the script (EVALSHA, NOSCRIPT, SCRIPT LOAD, EVALSHA)
      await own.command("CONFIG RESETSTAT")
      await statuses(10, () => get(`${a.base}/csrfToken`))
      await statuses(10, (i) => post(`${a.base}/signOut`, { email: `u${i}@example.com` }))
      await statuses(10, () => get(`${a.base}/session`))
      const stats = await own.command("INFO commandstats")
      const calls = Object.fromEntries([...stats.matchAll(/cmdstat_([a-z|]+):calls=(\d+)/g)].map((m) => [m[1], Number(m[2])]))
      // Redis counts the script's own INCR/PTTL/PEXPIRE too; those run inside the server.
      for (const inside of ["incr", "pttl", "pexpire", "info", "config|resetstat"]) delete calls[inside]
      // 20 counted requests (two keys each for the sign-out rule, still one call); reads: none.
      assert.deepEqual(calls, { evalsha: 20 })
    } finally {
      await a.close()
      await own.stop()
    }
  })

  test("rate limit: Redis stopped mid-test: requests allowed, no 5xx, the outage logged once", async () => {
    const own = await startRedis()
    const log = []
    const a = await app({ enabled: true, max: 3, storage: own.url }, { log })
    try {
      assert.deepEqual(await statuses(4, () => get(`${a.base}/providers`)), [200, 200, 200, 429])
      await own.stop()
      const during = await statuses(10, () => get(`${a.base}/providers`))
      assert.deepEqual(new Set(during), new Set([200]), `no refusals or 5xx while Redis is down: ${during}`)
      const outage = log.filter((e) => e.code === "RATE_LIMIT_STORE_UNAVAILABLE")
      assert.equal(outage.length, 1, JSON.stringify(log))
      assert.equal(outage[0].level, "error")
      assert.doesNotMatch(outage[0].message, /redis:\/\//)
    } finally {
      await a.close()
      await own.stop()
    }
  })

  test("rate limit: onStoreError 'deny' refuses with 503 RATE_LIMIT_UNAVAILABLE when Redis is unreachable", async () => {
    const closed = await getFreePort()
    const a = await app({ enabled: true, storage: `redis://127.0.0.1:${closed}`, onStoreError: "deny" })
    try {
      const res = await get(`${a.base}/csrfToken`)
      assert.equal(res.status, 503)
      assert.equal((await res.json()).error.code, "RATE_LIMIT_UNAVAILABLE")
      assert.ok(res.headers.get("retry-after"))
      assert.equal((await get(`${a.base}/session`)).status, 200, "reads never touch the store")
    } finally {
      await a.close()
    }
  })
})
