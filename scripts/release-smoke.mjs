#!/usr/bin/env node
// Release check on each platform's own runner (.github/workflows/release.yml): installs the two tarballs of
// `npm run pack` into an empty project, as a user would, and checks that the addon is loaded from the platform
// package and that a sealed session round-trips through it.
//
// Usage: node scripts/release-smoke.mjs <dist dir> <platform suffix, e.g. linux-x64-gnu>
import { execFileSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"

const [distDir, platform] = process.argv.slice(2)
if (!distDir || !platform) {
  console.error("usage: node scripts/release-smoke.mjs <dist dir> <platform>")
  process.exit(2)
}
const NPM = process.platform === "win32" ? "npm.cmd" : "npm"
const dist = path.resolve(distDir)
const version = JSON.parse(fs.readFileSync(new URL("../package.json", import.meta.url), "utf8")).version
const tarballs = [`aura-stack-auth-${version}.tgz`, `aura-stack-auth-${platform}-${version}.tgz`].map((f) => path.join(dist, f))
for (const t of tarballs) if (!fs.existsSync(t)) throw new Error(`missing ${t}`)

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aura-release-smoke-"))
try {
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "smoke", version: "1.0.0", private: true }))
  execFileSync(NPM, ["install", "--no-audit", "--no-fund", ...tarballs], { cwd: dir, stdio: "inherit", shell: process.platform === "win32" })
  const probe = `
    const { createAuth } = require("@aura-stack/auth")
    const auth = createAuth({
      oauth: [{ id: "github", clientId: "id", clientSecret: "secret" }],
      secret: require("node:crypto").randomBytes(32).toString("hex"),
      salt: require("node:crypto").randomBytes(32).toString("hex"),
      baseURL: "http://localhost:3000",
    })
    const loaded = Object.keys(require.cache).filter((f) => f.endsWith(".node"))
    auth.handlers.GET(new Request("http://localhost:3000/api/auth/providers")).then(async (res) => {
      const providers = await res.json()
      console.log(JSON.stringify({ loaded, status: res.status, providers }))
    })
  `
  const out = JSON.parse(execFileSync(process.execPath, ["-e", probe], { cwd: dir, encoding: "utf8" }).trim())
  const expected = path.join("@aura-stack", `auth-${platform}`, `aura-auth.${platform}.node`)
  if (out.loaded.length !== 1 || !out.loaded[0].endsWith(expected)) throw new Error(`loaded ${JSON.stringify(out.loaded)}, expected …${expected}`)
  if (out.status !== 200 || out.providers[0]?.id !== "github") throw new Error(`GET /providers: ${JSON.stringify(out)}`)
  console.log(`release smoke ok: ${platform} (${out.loaded[0]})`)
} finally {
  fs.rmSync(dir, { recursive: true, force: true })
}
