// The outside security review's findings (issue 8), each a regression test named after it, and
// SPEC §4 rules 11-16 by name. Every test here failed against commit c25307b (see the note on
// each where that is not obvious) and passes now.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { startHostileOidc, hostileFlow } from "./fixtures/hostile-oidc.mjs"
import { lib, startProviders, startApp, startSignIn, throughProvider, signIn, sessionOf, signOut, go, CookieJar, SECRET, SALT } from "./helpers/world.mjs"

const ROOT = fileURLToPath(new URL("..", import.meta.url))
const SIGNED_OUT = { authenticated: false, session: null }

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
  return new URL(res.headers.get("location"), "http://x").searchParams.get("code")
}

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

describe("finding 1 / rule 13: an OIDC profile map never changes the subject", () => {
  async function withHostile(behave, provider, fn) {
    const idp = await startHostileOidc(behave)
    const a = await startApp((origin) => ({ oauth: [{ ...idp.provider(), ...provider }], baseURL: origin, secret: SECRET, salt: SALT }))
    try {
      await fn(a)
    } finally {
      await a.close()
      await idp.close()
    }
  }
  test("finding 1: profile { sub: 'sub' } with userinfo { sub: 'mallory' } is refused (SUBJECT_MISMATCH)", async () => {
    await withHostile({ userinfo: (b) => ({ ...b, sub: "mallory" }) }, { profile: { sub: "sub", name: "name" } }, async (a) => {
      const { res } = await hostileFlow(a, new CookieJar())
      assert.equal(errorCode(res), "SUBJECT_MISMATCH")
    })
  })
  test("finding 1: a map can shape name/email/image only; the subject stays the id_token's", async () => {
    await withHostile({ userinfo: (b) => ({ ...b, nickname: "Al", mail: "al@hostile.test" }) }, { profile: { name: "nickname", email: "mail" } }, async (a) => {
      const jar = new CookieJar()
      const { res } = await hostileFlow(a, jar)
      assert.equal(res.status, 302)
      const s = await (await fetch(`${a.base}/session`, { headers: { cookie: jar.header(a.base) } })).json()
      assert.equal(s.session.user.sub, "alice")
      assert.equal(s.session.user.name, "Al")
      assert.equal(s.session.user.email, "al@hostile.test")
    })
  })
  test("finding 1: profile { sub: 'email' } on an OIDC provider is a configuration error", () => {
    const p = { id: "corp", type: "oidc", issuer: "https://id.example.com", clientId: "a", clientSecret: "b", profile: { sub: "email" } }
    assert.throws(() => lib.createAuth({ oauth: [p], secret: SECRET, salt: SALT }), (e) => e instanceof lib.AuraAuthError && e.code === "INVALID_PROVIDER" && /id_token/.test(e.message))
  })
})

describe("finding 2 / rule 15: handlers.POST reads a body only up to the cap", () => {
  test("finding 2: a streamed 100 MB body is pulled for no more than about the cap, then 413", async () => {
    const chunk = new Uint8Array(16 * 1024).fill(0x61)
    let pulled = 0
    const total = 100 * 1024 * 1024
    const body = new ReadableStream({
      pull(controller) {
        if (pulled >= total) return controller.close()
        pulled += chunk.byteLength
        controller.enqueue(chunk)
      },
    })
    const req = new Request(`${app.base}/signOut`, { method: "POST", body, duplex: "half", headers: { "content-type": "application/json" } })
    const res = await app.auth.handlers.POST(req)
    assert.equal(res.status, 413)
    assert.equal((await res.json()).error.code, "BODY_TOO_LARGE")
    assert.ok(pulled <= 64 * 1024 + 4 * chunk.byteLength, `pulled ${pulled} bytes`)
  })
  test("finding 2: a body under the cap still works through handlers.POST", async () => {
    const res = await app.auth.handlers.POST(new Request(`${app.base}/signOut`, { method: "POST", body: "{}", headers: { "content-type": "application/json", origin: app.origin } }))
    assert.equal(res.status, 403)
    assert.equal((await res.json()).error.code, "CSRF_TOKEN_INVALID")
  })
})

