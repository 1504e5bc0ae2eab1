// Passkeys (SPEC §14, issue 21) end to end in headless Chromium with its virtual authenticator
// (CDP WebAuthn domain: ctap2, internal transport, resident keys, user verification), a real
// SQLite file, and the real OpenID provider for the first sign-in. The page is served by
// node:http at http://localhost:<port> and uses the package's browser client.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { generateKeyPairSync, randomBytes } from "node:crypto"
import { startOidcProvider } from "./fixtures/oidc-server.mjs"
import { startPasskeyApp } from "./fixtures/passkey-app.mjs"
import { startPostgres, postgresAvailable } from "./fixtures/postgres.mjs"
import { lib, SECRET, SALT } from "./helpers/world.mjs"

const CHROMIUM = (process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : ["/usr/bin/chromium", "/usr/lib/chromium/chromium"]).find((p) =>
  fs.existsSync(p),
)
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"]

let oidc
let app
let other // the same page on another origin (another port on localhost)
let browser
let dir
const logs = []
const linked = [] // events.linkAccount

before(async () => {
  if (!CHROMIUM) {
    if (process.env.CI) assert.fail("Chromium is required for the passkey tests: apt-get install -y chromium")
    return
  }
  oidc = await startOidcProvider({ allowAnyLoopbackRedirect: true })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "aura-passkeys-"))
  app = await startPasskeyApp()
  other = await startPasskeyApp()
  const auth = lib.createAuth({
    oauth: [{ id: "oidc", type: "oidc", name: "Local OpenID", issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret }],
    baseURL: app.origin,
    secret: SECRET,
    salt: SALT,
    database: `sqlite:${path.join(dir, "auth.db")}`,
    passkeys: { rpName: "Aura passkeys test" },
    logger: { level: "warn", log: (e) => logs.push(e) },
    events: { linkAccount: (e) => linked.push(e) },
  })
  app.mount(auth)
  // The other origin serves the same page; its API is the same instance (so only the WebAuthn
  // origin differs, not the database).
  other.mount(auth)
  const { chromium } = await import("playwright-core")
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true })
})

after(async () => {
  await browser?.close()
  await app?.close()
  await other?.close()
  await oidc?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** A fresh browser context and page at `origin`, with a virtual authenticator. */
async function device(origin = app.origin, { isUserVerified = true } = {}) {
  const context = await browser.newContext()
  const page = await context.newPage()
  await page.goto(`${origin}/`)
  const cdp = await context.newCDPSession(page)
  await cdp.send("WebAuthn.enable")
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified, automaticPresenceSimulation: true },
  })
  return { context, page, cdp, authenticatorId, close: () => context.close() }
}

/** Through the OpenID provider's login pages in the browser: a user row and an OIDC account. */
async function signInWithOidc(page, username, origin = app.origin) {
  await page.goto(`${origin}/api/auth/signIn/oidc?redirectTo=${encodeURIComponent("/")}`)
  await page.waitForURL((u) => u.origin === oidc.issuer, { timeout: 15000 })
  await page.locator('input[name="login"]').fill(username)
  await page.locator('input[name="password"]').fill("any-password")
  await page.locator('button[type="submit"]').click()
  const consent = page.locator('button[type="submit"]', { hasText: "Continue" })
  await Promise.race([
    consent.waitFor({ timeout: 15000 }).then(() => consent.click()),
    page.waitForURL((u) => u.origin === origin, { timeout: 15000 }),
  ])
  await page.waitForURL(`${origin}/`, { timeout: 15000 })
}

const session = (page) => page.evaluate(() => authClient.getSession())

/** POST with a fresh CSRF token from the page (what the client does), the raw JSON answer. */
async function post(page, pathname, body) {
  return page.evaluate(
    async ({ pathname, body }) => {
      const { csrfToken } = await (await fetch("/api/auth/csrfToken")).json()
      const res = await fetch(`/api/auth/${pathname}`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrfToken },
        body: JSON.stringify(body),
      })
      return { status: res.status, json: await res.json() }
    },
    { pathname, body },
  )
}

