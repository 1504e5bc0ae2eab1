// Full sign-in flows against a real OpenID provider (oidc-provider) and a GitHub-shaped OAuth
// server, through `handler` on node:http and through the guide's hand-written adapter.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { startProviders, startApp, startSignIn, signIn, sessionOf, signOut, go, CookieJar, SECRET, SALT } from "./helpers/world.mjs"

let world
before(async () => {
  world = await startProviders()
})
after(async () => {
  await world.close()
})

for (const mount of ["handler", "guide"]) {
  describe(`flows through ${mount === "handler" ? "the one-line Node handler" : "the guide's hand-written adapter"}`, () => {
    let app
    before(async () => {
      app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT }), { mount })
    })
    after(() => app.close())

    test("OpenID Connect: signIn → provider login/consent → callback → session → signOut", async () => {
      const jar = new CookieJar()
      const { res, authorizeUrl } = await signIn(app, jar, "oidc", { username: "ada" })
      const authz = new URL(authorizeUrl)
      assert.equal(authz.searchParams.get("code_challenge_method"), "S256")
      assert.ok(authz.searchParams.get("state"))
      assert.ok(authz.searchParams.get("nonce"))
      assert.equal(authz.searchParams.get("redirect_uri"), `${app.base}/callback/oidc`)
      assert.equal(res.status, 302)
      assert.equal(res.headers.get("location"), "/dashboard")
      assert.ok(jar.get("aura-auth.session"), "session cookie set")
      if (mount === "handler") assert.equal(jar.get("aura-auth.flow"), undefined, "flow cookie cleared")
      // The guide's adapter keeps only the last Set-Cookie (res.setHeader per entry): the session
      // is emitted last so it survives; the spent flow cookie lingers until its 10-minute expiry.

      const { res: sres, body } = await sessionOf(app, jar)
      assert.equal(sres.headers.get("cache-control"), "no-store")
      assert.equal(body.authenticated, true)
      assert.equal(body.session.user.sub, "ada")
      assert.equal(body.session.user.name, "Ada Tester")
      assert.equal(body.session.user.email, "ada@example.test")
      assert.equal(body.session.user.provider, "oidc")
      assert.ok(Date.parse(body.session.expires) > Date.now() + 29 * 24 * 3600 * 1000)

      // The server-side API sees the same user from Node's IncomingHttpHeaders shape.
      const viaApi = await app.auth.api.getSession({ headers: { cookie: jar.header(app.base), host: "x" } })
      assert.deepEqual(viaApi, body)

      const out = await signOut(app, jar)
      assert.equal(out.status, 200)
      assert.deepEqual(await out.json(), { ok: true, url: "/" })
      assert.equal((await sessionOf(app, jar)).body.authenticated, false)
    })

    test("GitHub: token as JSON, /user, private primary email from /user/emails, User-Agent sent", async () => {
      const jar = new CookieJar()
      const before = world.github.requests.length
      const { res } = await signIn(app, jar, "github", { redirectTo: "/welcome?x=1" })
      assert.equal(res.status, 302)
      assert.equal(res.headers.get("location"), "/welcome?x=1")
      const { body } = await sessionOf(app, jar)
      assert.equal(body.authenticated, true)
      assert.equal(body.session.user.sub, "1234567")
      assert.equal(body.session.user.name, "Mona Octocat")
      assert.equal(body.session.user.email, "octocat@private.example.test")
      assert.equal(body.session.user.provider, "github")
      const calls = world.github.requests.slice(before)
      const token = calls.find((r) => r.path === "/login/oauth/access_token")
      assert.ok(token.body.includes("code_verifier="), "PKCE verifier sent")
      for (const r of calls.filter((r) => r.path.startsWith("/user"))) assert.match(r.headers["user-agent"], /aura-auth/)
    })

    test("providers, 404 for unknown paths, 405 with Allow for wrong methods", async () => {
      const jar = new CookieJar()
      const list = await (await go(jar, `${app.base}/providers`)).json()
      assert.deepEqual(list.map((p) => p.id), ["oidc", "github"])
      assert.equal(list[1].signInURL, `${app.base}/signIn/github`)
      const missing = await go(jar, `${app.base}/nope`)
      assert.equal(missing.status, 404)
      assert.equal((await missing.json()).error.code, "NOT_FOUND")
      const wrong = await go(jar, `${app.base}/csrfToken`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } })
      assert.equal(wrong.status, 405)
      assert.equal(wrong.headers.get("allow"), "GET, HEAD")
      const wrong2 = await go(jar, `${app.base}/signOut`)
      assert.equal(wrong2.status, 405)
      assert.equal(wrong2.headers.get("allow"), "POST")
    })
  })
}

describe("Node handler details", () => {
  let app
  before(async () => {
    app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT }))
  })
  after(() => app.close())

  test("rule 7: a large session is chunked, every Set-Cookie its own header, and read back whole", async () => {
    // Each field at its size limit (the name is cut to 256 characters, 4 bytes each): two chunks.
    world.github.setUser({ name: "😀".repeat(300), email: `${"e".repeat(300)}@x.test`, avatar_url: `http://127.0.0.1/${"a".repeat(2020)}.png` })
    try {
      const jar = new CookieJar()
      const { res } = await signIn(app, jar, "github")
      const cookies = res.headers.getSetCookie()
      assert.ok(cookies.some((c) => c.startsWith("aura-auth.session.0=")), "chunk 0")
      assert.ok(cookies.some((c) => c.startsWith("aura-auth.session.1=")), "chunk 1")
      assert.ok(cookies[0].startsWith("aura-auth.flow=;"), "flow cookie cleared first")
      const { body } = await sessionOf(app, jar)
      assert.equal(body.session.user.name, "😀".repeat(256))
      assert.equal(body.session.user.email, `${"e".repeat(300)}@x.test`)
    } finally {
      world.github.setUser(null)
    }
  })

  test("signIn with redirect=false answers { url } and sets the flow cookie", async () => {
    const jar = new CookieJar()
    const res = await go(jar, `${app.base}/signIn/github?redirect=false&redirectTo=/x`)
    assert.equal(res.status, 200)
    const { url } = await res.json()
    assert.ok(url.startsWith(world.github.authorizeURL))
    assert.ok(jar.get("aura-auth.flow"))
  })

  test("signOut as a form post (raw stream body, csrfToken field) redirects", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "github")
    const { csrfToken } = await (await go(jar, `${app.base}/csrfToken`)).json()
    const res = await go(jar, `${app.base}/signOut`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: app.origin },
      body: new URLSearchParams({ csrfToken, redirectTo: "/bye" }).toString(),
    })
    assert.equal(res.status, 302)
    assert.equal(res.headers.get("location"), "/bye")
    assert.equal((await sessionOf(app, jar)).body.authenticated, false)
  })

  test("a body already parsed by a framework (object) is accepted", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "github")
    const { csrfToken } = await (await go(jar, `${app.base}/csrfToken`)).json()
    const { Readable } = await import("node:stream")
    const { ServerResponse, IncomingMessage } = await import("node:http")
    const { Socket } = await import("node:net")
    const req = new IncomingMessage(new Socket())
    req.method = "POST"
    req.url = "/api/auth/signOut"
    req.headers = { host: new URL(app.origin).host, cookie: jar.header(app.base), "content-type": "application/json", origin: app.origin }
    req.body = { csrfToken, redirectTo: "/parsed" }
    req.push(null)
    const res = new ServerResponse(req)
    const chunks = []
    res.write = (c) => chunks.push(Buffer.from(c))
    const ended = new Promise((r) => (res.end = (c) => (c && chunks.push(Buffer.from(c)), r())))
    await app.auth.handler(req, res)
    await ended
    assert.equal(res.statusCode, 200)
    assert.deepEqual(JSON.parse(Buffer.concat(chunks).toString()), { ok: true, url: "/parsed" })
    void Readable
  })
})

