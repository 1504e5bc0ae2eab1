// Email and password, verification, reset and magic links (SPEC §12, issue 18): each rule a named
// test, against real SQLite files (the `sqlite3` CLI reads them back), through node:http.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { scryptSync, randomBytes } from "node:crypto"
import { startApp, startProviders, signIn as oauthSignIn, go, CookieJar, lib, SECRET, SALT } from "./helpers/world.mjs"

const dirs = []
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function sqlite(file, sql) {
  return execFileSync("sqlite3", [file, sql], { encoding: "utf8" }).trim()
}

/**
 * Whether `file` contains `needle`, read in a child process: opening and closing the database
 * file in this process would drop SQLite's POSIX locks on it (they are per process).
 */
function fileHas(file, needle) {
  const script = "const fs=require('fs');let b;try{b=fs.readFileSync(process.argv[1])}catch{b=Buffer.alloc(0)};process.stdout.write(String(b.includes(process.argv[2])))"
  return execFileSync(process.execPath, ["-e", script, file, needle], { encoding: "utf8" }) === "true"
}

/** An app with email + password on a fresh SQLite file; `outbox` collects what email.send got. */
async function emailApp(extra = {}, { send } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "aura-creds-"))
  dirs.push(dir)
  const file = path.join(dir, "auth.db")
  const outbox = []
  const logs = []
  const app = await startApp((origin) => ({
    oauth: [],
    baseURL: origin,
    secret: SECRET,
    salt: SALT,
    database: `sqlite:${file}`,
    credentials: { enabled: true, ...(extra.credentials || {}) },
    magicLink: { enabled: true },
    email: { send: send ?? ((m) => void outbox.push(m)) },
    logger: { level: "warn", log: (e) => logs.push(e) },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== "credentials")),
  }))
  return Object.assign(app, { file, outbox, logs })
}

async function csrf(app, jar) {
  const res = await go(jar, `${app.base}/csrfToken`)
  return (await res.json()).csrfToken
}

