// Review round 2 (issue 15): one regression test per finding, named after it, against the real
// OpenID provider (oidc-provider) and the GitHub-shaped server.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { createRequire } from "node:module"
import { startProviders, startApp, startSignIn, signIn, sessionOf, go, CookieJar, SECRET, SALT, lib } from "./helpers/world.mjs"
import { completeOidcLogin } from "./fixtures/oidc-login.mjs"

const require = createRequire(import.meta.url)

let world
before(async () => {
  world = await startProviders()
})
after(async () => {
  await world.close()
})

function appWith(extra, mount = "handler") {
  return startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, logger: { level: "off" }, ...extra }), { mount })
}

function errorCode(res) {
  assert.equal(res.status, 302, "the browser is redirected, never given a 5xx")
  return new URL(res.headers.get("location"), "http://x").searchParams.get("code")
}

function noSession(res) {
  assert.ok(!res.headers.getSetCookie().some((c) => /^aura-auth\.session/.test(c) && !/Max-Age=0/.test(c)), "no session cookie")
}

async function signInWith(callbacks, provider = "oidc") {
  const app = await appWith({ callbacks })
  try {
    const jar = new CookieJar()
    const { res } = await signIn(app, jar, provider, { username: "mallory" })
    return { res, authenticated: (await sessionOf(app, jar)).body.authenticated }
  } finally {
    await app.close()
  }
}

describe("finding 1: a signIn hook lets a user in only by returning true", () => {
  for (const [name, result] of [
    ["undefined", undefined],
    ["null", null],
    ["false", false],
    ["an empty string", ""],
  ]) {
    test(`finding 1: signIn returning ${name} refuses (ACCESS_DENIED)`, async () => {
      const { res, authenticated } = await signInWith({ signIn: async () => result })
      assert.equal(errorCode(res), "ACCESS_DENIED")
      noSession(res)
      assert.equal(authenticated, false)
    })
  }
  test("finding 1: an allowlist written as `if (allowed) return true` admits nobody else", async () => {
    const { res, authenticated } = await signInWith({
      signIn: ({ user }) => {
        if (user.sub === "alice") return true
      },
    })
    assert.equal(errorCode(res), "ACCESS_DENIED")
    assert.equal(authenticated, false)
  })
  for (const [name, result] of [
    ["a number", 1],
    ["an object", { ok: true }],
    ["a function", () => true],
    ["an array", [true]],
  ]) {
    test(`finding 1: signIn returning ${name} is CALLBACK_ERROR`, async () => {
      const { res, authenticated } = await signInWith({ signIn: () => result })
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      noSession(res)
      assert.equal(authenticated, false)
    })
  }
  test("finding 1: signIn returning true signs in", async () => {
    const { res, authenticated } = await signInWith({ signIn: () => true })
    assert.equal(res.headers.get("location"), "/dashboard")
    assert.equal(authenticated, true)
  })
  for (const [name, result] of [
    ["undefined", undefined],
    ["null", null],
    ["a string", "session"],
  ]) {
    test(`finding 1: session returning ${name} at sign-in is CALLBACK_ERROR`, async () => {
      const { res, authenticated } = await signInWith({ session: () => result })
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      assert.equal(authenticated, false)
    })
  }
  for (const [name, result] of [
    ["undefined", undefined],
    ["null", null],
    ["a number", 7],
  ]) {
    test(`finding 1: redirect returning ${name} is CALLBACK_ERROR (never a silent default)`, async () => {
      const { res, authenticated } = await signInWith({ redirect: () => result })
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      assert.equal(authenticated, false)
    })
  }
  test("finding 1: a profile function returning nothing is CALLBACK_ERROR", async () => {
    const app = await startApp((origin) => ({
      oauth: world.providers().map((p) => (p.id === "github" ? { ...p, profile: () => undefined } : p)),
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
      logger: { level: "off" },
    }))
    try {
      const jar = new CookieJar()
      const { res } = await signIn(app, jar, "github")
      assert.equal(errorCode(res), "CALLBACK_ERROR")
      assert.equal((await sessionOf(app, jar)).body.authenticated, false)
    } finally {
      await app.close()
    }
  })
})

