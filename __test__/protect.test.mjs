// Protecting pages (SPEC §15, issue 20): auth.proxy (Next 16 proxy.ts / Next 15 middleware.ts on Node.js),
// auth.withSession (getServerSideProps), auth.requireSession (API routes), and the built-in sign-in page.
// A real node:http app runs the proxy in front of its pages on real Web Request objects, as Next does, and signs in
// through the real OpenID provider (oidc-provider). The full Next build is covered in e2e-next.test.mjs.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { createServer } from "node:http"
import { spawnSync } from "node:child_process"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { createRequire } from "node:module"
import { startProviders, signIn, go, CookieJar, SECRET, SALT, lib } from "./helpers/world.mjs"
import { listen, closeServer } from "./fixtures/free-port.mjs"
import { completeOidcLogin } from "./fixtures/oidc-login.mjs"

const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const require = createRequire(import.meta.url)
const HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

let world
before(async () => {
  world = await startProviders()
})
after(async () => {
  await world.close()
})

/** A node:http "Next app": the proxy runs first on a Web Request; pages use withSession, /api/me requireSession. */
async function startNextLikeApp({ pages, authorize, protect = ["/dashboard/:path*"] } = {}) {
  let auth
  let proxy
  let gssp
  const calls = { authorize: [], page: 0 }
  const server = createServer(async (req, res) => {
    try {
      if (req.url.startsWith("/api/auth")) return await auth.handler(req, res)
      const headers = new Headers()
      for (const [k, v] of Object.entries(req.headers)) headers.set(k, Array.isArray(v) ? v.join(", ") : v)
      const request = new Request(`${app.origin}${req.url}`, { method: req.method, headers })
      const answer = await proxy(request)
      if (answer) {
        res.statusCode = answer.status
        for (const [k, v] of answer.headers) res.setHeader(k, v)
        return res.end(await answer.text())
      }
      if (req.url === "/api/me") {
        const session = await auth.requireSession(req, res)
        if (!session) return
        res.setHeader("content-type", "application/json")
        return res.end(JSON.stringify({ sub: session.user.sub }))
      }
      const result = await gssp({ req, res, resolvedUrl: req.url, query: {} })
      if (result.redirect) {
        res.statusCode = 307
        res.setHeader("location", result.redirect.destination)
        return res.end()
      }
      res.setHeader("content-type", "text/html")
      res.end(`<p>page ${req.url} for ${result.props.sub}</p>`)
    } catch (e) {
      res.statusCode = 599
      res.end(String(e && e.stack))
    }
  })
  const port = await listen(server)
  const origin = `http://127.0.0.1:${port}`
  auth = lib.createAuth({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, logger: { level: "off" }, pages })
  proxy = auth.proxy({
    protect,
    authorize: authorize && ((args) => (calls.authorize.push(args), authorize(args))),
  })
  gssp = auth.withSession(async (_ctx, session) => {
    calls.page++
    return { props: { sub: session.user.sub } }
  })
  const app = { origin, base: `${origin}/api/auth`, auth, calls, close: () => closeServer(server) }
  return app
}

/** Sign in through the built-in sign-in page, as a browser would follow it; returns where the callback lands. */
async function signInThroughBuiltInPage(app, jar, signInPageUrl, username) {
  const page = await go(jar, signInPageUrl)
  assert.equal(page.status, 200)
  const html = await page.text()
  const href = html.match(/<a class="button" href="([^"]+)">Sign in with Local OpenID<\/a>/)?.[1]
  assert.ok(href, html)
  const start = await go(jar, new URL(href.replaceAll("&amp;", "&"), app.origin).href)
  assert.equal(start.status, 302)
  const { callbackUrl } = await completeOidcLogin(start.headers.get("location"), { username })
  const back = await go(jar, callbackUrl)
  assert.equal(back.status, 302, await back.text())
  return new URL(back.headers.get("location"), app.origin)
}