/** Sign-in options from the app, then an assertion made in `page` (its origin) with `tamper`ed options. */
async function assertion(page, options, tamper = {}) {
  return page.evaluate(
    async ({ options, tamper }) => {
      const b = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0))
      const publicKey = { ...options, ...tamper, challenge: b(options.challenge) }
      const cred = await navigator.credentials.get({ publicKey })
      return cred.toJSON()
    },
    { options, tamper },
  )
}

describe("passkeys in headless Chromium", { skip: !CHROMIUM && "Chromium not installed" }, () => {
  let credentialExport // the registered passkey, exported from the first virtual authenticator
  let user

  test("register a passkey, sign out, sign in with the passkey alone", async () => {
    const d = await device()
    try {
      await signInWithOidc(d.page, "pia")
      const before = await session(d.page)
      assert.equal(before.authenticated, true)
      user = before.session.user
      assert.ok(user.id, "a database user id")

      const reg = await d.page.evaluate(() => authClient.passkey.register({ name: "Laptop" }))
      assert.equal(reg.ok, true, JSON.stringify(reg))
      assert.equal(reg.passkey.name, "Laptop")
      // events.linkAccount, as for a linked provider (fire-and-forget: it has run by the next turn).
      await new Promise((r) => setTimeout(r, 50))
      assert.deepEqual(linked.at(-1), { userId: user.id, account: { provider: "passkey", providerAccountId: reg.passkey.id, type: "webauthn" } })
      const listed = await d.page.evaluate(() => authClient.passkey.list())
      assert.equal(listed.ok, true)
      assert.equal(listed.passkeys.length, 1)
      assert.deepEqual(Object.keys(listed.passkeys[0]).sort(), ["backedUp", "backupEligible", "createdAt", "id", "lastUsedAt", "name", "transports"])
      assert.equal(listed.passkeys[0].lastUsedAt, null)
      assert.deepEqual(listed.passkeys[0].transports, ["internal"])

      const out = await d.page.evaluate(() => authClient.signOut({ redirect: false }))
      assert.equal(out.ok, true)
      assert.equal((await session(d.page)).authenticated, false)

      const signed = await d.page.evaluate(() => authClient.passkey.signIn({ redirect: false, redirectTo: "/welcome" }))
      assert.deepEqual(signed, { ok: true, url: "/welcome" })
      const after = await session(d.page)
      assert.equal(after.authenticated, true)
      assert.equal(after.session.user.id, user.id)
      assert.equal(after.session.user.email, user.email)
      assert.equal(after.session.user.provider, "passkey")
      const used = await d.page.evaluate(() => authClient.passkey.list())
      assert.ok(used.passkeys[0].lastUsedAt, "last use recorded")

      const { credentials } = await d.cdp.send("WebAuthn.getCredentials", { authenticatorId: d.authenticatorId })
      assert.equal(credentials.length, 1)
      assert.equal(credentials[0].isResidentCredential, true)
      credentialExport = credentials[0]
    } finally {
      await d.close()
    }
  })

  /** A new device holding a copy of the registered passkey (same key; the counter as exported, or `signCount`). */
  async function deviceWithPasskey(origin, opts, signCount = credentialExport.signCount) {
    const d = await device(origin, opts)
    await d.cdp.send("WebAuthn.addCredential", { authenticatorId: d.authenticatorId, credential: { ...credentialExport, signCount } })
    return d
  }

  test("passkey rule: a replayed assertion is refused (single-use challenge)", async () => {
    const d = await deviceWithPasskey(app.origin)
    try {
      const started = await post(d.page, "passkey/signIn/options", {})
      assert.equal(started.status, 200)
      const response = await assertion(d.page, started.json.options)
      const first = await post(d.page, "passkey/signIn", { response })
      assert.equal(first.status, 200, JSON.stringify(first.json))
      const replay = await post(d.page, "passkey/signIn", { response })
      assert.equal(replay.status, 400)
      assert.equal(replay.json.error.code, "PASSKEY_CHALLENGE_INVALID")
    } finally {
      await d.close()
    }
  })

  test("passkey rule: an assertion made on another origin is refused", async () => {
    const there = await deviceWithPasskey(other.origin)
    const here = await device(app.origin)
    try {
      const started = await post(here.page, "passkey/signIn/options", {})
      const response = await assertion(there.page, started.json.options)
      assert.equal(JSON.parse(Buffer.from(response.response.clientDataJSON, "base64url")).origin, other.origin)
      const res = await post(here.page, "passkey/signIn", { response })
      assert.equal(res.status, 401)
      assert.equal(res.json.error.code, "PASSKEY_ORIGIN_MISMATCH")
      assert.equal((await session(here.page)).authenticated, false)
    } finally {
      await there.close()
      await here.close()
    }
  })

  test("passkey rule: user verification missing when required is refused by the server", async () => {
    const d = await deviceWithPasskey(app.origin, { isUserVerified: false })
    try {
      const started = await post(d.page, "passkey/signIn/options", {})
      assert.equal(started.json.options.userVerification, "required")
      // A client that ignores the requirement (tampered options): the authenticator signs with UV=0.
      const response = await assertion(d.page, started.json.options, { userVerification: "discouraged" })
      const res = await post(d.page, "passkey/signIn", { response })
      assert.equal(res.status, 401)
      assert.equal(res.json.error.code, "PASSKEY_USER_NOT_VERIFIED")
      assert.equal((await session(d.page)).authenticated, false)
    } finally {
      await d.close()
    }
  })

  test("passkey rule: an unknown credential is refused", async () => {
    const d = await device(app.origin)
    try {
      const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" })
      await d.cdp.send("WebAuthn.addCredential", {
        authenticatorId: d.authenticatorId,
        credential: {
          credentialId: randomBytes(16).toString("base64"),
          isResidentCredential: true,
          rpId: "localhost",
          privateKey: privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"),
          userHandle: randomBytes(64).toString("base64"),
          signCount: 0,
        },
      })
      const res = await d.page.evaluate(() => authClient.passkey.signIn({ redirect: false }))
      assert.equal(res.ok, false)
      assert.equal(res.error.code, "PASSKEY_UNKNOWN")
      assert.equal(res.error.status, 401)
    } finally {
      await d.close()
    }
  })

  test("passkey rule: a counter that goes backwards is refused and logged", async () => {
    // The copy exported earlier has the counter of its registration; the server has seen higher.
    const d = await device(app.origin)
    try {
      await d.cdp.send("WebAuthn.addCredential", { authenticatorId: d.authenticatorId, credential: { ...credentialExport, signCount: 0 } })
      const before = logs.length
      const res = await d.page.evaluate(() => authClient.passkey.signIn({ redirect: false }))
      assert.equal(res.ok, false)
      assert.equal(res.error.code, "PASSKEY_COUNTER_REGRESSED")
      assert.ok(logs.slice(before).some((e) => e.code === "PASSKEY_COUNTER_REGRESSED" && e.level === "error"))
    } finally {
      await d.close()
    }
  })

  test("passkey endpoints: CSRF and sign-in rules like sign-out", async () => {
    const d = await device(app.origin)
    try {
      const noToken = await d.page.evaluate(async () => {
        const r = await fetch("/api/auth/passkey/signIn/options", { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}" })
        return { status: r.status, json: await r.json() }
      })
      assert.equal(noToken.status, 403)
      assert.equal(noToken.json.error.code, "CSRF_TOKEN_INVALID")
      const signedOut = await post(d.page, "passkey/register/options", {})
      assert.equal(signedOut.status, 401)
      assert.equal(signedOut.json.error.code, "UNAUTHENTICATED")
      const list = await d.page.evaluate(async () => (await fetch("/api/auth/passkeys")).status)
      assert.equal(list, 401)
      const junk = await post(d.page, "passkey/signIn", { response: { id: "x" } })
      assert.equal(junk.status, 400)
      assert.equal(junk.json.error.code, "PASSKEY_INVALID")
    } finally {
      await d.close()
    }
  })

  test("the app's hooks decide a passkey sign-in as any other (callbacks.signIn, callbacks.session)", async () => {
    // A second instance on the same SQLite file, with hooks.
    const hooked = await startPasskeyApp()
    let allowPasskeys = false
    const seen = []
    hooked.mount(
      lib.createAuth({
        oauth: [{ id: "oidc", type: "oidc", name: "Local OpenID", issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret }],
        baseURL: hooked.origin,
        secret: SECRET,
        salt: SALT,
        database: `sqlite:${path.join(dir, "auth.db")}`,
        passkeys: { rpName: "Aura passkeys test" },
        logger: { level: "off" },
        callbacks: {
          signIn: ({ user, account }) => {
            seen.push({ user, account })
            return account.provider !== "passkey" || allowPasskeys
          },
          session: ({ session, account }) => ({ ...session, via: account.provider }),
        },
      }),
    )
    const d = await deviceWithPasskey(hooked.origin, {}, 500)
    try {
      const refused = await d.page.evaluate(() => authClient.passkey.signIn({ redirect: false }))
      assert.equal(refused.ok, false)
      assert.equal(refused.error.code, "ACCESS_DENIED")
      assert.equal(refused.error.status, 403)
      assert.equal((await session(d.page)).authenticated, false)
      assert.equal(seen[0].account.provider, "passkey")
      assert.equal(seen[0].account.providerAccountId, credentialExport.credentialId.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""))
      assert.equal(seen[0].user.id, user.id)

      allowPasskeys = true
      const ok = await d.page.evaluate(() => authClient.passkey.signIn({ redirect: false }))
      assert.equal(ok.ok, true, JSON.stringify(ok))
      const s = await session(d.page)
      assert.equal(s.authenticated, true)
      assert.equal(s.session.via, "passkey")
      assert.equal(s.session.user.id, user.id)
    } finally {
      await d.close()
      await hooked.close()
    }
  })

  test("passkeys are listed and removable like other accounts", async () => {
    // Ahead of every counter the server has seen (the copies above signed too).
    const d = await deviceWithPasskey(app.origin, {}, 1000)
    try {
      const signed = await d.page.evaluate(() => authClient.passkey.signIn({ redirect: false }))
      assert.equal(signed.ok, true, JSON.stringify(signed))
      const { passkeys } = await d.page.evaluate(() => authClient.passkey.list())
      const del = await d.page.evaluate((id) => authClient.passkey.delete(id), passkeys[0].id)
      assert.equal(del.ok, true, JSON.stringify(del))
      const again = await d.page.evaluate((id) => authClient.passkey.delete(id), passkeys[0].id)
      assert.equal(again.ok, false)
      assert.equal(again.error.code, "PASSKEY_NOT_FOUND")
      assert.equal((await d.page.evaluate(() => authClient.passkey.list())).passkeys.length, 0)
      const gone = await d.page.evaluate(async () => {
        await authClient.signOut({ redirect: false })
        return authClient.passkey.signIn({ redirect: false })
      })
      assert.equal(gone.ok, false)
      assert.equal(gone.error.code, "PASSKEY_UNKNOWN")
    } finally {
      await d.close()
    }
  })
})

