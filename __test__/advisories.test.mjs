// Historic advisories in JavaScript auth libraries, reproduced against this package as regression
// tests. Each test is named with the advisory id and fails if the refusal it checks is removed.
//
// Flows go through `handler` on node:http (fetch) and through `handlers.GET/POST` with Web
// `Request`s, against the GitHub-shaped OAuth server, the real OpenID provider and the hostile one.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { request as httpRequest } from "node:http"
import { createHash } from "node:crypto"
import { lib, startProviders, startApp, startSignIn, throughProvider, signIn, go, CookieJar, SECRET, SALT } from "./helpers/world.mjs"
import { startHostileOidc, hostileFlow } from "./fixtures/hostile-oidc.mjs"

const APP = "https://app.example.com"
const TRUSTED = "https://docs.example.com"

let world
let app // handler on node:http, baseURL = its own http origin
let webAuth // createAuth with baseURL https://app.example.com, driven through handlers.*
before(async () => {
  world = await startProviders()
  app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT }))
  webAuth = lib.createAuth({ oauth: world.providers(), baseURL: APP, trustedOrigins: [TRUSTED], secret: SECRET, salt: SALT })
})
after(async () => {
  await app.close()
  await world.close()
})

/** A Web Request through `auth.handlers[method]`, with the jar's cookies. */
async function web(auth, jar, url, init = {}) {
  const method = init.method ?? "GET"
  const headers = new Headers(init.headers ?? {})
  const cookie = jar.header(url)
  if (cookie && !headers.has("cookie")) headers.set("cookie", cookie)
  const res = await auth.handlers[method === "HEAD" ? "HEAD" : method === "GET" ? "GET" : "POST"](new Request(url, { ...init, method, headers }))
  jar.store(url, res)
  return res
}

/** The error-page code of a redirect (asserts it is one). */
function errorCode(res) {
  assert.equal(res.status, 302, "redirected to the error page, never a 5xx")
  const loc = new URL(res.headers.get("location"), "http://x")
  assert.equal(loc.pathname, "/api/auth/error")
  return loc.searchParams.get("code")
}

/** A full GitHub sign-in through handlers.GET on https://app.example.com; returns the callback response. */
async function webSignIn(auth, jar, redirectTo) {
  const q = redirectTo === undefined ? "" : `?redirectTo=${encodeURIComponent(redirectTo)}`
  const start = await web(auth, jar, `${APP}/api/auth/signIn/github${q}`)
  assert.equal(start.status, 302)
  const back = await fetch(start.headers.get("location"), { redirect: "manual" })
  return web(auth, jar, back.headers.get("location"))
}

/** signOut's JSON `url` for a redirectTo, through handlers.POST (CSRF token fetched first). */
async function webSignOutTarget(auth, redirectTo) {
  const jar = new CookieJar()
  const { csrfToken } = await (await web(auth, jar, `${APP}/api/auth/csrfToken`)).json()
  const res = await web(auth, jar, `${APP}/api/auth/signOut`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken, origin: APP },
    body: JSON.stringify({ redirectTo }),
  })
  assert.equal(res.status, 200)
  return (await res.json()).url
}

/** A raw GET through node:http with the path sent byte for byte (no URL normalisation). */
function rawGet(origin, path, headers = {}) {
  const u = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method: "GET", headers, timeout: 3000 }, (res) => {
      const chunks = []
      res.on("data", (c) => chunks.push(c))
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    req.on("timeout", () => req.destroy(new Error(`timed out: ${path.slice(0, 80)}`)))
    req.on("error", reject)
    req.end()
  })
}