describe("auth.proxy on a node:http app (real Request objects, real sign-in)", () => {
  let app
  before(async () => {
    app = await startNextLikeApp({
      authorize: ({ session, request }) => new URL(request.url).pathname !== "/dashboard/admin" || session.user.sub === "root",
    })
  })
  after(() => app.close())

  test("rule 15.1: signed out on a deep protected page → 307 to the built-in sign-in page, redirectTo keeps path and query", async () => {
    const res = await go(new CookieJar(), `${app.origin}/dashboard/reports/2026?q=a%20b&x=1`, { headers: { accept: HTML } })
    assert.equal(res.status, 307)
    const location = new URL(res.headers.get("location"))
    assert.equal(location.origin, app.origin)
    assert.equal(location.pathname, "/api/auth/signIn")
    assert.equal(location.searchParams.get("redirectTo"), "/dashboard/reports/2026?q=a%20b&x=1")
    assert.equal(res.headers.get("cache-control"), "no-store")
  })

  test("rule 15.2: signed out, a fetch that accepts JSON → 401 { error: { code: UNAUTHENTICATED } }; so does a POST", async () => {
    for (const init of [{ headers: { accept: "application/json" } }, { method: "POST", headers: { accept: "*/*" }, body: "x" }]) {
      const res = await go(new CookieJar(), `${app.origin}/dashboard`, init)
      assert.equal(res.status, 401)
      assert.match(res.headers.get("content-type"), /application\/json/)
      assert.equal((await res.json()).error.code, "UNAUTHENTICATED")
    }
  })

  test("patterns match as Next does, and never less: exact, nested, trailing slash, case and percent-encoding", async () => {
    for (const p of ["/dashboard", "/dashboard/", "/dashboard/a/b", "/DASHBOARD/x", "/dash%62oard", "/dashboard%2Fx", "/dashboard/%E0%A4%A"]) {
      const res = await go(new CookieJar(), `${app.origin}${p}`, { headers: { accept: HTML } })
      assert.equal(res.status, 307, p)
    }
    for (const p of ["/", "/dashboards", "/about/dashboard"]) {
      const res = await app.auth.proxy({ protect: ["/dashboard/:path*"] })(new Request(`${app.origin}${p}`))
      assert.equal(res, undefined, p)
    }
  })

  test("a tampered or foreign session cookie is signed out (307), never an error", async () => {
    for (const cookie of ["aura-auth.session=garbage", "aura-auth.session=" + "A".repeat(5000), "aura-auth.session.0=x; aura-auth.session.1=y"]) {
      const res = await go(new CookieJar(), `${app.origin}/dashboard`, { headers: { cookie, accept: HTML } })
      assert.equal(res.status, 307, cookie.slice(0, 40))
    }
  })

  test("sign in from the built-in page, land back on the deep page; signed in the proxy lets it through", async () => {
    const jar = new CookieJar()
    const deep = "/dashboard/reports/2026?q=a%20b&x=1"
    const first = await go(jar, `${app.origin}${deep}`, { headers: { accept: HTML } })
    assert.equal(first.status, 307)
    const landed = await signInThroughBuiltInPage(app, jar, first.headers.get("location"), "ada")
    assert.equal(`${landed.pathname}${landed.search}`, deep)
    const page = await go(jar, landed.href, { headers: { accept: HTML } })
    assert.equal(page.status, 200)
    assert.equal(await page.text(), `<p>page ${deep} for ada</p>`)
    // authorize ran with the session (non-null) and the real Request.
    const last = app.calls.authorize.at(-1)
    assert.equal(last.session.user.sub, "ada")
    assert.ok(last.request instanceof Request)
    assert.equal(new URL(last.request.url).pathname, "/dashboard/reports/2026")
    const me = await go(jar, `${app.origin}/api/me`)
    assert.deepEqual(await me.json(), { sub: "ada" })
  })

  test("rule 15.3: authorize false → 403 (a page for browsers, FORBIDDEN JSON for fetches); true → the page", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "oidc", { username: "ada" })
    let res = await go(jar, `${app.origin}/dashboard/admin`, { headers: { accept: HTML } })
    assert.equal(res.status, 403)
    assert.match(await res.text(), /Access denied/)
    res = await go(jar, `${app.origin}/dashboard/admin`, { headers: { accept: "application/json" } })
    assert.equal(res.status, 403)
    assert.equal((await res.json()).error.code, "FORBIDDEN")

    const root = new CookieJar()
    await signIn(app, root, "oidc", { username: "root" })
    res = await go(root, `${app.origin}/dashboard/admin`, { headers: { accept: HTML } })
    assert.equal(res.status, 200)
    assert.equal(await res.text(), "<p>page /dashboard/admin for root</p>")
  })

  test("the session check is the same read as getSession: a cookie minted for another secret is signed out", async () => {
    const other = lib.createAuth({ oauth: world.providers(), baseURL: app.origin, logger: { level: "off" } })
    const cookie = other.internal.sealSessionForTesting({ sub: "eve", provider: "oidc" })
    const res = await go(new CookieJar(), `${app.origin}/dashboard`, { headers: { cookie, accept: HTML } })
    assert.equal(res.status, 307)
    const mine = app.auth.internal.sealSessionForTesting({ sub: "ada", provider: "oidc" })
    const ok = await go(new CookieJar(), `${app.origin}/dashboard`, { headers: { cookie: mine, accept: HTML } })
    assert.equal(ok.status, 200)
    assert.deepEqual(await app.auth.api.getSession({ headers: { cookie: mine } }).then((r) => r.session.user.sub), "ada")
  })
})

describe("auth.proxy called directly with Web Requests", () => {
  let auth
  before(() => {
    auth = lib.createAuth({ oauth: world.providers(), baseURL: "http://app.test", secret: SECRET, salt: SALT, logger: { level: "off" }, pages: { signIn: "/login" } })
  })

  test("rule 4 (redirect targets): a protected path a browser could read as another origin redirects with redirectTo=/", async () => {
    const proxy = auth.proxy({ protect: ["/(.*)"] })
    for (const url of ["http://app.test//evil.com/x", "http://app.test/%2F%2Fevil.com", "http://app.test/%5Cevil.com"]) {
      const res = await proxy(new Request(url))
      assert.equal(res.status, 307, url)
      assert.equal(res.headers.get("location"), "http://app.test/login?redirectTo=%2F", url)
    }
  })

  test("pages.signIn wins: the proxy sends there, and GET <basePath>/signIn forwards there with the validated redirectTo", async () => {
    const proxy = auth.proxy({ protect: "/dashboard/:path*" })
    const res = await proxy(new Request("http://app.test/dashboard/x?y=1"))
    assert.equal(res.headers.get("location"), "http://app.test/login?redirectTo=%2Fdashboard%2Fx%3Fy%3D1")
    const page = await auth.handlers.GET(new Request("http://app.test/api/auth/signIn?redirectTo=%2Fdashboard"))
    assert.equal(page.status, 302)
    assert.equal(page.headers.get("location"), "/login?redirectTo=%2Fdashboard")
    const evil = await auth.handlers.GET(new Request("http://app.test/api/auth/signIn?redirectTo=https%3A%2F%2Fevil.com"))
    assert.equal(evil.headers.get("location"), "/login?redirectTo=%2F")
  })

  test("the auth routes and the sign-in page are never guarded, whatever the patterns", async () => {
    const proxy = auth.proxy({ protect: ["/:path*"] })
    for (const p of ["/api/auth/session", "/api/auth/signIn/oidc", "/api/auth/callback/oidc?code=x", "/login", "/login?redirectTo=%2Fx"]) {
      assert.equal(await proxy(new Request(`http://app.test${p}`)), undefined, p)
    }
    assert.equal((await proxy(new Request("http://app.test/other"))).status, 307)
  })

  test("authorize: anything but true, and a throw, refuse with 403 (fail closed)", async () => {
    const cookie = auth.internal.sealSessionForTesting({ sub: "ada", provider: "oidc" })
    const errors = []
    const original = console.error
    console.error = (...args) => errors.push(args)
    try {
      for (const authorize of [() => false, () => undefined, () => "yes", async () => 1, () => {
        throw new Error("boom")
      }, async () => {
        throw new Error("async boom")
      }]) {
        const res = await auth.proxy({ protect: ["/x"], authorize })(new Request("http://app.test/x", { headers: { cookie } }))
        assert.equal(res.status, 403, String(authorize))
      }
    } finally {
      console.error = original
    }
    assert.equal(errors.length, 2, "each throw is reported")
    assert.equal(await auth.proxy({ protect: ["/x"], authorize: async () => true })(new Request("http://app.test/x", { headers: { cookie } })), undefined)
  })

  test("bad options fail when the proxy is created, with INVALID_PROXY_CONFIG", () => {
    for (const options of [undefined, {}, { protect: [] }, { protect: ["dashboard"] }, { protect: ["/a/:b("] }, { protect: [42] }, { protect: ["/a"], authorize: "yes" }]) {
      assert.throws(() => auth.proxy(options), (e) => e instanceof lib.AuraAuthError && e.code === "INVALID_PROXY_CONFIG", JSON.stringify(options))
    }
  })
})

describe("EDGE_RUNTIME_UNSUPPORTED", () => {
  const auth = () => lib.createAuth({ oauth: [{ id: "github", clientId: "a", clientSecret: "b" }], baseURL: "http://app.test", secret: SECRET, salt: SALT })

  test("auth.proxy and createAuth fail at start on the Edge runtime (NEXT_RUNTIME=edge, or the EdgeRuntime global), saying what to set", () => {
    const a = auth()
    const check = (e) => e instanceof lib.AuraAuthError && e.code === "EDGE_RUNTIME_UNSUPPORTED" && /runtime: "nodejs"/.test(e.message) && /proxy\.ts/.test(e.message)
    process.env.NEXT_RUNTIME = "edge"
    try {
      assert.throws(() => a.proxy({ protect: ["/x"] }), check)
      assert.throws(auth, check)
    } finally {
      delete process.env.NEXT_RUNTIME
    }
    globalThis.EdgeRuntime = "edge-runtime"
    try {
      assert.throws(() => a.proxy({ protect: ["/x"] }), check)
    } finally {
      delete globalThis.EdgeRuntime
    }
    process.env.NEXT_RUNTIME = "nodejs"
    try {
      assert.equal(typeof a.proxy({ protect: ["/x"] }), "function")
    } finally {
      delete process.env.NEXT_RUNTIME
    }
  })

  test("an Edge bundle (the edge-light export condition) gets a createAuth that fails the same way, never the native addon", () => {
    const script = `try { require("@aura-stack/auth").createAuth({}); console.log("no error") } catch (e) { console.log(e.code) }`
    const out = spawnSync(process.execPath, ["--conditions=edge-light", "-e", script], { cwd: ROOT, encoding: "utf8" })
    assert.equal(out.stdout.trim(), "EDGE_RUNTIME_UNSUPPORTED", out.stderr)
    const normal = spawnSync(process.execPath, ["-e", `console.log(typeof require("@aura-stack/auth").createAuth({ oauth: [{ id: "github", clientId: "a", clientSecret: "b" }] }).proxy)`], {
      cwd: ROOT,
      encoding: "utf8",
    })
    assert.equal(normal.stdout.trim(), "function", normal.stderr)
    assert.equal(require.resolve("../edge.js"), path.join(ROOT, "edge.js"))
  })
})

