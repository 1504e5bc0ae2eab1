// @aura-stack/auth/client against a tiny local node:http server that answers with the server's JSON shapes.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import http from "node:http"
import { readFileSync } from "node:fs"
import { createRequire } from "node:module"
import { createAuthClient } from "../client.js"

const require = createRequire(import.meta.url)

const CSRF = "csrf-token-123"
let server
let baseURL
/** every request the fake server saw: { method, url, headers, body } */
let seen = []
/** per-test overrides: path -> (req, res, body) => void */
let overrides = {}

function json(res, status, value) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" })
  res.end(JSON.stringify(value))
}

before(async () => {
  server = http.createServer((req, res) => {
    let body = ""
    req.setEncoding("utf8")
    req.on("data", (c) => (body += c))
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body })
      const { pathname } = new URL(req.url, "http://x")
      if (overrides[pathname]) return overrides[pathname](req, res, body)
      if (pathname === "/api/auth/csrfToken" && req.method === "GET") {
        res.setHeader("set-cookie", "aura-auth.csrf=sealed; Path=/; HttpOnly; SameSite=Strict")
        return json(res, 200, { csrfToken: CSRF })
      }
      if (pathname === "/api/auth/session" && req.method === "GET") {
        return json(res, 200, {
          authenticated: true,
          session: { user: { sub: "u1", name: "Ada", email: "ada@example.com" }, expires: "2030-01-01T00:00:00.000Z" },
        })
      }
      if (pathname.startsWith("/api/auth/signIn/") && req.method === "GET") {
        const id = decodeURIComponent(pathname.slice("/api/auth/signIn/".length))
        if (id !== "github") return json(res, 404, { error: { code: "UNKNOWN_PROVIDER", message: `No provider "${id}"` } })
        const q = new URL(req.url, "http://x").searchParams
        return json(res, 200, {
          url: `https://github.example/login/oauth/authorize?state=s&redirect_to_echo=${encodeURIComponent(q.get("redirectTo") ?? "")}`,
        })
      }
      if (pathname === "/api/auth/signOut" && req.method === "POST") {
        if (req.headers["x-csrf-token"] !== CSRF) {
          return json(res, 403, { error: { code: "CSRF_TOKEN_INVALID", message: "The CSRF token is missing or does not match" } })
        }
        const parsed = body ? JSON.parse(body) : {}
        return json(res, 200, { ok: true, url: parsed.redirectTo ?? "/" })
      }
      json(res, 404, { error: { code: "NOT_FOUND", message: "Not found" } })
    })
  })
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve))
  baseURL = `http://127.0.0.1:${server.address().port}`
})

after(async () => {
  await new Promise((resolve) => server.close(resolve))
})

function reset() {
  seen = []
  overrides = {}
}

test("the client module never loads the native addon or the server entry", () => {
  const src = readFileSync(new URL("../client.js", import.meta.url), "utf8")
  const requires = [...src.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1])
  assert.deepEqual(requires, [], "client.js must not require anything")
  assert.doesNotMatch(src, /\bimport\s*\(/)
  const reactSrc = readFileSync(new URL("../react.js", import.meta.url), "utf8")
  const reactRequires = [...reactSrc.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]).sort()
  assert.deepEqual(reactRequires, ["./client.js", "react"])
  // Loading it must not pull native.js / index.js into the module cache.
  require("../client.js")
  const loaded = Object.keys(require.cache).map((p) => p.replace(/\\/g, "/"))
  assert.ok(!loaded.some((p) => /\/(native|index|node-adapter)\.js$/.test(p) || p.endsWith(".node")), loaded.join("\n"))
})

test("signIn with redirect:false returns the provider URL and asks the server for JSON", async () => {
  reset()
  const client = createAuthClient({ basePath: "/api/auth", baseURL })
  const result = await client.signIn("github", { redirect: false, redirectTo: "/dashboard" })
  assert.equal(result.ok, true)
  assert.match(result.url, /^https:\/\/github\.example\/login\/oauth\/authorize\?/)
  assert.equal(seen.length, 1)
  const u = new URL(seen[0].url, "http://x")
  assert.equal(u.pathname, "/api/auth/signIn/github")
  assert.equal(u.searchParams.get("redirectTo"), "/dashboard")
  assert.equal(u.searchParams.get("redirect"), "false")
  assert.equal(seen[0].method, "GET")
})