describe("CVE-2022-24858: redirect targets are compared by parsed origin, not by string prefix", () => {
  const evil = [
    `${APP}.evil.com`,
    `${APP}.evil.com/dashboard`,
    `${APP}@evil.com`,
    `${APP}:443@evil.com/`,
    `${APP}evil.com`,
    `https://evil.com/${APP}`,
    `https://evil.com?${APP}`,
    `https://evil.com#${APP}`,
    `//app.example.com.evil.com`,
    `https:app.example.com.evil.com`,
    `HTTPS://APP.EXAMPLE.COM.EVIL.COM`,
    `http://app.example.com`, // same host, other scheme: another origin
    `${APP}:8443/x`, // same host, other port: another origin
    `${TRUSTED}.evil.com`,
    `${TRUSTED}@evil.com`,
  ]
  for (const target of evil) {
    test(`CVE-2022-24858: signOut redirectTo ${JSON.stringify(target)} falls back to "/"`, async () => {
      assert.equal(await webSignOutTarget(webAuth, target), "/")
    })
  }
  test("CVE-2022-24858: a full sign-in with redirectTo https://app.example.com.evil.com lands on /", async () => {
    const res = await webSignIn(webAuth, new CookieJar(), `${APP}.evil.com`)
    assert.equal(res.status, 302)
    assert.equal(res.headers.get("location"), "/")
  })
  // DEFECT (reported; src/redirect.rs, found by the `redirect` libFuzzer target): the layered
  // decode checks run on the input, but URL normalisation then removes the dot segment and
  // uncovers an encoded slash: "/%2E/%2fevil.com" comes back as "/%2fevil.com" (= "//evil.com"
  // once a proxy or framework decodes it). Todo until the fix lands.
  for (const target of ["/%2E/%2fevil.com", "/./%2fevil.com", "/a/../%5cevil.com"]) {
    test(`CVE-2022-24858: ${JSON.stringify(target)} cannot become an encoded protocol-relative target`, async () => {
      const out = await webSignOutTarget(webAuth, target)
      const decoded = decodeURIComponent(out)
      assert.ok(!/^[/\\][/\\]/.test(decoded), `${out} decodes to ${decoded}`)
      const res = await webSignIn(webAuth, new CookieJar(), target)
      const loc = decodeURIComponent(res.headers.get("location"))
      assert.ok(!/^[/\\][/\\]/.test(loc), loc)
    })
  }
  test("CVE-2022-24858 (control): the app origin and a trusted origin are kept", async () => {
    assert.equal(await webSignOutTarget(webAuth, `${APP}/ok?x=1`), `${APP}/ok?x=1`)
    assert.equal(await webSignOutTarget(webAuth, `${TRUSTED}/guide`), `${TRUSTED}/guide`)
    const res = await webSignIn(webAuth, new CookieJar(), `${APP}/welcome`)
    assert.equal(res.headers.get("location"), `${APP}/welcome`)
  })
})

describe("CVE-2022-31093: a malformed callback/redirect URL never hangs or crashes the handler", () => {
  const malformed = [
    "%",
    "%%",
    "%E0%A4%A",
    "%FF%FE",
    "%00",
    "http://%zz",
    "https://[",
    "https://[::1",
    "http://",
    "https://",
    "https://app.example.com:99999/",
    "\\\\evil.com",
    "/%0d%0aSet-Cookie:%20x=y",
    "javascript://%0aalert(1)",
    "https://ｅｖｉｌ.com",
    "a".repeat(5000),
    "%25".repeat(1000),
  ]
  for (const [i, value] of malformed.entries()) {
    const label = JSON.stringify(value.length > 30 ? `${value.slice(0, 12)}… (${value.length} chars)` : value)
    test(`CVE-2022-31093 #${i}: callbackUrl/redirectTo=${label} through handler and handlers.GET`, async () => {
      const enc = encodeURIComponent(value)
      for (const param of ["callbackUrl", "redirectTo"]) {
        // Node handler, raw path (nothing normalised on the way).
        const raw = await rawGet(app.origin, `/api/auth/signIn/github?${param}=${enc}`)
        assert.equal(raw.status, 302, `handler ${param}`)
        assert.ok(raw.headers.location.startsWith(world.github.authorizeURL))
        // Also unencoded where the bytes allow it in a request line.
        if (!/[\s\u0080-\uffff]/.test(value)) {
          const raw2 = await rawGet(app.origin, `/api/auth/signIn/github?${param}=${value}`)
          assert.ok(raw2.status < 500, `handler unencoded ${param}: ${raw2.status}`)
        }
        // Web handler.
        const res = await webAuth.handlers.GET(new Request(`${APP}/api/auth/signIn/github?${param}=${enc}`))
        assert.equal(res.status, 302, `handlers.GET ${param}`)
      }
      // And completing the flow with it lands on "/" (the sealed target was sanitised at signIn).
      const done = await webSignIn(webAuth, new CookieJar(), value)
      assert.equal(done.status, 302)
      assert.equal(done.headers.get("location"), "/")
    })
  }
  // Regression: a relative target with non-ASCII characters used to be returned verbatim, so
  // the callback's `Location` header carried raw UTF-8 — Node's res.setHeader and the Web
  // `Headers` both throw on it, the handler rejected and the user got a 500 at the end of an
  // otherwise valid sign-in (fixed in src/redirect.rs: targets are returned percent-encoded).
  for (const value of ["/\u202e/moc.live", "/café", "/über-uns?q=ü"]) {
    test(`CVE-2022-31093: a non-ASCII redirect target ${JSON.stringify(value)} completes with a valid Location`, async () => {
      const done = await webSignIn(webAuth, new CookieJar(), value)
      assert.equal(done.status, 302)
      assert.ok(/^[\x21-\x7e]+$/.test(done.headers.get("location")), "Location is ASCII")
      const jar = new CookieJar()
      const { authorizeUrl } = await startSignIn(app, jar, "github", value)
      const res = await go(jar, await throughProvider("github", authorizeUrl))
      assert.equal(res.status, 302)
    })
  }
  test("CVE-2022-31093: malformed query on the callback itself (bad percent-encoding, no '=', repeated keys)", async () => {
    for (const q of ["%", "code=%E0%A4%A&state=%", "state&code", "code=a&code=b&state=x&state=y", "=&=&=", "%00=%00"]) {
      const raw = await rawGet(app.origin, `/api/auth/callback/github?${q}`)
      assert.equal(raw.status, 302, q)
      assert.match(raw.headers.location, /^\/api\/auth\/error\?code=(FLOW_COOKIE_MISSING|STATE_MISMATCH)$/, q)
    }
  })
})

