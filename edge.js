'use strict'
// What `@aura-stack/auth` resolves to on an Edge runtime (the "edge-light" export condition, used by Next's Edge
// bundles): the native addon cannot load there, so createAuth fails at start with EDGE_RUNTIME_UNSUPPORTED and says
// what to set, instead of a bundler error about a `.node` file.

const EDGE_MESSAGE =
  '@aura-stack/auth reads sealed sessions with a native addon, which needs the Node.js runtime, not the Edge runtime. ' +
  'Next 16: protect pages in proxy.ts (it runs on Node.js). Next 15: in middleware.ts add ' +
  '`export const config = { runtime: "nodejs", matcher: [...] }` (Next 15.5+). Route handlers: `export const runtime = "nodejs"`.'

class AuraAuthError extends Error {
  constructor(code, message) {
    super(message)
    this.name = 'AuraAuthError'
    this.code = code
  }
}

function createAuth() {
  throw new AuraAuthError('EDGE_RUNTIME_UNSUPPORTED', EDGE_MESSAGE)
}

module.exports = { createAuth, AuraAuthError, EDGE_MESSAGE }
