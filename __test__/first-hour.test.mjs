// The new user's first hour (issues 16 and 22): the development key, messages that name what to
// change, warnings for a wrong address, and the built-in error page. Processes are real child
// processes (a restart is a new process); the sign-in runs against the real OpenID provider.
import { test, describe, before, after } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import fs, { mkdtempSync, rmSync, statSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { lib, startProviders, startApp, CookieJar, go, SECRET, SALT } from "./helpers/world.mjs"

const INDEX = fileURLToPath(new URL("../index.js", import.meta.url))
const OAUTH = [{ id: "corp", type: "oidc", issuer: "https://id.example.com", clientId: "a", clientSecret: "b" }]

/** Runs `body` (JS, `lib` in scope) in a new node process with `cwd` and `env`; returns its output. */
function child(cwd, env, body) {
  const script = `const lib = require(${JSON.stringify(INDEX)});\n${body}`
  const clean = { ...process.env }
  for (const k of ["AURA_AUTH_SECRET", "AURA_AUTH_SALT", "AURA_AUTH_URL", "NEXT_PHASE"]) delete clean[k]
  const r = spawnSync(process.execPath, ["-e", script], { cwd, env: { ...clean, NODE_ENV: "development", ...env }, encoding: "utf8" })
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }
}

/** Captures console.warn while `fn` runs. */
function warningsOf(fn) {
  const warnings = []
  const orig = console.warn
  console.warn = (...args) => warnings.push(args.join(" "))
  try {
    fn()
  } finally {
    console.warn = orig
  }
  return warnings
}

async function withEnv(vars, fn) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]))
  for (const [k, v] of Object.entries(vars)) v === undefined ? delete process.env[k] : (process.env[k] = v)
  try {
    return await fn()
  } finally {
    for (const [k, v] of Object.entries(saved)) v === undefined ? delete process.env[k] : (process.env[k] = v)
  }
}

describe("issue 22.1: one development key per project", () => {
  const project = mkdtempSync(path.join(tmpdir(), "aura-dev-key-"))
  after(() => rmSync(project, { recursive: true, force: true }))
  const OPTS = JSON.stringify({ oauth: OAUTH })
  let cookie

  test("two createAuth instances without a secret in development share sessions; one warning per process", () => {
    const r = child(project, {}, `
      const a = lib.createAuth(${OPTS}); const b = lib.createAuth(${OPTS})
      const cookie = a.internal.sealSessionForTesting({ sub: "ada", name: "Ada", provider: "corp" })
      b.api.getSession({ headers: { cookie } }).then((s) => console.log(JSON.stringify({ cookie, s })))`)
    assert.equal(r.status, 0, r.stderr)
    const out = JSON.parse(r.stdout)
    assert.equal(out.s.authenticated, true, "instance b reads instance a's session")
    assert.equal(out.s.session.user.sub, "ada")
    cookie = out.cookie
    const warnings = r.stderr.split("\n").filter((l) => l.includes("development key"))
    assert.equal(warnings.length, 1, r.stderr)
    assert.match(warnings[0], /AURA_AUTH_SECRET and AURA_AUTH_SALT not set/)
    assert.match(warnings[0], /\.aura\/dev-secret/)
  })

  test("the key file is written once, 0600, and .aura/ ignores itself in git", () => {
    const file = path.join(project, ".aura", "dev-secret")
    if (process.platform !== "win32") assert.equal(statSync(file).mode & 0o777, 0o600)
    assert.match(readFileSync(file, "utf8"), /^AURA_AUTH_SECRET=/m)
    assert.equal(readFileSync(path.join(project, ".aura", ".gitignore"), "utf8").trim().split("\n").pop(), "*")
  })

  test("a restart (a new process) keeps the sessions", () => {
    const r = child(project, {}, `lib.createAuth(${OPTS}).api.getSession({ headers: { cookie: ${JSON.stringify(cookie)} } }).then((s) => console.log(JSON.stringify(s)))`)
    assert.equal(r.status, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).authenticated, true)
  })

  test("another project has another key", () => {
    const other = mkdtempSync(path.join(tmpdir(), "aura-dev-key-other-"))
    try {
      const r = child(other, {}, `lib.createAuth(${OPTS}).api.getSession({ headers: { cookie: ${JSON.stringify(cookie)} } }).then((s) => console.log(JSON.stringify(s)))`)
      assert.equal(JSON.parse(r.stdout).authenticated, false)
    } finally {
      rmSync(other, { recursive: true, force: true })
    }
  })

  test("production refuses to use the development key: one message names every missing variable", () => {
    const r = child(project, { NODE_ENV: "production" }, `
      try { lib.createAuth(${OPTS}); console.log("created") } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }`)
    const out = JSON.parse(r.stdout)
    assert.equal(out.code, "MISSING_SECRET")
    assert.match(out.message, /AURA_AUTH_SECRET and AURA_AUTH_SALT are required in production/)
    assert.match(out.message, /never used in production/)
  })

  test("production with only the salt missing names only the salt", () => {
    const r = child(project, { NODE_ENV: "production", AURA_AUTH_SECRET: SECRET }, `
      try { lib.createAuth(${OPTS}) } catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })) }`)
    const out = JSON.parse(r.stdout)
    assert.equal(out.code, "MISSING_SALT")
    assert.match(out.message, /^AURA_AUTH_SALT is required/)
  })

  test("next build prints one line naming what the server will need", () => {
    const r = child(project, { NODE_ENV: "production", NEXT_PHASE: "phase-production-build" }, `
      lib.createAuth(${OPTS}); lib.createAuth(${OPTS}); console.log("built")`)
    assert.equal(r.stdout, "built")
    const lines = r.stderr.split("\n").filter((l) => l.includes("next build"))
    assert.equal(lines.length, 1, r.stderr)
    assert.match(lines[0], /AURA_AUTH_SECRET and AURA_AUTH_SALT/)
    assert.doesNotMatch(lines[0], /CLIENT_ID/, "the provider has its credentials")
  })

  test("next build's line also names missing provider credentials", () => {
    const r = child(project, { NODE_ENV: "production", NEXT_PHASE: "phase-production-build" }, `
      lib.createAuth({ oauth: ["github"] }); console.log("built")`)
    assert.equal(r.stdout, "built")
    const lines = r.stderr.split("\n").filter((l) => l.includes("next build"))
    assert.equal(lines.length, 1, r.stderr)
    assert.match(lines[0], /AURA_AUTH_SECRET and AURA_AUTH_SALT/)
    assert.match(lines[0], /GITHUB_CLIENT_ID/)
  })
})

