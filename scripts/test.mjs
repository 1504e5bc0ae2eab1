#!/usr/bin/env node
// `npm test`: build the addon, run the Rust unit tests, then every JS test under __test__/.
import { spawnSync } from "node:child_process"
import { readdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import path from "node:path"

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const run = (cmd, args, opts = {}) => {
  const started = Date.now()
  console.log(`\n$ ${cmd} ${args.join(" ")}`)
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit", ...opts })
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`)
  if (r.status !== 0) process.exit(r.status ?? 1)
}

const only = process.argv.slice(2)
// The addon under test is built with Cargo's `ci` profile (release without LTO: the same code, built
// faster); `npm run build` (benchmarks, the published packages) keeps full LTO.
if (!process.env.AURA_SKIP_BUILD) run(process.execPath, ["scripts/build.mjs", "--profile", "ci"])
if (!only.length) {
  run("cargo", ["test", "--quiet"])
  if (!process.env.AURA_SKIP_LINT) {
    // The quality gates: formatting, clippy (core and binding) and the TypeScript types.
    run("cargo", ["fmt", "--check"])
    // One clippy run covers the core, the napi binding (feature `node`) and every test target.
    run("cargo", ["clippy", "--quiet", "--all-targets", "--features", "node", "--", "-D", "warnings"])
    run("npx", ["tsc", "-p", "tsconfig.json"])
  }
}
const files = only.length
  ? only
  : readdirSync(path.join(root, "__test__"))
      .filter((f) => f.endsWith(".test.mjs"))
      .sort()
      .map((f) => path.join("__test__", f))
run(process.execPath, ["--test", "--test-concurrency=1", ...files], { env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } })
