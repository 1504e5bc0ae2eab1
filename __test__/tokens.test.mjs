// Provider tokens (SPEC §9, issue 11): storeTokens, api.getAccessToken with single-flight refresh,
// rotation, invalid_grant, provider down, tampering, revocation and federated sign-out — against a
// real OpenID provider (oidc-provider, offline_access, short access-token TTL) and the
// GitHub-shaped server with expiring tokens (as GitHub Apps issue them).
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { startOidcProvider } from "./fixtures/oidc-server.mjs"
import { startGitHubServer } from "./fixtures/github-server.mjs"
import { completeOidcLogin, parseForm } from "./fixtures/oidc-login.mjs"
import { lib, startApp, go, sessionOf, CookieJar, SECRET, SALT } from "./helpers/world.mjs"

let idp
let gh
let app
let accessTtl = 3600
let rotate = false
let refreshGrants = 0

before(async () => {
  idp = await startOidcProvider({
    allowAnyLoopbackRedirect: true,
    clientMetadata: { grant_types: ["authorization_code", "refresh_token"] },
    providerConfig: {
      ttl: { AccessToken: () => accessTtl, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, RefreshToken: 86400, Session: 86400, Grant: 86400 },
      rotateRefreshToken: () => rotate,
    },
  })
  idp.provider.on("grant.success", (ctx) => {
    if (ctx.oidc.params.grant_type === "refresh_token") refreshGrants++
  })
  gh = await startGitHubServer({ expiresIn: 28800 })
  app = await startApp((origin) => config(origin))
})
after(async () => {
  await app.close()
  await idp.close()
  await gh.close()
})

function providers({ oidcTokenURL, revoke = true } = {}) {
  return [
    {
      id: "oidc",
      type: "oidc",
      name: "Local OpenID",
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      scope: "openid profile email offline_access",
      authorizationParams: { prompt: "consent" },
      storeTokens: true,
      revokeTokens: revoke,
      federatedSignOut: true,
      ...(oidcTokenURL ? { tokenURL: oidcTokenURL } : {}),
    },
    { id: "github", clientId: gh.clientId, clientSecret: gh.clientSecret, authorizationURL: gh.authorizeURL, tokenURL: gh.tokenURL, userinfoURL: gh.userURL, emailsURL: gh.emailsURL, storeTokens: true },
  ]
}

function config(origin, extra = {}) {
  return { oauth: providers(extra), baseURL: origin, secret: SECRET, salt: SALT, logger: { level: "off" } }
}

/** Signs in through the provider; returns the jar (and the provider-side jar for OIDC). */
async function signInWith(provider, username = "ada") {
  const jar = new CookieJar()
  const start = await go(jar, `${app.base}/signIn/${provider}?redirectTo=/dashboard`)
  let callbackUrl
  let idpJar
  if (provider === "oidc") {
    const r = await completeOidcLogin(start.headers.get("location"), { username })
    callbackUrl = r.callbackUrl
    idpJar = r.jar
  } else {
    callbackUrl = (await fetch(start.headers.get("location"), { redirect: "manual" })).headers.get("location")
  }
  const res = await go(jar, callbackUrl)
  assert.equal(res.headers.get("location"), "/dashboard")
  return { jar, res, idpJar }
}

const headersOf = (jar) => ({ cookie: jar.header(app.base) })

async function userinfoWith(accessToken) {
  const res = await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } })
  return res.status === 200 ? res.json() : { status: res.status }
}

/** Replaces the jar's cookies with the Set-Cookie lines (as a browser would). */
function apply(jar, lines) {
  jar.store(app.base, lines)
}