describe("CVE-2023-27490: state and PKCE checks are never skipped when their cookie is missing", () => {
  test("CVE-2023-27490: callback without the flow cookie → FLOW_COOKIE_MISSING, the code is never redeemed", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const cb = await throughProvider("github", authorizeUrl)
    const before = world.github.requests.filter((r) => r.path === "/login/oauth/access_token").length
    assert.equal(errorCode(await go(new CookieJar(), cb)), "FLOW_COOKIE_MISSING")
    const after = world.github.requests.filter((r) => r.path === "/login/oauth/access_token").length
    assert.equal(after, before, "no token request without the flow cookie")
  })
  test("CVE-2023-27490: an empty, garbage or truncated flow cookie → FLOW_COOKIE_MISSING", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const flow = jar.get("aura-auth.flow")
    const cb = await throughProvider("github", authorizeUrl)
    for (const value of ["", "x", ".", `${flow.slice(0, 9)}`, flow.slice(0, -4), `${flow}A`]) {
      const res = await fetch(cb, { redirect: "manual", headers: { cookie: `aura-auth.flow=${value}` } })
      assert.equal(errorCode(res), "FLOW_COOKIE_MISSING", JSON.stringify(value.slice(0, 20)))
    }
  })
  test("CVE-2023-27490: flow cookie present but state missing or empty → STATE_MISMATCH", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const cookie = `aura-auth.flow=${jar.get("aura-auth.flow")}`
    const cb = new URL(await throughProvider("github", authorizeUrl))
    cb.searchParams.delete("state")
    assert.equal(errorCode(await fetch(cb.href, { redirect: "manual", headers: { cookie } })), "STATE_MISMATCH")
    cb.searchParams.set("state", "")
    assert.equal(errorCode(await fetch(cb.href, { redirect: "manual", headers: { cookie } })), "STATE_MISMATCH")
    cb.searchParams.set("state", "a".repeat(43))
    assert.equal(errorCode(await fetch(cb.href, { redirect: "manual", headers: { cookie } })), "STATE_MISMATCH")
  })
  test("CVE-2023-27490: the PKCE verifier is always sent and matches the S256 challenge", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const challenge = new URL(authorizeUrl).searchParams.get("code_challenge")
    assert.equal(new URL(authorizeUrl).searchParams.get("code_challenge_method"), "S256")
    const cb = await throughProvider("github", authorizeUrl)
    const res = await go(jar, cb)
    assert.equal(res.headers.get("location"), "/dashboard")
    const tokenReq = world.github.requests.filter((r) => r.path === "/login/oauth/access_token").at(-1)
    const verifier = new URLSearchParams(tokenReq.body).get("code_verifier")
    assert.equal(createHash("sha256").update(verifier).digest("base64url"), challenge)
  })
  test("CVE-2023-27490: a code injected from another browser's flow fails PKCE → TOKEN_EXCHANGE_FAILED", async () => {
    const idp = await startHostileOidc()
    const hostileApp = await startApp((origin) => ({ oauth: [idp.provider()], baseURL: origin, secret: SECRET, salt: SALT }))
    try {
      // The victim's browser gets a code but never redeems it (the attacker intercepts it).
      const victim = new CookieJar()
      const vStart = await go(victim, `${hostileApp.base}/signIn/hostile`)
      const vBack = await fetch(vStart.headers.get("location"), { redirect: "manual" })
      const stolenCode = new URL(vBack.headers.get("location")).searchParams.get("code")
      // The attacker runs their own flow and swaps the stolen code in: state and iss are theirs.
      const { res } = await hostileFlow(hostileApp, new CookieJar(), { editCallback: (u) => u.searchParams.set("code", stolenCode) })
      assert.equal(errorCode(res), "TOKEN_EXCHANGE_FAILED")
      assert.equal(idp.counts.token, 1)
    } finally {
      await hostileApp.close()
      await idp.close()
    }
  })
})

