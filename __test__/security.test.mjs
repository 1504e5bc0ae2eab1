// SPEC §4 security rules and the spine issue's refusals, each a named test against real parts.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { createServer } from "node:http"
import { listen, closeServer } from "./fixtures/free-port.mjs"
import { completeOidcLogin } from "./fixtures/oidc-login.mjs"
import {
  lib,
  startProviders,
  startApp,
  startSignIn,
  throughProvider,
  signIn,
  sessionOf,
  signOut,
  go,
  CookieJar,
  SECRET,
  SALT,
} from "./helpers/world.mjs"

let world
let app
before(async () => {
  world = await startProviders()
  app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT }))
})
after(async () => {
  await app.close()
  await world.close()
})

function errorCode(res) {
  assert.equal(res.status, 302, "browser is redirected, not given a 500")
  const loc = new URL(res.headers.get("location"), "http://x")
  assert.equal(loc.pathname, "/api/auth/error")
  return loc.searchParams.get("code")
}

describe("rule 3: state, PKCE and nonce fail closed and are bound to the provider", () => {
  test("state mismatch is refused", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const cb = new URL(await throughProvider("github", authorizeUrl))
    cb.searchParams.set("state", "forged-state")
    assert.equal(errorCode(await go(jar, cb.href)), "STATE_MISMATCH")
  })

  test("missing flow cookie is refused (CVE-2023-27490 shape)", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const cb = await throughProvider("github", authorizeUrl)
    assert.equal(errorCode(await go(new CookieJar(), cb)), "FLOW_COOKIE_MISSING")
  })

  test("a flow cookie from another provider is refused", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const state = new URL(authorizeUrl).searchParams.get("state")
    const res = await go(jar, `${app.base}/callback/oidc?code=abc&state=${state}&iss=${encodeURIComponent(world.oidc.issuer)}`)
    assert.equal(errorCode(res), "PROVIDER_MISMATCH")
  })

  test("a replayed callback is refused (with and without the old flow cookie)", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "oidc")
    const flowCookie = jar.get("aura-auth.flow")
    const cb = await throughProvider("oidc", authorizeUrl)
    const first = await go(jar, cb)
    assert.equal(first.headers.get("location"), "/dashboard")
    assert.equal(errorCode(await go(jar, cb)), "FLOW_COOKIE_MISSING")
    const replay = await fetch(cb, { redirect: "manual", headers: { cookie: `aura-auth.flow=${flowCookie}` } })
    assert.equal(errorCode(replay), "TOKEN_EXCHANGE_FAILED")
  })

  test("wrong nonce in the id_token is refused", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "oidc")
    const u = new URL(authorizeUrl)
    u.searchParams.set("nonce", "attacker-chosen-nonce")
    const { callbackUrl } = await completeOidcLogin(u.href, { username: "ada" })
    assert.equal(errorCode(await go(jar, callbackUrl)), "NONCE_MISMATCH")
  })

  test("missing nonce in the id_token is refused", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "oidc")
    const u = new URL(authorizeUrl)
    u.searchParams.delete("nonce")
    const { callbackUrl } = await completeOidcLogin(u.href, { username: "ada" })
    assert.equal(errorCode(await go(jar, callbackUrl)), "NONCE_MISMATCH")
  })

  test("an id_token with a bad signature is refused", async () => {
    // A proxy in front of the real token endpoint flips one byte of the id_token's signature.
    const proxy = createServer(async (req, res) => {
      const chunks = []
      for await (const c of req) chunks.push(c)
      const upstream = await fetch(world.oidc.tokenEndpoint, {
        method: "POST",
        headers: { "content-type": req.headers["content-type"], authorization: req.headers.authorization ?? "" },
        body: Buffer.concat(chunks),
      })
      const body = await upstream.json()
      if (body.id_token) {
        const [h, p, s] = body.id_token.split(".")
        const flipped = (s[5] === "A" ? "B" : "A")
        body.id_token = `${h}.${p}.${s.slice(0, 5)}${flipped}${s.slice(6)}`
      }
      res.setHeader("content-type", "application/json")
      res.end(JSON.stringify(body))
    })
    const port = await listen(proxy)
    const bad = await startApp((origin) => ({
      oauth: [{ id: "oidc", type: "oidc", issuer: world.oidc.issuer, clientId: world.oidc.clientId, clientSecret: world.oidc.clientSecret, tokenURL: `http://127.0.0.1:${port}/token` }],
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
    }))
    try {
      const jar = new CookieJar()
      const { res } = await signIn(bad, jar, "oidc")
      assert.equal(errorCode(res), "ID_TOKEN_INVALID")
      assert.equal(jar.get("aura-auth.session"), undefined)
    } finally {
      await bad.close()
      await closeServer(proxy)
    }
  })

  test("the provider answering ?error=access_denied leads to the error page, not a 500", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const state = new URL(authorizeUrl).searchParams.get("state")
    const res = await go(jar, `${app.base}/callback/github?error=access_denied&state=${state}`)
    assert.equal(errorCode(res), "ACCESS_DENIED")
    const page = await go(jar, new URL(res.headers.get("location"), app.origin).href)
    assert.equal(page.status, 400)
    assert.match(page.headers.get("content-type"), /text\/html/)
    assert.match(await page.text(), /cancelled or refused/)
  })

  test("the error page never echoes an unknown code", async () => {
    const res = await fetch(`${app.base}/error?code=${encodeURIComponent("<script>alert(1)</script>")}`)
    const html = await res.text()
    assert.ok(!html.includes("<script>alert"))
    assert.match(html, /UNKNOWN_ERROR/)
  })
})

