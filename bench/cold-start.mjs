#!/usr/bin/env node
// Cold start as a serverless function feels it: a fresh Node process that loads the library and builds its
// instance. Each case runs in its own new process, 10 times (after 2 untimed runs that warm the OS file cache),
// interleaved; reported: the median (and min–max) of the in-process time from just before the first `require` to
// just after the instance exists, plus the whole process's wall time (spawn to exit) next to a bare `node -e 0`.
//
// This package is measured as users install it: the two `npm run pack` tarballs unpacked into a temp
// node_modules (the main package + @aura-stack/auth-linux-x64-gnu), so the platform-package loader is included.
//
//   npm run build && node bench/cold-start.mjs        (from the repository root; bench/ needs `npm install`)
import { execFileSync, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import { randomBytes } from "node:crypto"
import path from "node:path"
import { fileURLToPath } from "node:url"

const BENCH = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.dirname(BENCH)
const ROUNDS = Number(process.env.COLD_ROUNDS) || 10
const WARMUP = 2
const SECRET = randomBytes(32).toString("base64url")
const SALT = randomBytes(32).toString("base64url")

const packed = JSON.parse(execFileSync(process.execPath, [path.join(ROOT, "scripts", "pack.mjs"), "--no-build", "--quiet"], { encoding: "utf8" }).trim())
const app = fs.mkdtempSync(path.join(os.tmpdir(), "aura-cold-"))
for (const [tgz, name] of [
  [packed.main, "auth"],
  [packed.platform, "auth-linux-x64-gnu"],
]) {
  const dir = path.join(app, "node_modules", "@aura-stack", name)
  fs.mkdirSync(dir, { recursive: true })
  execFileSync("tar", ["xzf", tgz, "-C", dir, "--strip-components=1"])
}

const timed = (body) => `const t0 = performance.now(); ${body}; const t1 = performance.now(); process.stdout.write(String(t1 - t0))`
const CASES = [
  {
    name: "this package: require + createAuth({ oauth: [\"github\"] }) (installed layout: platform package)",
    cwd: app,
    code: timed(
      `const { createAuth } = require("@aura-stack/auth"); createAuth({ oauth: ["github"], secret: "${SECRET}", salt: "${SALT}", baseURL: "https://example.com" })`,
    ),
    env: { GITHUB_CLIENT_ID: "id", GITHUB_CLIENT_SECRET: "secret" },
  },
  { name: "next-auth v4: require(\"next-auth\")", cwd: BENCH, code: timed(`require("next-auth")`) },
  {
    name: "next-auth v4: require + NextAuth({ providers: [GitHub] })",
    cwd: BENCH,
    code: timed(
      `const NextAuth = require("next-auth").default; const GitHub = require("next-auth/providers/github").default; NextAuth({ providers: [GitHub({ clientId: "id", clientSecret: "secret" })], secret: "${SECRET}" })`,
    ),
  },
  { name: "bare node -e 0 (process start only)", cwd: BENCH, code: timed("0") },
]

const results = CASES.map(() => ({ inProcess: [], wall: [] }))
for (let round = -WARMUP; round < ROUNDS; round++) {
  for (const [i, c] of CASES.entries()) {
    const started = process.hrtime.bigint()
    const r = spawnSync(process.execPath, ["-e", c.code], { cwd: c.cwd, env: { ...process.env, NODE_ENV: "production", ...c.env }, encoding: "utf8" })
    const wall = Number(process.hrtime.bigint() - started) / 1e6
    if (r.status !== 0) throw new Error(`${c.name}: ${r.stderr}`)
    if (round >= 0) {
      results[i].inProcess.push(Number(r.stdout))
      results[i].wall.push(wall)
    }
  }
}
fs.rmSync(app, { recursive: true, force: true })

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
const f = (n) => n.toFixed(1)
const rows = CASES.map((c, i) => {
  const { inProcess, wall } = results[i]
  return { case: c.name, inProcessMedianMs: median(inProcess), inProcessMinMs: Math.min(...inProcess), inProcessMaxMs: Math.max(...inProcess), wallMedianMs: median(wall) }
})
console.log(`cold start, ${ROUNDS} fresh processes per case (median, min–max), Node ${process.version}, ${os.cpus()[0]?.model ?? "?"} ×${os.cpus().length}`)
console.log("| case | require + init, ms | min–max | whole process, ms |\n|---|--:|--:|--:|")
for (const r of rows) console.log(`| ${r.case} | ${f(r.inProcessMedianMs)} | ${f(r.inProcessMinMs)}–${f(r.inProcessMaxMs)} | ${f(r.wallMedianMs)} |`)
const out = path.join(BENCH, "results", "cold-start-latest.json")
fs.writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rounds: ROUNDS, rows, raw: results }, null, 2)}\n`)
console.log(`\nwritten to ${path.relative(ROOT, out)}`)