describe("CVE-2023-48309: a state/PKCE (flow) or CSRF cookie is never accepted as a session", () => {
  const signedOut = { authenticated: false, session: null }
  test("CVE-2023-48309: the flow cookie in the session slot → signed out (/session and api.getSession)", async () => {
    const jar = new CookieJar()
    await startSignIn(app, jar, "oidc")
    const flow = jar.get("aura-auth.flow")
    const cookie = `aura-auth.session=${flow}`
    assert.deepEqual(await (await fetch(`${app.base}/session`, { headers: { cookie } })).json(), signedOut)
    assert.deepEqual(await app.auth.api.getSession({ headers: { cookie } }), signedOut)
    // Also as a chunked session.
    assert.deepEqual(await app.auth.api.getSession({ headers: { cookie: `aura-auth.session.0=${flow}` } }), signedOut)
  })
  test("CVE-2023-48309: the CSRF cookie in the session slot → signed out", async () => {
    const jar = new CookieJar()
    await go(jar, `${app.base}/csrfToken`)
    const cookie = `aura-auth.session=${jar.get("aura-auth.csrf")}`
    assert.deepEqual(await app.auth.api.getSession({ headers: { cookie } }), signedOut)
  })
  test("CVE-2023-48309: a valid session in the flow slot is not a flow → FLOW_COOKIE_MISSING", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "github")
    const session = jar.get("aura-auth.session")
    const { authorizeUrl } = await startSignIn(app, new CookieJar(), "github")
    const cb = await throughProvider("github", authorizeUrl)
    const res = await fetch(cb, { redirect: "manual", headers: { cookie: `aura-auth.flow=${session}` } })
    assert.equal(errorCode(res), "FLOW_COOKIE_MISSING")
  })
  test("CVE-2023-48309: an http session cookie under the https (__Host-) name is not a session, nor the reverse (rule 11)", async () => {
    const cookie = app.auth.internal.sealSessionForTesting({ sub: "1", provider: "github" })
    const value = cookie.split("=").slice(1).join("=")
    const secureAuth = lib.createAuth({ oauth: world.providers(), baseURL: APP.replace("http:", "https:"), secret: SECRET, salt: SALT })
    // The full cookie name is the associated data: the plain-name value never opens as __Host-.
    for (const name of ["__Host-aura-auth.session", "__Secure-aura-auth.session", "aura-auth.session"]) {
      assert.deepEqual(await secureAuth.api.getSession({ headers: { cookie: `${name}=${value}` } }), signedOut, name)
    }
    const hostCookie = secureAuth.internal.sealSessionForTesting({ sub: "2", provider: "github" }, { secure: true })
    assert.equal((await secureAuth.api.getSession({ headers: { cookie: hostCookie } })).session.user.sub, "2")
    const hostValue = hostCookie.split("=").slice(1).join("=")
    assert.deepEqual(await app.auth.api.getSession({ headers: { cookie: `aura-auth.session=${hostValue}` } }), signedOut)
    // A session of another cookie prefix (another app on the same domain) does not open either.
    const otherApp = lib.createAuth({ oauth: world.providers(), baseURL: APP, secret: SECRET, salt: SALT, cookies: { prefix: "other" } })
    const otherCookie = otherApp.internal.sealSessionForTesting({ sub: "2", provider: "github" }, { secure: true })
    const otherValue = otherCookie.split("=").slice(1).join("=")
    assert.deepEqual(await secureAuth.api.getSession({ headers: { cookie: `__Host-aura-auth.session=${otherValue}` } }), signedOut)
  })
})

