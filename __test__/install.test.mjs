// Installs the package the way a user does, and checks it works in a fresh Next.js Pages Router app:
//
//   npm run pack  ->  dist/aura-stack-auth-<v>.tgz + dist/aura-stack-auth-linux-x64-gnu-<v>.tgz
//   a new app in a temp folder (package.json, the strict tsconfig with the `@/*` -> `./*` alias of a create-next-app
//   project without src/), whose lib/auth.ts, pages/api/auth/[...aura].ts and pages/index.tsx are the README's Quick
//   start files taken from README.md as they are, with one change: lib/auth.ts's `"github"` becomes the local OpenID
//   provider under the id "github" (its credentials from GITHUB_CLIENT_ID/SECRET in .env.local, as the Quick start
//   says) and baseURL its port; plus the guide's dashboard and login pages
//   npm install <both tarballs> with a PATH on which there is no cargo or rustc; no install-links, no turbopack.root
//   next build (Turbopack, Next 16's default) with no secret anywhere; then `npx aura-auth secret >> .env.local`
//   a full sign-in at the local OpenID provider over HTTP; the Quick start page and the dashboard are server-rendered
//   with the user; then `npx aura-auth lock` + `npm ci` (the README's tarball steps) and a later plain `npm install`,
//   and `next build` again: the package is still a real folder and still works.
//
// next/react come from the npm cache when they are there (--prefer-offline); the e2e test fills it first.
import { test, before, after } from "node:test"
import assert from "node:assert/strict"
import { spawn, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { startOidcProvider } from "./fixtures/oidc-server.mjs"
import { completeOidcLogin } from "./fixtures/oidc-login.mjs"
import { CookieJar } from "./fixtures/cookie-jar.mjs"
import { getFreePort } from "./fixtures/free-port.mjs"
import { snippets } from "./helpers/snippets.mjs"

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)))
const log = (msg) => console.error(`[install] ${msg}`)
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))
// The versions the example app is locked to, so a warm npm cache serves them.
const exampleLock = JSON.parse(fs.readFileSync(path.join(ROOT, "examples-next-pages", "package-lock.json"), "utf8")).packages
const v = (name) => exampleLock[`node_modules/${name}`]?.version ?? "latest"

// PATH without any directory that holds cargo or rustc: the install must not need Rust.
const NO_RUST_PATH = (process.env.PATH ?? "")
  .split(path.delimiter)
  .filter((dir) => dir && !["cargo", "rustc", "rustup"].some((bin) => fs.existsSync(path.join(dir, bin))))
  .join(path.delimiter)

let work
let app
let provider
let port
let appURL
let tarballs
const timings = {}

function userEnv(extra = {}) {
  const env = { ...process.env, PATH: NO_RUST_PATH, NEXT_TELEMETRY_DISABLED: "1", ...extra }
  for (const k of ["NODE_ENV", "AURA_AUTH_SECRET", "AURA_AUTH_SALT", "AURA_AUTH_URL", "CARGO", "RUSTC", "CARGO_HOME", "RUSTUP_HOME"]) {
    if (!(k in extra)) delete env[k]
  }
  for (const k of Object.keys(env)) if (k.startsWith("npm_")) delete env[k]
  return env
}

function run(cmd, args, { cwd = app, env = userEnv(), label = `${cmd} ${args.join(" ")}` } = {}) {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] })
    let out = ""
    child.stdout.on("data", (d) => (out = (out + d).slice(-30000)))
    child.stderr.on("data", (d) => (out = (out + d).slice(-30000)))
    child.on("error", reject)
    child.on("exit", (code, signal) => {
      const ms = Date.now() - started
      log(`${label}: ${(ms / 1000).toFixed(1)} s`)
      if (code === 0) resolve({ out, ms })
      else reject(new Error(`${label} failed (${signal ?? `exit ${code}`}):\n${out}`))
    })
  })
}

/** The Quick start's files, from README.md as it is: { "lib/auth.ts": code, ... }. */
function quickStart() {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8")
  const section = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("\n## ", readme.indexOf("## Quick start") + 5))
  const files = Object.fromEntries(snippets(section).filter((s) => s.file).map((s) => [s.file, `${s.code}\n`]))
  assert.deepEqual(Object.keys(files).sort(), ["lib/auth.ts", "pages/api/auth/[...aura].ts", "pages/index.tsx"])
  return files
}

const write = (rel, text) => {
  fs.mkdirSync(path.dirname(path.join(app, rel)), { recursive: true })
  fs.writeFileSync(path.join(app, rel), text.replace(/^\n/, ""))
}

