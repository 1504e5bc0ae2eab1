// Side by side with Better Auth (issues 17 and 18), on one real Postgres, in one process, one run:
//  1. getSession: Better Auth's `auth.api.getSession` with its cookie cache off (a database read
//     per call) and on (a signed cookie, 5 min), beside ours with the same Postgres as `database`
//     (the sealed cookie plus the in-process revocation view: no query). Interleaved time-boxed
//     batches; medians of each case's throughput; ratios.
//  2. email + password sign-in through each library's own handler (a Web `Request`, no TCP):
//     Better Auth (scrypt N=16384, r=16, p=1 via node:crypto) on Postgres, ours (argon2id
//     m=19456, t=2, p=1) on the same Postgres and on a SQLite file. Interleaved rounds, medians.
//     Each beside its own bare hash verification, so "sign-in − verify" is the request path.
//   node bench/better-auth.mjs         (from the repository root, after `npm run build` and
//                                       `cd bench && npm install`)
// Postgres is started by the test fixture (needs the server binaries, as the tests do).
import { createRequire } from "node:module"
import { performance } from "node:perf_hooks"
import { randomBytes } from "node:crypto"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir, cpus, loadavg } from "node:os"
import path from "node:path"
import { startPostgres, postgresAvailable } from "../__test__/fixtures/postgres.mjs"

const require = createRequire(import.meta.url)
const lib = require("../index.js")
const native = require("../native.js")
const { betterAuth } = await import("better-auth")
const { getMigrations } = await import("better-auth/db/migration")
const { verifyPassword: baVerifyPassword } = await import("better-auth/crypto")
const { Pool } = require("pg")

if (!postgresAvailable()) {
  console.error("better-auth.mjs needs PostgreSQL's server binaries (initdb, pg_ctl).")
  process.exit(1)
}
const QUICK = process.env.BENCH_QUICK === "1"
const ORIGIN = "http://127.0.0.1:3999"
const EMAIL = "bench@example.com"
const PASSWORD = "correct horse battery staple"
const loadBefore = loadavg().map((x) => +x.toFixed(2))