describe("GHSA-x445-f3h2-j279: check cookies are bound to the provider that issued them", () => {
  test("GHSA-x445-f3h2-j279: a flow started with github, answered on callback/oidc → PROVIDER_MISMATCH", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const cb = new URL(await throughProvider("github", authorizeUrl))
    const res = await go(jar, `${app.base}/callback/oidc${cb.search}&iss=${encodeURIComponent(world.oidc.issuer)}`)
    assert.equal(errorCode(res), "PROVIDER_MISMATCH")
  })
  test("GHSA-x445-f3h2-j279: two OIDC providers — a code from provider B on a flow started for A is refused before any token request", async () => {
    const a = await startHostileOidc({ id: "idp-a" })
    const b = await startHostileOidc({ id: "idp-b" })
    const two = await startApp((origin) => ({ oauth: [a.provider(), b.provider()], baseURL: origin, secret: SECRET, salt: SALT }))
    try {
      // The victim starts with A; the attacker's B-issued callback is replayed into A's flow cookie.
      const jar = new CookieJar()
      const startA = await go(jar, `${two.base}/signIn/idp-a`)
      const stateA = new URL(startA.headers.get("location")).searchParams.get("state")
      const startB = await go(new CookieJar(), `${two.base}/signIn/idp-b`)
      const backB = new URL((await fetch(startB.headers.get("location"), { redirect: "manual" })).headers.get("location"))
      backB.searchParams.set("state", stateA) // the attacker even knows A's state
      assert.equal(errorCode(await go(jar, backB.href)), "PROVIDER_MISMATCH")
      assert.equal(a.counts.token + b.counts.token, 0, "no provider was asked to redeem anything")
      // Control: the same flow with the right provider succeeds.
      const ok = await hostileFlow(two, new CookieJar(), { id: "idp-a" })
      assert.equal(ok.res.headers.get("location"), "/dashboard")
    } finally {
      await two.close()
      await a.close()
      await b.close()
    }
  })
})

describe("GHSA-xmf8-cvqr-rfgj: a malformed Authorization header never crashes token reading", () => {
  const values = ["Bearer %", "Bearer %%%", "Bearer", "Bearer ", "Basic %", "%", "Bearer \u00ff\u00fe", `Bearer ${"%".repeat(8000)}`, "Bearer a.b.c", "Bearer %E0%A4%A"]
  test("GHSA-xmf8-cvqr-rfgj: every endpoint through handler answers normally (no 5xx)", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "github")
    const cookie = jar.header(app.base)
    for (const authorization of values) {
      for (const path of ["/session", "/csrfToken", "/providers", "/error?code=X", "/signIn/github", "/callback/github?code=a&state=b", "/nope"]) {
        const res = await fetch(`${app.base}${path}`, { redirect: "manual", headers: { authorization, cookie } })
        assert.ok(res.status < 500, `${path} with ${JSON.stringify(authorization.slice(0, 20))}: ${res.status}`)
        if (path === "/session") assert.equal((await res.json()).authenticated, true, "the cookie session is still read")
        else await res.arrayBuffer()
      }
    }
  })
  test("GHSA-xmf8-cvqr-rfgj: handlers.GET and api.getSession with Authorization: Bearer %", async () => {
    const cookie = webAuth.internal.sealSessionForTesting({ sub: "7", provider: "github" }, { secure: true })
    for (const authorization of values) {
      const res = await webAuth.handlers.GET(new Request(`${APP}/api/auth/session`, { headers: { authorization, cookie } }))
      assert.equal(res.status, 200)
      assert.equal((await res.json()).session.user.sub, "7")
      const s = await webAuth.api.getSession({ headers: { authorization, cookie } })
      assert.equal(s.session.user.sub, "7")
      const s2 = await webAuth.api.getSession({ headers: new Headers({ authorization: "Bearer %", cookie }) })
      assert.equal(s2.authenticated, true)
    }
  })
})

