#!/usr/bin/env node
// `npm run demo`: the example app with a working sign-in, on a fresh clone, in one command.
//
//   1. installs the root npm dependencies if any is missing,
//   2. builds the native addon (`npm run build`) if aura-auth.node is missing or older than the Rust sources,
//   3. installs the example (examples-next-pages/, the package copied in with --install-links) and builds it
//      (`next build`, skipped when nothing changed since the last build),
//   4. starts a local OpenID provider (any username / password) and the app (`next start`),
//   5. prints the URL and the demo credentials; Ctrl-C stops everything it started.
//
// Options: --port N (default $PORT or 3000; a free port is used if it is taken), --smoke (sign in and out over
// HTTP once, then stop: a self-check), --no-build-addon (never run cargo).
//
// The helpers are exported for __test__/e2e-next.test.mjs.
import { spawn } from "node:child_process"
import { createHash } from "node:crypto"
import fs from "node:fs"
import net from "node:net"
import path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { generateSecrets } from "./secret.mjs"

export const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)))
export const EXAMPLE = path.join(ROOT, "examples-next-pages")
export const ADDON = path.join(ROOT, "aura-auth.node")
const PKG_COPY = path.join(EXAMPLE, "node_modules", "@aura-stack", "auth")
const NPM = process.platform === "win32" ? "npm.cmd" : "npm"
const STAMP = path.join(EXAMPLE, ".next", "aura-build-stamp.json")

const defaultLog = (msg) => console.log(`[demo] ${msg}`)

// Every child process started by run() that is still running (npm install, next build), so a stop can end them.
const liveChildren = new Set()

/**
 * Run a command; resolves when it exits 0, rejects otherwise.
 * stdio: "inherit" (demo), "stderr" (child stdout+stderr to our stderr: test runners keep stdout for TAP),
 * or "capture" (kept, and put in the error message on failure).
 */
export function run(cmd, args, { cwd = ROOT, env = process.env, stdio = "inherit" } = {}) {
  return new Promise((resolve, reject) => {
    const spec = stdio === "inherit" ? ["ignore", "inherit", "inherit"] : stdio === "stderr" ? ["ignore", 2, 2] : ["ignore", "pipe", "pipe"]
    const child = spawn(cmd, args, { cwd, env, stdio: spec, shell: process.platform === "win32" })
    liveChildren.add(child)
    child.on("exit", () => liveChildren.delete(child))
    let output = ""
    child.stdout?.on("data", (d) => (output = (output + d).slice(-20000)))
    child.stderr?.on("data", (d) => (output = (output + d).slice(-20000)))
    child.on("error", (err) => reject(new Error(`${cmd} ${args.join(" ")}: ${err.message}`)))
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(output)
      else reject(new Error(`\`${cmd} ${args.join(" ")}\` in ${cwd} failed (${signal ?? `exit ${code}`})${output ? `:\n${output}` : ""}`))
    })
  })
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"))
}

function commandExists(cmd) {
  const dirs = (process.env.PATH ?? "").split(path.delimiter)
  const exts = process.platform === "win32" ? [".exe", ".cmd", ""] : [""]
  return dirs.some((d) => exts.some((e) => fs.existsSync(path.join(d, cmd + e))))
}

/** Environment for child processes: telemetry off, NODE_ENV left to Next. */
export function childEnv(extra = {}) {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...extra }
  delete env.NODE_ENV
  return env
}

/** 1. Root npm dependencies. */
export async function ensureRootDeps({ log = defaultLog, stdio = "inherit" } = {}) {
  const pkg = readJson(path.join(ROOT, "package.json"))
  const names = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })
  const missing = names.filter((n) => !fs.existsSync(path.join(ROOT, "node_modules", n, "package.json")))
  if (!missing.length) return false
  log(`installing the root npm dependencies (missing: ${missing.join(", ")})`)
  const hasLock = fs.existsSync(path.join(ROOT, "package-lock.json"))
  try {
    await run(NPM, hasLock ? ["ci", "--no-audit", "--no-fund"] : ["install", "--no-audit", "--no-fund"], { cwd: ROOT, env: childEnv(), stdio })
  } catch (err) {
    if (!hasLock) throw err
    log("npm ci failed (lock file out of date?); trying npm install")
    await run(NPM, ["install", "--no-audit", "--no-fund"], { cwd: ROOT, env: childEnv(), stdio })
  }
  return true
}

