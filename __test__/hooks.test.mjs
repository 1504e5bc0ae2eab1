// Hooks (SPEC §8, issue 10) against the real OpenID provider (oidc-provider) and the GitHub-shaped
// server: who may sign in, what the session holds, where the user goes, events, logs, updates.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { startProviders, startApp, signIn, sessionOf, signOut, go, CookieJar, SECRET, SALT } from "./helpers/world.mjs"

let world
let unhandled = 0
const onUnhandled = () => unhandled++
before(async () => {
  world = await startProviders()
  process.on("unhandledRejection", onUnhandled)
})
after(async () => {
  process.off("unhandledRejection", onUnhandled)
  await world.close()
})

/** An app on node:http with these hooks (and a silent logger unless one is given). */
function appWith(extra, mount = "handler") {
  return startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, logger: { level: "off" }, ...extra }), { mount })
}

function errorCode(res) {
  assert.equal(res.status, 302, "the browser is redirected, never given a 5xx")
  const loc = new URL(res.headers.get("location"), "http://x")
  return loc.searchParams.get("code")
}

function noSession(res) {
  assert.ok(!res.headers.getSetCookie().some((c) => /^aura-auth\.session/.test(c) && !/Max-Age=0/.test(c)), "no session cookie")
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

describe("callbacks.signIn decides who signs in", () => {
  let app
  const allow = new Set(["alice"])
  before(async () => {
    app = await appWith({ callbacks: { signIn: ({ user, account }) => account.provider === "oidc" && allow.has(user.sub) } })
  })
  after(() => app.close())

  test("an allowlist admits alice", async () => {
    const jar = new CookieJar()
    const { res } = await signIn(app, jar, "oidc", { username: "alice" })
    assert.equal(res.headers.get("location"), "/dashboard")
    assert.equal((await sessionOf(app, jar)).body.session.user.sub, "alice")
  })
  test("an allowlist refuses bob: ACCESS_DENIED on the error page, no session", async () => {
    const jar = new CookieJar()
    const { res } = await signIn(app, jar, "oidc", { username: "bob" })
    assert.equal(errorCode(res), "ACCESS_DENIED")
    noSession(res)
    assert.equal((await sessionOf(app, jar)).body.authenticated, false)
  })
})

describe("callbacks.session shapes what the session holds", () => {
  let app
  before(async () => {
    app = await appWith({
      callbacks: {
        session: ({ session, user, account, trigger, data }) => {
          if (trigger === "update") return { ...session, theme: data.theme, user: { ...session.user, sub: "forged", role: session.user.role } }
          return { ...session, theme: "light", user: { ...session.user, role: user.sub === "alice" ? "admin" : "member", via: account.type, email: "ceo@evil.example", emailVerified: true } }
        },
      },
    })
  })
  after(() => app.close())

  test("a role added at sign-in is read back by getSession (api and GET /session); identity fields stay the provider's", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "oidc", { username: "alice" })
    const viaApi = await app.auth.api.getSession({ headers: { cookie: jar.header(app.base) } })
    assert.equal(viaApi.session.user.role, "admin")
    assert.equal(viaApi.session.user.via, "oidc")
    assert.equal(viaApi.session.theme, "light")
    assert.equal(viaApi.session.user.sub, "alice")
    assert.equal(viaApi.session.user.email, "alice@example.test", "a hook cannot change the email")
    assert.equal(viaApi.session.user.emailVerified, true)
    assert.deepEqual((await sessionOf(app, jar)).body, viaApi)
  })
  test("update: POST /session with { data } and the CSRF token re-runs the hook (trigger 'update') and re-seals", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "oidc", { username: "bob" })
    const { csrfToken } = await (await go(jar, `${app.base}/csrfToken`)).json()
    const res = await go(jar, `${app.base}/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrfToken, origin: app.origin },
      body: JSON.stringify({ data: { theme: "dark" } }),
    })
    assert.equal(res.status, 200)
    const body = await res.json()
    assert.equal(body.session.theme, "dark")
    assert.equal(body.session.user.sub, "bob", "an update cannot change the subject")
    assert.equal(body.session.user.role, "member")
    const read = await app.auth.api.getSession({ headers: { cookie: jar.header(app.base) } })
    assert.equal(read.session.theme, "dark")
  })
  test("update without the CSRF token is refused (403), and without a session 401", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "oidc", { username: "carol" })
    const res = await go(jar, `${app.base}/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: 1 }) })
    assert.equal(res.status, 403)
    assert.equal((await res.json()).error.code, "CSRF_TOKEN_INVALID")
    const anon = new CookieJar()
    const { csrfToken } = await (await go(anon, `${app.base}/csrfToken`)).json()
    const res2 = await go(anon, `${app.base}/session`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrfToken }, body: "{}" })
    assert.equal(res2.status, 401)
  })
})