describe("request headers are never echoed in a response", () => {
  const MARK = "ECHO_MARKER_7f3a"
  const headers = {
    cookie: `aura-auth.session=${MARK}1; aura-auth.flow=${MARK}2; aura-auth.csrf=${MARK}3; other=${MARK}4`,
    authorization: `Bearer ${MARK}5`,
    "user-agent": `${MARK}6`,
    referer: `https://x.example/${MARK}7`,
    "x-forwarded-host": `${MARK}8.example`,
    "x-csrf-token": `${MARK}9`,
    origin: `https://${MARK}10.example`,
  }
  const requests = [
    ["GET", "/session"],
    ["GET", "/csrfToken"],
    ["GET", "/providers"],
    ["GET", "/error?code=STATE_MISMATCH"],
    ["GET", "/signIn/github"],
    ["GET", "/signIn/nope?redirect=false"],
    ["GET", "/callback/github?code=a&state=b"],
    ["GET", "/callback/github?error=access_denied"],
    ["GET", "/nope"],
    ["POST", "/session"],
    ["POST", "/signOut"],
    ["GET", "/signOut"],
    ["HEAD", "/session"],
  ]
  const noEcho = (where, text) => assert.ok(!text.includes(MARK), `${where} echoes a request header: ${text.slice(0, 300)}`)
  test("through handler: no response header or body contains a request header value", async () => {
    for (const [method, path] of requests) {
      const body = method === "POST" ? JSON.stringify({ csrfToken: `${MARK}11` }) : undefined
      const res = await fetch(`${app.base}${path}`, { method, headers: { ...headers, "content-type": "application/json" }, body, redirect: "manual" })
      assert.ok(res.status < 500)
      noEcho(`${method} ${path} body`, await res.text())
      noEcho(`${method} ${path} headers`, JSON.stringify([...res.headers]))
    }
  })
  test("through handlers.GET/POST: same, plus the 413/414 early answers", async () => {
    const all = [...requests, ["POST", "/signOut", "x".repeat(70 * 1024)], ["GET", `/session?${"q".repeat(17 * 1024)}`]]
    for (const [method, path, big] of all) {
      const body = method === "POST" ? (big ?? JSON.stringify({ csrfToken: `${MARK}11` })) : undefined
      const res = await web(webAuth, new CookieJar(), `${APP}/api/auth${path}`, { method, headers: { ...headers, "content-type": "application/json" }, body })
      assert.ok(res.status < 500)
      noEcho(`${method} ${path.slice(0, 40)} body`, await res.text())
      noEcho(`${method} ${path.slice(0, 40)} headers`, JSON.stringify([...res.headers]))
    }
  })
  test("api.getSession returns only the session shape, never header values", async () => {
    const s = await app.auth.api.getSession({ headers })
    assert.deepEqual(s, { authenticated: false, session: null })
    noEcho("getSession", JSON.stringify(s))
  })
})

describe("the secure-cookie choice never leaks between requests", () => {
  let proxied
  before(async () => {
    proxied = await startApp(() => ({ oauth: world.providers(), secret: SECRET, salt: SALT, trustedProxyHeaders: true }))
  })
  after(() => proxied.close())

  const expectCookie = (line, secure, name) => {
    const prefix = secure ? "__Host-" : ""
    assert.ok(line.startsWith(`${prefix}aura-auth.${name}=`), `${secure ? "https" : "http"} → ${line.slice(0, 40)}`)
    assert.equal(/;\s*Secure/i.test(line), secure, line.slice(0, 60))
  }
  test("http → https → http → https (X-Forwarded-Proto), sequential, for signIn, csrfToken and session re-issue", async () => {
    const insecureSession = proxied.auth.internal.sealSessionForTesting({ sub: "1", provider: "github" })
    for (const proto of ["http", "https", "http", "https", "http"]) {
      const secure = proto === "https"
      const h = { "x-forwarded-proto": proto }
      const s = await fetch(`${proxied.base}/signIn/github`, { headers: h, redirect: "manual" })
      expectCookie(s.headers.getSetCookie()[0], secure, "flow")
      const redirectUri = new URL(s.headers.get("location")).searchParams.get("redirect_uri")
      assert.ok(redirectUri.startsWith(`${proto}://127.0.0.1:`), redirectUri)
      const c = await fetch(`${proxied.base}/csrfToken`, { headers: h })
      expectCookie(c.headers.getSetCookie()[0], secure, "csrf")
      // A bad session cookie is cleared under this request's scheme's name only.
      const cleared = await fetch(`${proxied.base}/session`, { headers: { ...h, cookie: `${secure ? "__Host-" : ""}aura-auth.session=bad` } })
      expectCookie(cleared.headers.getSetCookie()[0], secure, "session")
      // The http session opens over http only.
      const r = await (await fetch(`${proxied.base}/session`, { headers: { ...h, cookie: insecureSession } })).json()
      assert.equal(r.authenticated, !secure)
    }
  })
  test("200 interleaved concurrent requests: each one's cookies follow its own X-Forwarded-Proto", async () => {
    const protos = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? "https" : "http"))
    const results = await Promise.all(
      protos.map((proto) =>
        fetch(`${proxied.base}/csrfToken`, { headers: { "x-forwarded-proto": proto } }).then((r) => ({ proto, line: r.headers.getSetCookie()[0] })),
      ),
    )
    for (const { proto, line } of results) expectCookie(line, proto === "https", "csrf")
  })
  test("api.getSession alternating http/https never carries a scheme over to the next call", async () => {
    const auth = proxied.auth
    const httpCookie = auth.internal.sealSessionForTesting({ sub: "plain", provider: "github" })
    const httpsCookie = auth.internal.sealSessionForTesting({ sub: "tls", provider: "github" }, { secure: true })
    for (let i = 0; i < 50; i++) {
      const a = await auth.api.getSession({ headers: { cookie: httpsCookie, "x-forwarded-proto": "https" } })
      assert.equal(a.session?.user.sub, "tls")
      const b = await auth.api.getSession({ headers: { cookie: httpCookie, "x-forwarded-proto": "http" } })
      assert.equal(b.session?.user.sub, "plain")
      // The https cookie sent over http (and vice versa) is not read: the scheme is per call.
      assert.equal((await auth.api.getSession({ headers: { cookie: httpsCookie, "x-forwarded-proto": "http" } })).authenticated, false)
      assert.equal((await auth.api.getSession({ headers: { cookie: httpCookie, "x-forwarded-proto": "https" } })).authenticated, false)
    }
  })
  test("a whole sign-in over https (X-Forwarded-Proto) sets __Host- cookies; the next http sign-in does not", async () => {
    for (const proto of ["https", "http", "https"]) {
      const secure = proto === "https"
      const start = await fetch(`${proxied.base}/signIn/github`, { headers: { "x-forwarded-proto": proto }, redirect: "manual" })
      const flowLine = start.headers.getSetCookie()[0]
      expectCookie(flowLine, secure, "flow")
      const cb = new URL(await throughProvider("github", start.headers.get("location")))
      const done = await fetch(`${proxied.base}/callback/github${cb.search}`, {
        headers: { "x-forwarded-proto": proto, cookie: flowLine.split(";")[0] },
        redirect: "manual",
      })
      assert.equal(done.status, 302)
      assert.equal(done.headers.get("location"), "/")
      const session = done.headers.getSetCookie().find((l) => /aura-auth\.session=/.test(l) && !/Max-Age=0/.test(l))
      expectCookie(session, secure, "session")
    }
  })
})