function newestMtime(paths) {
  let newest = 0
  const visit = (p) => {
    let st
    try {
      st = fs.statSync(p)
    } catch {
      return
    }
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) visit(path.join(p, e))
    else newest = Math.max(newest, st.mtimeMs)
  }
  paths.forEach(visit)
  return newest
}

/** 2. The native addon: built when missing (and, with rebuildStale, when the Rust sources are newer). */
export async function ensureAddon({ log = defaultLog, stdio = "inherit", rebuildStale = false } = {}) {
  let reason = null
  if (!fs.existsSync(ADDON)) reason = "aura-auth.node is missing"
  else if (rebuildStale) {
    const sources = ["src", "Cargo.toml", "Cargo.lock", "build.rs"].map((p) => path.join(ROOT, p))
    if (newestMtime(sources) > fs.statSync(ADDON).mtimeMs) reason = "the Rust sources changed since aura-auth.node was built"
  }
  if (!reason) return false
  if (!commandExists("cargo")) {
    throw new Error(`${reason}, and building it needs Rust (cargo), which is not on PATH. Install it from https://rustup.rs and run again.`)
  }
  log(`building the native addon (${reason}): npm run build — the first build takes a few minutes`)
  await run(NPM, ["run", "build"], { cwd: ROOT, env: childEnv(), stdio })
  if (!fs.existsSync(ADDON)) throw new Error("`npm run build` finished but aura-auth.node is still missing")
  return true
}