/** Captures the core's log entries. */
function capture() {
  const entries = []
  return { entries, logger: { level: "debug", log: (e) => entries.push(e) } }
}

const ghWith = (extra) => world.providers().map((p) => (p.id === "github" ? { ...p, ...extra } : p))
const oidcWith = (extra) => world.providers().map((p) => (p.id === "oidc" ? { ...p, ...extra } : p))
const base = { secret: SECRET, salt: SALT, baseURL: "http://127.0.0.1:1", logger: { level: "off" } }
const creds = { clientId: "id", clientSecret: "secret" }

describe("finding 3: revokeTokens and federated sign-out work, or createAuth refuses", () => {
  test("finding 3: revokeTokens on a provider without a revocation endpoint is REVOCATION_UNSUPPORTED at createAuth", () => {
    assert.throws(() => lib.createAuth({ ...base, oauth: ghWith({ storeTokens: true, revokeTokens: true }) }), (e) => e.code === "REVOCATION_UNSUPPORTED" && /revocationURL/.test(e.message))
    assert.throws(() => lib.createAuth({ ...base, oauth: [{ id: "linkedin", ...creds, storeTokens: true, revokeTokens: true }] }), (e) => e.code === "REVOCATION_UNSUPPORTED")
  })
  test("finding 3: federatedSignOut on a provider without an end-session endpoint is FEDERATED_SIGNOUT_UNSUPPORTED at createAuth", () => {
    assert.throws(() => lib.createAuth({ ...base, oauth: [{ id: "google", ...creds, federatedSignOut: true }] }), (e) => e.code === "FEDERATED_SIGNOUT_UNSUPPORTED" && /endSessionURL/.test(e.message))
    assert.throws(() => lib.createAuth({ ...base, oauth: ghWith({ federatedSignOut: true }) }), (e) => e.code === "FEDERATED_SIGNOUT_UNSUPPORTED")
  })
  test("finding 3: built-ins carry their recorded revocation and end-session URLs; discovery-based providers and explicit URLs are accepted", () => {
    for (const oauth of [
      [{ id: "google", ...creds, storeTokens: true, revokeTokens: true }],
      [{ id: "discord", ...creds, storeTokens: true, revokeTokens: true }],
      [{ id: "microsoft-entra-id", ...creds, federatedSignOut: true }],
      oidcWith({ storeTokens: true, revokeTokens: true, federatedSignOut: true }),
      ghWith({ storeTokens: true, revokeTokens: true, revocationURL: "https://github.example/revoke" }),
    ]) {
      assert.ok(lib.createAuth({ ...base, oauth }), JSON.stringify(oauth.map((p) => p.id)))
    }
    // A built-in pointed at another host loses its own revocation URL.
    assert.throws(() => lib.createAuth({ ...base, oauth: [{ id: "gitlab", ...creds, authorizationURL: "https://git.example/oauth/authorize", tokenURL: "https://git.example/oauth/token", storeTokens: true, revokeTokens: true }] }), (e) => e.code === "REVOCATION_UNSUPPORTED")
  })
  test("finding 3: signOut({ federated: true }) for a provider without federatedSignOut signs out here and says so (warning)", async () => {
    const log = capture()
    const app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, logger: log.logger }))
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "oidc", { username: "nora" })
      const { csrfToken } = await (await go(jar, `${app.base}/csrfToken`)).json()
      const out = await go(jar, `${app.base}/signOut`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": csrfToken }, body: JSON.stringify({ federated: true, redirectTo: "/bye" }) })
      assert.equal(out.status, 200)
      assert.equal((await out.json()).url, "/bye")
      assert.equal((await sessionOf(app, jar)).body.authenticated, false)
      assert.ok(log.entries.some((e) => e.code === "FEDERATED_SIGNOUT_NOT_CONFIGURED" && e.level === "warn"))
    } finally {
      await app.close()
    }
  })
})

