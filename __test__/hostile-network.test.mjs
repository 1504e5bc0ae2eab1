// A hostile or broken network between the core and the provider: redirects (never followed),
// non-JSON and oversized (> 1 MB) answers, and providers that never answer (the configured
// `http.timeoutMs` bounds every outbound call; the server stays responsive meanwhile).
// Each refusal asserts the error code the browser is sent to.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { startApp, CookieJar, SECRET, SALT } from "./helpers/world.mjs"
import { startHostileOidc, hostileFlow } from "./fixtures/hostile-oidc.mjs"

const TIMEOUT_MS = 500

async function withIdp(behave, fn, appConfig = {}) {
  const idp = await startHostileOidc(behave)
  const app = await startApp((origin) => ({
    oauth: [idp.provider()],
    baseURL: origin,
    secret: SECRET,
    salt: SALT,
    http: { timeoutMs: TIMEOUT_MS },
    ...appConfig,
  }))
  try {
    return await fn({ idp, app })
  } finally {
    await app.close()
    await idp.close()
  }
}

function codeOf(res) {
  assert.equal(res.status, 302, "the browser is redirected to the error page, never given a 5xx")
  const loc = new URL(res.headers.get("location"), "http://x")
  assert.equal(loc.pathname, "/api/auth/error")
  assert.ok(
    !res.headers.getSetCookie().some((c) => /^(__Host-)?aura-auth\.session/.test(c) && !/Max-Age=0/.test(c)),
    "no session cookie",
  )
  return loc.searchParams.get("code")
}

async function refuses(behave, code, stage = "callback", extra) {
  await withIdp(behave, async ({ idp, app }) => {
    const t0 = performance.now()
    const out = await hostileFlow(app, new CookieJar())
    const ms = performance.now() - t0
    assert.equal(out.stage, stage)
    assert.equal(codeOf(out.res), code)
    assert.equal(idp.counts.followed, 0, "no redirect was followed")
    if (extra) await extra({ idp, app, ms })
  })
}

// endpoint -> [behaviour key, the code the browser sees, where the flow stops]
const ENDPOINTS = {
  discovery: ["discoveryMode", "DISCOVERY_FAILED", "signIn"],
  jwks: ["jwksMode", "ID_TOKEN_INVALID", "callback"],
  token: ["tokenMode", "TOKEN_EXCHANGE_FAILED", "callback"],
  userinfo: ["userinfoMode", "USERINFO_FAILED", "callback"],
}

describe("rule 8: redirects from the provider are never followed", () => {
  for (const [endpoint, [key, code, stage]] of Object.entries(ENDPOINTS)) {
    for (const mode of ["redirect", "redirect307"]) {
      test(`${endpoint} endpoint answering ${mode === "redirect" ? 302 : 307} → ${code}, /followed never requested`, () =>
        refuses({ [key]: mode }, code, stage))
    }
  }
})

describe("rule 8: non-JSON, broken and oversized (> 1 MB) responses", () => {
  for (const [endpoint, [key, code, stage]] of Object.entries(ENDPOINTS)) {
    for (const mode of ["html", "json-as-html", "bad-json", "huge", "huge-chunked", "500"]) {
      test(`${endpoint} endpoint answering ${mode} → ${code}`, () => refuses({ [key]: mode }, code, stage))
    }
  }
  test("a provider that drops the connection on the token request → PROVIDER_UNAVAILABLE", () =>
    refuses({ tokenMode: "close" }, "PROVIDER_UNAVAILABLE"))
  test("a provider that drops the connection on userinfo → PROVIDER_UNAVAILABLE", () =>
    refuses({ userinfoMode: "close" }, "PROVIDER_UNAVAILABLE"))
  test("a provider that drops the connection on JWKS → PROVIDER_UNAVAILABLE", () =>
    refuses({ jwksMode: "close" }, "PROVIDER_UNAVAILABLE"))
  test("a provider that drops the connection on discovery → DISCOVERY_FAILED", () =>
    refuses({ discoveryMode: "close" }, "DISCOVERY_FAILED", "signIn"))
  test("maxResponseBytes is honoured: a 3 KB userinfo with a 2 KB cap → USERINFO_FAILED (the rest fits)", () =>
    withIdp(
      // One small EC key keeps the JWKS under the cap, so only userinfo exceeds it.
      { alg: "ES256", jwks: ["es-1"], userinfo: (u) => ({ ...u, bio: "b".repeat(3072) }) },
      async ({ idp, app }) => {
        assert.equal(codeOf((await hostileFlow(app, new CookieJar())).res), "USERINFO_FAILED")
        assert.equal(idp.counts.userinfo, 1)
      },
      { http: { timeoutMs: TIMEOUT_MS, maxResponseBytes: 2048 } },
    ))
})