function globToRegExp(glob) {
  return new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`)
}

/** The files the package ships (root package.json `files`, expanded at the top level, plus package.json). */
export function packageFiles() {
  const pkg = readJson(path.join(ROOT, "package.json"))
  const top = fs.readdirSync(ROOT)
  const out = new Set(["package.json"])
  for (const entry of pkg.files ?? []) {
    if (entry.includes("*")) {
      const re = globToRegExp(entry)
      for (const f of top) if (re.test(f)) out.add(f)
    } else if (fs.existsSync(path.join(ROOT, entry))) out.add(entry)
  }
  return [...out].filter((f) => fs.statSync(path.join(ROOT, f)).isFile()).sort()
}

function fileHash(file) {
  return createHash("sha256").update(fs.readFileSync(file)).digest("hex")
}

/** Files of the package whose copy in the example differs from the repository (empty = in sync). */
export function stalePackageFiles() {
  return packageFiles().filter((f) => {
    const copy = path.join(PKG_COPY, f)
    if (!fs.existsSync(copy)) return true
    return fileHash(copy) !== fileHash(path.join(ROOT, f))
  })
}

/** 3a. The example's dependencies, with the package copied in (not symlinked: Turbopack needs it inside the app). */
export async function ensureExample({ log = defaultLog, stdio = "inherit" } = {}) {
  const env = childEnv()
  if (!fs.existsSync(path.join(EXAMPLE, "node_modules", "next", "package.json"))) {
    log("installing the example app's dependencies (examples-next-pages)")
    const hasLock = fs.existsSync(path.join(EXAMPLE, "package-lock.json"))
    await run(NPM, [hasLock ? "ci" : "install", "--install-links", "--no-audit", "--no-fund"], { cwd: EXAMPLE, env, stdio })
  }
  let stale = stalePackageFiles()
  if (stale.length) {
    log(`copying @aura-stack/auth into the example (changed: ${stale.join(", ")})`)
    // npm keeps an installed directory dependency as it is, so remove the old copy first.
    fs.rmSync(PKG_COPY, { recursive: true, force: true })
    await run(NPM, ["install", "--install-links", "--no-audit", "--no-fund", ".."], { cwd: EXAMPLE, env, stdio })
    stale = stalePackageFiles()
    if (stale.length) throw new Error(`examples-next-pages/node_modules/@aura-stack/auth is still out of date: ${stale.join(", ")}`)
  }
  if (fs.lstatSync(PKG_COPY).isSymbolicLink()) {
    throw new Error("examples-next-pages/node_modules/@aura-stack/auth is a symlink; install it with `npm install --install-links ..`")
  }
}

/** A hash of everything a build depends on: the app's sources and the installed package. */
export function buildInputsHash() {
  const h = createHash("sha256")
  const add = (p) => {
    let st
    try {
      st = fs.statSync(p)
    } catch {
      return
    }
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p).sort()) add(path.join(p, e))
    } else {
      h.update(path.relative(ROOT, p)).update("\0").update(fs.readFileSync(p)).update("\0")
    }
  }
  for (const p of ["pages", "src", "public", "styles", "proxy.ts", "next.config.mjs", "tsconfig.json", "package.json", "package-lock.json"]) {
    add(path.join(EXAMPLE, p))
  }
  for (const f of packageFiles()) add(path.join(PKG_COPY, f))
  const nextPkg = path.join(EXAMPLE, "node_modules", "next", "package.json")
  if (fs.existsSync(nextPkg)) h.update(readJson(nextPkg).version)
  return h.digest("hex")
}

/**
 * 3b. `next build`, unless .next already holds a build of exactly these inputs.
 * `env` must carry what loading the pages needs (src/lib/auth.ts calls createAuth when Next collects page data):
 * secret, salt, and the provider settings. Server-side env is read again at `next start`, not baked in.
 */
export async function buildExample({ log = defaultLog, stdio = "inherit", env = childEnv(), force = false } = {}) {
  const hash = buildInputsHash()
  if (!force && fs.existsSync(path.join(EXAMPLE, ".next", "BUILD_ID")) && fs.existsSync(STAMP)) {
    try {
      if (readJson(STAMP).hash === hash) {
        log("the example app is already built (nothing changed): skipping next build")
        return { built: false, ms: 0 }
      }
    } catch {
      // rebuild
    }
  }
  log("building the example app: next build")
  const started = Date.now()
  await run(process.execPath, [path.join(EXAMPLE, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: EXAMPLE, env, stdio })
  const ms = Date.now() - started
  fs.writeFileSync(STAMP, JSON.stringify({ hash, ms, at: new Date().toISOString() }))
  log(`next build took ${(ms / 1000).toFixed(1)} s`)
  return { built: true, ms }
}

/** Port `preferred` on 127.0.0.1 if it is free, else any free port (0 = any). */
export async function findPort(preferred = 0) {
  const tryListen = (port) =>
    new Promise((resolve) => {
      const srv = net.createServer()
      srv.once("error", () => resolve(null))
      srv.listen(port, "127.0.0.1", () => {
        const { port: got } = srv.address()
        srv.close(() => resolve(got))
      })
    })
  return (preferred && (await tryListen(preferred))) || (await tryListen(0))
}

/** Secrets from the environment, else from examples-next-pages/.env.local, else fresh ones written there. */
export function ensureSecrets({ log = defaultLog } = {}) {
  if (process.env.AURA_AUTH_SECRET && process.env.AURA_AUTH_SALT) return { source: "environment" }
  const file = path.join(EXAMPLE, ".env.local")
  const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
  const has = (name) => new RegExp(`^\\s*${name}\\s*=\\s*\\S`, "m").test(text)
  if (has("AURA_AUTH_SECRET") && has("AURA_AUTH_SALT")) return { source: ".env.local" }
  const fresh = generateSecrets()
  const lines = Object.entries(fresh)
    .filter(([name]) => !has(name) && !process.env[name])
    .map(([name, value]) => `${name}=${value}`)
  const header = text ? (text.endsWith("\n") ? "" : "\n") : "# Generated by `npm run demo` (scripts/secret.mjs). Keep this file out of version control.\n"
  fs.writeFileSync(file, `${text}${header}${lines.join("\n")}\n`)
  log(`generated a secret and salt in examples-next-pages/.env.local`)
  return { source: "generated" }
}

/**
 * 4. `next start` on `port`. Resolves once it answers HTTP. Returns { url, child, output(), stop() }.
 * stdio "inherit" shows Next's log; "capture" keeps it for output().
 */
export async function startApp({ port, host = "localhost", url = `http://${host}:${port}`, env = childEnv(), stdio = "capture", timeoutMs = 60000 }) {
  const nextBin = path.join(EXAMPLE, "node_modules", "next", "dist", "bin", "next")
  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", host], {
    cwd: EXAMPLE,
    env,
    stdio: stdio === "inherit" ? ["ignore", "inherit", "inherit"] : ["ignore", "pipe", "pipe"],
  })
  let output = ""
  const keep = (d) => {
    output = (output + d).slice(-50000)
  }
  child.stdout?.on("data", keep)
  child.stderr?.on("data", keep)
  let exited = null
  const exitPromise = new Promise((resolve) =>
    child.on("exit", (code, signal) => {
      exited = { code, signal }
      resolve(exited)
    }),
  )
  const stop = async () => {
    if (exited) return exited
    child.kill("SIGTERM")
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000)
    const result = await exitPromise
    clearTimeout(timer)
    return result
  }
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (exited) throw new Error(`next start exited early (${exited.signal ?? `exit ${exited.code}`}):\n${output}`)
    try {
      const res = await fetch(`${url}/api/auth/providers`, { signal: AbortSignal.timeout(3000) })
      await res.arrayBuffer()
      break
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`next start did not answer on ${url} within ${timeoutMs / 1000} s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return { url, port, child, exited: exitPromise, output: () => output, stop }
}

/** The local OpenID provider (the test fixture), allowing the app's two callback URLs. */
export async function startProvider(appURL) {
  const { startOidcProvider } = await import(pathToFileURL(path.join(ROOT, "__test__", "fixtures", "oidc-server.mjs")).href)
  return startOidcProvider({
    redirectUris: [`${appURL}/api/auth/callback/oidc`, `${appURL}/api/auth-adapter/callback/oidc`],
    // "Sign out everywhere" (RP-initiated logout) returns to the app's login page.
    clientMetadata: { post_logout_redirect_uris: [`${appURL}/login`, `${appURL}/`] },
  })
}

/** The env the app runs with for the demo and the tests. */
export function appEnv(appURL, provider, extra = {}) {
  return childEnv({
    AURA_AUTH_URL: appURL,
    OIDC_ISSUER: provider.issuer,
    OIDC_CLIENT_ID: provider.clientId,
    OIDC_CLIENT_SECRET: provider.clientSecret,
    // Email sign-up/sign-in with the development mailbox at /dev/mailbox (the demo sends no mail).
    AURA_DEMO_MAILBOX: "1",
    ...extra,
  })
}

/** The HTTP sign-in / sign-out round trip (used by --smoke). Throws on any mismatch. */
async function smoke(appURL, log) {
  const { CookieJar } = await import(pathToFileURL(path.join(ROOT, "__test__", "fixtures", "cookie-jar.mjs")).href)
  const { completeOidcLogin } = await import(pathToFileURL(path.join(ROOT, "__test__", "fixtures", "oidc-login.mjs")).href)
  const jar = new CookieJar()
  const get = async (url, init = {}) => {
    const res = await fetch(url, { redirect: "manual", ...init, headers: { ...jar.headersFor(url), ...(init.headers ?? {}) } })
    jar.store(url, res)
    return res
  }
  let res = await get(`${appURL}/api/auth/signIn/oidc?redirectTo=/dashboard`)
  if (res.status !== 302) throw new Error(`signIn: expected 302, got ${res.status}: ${await res.text()}`)
  const { callbackUrl } = await completeOidcLogin(res.headers.get("location"), { username: "ada", jar })
  res = await get(callbackUrl)
  if (res.status !== 302) throw new Error(`callback: expected 302, got ${res.status}: ${await res.text()}`)
  res = await get(`${appURL}/dashboard`)
  const html = await res.text()
  if (res.status !== 200 || !html.includes("Ada Tester")) throw new Error(`dashboard: ${res.status} without the user's name`)
  const { csrfToken } = await (await get(`${appURL}/api/auth/csrfToken`)).json()
  res = await get(`${appURL}/api/auth/signOut`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken, origin: appURL },
    body: JSON.stringify({ redirectTo: "/" }),
  })
  if (res.status !== 200) throw new Error(`signOut: ${res.status} ${await res.text()}`)
  const session = await (await get(`${appURL}/api/auth/session`)).json()
  if (session.authenticated) throw new Error("still signed in after sign-out")
  log("smoke check passed: signed in as Ada Tester, saw the dashboard, signed out")
}