describe("storeTokens keeps the provider's tokens in their own cookie", () => {
  test("set at the callback before the session cookie (which stays last); the session cookie's size is unchanged", async () => {
    const { jar, res } = await signInWith("oidc")
    const lines = res.headers.getSetCookie()
    const tokensAt = lines.findIndex((l) => l.startsWith("aura-auth.tokens.oidc="))
    assert.ok(tokensAt >= 0, "token cookie set")
    assert.match(lines[tokensAt], /HttpOnly/)
    assert.ok(lines.at(-1).startsWith("aura-auth.session="), "the session cookie is the last Set-Cookie")
    const plain = lib.createAuth({ oauth: providers().map(({ storeTokens, revokeTokens, ...p }) => p), secret: SECRET, salt: SALT })
    const same = plain.internal.sealSessionForTesting((await sessionOf(app, jar)).body.session.user)
    assert.ok(Math.abs(same.length - jar.header(app.base).split("; ").find((c) => c.startsWith("aura-auth.session=")).length) <= 4)
  })

  test("the access token from getAccessToken works at the provider's userinfo endpoint", async () => {
    const { jar } = await signInWith("oidc", "bea")
    const t = await app.auth.api.getAccessToken("oidc", { headers: headersOf(jar) })
    assert.equal(typeof t.accessToken, "string")
    assert.ok(t.expiresAt > Date.now() / 1000 + 60)
    assert.match(t.scope, /offline_access/)
    assert.deepEqual(t.setCookie, [], "no refresh, nothing to write")
    assert.equal((await userinfoWith(t.accessToken)).sub, "bea")
  })

  test("a token cookie pasted as a session cookie is not a session, and a session cookie is not a token cookie", async () => {
    const { jar } = await signInWith("oidc", "cy")
    const tokenValue = jar.get("aura-auth.tokens.oidc")
    const sessionValue = jar.get("aura-auth.session")
    assert.deepEqual(await app.auth.api.getSession({ headers: { cookie: `aura-auth.session=${tokenValue}` } }), { authenticated: false, session: null })
    await assert.rejects(
      app.auth.api.getAccessToken("oidc", { headers: { cookie: `aura-auth.session=${sessionValue}; aura-auth.tokens.oidc=${sessionValue}` } }),
      (e) => e.code === "NO_TOKENS",
    )
  })

  test("a tampered token cookie means no tokens (NO_TOKENS), never a 500", async () => {
    const { jar } = await signInWith("oidc", "dee")
    const value = jar.get("aura-auth.tokens.oidc")
    const flipped = value.slice(0, 20) + (value[20] === "A" ? "B" : "A") + value.slice(21)
    const cookie = `aura-auth.session=${jar.get("aura-auth.session")}; aura-auth.tokens.oidc=${flipped}`
    await assert.rejects(app.auth.api.getAccessToken("oidc", { headers: { cookie } }), (e) => e instanceof lib.AuraAuthError && e.code === "NO_TOKENS")
    const res = await fetch(`${app.base}/session`, { headers: { cookie } })
    assert.equal(res.status, 200)
  })

  test("another user's token cookie beside my session is not mine (NO_TOKENS)", async () => {
    const a = await signInWith("oidc", "eve")
    const b = await signInWith("oidc", "fay")
    const cookie = `aura-auth.session=${b.jar.get("aura-auth.session")}; aura-auth.tokens.oidc=${a.jar.get("aura-auth.tokens.oidc")}`
    await assert.rejects(app.auth.api.getAccessToken("oidc", { headers: { cookie } }), (e) => e.code === "NO_TOKENS")
  })

  test("not signed in → UNAUTHENTICATED; a provider without storeTokens → NO_TOKENS; unknown → UNKNOWN_PROVIDER", async () => {
    await assert.rejects(app.auth.api.getAccessToken("oidc", { headers: {} }), (e) => e.code === "UNAUTHENTICATED")
    const plain = await startApp((origin) => ({ ...config(origin), oauth: providers().map(({ storeTokens, revokeTokens, ...p }) => p) }))
    try {
      const jar = new CookieJar()
      const start = await go(jar, `${plain.base}/signIn/github`)
      await go(jar, (await fetch(start.headers.get("location"), { redirect: "manual" })).headers.get("location"))
      await assert.rejects(plain.auth.api.getAccessToken("github", { headers: { cookie: jar.header(plain.base) } }), (e) => e.code === "NO_TOKENS")
      await assert.rejects(plain.auth.api.getAccessToken("nope", { headers: { cookie: jar.header(plain.base) } }), (e) => e.code === "UNKNOWN_PROVIDER")
    } finally {
      await plain.close()
    }
  })
})

