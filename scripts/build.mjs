#!/usr/bin/env node
// `npm run build` / `npm run build:debug`: `napi build --features node` into aura-auth.node.
// On a fresh clone the napi CLI (a devDependency) is not installed yet; rather than failing with
// "napi: not found", install the dev dependencies first (npm ci, as the lock file says).
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)))
const win = process.platform === "win32"
const napi = path.join(ROOT, "node_modules", ".bin", win ? "napi.cmd" : "napi")

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: "inherit", shell: win })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

if (!fs.existsSync(napi)) {
  console.error("[build] @napi-rs/cli is not installed yet (fresh clone?): running `npm ci` first")
  run(win ? "npm.cmd" : "npm", [fs.existsSync(path.join(ROOT, "package-lock.json")) ? "ci" : "install", "--no-audit", "--no-fund"])
}
run(napi, ["build", "--features", "node", "--output-dir", ".", "--dts", "native.d.ts", ...process.argv.slice(2)])
