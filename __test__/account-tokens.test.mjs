// Provider tokens with a database (SPEC §11, issue 17): sealed in the account row (never plain
// columns, bound to the row), read by getAccessToken from any session on any instance, and
// refreshed once across instances (a lease on the row). Real parts only: the real OpenID
// provider (oidc-provider, offline_access, refresh grants counted at the provider), SQLite files
// read back with the sqlite3 CLI, a real PostgreSQL, and separate Node processes as instances.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { spawn, spawnSync, execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, existsSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { startOidcProvider } from "./fixtures/oidc-server.mjs"
import { startPostgres } from "./fixtures/postgres.mjs"
import { startApp, signIn, sessionOf, signOut, go, CookieJar, SECRET, SALT } from "./helpers/world.mjs"
import { completeOidcLogin } from "./fixtures/oidc-login.mjs"

const instanceScript = path.resolve(import.meta.dirname, "fixtures/token-instance.mjs")

let idp
let tmp
let accessTtl = 3600
let rotate = false
let refreshGrants = 0
let slowTokenMs = 0
/** Every token the provider gave at sign-in (from the `signIn` event), to look for in the database. */
const secrets = new Set()

before(async () => {
  idp = await startOidcProvider({
    allowAnyLoopbackRedirect: true,
    clientMetadata: { grant_types: ["authorization_code", "refresh_token"] },
    providerConfig: {
      ttl: { AccessToken: () => accessTtl, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, RefreshToken: 86400, Session: 86400, Grant: 86400 },
      rotateRefreshToken: () => rotate,
    },
  })
  // While `slowTokenMs` is set, the token endpoint answers late, so both instances are surely
  // waiting on the same expired token at once (without the lease, each would refresh).
  idp.provider.use(async (ctx, next) => {
    if (slowTokenMs && ctx.path.endsWith("/token")) await new Promise((r) => setTimeout(r, slowTokenMs))
    await next()
  })
  idp.provider.on("grant.success", (ctx) => {
    if (ctx.oidc.params.grant_type === "refresh_token") refreshGrants++
  })
  tmp = mkdtempSync(path.join(tmpdir(), "aura-account-tokens-"))
})
after(async () => {
  await idp.close()
  rmSync(tmp, { recursive: true, force: true })
})

const provider = () => ({
  id: "oidc",
  type: "oidc",
  name: "Local OpenID",
  issuer: idp.issuer,
  clientId: idp.clientId,
  clientSecret: idp.clientSecret,
  scope: "openid profile email offline_access",
  authorizationParams: { prompt: "consent" },
  storeTokens: true,
})

/** The config every instance shares (JSON only: the child processes get it too). */
const shared = (origin, database) => ({ oauth: [provider()], baseURL: origin, secret: SECRET, salt: SALT, database })

function appWith(database, extra = {}) {
  return startApp((origin) => ({
    ...shared(origin, database),
    ...extra,
    logger: { level: "off" },
    events: { signIn: ({ account }) => [account?.accessToken, account?.refreshToken, account?.idToken].filter(Boolean).forEach((t) => secrets.add(t)) },
  }))
}

let n = 0
const sqliteFile = () => path.join(tmp, `db${++n}`, "auth.db")
const sqlite = (file, sql) => execFileSync("sqlite3", [file, sql], { encoding: "utf8" }).trim()

async function signInAs(app, username) {
  const jar = new CookieJar()
  const { res } = await signIn(app, jar, "oidc", { username })
  assert.equal(res.headers.get("location"), "/dashboard")
  return jar
}

const headersOf = (app, jar) => ({ headers: { cookie: jar.header(app.base) } })
const tokenOf = (app, jar) => app.auth.api.getAccessToken("oidc", headersOf(app, jar))