/** The app, as the README's "Using it" tells a user without src/ to write it. */
function writeApp() {
  write(
    "package.json",
    JSON.stringify(
      {
        name: "fresh-pages-app",
        version: "0.1.0",
        private: true,
        scripts: { dev: "next dev", build: "next build", start: "next start" },
        dependencies: { next: v("next"), react: v("react"), "react-dom": v("react-dom") },
        devDependencies: { typescript: v("typescript"), "@types/node": v("@types/node"), "@types/react": v("@types/react") },
      },
      null,
      2,
    ),
  )
  // create-next-app without src/: "@/*" maps to "./*", so "@/lib/auth" is lib/auth.ts.
  write(
    "tsconfig.json",
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2017",
          lib: ["dom", "dom.iterable", "esnext"],
          allowJs: true,
          skipLibCheck: true,
          strict: true,
          noEmit: true,
          esModuleInterop: true,
          module: "esnext",
          moduleResolution: "bundler",
          resolveJsonModule: true,
          isolatedModules: true,
          jsx: "react-jsx",
          incremental: true,
          paths: { "@/*": ["./*"] },
        },
        include: ["next-env.d.ts", "**/*.ts", "**/*.tsx"],
        exclude: ["node_modules"],
      },
      null,
      2,
    ),
  )
  // The README's Quick start, literally, but for the provider and the port.
  const files = quickStart()
  const local = `{ id: "github", type: "oidc", name: "GitHub (local OpenID)", issuer: ${JSON.stringify(provider.issuer)} }`
  const auth = files["lib/auth.ts"]
  assert.match(auth, /oauth: \["github"\]/)
  assert.match(auth, /baseURL: "http:\/\/localhost:3000"/)
  write("lib/auth.ts", auth.replace('"github"', local).replace("http://localhost:3000", appURL))
  write("pages/api/auth/[...aura].ts", files["pages/api/auth/[...aura].ts"])
  write("pages/index.tsx", files["pages/index.tsx"])
  write(
    "lib/auth-client.ts",
    `
import { createAuthClient } from "@aura-stack/auth/client"

export const authClient = createAuthClient({
  basePath: "/api/auth",
  baseURL: process.env.NEXT_PUBLIC_APP_URL,
})
`,
  )
  // The guide's SSR dashboard, as written (the cast included).
  write(
    "pages/dashboard.tsx",
    `
import { api } from "@/lib/auth"
import type { Session } from "@aura-stack/auth"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"

export const getServerSideProps: GetServerSideProps<{ session: Session | null }> = async ({ req }) => {
  const session = await api.getSession({
    headers: req.headers as Record<string, string>,
  })
  return {
    props: {
      session: session.authenticated ? session.session : null,
    },
  }
}

export default function DashboardPage({ session }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  if (!session) {
    return <p>You must be signed in to view this page.</p>
  }
  return (
    <div>
      <h1>Welcome, {session.user?.name}!</h1>
      <p>Email: {session.user?.email}</p>
    </div>
  )
}
`,
  )
  // The guide's client-side login page (browser bundle: @aura-stack/auth/client only).
  write(
    "pages/login.tsx",
    `
import { authClient } from "@/lib/auth-client"

export default function LoginPage() {
  const signIn = async () => {
    const response = await authClient.signIn("github", {
      redirect: true,
      redirectTo: "/dashboard",
    })
    if (!response.ok) {
      console.error("Sign-in failed:", response.error)
    }
  }

  return (
    <div>
      <h1>Login</h1>
      <button onClick={signIn}>Sign in with GitHub</button>
    </div>
  )
}
`,
  )
}

async function nextBuild(label) {
  const env = userEnv({ NEXT_PUBLIC_APP_URL: appURL })
  const { out, ms } = await run(process.execPath, ["node_modules/next/dist/bin/next", "build"], { env, label })
  assert.match(out, /Turbopack/i, `next build did not use Turbopack:\n${out}`)
  return { ms, out }
}

async function nextStart() {
  const env = userEnv({})
  const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", String(port), "-H", "localhost"], {
    cwd: app,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  })
  let out = ""
  child.stdout.on("data", (d) => (out = (out + d).slice(-30000)))
  child.stderr.on("data", (d) => (out = (out + d).slice(-30000)))
  let exited = false
  const exit = new Promise((resolve) => child.on("exit", () => resolve((exited = true))))
  const stop = async () => {
    if (exited) return
    child.kill("SIGTERM")
    const t = setTimeout(() => child.kill("SIGKILL"), 5000)
    await exit
    clearTimeout(t)
  }
  const deadline = Date.now() + 60000
  for (;;) {
    if (exited) throw new Error(`next start exited:\n${out}`)
    try {
      const res = await fetch(`${appURL}/api/auth/providers`, { signal: AbortSignal.timeout(3000) })
      await res.arrayBuffer()
      break
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`next start did not answer:\n${out}`)
      }
      await new Promise((r) => setTimeout(r, 250))
    }
  }
  return { stop, output: () => out }
}