describe("X-Forwarded-Host cannot poison the callback URL without trustedProxyHeaders", () => {
  let noBase
  before(async () => {
    noBase = await startApp(() => ({ oauth: world.providers(), secret: SECRET, salt: SALT }))
  })
  after(() => noBase.close())
  const poison = [
    { "x-forwarded-host": "evil.com" },
    { "x-forwarded-host": "evil.com", "x-forwarded-proto": "https" },
    { forwarded: "host=evil.com;proto=https" },
    { "x-forwarded-host": "evil.com, 127.0.0.1" },
  ]
  for (const headers of poison) {
    test(`X-Forwarded-Host poisoning (${JSON.stringify(headers)}): redirect_uri, token request and cookies use Host only`, async () => {
      const jar = new CookieJar()
      const start = await go(jar, `${noBase.base}/signIn/github`, { headers })
      const loc = new URL(start.headers.get("location"))
      assert.equal(loc.searchParams.get("redirect_uri"), `${noBase.base}/callback/github`)
      assert.ok(!/Secure/.test(start.headers.getSetCookie()[0]))
      const cb = await throughProvider("github", loc.href)
      const done = await go(jar, cb, { headers })
      assert.equal(done.status, 302)
      assert.equal(done.headers.get("location"), "/")
      assert.ok(jar.get("aura-auth.session"), "signed in on the real origin")
      const tokenReq = world.github.requests.filter((r) => r.path === "/login/oauth/access_token").at(-1)
      assert.equal(new URLSearchParams(tokenReq.body).get("redirect_uri"), `${noBase.base}/callback/github`)
    })
  }
  test("X-Forwarded-Host poisoning through handlers.GET: the Web Request's own URL decides", async () => {
    const auth = lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT })
    const res = await auth.handlers.GET(new Request("http://real.example/api/auth/signIn/github", { headers: { "x-forwarded-host": "evil.com", "x-forwarded-proto": "https" } }))
    assert.equal(new URL(res.headers.get("location")).searchParams.get("redirect_uri"), "http://real.example/api/auth/callback/github")
  })
  test("X-Forwarded-Host poisoning: a same-host-as-evil Origin on signOut is still cross-site → CSRF_ORIGIN_MISMATCH", async () => {
    const jar = new CookieJar()
    const { csrfToken } = await (await go(jar, `${noBase.base}/csrfToken`)).json()
    const res = await go(jar, `${noBase.base}/signOut`, {
      method: "POST",
      headers: { "x-forwarded-host": "evil.com", origin: "http://evil.com", "x-csrf-token": csrfToken, "content-type": "application/json" },
      body: "{}",
    })
    assert.equal(res.status, 403)
    assert.equal((await res.json()).error.code, "CSRF_ORIGIN_MISMATCH")
  })
})