test("signIn with redirect:true navigates with window.location.assign", async () => {
  reset()
  const assigned = []
  globalThis.window = { location: { href: "http://app.test/login", origin: "http://app.test", assign: (u) => assigned.push(u) } }
  try {
    const client = createAuthClient({ basePath: "/api/auth", baseURL })
    const result = await client.signIn("github", { redirect: true, redirectTo: "/dashboard" })
    assert.equal(result.ok, true)
    assert.deepEqual(assigned, [result.url])
    // Default redirect is true, and the default redirectTo is the current page.
    const again = await client.signIn("github")
    assert.equal(again.ok, true)
    assert.equal(assigned.length, 2)
    assert.equal(new URL(seen[1].url, "http://x").searchParams.get("redirectTo"), "http://app.test/login")
  } finally {
    delete globalThis.window
  }
})

test("signIn error JSON comes back as { ok: false, error }", async () => {
  reset()
  const client = createAuthClient({ basePath: "/api/auth", baseURL })
  const result = await client.signIn("nope", { redirect: false })
  assert.equal(result.ok, false)
  assert.equal(result.error.code, "UNKNOWN_PROVIDER")
  assert.equal(result.error.message, 'No provider "nope"')
  assert.equal(result.error.status, 404)
})

test("getSession returns { authenticated, session }", async () => {
  reset()
  const client = createAuthClient({ basePath: "/api/auth", baseURL })
  const { authenticated, session } = await client.getSession()
  assert.equal(authenticated, true)
  assert.equal(session.user.name, "Ada")
  assert.equal(session.user.email, "ada@example.com")
  overrides["/api/auth/session"] = (req, res) => json(res, 200, { authenticated: false, session: null })
  assert.deepEqual(await client.getSession(), { authenticated: false, session: null })
})

test("signOut fetches the CSRF token and sends it as X-CSRF-Token with a JSON body", async () => {
  reset()
  const client = createAuthClient({ basePath: "/api/auth", baseURL })
  const result = await client.signOut({ redirect: false, redirectTo: "/bye" })
  assert.deepEqual(result, { ok: true, url: "/bye" })
  assert.equal(seen.length, 2)
  assert.equal(seen[0].method, "GET")
  assert.equal(seen[0].url, "/api/auth/csrfToken")
  assert.equal(seen[1].method, "POST")
  assert.equal(seen[1].url, "/api/auth/signOut")
  assert.equal(seen[1].headers["x-csrf-token"], CSRF)
  assert.match(seen[1].headers["content-type"], /^application\/json/)
  assert.deepEqual(JSON.parse(seen[1].body), { redirectTo: "/bye" })
})

test("signOut with redirect:true navigates to the URL the server returned", async () => {
  reset()
  const assigned = []
  globalThis.window = { location: { href: "http://app.test/x", origin: "http://app.test", assign: (u) => assigned.push(u) } }
  try {
    const client = createAuthClient({ basePath: "/api/auth", baseURL })
    const result = await client.signOut({ redirect: true, redirectTo: "/" })
    assert.deepEqual(result, { ok: true, url: "/" })
    assert.deepEqual(assigned, ["/"])
  } finally {
    delete globalThis.window
  }
})

test("signOut error JSON (bad CSRF) comes back as { ok: false, error }", async () => {
  reset()
  overrides["/api/auth/csrfToken"] = (req, res) => json(res, 200, { csrfToken: "wrong" })
  const client = createAuthClient({ basePath: "/api/auth", baseURL })
  const result = await client.signOut({ redirect: false })
  assert.equal(result.ok, false)
  assert.equal(result.error.code, "CSRF_TOKEN_INVALID")
  assert.equal(result.error.status, 403)
})

test("an error status without a JSON body is still { ok: false, error }", async () => {
  reset()
  overrides["/api/auth/signIn/github"] = (req, res) => {
    res.writeHead(502, { "content-type": "text/html" })
    res.end("<h1>Bad gateway</h1>")
  }
  const client = createAuthClient({ basePath: "/api/auth", baseURL })
  const result = await client.signIn("github", { redirect: false })
  assert.equal(result.ok, false)
  assert.equal(result.error.code, "HTTP_ERROR")
  assert.equal(result.error.status, 502)
  overrides["/api/auth/session"] = (req, res) => json(res, 500, { error: { code: "INTERNAL", message: "boom" } })
  const s = await client.getSession()
  assert.equal(s.authenticated, false)
  assert.equal(s.session, null)
  assert.equal(s.error.code, "INTERNAL")
})

