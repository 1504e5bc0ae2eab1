// Bad input at the edge: every request a hostile browser (or a broken client) can send is
// answered with a 4xx or "signed out" and a clear code — through `handler` on node:http
// (fetch, node:http and raw node:net sockets for bytes fetch refuses to send) and through
// `handlers.GET/POST` with Web `Request`s, and `api.getSession` where it applies.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { createServer, request as httpRequest } from "node:http"
import { connect } from "node:net"
import { lib, startProviders, startApp, signIn, CookieJar, SECRET, SALT } from "./helpers/world.mjs"
import { listen, closeServer } from "./fixtures/free-port.mjs"

const SIGNED_OUT = { authenticated: false, session: null }
const WEB = "http://app.test"

let world
let app // handler on a default node:http server (16 KB header limit)
let big // the same handler on a node:http server that accepts 1 MB of headers (to reach the core)
let web // createAuth driven through handlers.*
let sessionCookie // a valid "aura-auth.session=..." for `app` (and `web`: same secret, http)

before(async () => {
  world = await startProviders()
  app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT }))
  const server = createServer({ maxHeaderSize: 1024 * 1024 }, (req, res) => app.auth.handler(req, res))
  const port = await listen(server)
  big = { origin: `http://127.0.0.1:${port}`, base: `http://127.0.0.1:${port}/api/auth`, server }
  web = lib.createAuth({ oauth: world.providers(), baseURL: WEB, secret: SECRET, salt: SALT })
  sessionCookie = app.auth.internal.sealSessionForTesting({ sub: "edge-user", name: "Edge", provider: "github" })
})
after(async () => {
  await closeServer(big.server)
  await app.close()
  await world.close()
})

/** node:http request with the path and headers sent as given (no normalisation). */
function nodeReq(origin, path, { method = "GET", headers = {}, body } = {}) {
  const u = new URL(origin)
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path, method, headers, timeout: 5000, insecureHTTPParser: true }, (res) => {
      const chunks = []
      res.on("data", (c) => chunks.push(c))
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }))
    })
    req.on("timeout", () => req.destroy(new Error("timed out")))
    req.on("error", reject)
    req.end(body)
  })
}