describe("finding 4: the CSRF cookie is cleared at every sign-in", () => {
  test("finding 4: the callback always sends the CSRF clearing cookie (the Strict cookie never comes with the cross-site callback)", async () => {
    const app = await appWith({})
    try {
      const jar = new CookieJar()
      const { res } = await signIn(app, jar, "github")
      assert.equal(res.status, 302)
      assert.ok(res.headers.getSetCookie().some((c) => /^aura-auth\.csrf=;/.test(c) && /Max-Age=0/.test(c)))
    } finally {
      await app.close()
    }
  })
})

describe("finding 7: the hook timeout is capped so the hand-off ticket outlives the hooks", () => {
  test("finding 7: callbacks.timeoutMs above 60000 is HOOK_TIMEOUT_TOO_LONG at createAuth; 60000 is accepted", () => {
    assert.throws(() => lib.createAuth({ ...base, oauth: world.providers(), callbacks: { timeoutMs: 60_001, signIn: () => true } }), (e) => e.code === "HOOK_TIMEOUT_TOO_LONG")
    assert.throws(() => lib.createAuth({ ...base, oauth: world.providers(), callbacks: { timeoutMs: 600_000 } }), (e) => e.code === "HOOK_TIMEOUT_TOO_LONG")
    assert.ok(lib.createAuth({ ...base, oauth: world.providers(), callbacks: { timeoutMs: 60_000, signIn: () => true } }))
  })
})

describe("finding 9: one cookie budget for the session and the token cookie", () => {
  test("finding 9: a sign-in clears every provider's token cookie (another provider's tokens do not survive it)", async () => {
    const app = await startApp((origin) => ({ oauth: world.providers().map((p) => ({ ...p, storeTokens: true })), baseURL: origin, secret: SECRET, salt: SALT, logger: { level: "off" } }))
    try {
      const jar = new CookieJar()
      const first = await signIn(app, jar, "oidc", { username: "olga" })
      assert.ok(first.res.headers.getSetCookie().some((c) => /^aura-auth\.tokens\.oidc=[^;]/.test(c)))
      const { res } = await signIn(app, jar, "github")
      const lines = res.headers.getSetCookie()
      assert.ok(lines.some((c) => /^aura-auth\.tokens\.oidc=;/.test(c)), "the other provider's tokens are cleared")
      assert.ok(lines.some((c) => /^aura-auth\.tokens\.github=[^;]/.test(c)))
      assert.ok(lines.at(-1).startsWith("aura-auth.session="), "the session comes last")
    } finally {
      await app.close()
    }
  })
  test("finding 9: tokens that do not fit beside a large session are not stored (TOKENS_TOO_LARGE) and stale ones are cleared", async () => {
    const log = capture()
    const big = "x".repeat(5300)
    const app = await startApp((origin) => ({
      oauth: world.providers().map((p) => ({ ...p, storeTokens: true })),
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
      logger: log.logger,
      callbacks: { session: ({ session, user }) => (user.sub === "pia" ? { ...session, notes: big } : session) },
    }))
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "oidc", { username: "quinn" })
      const { res } = await signIn(app, jar, "oidc", { username: "pia" })
      const lines = res.headers.getSetCookie()
      assert.ok(!lines.some((c) => /^aura-auth\.tokens\.oidc(\.\d)?=[^;]/.test(c)), "no token cookie is set")
      assert.ok(lines.some((c) => /^aura-auth\.tokens\.oidc=;/.test(c)), "the stale token cookie is cleared")
      assert.ok(log.entries.some((e) => e.code === "TOKENS_TOO_LARGE"))
      const header = jar.header(app.base)
      assert.ok(header.length < 8000, `Cookie header ${header.length} bytes`)
      assert.equal((await sessionOf(app, jar)).body.session.notes.length, 5300)
    } finally {
      await app.close()
    }
  })
  test("finding 9: the token cookie's Max-Age rolls with the session", async () => {
    const app = await startApp((origin) => ({ oauth: world.providers().map((p) => ({ ...p, storeTokens: true })), baseURL: origin, secret: SECRET, salt: SALT, logger: { level: "off" }, session: { maxAge: 3600, updateAge: 0 } }))
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "github")
      const res = await go(jar, `${app.base}/session`)
      const lines = res.headers.getSetCookie()
      const tokens = lines.find((c) => /^aura-auth\.tokens\.github=[^;]/.test(c))
      assert.ok(tokens, "the token cookie is re-sent")
      assert.match(tokens, /Max-Age=3600/)
      assert.ok(lines.some((c) => /^aura-auth\.session=[^;]/.test(c)))
    } finally {
      await app.close()
    }
  })
})