describe("rule 2: bad session cookies mean signed out (and are cleared), never a 500", () => {
  let good
  before(async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "github")
    good = jar.get("aura-auth.session")
  })

  async function check(value) {
    const res = await fetch(`${app.base}/session`, { headers: { cookie: `aura-auth.session=${value}` } })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { authenticated: false, session: null })
    assert.ok(res.headers.getSetCookie().some((c) => c.startsWith("aura-auth.session=;") && /Max-Age=0/.test(c)), "cleared")
    assert.deepEqual(await app.auth.api.getSession({ headers: { cookie: `aura-auth.session=${value}` } }), { authenticated: false, session: null })
  }

  test("a tampered session cookie", async () => {
    const i = good.length - 10
    await check(good.slice(0, i) + (good[i] === "A" ? "B" : "A") + good.slice(i + 1))
  })
  test("a truncated session cookie", async () => check(good.slice(0, good.length - 7)))
  test("garbage session cookies", async () => {
    for (const v of ["x", ".", "..", "a.b", "%00", "ÿÿ", "A".repeat(5000)]) await check(v)
  })
  test("an expired session cookie", async () => {
    const short = lib.createAuth({ oauth: [{ id: "github", clientId: "a", clientSecret: "b" }], baseURL: app.origin, secret: SECRET, salt: SALT, session: { maxAge: 1, updateAge: 0 } })
    const cookie = short.internal.sealSessionForTesting({ sub: "1", provider: "github" })
    assert.equal((await short.api.getSession({ headers: { cookie } })).authenticated, true)
    await new Promise((r) => setTimeout(r, 2100))
    await check(cookie.split("=")[1])
  })
  test("a flow cookie pasted in as the session cookie (CVE-2023-48309 shape)", async () => {
    const jar = new CookieJar()
    await startSignIn(app, jar, "github")
    await check(jar.get("aura-auth.flow"))
  })
  test("a CSRF cookie pasted in as the session cookie", async () => {
    const jar = new CookieJar()
    await go(jar, `${app.base}/csrfToken`)
    await check(jar.get("aura-auth.csrf"))
  })
  test("rule 1: a session sealed under another secret does not open; a rotated list opens it", async () => {
    const other = lib.createAuth({ oauth: [{ id: "github", clientId: "a", clientSecret: "b" }], baseURL: app.origin, secret: SALT.replace(/./, "Q"), salt: SALT })
    await check(other.internal.sealSessionForTesting({ sub: "1", provider: "github" }).split("=")[1])
    const rotated = lib.createAuth({ oauth: [{ id: "github", clientId: "a", clientSecret: "b" }], baseURL: app.origin, secret: [SALT.replace(/./, "Q"), SECRET], salt: SALT })
    assert.equal((await rotated.api.getSession({ headers: { cookie: `aura-auth.session=${good}` } })).authenticated, true)
  })
})

