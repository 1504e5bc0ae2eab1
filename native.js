'use strict'
// Loads the compiled Rust core (`npm run build` produces aura-auth.node next to this file).
let binding
try {
  binding = require('./aura-auth.node')
} catch (error) {
  const hint = new Error(
    '@aura-stack/auth: the native addon (aura-auth.node) could not be loaded. ' +
      'Build it with `npm run build` in the package directory (needs Rust), then restart the server. Cause: ' +
      (error && error.message),
  )
  hint.code = 'NATIVE_ADDON_MISSING'
  throw hint
}
module.exports = binding