describe("finding 11: npm publish cannot ship a dirty tree or a local addon", () => {
  const { execFileSync, spawnSync } = require("node:child_process")
  const fs = require("node:fs")
  const os = require("node:os")
  const path = require("node:path")
  const root = path.resolve(import.meta.dirname, "..")
  const check = path.join(root, "scripts/prepublish-check.mjs")
  test("finding 11: prepublishOnly runs the check", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
    assert.equal(pkg.scripts.prepublishOnly, "node scripts/prepublish-check.mjs")
  })
  test("finding 11: the check refuses a dirty tree and a stray aura-auth.node, and passes a clean commit", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aura-publish-"))
    try {
      const git = (...args) => execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: dir, stdio: "ignore" })
      const run = () => spawnSync(process.execPath, [check], { cwd: dir, encoding: "utf8" })
      git("init", "-q")
      fs.writeFileSync(path.join(dir, "package.json"), "{}\n")
      fs.writeFileSync(path.join(dir, ".gitignore"), "*.node\n")
      let r = run()
      assert.equal(r.status, 1)
      assert.match(r.stderr, /uncommitted or untracked/)
      git("add", "-A")
      git("commit", "-qm", "x")
      assert.equal(run().status, 0, "a clean commit publishes")
      fs.writeFileSync(path.join(dir, "aura-auth.node"), "")
      r = run()
      assert.equal(r.status, 1)
      assert.match(r.stderr, /aura-auth\.node would ship/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe("finding 12: info items", () => {
  test("finding 12: profile functions are kept in a Map (a provider id `constructor` never finds Object.prototype.constructor)", async () => {
    const [oidc, gh] = world.providers()
    const app = await startApp((origin) => ({
      oauth: [oidc, { ...oidc, id: "constructor" }, gh, { ...oidc, id: "shaped", profile: () => ({ name: "Shaped" }) }],
      baseURL: origin,
      secret: SECRET,
      salt: SALT,
      logger: { level: "off" },
      callbacks: { signIn: () => true },
    }))
    try {
      const plain = new CookieJar()
      await signIn(app, plain, "oidc", { username: "rita" })
      const expected = (await sessionOf(app, plain)).body.session.user
      const jar = new CookieJar()
      const { authorizeUrl } = await startSignIn(app, jar, "constructor")
      const { callbackUrl } = await completeOidcLogin(authorizeUrl, { username: "rita" })
      const res = await go(jar, callbackUrl)
      assert.equal(res.headers.get("location"), "/dashboard")
      const user = (await sessionOf(app, jar)).body.session.user
      assert.equal(user.provider, "constructor")
      assert.deepEqual({ ...user, provider: "oidc" }, expected, "no profile function ran for `constructor`")
      const shaped = new CookieJar()
      const started = await startSignIn(app, shaped, "shaped")
      await go(shaped, (await completeOidcLogin(started.authorizeUrl, { username: "rita" })).callbackUrl)
      assert.equal((await sessionOf(app, shaped)).body.session.user.name, "Shaped")
    } finally {
      await app.close()
    }
  })
})