describe("rule 4: redirect targets", () => {
  const bad = ["//evil.com", "/\\evil.com", "https://app.example.com.evil.com", "javascript:alert(1)", "%2F%2Fevil.com", "/%2F%2Fevil.com", "x".repeat(10 * 1024)]
  for (const target of bad) {
    test(`refuses ${JSON.stringify(target.length > 40 ? `${target.slice(0, 10)}… (${target.length} chars)` : target)}`, async () => {
      const jar = new CookieJar()
      await signIn(app, jar, "github")
      const out = await signOut(app, jar, { redirectTo: target })
      assert.equal(out.status, 200)
      assert.equal((await out.json()).url, "/")
    })
  }
  test("a full sign-in with redirectTo=//evil.com lands on /", async () => {
    const jar = new CookieJar()
    const { res } = await signIn(app, jar, "github", { redirectTo: "//evil.com" })
    assert.equal(res.headers.get("location"), "/")
  })
  test("same-origin absolute URLs are kept", async () => {
    const jar = new CookieJar()
    const { res } = await signIn(app, jar, "github", { redirectTo: `${app.origin}/here` })
    assert.equal(res.headers.get("location"), `${app.origin}/here`)
  })
})

describe("CSRF on signOut", () => {
  test("signOut without a CSRF token is refused", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "github")
    const res = await go(jar, `${app.base}/signOut`, { method: "POST", headers: { "content-type": "application/json", origin: app.origin }, body: "{}" })
    assert.equal(res.status, 403)
    assert.equal((await res.json()).error.code, "CSRF_TOKEN_INVALID")
    assert.equal((await sessionOf(app, jar)).body.authenticated, true)
  })
  test("signOut with a cross-site Origin is refused", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "github")
    const res = await signOut(app, jar, { headers: { origin: "https://evil.example" } })
    assert.equal(res.status, 403)
    assert.equal((await res.json()).error.code, "CSRF_ORIGIN_MISMATCH")
    assert.equal((await sessionOf(app, jar)).body.authenticated, true)
  })
})

describe("rule 5: baseURL beats request headers; forwarded headers need trustedProxyHeaders", () => {
  test("X-Forwarded-Host: evil.com without trustedProxyHeaders changes neither callback URL nor redirects", async () => {
    const noBase = await startApp(() => ({ oauth: world.providers(), secret: SECRET, salt: SALT }))
    try {
      const jar = new CookieJar()
      const res = await go(jar, `${noBase.base}/signIn/github?redirectTo=${encodeURIComponent("https://evil.com/x")}`, {
        headers: { "x-forwarded-host": "evil.com", "x-forwarded-proto": "https" },
      })
      const redirectUri = new URL(res.headers.get("location")).searchParams.get("redirect_uri")
      assert.equal(redirectUri, `${noBase.base}/callback/github`)
      assert.ok(!res.headers.getSetCookie()[0].includes("Secure"))
      const cb = await throughProvider("github", res.headers.get("location"))
      const done = await go(jar, cb, { headers: { "x-forwarded-host": "evil.com" } })
      assert.equal(done.headers.get("location"), "/")
    } finally {
      await noBase.close()
    }
  })
  test("with baseURL set, Host and forwarded headers are ignored", async () => {
    const jar = new CookieJar()
    const res = await go(jar, `${app.base}/signIn/github`, { headers: { "x-forwarded-host": "evil.com", host: "evil.com" } })
    assert.equal(new URL(res.headers.get("location")).searchParams.get("redirect_uri"), `${app.base}/callback/github`)
  })
})