describe("refresh", () => {
  test("with under 60 s left it refreshes; the new token works at userinfo before and after, and { req, res } writes the cookie", async () => {
    accessTtl = 30
    try {
      const { jar } = await signInWith("oidc", "gus")
      assert.ok(jar.get("aura-auth.tokens.oidc"))
      const before = refreshGrants
      // Through { req, res }: the Set-Cookie goes out through res.
      const written = []
      const res = { getHeader: () => undefined, setHeader: (n, v) => written.push([n, v]) }
      const t = await app.auth.api.getAccessToken("oidc", { req: { headers: headersOf(jar) }, res })
      assert.equal(refreshGrants, before + 1)
      assert.equal(t.setCookie, undefined)
      assert.equal(written[0][0], "set-cookie")
      assert.ok(written[0][1].some((l) => l.startsWith("aura-auth.tokens.oidc=")))
      assert.equal((await userinfoWith(t.accessToken)).sub, "gus")
      apply(jar, written[0][1])
      // The stored token is the new one: within the grace period the same refresh token is not
      // spent twice, the new tokens come back.
      const again = await app.auth.api.getAccessToken("oidc", { headers: headersOf(jar) })
      assert.equal(again.accessToken, t.accessToken)
      assert.equal(refreshGrants, before + 1)
    } finally {
      accessTtl = 3600
    }
  })

  test("single flight: 50 concurrent calls with an expiring token → exactly one refresh_token grant, all 50 get the new token", async () => {
    accessTtl = 30
    try {
      const { jar } = await signInWith("oidc", "hal")
      const before = refreshGrants
      const results = await Promise.all(Array.from({ length: 50 }, () => app.auth.api.getAccessToken("oidc", { headers: headersOf(jar) })))
      assert.equal(refreshGrants - before, 1)
      assert.equal(new Set(results.map((r) => r.accessToken)).size, 1)
      assert.ok(results.every((r) => r.setCookie.length >= 1))
    } finally {
      accessTtl = 3600
    }
  })

  test("rotation: a rotated refresh token is stored; a late caller with the old cookie gets the new tokens, not invalid_grant", async () => {
    accessTtl = 30
    rotate = true
    try {
      const { jar } = await signInWith("oidc", "ida")
      const oldCookie = headersOf(jar)
      const t1 = await app.auth.api.getAccessToken("oidc", { headers: oldCookie })
      apply(jar, t1.setCookie)
      const late = await app.auth.api.getAccessToken("oidc", { headers: oldCookie })
      assert.equal(late.accessToken, t1.accessToken, "shared within the grace period")
      const before = refreshGrants
      const t2 = await app.auth.api.getAccessToken("oidc", { headers: headersOf(jar) })
      assert.equal(refreshGrants, before + 1, "the rotated refresh token works")
      assert.equal((await userinfoWith(t2.accessToken)).sub, "ida")
    } finally {
      accessTtl = 3600
      rotate = false
    }
  })

  test("invalid_grant → REFRESH_TOKEN_INVALID, the token cookie is cleared and the session stays", async () => {
    accessTtl = 30
    rotate = true
    try {
      const { jar } = await signInWith("oidc", "jo")
      const oldCookie = headersOf(jar)
      await app.auth.api.getAccessToken("oidc", { headers: oldCookie }) // spends (rotates) the refresh token
      // Another process (no shared refresh result) presents the spent refresh token: invalid_grant.
      const other = lib.createAuth(config(app.origin))
      const error = await other.api.getAccessToken("oidc", { headers: oldCookie }).catch((e) => e)
      assert.ok(error instanceof lib.AuraAuthError, String(error))
      assert.equal(error.code, "REFRESH_TOKEN_INVALID")
      assert.ok(error.setCookie.some((l) => l.startsWith("aura-auth.tokens.oidc=;") && /Max-Age=0/.test(l)))
      apply(jar, error.setCookie)
      assert.equal((await sessionOf(app, jar)).body.authenticated, true, "the session stays")
      await assert.rejects(app.auth.api.getAccessToken("oidc", { headers: headersOf(jar) }), (e) => e.code === "NO_TOKENS")
    } finally {
      accessTtl = 3600
      rotate = false
    }
  })

  test("provider unreachable → PROVIDER_UNAVAILABLE, the cookie is unchanged", async () => {
    accessTtl = 30
    try {
      const { jar } = await signInWith("oidc", "kai")
      const down = lib.createAuth({ ...config(app.origin, { oidcTokenURL: "http://127.0.0.1:9/token" }), http: { timeoutMs: 2000 } })
      const error = await down.api.getAccessToken("oidc", { headers: headersOf(jar) }).catch((e) => e)
      assert.equal(error.code, "PROVIDER_UNAVAILABLE")
      assert.deepEqual(error.setCookie, [])
    } finally {
      accessTtl = 3600
    }
  })

  test("GitHub-shaped server with expiring tokens (GitHub Apps): refresh with rotation, and bad_refresh_token → REFRESH_TOKEN_INVALID", async () => {
    gh.setExpiresIn(30)
    try {
      const { jar } = await signInWith("github")
      const before = gh.counts.refresh
      const t = await app.auth.api.getAccessToken("github", { headers: headersOf(jar) })
      assert.equal(gh.counts.refresh, before + 1)
      assert.match(t.accessToken, /^gho_/)
      const user = await fetch(gh.userURL, { headers: { authorization: `Bearer ${t.accessToken}`, "user-agent": "test" } })
      assert.equal(user.status, 200)
      // The old refresh token was rotated out; a fresh process (no shared result) sees bad_refresh_token.
      const other = lib.createAuth(config(app.origin))
      const error = await other.api.getAccessToken("github", { headers: headersOf(jar) }).catch((e) => e)
      assert.equal(error.code, "REFRESH_TOKEN_INVALID")
    } finally {
      gh.setExpiresIn(28800)
    }
  })
})

