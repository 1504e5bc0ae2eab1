// Users, accounts and sessions in a database (SPEC §11, issue 17), against real engines: SQLite
// files in a temp folder, and a real PostgreSQL started by the test (fixtures/postgres.mjs), with
// the real OpenID provider and the GitHub-shaped server signing people in.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { mkdtempSync, rmSync, existsSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { spawnSync } from "node:child_process"
import { startProviders, startApp, signIn, sessionOf, signOut, go, CookieJar, SECRET, SALT, lib } from "./helpers/world.mjs"
import { startPostgres } from "./fixtures/postgres.mjs"

const root = path.resolve(import.meta.dirname, "..")
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

let world
let tmp
before(async () => {
  world = await startProviders()
  tmp = mkdtempSync(path.join(tmpdir(), "aura-db-test-"))
})
after(async () => {
  await world.close()
  rmSync(tmp, { recursive: true, force: true })
})

let n = 0
/** A fresh SQLite file URL (its folder does not exist yet: the store creates it). */
const sqliteUrl = () => `sqlite:${path.join(tmp, `db${++n}`, "nested", "auth.db")}`

function appWith(database, extra = {}) {
  return startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, database, logger: { level: "off" }, ...extra }))
}

const headersOf = (app, jar) => ({ headers: { cookie: jar.header(app.base) } })

function errorCode(res) {
  assert.equal(res.status, 302, "the browser is redirected, never given a 5xx")
  return new URL(res.headers.get("location"), "http://x").searchParams.get("code")
}

async function csrfOf(app, jar) {
  const res = await go(jar, `${app.base}/csrfToken`)
  return (await res.json()).csrfToken
}

async function postRevoke(app, jar, body, { csrf = true } = {}) {
  const headers = { "content-type": "application/json", origin: app.origin }
  if (csrf) headers["x-csrf-token"] = await csrfOf(app, jar)
  return go(jar, `${app.base}/sessions/revoke`, { method: "POST", headers, body: JSON.stringify(body) })
}

/** Polls until `check()` is true (a revocation travelling between instances); fails after `ms`. */
async function eventually(check, ms = 5000, what = "condition") {
  const until = Date.now() + ms
  for (;;) {
    if (await check()) return
    if (Date.now() > until) assert.fail(`${what} did not happen within ${ms} ms`)
    await sleep(25)
  }
}