describe("issue 22.3 / 16: warnings about the app's address", () => {
  const base = { oauth: OAUTH, secret: SECRET, salt: SALT }
  test("a localhost baseURL under NODE_ENV=production warns, naming the config option", async () => {
    await withEnv({ NODE_ENV: "production", AURA_AUTH_URL: undefined }, () => {
      const w = warningsOf(() => lib.createAuth({ ...base, baseURL: "http://localhost:3000" }))
      assert.equal(w.length, 1, w.join("\n"))
      assert.match(w[0], /loopback address while NODE_ENV=production/)
      assert.match(w[0], /from the baseURL option/)
    })
  })
  test("a localhost AURA_AUTH_URL under NODE_ENV=production warns, naming AURA_AUTH_URL", async () => {
    await withEnv({ NODE_ENV: "production", AURA_AUTH_URL: "http://127.0.0.1:4000" }, () => {
      const w = warningsOf(() => lib.createAuth(base))
      assert.equal(w.length, 1, w.join("\n"))
      assert.match(w[0], /`http:\/\/127\.0\.0\.1:4000` \(from AURA_AUTH_URL\)/)
    })
  })
  test("AURA_AUTH_URL and a configured baseURL that disagree: one warning naming both", async () => {
    await withEnv({ NODE_ENV: "development", AURA_AUTH_URL: "http://localhost:3001" }, () => {
      const w = warningsOf(() => lib.createAuth({ ...base, baseURL: "http://localhost:3002" }))
      assert.equal(w.length, 1, w.join("\n"))
      assert.match(w[0], /baseURL `http:\/\/localhost:3002` in the config overrides AURA_AUTH_URL `http:\/\/localhost:3001`/)
      assert.match(w[0], /remove baseURL/)
      // The same instance again in this process: not repeated.
      assert.equal(warningsOf(() => lib.createAuth({ ...base, baseURL: "http://localhost:3002" })).length, 0)
    })
  })
})