describe(`rule 8: a provider that never answers: bounded by http.timeoutMs (${TIMEOUT_MS} ms)`, () => {
  const within = (ms) => {
    assert.ok(ms >= TIMEOUT_MS * 0.8, `gave up after ${ms.toFixed(0)} ms: before the limit?`)
    assert.ok(ms < TIMEOUT_MS + 2500, `took ${ms.toFixed(0)} ms`)
  }
  for (const [endpoint, key, code, stage] of [
    ["token", "tokenMode", "PROVIDER_UNAVAILABLE", "callback"],
    ["userinfo", "userinfoMode", "PROVIDER_UNAVAILABLE", "callback"],
    ["jwks", "jwksMode", "PROVIDER_UNAVAILABLE", "callback"],
    ["discovery", "discoveryMode", "DISCOVERY_FAILED", "signIn"],
  ]) {
    test(`${endpoint} hangs → ${code} within the limit`, () => refuses({ [key]: "hang" }, code, stage, ({ ms }) => within(ms)))
  }
  test("token endpoint sends headers then trickles a byte every 100 ms forever → PROVIDER_UNAVAILABLE within the limit", () =>
    refuses({ tokenMode: "stall" }, "PROVIDER_UNAVAILABLE", "callback", ({ ms }) => within(ms)))

  test("while a callback hangs on the provider, the server keeps answering other requests promptly", () =>
    withIdp({ tokenMode: "hang" }, async ({ app }) => {
      let settled = false
      const pending = hostileFlow(app, new CookieJar()).finally(() => (settled = true))
      await new Promise((r) => setTimeout(r, 100))
      for (const path of ["/session", "/providers", "/csrfToken", "/error?code=STATE_MISMATCH"]) {
        const t0 = performance.now()
        const res = await fetch(`${app.base}${path}`)
        await res.arrayBuffer()
        const ms = performance.now() - t0
        assert.ok(res.status < 500)
        assert.ok(!settled, `${path} was only answered after the hanging callback gave up`)
        assert.ok(ms < 1000, `${path} took ${ms.toFixed(0)} ms during the hang`)
      }
      assert.equal(codeOf((await pending).res), "PROVIDER_UNAVAILABLE")
    }))

  test("concurrent callbacks against a hanging token endpoint each fail within the limit (no queueing)", () =>
    withIdp({ tokenMode: "hang" }, async ({ app }) => {
      const t0 = performance.now()
      const outs = await Promise.all(Array.from({ length: 6 }, () => hostileFlow(app, new CookieJar())))
      for (const o of outs) assert.equal(codeOf(o.res), "PROVIDER_UNAVAILABLE")
      assert.ok(performance.now() - t0 < TIMEOUT_MS + 2500)
    }))

  test("concurrent callbacks against a hanging JWKS endpoint fail together, not one timeout after another", () =>
    withIdp({ jwksMode: "hang" }, async ({ app }) => {
      const t0 = performance.now()
      const outs = await Promise.all(Array.from({ length: 6 }, () => hostileFlow(app, new CookieJar())))
      const ms = performance.now() - t0
      for (const o of outs) assert.equal(codeOf(o.res), "PROVIDER_UNAVAILABLE")
      assert.ok(ms < TIMEOUT_MS * 3, `6 concurrent callbacks took ${ms.toFixed(0)} ms (serialised timeouts?)`)
    }))

  // Regression: tokio's OnceCell::get_or_try_init lets every queued caller retry after a failed
  // init, so N concurrent sign-ins during a discovery outage took N × timeoutMs (fixed in
  // src/auth.rs `Auth::endpoints`: waiters share the failure).
  test("concurrent sign-ins against a hanging discovery endpoint fail together, not one timeout after another", () =>
    withIdp({ discoveryMode: "hang" }, async ({ app }) => {
      const t0 = performance.now()
      const outs = await Promise.all(Array.from({ length: 6 }, () => hostileFlow(app, new CookieJar())))
      const ms = performance.now() - t0
      for (const o of outs) {
        assert.equal(o.stage, "signIn")
        assert.equal(codeOf(o.res), "DISCOVERY_FAILED")
      }
      assert.ok(ms < TIMEOUT_MS * 3, `6 concurrent sign-ins took ${ms.toFixed(0)} ms (serialised timeouts?)`)
    }))

  // The JSON form of signIn answers 424 (Failed Dependency) when the provider cannot be reached:
  // SPEC §3 asks for a fitting 4xx (found by the `handle` property test; was 502).
  test("signIn?redirect=false during a discovery outage answers a 4xx JSON DISCOVERY_FAILED", () =>
    withIdp({ discoveryMode: "hang" }, async ({ app }) => {
      const res = await fetch(`${app.base}/signIn/hostile?redirect=false`)
      assert.equal((await res.json()).error.code, "DISCOVERY_FAILED")
      assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`)
    }))

  test("after the provider recovers, the next sign-in succeeds (failures are not cached)", () =>
    withIdp({ discoveryMode: "hang", jwksMode: "hang" }, async ({ idp, app }) => {
      assert.equal(codeOf((await hostileFlow(app, new CookieJar())).res), "DISCOVERY_FAILED")
      idp.set({ discoveryMode: "ok" })
      assert.equal(codeOf((await hostileFlow(app, new CookieJar())).res), "PROVIDER_UNAVAILABLE")
      idp.set({ jwksMode: "ok" })
      const jar = new CookieJar()
      const { res } = await hostileFlow(app, jar)
      assert.equal(res.headers.get("location"), "/dashboard")
    }))
})