describe("api.getSession input shapes", () => {
  test("IncomingHttpHeaders, Headers, a record, an array cookie, and no cookie", async () => {
    const auth = (await import("./helpers/world.mjs")).lib.createAuth({
      oauth: [{ id: "github", clientId: "a", clientSecret: "b" }],
      baseURL: "http://localhost:3000",
      secret: SECRET,
      salt: SALT,
    })
    const cookie = auth.internal.sealSessionForTesting({ sub: "1", name: "Ada", email: null, image: null, provider: "github" })
    const expect = (r) => {
      assert.equal(r.authenticated, true)
      assert.equal(r.session.user.name, "Ada")
      assert.equal(r.session.user.email, null)
    }
    expect(await auth.api.getSession({ headers: { cookie, "user-agent": "x" } }))
    expect(await auth.api.getSession({ headers: new Headers({ cookie }) }))
    expect(await auth.api.getSession({ headers: { Cookie: cookie } }))
    expect(await auth.api.getSession({ headers: { cookie: ["other=1", cookie] } }))
    assert.deepEqual(await auth.api.getSession({ headers: {} }), { authenticated: false, session: null })
    const json = JSON.stringify(await auth.api.getSession({ headers: { cookie } }))
    assert.ok(!json.includes("undefined"))
  })
})

describe("generic OAuth 2.0 provider and lazy rolling", () => {
  test("a generic OAuth 2.0 provider described by endpoints and a profile mapping", async () => {
    const app = await startApp((origin) => ({
      oauth: [
        {
          id: "acme",
          type: "oauth",
          name: "Acme",
          clientId: world.github.clientId,
          clientSecret: world.github.clientSecret,
          authorizationURL: world.github.authorizeURL,
          tokenURL: world.github.tokenURL,
          userinfoURL: world.github.userURL,
          clientAuth: "client_secret_post",
          scope: ["read:user"],
          profile: { sub: "id", name: "login", email: "email", image: "avatar_url" },
        },
      ],
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
    }))
    try {
      const jar = new CookieJar()
      const { authorizeUrl } = await (async () => {
        const res = await go(jar, `${app.base}/signIn/acme`)
        return { authorizeUrl: res.headers.get("location") }
      })()
      assert.equal(new URL(authorizeUrl).searchParams.get("scope"), "read:user")
      assert.equal(new URL(authorizeUrl).searchParams.get("nonce"), null, "no nonce for plain OAuth 2.0")
      const cb = (await fetch(authorizeUrl, { redirect: "manual" })).headers.get("location")
      const res = await go(jar, cb)
      assert.equal(res.headers.get("location"), "/")
      const { body } = await sessionOf(app, jar)
      assert.equal(body.session.user.sub, "1234567")
      assert.equal(body.session.user.name, "octocat")
      assert.equal(body.session.user.email, null)
      assert.equal(body.session.user.provider, "acme")
    } finally {
      await app.close()
    }
  })

  test("/session re-issues the cookie only when older than updateAge", async () => {
    const config = (updateAge) => (origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, session: { maxAge: 3600, updateAge } })
    const lazy = await startApp(config(600))
    const eager = await startApp(config(0))
    try {
      const jar = new CookieJar()
      await signIn(lazy, jar, "github")
      const first = await go(jar, `${lazy.base}/session`)
      assert.equal(first.headers.getSetCookie().length, 0, "young session: no new cookie")
      const rolled = await go(jar, `${eager.base}/session`)
      const set = rolled.headers.getSetCookie()
      assert.equal(set.length, 1)
      assert.match(set[0], /^aura-auth\.session=.*Max-Age=3600/)
      assert.equal((await rolled.json()).authenticated, true)
    } finally {
      await lazy.close()
      await eager.close()
    }
  })
})

describe("pages", () => {
  test("browser-facing failures go to pages.error, else pages.signIn, else the built-in page", async () => {
    const cases = [
      [{ error: "/oops", signIn: "/login" }, "/oops?code=ACCESS_DENIED"],
      [{ signIn: "/login?x=1" }, "/login?x=1&error=ACCESS_DENIED"],
      [{}, "/api/auth/error?code=ACCESS_DENIED"],
    ]
    for (const [pages, expected] of cases) {
      const app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, pages }))
      try {
        const jar = new CookieJar()
        const { authorizeUrl } = await startSignIn(app, jar, "github")
        const state = new URL(authorizeUrl).searchParams.get("state")
        const res = await go(jar, `${app.base}/callback/github?error=access_denied&state=${state}`)
        assert.equal(res.status, 302)
        assert.equal(res.headers.get("location"), expected)
      } finally {
        await app.close()
      }
    }
  })
})