describe("auth.withSession (getServerSideProps) and auth.requireSession (API routes)", () => {
  let auth
  before(() => {
    auth = lib.createAuth({ oauth: world.providers(), baseURL: "http://app.test", secret: SECRET, salt: SALT, logger: { level: "off" } })
  })
  const ctx = (resolvedUrl, cookie) => ({ req: { headers: cookie ? { cookie } : {}, url: resolvedUrl }, res: {}, resolvedUrl, query: {} })

  test("signed out: a redirect to redirectTo with ?redirectTo=<this page>, and the function is not called", async () => {
    let called = 0
    const gssp = auth.withSession(async () => (called++, { props: {} }), { redirectTo: "/login" })
    assert.deepEqual(await gssp(ctx("/admin?tab=2")), { redirect: { destination: "/login?redirectTo=%2Fadmin%3Ftab%3D2", permanent: false } })
    // rule 4: an unsafe page URL never becomes the target
    assert.deepEqual(await gssp(ctx("//evil.com/x")), { redirect: { destination: "/login?redirectTo=%2F", permanent: false } })
    // without redirectTo: the sign-in page (built-in here)
    const builtIn = auth.withSession(async () => ({ props: {} }))
    assert.equal((await builtIn(ctx("/x"))).redirect.destination, "/api/auth/signIn?redirectTo=%2Fx")
    assert.equal(called, 0)
  })

  test("signed in: the function gets the context and the session, and its result is returned as it is", async () => {
    const cookie = auth.internal.sealSessionForTesting({ sub: "ada", name: "Ada", provider: "oidc" })
    const gssp = auth.withSession(async (c, session) => ({ props: { sub: session.user.sub, url: c.resolvedUrl } }), { redirectTo: "/login" })
    assert.deepEqual(await gssp(ctx("/admin", cookie)), { props: { sub: "ada", url: "/admin" } })
  })

  test("a redirectTo that is not a path on this app fails at startup (INVALID_PAGES)", () => {
    for (const redirectTo of ["https://evil.com/login", "//evil.com", "login", "/a b"]) {
      assert.throws(() => auth.withSession(async () => ({ props: {} }), { redirectTo }), (e) => e.code === "INVALID_PAGES", redirectTo)
    }
  })

  test("requireSession over node:http: signed out → 401 UNAUTHENTICATED JSON and null; signed in → the session", async () => {
    let got = "unset"
    const server = createServer(async (req, res) => {
      const session = await auth.requireSession(req, res)
      got = session
      if (session) res.end(`hello ${session.user.sub}`)
    })
    const port = await listen(server)
    try {
      let res = await fetch(`http://127.0.0.1:${port}/api/me`)
      assert.equal(res.status, 401)
      assert.equal(res.headers.get("cache-control"), "no-store")
      assert.match(res.headers.get("content-type"), /application\/json/)
      assert.equal((await res.json()).error.code, "UNAUTHENTICATED")
      assert.equal(got, null)
      const cookie = auth.internal.sealSessionForTesting({ sub: "ada", provider: "oidc" })
      res = await fetch(`http://127.0.0.1:${port}/api/me`, { headers: { cookie } })
      assert.equal(res.status, 200)
      assert.equal(await res.text(), "hello ada")
      assert.equal(got.user.sub, "ada")
    } finally {
      await closeServer(server)
    }
  })
})

describe("the built-in sign-in page (GET <basePath>/signIn)", () => {
  test("a small self-contained HTML page listing the providers, phone-readable, dark-mode aware, names escaped", async () => {
    const auth = lib.createAuth({
      oauth: [...world.providers(), { ...world.providers()[0], id: "corp", name: 'Corp <b>"SSO"</b>' }],
      baseURL: "http://app.test",
      secret: SECRET,
      salt: SALT,
      logger: { level: "off" },
    })
    const res = await auth.handlers.GET(new Request("http://app.test/api/auth/signIn?redirectTo=%2Fdashboard%3Fa%3D1"))
    assert.equal(res.status, 200)
    assert.match(res.headers.get("content-type"), /text\/html/)
    assert.match(res.headers.get("content-security-policy"), /default-src 'none'/)
    const html = await res.text()
    assert.match(html, /<meta name="viewport"/)
    assert.match(html, /color-scheme:light dark/)
    assert.ok(html.includes('href="/api/auth/signIn/oidc?redirectTo=%2Fdashboard%3Fa%3D1">Sign in with Local OpenID</a>'), html)
    assert.ok(html.includes('href="/api/auth/signIn/github?redirectTo=%2Fdashboard%3Fa%3D1"'), html)
    assert.ok(html.includes("Sign in with Corp &lt;b&gt;&quot;SSO&quot;&lt;/b&gt;"), html)
    assert.doesNotMatch(html, /<script|src=|https?:\/\//, "no scripts, no external assets")
    const head = await auth.handlers.HEAD(new Request("http://app.test/api/auth/signIn", { method: "HEAD" }))
    assert.equal(head.status, 200)
    const post = await auth.handlers.POST(new Request("http://app.test/api/auth/signIn", { method: "POST" }))
    assert.equal(post.status, 405)
  })
})