async function userinfoWith(accessToken) {
  const res = await fetch(`${idp.issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } })
  return res.status === 200 ? res.json() : { status: res.status }
}

/** An app instance in its own Node process (fixtures/token-instance.mjs). */
function instance(database, origin, cookie, calls) {
  const child = spawn(process.execPath, [instanceScript], {
    env: { ...process.env, AURA_TEST_INSTANCE: JSON.stringify({ config: shared(origin, database), cookie, provider: "oidc", calls }) },
    stdio: ["pipe", "pipe", "inherit"],
  })
  let out = ""
  const killer = setTimeout(() => child.kill("SIGKILL"), 60_000)
  const exited = new Promise((resolve) => child.on("exit", (code) => (clearTimeout(killer), resolve(code))))
  const ready = new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d
      if (out.startsWith("ready\n")) resolve()
    })
    exited.then((code) => reject(new Error(`instance exited (${code}) before it was ready: ${out}`)))
  })
  return {
    ready,
    go: () => child.stdin.write("go\n"),
    async results() {
      const code = await exited
      assert.equal(code, 0, `instance exit code (${out})`)
      return JSON.parse(out.split("\n").filter(Boolean).at(-1))
    },
  }
}

/** 50 concurrent getAccessToken calls over two instances (25 each) with an expiring token. */
async function fiftyOverTwoInstances(app, database, username) {
  accessTtl = 30 // the sign-in's token is within the 60 s refresh margin
  const jar = await signInAs(app, username)
  accessTtl = 3600 // the refreshed one is not
  const cookie = jar.header(app.base)
  const x = instance(database, app.origin, cookie, 25)
  const y = instance(database, app.origin, cookie, 25)
  await Promise.all([x.ready, y.ready])
  const before = refreshGrants
  slowTokenMs = 400
  let results
  try {
    x.go()
    y.go()
    results = [...(await x.results()), ...(await y.results())]
  } finally {
    slowTokenMs = 0
  }
  assert.equal(results.length, 50)
  assert.deepEqual(results.filter((r) => !r.ok), [], "every call got a token")
  assert.equal(refreshGrants - before, 1, "exactly one refresh grant at the provider")
  assert.equal(new Set(results.map((r) => r.accessToken)).size, 1, "all 50 got the same new token")
  assert.equal((await userinfoWith(results[0].accessToken)).sub, username)
  // The first instance reads the same token from the row, without another grant.
  assert.equal((await tokenOf(app, jar)).accessToken, results[0].accessToken)
  assert.equal(refreshGrants - before, 1)
}

describe("SQLite: tokens in the account row", () => {
  let app
  let file
  before(async () => {
    file = sqliteFile()
    app = await appWith(`sqlite:${file}`)
  })
  after(async () => {
    await app?.close()
  })

  test("no plaintext token in the database (SQLite): the row holds a sealed blob, no token cookie is set", async () => {
    const jar = await signInAs(app, "ada")
    assert.equal(jar.get("aura-auth.tokens.oidc"), undefined, "with a database no token cookie")
    const t = await tokenOf(app, jar)
    assert.equal((await userinfoWith(t.accessToken)).sub, "ada")
    assert.ok(t.expiresAt > Date.now() / 1000 + 60)
    assert.ok(secrets.has(t.accessToken) && secrets.size >= 3, "access, refresh and id tokens seen at sign-in")
    const row = sqlite(file, "SELECT tokens, tokens_expires_at FROM aura_accounts WHERE provider_account_id = 'ada'")
    const [sealed, expires] = row.split("|")
    assert.match(sealed, /^[\w-]+\.[\w-]{40,}$/, "a sealed blob")
    assert.equal(Number(expires), t.expiresAt)
    const dump = execFileSync("sqlite3", [file, ".dump"], { encoding: "utf8" })
    // The files' bytes are searched by another process: opening and closing the database file
    // here would drop this process's SQLite locks (POSIX locks are per process).
    const files = [file, `${file}-wal`].filter(existsSync)
    const inFiles = (s) => spawnSync("grep", ["-a", "-F", "-q", "-e", s, ...files]).status
    for (const s of secrets) {
      assert.ok(!dump.includes(s), "no token in any table")
      assert.equal(inFiles(s), 1, "no token anywhere in the database files")
    }
    assert.equal(inFiles(sealed.slice(0, 40)), 0, "(the search finds what is there)")
  })

  test("a sealed blob copied to another account row is refused (NO_TOKENS); an altered one too", async () => {
    const ann = await signInAs(app, "ann")
    const ben = await signInAs(app, "ben")
    const annToken = (await tokenOf(app, ann)).accessToken
    const original = sqlite(file, "SELECT tokens FROM aura_accounts WHERE provider_account_id = 'ann'")
    sqlite(file, "UPDATE aura_accounts SET tokens = (SELECT tokens FROM aura_accounts WHERE provider_account_id = 'ben') WHERE provider_account_id = 'ann'")
    await assert.rejects(tokenOf(app, ann), (e) => e.code === "NO_TOKENS")
    assert.equal((await userinfoWith((await tokenOf(app, ben)).accessToken)).sub, "ben", "ben's own row still opens")
    const altered = original.slice(0, -2) + (original.at(-2) === "A" ? "B" : "A") + original.at(-1)
    sqlite(file, `UPDATE aura_accounts SET tokens = '${altered}' WHERE provider_account_id = 'ann'`)
    await assert.rejects(tokenOf(app, ann), (e) => e.code === "NO_TOKENS")
    sqlite(file, `UPDATE aura_accounts SET tokens = '${original}' WHERE provider_account_id = 'ann'`)
    assert.equal((await tokenOf(app, ann)).accessToken, annToken)
  })

  test("rotation: the rotated refresh token is stored and spent by the next refresh", async () => {
    rotate = true
    accessTtl = 30
    try {
      const jar = await signInAs(app, "rob")
      const before = refreshGrants
      const first = await tokenOf(app, jar)
      assert.equal(refreshGrants, before + 1)
      const second = await tokenOf(app, jar)
      assert.equal(refreshGrants, before + 2, "the stored (rotated) refresh token worked")
      assert.notEqual(first.accessToken, second.accessToken)
      assert.equal((await userinfoWith(second.accessToken)).sub, "rob")
    } finally {
      rotate = false
      accessTtl = 3600
    }
  })

  test("invalid_grant → REFRESH_TOKEN_INVALID; the account row, its tokens and the session stay; no second grant", async () => {
    rotate = true
    accessTtl = 30
    try {
      const jar = await signInAs(app, "ivy")
      const spent = sqlite(file, "SELECT tokens FROM aura_accounts WHERE provider_account_id = 'ivy'")
      // Another instance refreshes (rotating: the refresh token in `spent` is now refused); this
      // one never saw that refresh, so nothing in its memory stands in for the provider's answer.
      const other = await appWith(`sqlite:${file}`)
      try {
        await tokenOf(other, jar)
      } finally {
        await other.close()
      }
      sqlite(file, `UPDATE aura_accounts SET tokens = '${spent}' WHERE provider_account_id = 'ivy'`)
      await assert.rejects(tokenOf(app, jar), (e) => e.code === "REFRESH_TOKEN_INVALID")
      const before = refreshGrants
      await assert.rejects(tokenOf(app, jar), (e) => e.code === "REFRESH_TOKEN_INVALID")
      assert.equal(refreshGrants, before, "the refused refresh token is not tried again")
      assert.equal(sqlite(file, "SELECT COUNT(*) FROM aura_accounts WHERE provider_account_id = 'ivy' AND tokens IS NOT NULL AND refresh_lock_until IS NULL"), "1")
      assert.equal((await sessionOf(app, jar)).body.session.user.sub, "ivy", "still signed in")
      // Signing in again stores working tokens.
      const again = await signInAs(app, "ivy")
      assert.equal((await userinfoWith((await tokenOf(app, again)).accessToken)).sub, "ivy")
    } finally {
      rotate = false
      accessTtl = 3600
    }
  })

  test("50 concurrent getAccessToken calls over two instances → exactly one refresh grant (SQLite file shared by two processes)", async () => {
    await fiftyOverTwoInstances(app, `sqlite:${file}`, "sam")
  })

  test("through the app's signIn hook (the hand-off path) the tokens reach the row too", async () => {
    const hooked = await appWith(`sqlite:${file}`, { callbacks: { signIn: ({ account }) => account.provider === "oidc" } })
    try {
      const jar = await signInAs(hooked, "hoo")
      assert.equal(jar.get("aura-auth.tokens.oidc"), undefined)
      assert.equal(sqlite(file, "SELECT COUNT(*) FROM aura_accounts WHERE provider_account_id = 'hoo' AND tokens IS NOT NULL"), "1")
      const t = await tokenOf(hooked, jar)
      assert.equal((await userinfoWith(t.accessToken)).sub, "hoo")
      assert.equal((await tokenOf(app, jar)).accessToken, t.accessToken, "the other instance reads the same row")
    } finally {
      await hooked.close()
    }
  })

  test("deleting the user removes its tokens with its accounts", async () => {
    const jar = await signInAs(app, "del")
    const userId = (await sessionOf(app, jar)).body.session.user.id
    assert.equal(sqlite(file, "SELECT COUNT(*) FROM aura_accounts WHERE provider_account_id = 'del' AND tokens IS NOT NULL"), "1")
    await app.auth.api.deleteUser(userId)
    assert.equal(sqlite(file, "SELECT COUNT(*) FROM aura_accounts WHERE provider_account_id = 'del'"), "0")
    await assert.rejects(tokenOf(app, jar), (e) => e.code === "UNAUTHENTICATED" || e.code === "NO_TOKENS")
  })

  test("revokeTokens: unlinking an account and deleting its user revoke the row's tokens at the provider (RFC 7009)", async () => {
    const revoking = await startApp((origin) => ({
      ...shared(origin, `sqlite:${sqliteFile()}`),
      oauth: [{ ...provider(), revokeTokens: true }],
      logger: { level: "off" },
    }))
    try {
      const jar = await signInAs(revoking, "ulla")
      const first = await tokenOf(revoking, jar)
      assert.equal((await userinfoWith(first.accessToken)).sub, "ulla")
      // A second account of the provider joins the same user (the client's signIn(..., { link: true })).
      const start = await go(jar, `${revoking.base}/signIn/oidc?redirect=false&link=true`)
      const { callbackUrl } = await completeOidcLogin((await start.json()).url, { username: "ulla-work" })
      await go(jar, callbackUrl)
      const second = await tokenOf(revoking, jar)
      assert.equal((await userinfoWith(second.accessToken)).sub, "ulla-work")
      assert.deepEqual(await revoking.auth.api.unlinkAccount({ ...headersOf(revoking, jar), provider: "oidc", providerAccountId: "ulla" }), { ok: true })
      assert.equal((await userinfoWith(first.accessToken)).status, 401, "the unlinked account's access token no longer works at the provider")
      assert.equal((await userinfoWith(second.accessToken)).sub, "ulla-work", "the other account's tokens are untouched")
      const userId = (await sessionOf(revoking, jar)).body.session.user.id
      await revoking.auth.api.deleteUser(userId)
      assert.equal((await userinfoWith(second.accessToken)).status, 401, "deleting the user revoked its remaining tokens")
    } finally {
      await revoking.close()
    }
  })
})

describe("Postgres: two instances on one database", () => {
  let pg
  let url
  let a
  let b
  before(async () => {
    pg = await startPostgres()
    url = await pg.createDatabase("aura_tokens")
    a = await appWith(url)
    b = await appWith(url)
  })
  after(async () => {
    await a?.close()
    await b?.close()
    await pg?.close()
  })

  test("no plaintext token in the database (Postgres)", async () => {
    const jar = await signInAs(a, "pat")
    const t = await tokenOf(a, jar)
    assert.equal((await userinfoWith(t.accessToken)).sub, "pat")
    const rows = await pg.sql("aura_tokens", "SELECT row_to_json(x)::text FROM aura_accounts x")
    assert.match(rows, /"tokens":"[\w-]+\.[\w-]{40,}"/)
    for (const table of ["aura_accounts", "aura_users", "aura_sessions", "aura_verifications"]) {
      const all = await pg.sql("aura_tokens", `SELECT COALESCE(string_agg(row_to_json(x)::text, '|'), '') FROM ${table} x`)
      for (const s of secrets) assert.ok(!all.includes(s), `no token in ${table}`)
    }
  })

  test("50 concurrent getAccessToken calls over two instances → exactly one refresh grant (Postgres, two processes)", async () => {
    await fiftyOverTwoInstances(a, url, "quinn")
  })

  test("getAccessToken from a second device and another instance: the same tokens, from the row; signing out one device leaves them to the other", async () => {
    const laptop = await signInAs(a, "dee")
    const phone = await signInAs(b, "dee")
    const fromPhone = await tokenOf(b, phone)
    assert.equal((await tokenOf(a, laptop)).accessToken, fromPhone.accessToken, "the latest sign-in's tokens, on every device")
    assert.equal((await tokenOf(b, laptop)).accessToken, fromPhone.accessToken, "and on every instance")
    assert.equal((await userinfoWith(fromPhone.accessToken)).sub, "dee")
    assert.equal(phone.get("aura-auth.tokens.oidc"), undefined)
    await signOut(a, laptop)
    await assert.rejects(tokenOf(a, laptop), (e) => e.code === "UNAUTHENTICATED")
    assert.equal((await tokenOf(b, phone)).accessToken, fromPhone.accessToken)
  })

  test("database down during getAccessToken → DATABASE_UNAVAILABLE (no hang); after it returns the row is intact", async () => {
    const jar = await signInAs(a, "eve")
    const before = await tokenOf(a, jar)
    const row = await pg.sql("aura_tokens", "SELECT tokens FROM aura_accounts WHERE provider_account_id = 'eve'")
    await pg.crash()
    try {
      await assert.rejects(tokenOf(a, jar), (e) => e.code === "DATABASE_UNAVAILABLE")
      assert.equal((await sessionOf(a, jar)).body.session.user.sub, "eve", "reads keep working")
    } finally {
      await pg.start()
    }
    assert.equal(await pg.sql("aura_tokens", "SELECT tokens FROM aura_accounts WHERE provider_account_id = 'eve'"), row)
    let after
    for (let i = 0; i < 100 && !after; i++) {
      after = await tokenOf(a, jar).catch((e) => (e.code === "DATABASE_UNAVAILABLE" ? null : Promise.reject(e)))
      if (!after) await new Promise((r) => setTimeout(r, 100))
    }
    assert.equal(after.accessToken, before.accessToken)
  })
})