describe("rule 6: cookie attributes and prefixes are decided per request", () => {
  test("http then https then http through one instance (trusted proxy)", async () => {
    const proxied = await startApp(() => ({ oauth: world.providers(), secret: SECRET, salt: SALT, trustedProxyHeaders: true }))
    try {
      const get = (proto) => fetch(`${proxied.base}/csrfToken`, { headers: proto ? { "x-forwarded-proto": proto } : {} })
      const a = (await get()).headers.getSetCookie()[0]
      const b = (await get("https")).headers.getSetCookie()[0]
      const c = (await get()).headers.getSetCookie()[0]
      assert.match(a, /^aura-auth\.csrf=/)
      assert.ok(!/Secure/.test(a))
      assert.match(b, /^__Host-aura-auth\.csrf=/)
      assert.match(b, /Secure/)
      assert.match(b, /SameSite=Strict/)
      assert.match(b, /HttpOnly/)
      assert.match(b, /Path=\//)
      assert.equal(c.split("=")[0], a.split("=")[0])
      assert.ok(!/Secure/.test(c))
    } finally {
      await proxied.close()
    }
  })
  test("session and flow cookies are HttpOnly, SameSite=Lax, Path=/", async () => {
    const jar = new CookieJar()
    const { res } = await startSignIn(app, jar, "github")
    const flow = res.headers.getSetCookie()[0]
    assert.match(flow, /HttpOnly/)
    assert.match(flow, /SameSite=Lax/)
    assert.match(flow, /Max-Age=600/)
  })
})

describe("rule 9: nothing secret is echoed", () => {
  test("/session and errors never echo request headers or cookies", async () => {
    const secretish = "aura-auth.session=SECRET_VALUE_123; other=PRIVATE_456"
    for (const path of ["/session", "/nope", "/csrfToken", "/providers", "/error?code=X"]) {
      const res = await fetch(`${app.base}${path}`, { headers: { cookie: secretish, authorization: "Bearer %" } })
      assert.ok(res.status < 500)
      const text = await res.text()
      assert.ok(!text.includes("SECRET_VALUE_123") && !text.includes("PRIVATE_456"), path)
    }
  })
})

describe("createAuth validates its whole config up front", () => {
  const base = { oauth: [{ id: "github", clientId: "a", clientSecret: "b" }], secret: SECRET, salt: SALT }
  const cases = [
    ["short secret", { ...base, secret: "abcd" }, "INVALID_SECRET"],
    ["low-entropy secret", { ...base, secret: "0".repeat(64) }, "INVALID_SECRET"],
    ["short salt", { ...base, salt: "abcd" }, "INVALID_SALT"],
    ["unknown provider id", { ...base, oauth: ["nope"] }, "UNKNOWN_PROVIDER"],
    ["provider without credentials", { ...base, oauth: ["github"] }, "MISSING_CLIENT_CREDENTIALS"],
    ["duplicate provider ids", { ...base, oauth: [base.oauth[0], base.oauth[0]] }, "DUPLICATE_PROVIDER"],
    ["basePath without /", { ...base, basePath: "api/auth" }, "INVALID_BASE_PATH"],
    ["invalid baseURL", { ...base, baseURL: "not a url" }, "INVALID_BASE_URL"],
    ["baseURL with a path", { ...base, baseURL: "https://example.com/app" }, "INVALID_BASE_URL"],
    ["invalid trusted origin", { ...base, trustedOrigins: ["javascript:alert(1)"] }, "INVALID_TRUSTED_ORIGIN"],
    ["unknown option", { ...base, sesion: {} }, "INVALID_CONFIG"],
    ["http provider URL off loopback", { ...base, oauth: [{ id: "github", clientId: "a", clientSecret: "b", tokenURL: "http://example.com/t" }] }, "INVALID_PROVIDER_URL"],
  ]
  for (const [name, config, code] of cases) {
    test(`${name} → ${code}`, () => {
      assert.throws(
        () => lib.createAuth(config),
        (e) => e instanceof lib.AuraAuthError && e instanceof Error && e.code === code && e.message.length > 20,
      )
    })
  }
  test("missing secret in production → MISSING_SECRET; in development one warning and it works", () => {
    const saved = { ...process.env }
    try {
      delete process.env.AURA_AUTH_SECRET
      delete process.env.AURA_AUTH_SALT
      process.env.NODE_ENV = "production"
      assert.throws(() => lib.createAuth({ oauth: base.oauth }), (e) => e.code === "MISSING_SECRET")
      process.env.NODE_ENV = "development"
      const warnings = []
      const orig = console.warn
      console.warn = (m) => warnings.push(m)
      try {
        lib.createAuth({ oauth: base.oauth })
      } finally {
        console.warn = orig
      }
      assert.ok(warnings.length <= 1, "at most one warning (once per process)")
      if (warnings.length) assert.match(warnings[0], /development key/)
      process.env.AURA_AUTH_SECRET = SECRET
      process.env.AURA_AUTH_SALT = SALT
      process.env.GITHUB_CLIENT_ID = "id"
      process.env.GITHUB_CLIENT_SECRET = "secret"
      process.env.NODE_ENV = "production"
      assert.ok(lib.createAuth({ oauth: ["github"] }).handler)
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k]
      Object.assign(process.env, saved)
    }
  })
})