const pg = await startPostgres()
const tmp = mkdtempSync(path.join(tmpdir(), "aura-bench-ba-"))
const pools = []
try {
  const baUrl = await pg.createDatabase("better_auth")
  const auraUrl = await pg.createDatabase("aura")

  // Better Auth: one database, two instances (cookie cache off / on), the same secret.
  const pool = new Pool({ connectionString: baUrl, max: 10 })
  pools.push(pool)
  const baOptions = (cookieCache) => ({
    database: pool,
    secret: randomBytes(32).toString("hex"),
    baseURL: ORIGIN,
    emailAndPassword: { enabled: true },
    session: { cookieCache: { enabled: cookieCache, maxAge: 5 * 60 } },
    rateLimit: { enabled: false },
    logger: { disabled: true },
    telemetry: { enabled: false },
  })
  const baSecret = randomBytes(32).toString("hex")
  const baOff = betterAuth({ ...baOptions(false), secret: baSecret })
  const baOn = betterAuth({ ...baOptions(true), secret: baSecret })
  const { runMigrations } = await getMigrations(baOff.options)
  await runMigrations()

  const baPost = async (auth, endpoint, body) => {
    const res = await auth.handler(
      new Request(`${ORIGIN}/api/auth/${endpoint}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify(body),
      }),
    )
    await res.arrayBuffer()
    return res
  }
  const up = await baPost(baOff, "sign-up/email", { email: EMAIL, password: PASSWORD, name: "Bench" })
  if (up.status !== 200) throw new Error(`Better Auth sign-up answered ${up.status}`)
  const baSignIn = (auth = baOff) => baPost(auth, "sign-in/email", { email: EMAIL, password: PASSWORD })
  const cookiesOf = (res) => res.headers.getSetCookie().map((l) => l.split(";")[0]).join("; ")
  const baCookieOff = cookiesOf(await baSignIn(baOff))
  const baCookieOn = cookiesOf(await baSignIn(baOn))
  if (!/session_data=/.test(baCookieOn)) throw new Error("Better Auth's cookie cache set no session_data cookie")
  const baHeadersOff = new Headers({ cookie: baCookieOff })
  const baHeadersOn = new Headers({ cookie: baCookieOn })
  for (const [auth, h] of [[baOff, baHeadersOff], [baOn, baHeadersOn]]) {
    const s = await auth.api.getSession({ headers: h })
    if (!s || s.user.email !== EMAIL) throw new Error("Better Auth getSession found no session")
  }
  const baStored = (await pool.query(`SELECT password FROM account WHERE "providerId" = 'credential'`)).rows[0].password

  // Ours: the same Postgres (another database), and a SQLite file.
  const ours = (database) =>
    lib.createAuth({
      oauth: [],
      baseURL: ORIGIN,
      secret: randomBytes(32).toString("hex"),
      salt: randomBytes(32).toString("hex"),
      database,
      credentials: { enabled: true },
      logger: { level: "off" },
    })
  const auraPg = ours(auraUrl)
  const auraSqlite = ours(`sqlite:${path.join(tmp, "auth.db")}`)
  async function auraSession(auth) {
    const csrfRes = await auth.handlers.GET(new Request(`${ORIGIN}/api/auth/csrfToken`))
    const csrfCookie = csrfRes.headers.getSetCookie()[0].split(";")[0]
    const { csrfToken } = await csrfRes.json()
    const post = async (endpoint, body) => {
      const res = await auth.handlers.POST(
        new Request(`${ORIGIN}/api/auth/${endpoint}`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-csrf-token": csrfToken, cookie: csrfCookie, origin: ORIGIN },
          body: JSON.stringify(body),
        }),
      )
      await res.arrayBuffer()
      return res
    }
    const r = await post("signUp/email", { email: EMAIL, password: PASSWORD })
    if (r.status !== 200) throw new Error(`our sign-up answered ${r.status}`)
    const signIn = () => post("signIn/email", { email: EMAIL, password: PASSWORD })
    const first = await signIn()
    const cookie = first.headers
      .getSetCookie()
      .filter((l) => l.startsWith("aura-auth.session") && !/Max-Age=0/.test(l))
      .map((l) => l.split(";")[0])
      .join("; ")
    const h = { headers: { cookie } }
    if (!(await auth.api.getSession(h)).session.user.id) throw new Error("no database session")
    return { signIn, h }
  }
  const oursPg = await auraSession(auraPg)
  const oursSqlite = await auraSession(auraSqlite)
  // Our stored hash (argon2id PHC) for the bare verification.
  const { execFile } = await import("node:child_process")
  const auraStored = await new Promise((resolve, reject) =>
    execFile("psql", ["-h", "127.0.0.1", "-p", String(pg.port), "-U", "postgres", "-d", "aura", "-Atc", "SELECT hash FROM aura_passwords LIMIT 1"], (e, out) =>
      e ? reject(e) : resolve(out.trim()),
    ),
  )
  if (!auraStored.startsWith("$argon2id$")) throw new Error(`unexpected stored hash ${auraStored.slice(0, 12)}`)

  const pkgVersion = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
  const out = { machine: { cpus: cpus().length, loadAverageBefore: loadBefore }, versions: { betterAuth: pkgVersion("better-auth"), pg: pkgVersion("pg") } }

  // 1. getSession.
  {
    const cases = {
      betterAuthCookieCacheOff: () => baOff.api.getSession({ headers: baHeadersOff }),
      betterAuthCookieCacheOn: () => baOn.api.getSession({ headers: baHeadersOn }),
      oursPostgres: () => auraPg.api.getSession(oursPg.h),
    }
    const BATCH_MS = QUICK ? 100 : 300
    const ROUNDS = QUICK ? 3 : 9
    async function batch(fn) {
      let n = 0
      const t0 = performance.now()
      let t = t0
      while (t - t0 < BATCH_MS) {
        for (let i = 0; i < 16; i++) await fn()
        n += 16
        t = performance.now()
      }
      return (t - t0) / n
    }
    const names = Object.keys(cases)
    for (const n of names) await batch(cases[n])
    const per = Object.fromEntries(names.map((n) => [n, []]))
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < names.length; k++) {
        const n = names[(r + k) % names.length]
        per[n].push(await batch(cases[n]))
      }
    }
    const us = Object.fromEntries(names.map((n) => [n, +(median(per[n]) * 1000).toFixed(2)]))
    out.getSession = {
      usPerCall: us,
      ratios: {
        betterAuthCookieCacheOffOverOurs: +(us.betterAuthCookieCacheOff / us.oursPostgres).toFixed(1),
        betterAuthCookieCacheOnOverOurs: +(us.betterAuthCookieCacheOn / us.oursPostgres).toFixed(1),
      },
      rounds: ROUNDS,
      batchMs: BATCH_MS,
    }
  }

  // 2. Email + password sign-in.
  {
    const ROUNDS = QUICK ? 8 : 40
    const cases = {
      betterAuthPostgres: async () => {
        const r = await baSignIn(baOff)
        if (r.status !== 200) throw new Error(`Better Auth sign-in answered ${r.status}`)
      },
      betterAuthScryptVerify: async () => {
        if (!(await baVerifyPassword({ hash: baStored, password: PASSWORD }))) throw new Error("scrypt verify failed")
      },
      oursPostgres: async () => {
        const r = await oursPg.signIn()
        if (r.status !== 200) throw new Error(`our sign-in answered ${r.status}`)
      },
      oursSqlite: async () => {
        const r = await oursSqlite.signIn()
        if (r.status !== 200) throw new Error(`our sign-in answered ${r.status}`)
      },
      oursArgon2Verify: async () => {
        if (!(await native.verifyPasswordForBench(PASSWORD, auraStored))) throw new Error("argon2 verify failed")
      },
    }
    const names = Object.keys(cases)
    for (const n of names) for (let i = 0; i < 2; i++) await cases[n]()
    const per = Object.fromEntries(names.map((n) => [n, []]))
    for (let r = 0; r < ROUNDS; r++) {
      for (let k = 0; k < names.length; k++) {
        const n = names[(r + k) % names.length]
        const t0 = performance.now()
        await cases[n]()
        per[n].push(performance.now() - t0)
      }
    }
    const ms = Object.fromEntries(names.map((n) => [n, +median(per[n]).toFixed(2)]))
    out.signIn = {
      medianMs: ms,
      requestPathMs: {
        betterAuthPostgres: +(ms.betterAuthPostgres - ms.betterAuthScryptVerify).toFixed(2),
        oursPostgres: +(ms.oursPostgres - ms.oursArgon2Verify).toFixed(2),
        oursSqlite: +(ms.oursSqlite - ms.oursArgon2Verify).toFixed(2),
      },
      ratios: {
        oursPostgresOverBetterAuth: +(ms.oursPostgres / ms.betterAuthPostgres).toFixed(2),
        argon2idOverScrypt: +(ms.oursArgon2Verify / ms.betterAuthScryptVerify).toFixed(2),
      },
      rounds: ROUNDS,
      note: "different hashes on purpose: each library's own default (Better Auth scrypt N=16384,r=16,p=1 = 16 MiB; ours argon2id m=19456 KiB,t=2,p=1)",
    }
  }
  out.machine.loadAverageAfter = loadavg().map((x) => +x.toFixed(2))
  console.log(JSON.stringify(out, null, 2))
} finally {
  for (const p of pools) await p.end().catch(() => {})
  await pg.close()
  rmSync(tmp, { recursive: true, force: true })
}
process.exit(0)