describe("passkeys on Postgres", { skip: (!CHROMIUM && "Chromium not installed") || (!postgresAvailable() && !process.env.CI && "Postgres not installed") }, () => {
  test("register, sign out, sign in with the passkey, list and delete, with the store on a real Postgres", async () => {
    const pg = await startPostgres()
    const site = await startPasskeyApp()
    try {
      const url = await pg.createDatabase("aura_passkeys")
      site.mount(
        lib.createAuth({
          oauth: [{ id: "oidc", type: "oidc", name: "Local OpenID", issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret }],
          baseURL: site.origin,
          secret: SECRET,
          salt: SALT,
          database: url,
          passkeys: { rpName: "Aura passkeys on Postgres" },
          logger: { level: "off" },
        }),
      )
      const d = await device(site.origin)
      try {
        await signInWithOidc(d.page, "quinn", site.origin)
        const reg = await d.page.evaluate(() => authClient.passkey.register({ name: "Desk" }))
        assert.equal(reg.ok, true, JSON.stringify(reg))
        await d.page.evaluate(() => authClient.signOut({ redirect: false }))
        const signed = await d.page.evaluate(() => authClient.passkey.signIn({ redirect: false }))
        assert.equal(signed.ok, true, JSON.stringify(signed))
        const s = await session(d.page)
        assert.equal(s.session.user.provider, "passkey")
        const { passkeys } = await d.page.evaluate(() => authClient.passkey.list())
        assert.equal(passkeys.length, 1)
        assert.equal(passkeys[0].name, "Desk")
        assert.equal(typeof passkeys[0].backupEligible, "boolean")
        assert.ok(passkeys[0].lastUsedAt)
        assert.equal(await pg.sql("aura_passkeys", "SELECT count(*) FROM aura_passkeys"), "1")
        assert.equal(await pg.sql("aura_passkeys", "SELECT provider FROM aura_accounts WHERE type = 'webauthn'"), "passkey")
        const del = await d.page.evaluate((id) => authClient.passkey.delete(id), passkeys[0].id)
        assert.equal(del.ok, true, JSON.stringify(del))
        assert.equal(await pg.sql("aura_passkeys", "SELECT count(*) FROM aura_passkeys"), "0")
      } finally {
        await d.close()
      }
    } finally {
      await site.close()
      await pg.close()
    }
  })
})