describe("a session's lifetime cannot be extended by the client", () => {
  test("session lifetime: every single-character change to the sealed cookie (e.g. to reach exp) fails to open", async () => {
    const cookie = app.auth.internal.sealSessionForTesting({ sub: "1", provider: "github" })
    const [name, value] = [cookie.slice(0, cookie.indexOf("=")), cookie.slice(cookie.indexOf("=") + 1)]
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    let tried = 0
    for (let i = 0; i < value.length; i++) {
      for (const ch of [alphabet[(alphabet.indexOf(value[i]) + 1) % 64], alphabet[(alphabet.indexOf(value[i]) + 32) % 64]]) {
        if (ch === value[i]) continue
        const forged = `${name}=${value.slice(0, i)}${ch}${value.slice(i + 1)}`
        const r = await app.auth.api.getSession({ headers: { cookie: forged } })
        // Base64 has slack in the last character's low bits: a change there may decode to the
        // same bytes. Anything that opens must then be the untouched session.
        if (r.authenticated) assert.equal(Buffer.from(forged.split(".")[1] ?? "", "base64url").equals(Buffer.from(value.split(".")[1], "base64url")), true, `position ${i}`)
        tried++
      }
    }
    assert.ok(tried > 200)
  })
  test("session lifetime: an old cookie re-sent after a re-issue still expires at its own exp", async () => {
    const short = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, session: { maxAge: 3, updateAge: 1 } }))
    try {
      const old = short.auth.internal.sealSessionForTesting({ sub: "1", provider: "github" })
      const first = await short.auth.api.getSession({ headers: { cookie: old } })
      const oldExp = Date.parse(first.session.expires)
      // Wait past updateAge: /session re-issues a fresh cookie with a later exp.
      await new Promise((r) => setTimeout(r, 1100 + ((oldExp - Date.now()) % 1000)))
      const renew = await fetch(`${short.base}/session`, { headers: { cookie: old } })
      const fresh = renew.headers.getSetCookie().find((l) => l.startsWith("aura-auth.session=") && !/Max-Age=0/.test(l))
      assert.ok(fresh, "re-issued")
      const renewed = await renew.json()
      assert.ok(Date.parse(renewed.session.expires) > oldExp, "the fresh cookie carries a later exp")
      // The old cookie still reports (and keeps) its own exp...
      assert.equal(Date.parse((await short.auth.api.getSession({ headers: { cookie: old } })).session.expires), oldExp)
      // ...and stops working at it, although the fresh one lives on.
      await new Promise((r) => setTimeout(r, Math.max(0, oldExp - Date.now()) + 1100))
      assert.deepEqual(await short.auth.api.getSession({ headers: { cookie: old } }), { authenticated: false, session: null })
      const viaRoute = await fetch(`${short.base}/session`, { headers: { cookie: old } })
      assert.deepEqual(await viaRoute.json(), { authenticated: false, session: null })
      assert.ok(viaRoute.headers.getSetCookie().some((l) => l.startsWith("aura-auth.session=;") && /Max-Age=0/.test(l)), "cleared")
      assert.equal((await short.auth.api.getSession({ headers: { cookie: fresh.split(";")[0] } })).authenticated, true)
    } finally {
      await short.close()
    }
  })
  test("session lifetime: a cookie from an instance with a longer maxAge does not gain time here, and Max-Age comes from config", async () => {
    const short = lib.createAuth({ oauth: world.providers(), baseURL: app.origin, secret: SECRET, salt: SALT, session: { maxAge: 60, updateAge: 0 } })
    const cookie = short.internal.sealSessionForTesting({ sub: "1", provider: "github" })
    const s = await short.api.getSession({ headers: { cookie } })
    assert.ok(Date.parse(s.session.expires) <= Date.now() + 61_000)
    // Re-issue by /session uses the server's maxAge, whatever the client sends.
    const res = await short.handlers.GET(new Request(`${app.origin}/api/auth/session?maxAge=99999999`, { headers: { cookie, "cache-control": "max-age=99999999" } }))
    const line = res.headers.getSetCookie().find((l) => l.startsWith("aura-auth.session="))
    assert.match(line, /Max-Age=60(;|$)/)
    assert.ok(Date.parse((await res.json()).session.expires) <= Date.now() + 61_000)
  })
})