describe("SQLite (embedded default): users, accounts, sessions", () => {
  let app
  let url
  before(async () => {
    url = sqliteUrl()
    app = await appWith(url, { account: { linking: { trustedProviders: [] } } })
  })
  after(() => app.close())

  test("first use creates the file and its folder; sign-in creates a user and session.user.id is its id", async () => {
    const jar = new CookieJar()
    const { res } = await signIn(app, jar, "oidc", { username: "ada" })
    assert.equal(res.headers.get("location"), "/dashboard")
    assert.ok(existsSync(url.slice("sqlite:".length)), "the SQLite file exists")
    const s = await app.auth.api.getSession(headersOf(app, jar))
    assert.equal(s.authenticated, true)
    assert.equal(s.session.user.sub, "ada")
    assert.equal(s.session.user.provider, "oidc")
    assert.match(s.session.user.id, /^[A-Za-z0-9_-]{22}$/)
    // A second sign-in with the same account finds the same user.
    const again = new CookieJar()
    await signIn(app, again, "oidc", { username: "ada" })
    const s2 = await app.auth.api.getSession(headersOf(app, again))
    assert.equal(s2.session.user.id, s.session.user.id)
    // GET /session reads the same.
    assert.equal((await sessionOf(app, jar)).body.session.user.id, s.session.user.id)
  })

  test("sessions are rows: listSessions and GET /sessions mark the current one; ids are public handles, not the cookie", async () => {
    const a = new CookieJar()
    const b = new CookieJar()
    await signIn(app, a, "oidc", { username: "grace" })
    await go(b, app.base) // a second browser
    await signIn(app, b, "oidc", { username: "grace" })
    const listed = await app.auth.api.listSessions(headersOf(app, a))
    assert.equal(listed.sessions.length, 2)
    const current = listed.sessions.filter((s) => s.current)
    assert.equal(current.length, 1)
    for (const s of listed.sessions) {
      assert.match(s.id, /^[A-Za-z0-9_-]{22}$/)
      assert.ok(!a.header(app.base).includes(s.id), "the public id is not readable from the cookie")
      for (const f of ["createdAt", "lastSeenAt", "expiresAt"]) assert.match(s[f], /^\d{4}-\d\d-\d\dT/)
      assert.equal(s.ip, "127.0.0.1")
      assert.equal(typeof s.userAgent, "string")
    }
    const res = await go(b, `${app.base}/sessions`)
    assert.equal(res.status, 200)
    assert.equal(res.headers.get("cache-control"), "no-store")
    const body = await res.json()
    assert.equal(body.sessions.length, 2)
    assert.notEqual(body.sessions.find((s) => s.current).id, current[0].id, "each browser sees its own as current")
  })

  test("revokeSession ends another device at once: it reads as signed out (api and GET /session)", async () => {
    const phone = new CookieJar()
    const laptop = new CookieJar()
    await signIn(app, phone, "oidc", { username: "linus" })
    await signIn(app, laptop, "oidc", { username: "linus" })
    const { sessions } = await app.auth.api.listSessions(headersOf(app, laptop))
    const phoneSession = sessions.find((s) => !s.current)
    const out = await app.auth.api.revokeSession({ ...headersOf(app, laptop), sessionId: phoneSession.id })
    assert.deepEqual(out, { ok: true, revoked: 1 })
    assert.equal((await app.auth.api.getSession(headersOf(app, phone))).authenticated, false)
    assert.equal((await sessionOf(app, phone)).body.authenticated, false)
    assert.equal((await app.auth.api.getSession(headersOf(app, laptop))).authenticated, true)
    // An unknown (or another user's) session id: SESSION_NOT_FOUND, nothing ended.
    await assert.rejects(app.auth.api.revokeSession({ ...headersOf(app, laptop), sessionId: "AAAAAAAAAAAAAAAAAAAAAA" }), { code: "SESSION_NOT_FOUND" })
  })

  test("a user cannot end another user's session (scoped to the caller)", async () => {
    const mallory = new CookieJar()
    const victim = new CookieJar()
    await signIn(app, mallory, "oidc", { username: "mallory" })
    await signIn(app, victim, "oidc", { username: "victim" })
    const victimId = (await app.auth.api.listSessions(headersOf(app, victim))).sessions[0].id
    const res = await postRevoke(app, mallory, { sessionId: victimId })
    assert.equal(res.status, 404)
    assert.equal((await res.json()).error.code, "SESSION_NOT_FOUND")
    assert.equal((await sessionOf(app, victim)).body.authenticated, true)
  })

  test("POST /sessions/revoke needs the CSRF token (as sign-out); { others: true } keeps this browser", async () => {
    const a = new CookieJar()
    const b = new CookieJar()
    const c = new CookieJar()
    for (const jar of [a, b, c]) await signIn(app, jar, "oidc", { username: "margaret" })
    const refused = await postRevoke(app, a, { others: true }, { csrf: false })
    assert.equal(refused.status, 403)
    assert.equal((await refused.json()).error.code, "CSRF_TOKEN_INVALID")
    const cross = await go(a, `${app.base}/sessions/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": await csrfOf(app, a), origin: "http://evil.example" },
      body: JSON.stringify({ others: true }),
    })
    assert.equal(cross.status, 403)
    const res = await postRevoke(app, a, { others: true })
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { ok: true, revoked: 2 })
    assert.equal((await sessionOf(app, a)).body.authenticated, true)
    assert.equal((await sessionOf(app, b)).body.authenticated, false)
    assert.equal((await sessionOf(app, c)).body.authenticated, false)
    const bad = await postRevoke(app, a, { nothing: 1 })
    assert.equal(bad.status, 400)
  })

  test("revoking this browser's own session signs it out and clears its cookie", async () => {
    const a = new CookieJar()
    await signIn(app, a, "oidc", { username: "ken" })
    const own = (await app.auth.api.listSessions(headersOf(app, a))).sessions[0].id
    const res = await postRevoke(app, a, { sessionId: own })
    assert.equal(res.status, 200)
    assert.ok(res.headers.getSetCookie().some((c) => /^aura-auth\.session=;/.test(c) && /Max-Age=0/.test(c)))
  })

  test("sign-out deletes the row (and its copies elsewhere read as signed out)", async () => {
    const a = new CookieJar()
    const other = new CookieJar()
    await signIn(app, a, "oidc", { username: "barbara" })
    await signIn(app, other, "oidc", { username: "barbara" })
    const copied = a.header(app.base) // the cookie, copied before sign-out
    assert.equal((await app.auth.api.listSessions(headersOf(app, other))).sessions.length, 2)
    const res = await signOut(app, a)
    assert.equal(res.status, 200)
    assert.equal((await app.auth.api.listSessions(headersOf(app, other))).sessions.length, 1)
    assert.equal((await app.auth.api.getSession({ headers: { cookie: copied } })).authenticated, false, "a replayed copy of the cookie is signed out")
  })

  test("revokeUserSessions(userId) ends every session of the user (an admin's ban)", async () => {
    const a = new CookieJar()
    const b = new CookieJar()
    await signIn(app, a, "oidc", { username: "banned" })
    await signIn(app, b, "oidc", { username: "banned" })
    const userId = (await app.auth.api.getSession(headersOf(app, a))).session.user.id
    assert.deepEqual(await app.auth.api.revokeUserSessions(userId), { ok: true, revoked: 2 })
    assert.equal((await app.auth.api.getSession(headersOf(app, a))).authenticated, false)
    assert.equal((await app.auth.api.getSession(headersOf(app, b))).authenticated, false)
    // Signed-out callers get UNAUTHENTICATED from the per-user API.
    await assert.rejects(app.auth.api.listSessions(headersOf(app, a)), { code: "UNAUTHENTICATED" })
  })

  test("a stateless cookie (minted without the database) reads as signed out once a database is configured", async () => {
    const stateless = lib.createAuth({ oauth: world.providers(), baseURL: app.origin, secret: SECRET, salt: SALT })
    const cookie = stateless.internal.sealSessionForTesting({ sub: "x", provider: "oidc" })
    assert.equal((await stateless.api.getSession({ headers: { cookie } })).authenticated, true)
    assert.equal((await app.auth.api.getSession({ headers: { cookie } })).authenticated, false)
  })
})

describe("rolling sessions move the row", () => {
  test("a re-issued cookie (GET /session past updateAge) updates lastSeenAt and expiresAt", async () => {
    const app = await appWith(sqliteUrl(), { session: { updateAge: 0 } })
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "oidc", { username: "rolf" })
      const [first] = (await app.auth.api.listSessions(headersOf(app, jar))).sessions
      await sleep(1100) // times are whole seconds
      const res = await go(jar, `${app.base}/session`)
      assert.equal(res.status, 200)
      assert.ok(res.headers.getSetCookie().some((c) => c.startsWith("aura-auth.session=")), "the cookie rolled")
      const [after] = (await app.auth.api.listSessions(headersOf(app, jar))).sessions
      assert.equal(after.id, first.id)
      assert.ok(after.lastSeenAt > first.lastSeenAt, `${after.lastSeenAt} > ${first.lastSeenAt}`)
      assert.ok(after.expiresAt > first.expiresAt)
      assert.equal(after.createdAt, first.createdAt)
    } finally {
      await app.close()
    }
  })
})

describe("account linking (SPEC §11): by email only when safe", () => {
  let app
  before(async () => {
    app = await appWith(sqliteUrl())
  })
  after(async () => {
    world.github.setUser(null)
    world.github.setEmails(null)
    await app.close()
  })

  test("rule: a verified email from the provider links to a user whose email is verified", async () => {
    // oidc "mona" has mona@example.test, verified by the OpenID provider.
    const a = new CookieJar()
    await signIn(app, a, "oidc", { username: "mona" })
    const userId = (await app.auth.api.getSession(headersOf(app, a))).session.user.id
    world.github.setUser({ id: 777, login: "mona", email: null })
    world.github.setEmails([{ email: "Mona@Example.test", primary: true, verified: true, visibility: "private" }])
    const b = new CookieJar()
    const { res } = await signIn(app, b, "github")
    assert.equal(res.headers.get("location"), "/dashboard")
    const s = await app.auth.api.getSession(headersOf(app, b))
    assert.equal(s.session.user.id, userId, "the same user")
    assert.equal(s.session.user.provider, "github")
    const { accounts } = await app.auth.api.listAccounts(headersOf(app, b))
    assert.deepEqual(accounts.map((x) => x.provider).sort(), ["github", "oidc"])
  })

  test("rule: an unverified email never links: ACCOUNT_NOT_LINKED on the error page, with a sentence", async () => {
    const a = new CookieJar()
    await signIn(app, a, "oidc", { username: "nora" })
    world.github.setUser({ id: 778, login: "nora", email: null })
    world.github.setEmails([{ email: "nora@example.test", primary: true, verified: false, visibility: "private" }])
    const b = new CookieJar()
    const { res } = await signIn(app, b, "github")
    assert.equal(errorCode(res), "ACCOUNT_NOT_LINKED")
    assert.equal((await sessionOf(app, b)).body.authenticated, false)
    const page = await go(b, new URL(res.headers.get("location"), app.origin).href)
    const html = await page.text()
    assert.match(html, /sign in the way you did before/i)
    assert.equal((await app.auth.api.listAccounts(headersOf(app, a))).accounts.length, 1, "nothing was linked")
  })

  test("signIn(provider, { link: true }) links another provider to the signed-in user; unlink refuses the last (LAST_ACCOUNT)", async () => {
    const a = new CookieJar()
    await signIn(app, a, "oidc", { username: "olga" })
    const userId = (await app.auth.api.getSession(headersOf(app, a))).session.user.id
    world.github.setUser({ id: 779, login: "olga-gh", email: null })
    world.github.setEmails([{ email: "someone-else@example.test", primary: true, verified: false, visibility: "private" }])
    // The client's signIn(..., { link: true }) asks for `link=true`.
    const start = await go(a, `${app.base}/signIn/github?redirect=false&link=true&redirectTo=/account`)
    assert.equal(start.status, 200)
    const { url } = await start.json()
    const back = await fetch(url, { redirect: "manual" })
    const res = await go(a, back.headers.get("location"))
    assert.equal(res.headers.get("location"), "/account")
    const s = await app.auth.api.getSession(headersOf(app, a))
    assert.equal(s.session.user.id, userId)
    let { accounts } = await app.auth.api.listAccounts(headersOf(app, a))
    assert.deepEqual(accounts.map((x) => x.provider).sort(), ["github", "oidc"])
    // The old session (replaced by the linking sign-in) is gone: one row.
    assert.equal((await app.auth.api.listSessions(headersOf(app, a))).sessions.length, 1)
    assert.deepEqual(await app.auth.api.unlinkAccount({ ...headersOf(app, a), provider: "oidc" }), { ok: true })
    await assert.rejects(app.auth.api.unlinkAccount({ ...headersOf(app, a), provider: "github" }), { code: "LAST_ACCOUNT" })
    ;({ accounts } = await app.auth.api.listAccounts(headersOf(app, a)))
    assert.deepEqual(accounts.map((x) => x.provider), ["github"])
  })

  test("linking without a signed-in user is refused (401 LINK_NEEDS_SESSION)", async () => {
    const res = await go(new CookieJar(), `${app.base}/signIn/github?redirect=false&link=true`)
    assert.equal(res.status, 401)
    assert.equal((await res.json()).error.code, "LINK_NEEDS_SESSION")
  })

  test("an account already linked to another user is not moved (ACCOUNT_ALREADY_LINKED)", async () => {
    world.github.setUser({ id: 780, login: "pat", email: null })
    world.github.setEmails([{ email: "pat@gh.example.test", primary: true, verified: true, visibility: "private" }])
    const owner = new CookieJar()
    await signIn(app, owner, "github")
    const other = new CookieJar()
    await signIn(app, other, "oidc", { username: "quentin" })
    const start = await go(other, `${app.base}/signIn/github?link=true`)
    const back = await fetch(start.headers.get("location"), { redirect: "manual" })
    const res = await go(other, back.headers.get("location"))
    assert.equal(errorCode(res), "ACCOUNT_ALREADY_LINKED")
  })
})

describe("trustedProviders: a trusted provider's verified email links to an unverified user email", () => {
  let strict
  let trusting
  before(async () => {
    const url = sqliteUrl()
    strict = await appWith(url)
    trusting = await appWith(url, { account: { linking: { trustedProviders: ["github"] } } })
  })
  after(async () => {
    world.github.setUser(null)
    world.github.setEmails(null)
    await strict.close()
    await trusting.close()
  })

  test("unknown trusted provider ids are refused at createAuth", () => {
    assert.throws(() => lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, database: "sqlite::memory:", account: { linking: { trustedProviders: ["nope"] } } }), { code: "INVALID_ACCOUNT_LINKING" })
  })

  test("github (trusted, verified) links to a user created by github earlier with an unverified email", async () => {
    // A user whose email is not verified: created by github when its address was unverified.
    world.github.setUser({ id: 900, login: "sam", email: null })
    world.github.setEmails([{ email: "sam@example.test", primary: true, verified: false, visibility: "private" }])
    const first = new CookieJar()
    await signIn(strict, first, "github")
    const userId = (await strict.auth.api.getSession(headersOf(strict, first))).session.user.id
    // Another github account with that address, now verified: strict refuses, trusting links.
    world.github.setUser({ id: 901, login: "sam2", email: null })
    world.github.setEmails([{ email: "sam@example.test", primary: true, verified: true, visibility: "private" }])
    const refused = await signIn(strict, new CookieJar(), "github")
    assert.equal(errorCode(refused.res), "ACCOUNT_NOT_LINKED")
    const jar = new CookieJar()
    const { res } = await signIn(trusting, jar, "github")
    assert.equal(res.headers.get("location"), "/dashboard")
    assert.equal((await trusting.auth.api.getSession(headersOf(trusting, jar))).session.user.id, userId)
  })
})

describe("hooks and events with a database", () => {
  let app
  const seen = []
  const events = []
  before(async () => {
    app = await appWith(sqliteUrl(), {
      callbacks: {
        signIn: ({ user, isNewUser }) => {
          seen.push({ id: user.id, isNewUser })
          return true
        },
        session: ({ session, user, isNewUser }) => ({ ...session, user: { ...session.user, id: "forged", welcome: isNewUser } }),
      },
      events: {
        createUser: (p) => events.push(["createUser", p]),
        linkAccount: (p) => events.push(["linkAccount", p]),
        signIn: (p) => events.push(["signIn", p]),
      },
    })
  })
  after(() => app.close())

  test("isNewUser is true on the first sign-in only; hooks see user.id; a hook cannot change the id", async () => {
    const a = new CookieJar()
    await signIn(app, a, "oidc", { username: "tess" })
    const s = await app.auth.api.getSession(headersOf(app, a))
    assert.equal(s.session.user.welcome, true)
    assert.notEqual(s.session.user.id, "forged")
    assert.equal(seen[0].id, s.session.user.id)
    assert.equal(seen[0].isNewUser, true)
    const b = new CookieJar()
    await signIn(app, b, "oidc", { username: "tess" })
    assert.equal(seen[1].isNewUser, false)
    assert.equal((await app.auth.api.getSession(headersOf(app, b))).session.user.welcome, false)
    await eventually(() => events.some(([n]) => n === "createUser"), 2000, "createUser event")
    const created = events.filter(([n]) => n === "createUser")
    assert.equal(created.length, 1)
    assert.equal(created[0][1].user.id, s.session.user.id)
    assert.equal(created[0][1].user.email, "tess@example.test")
  })

  test("linkAccount fires when an account joins an existing user", async () => {
    const a = new CookieJar()
    await signIn(app, a, "oidc", { username: "uma" })
    world.github.setUser({ id: 950, login: "uma", email: null })
    world.github.setEmails([{ email: "uma@example.test", primary: true, verified: true, visibility: "private" }])
    await signIn(app, new CookieJar(), "github")
    world.github.setUser(null)
    world.github.setEmails(null)
    await eventually(() => events.some(([n]) => n === "linkAccount"), 2000, "linkAccount event")
    const [, payload] = events.find(([n]) => n === "linkAccount")
    assert.equal(payload.account.provider, "github")
    assert.equal(payload.account.providerAccountId, "950")
  })
})

describe("deleteUser, and two processes on one SQLite file", () => {
  test("api.deleteUser removes the user, its accounts and sessions (signed out at once)", async () => {
    const app = await appWith(sqliteUrl())
    try {
      const a = new CookieJar()
      await signIn(app, a, "oidc", { username: "vera" })
      const userId = (await app.auth.api.getSession(headersOf(app, a))).session.user.id
      assert.deepEqual(await app.auth.api.deleteUser(userId), { ok: true, deleted: true })
      assert.equal((await app.auth.api.getSession(headersOf(app, a))).authenticated, false)
      assert.deepEqual(await app.auth.api.deleteUser(userId), { ok: true, deleted: false })
      // Signing in again makes a new user.
      await signIn(app, a, "oidc", { username: "vera" })
      assert.notEqual((await app.auth.api.getSession(headersOf(app, a))).session.user.id, userId)
    } finally {
      await app.close()
    }
  })

  test("revoked on instance A, signed out on instance B (same file, polling the revision counter)", async () => {
    const url = sqliteUrl()
    const a = await appWith(url)
    const b = await appWith(url)
    try {
      const jar = new CookieJar()
      await signIn(a, jar, "oidc", { username: "wes" })
      const cookie = jar.header(a.base)
      assert.equal((await b.auth.api.getSession({ headers: { cookie } })).authenticated, true, "B reads A's session without a query")
      const userId = (await a.auth.api.getSession({ headers: { cookie } })).session.user.id
      await a.auth.api.revokeUserSessions(userId)
      await eventually(async () => !(await b.auth.api.getSession({ headers: { cookie } })).authenticated, 3000, "B seeing the revocation")
    } finally {
      await a.close()
      await b.close()
    }
  })
})

describe("migrations: migrate: false refuses; npx aura-auth migrate", () => {
  test("migrate: false on an empty database: sign-in lands on the error page (DATABASE_NOT_MIGRATED), the API names what is missing", async () => {
    const url = sqliteUrl()
    const app = await appWith({ url, migrate: false })
    try {
      const { res } = await signIn(app, new CookieJar(), "oidc", { username: "xena" })
      assert.equal(errorCode(res), "DATABASE_NOT_MIGRATED")
      const e = await app.auth.api.listSessions({ headers: {} }).catch((e) => e)
      assert.equal(e.code, "DATABASE_NOT_MIGRATED")
      assert.match(e.message, /0001_core/)
      assert.match(e.message, /npx aura-auth migrate/)
    } finally {
      await app.close()
    }
    // The CLI applies the migrations; then the same configuration works.
    const cli = spawnSync(process.execPath, [path.join(root, "scripts/cli.mjs"), "migrate", "--database", url], { encoding: "utf8" })
    assert.equal(cli.status, 0, cli.stderr)
    assert.match(cli.stdout, /0001_core/)
    const again = spawnSync(process.execPath, [path.join(root, "scripts/cli.mjs"), "migrate"], { encoding: "utf8", env: { ...process.env, AURA_AUTH_DATABASE_URL: url } })
    assert.equal(again.status, 0, again.stderr)
    assert.match(again.stdout, /up to date/i)
    const app2 = await appWith({ url, migrate: false })
    try {
      const jar = new CookieJar()
      const { res } = await signIn(app2, jar, "oidc", { username: "xena" })
      assert.equal(res.headers.get("location"), "/dashboard")
    } finally {
      await app2.close()
    }
  })

  test("npx aura-auth migrate --print writes the schema for the engine and prefix, without connecting", () => {
    const pg = spawnSync(process.execPath, [path.join(root, "scripts/cli.mjs"), "migrate", "--print", "--database", "postgres://u:p@127.0.0.1:1/none", "--prefix", "app_"], { encoding: "utf8" })
    assert.equal(pg.status, 0, pg.stderr)
    assert.match(pg.stdout, /CREATE TABLE app_users/)
    assert.match(pg.stdout, /BOOLEAN/)
    const bad = spawnSync(process.execPath, [path.join(root, "scripts/cli.mjs"), "migrate", "--database", "mysql://x"], { encoding: "utf8" })
    assert.notEqual(bad.status, 0)
    assert.match(bad.stderr, /INVALID_DATABASE/)
  })

  test("bad database options fail at createAuth with a coded error", () => {
    for (const database of ["mysql://localhost/db", { url: "sqlite::memory:", tablePrefix: "Bad-Prefix" }, { url: "sqlite::memory:", nope: 1 }]) {
      assert.throws(() => lib.createAuth({ oauth: world.providers(), secret: SECRET, salt: SALT, database }), (e) => e.code === "INVALID_DATABASE" || e.code === "INVALID_CONFIG")
    }
  })
})

describe("without a database nothing changes", () => {
  test("no user id, no rows; GET /sessions is 404 DATABASE_REQUIRED; the API says so", async () => {
    const app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin, secret: SECRET, salt: SALT, logger: { level: "off" } }))
    try {
      const jar = new CookieJar()
      await signIn(app, jar, "oidc", { username: "yuri" })
      const s = await app.auth.api.getSession(headersOf(app, jar))
      assert.equal(s.session.user.sub, "yuri")
      assert.equal(s.session.user.id, undefined)
      const res = await go(jar, `${app.base}/sessions`)
      assert.equal(res.status, 404)
      assert.equal((await res.json()).error.code, "DATABASE_REQUIRED")
      await assert.rejects(app.auth.api.listSessions(headersOf(app, jar)), { code: "DATABASE_REQUIRED" })
      assert.equal((await signOut(app, jar)).status, 200)
    } finally {
      await app.close()
    }
  })
})

describe("Postgres: two instances, revocation everywhere, the database going away", () => {
  let pg
  let url
  let a
  let b
  before(async () => {
    pg = await startPostgres()
    url = await pg.createDatabase("aura_test")
    a = await appWith(url)
    b = await appWith(url)
  })
  after(async () => {
    await a?.close()
    await b?.close()
    await pg?.close()
  })

  test("the schema is created on first use (two instances racing apply each migration once)", async () => {
    const jars = [new CookieJar(), new CookieJar()]
    await Promise.all([signIn(a, jars[0], "oidc", { username: "zoe" }), signIn(b, jars[1], "oidc", { username: "zack" })])
    // Each migration once (0001 and, with email and password, 0002: the count grows with them).
    assert.equal(await pg.sql("aura_test", "SELECT count(*) - count(DISTINCT version) FROM aura_migrations"), "0")
    assert.ok(Number(await pg.sql("aura_test", "SELECT count(*) FROM aura_migrations")) >= 1)
    assert.equal(await pg.sql("aura_test", "SELECT count(*) FROM aura_users"), "2")
    const tables = (await pg.sql("aura_test", "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = 'public'")).split(",")
    for (const t of ["aura_users", "aura_accounts", "aura_sessions", "aura_verifications", "aura_revocations", "aura_revision"]) assert.ok(tables.includes(t), t)
  })

  test("a session from A reads on B without a query; revoked on A, B reads it as signed out (LISTEN/NOTIFY)", async () => {
    const jar = new CookieJar()
    await signIn(a, jar, "oidc", { username: "amy" })
    const cookie = jar.header(a.base)
    assert.equal((await b.auth.api.getSession({ headers: { cookie } })).authenticated, true)
    const { sessions } = await b.auth.api.listSessions({ headers: { cookie } })
    assert.equal(sessions.length, 1)
    await a.auth.api.revokeSession({ headers: { cookie }, sessionId: sessions[0].id })
    await eventually(async () => !(await b.auth.api.getSession({ headers: { cookie } })).authenticated, 3000, "B seeing A's revocation")
    assert.equal(await pg.sql("aura_test", `SELECT count(*) FROM aura_sessions WHERE id = '${sessions[0].id}'`), "0")
  })

  test("sign-out on B deletes the row A lists", async () => {
    const jar = new CookieJar()
    const other = new CookieJar()
    await signIn(a, jar, "oidc", { username: "ben" })
    await signIn(a, other, "oidc", { username: "ben" })
    // B is the same app on another instance: the cookie signs out there.
    const signedOut = await signOut(b, jar)
    assert.equal(signedOut.status, 200)
    assert.equal((await a.auth.api.getSession(headersOf(a, jar))).authenticated, false)
    assert.equal((await b.auth.api.listSessions(headersOf(a, other))).sessions.length, 1)
  })

  test("Postgres killed mid-test: no 5xx, reads keep working, sign-in says DATABASE_UNAVAILABLE; after restart no row is lost and revocations catch up", async () => {
    const jar = new CookieJar()
    await signIn(a, jar, "oidc", { username: "cleo" })
    const cookie = jar.header(a.base)
    const before = await a.auth.api.listSessions({ headers: { cookie } })
    const warnings = []
    const origError = console.error
    console.error = (...args) => warnings.push(args.join(" "))
    await pg.crash()
    try {
      for (const app of [a, b]) {
        assert.equal((await app.auth.api.getSession({ headers: { cookie } })).authenticated, true, "reads keep working")
        const s = await go(jar, `${app.base}/session`)
        assert.equal(s.status, 200)
      }
      const { res } = await signIn(a, new CookieJar(), "oidc", { username: "dora" })
      assert.equal(errorCode(res), "DATABASE_UNAVAILABLE")
      const listed = await go(jar, `${a.base}/sessions`)
      assert.ok(listed.status < 500, `GET /sessions answered ${listed.status}`)
      assert.equal((await listed.json()).error.code, "DATABASE_UNAVAILABLE")
      await assert.rejects(a.auth.api.listSessions({ headers: { cookie } }), { code: "DATABASE_UNAVAILABLE" })
    } finally {
      console.error = origError
      await pg.start()
    }
    const after = await a.auth.api.listSessions({ headers: { cookie } })
    assert.deepEqual(after.sessions.map((s) => s.id), before.sessions.map((s) => s.id), "no session row lost")
    // New sign-ins work again, and revocations travel again (the listener reconnected).
    const again = new CookieJar()
    const { res } = await signIn(a, again, "oidc", { username: "dora" })
    assert.equal(res.headers.get("location"), "/dashboard")
    const c2 = again.header(a.base)
    const userId = (await a.auth.api.getSession({ headers: { cookie: c2 } })).session.user.id
    await a.auth.api.revokeUserSessions(userId)
    await eventually(async () => !(await b.auth.api.getSession({ headers: { cookie: c2 } })).authenticated, 8000, "B seeing a revocation after the restart")
  })
})