test("a 200 that is not JSON is INVALID_RESPONSE, not a throw", async () => {
  reset()
  overrides["/api/auth/signIn/github"] = (req, res) => {
    res.writeHead(200, { "content-type": "text/html" })
    res.end("<html></html>")
  }
  const client = createAuthClient({ basePath: "/api/auth", baseURL })
  const result = await client.signIn("github", { redirect: false })
  assert.equal(result.ok, false)
  assert.equal(result.error.code, "INVALID_RESPONSE")
})

test("a network failure is { ok: false, error: { code: 'NETWORK_ERROR' } }", async () => {
  // A port nobody listens on: bind one, note it, close it.
  const tmp = http.createServer()
  await new Promise((r) => tmp.listen(0, "127.0.0.1", r))
  const deadPort = tmp.address().port
  await new Promise((r) => tmp.close(r))
  const client = createAuthClient({ basePath: "/api/auth", baseURL: `http://127.0.0.1:${deadPort}` })
  const signIn = await client.signIn("github", { redirect: false })
  assert.equal(signIn.ok, false)
  assert.equal(signIn.error.code, "NETWORK_ERROR")
  const signOut = await client.signOut({ redirect: false })
  assert.equal(signOut.ok, false)
  assert.equal(signOut.error.code, "NETWORK_ERROR")
  const session = await client.getSession()
  assert.equal(session.authenticated, false)
  assert.equal(session.session, null)
  assert.equal(session.error.code, "NETWORK_ERROR")
})

test("baseURL is optional in the browser (relative, same-origin) and required in Node", async () => {
  const calls = []
  const fakeFetch = async (url, init) => {
    calls.push({ url, init })
    return new Response(JSON.stringify({ authenticated: false, session: null }), {
      headers: { "content-type": "application/json" },
    })
  }
  globalThis.window = { location: { href: "http://app.test/", origin: "http://app.test", assign() {} } }
  try {
    const client = createAuthClient({ basePath: "/api/auth", fetch: fakeFetch })
    await client.getSession()
    assert.equal(calls[0].url, "/api/auth/session")
    assert.equal(calls[0].init.credentials, "same-origin")
    const cross = createAuthClient({ basePath: "/api/auth", baseURL: "http://auth.other.test", fetch: fakeFetch })
    await cross.getSession()
    assert.equal(calls[1].url, "http://auth.other.test/api/auth/session")
    assert.equal(calls[1].init.credentials, "include")
  } finally {
    delete globalThis.window
  }
  const nodeClient = createAuthClient({ basePath: "/api/auth", fetch: fakeFetch })
  const result = await nodeClient.signIn("github", { redirect: false })
  assert.equal(result.ok, false)
  assert.equal(result.error.code, "MISSING_BASE_URL")
})

test("basePath and baseURL are normalized; bad options throw at creation", () => {
  const c = createAuthClient({ basePath: "/auth/", baseURL: "http://localhost:3000/" })
  assert.equal(c.basePath, "/auth")
  assert.equal(c.baseURL, "http://localhost:3000")
  assert.equal(createAuthClient().basePath, "/api/auth")
  assert.throws(() => createAuthClient({ basePath: "api/auth" }), TypeError)
  assert.throws(() => createAuthClient({ baseURL: "localhost:3000" }), TypeError)
})

test("signOut tells other tabs over BroadcastChannel", async () => {
  reset()
  const { BroadcastChannel } = await import("node:worker_threads")
  const listener = new BroadcastChannel("aura-auth")
  const got = new Promise((resolve) => {
    listener.onmessage = (e) => resolve(e.data)
  })
  const client = createAuthClient({ basePath: "/api/auth", baseURL })
  const result = await client.signOut({ redirect: false })
  assert.equal(result.ok, true)
  const message = await got
  listener.close()
  assert.equal(message.event, "signOut")
})