describe("sign-out", () => {
  test("revokeTokens: the stored tokens are revoked at the provider, and the token cookie is cleared", async () => {
    const { jar } = await signInWith("oidc", "lea")
    const t = await app.auth.api.getAccessToken("oidc", { headers: headersOf(jar) })
    assert.equal((await userinfoWith(t.accessToken)).sub, "lea")
    const { csrfToken } = await (await go(jar, `${app.base}/csrfToken`)).json()
    const out = await go(jar, `${app.base}/signOut`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrfToken }, body: "{}" })
    assert.equal(out.status, 200)
    assert.ok(out.headers.getSetCookie().some((l) => l.startsWith("aura-auth.tokens.oidc=;")))
    assert.ok(out.headers.getSetCookie().at(-1).startsWith("aura-auth.session=;"), "the session clear comes last")
    assert.equal((await userinfoWith(t.accessToken)).status, 401, "the access token no longer works at the provider")
  })

  test("revocation is bounded: a provider that hangs does not block the sign-out past the outbound timeout", async () => {
    const { createServer } = await import("node:http")
    const hang = createServer(() => {})
    await new Promise((r) => hang.listen(0, "127.0.0.1", r))
    const port = hang.address().port
    const slow = await startApp((origin) => ({ ...config(origin), oauth: providers().map((p) => (p.id === "oidc" ? { ...p, revocationURL: `http://127.0.0.1:${port}/revoke` } : p)), http: { timeoutMs: 500 } }))
    try {
      const jar = new CookieJar()
      const start = await go(jar, `${slow.base}/signIn/oidc`)
      const { callbackUrl } = await completeOidcLogin(start.headers.get("location"), { username: "max" })
      await go(jar, callbackUrl)
      const { csrfToken } = await (await go(jar, `${slow.base}/csrfToken`)).json()
      const t0 = Date.now()
      const out = await go(jar, `${slow.base}/signOut`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrfToken }, body: "{}" })
      assert.equal(out.status, 200)
      assert.ok(Date.now() - t0 < 1500, `took ${Date.now() - t0} ms`)
    } finally {
      await slow.close()
      hang.closeAllConnections?.()
      await new Promise((r) => hang.close(r))
    }
  })

  test("federated (finding 6): the answer's url is the end_session_endpoint with client_id and post_logout_redirect_uri, no id_token_hint, no state; the provider session ends", async () => {
    const { jar, idpJar } = await signInWith("oidc", "ned")
    /**
     * Whether a new sign-in through the provider (with its cookies) shows the login form: with a
     * provider session only the consent form is posted (prompt=consent), without one login too.
     */
    const needsLogin = async () => {
      const start = await go(new CookieJar(), `${app.base}/signIn/oidc`)
      const { steps } = await completeOidcLogin(start.headers.get("location"), { username: "ned", jar: idpJar })
      return steps.filter((s) => s.startsWith("POST ")).length > 1
    }
    // Before: the provider still has a session (a new authorization skips the login form).
    assert.equal(await needsLogin(), false)
    const { csrfToken } = await (await go(jar, `${app.base}/csrfToken`)).json()
    const out = await go(jar, `${app.base}/signOut`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrfToken },
      body: JSON.stringify({ federated: true, redirectTo: "/bye" }),
    })
    const { url } = await out.json()
    const u = new URL(url)
    assert.equal(u.origin + u.pathname, `${idp.issuer}/session/end`)
    assert.equal(u.searchParams.get("id_token_hint"), null, "the id_token never reaches browser JS or history")
    assert.equal(u.searchParams.get("client_id"), idp.clientId)
    assert.equal(u.searchParams.get("post_logout_redirect_uri"), `${app.origin}/bye`)
    assert.equal(u.searchParams.get("state"), null, "no state that nothing would check")
    // Follow it with the provider's cookies: confirm the logout form, land back on the app.
    const page = await fetch(url, { headers: { cookie: idpJar.header(url) }, redirect: "manual" })
    idpJar.store(url, page)
    const form = parseForm(await page.text())
    const confirm = await fetch(new URL(form.action, idp.issuer), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: idpJar.header(idp.issuer) },
      body: new URLSearchParams({ ...form.fields, logout: "yes" }),
      redirect: "manual",
    })
    idpJar.store(idp.issuer, confirm)
    const back = new URL(confirm.headers.get("location"))
    assert.equal(back.origin + back.pathname, `${app.origin}/bye`)
    assert.equal(back.searchParams.get("state"), null)
    // After: a new sign-in asks for the login form again.
    assert.equal(await needsLogin(), true)
  })
})