describe("finding 3 / rule 11: getSession and /session accept exactly the same cookies", () => {
  test("rule 11: on an https app a plain-name cookie is signed out for both, and a __Host- value never opens under the plain name", async () => {
    const https = lib.createAuth({ oauth: world.providers(), baseURL: "https://app.example.com", secret: SECRET, salt: SALT })
    const plainApp = lib.createAuth({ oauth: world.providers(), baseURL: "http://127.0.0.1:1", secret: SECRET, salt: SALT })
    const plain = plainApp.internal.sealSessionForTesting({ sub: "attacker", provider: "github" })
    const host = https.internal.sealSessionForTesting({ sub: "victim", provider: "github" }, { secure: true })
    const viaRoute = async (cookie) => (await https.handlers.GET(new Request("https://app.example.com/api/auth/session", { headers: { cookie } }))).json()
    for (const cookie of [plain, `__Host-aura-auth.session=${plain.split("=")[1]}`, `aura-auth.session=${host.split("=")[1]}`]) {
      assert.deepEqual(await https.api.getSession({ headers: { cookie } }), SIGNED_OUT, cookie.slice(0, 30))
      assert.deepEqual(await viaRoute(cookie), SIGNED_OUT, cookie.slice(0, 30))
    }
    assert.equal((await https.api.getSession({ headers: { cookie: host } })).session.user.sub, "victim")
    assert.equal((await viaRoute(host)).session.user.sub, "victim")
    // Planted first, the attacker's cookie does not win over the real one either.
    assert.equal((await https.api.getSession({ headers: { cookie: `${plain}; ${host}` } })).session.user.sub, "victim")
  })
})

describe("finding 4 / rule 12: __Host- cookies, and the flow cookie is the one whose state matches", () => {
  test("rule 12: on https the session, flow and CSRF cookies carry __Host- (Secure, Path=/, no Domain)", async () => {
    const https = lib.createAuth({ oauth: world.providers(), baseURL: "https://app.example.com", secret: SECRET, salt: SALT })
    const start = await https.handlers.GET(new Request("https://app.example.com/api/auth/signIn/github"))
    const csrf = await https.handlers.GET(new Request("https://app.example.com/api/auth/csrfToken"))
    for (const line of [...start.headers.getSetCookie(), ...csrf.headers.getSetCookie()]) {
      assert.match(line, /^__Host-aura-auth\.(flow|csrf)=/)
      assert.match(line, /; Secure/)
      assert.match(line, /; Path=\//)
      assert.doesNotMatch(line, /Domain=/i)
    }
    const session = https.internal.sealSessionForTesting({ sub: "1", provider: "github" }, { secure: true })
    assert.match(session, /^__Host-aura-auth\.session=/)
  })
  test("finding 4: a planted flow cookie sent first does not win: the callback uses the one whose state matches", async () => {
    const attacker = new CookieJar()
    await startSignIn(app, attacker, "github")
    const planted = attacker.get("aura-auth.flow")
    const victim = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, victim, "github")
    const callbackUrl = await throughProvider("github", authorizeUrl)
    const mine = victim.get("aura-auth.flow")
    const res = await fetch(callbackUrl, { redirect: "manual", headers: { cookie: `aura-auth.flow=${planted}; aura-auth.flow=${mine}` } })
    assert.equal(res.status, 302)
    assert.equal(res.headers.get("location"), "/dashboard")
    assert.ok(res.headers.getSetCookie().some((c) => c.startsWith("aura-auth.session=") && !/Max-Age=0/.test(c)))
  })
})

describe("finding 5 / rule 14: a provider ?error= is acted on only after state matches", () => {
  test("finding 5: /callback?error=access_denied without the flow's state leaves the live flow untouched", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const forged = await go(jar, `${app.base}/callback/github?error=access_denied`)
    assert.equal(errorCode(forged), "STATE_MISMATCH")
    assert.deepEqual(forged.headers.getSetCookie(), [], "the flow cookie is not cleared")
    const wrongState = await go(jar, `${app.base}/callback/github?error=access_denied&state=nope`)
    assert.equal(errorCode(wrongState), "STATE_MISMATCH")
    assert.deepEqual(wrongState.headers.getSetCookie(), [])
    // The real sign-in still completes.
    const res = await go(jar, await throughProvider("github", authorizeUrl))
    assert.equal(res.headers.get("location"), "/dashboard")
    assert.equal((await sessionOf(app, jar)).body.authenticated, true)
  })
  test("finding 5: with the matching state, the provider's error ends the flow (ACCESS_DENIED, flow cleared)", async () => {
    const jar = new CookieJar()
    const { authorizeUrl } = await startSignIn(app, jar, "github")
    const state = new URL(authorizeUrl).searchParams.get("state")
    const res = await go(jar, `${app.base}/callback/github?error=access_denied&state=${state}`)
    assert.equal(errorCode(res), "ACCESS_DENIED")
    assert.ok(res.headers.getSetCookie().some((c) => c.startsWith("aura-auth.flow=;")))
  })
})

describe("finding 6 / rule 13: User.emailVerified comes only from the provider's signal", () => {
  test("finding 6: OIDC email_verified true → emailVerified true", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "oidc", { username: "ada" })
    const user = (await sessionOf(app, jar)).body.session.user
    assert.equal(user.email, "ada@example.test")
    assert.equal(user.emailVerified, true)
  })
  test("finding 6: OIDC email_verified \"true\" (string) → true; absent → false; no email → null", async () => {
    for (const [claims, expected] of [
      [(c) => ({ ...c, email_verified: "true" }), true],
      [(c) => ({ ...c, email_verified: undefined }), false],
      [(c) => ({ ...c, email: undefined, email_verified: undefined }), null],
    ]) {
      const idp = await startHostileOidc({ claims, userinfo: (b) => ({ sub: b.sub }) })
      const a = await startApp((origin) => ({ oauth: [idp.provider()], baseURL: origin, secret: SECRET, salt: SALT }))
      try {
        const jar = new CookieJar()
        await hostileFlow(a, jar)
        const s = await (await fetch(`${a.base}/session`, { headers: { cookie: jar.header(a.base) } })).json()
        assert.equal(s.session.user.emailVerified, expected, String(claims))
      } finally {
        await a.close()
        await idp.close()
      }
    }
  })
  test("finding 6: GitHub's verified flag from /user/emails; an unverified primary is false", async () => {
    const jar = new CookieJar()
    await signIn(app, jar, "github")
    let user = (await sessionOf(app, jar)).body.session.user
    assert.equal(user.email, "octocat@private.example.test")
    assert.equal(user.emailVerified, true)
    world.github.setEmails([{ email: "new@example.test", primary: true, verified: false, visibility: "private" }])
    try {
      const jar2 = new CookieJar()
      await signIn(app, jar2, "github")
      user = (await sessionOf(app, jar2)).body.session.user
      assert.equal(user.email, "new@example.test")
      assert.equal(user.emailVerified, false)
    } finally {
      world.github.setEmails(null)
    }
  })
})

describe("finding 7 / rule 16: values from config that reach headers are validated at createAuth", () => {
  test("finding 7: non-ASCII pages.error is percent-encoded in Location (no 500)", async () => {
    const a = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, pages: { error: "/fehler-ä" } }))
    try {
      const res = await fetch(`${a.base}/signIn/nope`, { redirect: "manual" })
      assert.equal(res.status, 302)
      assert.equal(res.headers.get("location"), "/fehler-%C3%A4?code=UNKNOWN_PROVIDER")
    } finally {
      await a.close()
    }
  })
  test("finding 7: a non-ASCII basePath routes (it is matched percent-encoded)", async () => {
    const a = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, basePath: "/api/äuth" }), { basePath: "/api/%C3%A4uth" })
    try {
      const res = await fetch(`${a.origin}/api/%C3%A4uth/session`)
      assert.equal(res.status, 200)
      assert.deepEqual(await res.json(), SIGNED_OUT)
    } finally {
      await a.close()
    }
  })
  test("finding 7: pages or basePath with spaces, control characters or backslashes fail at createAuth", () => {
    for (const [cfg, code] of [
      [{ pages: { error: "/a b" } }, "INVALID_PAGES"],
      [{ pages: { signIn: "/x\u0000" } }, "INVALID_PAGES"],
      [{ pages: { signIn: "/\\evil" } }, "INVALID_PAGES"],
      [{ basePath: "/api/a\nb" }, "INVALID_BASE_PATH"],
      [{ basePath: "/api?x" }, "INVALID_BASE_PATH"],
    ]) {
      assert.throws(() => lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, ...cfg }), (e) => e.code === code, JSON.stringify(cfg))
    }
  })
})

describe("finding 8 / rule 15: one chunk limit for writer and reader", () => {
  test("finding 8: profile fields of 2,048 characters each give a readable session within the limit", async () => {
    const long = "x".repeat(2048)
    world.github.setUser({ name: long, email: `${long}@x.test`, avatar_url: `http://127.0.0.1/${long}` })
    try {
      const jar = new CookieJar()
      const { res } = await signIn(app, jar, "github")
      assert.equal(res.headers.get("location"), "/dashboard")
      const header = jar.header(app.base)
      assert.ok(header.length < 8 * 1024, `Cookie header ${header.length} bytes`)
      const { body } = await sessionOf(app, jar)
      assert.equal(body.authenticated, true)
      assert.equal(body.session.user.name.length, 256, "the name is cut deliberately")
      assert.equal(body.session.user.email, null, "an over-long email is dropped, not cut")
      assert.equal(body.session.user.image, null)
      assert.deepEqual(await app.auth.api.getSession({ headers: { cookie: header } }), body)
    } finally {
      world.github.setUser(null)
    }
  })
  test("finding 8: a third session chunk is never read", async () => {
    const big = app.auth.internal.sealSessionForTesting({ sub: "1", provider: "github", name: "😀".repeat(256), image: `https://x/${"i".repeat(2030)}`, email: `${"e".repeat(300)}@x.t` })
    assert.match(big, /aura-auth\.session\.1=/)
    assert.equal((await app.auth.api.getSession({ headers: { cookie: big } })).authenticated, true)
    assert.equal((await app.auth.api.getSession({ headers: { cookie: `${big}; aura-auth.session.2=junk` } })).authenticated, true)
  })
})