/** Raw bytes over node:net; resolves the status code and the raw response text. */
function rawHttp(origin, bytes) {
  const u = new URL(origin)
  return new Promise((resolve, reject) => {
    const chunks = []
    const sock = connect(Number(u.port), u.hostname, () => sock.end(bytes))
    sock.setTimeout(5000, () => sock.destroy(new Error("raw request timed out")))
    sock.on("data", (c) => chunks.push(c))
    sock.on("error", (e) => (chunks.length ? null : reject(e)))
    sock.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1")
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text)
      if (!m) return reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 100))}`))
      const head = text.slice(0, text.indexOf("\r\n\r\n"))
      let body = text.slice(head.length + 4)
      if (/\r\ntransfer-encoding:\s*chunked/i.test(head)) body = dechunk(body)
      resolve({ status: Number(m[1]), text, body })
    })
  })
}

/** Decodes a chunked HTTP/1.1 body. */
function dechunk(raw) {
  let out = ""
  let i = 0
  for (;;) {
    const eol = raw.indexOf("\r\n", i)
    const size = parseInt(raw.slice(i, eol), 16)
    if (!size) return out
    out += raw.slice(eol + 2, eol + 2 + size)
    i = eol + 2 + size + 2
  }
}

const rawGet = (origin, target, extraHeaderBytes = Buffer.alloc(0)) =>
  rawHttp(
    origin,
    Buffer.concat([
      Buffer.from(`GET `, "latin1"),
      Buffer.isBuffer(target) ? target : Buffer.from(target, "latin1"),
      Buffer.from(` HTTP/1.1\r\nHost: ${new URL(origin).host}\r\nConnection: close\r\n`, "latin1"),
      extraHeaderBytes,
      Buffer.from("\r\n", "latin1"),
    ]),
  )

const jsonCode = (text) => JSON.parse(text).error.code
const errorPageCode = (location) => new URL(location, "http://x").searchParams.get("code")

async function stillServes() {
  const res = await fetch(`${app.base}/session`)
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), SIGNED_OUT)
}

describe("a 64 KB Cookie header", () => {
  const filler = (n) => `junk=${"j".repeat(n)}`
  const huge = filler(64 * 1024)
  test("handler on default node:http: Node itself answers 431 (16 KB limit), and keeps serving", async () => {
    const res = await nodeReq(app.origin, "/api/auth/session", { headers: { cookie: huge } })
    assert.equal(res.status, 431)
    await stillServes()
  })
  test("handler on node:http with maxHeaderSize 1 MB: /session signed out, /callback FLOW_COOKIE_MISSING", async () => {
    const s = await nodeReq(big.origin, "/api/auth/session", { headers: { cookie: huge } })
    assert.equal(s.status, 200)
    assert.deepEqual(JSON.parse(s.body), SIGNED_OUT)
    const cb = await nodeReq(big.origin, "/api/auth/callback/github?code=a&state=b", { headers: { cookie: huge } })
    assert.equal(cb.status, 302)
    assert.equal(errorPageCode(cb.headers.location), "FLOW_COOKIE_MISSING")
  })
  test("handlers.GET (Web Request) and api.getSession: signed out", async () => {
    const res = await web.handlers.GET(new Request(`${WEB}/api/auth/session`, { headers: { cookie: huge } }))
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), SIGNED_OUT)
    assert.deepEqual(await web.api.getSession({ headers: { cookie: huge } }), SIGNED_OUT)
    assert.deepEqual(await web.api.getSession({ headers: { cookie: `${huge}; ${sessionCookie}` } }), SIGNED_OUT, "over 64 KB the header is not parsed at all")
  })
  test("a valid session after 60 KB of other cookies is still read (under the 64 KB parse limit)", async () => {
    const header = `${filler(60 * 1024)}; ${sessionCookie}`
    assert.equal((await web.api.getSession({ headers: { cookie: header } })).session.user.sub, "edge-user")
    const res = await nodeReq(big.origin, "/api/auth/session", { headers: { cookie: header } })
    assert.equal(JSON.parse(res.body).session.user.sub, "edge-user")
  })
})

describe("5,000 cookies", () => {
  const many = Array.from({ length: 5000 }, (_, i) => `c${i}=v${i}`).join("; ")
  test("5,000 unrelated cookies plus a session: read through getSession, handlers.GET and handler, fast", async () => {
    const header = `${many}; ${sessionCookie}`
    const t0 = performance.now()
    assert.equal((await web.api.getSession({ headers: { cookie: header } })).session.user.sub, "edge-user")
    const res = await web.handlers.GET(new Request(`${WEB}/api/auth/session`, { headers: { cookie: header } }))
    assert.equal((await res.json()).session.user.sub, "edge-user")
    const viaNode = await nodeReq(big.origin, "/api/auth/session", { headers: { cookie: header } })
    assert.equal(JSON.parse(viaNode.body).session.user.sub, "edge-user")
    assert.ok(performance.now() - t0 < 2000)
  })
  test("5,000 forged session chunks (aura-auth.session.0 … .4999): signed out, clears bounded", async () => {
    const chunks = Array.from({ length: 5000 }, (_, i) => `aura-auth.session.${i}=AAAA`).join("; ")
    assert.deepEqual(await web.api.getSession({ headers: { cookie: chunks } }), SIGNED_OUT)
    const res = await web.handlers.GET(new Request(`${WEB}/api/auth/session`, { headers: { cookie: chunks } }))
    assert.deepEqual(await res.json(), SIGNED_OUT)
    const clears = res.headers.getSetCookie()
    assert.ok(clears.length <= 33, `${clears.length} Set-Cookie lines`)
    assert.ok(clears.every((l) => /Max-Age=0/.test(l)))
    const viaNode = await nodeReq(big.origin, "/api/auth/session", { headers: { cookie: chunks } })
    assert.equal(viaNode.status, 200)
  })
  test("5,000 copies of the flow cookie name on the callback: FLOW_COOKIE_MISSING", async () => {
    const flows = Array.from({ length: 5000 }, (_, i) => `aura-auth.flow=x${i}`).join("; ")
    const res = await web.handlers.GET(new Request(`${WEB}/api/auth/callback/github?code=a&state=b`, { headers: { cookie: flows } }))
    assert.equal(errorPageCode(res.headers.get("location")), "FLOW_COOKIE_MISSING")
  })
})

describe("invalid UTF-8 and NUL bytes in headers and query (raw sockets)", () => {
  const cookieLine = (bytes) => Buffer.concat([Buffer.from("Cookie: "), Buffer.from(bytes), Buffer.from("\r\n")])
  test("invalid UTF-8 bytes in the Cookie header → /session signed out (200)", async () => {
    for (const bytes of [[0xff, 0xfe], [0x61, 0x3d, 0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80]]) {
      const res = await rawGet(app.origin, "/api/auth/session", cookieLine(bytes))
      assert.equal(res.status, 200)
      assert.deepEqual(JSON.parse(res.body), SIGNED_OUT)
    }
    const named = await rawGet(app.origin, "/api/auth/session", cookieLine([...Buffer.from("aura-auth.session="), 0xff, 0xc3, 0x28]))
    assert.equal(named.status, 200)
    assert.deepEqual(JSON.parse(named.body), SIGNED_OUT)
  })
  test("a NUL byte in the Cookie header: refused by Node's parser (400) or signed out — never a 5xx", async () => {
    const res = await rawGet(app.origin, "/api/auth/session", cookieLine([...Buffer.from("aura-auth.session=a"), 0x00, 0x62]))
    assert.ok([200, 400].includes(res.status), String(res.status))
    if (res.status === 200) assert.deepEqual(JSON.parse(res.body), SIGNED_OUT)
    await stillServes()
  })
  test("invalid UTF-8 raw bytes in the query → the request is answered (4xx or the normal 302), never a 5xx", async () => {
    for (const target of [
      Buffer.concat([Buffer.from("/api/auth/signIn/github?redirectTo=/"), Buffer.from([0xff, 0xfe])]),
      Buffer.concat([Buffer.from("/api/auth/callback/github?code="), Buffer.from([0xc3, 0x28]), Buffer.from("&state="), Buffer.from([0xff])]),
      Buffer.concat([Buffer.from("/api/auth/error?code="), Buffer.from([0xe2, 0x82])]),
    ]) {
      const res = await rawGet(app.origin, target)
      assert.ok(res.status < 500 && res.status !== 200 ? true : res.status === 200, `${res.status}`)
      assert.ok(res.status < 500, `${res.status}`)
    }
    await stillServes()
  })
  test("a NUL byte raw in the request line: Node's parser answers 400, and keeps serving", async () => {
    const res = await rawGet(app.origin, Buffer.concat([Buffer.from("/api/auth/session?x="), Buffer.from([0x00])]))
    assert.equal(res.status, 400)
    await stillServes()
  })
  test("percent-encoded invalid UTF-8 and NUL (%FF, %C3%28, %00) in the query, through handler and handlers.GET", async () => {
    const cases = [
      ["/signIn/github?redirectTo=%FF%FE", (s, loc) => s === 302 && loc.startsWith(world.github.authorizeURL)],
      ["/signIn/github?redirectTo=%2F%00%2F", (s, loc) => s === 302 && loc.startsWith(world.github.authorizeURL)],
      ["/callback/github?code=%C3%28&state=%FF", (s, loc) => s === 302 && errorPageCode(loc) === "FLOW_COOKIE_MISSING"],
      ["/callback/github?code=%00&state=%00&iss=%FF", (s, loc) => s === 302 && errorPageCode(loc) === "FLOW_COOKIE_MISSING"],
      // Without a flow cookie whose state matches, a provider error is not acted on (rule 14).
      ["/callback/github?error=%FF%00", (s, loc) => s === 302 && errorPageCode(loc) === "FLOW_COOKIE_MISSING"],
      ["/error?code=%FF%00", (s) => s === 400],
      ["/signIn/%FF%FE", (s, loc) => s === 302 && errorPageCode(loc) === "UNKNOWN_PROVIDER"],
      ["/signIn/github%00", (s, loc) => s === 302 && errorPageCode(loc) === "UNKNOWN_PROVIDER"],
    ]
    for (const [path, ok] of cases) {
      const viaNode = await nodeReq(app.origin, `/api/auth${path}`)
      assert.ok(ok(viaNode.status, viaNode.headers.location ?? ""), `handler ${path}: ${viaNode.status} ${viaNode.headers.location}`)
      const viaWeb = await web.handlers.GET(new Request(`${WEB}/api/auth${path}`))
      assert.ok(ok(viaWeb.status, viaWeb.headers.get("location") ?? ""), `handlers.GET ${path}: ${viaWeb.status}`)
    }
  })
  test("malformed bytes in X-Forwarded-Host with trustedProxyHeaders → 400 BAD_HOST", async () => {
    const proxied = await startApp(() => ({ oauth: world.providers(), secret: SECRET, salt: SALT, trustedProxyHeaders: true }))
    try {
      // "evil/x", "@e", "[", "%zz", "a b", "\\x"
      for (const bytes of [[0x65, 0x76, 0x69, 0x6c, 0x2f, 0x78], [0x40, 0x65], [0x5b], [0x25, 0x7a, 0x7a], [0x61, 0x20, 0x62], [0x5c, 0x5c, 0x78]]) {
        const line = Buffer.concat([Buffer.from("X-Forwarded-Host: "), Buffer.from(bytes), Buffer.from("\r\n")])
        const res = await rawGet(proxied.origin, "/api/auth/signIn/github", line)
        assert.equal(res.status, 400, JSON.stringify(bytes))
        assert.equal(jsonCode(res.body), "BAD_HOST")
      }
      const res = await web.handlers.GET(new Request(`${WEB}/api/auth/session`, { headers: { "x-forwarded-host": "a/b" } }))
      assert.equal(res.status, 200, "without trustedProxyHeaders the header is ignored")
      const trusting = lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, trustedProxyHeaders: true })
      const bad = await trusting.handlers.GET(new Request(`${WEB}/api/auth/signIn/github`, { headers: { "x-forwarded-host": "evil.com/x", "x-forwarded-proto": "https" } }))
      assert.equal(bad.status, 400)
      assert.equal((await bad.json()).error.code, "BAD_HOST")
    } finally {
      await proxied.close()
    }
  })
  test("a Host header with malformed bytes (no baseURL) → 400 BAD_HOST; non-ASCII bytes become an IDN (punycode) origin", async () => {
    const noBase = await startApp(() => ({ oauth: world.providers(), secret: SECRET, salt: SALT }))
    try {
      for (const host of [Buffer.from("a@b"), Buffer.from("x/y"), Buffer.from("["), Buffer.from("%zz"), Buffer.from("a\\b")]) {
        const res = await rawHttp(
          noBase.origin,
          Buffer.concat([Buffer.from("GET /api/auth/signIn/github HTTP/1.1\r\nHost: "), host, Buffer.from("\r\nConnection: close\r\n\r\n")]),
        )
        assert.ok(res.status === 400, `${host}: ${res.status}`)
        if (res.body.startsWith("{")) assert.equal(jsonCode(res.body), "BAD_HOST")
      }
      // Latin-1 bytes 0xFF 0xFE read as "ÿþ": a valid internationalised name, so it is used in
      // punycode form (set baseURL in production so Host never decides the origin).
      const idn = await rawHttp(noBase.origin, Buffer.concat([Buffer.from("GET /api/auth/signIn/github HTTP/1.1\r\nHost: "), Buffer.from([0xff, 0xfe]), Buffer.from("\r\nConnection: close\r\n\r\n")]))
      assert.equal(idn.status, 302)
      const redirectUri = new URL(/\r\nlocation: ([^\r]+)/i.exec(idn.text)[1]).searchParams.get("redirect_uri")
      assert.match(redirectUri, /^http:\/\/xn--[a-z0-9-]+\/api\/auth\/callback\/github$/)
    } finally {
      await noBase.close()
    }
  })
})

describe("a 100 KB query string", () => {
  const q = `?redirectTo=/${"a".repeat(100 * 1024)}`
  test("handler on default node:http: Node answers 431 before the core", async () => {
    const res = await nodeReq(app.origin, `/api/auth/signIn/github${q}`)
    assert.equal(res.status, 431)
    await stillServes()
  })
  test("handler behind a 1 MB header limit: 414 URL_TOO_LONG from the core", async () => {
    const res = await nodeReq(big.origin, `/api/auth/signIn/github${q}`)
    assert.equal(res.status, 414)
    assert.equal(jsonCode(res.body), "URL_TOO_LONG")
  })
  test("handlers.GET: 414 URL_TOO_LONG", async () => {
    const res = await web.handlers.GET(new Request(`${WEB}/api/auth/signIn/github${q}`))
    assert.equal(res.status, 414)
    assert.equal((await res.json()).error.code, "URL_TOO_LONG")
    assert.equal(res.headers.get("cache-control"), "no-store")
  })
  test("a 10 KB redirectTo (under the URL limit, over the redirect limit) falls back to /", async () => {
    const jar = new CookieJar()
    const { res } = await signIn(app, jar, "github", { redirectTo: `/${"b".repeat(10 * 1024)}` })
    assert.equal(res.headers.get("location"), "/")
  })
})

describe("the provider id: '..', '%00', encoded slashes and unicode look-alikes", () => {
  const ids = [
    "..",
    "%2e%2e",
    ".",
    "%00",
    "github%00",
    "github%2F..%2F..",
    "github%2fsession",
    "%67ithub", // percent-encoded "g": must not be decoded into a match
    "gіthub", // Cyrillic і (U+0456)
    "ｇｉｔｈｕｂ", // fullwidth
    "GitHub",
    "github%20",
    "github\u200b", // zero-width space
    "oidc%3Fx%3D1",
    "%C0%AE%C0%AE", // overlong UTF-8 '..'
    "a".repeat(3000),
  ]
  const encodePath = (id) => id.replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c))
  for (const id of ids) {
    const label = JSON.stringify(id.length > 20 ? `${id.slice(0, 6)}… (${id.length})` : id)
    test(`provider id ${label}: signIn and callback refuse (UNKNOWN_PROVIDER or 404), never a 5xx`, async () => {
      for (const [kind, path] of [
        ["signIn", `/api/auth/signIn/${encodePath(id)}`],
        ["signIn json", `/api/auth/signIn/${encodePath(id)}?redirect=false`],
        ["callback", `/api/auth/callback/${encodePath(id)}?code=a&state=b`],
      ]) {
        for (const [via, res] of [
          ["handler", await nodeReq(app.origin, path)],
          ["handlers.GET", await web.handlers.GET(new Request(`${WEB}${path}`))],
        ]) {
          const status = res.status
          const location = typeof res.headers.get === "function" ? res.headers.get("location") : res.headers.location
          const body = typeof res.text === "function" ? await res.text() : res.body
          const what = `${via} ${kind} ${label}: ${status} ${location ?? body.slice(0, 80)}`
          if (status === 404) assert.match(JSON.parse(body).error.code, /^(NOT_FOUND|UNKNOWN_PROVIDER)$/, what)
          else if (kind === "signIn json") assert.fail(what)
          else {
            assert.equal(status, 302, what)
            assert.equal(errorPageCode(location), "UNKNOWN_PROVIDER", what)
          }
        }
      }
    })
  }
  test("raw '..' segments are not resolved into another endpoint (handler, raw request line)", async () => {
    for (const path of ["/api/auth/signIn/../session", "/api/auth/callback/..", "/api/auth/signIn/github/..", "/api/auth/../auth/session"]) {
      const res = await rawGet(app.origin, path)
      assert.ok(res.status < 500, `${path}: ${res.status}`)
    }
  })
})

describe("unknown methods", () => {
  const methods = ["PUT", "DELETE", "PATCH", "OPTIONS", "PROPFIND", "PURGE"]
  test("through handler: 405 METHOD_NOT_ALLOWED with Allow", async () => {
    for (const method of [...methods, "TRACE"]) {
      for (const [path, allow] of [
        ["/api/auth/session", "GET, HEAD, POST"],
        ["/api/auth/signIn/github", "GET, HEAD"],
        ["/api/auth/callback/github", "GET, HEAD"],
        ["/api/auth/signOut", "POST"],
      ]) {
        const res = await nodeReq(app.origin, path, { method })
        assert.equal(res.status, 405, `${method} ${path}`)
        assert.equal(res.headers.allow, allow)
        assert.equal(jsonCode(res.body), "METHOD_NOT_ALLOWED")
      }
    }
  })
  test("through handlers.GET with a Web Request of another method: 405 with Allow", async () => {
    for (const method of methods) {
      const res = await web.handlers.GET(new Request(`${WEB}/api/auth/csrfToken`, { method }))
      assert.equal(res.status, 405, method)
      assert.equal(res.headers.get("allow"), "GET, HEAD")
      assert.equal((await res.json()).error.code, "METHOD_NOT_ALLOWED")
    }
    const get = await web.handlers.POST(new Request(`${WEB}/api/auth/signOut`))
    assert.equal(get.status, 405)
    assert.equal(get.headers.get("allow"), "POST")
  })
  test("a method Node's parser does not know (BREW, lowercase get): Node answers 400, the server keeps serving", async () => {
    for (const line of ["BREW /api/auth/session HTTP/1.1", "get /api/auth/session HTTP/1.1"]) {
      const res = await rawHttp(app.origin, `${line}\r\nHost: x\r\nConnection: close\r\n\r\n`)
      assert.equal(res.status, 400, line)
    }
    await stillServes()
  })
  test("HEAD answers like GET without a body", async () => {
    const res = await nodeReq(app.origin, "/api/auth/session", { method: "HEAD" })
    assert.equal(res.status, 200)
    assert.equal(res.body, "")
  })
})

describe("a body that is not JSON where JSON is expected (POST signOut)", () => {
  const bodies = [
    ["truncated JSON", '{"csrfToken": "abc'],
    ["not JSON at all", "{not json"],
    ["an array", "[]"],
    ["a string", '"csrfToken"'],
    ["null", "null"],
    ["csrfToken a number", '{"csrfToken": 5}'],
    ["csrfToken an object (operator injection)", '{"csrfToken": {"$ne": ""}}'],
    ["csrfToken an array", '{"csrfToken": ["a"]}'],
    ["csrfToken true", '{"csrfToken": true}'],
    ["a 60,000-deep array", `{"csrfToken": ${"[".repeat(60000)}`],
    ["binary garbage", Buffer.from([0xff, 0x00, 0xfe, 0x7b, 0x22, 0x80]).toString("latin1")],
    ["an empty body", ""],
    ["a BOM then JSON", '\ufeff{"csrfToken":"x"}'],
    ["duplicate keys", '{"csrfToken":"a","csrfToken":"b"}'],
  ]
  async function csrf(via) {
    const jar = new CookieJar()
    const base = via === "handler" ? app.base : `${WEB}/api/auth`
    const res = via === "handler" ? await fetch(`${base}/csrfToken`) : await web.handlers.GET(new Request(`${base}/csrfToken`))
    jar.store(`${base}/csrfToken`, res)
    return { cookie: jar.header(`${base}/signOut`), token: (await res.json()).csrfToken, base }
  }
  for (const via of ["handler", "handlers.POST"]) {
    test(`through ${via}: each answered 403 CSRF_TOKEN_INVALID (no 5xx)`, async () => {
      const { cookie, base } = await csrf(via)
      for (const [name, body] of bodies) {
        const init = { method: "POST", headers: { cookie, "content-type": "application/json", origin: via === "handler" ? app.origin : WEB }, body }
        const res = via === "handler" ? await fetch(`${base}/signOut`, init) : await web.handlers.POST(new Request(`${base}/signOut`, init))
        assert.equal(res.status, 403, name)
        assert.equal((await res.json()).error.code, "CSRF_TOKEN_INVALID", name)
      }
    })
    test(`through ${via}: a valid X-CSRF-Token with a garbage body still signs out (body not needed)`, async () => {
      const { cookie, token, base } = await csrf(via)
      const init = { method: "POST", headers: { cookie, "content-type": "application/json", "x-csrf-token": token }, body: "{not json" }
      const res = via === "handler" ? await fetch(`${base}/signOut`, init) : await web.handlers.POST(new Request(`${base}/signOut`, init))
      assert.equal(res.status, 200)
      assert.deepEqual(await res.json(), { ok: true, url: "/" })
    })
    test(`through ${via}: a body over 64 KB → 413 BODY_TOO_LARGE`, async () => {
      const { cookie, token, base } = await csrf(via)
      const init = { method: "POST", headers: { cookie, "content-type": "application/json", "x-csrf-token": token }, body: `{"x":"${"x".repeat(70 * 1024)}"}` }
      const res = via === "handler" ? await fetch(`${base}/signOut`, init) : await web.handlers.POST(new Request(`${base}/signOut`, init))
      assert.equal(res.status, 413)
      assert.equal((await res.json()).error.code, "BODY_TOO_LARGE")
    })
  }
  test("through handler: a 10 MB chunked body is cut off at the limit → 413, the server keeps serving", async () => {
    const u = new URL(app.base)
    const status = await new Promise((resolve, reject) => {
      const req = httpRequest({ host: u.hostname, port: u.port, path: "/api/auth/signOut", method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume()
        resolve(res.statusCode)
      })
      req.on("error", (e) => (e.code === "EPIPE" || e.code === "ECONNRESET" ? resolve("reset") : reject(e)))
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      let sent = 0
      const pump = () => {
        while (sent < 10 * 1024 * 1024) {
          sent += chunk.length
          if (!req.write(chunk)) return req.once("drain", pump)
        }
        req.end()
      }
      pump()
    })
    assert.ok(status === 413 || status === "reset", String(status))
    await stillServes()
  })
})

describe("truncated base64 and every single-byte mutation of a valid session cookie", () => {
  let name
  let value
  before(() => {
    const eq = sessionCookie.indexOf("=")
    name = sessionCookie.slice(0, eq)
    value = sessionCookie.slice(eq + 1)
  })
  test("control: the unmodified cookie opens", async () => {
    assert.equal((await app.auth.api.getSession({ headers: { cookie: `${name}=${value}` } })).session.user.sub, "edge-user")
  })
  test("every single-byte mutation (each position × all 255 other byte values) fails to open (api.getSession)", async () => {
    let tried = 0
    for (let i = 0; i < value.length; i++) {
      for (let b = 0; b < 256; b++) {
        if (b === value.charCodeAt(i)) continue
        const mutated = `${value.slice(0, i)}${String.fromCharCode(b)}${value.slice(i + 1)}`
        const r = await app.auth.api.getSession({ headers: { cookie: `${name}=${mutated}` } })
        if (r.authenticated) assert.fail(`mutation at ${i} to byte ${b} opened`)
        tried++
      }
    }
    assert.equal(tried, value.length * 255)
  })
  test("the mutated cookies as raw bytes (Buffer → latin1 header) through a raw socket: signed out", async () => {
    // A sample over the wire, since 100k sockets would be slow: every 7th position, 6 byte values.
    for (let i = 0; i < value.length; i += 7) {
      for (const b of [0x00 + 1, 0x2e, 0x3b, 0x7f, 0x80, 0xff]) {
        const bytes = Buffer.from(`${name}=${value}`, "latin1")
        bytes[name.length + 1 + i] = b
        const res = await rawGet(app.origin, "/api/auth/session", Buffer.concat([Buffer.from("Cookie: "), bytes, Buffer.from("\r\n")]))
        assert.ok(res.status === 200 || res.status === 400, `${i}/${b}: ${res.status}`)
        if (res.status === 200) assert.deepEqual(JSON.parse(res.body), SIGNED_OUT, `${i}/${b}`)
      }
    }
  })
  test("every truncation (and base64 with a cut last quantum) fails to open: getSession and handlers.GET", async () => {
    for (let cut = 0; cut < value.length; cut++) {
      const cookie = `${name}=${value.slice(0, cut)}`
      assert.deepEqual(await web.api.getSession({ headers: { cookie } }), SIGNED_OUT, `cut ${cut}`)
      const res = await web.handlers.GET(new Request(`${WEB}/api/auth/session`, { headers: { cookie } }))
      assert.deepEqual(await res.json(), SIGNED_OUT, `cut ${cut}`)
    }
    for (const suffix of ["=", "==", "A", "AA", "AAA", "%3D", "."]) {
      assert.deepEqual(await web.api.getSession({ headers: { cookie: `${name}=${value}${suffix}` } }), SIGNED_OUT, suffix)
    }
  })
  test("the same cookie under a mutated name is not a session", async () => {
    for (const n of [`${name}x`, name.toUpperCase(), ` ${name}`, `${name}.0x`, `__Secure-${name}`, `__Host-${name}`, `${name}.1`]) {
      const r = await app.auth.api.getSession({ headers: { cookie: `${n}=${value}` } })
      if (n === ` ${name}`) continue // leading whitespace is not part of a cookie name
      assert.deepEqual(r, SIGNED_OUT, n)
    }
  })
})