describe("issue 16: a misspelt option names the closest one", () => {
  const base = { oauth: OAUTH, secret: SECRET, salt: SALT }
  const messageOf = (config) => {
    try {
      lib.createAuth(config)
    } catch (e) {
      assert.equal(e.code, "INVALID_CONFIG")
      return e.message
    }
    assert.fail("no error")
  }
  test("`sesion` → did you mean `session`; no parser position; no internal option names", () => {
    const m = messageOf({ ...base, sesion: { maxAge: 60 } })
    assert.match(m, /Unknown option `sesion`: did you mean `session`\?/)
    assert.doesNotMatch(m, /line \d+|column \d+/)
    assert.doesNotMatch(m, /`hooks`/)
    assert.match(m, /`trustedOrigins`/)
  })
  test("a nested typo names its path", () => {
    assert.match(messageOf({ ...base, cookies: { prefx: "x" } }), /`cookies\.prefx`: did you mean `cookies\.prefix`\?/)
  })
  test("a misspelt provider option names the closest one", () => {
    try {
      lib.createAuth({ ...base, oauth: [{ ...OAUTH[0], clientSecrett: "x" }] })
      assert.fail("no error")
    } catch (e) {
      assert.equal(e.code, "INVALID_PROVIDER")
      assert.match(e.message, /did you mean `clientSecret`\?/)
    }
  })
})

describe("issue 16: a sign-in on another host than baseURL's", () => {
  let world
  let app
  before(async () => {
    world = await startProviders()
    // The app listens on 127.0.0.1 but says its address is localhost (the report).
    app = await startApp((origin) => ({ oauth: world.providers(), baseURL: origin.replace("127.0.0.1", "localhost"), secret: SECRET, salt: SALT }))
  })
  after(async () => {
    await app.close()
    await world.close()
  })

  test("warns once at the default log level, naming both addresses and what to change", async () => {
    const lines = []
    const orig = console.warn
    console.warn = (...a) => lines.push(a.join(" "))
    try {
      for (let i = 0; i < 3; i++) {
        const res = await go(new CookieJar(), `${app.base}/signIn/oidc`)
        assert.equal(res.status, 302)
      }
    } finally {
      console.warn = orig
    }
    const hits = lines.filter((l) => l.includes("BASE_URL_HOST_MISMATCH"))
    assert.equal(hits.length, 1, lines.join("\n"))
    const port = new URL(app.origin).port
    assert.ok(hits[0].includes(`127.0.0.1:${port}`) && hits[0].includes(`http://localhost:${port}`), hits[0])
    assert.match(hits[0], /set baseURL \(AURA_AUTH_URL\)/)
  })

  test("the error page for FLOW_COOKIE_MISSING names the cause and links to sign in again at baseURL", async () => {
    const port = new URL(app.origin).port
    for (const code of ["FLOW_COOKIE_MISSING", "STATE_MISMATCH"]) {
      const res = await fetch(`${app.base}/error?code=${code}`)
      assert.equal(res.headers.get("content-type"), "text/html; charset=utf-8")
      const html = await res.text()
      assert.match(html, new RegExp(`different address than its configured <code>baseURL</code>, <code>http://localhost:${port}</code>`))
      assert.match(html, new RegExp(`href="http://localhost:${port}/api/auth/signIn">Sign in again</a>`))
    }
  })

  test("the error page is styled in the page: viewport, dark mode, no external assets, nothing echoed", async () => {
    const html = await (await fetch(`${app.base}/error?code=<script>alert(1)</script>`)).text()
    assert.match(html, /<meta name="viewport" content="width=device-width/)
    assert.match(html, /@media \(prefers-color-scheme:dark\)/)
    assert.match(html, /<style>/)
    assert.doesNotMatch(html, /<script|<link|<img|src=|url\(/)
    assert.doesNotMatch(html, /alert/)
    assert.match(html, /UNKNOWN_ERROR/)
    assert.doesNotMatch(html, /Most often/, "the address hint is for lost flows only")
  })
})

describe("issue 22.4: the README and package.json a user gets from npm", () => {
  const ROOT = fileURLToPath(new URL("..", import.meta.url))
  test("the packed README has no relative links and no repository-only commands", async () => {
    const { packageReadme, relativeLinks } = await import("../scripts/package-readme.mjs")
    const source = readFileSync(path.join(ROOT, "README.md"), "utf8")
    assert.ok(relativeLinks(source).length > 0, "the repository README links into docs/ (the check can fail)")
    const shipped = packageReadme(source)
    assert.deepEqual(relativeLinks(shipped), [])
    assert.doesNotMatch(shipped, /npm run demo|npm test/)
    assert.match(shipped, /\]\(https:\/\/github\.com\/aura-stack\/auth\/blob\/main\/docs\/configuration\.md\)/)
    assert.match(shipped, /!\[[^\]]*\]\(https:\/\/raw\.githubusercontent\.com\/aura-stack\/auth\/main\/docs\/screenshots\/login\.png\)/)
    assert.match(shipped, /^npm install @aura-stack\/auth$/m, "it opens with the install command")
  })
  test("scripts/pack.mjs writes that README into the main tarball", () => {
    assert.match(readFileSync(path.join(ROOT, "scripts", "pack.mjs"), "utf8"), /packageReadme\(/)
  })
  test("package.json has repository, homepage and the aura-auth bin, and ships what the bin needs", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"))
    assert.equal(pkg.repository.url, "git+https://github.com/aura-stack/auth.git")
    assert.equal(pkg.homepage, "https://github.com/aura-stack/auth#readme")
    assert.equal(pkg.bin["aura-auth"], "scripts/cli.mjs")
    for (const f of ["scripts/cli.mjs", "scripts/secret.mjs", "scripts/lock-platform-packages.mjs"]) assert.ok(pkg.files.includes(f), f)
  })
})

