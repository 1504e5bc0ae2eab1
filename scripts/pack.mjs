#!/usr/bin/env node
// `npm run pack`: build the addon (release, stripped) and write the two tarballs a user installs to dist/:
//
//   dist/aura-stack-auth-<version>.tgz                 the JS package (no native code; optionalDependencies pinned)
//   dist/aura-stack-auth-linux-x64-gnu-<version>.tgz   the addon of this platform (npm/<platform>/, napi-rs layout)
//
// Only the platform of this machine can be built here; .github/workflows/release.yml builds the others.
// Options: --no-build (use the aura-auth.node that is there), --quiet.
import { execFileSync, spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { createRequire } from "node:module"
import { packageReadme } from "./package-readme.mjs"

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)))
const DIST = path.join(ROOT, "dist")
const NPM = process.platform === "win32" ? "npm.cmd" : "npm"
const shell = process.platform === "win32" // npm.cmd can only be started through the shell
const require = createRequire(import.meta.url)
const { candidates } = require("../native-loader.js")

const args = new Set(process.argv.slice(2))
const log = args.has("--quiet") ? () => {} : (msg) => console.error(`[pack] ${msg}`)
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))

function npmPack(dir) {
  const out = execFileSync(NPM, ["pack", "--json", "--pack-destination", DIST], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], shell })
  const [info] = JSON.parse(out)
  return { file: path.join(DIST, info.filename), size: info.size, files: info.files.map((f) => f.path) }
}

if (!args.has("--no-build")) {
  log("npm run build")
  const r = spawnSync(NPM, ["run", "build"], { cwd: ROOT, stdio: ["ignore", 2, 2], shell })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
const addon = path.join(ROOT, "aura-auth.node")
if (!fs.existsSync(addon)) throw new Error("aura-auth.node is missing: run `npm run build` (or drop --no-build)")

fs.mkdirSync(DIST, { recursive: true })
const suffix = candidates()[0]
const platformDir = path.join(ROOT, "npm", suffix)
const platformPkg = JSON.parse(fs.readFileSync(path.join(platformDir, "package.json"), "utf8"))
if (platformPkg.version !== pkg.version) throw new Error(`npm/${suffix}/package.json is ${platformPkg.version}, package.json ${pkg.version} (run npx napi version)`)
if (pkg.optionalDependencies?.[platformPkg.name] !== pkg.version) {
  throw new Error(`package.json optionalDependencies must pin ${platformPkg.name} to ${pkg.version}`)
}

// The platform package: the addon under its napi-rs name, in a staging copy (npm/ in the repo stays clean).
const stage = fs.mkdtempSync(path.join(os.tmpdir(), "aura-pack-"))
try {
  const platformStage = path.join(stage, suffix)
  fs.cpSync(platformDir, platformStage, { recursive: true })
  fs.copyFileSync(addon, path.join(platformStage, platformPkg.main))
  const platformTgz = npmPack(platformStage)
  if (!platformTgz.files.includes(platformPkg.main)) throw new Error(`${platformTgz.file} lacks ${platformPkg.main}`)

  // The main package: its `files`, without any .node (the addon comes from the platform package).
  const mainStage = path.join(stage, "main")
  fs.mkdirSync(mainStage)
  const listed = JSON.parse(execFileSync(NPM, ["pack", "--dry-run", "--json"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], shell }))[0].files
  for (const { path: rel } of listed) {
    if (rel.endsWith(".node")) continue
    fs.mkdirSync(path.dirname(path.join(mainStage, rel)), { recursive: true })
    fs.copyFileSync(path.join(ROOT, rel), path.join(mainStage, rel))
  }
  // The README a user sees on npm: no repository-only commands, absolute links (docs/ is not shipped).
  fs.writeFileSync(path.join(mainStage, "README.md"), packageReadme(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")))
  const mainTgz = npmPack(mainStage)
  if (mainTgz.files.some((f) => f.endsWith(".node"))) throw new Error(`${mainTgz.file} contains a .node file`)

  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`
  log(`${path.relative(ROOT, mainTgz.file)} (${kib(mainTgz.size)}, ${mainTgz.files.length} files)`)
  log(`${path.relative(ROOT, platformTgz.file)} (${kib(platformTgz.size)}; ${platformPkg.main} ${kib(fs.statSync(addon).size)} unpacked)`)
  console.log(JSON.stringify({ main: mainTgz.file, platform: platformTgz.file, addonBytes: fs.statSync(addon).size }))
} finally {
  fs.rmSync(stage, { recursive: true, force: true })
}