function client(jar = new CookieJar()) {
  return async (url, init = {}) => {
    const res = await fetch(url, { redirect: "manual", ...init, headers: { ...jar.headersFor(url), ...(init.headers ?? {}) } })
    jar.store(url, res)
    return res
  }
}

function assertInstalledAsUser() {
  const main = path.join(app, "node_modules", "@aura-stack", "auth")
  const platform = path.join(app, "node_modules", "@aura-stack", "auth-linux-x64-gnu")
  assert.ok(!fs.lstatSync(main).isSymbolicLink(), "@aura-stack/auth is a symlink")
  assert.ok(!fs.lstatSync(platform).isSymbolicLink(), "@aura-stack/auth-linux-x64-gnu is a symlink")
  assert.deepEqual(
    fs.readdirSync(main).filter((f) => f.endsWith(".node")),
    [],
    "the main package must not carry the addon (it comes from the platform package)",
  )
  assert.ok(fs.existsSync(path.join(platform, "aura-auth.linux-x64-gnu.node")))
  // The addon that actually loads is the platform package's.
  const probe = spawnSync(
    process.execPath,
    ["-e", `require("@aura-stack/auth"); const m = Object.keys(require.cache).filter((f) => f.endsWith(".node")); console.log(JSON.stringify(m))`],
    { cwd: app, env: userEnv(), encoding: "utf8" },
  )
  assert.equal(probe.status, 0, probe.stderr)
  const loaded = JSON.parse(probe.stdout)
  assert.equal(loaded.length, 1, probe.stdout)
  assert.equal(fs.realpathSync(loaded[0]), fs.realpathSync(path.join(platform, "aura-auth.linux-x64-gnu.node")))
}

before(
  async () => {
    assert.equal(spawnSync("cargo", ["--version"], { env: userEnv() }).error?.code, "ENOENT", "cargo must not be on the test's PATH")
    assert.equal(spawnSync("rustc", ["--version"], { env: userEnv() }).error?.code, "ENOENT", "rustc must not be on the test's PATH")
    let started = Date.now()
    const packed = spawnSync(process.execPath, [path.join(ROOT, "scripts", "pack.mjs"), "--no-build", "--quiet"], { cwd: ROOT, encoding: "utf8" })
    assert.equal(packed.status, 0, packed.stderr)
    const { main, platform } = JSON.parse(packed.stdout.trim().split("\n").pop())
    tarballs = [main, platform]
    assert.equal(path.basename(main), `aura-stack-auth-${pkg.version}.tgz`)
    assert.equal(path.basename(platform), `aura-stack-auth-linux-x64-gnu-${pkg.version}.tgz`)
    timings.pack = Date.now() - started

    work = fs.mkdtempSync(path.join(os.tmpdir(), "aura-install-"))
    app = path.join(work, "fresh-pages-app")
    fs.mkdirSync(app)
    // The tarballs are copied next to the app, as a user would download them.
    for (const t of tarballs) fs.copyFileSync(t, path.join(work, path.basename(t)))
    port = await getFreePort()
    appURL = `http://localhost:${port}`
    provider = await startOidcProvider({ redirectUris: [`${appURL}/api/auth/callback/github`] })
    writeApp()
  },
  { timeout: 5 * 60 * 1000 },
)