test("passkey config rule: createAuth refuses configurations that cannot work, with INVALID_PASSKEYS_CONFIG", () => {
  const oauth = [{ id: "oidc", type: "oidc", name: "Local OpenID", issuer: "http://127.0.0.1:9", clientId: "a", clientSecret: "b" }]
  const base = { oauth, secret: SECRET, salt: SALT, logger: { level: "off" } }
  const bad = [
    { baseURL: "http://localhost:3000", passkeys: { rpName: "X" } }, // no database
    { baseURL: "http://127.0.0.1:3000", database: "sqlite::memory:", passkeys: { rpName: "X" } }, // an IP address
    { baseURL: "http://localhost:3000", database: "sqlite::memory:", passkeys: {} }, // no rpName
    { baseURL: "https://example.com", database: "sqlite::memory:", passkeys: { rpName: "X", origins: ["https://evil.test"] } },
    { baseURL: "https://example.com", database: "sqlite::memory:", passkeys: { rpName: "X", origins: ["http://example.com"] } },
    { baseURL: "http://localhost:3000", database: "sqlite::memory:", passkeys: { rpName: "X", userVerification: "discouraged" } },
    { database: "sqlite::memory:", passkeys: { rpName: "X" } }, // neither baseURL nor rpID
  ]
  for (const cfg of bad) {
    assert.throws(() => lib.createAuth({ ...base, ...cfg }), (e) => e.code === "INVALID_PASSKEYS_CONFIG" && e.message.length > 20, JSON.stringify(cfg))
  }
  // Several origins on one RP ID are fine.
  lib.createAuth({ ...base, baseURL: "https://example.com", database: "sqlite::memory:", passkeys: { rpName: "X", rpID: "example.com", origins: ["https://example.com", "https://app.example.com"] } })
})