describe("without a session callback", () => {
  test("POST /session is 403 UPDATE_NOT_ALLOWED, and sign-in needs no hand-off", async () => {
    const app = await appWith({})
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "github")
      const { csrfToken } = await (await go(jar, `${app.base}/csrfToken`)).json()
      const res = await go(jar, `${app.base}/session`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrfToken }, body: JSON.stringify({ data: {} }) })
      assert.equal(res.status, 403)
      assert.equal((await res.json()).error.code, "UPDATE_NOT_ALLOWED")
    } finally {
      await app.close()
    }
  })
})

describe("failing hooks end on the error page with CALLBACK_ERROR: no session, no 500, no unhandled rejection", () => {
  for (const [name, hook] of [
    ["a throwing signIn hook", { signIn: () => { throw new Error("boom") } }],
    ["a rejecting session hook", { session: async () => { throw new Error("nope") } }],
    ["a hanging signIn hook (past timeoutMs)", { signIn: () => new Promise(() => {}), timeoutMs: 200 }],
    ["a session hook that returns nothing", { session: () => undefined }],
    ["a signIn hook that returns a number", { signIn: () => 42 }],
  ]) {
    test(name, async () => {
      const app = await appWith({ callbacks: hook })
      try {
        const jar = new CookieJar()
        const { res } = await signIn(app, jar, "oidc", { username: "dave" })
        assert.equal(errorCode(res), "CALLBACK_ERROR")
        noSession(res)
        assert.ok(res.headers.getSetCookie().some((c) => c.startsWith("aura-auth.flow=;")), "the spent flow is cleared")
      } finally {
        await app.close()
      }
    })
  }
  test("a rejection after the timeout is not an unhandled rejection", async () => {
    const app = await appWith({ callbacks: { signIn: () => sleep(300).then(() => Promise.reject(new Error("late"))), timeoutMs: 100 } })
    try {
      const { res } = await signIn(app, new CookieJar(), "oidc", { username: "erin" })
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      await sleep(400)
      assert.equal(unhandled, 0)
    } finally {
      await app.close()
    }
  })
})

describe("hooks cannot create an open redirect", () => {
  test("signIn returning //evil.example goes to / (no session)", async () => {
    const app = await appWith({ callbacks: { signIn: () => "//evil.example" } })
    try {
      const { res } = await signIn(app, new CookieJar(), "oidc", { username: "frank" })
      assert.equal(res.status, 302)
      assert.equal(res.headers.get("location"), "/")
      noSession(res)
    } finally {
      await app.close()
    }
  })
  test("signIn returning /welcome sends the user there without a session", async () => {
    const app = await appWith({ callbacks: { signIn: () => "/welcome" } })
    try {
      const { res } = await signIn(app, new CookieJar(), "github")
      assert.equal(res.headers.get("location"), "/welcome")
      noSession(res)
    } finally {
      await app.close()
    }
  })
  test("redirect returning //evil.example or https://evil.example lands on /; a same-origin URL is kept", async () => {
    for (const [target, expected] of [["//evil.example", "/"], ["https://evil.example/x", "/"], ["/onboarding?step=1", "/onboarding?step=1"]]) {
      const app = await appWith({ callbacks: { redirect: ({ url, baseURL }) => (target === "same" ? `${baseURL}${url}` : target) } })
      try {
        const jar = new CookieJar()
        const { res } = await signIn(app, jar, "oidc", { username: "gina" })
        assert.equal(res.headers.get("location"), expected, target)
        assert.equal((await sessionOf(app, jar)).body.authenticated, true)
      } finally {
        await app.close()
      }
    }
  })
})

describe("a provider's profile function", () => {
  test("shapes the user but cannot change an OIDC subject", async () => {
    const app = await startApp((origin) => ({
      oauth: world.providers().map((p) => (p.id === "oidc" ? { ...p, profile: (raw, tokens) => ({ sub: "mallory", name: `${raw.name} (${typeof tokens.accessToken})` }) } : p)),
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
      logger: { level: "off" },
    }))
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "oidc", { username: "hana" })
      const user = (await sessionOf(app, jar)).body.session.user
      assert.equal(user.sub, "hana")
      assert.equal(user.name, "Hana Tester (string)")
    } finally {
      await app.close()
    }
  })
})