async function main(argv) {
  const args = { port: Number(process.env.PORT) || 3000, smoke: false, buildAddon: true }
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--port") args.port = Number(argv[++i])
    else if (argv[i] === "--smoke") args.smoke = true
    else if (argv[i] === "--no-build-addon") args.buildAddon = false
    else if (argv[i] === "--help" || argv[i] === "-h") {
      console.log("usage: node scripts/demo.mjs [--port N] [--smoke] [--no-build-addon]")
      return
    }
  }
  process.env.NEXT_TELEMETRY_DISABLED = "1"
  const log = defaultLog
  const cleanups = []
  let stopping = false
  const shutdown = async (code) => {
    if (stopping) return
    stopping = true
    for (const child of liveChildren) child.kill("SIGTERM")
    for (const fn of cleanups.reverse()) {
      try {
        await fn()
      } catch {
        // keep going
      }
    }
    process.exit(code)
  }
  process.on("SIGINT", () => {
    console.log("\n[demo] stopping…")
    shutdown(0)
  })
  process.on("SIGTERM", () => shutdown(0))
  process.on("SIGHUP", () => shutdown(0))
  // `kill <pid of npm>`: npm passes SIGTERM to the shell it ran this script with, and that shell dies without
  // passing it on, so this process never sees a signal: it is re-parented instead. Notice that and stop too.
  const parent = process.ppid
  setInterval(() => {
    if (process.ppid !== parent) {
      log(`the parent process (${parent}) is gone: stopping`)
      shutdown(0)
    }
  }, 250).unref()

  await ensureRootDeps({ log })
  if (args.buildAddon) await ensureAddon({ log, rebuildStale: true })
  else if (!fs.existsSync(ADDON)) throw new Error("aura-auth.node is missing (run npm run build)")
  await ensureExample({ log })
  const secrets = ensureSecrets({ log })

  const port = await findPort(args.port)
  if (args.port && port !== args.port) log(`port ${args.port} is taken; using ${port}`)
  const appURL = `http://localhost:${port}`
  const provider = await startProvider(appURL)
  cleanups.push(() => provider.close())
  log(`local OpenID provider: ${provider.issuer}`)

  const env = appEnv(appURL, provider)
  await buildExample({ log, env })
  if (stopping) return
  const app = await startApp({ port, url: appURL, env, stdio: args.smoke ? "capture" : "inherit" })
  cleanups.push(() => app.stop())
  app.exited.then((r) => {
    if (!stopping) {
      console.error(`[demo] next start exited (${r.signal ?? `exit ${r.code}`})${args.smoke ? `:\n${app.output()}` : ""}`)
      shutdown(1)
    }
  })

  if (args.smoke) {
    try {
      await smoke(appURL, log)
    } catch (err) {
      console.error(`[demo] smoke check failed: ${err.stack ?? err}\n--- next start output ---\n${app.output()}`)
      return shutdown(1)
    }
    return shutdown(0)
  }

  const line = "─".repeat(64)
  console.log(`
${line}
  Aura Auth demo is running

  Open:      ${appURL}/login
  Click:     "Sign in with Local OpenID"
  Sign in:   username  ada        (any username works)
             password  anything   (any password works)
  Then:      "Continue" on the consent page -> ${appURL}/dashboard

  Or create an account with your email; the confirmation link is in the
  development mailbox: ${appURL}/dev/mailbox
  Same flow through the guide's hand-written adapter: ${appURL}/adapter
  OpenID provider: ${provider.issuer}   secrets: ${secrets.source}
  Press Ctrl-C to stop.
${line}
`)
}

const isMain = (() => {
  try {
    return Boolean(process.argv[1]) && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
})()
if (isMain) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`[demo] ${err.stack ?? err}`)
    process.exit(1)
  })
}