describe("finding 9 / rule 15: session.maxDuration caps a session from sign-in", () => {
  test("finding 9: lowering maxAge or maxDuration applies to sessions already issued", async () => {
    const cookie = app.auth.internal.sealSessionForTesting({ sub: "1", provider: "github" })
    await new Promise((r) => setTimeout(r, 1100))
    for (const session of [{ maxAge: 1 }, { maxDuration: 1 }]) {
      const lowered = lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, session: { ...session, updateAge: 0 } })
      assert.deepEqual(await lowered.api.getSession({ headers: { cookie } }), SIGNED_OUT, JSON.stringify(session))
    }
    assert.equal((await app.auth.api.getSession({ headers: { cookie } })).authenticated, true)
  })
  test("finding 9: rolling never extends a session past maxDuration", async () => {
    const a = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, session: { maxAge: 3600, updateAge: 0, maxDuration: 3 } }))
    try {
      const jar = new CookieJar()
      await signIn(a, jar, "github")
      const first = (await sessionOf(a, jar)).body
      const cap = Date.parse(first.session.expires)
      assert.ok(cap - Date.now() <= 3000, "expires is capped by maxDuration, not maxAge")
      for (let i = 0; i < 2; i++) {
        await new Promise((r) => setTimeout(r, 1000))
        const rolled = (await sessionOf(a, jar)).body
        assert.equal(rolled.authenticated, true)
        assert.ok(Date.parse(rolled.session.expires) <= cap, "a roll does not move the cap")
      }
      await new Promise((r) => setTimeout(r, 1500))
      assert.deepEqual((await sessionOf(a, jar)).body, SIGNED_OUT)
    } finally {
      await a.close()
    }
  })
  test("finding 9: maxDuration is validated", () => {
    assert.throws(() => lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, session: { maxDuration: 0 } }), (e) => e.code === "INVALID_SESSION")
  })
})

describe("finding 11 / rule 10: a panic in a sync export fails one call, not the process", () => {
  test("finding 11: panicForTesting throws a JS error and the process keeps serving", () => {
    // In a child process: before the guard, a panic across the FFI boundary aborted the process.
    const script = `
      const lib = require(${JSON.stringify(ROOT)})
      const auth = lib.createAuth({ oauth: [{ id: "x", type: "oauth", authorizationURL: "https://a.test/a", tokenURL: "https://a.test/t", userinfoURL: "https://a.test/u", clientId: "a", clientSecret: "b" }], secret: ${JSON.stringify(SECRET)}, salt: ${JSON.stringify(SALT)} })
      let caught = null
      try { auth.internal.panicForTesting() } catch (e) { caught = e }
      if (!caught) throw new Error("no exception")
      const cookie = auth.internal.sealSessionForTesting({ sub: "1", provider: "x" })
      auth.api.getSession({ headers: { cookie } }).then((s) => console.log(JSON.stringify({ message: caught.message, sub: s.session.user.sub })))
    `
    const r = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", env: { ...process.env, NODE_ENV: "test" } })
    assert.equal(r.status, 0, r.stderr)
    const out = JSON.parse(r.stdout.trim().split("\n").pop())
    assert.equal(out.sub, "1")
    assert.match(out.message, /panic/)
  })
})

describe("finding 12: production without a baseURL, or with plain http, warns once at createAuth", () => {
  test("finding 12: one warning for a missing baseURL, one for a non-loopback http baseURL and (issue 22) one for a loopback baseURL in production", async () => {
    const warnings = []
    const original = console.warn
    console.warn = (m) => warnings.push(String(m))
    try {
      await withEnv({ NODE_ENV: "production", AURA_AUTH_URL: undefined }, () => {
        lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT })
        lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, baseURL: "http://app.example.com" })
        lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, baseURL: "https://app.example.com" })
        lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, baseURL: "http://localhost:3000" })
      })
    } finally {
      console.warn = original
    }
    assert.equal(warnings.length, 3, warnings.join("\n"))
    assert.match(warnings[0], /baseURL \(AURA_AUTH_URL\) is not set/)
    assert.match(warnings[1], /plain http in production/)
    assert.match(warnings[2], /`http:\/\/localhost:3000` \(from the baseURL option\) is a loopback address while NODE_ENV=production/)
  })
})