describe("events and logs", () => {
  test("events arrive in order (signIn, updateSession, signOut), fire-and-forget; a throwing event never fails the request", async () => {
    const seen = []
    const entries = []
    const app = await appWith({
      callbacks: { session: ({ session, data }) => ({ ...session, n: data ?? 0 }) },
      events: {
        signIn: ({ user, account }) => seen.push(["signIn", user.sub, account.provider]),
        updateSession: ({ session }) => seen.push(["updateSession", session.n]),
        signOut: ({ session }) => {
          seen.push(["signOut", session.user.sub])
          throw new Error("event handler bug")
        },
      },
      logger: { level: "warn", log: (e) => entries.push(e) },
    })
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "oidc", { username: "ivan" })
      const { csrfToken } = await (await go(jar, `${app.base}/csrfToken`)).json()
      await go(jar, `${app.base}/session`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrfToken }, body: JSON.stringify({ data: 7 }) })
      const out = await signOut(app, jar)
      assert.equal(out.status, 200, "a throwing event does not fail sign-out")
      await sleep(50)
      assert.deepEqual(seen, [["signIn", "ivan", "oidc"], ["updateSession", 7], ["signOut", "ivan"]])
      assert.ok(entries.some((e) => e.code === "EVENT_ERROR" && e.level === "error"))
    } finally {
      await app.close()
    }
  })

  test("logs: structured entries for failure codes, and never a secret, token, code or cookie value", async () => {
    const entries = []
    const secrets = new Set([SECRET, SALT, world.oidc.clientSecret, world.github.clientSecret])
    const app = await startApp((origin) => ({
      oauth: world.providers(),
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
      debug: true,
      logger: { level: "debug", log: (e) => entries.push(e) },
      events: { signIn: ({ account }) => [account.accessToken, account.idToken, account.refreshToken].filter(Boolean).forEach((t) => secrets.add(t)) },
    }))
    try {
      const jar = new CookieJar()
      const { callbackUrl, authorizeUrl } = await signIn(app, jar, "oidc", { username: "judy" })
      secrets.add(new URL(callbackUrl).searchParams.get("code"))
      secrets.add(new URL(authorizeUrl).searchParams.get("state"))
      for (const c of jar.header(app.base).split("; ")) secrets.add(c.split("=").slice(1).join("="))
      // Failures: a replayed callback (flow gone), a forged state, a bad CSRF token, a 404.
      await go(jar, callbackUrl)
      await go(new CookieJar(), callbackUrl)
      await go(jar, `${app.base}/signOut`, { method: "POST", headers: { "x-csrf-token": "forged" } })
      await go(jar, `${app.base}/nope`)
      await signIn(app, new CookieJar(), "github")
      await sleep(20)
      const codes = entries.map((e) => e.code)
      for (const code of ["SIGNED_IN", "FLOW_COOKIE_MISSING", "CSRF_TOKEN_INVALID", "NOT_FOUND"]) assert.ok(codes.includes(code), `${code} in ${codes}`)
      for (const e of entries) {
        assert.deepEqual(Object.keys(e).sort(), e.provider ? ["code", "level", "message", "provider"] : ["code", "level", "message"])
        assert.ok(["debug", "info", "warn", "error"].includes(e.level))
      }
      const text = JSON.stringify(entries)
      for (const s of secrets) if (s && s.length >= 8) assert.ok(!text.includes(s), `log leaked ${s.slice(0, 6)}…`)
    } finally {
      await app.close()
    }
  })

  test("the guide's hand-written adapter (handlers[method]) runs hooks too", async () => {
    const app = await appWith({ callbacks: { session: ({ session }) => ({ ...session, adapter: true }) } }, "guide")
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "github")
      assert.equal((await app.auth.api.getSession({ headers: { cookie: jar.header(app.base) } })).session.adapter, true)
    } finally {
      await app.close()
    }
  })

  test("hooks configuration is validated at createAuth", async () => {
    const { lib } = await import("./helpers/world.mjs")
    for (const cfg of [{ callbacks: { signin: () => true } }, { callbacks: { session: "x" } }, { events: { onSignIn: () => {} } }, { logger: { level: "loud" } }, { callbacks: { timeoutMs: 0 } }]) {
      assert.throws(() => lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, ...cfg }), (e) => e.code === "INVALID_CONFIG", JSON.stringify(Object.keys(cfg)))
    }
  })
})