describe("issue 16: `npx aura-auth lock` works from the installed package (no repository)", () => {
  const ROOT = fileURLToPath(new URL("..", import.meta.url))
  test("adds every other platform's entry to the app's lock file, from the package's own package.json", () => {
    const work = mkdtempSync(path.join(tmpdir(), "aura-cli-"))
    try {
      // The installed layout: node_modules/@aura-stack/auth with its `files` only (no npm/ folder).
      const pkgDir = path.join(work, "node_modules", "@aura-stack", "auth")
      const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"))
      for (const f of ["package.json", "scripts/cli.mjs", "scripts/secret.mjs", "scripts/lock-platform-packages.mjs"]) {
        const to = path.join(pkgDir, f)
        fs.mkdirSync(path.dirname(to), { recursive: true })
        fs.copyFileSync(path.join(ROOT, f), to)
      }
      const lock = { name: "app", lockfileVersion: 3, requires: true, packages: { "": { name: "app" }, "node_modules/@aura-stack/auth": { version: pkg.version } } }
      fs.writeFileSync(path.join(work, "package-lock.json"), JSON.stringify(lock))
      const cli = path.join(pkgDir, "scripts", "cli.mjs")
      const r = spawnSync(process.execPath, [cli, "lock"], { cwd: work, encoding: "utf8" })
      assert.equal(r.status, 0, r.stderr)
      const after = JSON.parse(readFileSync(path.join(work, "package-lock.json"), "utf8")).packages
      for (const name of Object.keys(pkg.optionalDependencies)) {
        assert.equal(after[`node_modules/${name}`]?.version, pkg.version, name)
        assert.equal(after[`node_modules/${name}`].optional, true)
      }
      assert.deepEqual(after["node_modules/@aura-stack/auth-linux-x64-musl"].libc, ["musl"])
      const secret = spawnSync(process.execPath, [cli, "secret"], { encoding: "utf8" })
      assert.match(secret.stdout, /^AURA_AUTH_SECRET=[A-Za-z0-9_-]{43}\nAURA_AUTH_SALT=[A-Za-z0-9_-]{43}\n$/)
      const bad = spawnSync(process.execPath, [cli, "nope"], { encoding: "utf8" })
      assert.equal(bad.status, 2)
      assert.match(bad.stderr, /unknown command `nope`/)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  })
})

describe("issue 16: the README states the Node version on which the dev tools install without warnings", () => {
  test("every engines.node in package-lock.json and the example's lock accepts it", async () => {
    const ROOT = fileURLToPath(new URL("..", import.meta.url))
    const { createRequire } = await import("node:module")
    const semver = createRequire(import.meta.url)("semver")
    const readme = readFileSync(path.join(ROOT, "README.md"), "utf8")
    const stated = /warning-free on Node (\d+\.\d+) or later/.exec(readme)
    assert.ok(stated, "README names the warning-free Node version")
    const version = `${stated[1]}.0`
    const refused = []
    for (const lockFile of ["package-lock.json", "examples-next-pages/package-lock.json"]) {
      const lock = JSON.parse(readFileSync(path.join(ROOT, lockFile), "utf8"))
      for (const [name, meta] of Object.entries(lock.packages)) {
        const range = meta.engines?.node
        // Another platform's optional package is never installed here, so npm does not check it.
        const otherPlatform = (meta.os && !meta.os.includes(process.platform)) || (meta.cpu && !meta.cpu.includes(process.arch))
        if (name && range && !otherPlatform && !semver.satisfies(version, range)) refused.push(`${lockFile}: ${name} wants node ${range}`)
      }
    }
    assert.deepEqual(refused, [])
  })
})