after(async () => {
  if (provider) await provider.close()
  if (work && !process.env.KEEP_INSTALL_APP) fs.rmSync(work, { recursive: true, force: true })
  else if (work) log(`app kept in ${app}`)
  log(`timings (s): ${Object.entries(timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)}`).join(", ")}`)
})

test("installed from the two tarballs without Rust, built with Turbopack, a full sign-in works; again after a plain npm install", { timeout: 15 * 60 * 1000 }, async () => {
  const started = Date.now()
  const npmArgs = ["--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"]
  // 1. Install: next/react and the two tarballs, in one command.
  timings.install = (
    await run("npm", ["install", ...npmArgs, ...tarballs.map((t) => `../${path.basename(t)}`)], { label: "npm install <tarballs>" })
  ).ms
  const appPkg = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8"))
  assert.match(appPkg.dependencies["@aura-stack/auth"], /aura-stack-auth-\d.*\.tgz$/)
  assertInstalledAsUser()

  // 2. next build without any secret anywhere (they are given at runtime only): one line says what the server needs.
  const build1 = await nextBuild("next build")
  timings.build1 = build1.ms
  assert.match(build1.out, /\[aura-auth\] next build: deferred to run time.*AURA_AUTH_SECRET and AURA_AUTH_SALT.*GITHUB_CLIENT_ID/)
  // The Quick start's .env.local: `npx aura-auth secret >> .env.local`, then the provider's credentials.
  const secret = await run("npx", ["--no-install", "aura-auth", "secret"], { label: "npx aura-auth secret" })
  assert.match(secret.out, /^AURA_AUTH_SECRET=\S{43}\nAURA_AUTH_SALT=\S{43}\n$/)
  fs.appendFileSync(path.join(app, ".env.local"), `${secret.out}GITHUB_CLIENT_ID=${provider.clientId}\nGITHUB_CLIENT_SECRET=${provider.clientSecret}\n`)
  let server = await nextStart()
  try {
    const request = client()
    let res = await request(`${appURL}/api/auth/providers`)
    assert.equal(res.status, 200)
    const providers = await res.json()
    assert.deepEqual(providers.map((p) => [p.id, p.name]), [["github", "GitHub (local OpenID)"]])

    // The Quick start page, signed out: its sign-in button.
    res = await request(`${appURL}/`)
    assert.equal(res.status, 200)
    assert.match(await res.text(), /<button>Sign in with GitHub<\/button>/)
    res = await request(`${appURL}/dashboard`)
    assert.match(await res.text(), /You must be signed in/)
    res = await request(`${appURL}/login`)
    assert.match(await res.text(), /Sign in with GitHub/)

    // What the button does: authClient.signIn("github", { redirectTo: "/" }).
    res = await request(`${appURL}/api/auth/signIn/github?redirectTo=/`)
    assert.equal(res.status, 302, await res.text())
    const authorize = res.headers.get("location")
    assert.ok(authorize.startsWith(provider.issuer), authorize)
    const { callbackUrl } = await completeOidcLogin(authorize, { username: "ada" })
    res = await request(callbackUrl)
    assert.equal(res.status, 302, await res.text())
    assert.equal(new URL(res.headers.get("location"), appURL).pathname, "/")
    res = await request(`${appURL}/`)
    const home = await res.text()
    assert.equal(res.status, 200)
    assert.match(home, /Signed in as (<!-- -->)?Ada Tester/)
    assert.match(home, /<button>Sign out<\/button>/)
    res = await request(`${appURL}/dashboard`)
    const html = await res.text()
    assert.match(html, /Welcome, (<!-- -->)?Ada Tester(<!-- -->)?!/)
    assert.match(html, /ada@example\.test/)
    const session = await (await request(`${appURL}/api/auth/session`)).json()
    assert.equal(session.authenticated, true)
    assert.equal(session.session.user.sub, "ada")
    await server.stop()

    // 3. The README's tarball steps: `npx aura-auth lock` makes the lock file acceptable to `npm ci`; then a later
    //    plain `npm install` (what broke the --install-links copy before), then build and serve again.
    await run("npx", ["--no-install", "aura-auth", "lock"], { label: "npx aura-auth lock" })
    timings.ci = (await run("npm", ["ci", ...npmArgs], { label: "npm ci" })).ms
    assertInstalledAsUser()
    timings.reinstall = (await run("npm", ["install", ...npmArgs], { label: "npm install (plain, later)" })).ms
    assertInstalledAsUser()
    fs.rmSync(path.join(app, ".next"), { recursive: true, force: true })
    timings.build2 = (await nextBuild("next build (after npm ci and npm install)")).ms
    server = await nextStart()
    res = await request(`${appURL}/`)
    const again = await res.text()
    assert.match(again, /Signed in as (<!-- -->)?Ada Tester/, "the session made before still opens")
    const { csrfToken } = await (await request(`${appURL}/api/auth/csrfToken`)).json()
    res = await request(`${appURL}/api/auth/signOut`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrfToken, origin: appURL },
      body: "{}",
    })
    assert.equal(res.status, 200, await res.text())
    assert.deepEqual(await (await request(`${appURL}/api/auth/session`)).json(), { authenticated: false, session: null })
  } catch (err) {
    console.error(`# next start output:\n${server.output().slice(-5000)}`)
    throw err
  } finally {
    await server.stop()
  }
  timings.total = Date.now() - started
})