describe("finding 13 / rule 16: test helpers do not work in production", () => {
  test("rule 16: sealSessionForTesting throws TESTING_ONLY when NODE_ENV is production", async () => {
    await withEnv({ NODE_ENV: "production" }, () => {
      const prod = lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, baseURL: "https://app.example.com" })
      assert.throws(() => prod.internal.sealSessionForTesting({ sub: "1", provider: "github" }), (e) => e instanceof lib.AuraAuthError && e.code === "TESTING_ONLY")
    })
  })
})

describe("finding 14: smaller items", () => {
  test("finding 14: an id_token whose nbf is in the future is refused", async () => {
    const idp = await startHostileOidc({ claims: (c) => ({ ...c, nbf: Math.floor(Date.now() / 1000) + 3600 }) })
    const a = await startApp((origin) => ({ oauth: [idp.provider()], baseURL: origin, secret: SECRET, salt: SALT }))
    try {
      const { res } = await hostileFlow(a, new CookieJar())
      assert.equal(errorCode(res), "ID_TOKEN_INVALID")
    } finally {
      await a.close()
      await idp.close()
    }
  })
  test("finding 14: the CSRF token rotates at sign-in and at sign-out", async () => {
    const jar = new CookieJar()
    const before = (await (await go(jar, `${app.base}/csrfToken`)).json()).csrfToken
    const { res } = await signIn(app, jar, "github")
    assert.ok(res.headers.getSetCookie().some((c) => c.startsWith("aura-auth.csrf=;")), "cleared at sign-in")
    assert.ok(res.headers.getSetCookie().at(-1).startsWith("aura-auth.session="), "the session cookie stays last")
    const during = (await (await go(jar, `${app.base}/csrfToken`)).json()).csrfToken
    assert.notEqual(during, before)
    const out = await signOut(app, jar)
    assert.equal(out.status, 200)
    assert.ok(out.headers.getSetCookie().some((c) => c.startsWith("aura-auth.csrf=;")), "cleared at sign-out")
    const after = (await (await go(jar, `${app.base}/csrfToken`)).json()).csrfToken
    assert.notEqual(after, during)
  })
})

describe("also fixed in the same review", () => {
  test("build-time deferral: MISSING_CLIENT_CREDENTIALS is deferred during next build, then thrown on use", async () => {
    await withEnv({ NEXT_PHASE: "phase-production-build", NODE_ENV: "production", GITHUB_CLIENT_ID: undefined, GITHUB_CLIENT_SECRET: undefined }, async () => {
      const auth = lib.createAuth({ oauth: ["github"], secret: SECRET, salt: SALT })
      await assert.rejects(auth.api.getSession({ headers: { cookie: "aura-auth.session=x" } }), (e) => e.code === "MISSING_CLIENT_CREDENTIALS")
    })
    await withEnv({ NEXT_PHASE: undefined, GITHUB_CLIENT_ID: undefined, GITHUB_CLIENT_SECRET: undefined }, () => {
      assert.throws(() => lib.createAuth({ oauth: ["github"], secret: SECRET, salt: SALT }), (e) => e.code === "MISSING_CLIENT_CREDENTIALS")
    })
  })
  test("errors cross the boundary with napi's string code: .code without a JSON message", () => {
    try {
      lib.createAuth({ oauth: world.providers(), secret: "short", salt: SALT })
      assert.fail("no error")
    } catch (e) {
      assert.ok(e instanceof lib.AuraAuthError)
      assert.equal(e.code, "INVALID_SECRET")
      assert.doesNotMatch(e.message, /AURA_AUTH_ERROR|^\{/)
    }
  })
  test("collectEnv forwards only the configured providers' variables", async () => {
    await withEnv({ SLACK_CLIENT_SECRET: "s", GITHUB_CLIENT_ID: "g", GITHUB_CLIENT_SECRET: "gs", MY_APP_CLIENT_SECRET: "m" }, () => {
      const env = lib.__collectEnvForTesting({ oauth: ["github", { id: "my-app" }] })
      assert.equal(env.GITHUB_CLIENT_ID, "g")
      assert.equal(env.MY_APP_CLIENT_SECRET, "m")
      assert.equal(env.SLACK_CLIENT_SECRET, undefined)
    })
  })
})
