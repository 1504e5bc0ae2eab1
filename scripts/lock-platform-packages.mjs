#!/usr/bin/env node
// Keeps `npm ci` working while the per-platform packages (@aura-stack/auth-<platform>, npm/<platform>/) are not
// in the registry yet.
//
// npm install skips an optional dependency it cannot fetch (E404) but then leaves it out of package-lock.json, and
// `npm ci` refuses a lock file that lacks a dependency package.json names ("Missing: … from lock file"). A lock
// entry with the package's version and its os/cpu/libc (what npm itself records for an optional package of another
// platform) satisfies `npm ci`; npm skips it on other platforms and tolerates the 404 on this one, and a later
// `npm install` keeps it. Once the packages are published, `npm install` fills in resolved/integrity as usual.
//
// Usage: node scripts/lock-platform-packages.mjs [--check] [path/to/package-lock.json ...]
//        (default: the repository's and examples-next-pages/ lock files; --check only reports, exit 1 if missing)
import fs from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)))

// os/cpu/libc of each platform suffix (napi-rs names), for the installed package, which has no npm/ folder.
const PLATFORMS = {
  "linux-x64-gnu": { os: ["linux"], cpu: ["x64"], libc: ["glibc"] },
  "linux-arm64-gnu": { os: ["linux"], cpu: ["arm64"], libc: ["glibc"] },
  "linux-x64-musl": { os: ["linux"], cpu: ["x64"], libc: ["musl"] },
  "linux-arm64-musl": { os: ["linux"], cpu: ["arm64"], libc: ["musl"] },
  "darwin-x64": { os: ["darwin"], cpu: ["x64"] },
  "darwin-arm64": { os: ["darwin"], cpu: ["arm64"] },
  "win32-x64-msvc": { os: ["win32"], cpu: ["x64"] },
}

/**
 * { name: { version, os, cpu, libc? } } for every platform package: from npm/<platform>/package.json in the
 * repository, else (the installed package, `npx aura-auth lock`) from package.json's optionalDependencies.
 */
export function platformPackages() {
  const out = {}
  const npmDir = path.join(ROOT, "npm")
  if (fs.existsSync(npmDir)) {
    for (const dir of fs.readdirSync(npmDir).sort()) {
      const file = path.join(npmDir, dir, "package.json")
      if (!fs.existsSync(file)) continue
      const m = JSON.parse(fs.readFileSync(file, "utf8"))
      out[m.name] = { version: m.version, os: m.os, cpu: m.cpu, ...(m.libc ? { libc: m.libc } : {}), license: m.license }
    }
    return out
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {}).sort()) {
    const meta = PLATFORMS[name.slice(`${pkg.name}-`.length)]
    if (meta) out[name] = { version, ...meta, license: pkg.license }
  }
  return out
}

/** Lock entries missing from `lockFile` (or with another version). With write, adds/updates them. */
export function syncLock(lockFile, { write = true } = {}) {
  const lock = JSON.parse(fs.readFileSync(lockFile, "utf8"))
  const wanted = platformPackages()
  const missing = []
  for (const [name, meta] of Object.entries(wanted)) {
    const key = `node_modules/${name}`
    const have = lock.packages[key]
    // Present at this version (optional, or installed directly, e.g. from a tarball): nothing to add.
    if (have && have.version === meta.version) continue
    missing.push(name)
    lock.packages[key] = Object.fromEntries(Object.entries({ ...have, ...meta, optional: true }).sort(([a], [b]) => a.localeCompare(b)))
  }
  if (write && missing.length) {
    const { "": top, ...rest } = lock.packages
    lock.packages = { "": top, ...Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))) }
    fs.writeFileSync(lockFile, `${JSON.stringify(lock, null, 2)}\n`)
  }
  return missing
}

const isMain = process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)
if (isMain) {
  const args = process.argv.slice(2)
  const check = args.includes("--check")
  const files = args.filter((a) => a !== "--check")
  const targets = files.length ? files : [path.join(ROOT, "package-lock.json"), path.join(ROOT, "examples-next-pages", "package-lock.json")]
  let bad = 0
  for (const file of targets) {
    const missing = syncLock(file, { write: !check })
    if (missing.length) {
      bad++
      console.error(`${path.relative(process.cwd(), file)}: ${check ? "lacks" : "added"} ${missing.join(", ")}`)
    }
  }
  if (check && bad) process.exit(1)
}
