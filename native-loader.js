'use strict'
// Finds the compiled Rust core (native.js loads it with loadNative()).
//
//   1. `aura-auth.node` beside this file: a local build (`npm run build` in the repository, or a package built
//      from source). It always wins, so a developer's build is never shadowed by an installed prebuilt one.
//   2. The prebuilt addon of this platform, from its own npm package (napi-rs layout:
//      `@aura-stack/auth-<platform>`, installed through this package's optionalDependencies; npm picks the one
//      whose os/cpu/libc match). On Linux both libc flavours are tried, the detected one first.
//
// Anything else is an `Error` with `code` = NATIVE_ADDON_MISSING (a supported platform whose package is not
// installed, or that failed to load) or NATIVE_ADDON_UNSUPPORTED_PLATFORM, naming the platform and what to do.
const fs = require('node:fs')
const path = require('node:path')

const PACKAGE = '@aura-stack/auth'
// Keep in step with package.json "napi.targets" and npm/ (a test checks it).
const SUPPORTED = {
  'linux-x64': ['linux-x64-gnu', 'linux-x64-musl'],
  'linux-arm64': ['linux-arm64-gnu', 'linux-arm64-musl'],
  'darwin-x64': ['darwin-x64'],
  'darwin-arm64': ['darwin-arm64'],
  'win32-x64': ['win32-x64-msvc'],
}
const BUILD_FROM_SOURCE =
  'To build it from source (needs Rust, https://rustup.rs): clone the repository, run `npm install` and then ' +
  '`npm run build` there, and install that folder (`npm run pack` writes tarballs to dist/).'

function isMusl() {
  if (process.platform !== 'linux') return false
  // What napi-rs's own loaders do: the ldd script names its libc (cheap); else ask process.report (~4 ms).
  try {
    return fs.readFileSync('/usr/bin/ldd', 'utf8').includes('musl')
  } catch {
    // no ldd: fall through
  }
  const report = typeof process.report?.getReport === 'function' ? process.report : null
  if (report) {
    const excluded = report.excludeNetwork
    report.excludeNetwork = true
    try {
      return !report.getReport().header.glibcVersionRuntime
    } finally {
      report.excludeNetwork = excluded
    }
  }
  return false
}

/** The platform package suffixes to try here, best first (exported for tests). */
function candidates(platform = process.platform, arch = process.arch, musl = undefined) {
  const list = SUPPORTED[`${platform}-${arch}`]
  if (!list) return null
  if (platform !== 'linux') return list
  const preferMusl = musl ?? isMusl()
  return [...list].sort((a, b) => Number(b.endsWith('-musl') === preferMusl) - Number(a.endsWith('-musl') === preferMusl))
}

function fail(code, message, cause) {
  const error = new Error(`${PACKAGE}: ${message}`, cause ? { cause } : undefined)
  error.code = code
  return error
}

/**
 * Find and load the addon. The options exist for tests: `dir` is where a local build is looked for,
 * `platform`/`arch`/`musl` override the detected ones, `load` replaces `require` for platform packages.
 */
function loadNative({ dir = __dirname, platform = process.platform, arch = process.arch, musl, load = require } = {}) {
  const local = path.join(dir, 'aura-auth.node')
  if (fs.existsSync(local)) {
    try {
      return require(local)
    } catch (error) {
      throw fail(
        'NATIVE_ADDON_MISSING',
        `the local build ${local} could not be loaded (${error && error.message}). Rebuild it with \`npm run build\` ` +
          'in the package directory, or delete it to use the prebuilt package of this platform.',
        error,
      )
    }
  }
  const where = `${platform}-${arch}`
  const list = candidates(platform, arch, musl)
  if (!list) {
    throw fail(
      'NATIVE_ADDON_UNSUPPORTED_PLATFORM',
      `no prebuilt native addon for this platform (${where}). Prebuilt packages exist for: ` +
        `${Object.values(SUPPORTED).flat().join(', ')}. ${BUILD_FROM_SOURCE}`,
    )
  }
  const errors = []
  for (const suffix of list) {
    const name = `${PACKAGE}-${suffix}`
    try {
      return load(name)
    } catch (error) {
      errors.push(`${name}: ${error && error.code === 'MODULE_NOT_FOUND' ? 'not installed' : error && error.message}`)
    }
  }
  throw fail(
    'NATIVE_ADDON_MISSING',
    `the native addon for ${where} could not be loaded (${errors.join('; ')}). ` +
      `Reinstall without skipping optional dependencies (not \`--omit=optional\` / \`--no-optional\`), so npm ` +
      `installs ${PACKAGE}-${list[0]}; or: ${BUILD_FROM_SOURCE}`,
  )
}

module.exports = { loadNative, candidates, SUPPORTED, PACKAGE }