/** A JSON POST to an email endpoint with the jar's CSRF token. */
async function post(app, jar, endpoint, body, headers = {}) {
  const token = await csrf(app, jar)
  const res = await go(jar, `${app.base}/${endpoint}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": token, ...headers },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { res, status: res.status, json, text }
}

async function sessionOf(app, jar) {
  const res = await go(jar, `${app.base}/session`)
  return (await res.json())
}

const delivered = () => new Promise((r) => setTimeout(r, 20))
const lastMail = async (app, kind, to) => {
  await delivered()
  const m = app.outbox.filter((x) => x.kind === kind && (!to || x.to === to)).at(-1)
  assert.ok(m, `a ${kind} mail to ${to}`)
  return m
}
const PW = "correct horse battery"

async function signUp(app, email, password = PW, jar = new CookieJar()) {
  const r = await post(app, jar, "signUp/email", { email, password, name: "Ada" })
  assert.equal(r.status, 200, r.text)
  return { ...r, jar }
}

async function signInEmail(app, email, password = PW, jar = new CookieJar()) {
  const r = await post(app, jar, "signIn/email", { email, password })
  return { ...r, jar }
}

describe("§12 configuration", () => {
  test("oauth: [] is valid when credentials or magic links are on", () => {
    const auth = lib.createAuth({ oauth: [], secret: SECRET, salt: SALT, database: "sqlite::memory:", credentials: { enabled: true } })
    assert.equal(typeof auth.handler, "function")
  })
  test("credentials without a database fail at createAuth with MISSING_DATABASE", () => {
    assert.throws(() => lib.createAuth({ oauth: [], secret: SECRET, salt: SALT, credentials: { enabled: true } }), (e) => e instanceof lib.AuraAuthError && e.code === "MISSING_DATABASE")
  })
  test("magic links without email.send fail with MISSING_EMAIL_SEND", () => {
    assert.throws(() => lib.createAuth({ oauth: [], secret: SECRET, salt: SALT, database: "sqlite::memory:", magicLink: { enabled: true } }), (e) => e.code === "MISSING_EMAIL_SEND")
  })
  test("argon2 parameters below the OWASP minimum are refused", () => {
    assert.throws(() => lib.createAuth({ oauth: [], secret: SECRET, salt: SALT, database: "sqlite::memory:", credentials: { enabled: true, argon2: { memoryKiB: 4096 } } }), (e) => e.code === "INVALID_CONFIG")
  })
})

describe("§12 passwords", () => {
  let app
  before(async () => {
    app = await emailApp()
  })
  after(() => app.close())

  test("sign-up then sign-in sets a session (provider credentials)", async () => {
    const up = await signUp(app, "ann@example.com")
    assert.equal(up.json.ok, true)
    const s1 = await sessionOf(app, up.jar)
    assert.equal(s1.authenticated, true)
    assert.equal(s1.session.user.email, "ann@example.com")
    assert.equal(s1.session.user.provider, "credentials")
    const { status, jar } = await signInEmail(app, "ANN@example.com ")
    assert.equal(status, 200)
    assert.equal((await sessionOf(app, jar)).session.user.email, "ann@example.com")
  })

  test("the database file holds no plaintext password, only an argon2id PHC string at m=19456,t=2,p=1", async () => {
    const pw = `plaintext-${randomBytes(8).toString("hex")}`
    await signUp(app, "phc@example.com", pw)
    assert.equal(fileHas(app.file, "phc@example.com") || fileHas(`${app.file}-wal`, "phc@example.com"), true, "the check can see what was written")
    assert.equal(fileHas(app.file, pw), false, "not in the database file")
    assert.equal(fileHas(`${app.file}-wal`, pw), false, "not in the write-ahead log")
    const hash = sqlite(app.file, "SELECT p.hash FROM aura_passwords p JOIN aura_users u ON u.id = p.user_id WHERE u.email = 'phc@example.com'")
    assert.match(hash, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
  })

  test("length rules: shorter than minPasswordLength is 400 PASSWORD_TOO_SHORT, over 256 bytes 400 PASSWORD_TOO_LONG", async () => {
    const short = await post(app, new CookieJar(), "signUp/email", { email: "short@example.com", password: "123456789" })
    assert.equal(short.status, 400)
    assert.equal(short.json.error.code, "PASSWORD_TOO_SHORT")
    const long = await post(app, new CookieJar(), "signUp/email", { email: "long@example.com", password: "é".repeat(129) })
    assert.equal(long.status, 400)
    assert.equal(long.json.error.code, "PASSWORD_TOO_LONG")
  })

  test("a form post (csrfToken field) signs in with a 302 to redirectTo", async () => {
    const jar = new CookieJar()
    const token = await csrf(app, jar)
    const body = new URLSearchParams({ email: "ann@example.com", password: PW, csrfToken: token, redirectTo: "/dashboard" })
    const res = await go(jar, `${app.base}/signIn/email`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() })
    assert.equal(res.status, 302)
    assert.equal(res.headers.get("location"), "/dashboard")
    assert.equal((await sessionOf(app, jar)).authenticated, true)
  })
})

describe("§12 no enumeration", () => {
  let app
  before(async () => {
    app = await emailApp()
    await signUp(app, "known@example.com")
  })
  after(() => app.close())

  test("unknown email and wrong password give the same answer: 401 INVALID_CREDENTIALS", async () => {
    const unknown = await signInEmail(app, "nobody@example.com", "wrong password 1")
    const wrong = await signInEmail(app, "known@example.com", "wrong password 1")
    assert.equal(unknown.status, 401)
    assert.equal(wrong.status, 401)
    assert.deepEqual(unknown.json, wrong.json)
    assert.equal(unknown.json.error.code, "INVALID_CREDENTIALS")
  })

  test("unknown email and wrong password take the same time (medians within 1.5x over repeated tries)", async () => {
    const jar = new CookieJar()
    const token = await csrf(app, jar)
    const time = async (email) => {
      const t = process.hrtime.bigint()
      const res = await go(jar, `${app.base}/signIn/email`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": token }, body: JSON.stringify({ email, password: "wrong password 2" }) })
      await res.arrayBuffer()
      assert.equal(res.status, 401)
      return Number(process.hrtime.bigint() - t) / 1e6
    }
    await time("nobody@example.com")
    await time("known@example.com")
    const unknown = []
    const wrong = []
    for (let i = 0; i < 12; i++) {
      unknown.push(await time(`nobody${i}@example.com`))
      wrong.push(await time("known@example.com"))
    }
    const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1]
    const ratio = median(unknown) / median(wrong)
    assert.ok(ratio > 1 / 1.5 && ratio < 1.5, `unknown ${median(unknown).toFixed(1)} ms vs wrong ${median(wrong).toFixed(1)} ms (ratio ${ratio.toFixed(2)})`)
  })

  test("sign-up with an address in use answers as a new sign-up does and mails the owner (email-in-use)", async () => {
    const app2 = await emailApp({ credentials: { requireEmailVerification: true } })
    try {
      const fresh = await signUp(app2, "new@example.com")
      const used = await signUp(app2, "new@example.com", "another password 9")
      assert.equal(used.status, fresh.status)
      assert.deepEqual(used.json, fresh.json)
      assert.equal((await sessionOf(app2, used.jar)).authenticated, false)
      const m = await lastMail(app2, "email-in-use", "new@example.com")
      assert.ok(m.subject && m.text && m.html)
      // The owner's password is unchanged.
      assert.equal(sqlite(app2.file, "SELECT count(*) FROM aura_users WHERE email = 'new@example.com'"), "1")
    } finally {
      await app2.close()
    }
  })

  test("/password/forgot always answers 200 (known, unknown, malformed)", async () => {
    const before = app.outbox.length
    for (const email of ["known@example.com", "nobody@example.com", "not an email"]) {
      const r = await post(app, new CookieJar(), "password/forgot", { email })
      assert.equal(r.status, 200, email)
      assert.deepEqual(r.json, { ok: true, url: "/" })
    }
    await delivered()
    assert.deepEqual(app.outbox.slice(before).map((m) => [m.kind, m.to]), [["reset-password", "known@example.com"]])
  })

  test("email.send failing is logged EMAIL_SEND_FAILED and the answer stays the same", async () => {
    const failing = await emailApp({}, { send: async () => { throw new Error("smtp down") } })
    try {
      const up = await signUp(failing, "fail@example.com")
      assert.equal(up.json.ok, true)
      const r = await post(failing, new CookieJar(), "password/forgot", { email: "fail@example.com" })
      assert.equal(r.status, 200)
      await delivered()
      assert.ok(failing.logs.some((e) => e.code === "EMAIL_SEND_FAILED"), JSON.stringify(failing.logs))
    } finally {
      await failing.close()
    }
  })
})

describe("§12 tokens and verification", () => {
  let app
  before(async () => {
    app = await emailApp({ credentials: { requireEmailVerification: true } })
  })
  after(() => app.close())

  test("requireEmailVerification: sign-in before verifying is 403 EMAIL_NOT_VERIFIED and a new link is sent; the link verifies", async () => {
    const up = await signUp(app, "v@example.com")
    assert.equal(up.json.verificationRequired, true)
    assert.equal((await sessionOf(app, up.jar)).authenticated, false)
    const first = await lastMail(app, "verify-email", "v@example.com")
    const early = await signInEmail(app, "v@example.com")
    assert.equal(early.status, 403)
    assert.equal(early.json.error.code, "EMAIL_NOT_VERIFIED")
    const fresh = await lastMail(app, "verify-email", "v@example.com")
    assert.notEqual(fresh.url, first.url)
    const res = await go(new CookieJar(), fresh.url)
    assert.equal(res.status, 302)
    assert.equal(sqlite(app.file, "SELECT email_verified FROM aura_users WHERE email = 'v@example.com'"), "1")
    assert.equal((await signInEmail(app, "v@example.com")).status, 200)
  })

  test("tokens are stored hashed: the link's token is not in the database file", async () => {
    await signUp(app, "hashed@example.com")
    await post(app, new CookieJar(), "password/forgot", { email: "hashed@example.com" })
    const m = await lastMail(app, "reset-password", "hashed@example.com")
    const token = new URL(m.url).searchParams.get("token")
    assert.equal(Buffer.from(token, "base64url").length, 32)
    assert.equal(fileHas(app.file, token) || fileHas(`${app.file}-wal`, token), false)
    assert.equal(sqlite(app.file, `SELECT count(*) FROM aura_verifications WHERE token_hash = '${token}'`), "0")
  })

  test("a used token is refused (verify link twice)", async () => {
    await signUp(app, "twice@example.com")
    const m = await lastMail(app, "verify-email", "twice@example.com")
    assert.equal((await go(new CookieJar(), m.url)).status, 302)
    const again = await go(new CookieJar(), m.url)
    assert.match(again.headers.get("location"), /code=INVALID_TOKEN/)
  })

  test("an expired token is refused (reset link past its hour)", async () => {
    await signUp(app, "exp@example.com")
    await post(app, new CookieJar(), "password/forgot", { email: "exp@example.com" })
    const m = await lastMail(app, "reset-password", "exp@example.com")
    sqlite(app.file, "UPDATE aura_verifications SET expires_at = expires_at - 3601 WHERE purpose = 'reset-password' AND identifier = 'exp@example.com'")
    const r = await post(app, new CookieJar(), "password/reset", { token: new URL(m.url).searchParams.get("token"), password: "brand new password" })
    assert.equal(r.status, 400)
    assert.equal(r.json.error.code, "INVALID_TOKEN")
  })

  test("tokens are purpose-bound: a reset token does not open a magic link", async () => {
    await signUp(app, "bound@example.com")
    await post(app, new CookieJar(), "password/forgot", { email: "bound@example.com" })
    const m = await lastMail(app, "reset-password", "bound@example.com")
    const token = new URL(m.url).searchParams.get("token")
    const res = await go(new CookieJar(), `${app.base}/magic-link?token=${token}`)
    assert.match(res.headers.get("location"), /code=INVALID_TOKEN/)
    // Still good for its own purpose.
    const r = await post(app, new CookieJar(), "password/reset", { token, password: "brand new password" })
    assert.equal(r.status, 200, r.text)
  })
})

describe("§12 reset and change end other sessions", () => {
  let app
  before(async () => {
    app = await emailApp()
  })
  after(() => app.close())

  test("a password reset signs out a second browser; the old password stops working", async () => {
    const a = await signUp(app, "r@example.com")
    const b = await signInEmail(app, "r@example.com")
    assert.equal((await sessionOf(app, b.jar)).authenticated, true)
    await post(app, new CookieJar(), "password/forgot", { email: "r@example.com" })
    const m = await lastMail(app, "reset-password", "r@example.com")
    assert.ok(m.url.startsWith(`${app.origin}/reset-password?token=`), m.url)
    const token = new URL(m.url).searchParams.get("token")
    const r = await post(app, new CookieJar(), "password/reset", { token, password: "a whole new secret" })
    assert.equal(r.status, 200, r.text)
    await new Promise((r) => setTimeout(r, 1200))
    assert.equal((await sessionOf(app, a.jar)).authenticated, false, "first browser signed out")
    assert.equal((await sessionOf(app, b.jar)).authenticated, false, "second browser signed out")
    assert.equal((await signInEmail(app, "r@example.com")).status, 401)
    assert.equal((await signInEmail(app, "r@example.com", "a whole new secret")).status, 200)
    // Single use.
    const again = await post(app, new CookieJar(), "password/reset", { token, password: "yet another secret" })
    assert.equal(again.json.error.code, "INVALID_TOKEN")
  })

  test("a password change keeps this session and signs out the other browser", async () => {
    const a = await signUp(app, "c@example.com")
    const b = await signInEmail(app, "c@example.com")
    const wrong = await post(app, a.jar, "password/change", { currentPassword: "not it at all", newPassword: "changed password 1" })
    assert.equal(wrong.status, 401)
    const r = await post(app, a.jar, "password/change", { currentPassword: PW, newPassword: "changed password 1" })
    assert.equal(r.status, 200, r.text)
    await new Promise((r) => setTimeout(r, 1200))
    assert.equal((await sessionOf(app, a.jar)).authenticated, true, "this browser stays")
    assert.equal((await sessionOf(app, b.jar)).authenticated, false, "the other is signed out")
  })

  test("password change needs a session (401 UNAUTHENTICATED)", async () => {
    const r = await post(app, new CookieJar(), "password/change", { currentPassword: PW, newPassword: "changed password 2" })
    assert.equal(r.status, 401)
    assert.equal(r.json.error.code, "UNAUTHENTICATED")
  })
})

describe("§12 magic links", () => {
  let app
  before(async () => {
    app = await emailApp()
  })
  after(() => app.close())

  test("a magic link signs in once (creating a verified user); the second use is refused", async () => {
    const r = await post(app, new CookieJar(), "signIn/magic-link", { email: "m@example.com", redirectTo: "/dashboard" })
    assert.equal(r.status, 200)
    const m = await lastMail(app, "magic-link", "m@example.com")
    const jar = new CookieJar()
    const res = await go(jar, m.url)
    assert.equal(res.status, 302)
    assert.equal(res.headers.get("location"), "/dashboard")
    const s = await sessionOf(app, jar)
    assert.equal(s.session.user.email, "m@example.com")
    assert.equal(s.session.user.provider, "magic-link")
    assert.equal(sqlite(app.file, "SELECT email_verified FROM aura_users WHERE email = 'm@example.com'"), "1")
    const again = await go(new CookieJar(), m.url)
    assert.match(again.headers.get("location"), /code=INVALID_TOKEN/)
  })

  test("a HEAD request (a link checker) does not spend a magic link", async () => {
    await post(app, new CookieJar(), "signIn/magic-link", { email: "head@example.com" })
    const m = await lastMail(app, "magic-link", "head@example.com")
    const head = await go(new CookieJar(), m.url, { method: "HEAD" })
    assert.equal(head.status, 405)
    const jar = new CookieJar()
    assert.equal((await go(jar, m.url)).status, 302)
    assert.equal((await sessionOf(app, jar)).session.user.email, "head@example.com")
  })

  test("a magic link redirectTo to another origin falls back to /", async () => {
    await post(app, new CookieJar(), "signIn/magic-link", { email: "m2@example.com", redirectTo: "https://evil.example/x" })
    const m = await lastMail(app, "magic-link", "m2@example.com")
    const res = await go(new CookieJar(), m.url)
    assert.equal(res.headers.get("location"), "/")
  })
})

describe("§12 CSRF and Origin (as sign-out)", () => {
  let app
  before(async () => {
    app = await emailApp()
  })
  after(() => app.close())

  for (const endpoint of ["signUp/email", "signIn/email", "password/forgot", "password/reset", "password/change", "signIn/magic-link"]) {
    test(`POST ${endpoint} without the CSRF token is 403 CSRF_TOKEN_INVALID`, async () => {
      const res = await go(new CookieJar(), `${app.base}/${endpoint}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "x@example.com", password: PW }) })
      assert.equal(res.status, 403)
      assert.equal((await res.json()).error.code, "CSRF_TOKEN_INVALID")
    })
  }
  test("a cross-site Origin is refused even with a valid token", async () => {
    const r = await post(app, new CookieJar(), "signIn/email", { email: "x@example.com", password: PW }, { origin: "https://evil.example" })
    assert.equal(r.status, 403)
    assert.equal(r.json.error.code, "CSRF_ORIGIN_MISMATCH")
  })
  test("GET on a POST endpoint is 405 with Allow", async () => {
    const res = await go(new CookieJar(), `${app.base}/signIn/email`)
    assert.equal(res.status, 405)
    assert.equal(res.headers.get("allow"), "POST")
  })
})

describe("§12 moving users here (api.importUser)", () => {
  let app
  before(async () => {
    app = await emailApp()
  })
  after(() => app.close())

  const hashOf = (email) => sqlite(app.file, `SELECT p.hash FROM aura_passwords p JOIN aura_users u ON u.id = p.user_id WHERE u.email = '${email}'`)

  test("a bcrypt hash ($2a$/$2b$/$2y$, as Auth0, Clerk and Supabase export) signs in, then is rehashed to argon2id", async () => {
    const vectors = [
      ["b1@example.com", "$2a$10$orMth6bXzirVyPcbASfbfuh7iNIW691NyZcEtaFi93FiTRHI71K1K", "imported password 1"],
      ["b2@example.com", "$2b$10$orMth6bXzirVyPcbASfbfuh7iNIW691NyZcEtaFi93FiTRHI71K1K", "imported password 1"],
      ["b3@example.com", "$2y$10$SKFltaaPromPLozbgFpHgO.BH9EwINfgFsQQnJ33tZDpzqNpocTUi", "imported password 2"],
    ]
    for (const [email, passwordHash, password] of vectors) {
      const { id } = await app.auth.api.importUser({ email, passwordHash, name: "Imported", emailVerified: true })
      assert.equal(typeof id, "string")
      assert.equal(hashOf(email), passwordHash)
      assert.equal((await signInEmail(app, email, "not the password")).status, 401)
      assert.equal(hashOf(email), passwordHash, "a failed sign-in changes nothing")
      assert.equal((await signInEmail(app, email, password)).status, 200, email)
      assert.match(hashOf(email), /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
      assert.equal((await signInEmail(app, email, password)).status, 200, "the new hash works")
    }
  })

  test("a Better Auth scrypt hash (salt:key hex, N=16384 r=16 p=1, NFKC) signs in, then is rehashed", async () => {
    const salt = randomBytes(16).toString("hex")
    const stored = (pw) => `${salt}:${scryptSync(pw.normalize("NFKC"), salt, 64, { N: 16384, r: 16, p: 1, maxmem: 128 * 16384 * 16 * 2 }).toString("hex")}`
    await app.auth.api.importUser({ email: "ba@example.com", passwordHash: stored("better auth user") })
    assert.equal((await signInEmail(app, "ba@example.com", "better auth user")).status, 200)
    assert.match(hashOf("ba@example.com"), /^\$argon2id\$/)
  })

  test("importUser refuses unknown hash formats and taken addresses with coded errors", async () => {
    await assert.rejects(app.auth.api.importUser({ email: "x1@example.com", passwordHash: "md5:abcdef" }), (e) => e instanceof lib.AuraAuthError && e.code === "INVALID_PASSWORD_HASH")
    await assert.rejects(app.auth.api.importUser({ email: "bad" }), (e) => e.code === "INVALID_EMAIL")
    await assert.rejects(app.auth.api.importUser({ email: "b1@example.com" }), (e) => e.code === "USER_EXISTS")
  })
})

describe("§12 linking with OAuth follows §11", () => {
  let world
  let app
  before(async () => {
    world = await startProviders()
    app = await emailApp({ oauth: world.providers() })
  })
  after(async () => {
    await app.close()
    await world.close()
  })

  test("an unverified email user is not captured by an OAuth sign-in (ACCOUNT_NOT_LINKED); once verified, the same email links to the same user", async () => {
    const up = await signUp(app, "lin@example.test")
    const userId = (await sessionOf(app, up.jar)).session.user.id
    const first = await oauthSignIn(app, new CookieJar(), "oidc", { username: "lin" })
    assert.match(first.res.headers.get("location"), /ACCOUNT_NOT_LINKED/)
    const verify = await lastMail(app, "verify-email", "lin@example.test")
    assert.equal((await go(new CookieJar(), verify.url)).status, 302)
    const jar = new CookieJar()
    const second = await oauthSignIn(app, jar, "oidc", { username: "lin" })
    assert.equal(second.res.status, 302)
    assert.doesNotMatch(second.res.headers.get("location"), /code=/)
    const s = await sessionOf(app, jar)
    assert.equal(s.session.user.id, userId, "the same user")
    assert.equal(s.session.user.provider, "oidc")
  })

  test("a magic link signs in the existing OAuth user with that address", async () => {
    const jar = new CookieJar()
    await oauthSignIn(app, jar, "oidc", { username: "olga" })
    const oauthId = (await sessionOf(app, jar)).session.user.id
    await post(app, new CookieJar(), "signIn/magic-link", { email: "olga@example.test" })
    const m = await lastMail(app, "magic-link", "olga@example.test")
    const jar2 = new CookieJar()
    await go(jar2, m.url)
    assert.equal((await sessionOf(app, jar2)).session.user.id, oauthId)
  })
})

describe("§12 client methods (@aura-stack/auth/client)", () => {
  let app
  before(async () => {
    app = await emailApp()
  })
  after(() => app.close())

  test("signUpEmail, signInEmail, changePassword, requestPasswordReset, resetPassword and signInMagicLink work against the server", async () => {
    const { createAuthClient } = (await import("../client.js")).default
    const jar = new CookieJar()
    const client = createAuthClient({ baseURL: app.origin, fetch: (url, init) => go(jar, url, init) })
    const up = await client.signUpEmail({ email: "cli@example.com", password: PW, name: "Cli", redirectTo: "/home" })
    assert.deepEqual(up, { ok: true, url: "/home" })
    assert.equal((await client.getSession()).session.user.email, "cli@example.com")
    const bad = await client.signInEmail({ email: "cli@example.com", password: "wrong password!" })
    assert.equal(bad.ok, false)
    assert.equal(bad.error.code, "INVALID_CREDENTIALS")
    assert.equal(bad.error.status, 401)
    assert.equal((await client.signInEmail({ email: "cli@example.com", password: PW }, { redirect: false })).ok, true)
    assert.deepEqual(await client.changePassword({ currentPassword: PW, newPassword: "client new password" }), { ok: true })
    assert.deepEqual(await client.requestPasswordReset({ email: "cli@example.com" }), { ok: true })
    const m = await lastMail(app, "reset-password", "cli@example.com")
    assert.deepEqual(await client.resetPassword({ token: new URL(m.url).searchParams.get("token"), password: "client reset password" }), { ok: true })
    const again = await client.resetPassword({ token: new URL(m.url).searchParams.get("token"), password: "client reset password" })
    assert.equal(again.error.code, "INVALID_TOKEN")
    assert.equal((await client.signInMagicLink({ email: "cli@example.com", redirectTo: "/m" })).ok, true)
    await lastMail(app, "magic-link", "cli@example.com")
  })
})

describe("§12 email sign-ins run the app's hooks (§8)", () => {
  let app
  const seen = []
  before(async () => {
    app = await emailApp({
      callbacks: {
        signIn: ({ user, account }) => {
          seen.push({ email: user.email, account, provider: user.provider })
          return user.email !== "banned@example.com"
        },
        session: ({ session, user }) => ({ ...session, user: { ...session.user, role: user.email === "admin@example.com" ? "admin" : "member" } }),
      },
    })
  })
  after(() => app.close())

  test("callbacks.signIn refusing a password sign-in is 403 ACCESS_DENIED with no session; callbacks.session shapes an allowed one", async () => {
    const upRefused = await post(app, new CookieJar(), "signUp/email", { email: "banned@example.com", password: PW })
    assert.equal(upRefused.status, 403, "a sign-up that would sign in is refused too")
    assert.equal(upRefused.json.error.code, "ACCESS_DENIED")
    const refused = await signInEmail(app, "banned@example.com")
    assert.equal(refused.status, 403)
    assert.equal(refused.json.error.code, "ACCESS_DENIED")
    assert.equal((await sessionOf(app, refused.jar)).authenticated, false)
    const up = await signUp(app, "admin@example.com")
    const s = await sessionOf(app, up.jar)
    assert.equal(s.session.user.role, "admin")
    assert.equal(s.session.user.email, "admin@example.com")
    const ok = await signInEmail(app, "admin@example.com")
    assert.equal(ok.status, 200)
    assert.equal((await sessionOf(app, ok.jar)).session.user.role, "admin")
    assert.ok(seen.some((x) => x.email === "admin@example.com" && x.account === null && x.provider === "credentials"))
  })

  test("a refused magic link lands on the error page with ACCESS_DENIED", async () => {
    await post(app, new CookieJar(), "signIn/magic-link", { email: "banned@example.com" })
    const m = await lastMail(app, "magic-link", "banned@example.com")
    const jar = new CookieJar()
    const res = await go(jar, m.url)
    assert.match(res.headers.get("location"), /code=ACCESS_DENIED/)
    assert.equal((await sessionOf(app, jar)).authenticated, false)
  })
})

describe("§11 events for email sign-ups (createUser, linkAccount, as for OAuth)", () => {
  let world
  let app
  let hooked
  const events = []
  const hookedEvents = []
  const listen = (into) => ({
    createUser: (p) => into.push(["createUser", p]),
    linkAccount: (p) => into.push(["linkAccount", p]),
    signIn: (p) => into.push(["signIn", p]),
  })
  before(async () => {
    world = await startProviders()
    app = await emailApp({ oauth: world.providers(), events: listen(events) })
    hooked = await emailApp({ events: listen(hookedEvents), callbacks: { signIn: ({ user }) => user.email !== "nope@example.com" } })
  })
  after(async () => {
    await app.close()
    await hooked.close()
    await world.close()
  })
  const named = (list, name) => list.filter(([n]) => n === name).map(([, p]) => p)

  test("events.createUser fires once for an email sign-up (before signIn) and not for a sign-up of an address in use", async () => {
    const up = await signUp(app, "ev@example.com")
    const id = (await sessionOf(app, up.jar)).session.user.id
    await delivered()
    const created = named(events, "createUser")
    assert.equal(created.length, 1)
    assert.equal(created[0].user.id, id)
    assert.equal(created[0].user.email, "ev@example.com")
    assert.equal(created[0].user.emailVerified, false)
    assert.match(created[0].user.createdAt, /^\d{4}-\d\d-\d\dT/)
    const order = events.map(([n]) => n)
    assert.ok(order.indexOf("createUser") < order.indexOf("signIn"), order.join(","))
    await post(app, new CookieJar(), "signUp/email", { email: "ev@example.com", password: "another password" })
    await delivered()
    assert.equal(named(events, "createUser").length, 1, "an address in use creates no user")
  })

  test("events.createUser fires for a magic link's new (verified) user", async () => {
    await post(app, new CookieJar(), "signIn/magic-link", { email: "ml-ev@example.com" })
    const m = await lastMail(app, "magic-link", "ml-ev@example.com")
    await go(new CookieJar(), m.url)
    await delivered()
    const created = named(events, "createUser").filter((p) => p.user.email === "ml-ev@example.com")
    assert.equal(created.length, 1)
    assert.equal(created[0].user.emailVerified, true)
  })

  test("events.linkAccount fires when a reset gives an OAuth user a first password (provider credentials)", async () => {
    const jar = new CookieJar()
    await oauthSignIn(app, jar, "oidc", { username: "evo" })
    const userId = (await sessionOf(app, jar)).session.user.id
    await post(app, new CookieJar(), "password/forgot", { email: "evo@example.test" })
    const m = await lastMail(app, "reset-password", "evo@example.test")
    const token = new URL(m.url).searchParams.get("token")
    assert.equal((await post(app, new CookieJar(), "password/reset", { token, password: "first password here" })).status, 200)
    await delivered()
    const linked = named(events, "linkAccount").filter((p) => p.userId === userId)
    assert.deepEqual(linked, [{ userId, account: { provider: "credentials", providerAccountId: userId, type: "credentials" } }])
    assert.equal((await signInEmail(app, "evo@example.test", "first password here")).status, 200)
  })

  test("with sign-in hooks, an email sign-up still reports createUser and mails its verification link, even when callbacks.signIn refuses", async () => {
    await signUp(hooked, "hk@example.com")
    const refused = await post(hooked, new CookieJar(), "signUp/email", { email: "nope@example.com", password: PW })
    assert.equal(refused.status, 403)
    await delivered()
    assert.deepEqual(named(hookedEvents, "createUser").map((p) => p.user.email).sort(), ["hk@example.com", "nope@example.com"])
    await lastMail(hooked, "verify-email", "hk@example.com")
    await lastMail(hooked, "verify-email", "nope@example.com")
  })
})
