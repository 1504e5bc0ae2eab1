'use strict'
// Server entry point. A thin layer: everything security-relevant happens in the Rust core.

const { NativeAuth } = require('./native.js')
const { createNodeHandler, one } = require('./node-adapter.js')

class AuraAuthError extends Error {
  constructor(code, message) {
    super(message)
    this.name = 'AuraAuthError'
    this.code = code
  }
}

const ERROR_PREFIX = 'AURA_AUTH_ERROR:'

function translateError(e) {
  if (e && typeof e.message === 'string' && e.message.startsWith(ERROR_PREFIX)) {
    const { code, message } = JSON.parse(e.message.slice(ERROR_PREFIX.length))
    return new AuraAuthError(code, message)
  }
  return e
}

// The environment variables the core may read (explicit config wins over them).
const ENV_NAME = /^(AURA_AUTH_(SECRET|SALT|URL)|NODE_ENV|[A-Z0-9_]+_CLIENT_(ID|SECRET))$/

function collectEnv() {
  const env = {}
  for (const key of Object.keys(process.env)) {
    if (ENV_NAME.test(key) && typeof process.env[key] === 'string') env[key] = process.env[key]
  }
  return env
}

/** The Cookie header from IncomingHttpHeaders, a Headers, or a plain record. */
function cookieOf(headers) {
  if (!headers) return undefined
  if (typeof headers.get === 'function') return headers.get('cookie') ?? undefined
  let v = headers.cookie
  if (v === undefined) {
    v = headers.Cookie
    if (v === undefined) {
      for (const key in headers) {
        if (key.toLowerCase() === 'cookie') {
          v = headers[key]
          break
        }
      }
    }
  }
  return one(v, '; ')
}

function headerOf(headers, name) {
  if (!headers) return undefined
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined
  return one(headers[name])
}

async function fromWebRequest(request) {
  const h = request.headers
  const method = request.method.toUpperCase()
  let body
  if (method !== 'GET' && method !== 'HEAD' && request.body) body = await request.text()
  return {
    method,
    url: request.url,
    host: h.get('host') ?? undefined,
    cookie: h.get('cookie') ?? undefined,
    origin: h.get('origin') ?? undefined,
    forwardedHost: h.get('x-forwarded-host') ?? undefined,
    forwardedProto: h.get('x-forwarded-proto') ?? undefined,
    forwarded: h.get('forwarded') ?? undefined,
    contentType: h.get('content-type') ?? undefined,
    csrfToken: h.get('x-csrf-token') ?? undefined,
    body,
  }
}

function toWebResponse(r) {
  const headers = new Headers()
  const hs = r.headers
  for (let i = 0; i < hs.length; i += 2) headers.append(hs[i], hs[i + 1])
  const empty = r.status === 204 || r.status === 304 || r.body === ''
  return new Response(empty ? null : r.body, { status: r.status, headers })
}

/** A stand-in used only while `next build` collects pages without secrets: every use throws. */
function unavailable(error) {
  const fail = () => {
    throw error
  }
  return { warnings: () => [], handle: fail, handleAsync: fail, getSession: fail, sealSessionForTesting: fail }
}

function createAuth(config = {}) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new AuraAuthError('INVALID_CONFIG', 'createAuth expects a configuration object, e.g. createAuth({ oauth: ["github"] }).')
  }
  let native
  try {
    native = new NativeAuth(JSON.stringify({ config, env: collectEnv() }))
  } catch (e) {
    const error = translateError(e)
    // `next build` imports every page module with NODE_ENV=production; secrets are often only
    // provided at runtime. Defer *only* missing-secret errors, and only in that build phase.
    const deferrable = error instanceof AuraAuthError && (error.code === 'MISSING_SECRET' || error.code === 'MISSING_SALT')
    if (!deferrable || process.env.NEXT_PHASE !== 'phase-production-build') throw error
    native = unavailable(error)
  }
  for (const warning of native.warnings()) console.warn(warning)

  const trustProxy = config.trustedProxyHeaders === true
  // Every session cookie name (plain, __Secure-, chunked) contains this; a Cookie header without
  // it cannot hold a session, so the native call is skipped (the answer is "signed out" either way).
  const sessionMarker = `${(config.cookies && config.cookies.prefix) || 'aura-auth'}.session`

  async function handle(request) {
    const req = await fromWebRequest(request)
    let r = native.handle(req)
    if (r === null) r = await native.handleAsync(req)
    return toWebResponse(r)
  }

  const handlers = { GET: handle, POST: handle, HEAD: handle }

  const api = {
    getSession(options) {
      const headers = options && options.headers
      const cookie = cookieOf(headers)
      if (cookie === undefined || !cookie.includes(sessionMarker)) {
        return Promise.resolve({ authenticated: false, session: null })
      }
      const proto = trustProxy ? headerOf(headers, 'x-forwarded-proto') : undefined
      try {
        return Promise.resolve(JSON.parse(native.getSession(cookie, proto)))
      } catch (e) {
        return Promise.reject(translateError(e))
      }
    },
  }

  const internal = {
    /** Test support: a Cookie header value holding a session for `user`. */
    sealSessionForTesting(user, options = {}) {
      return native.sealSessionForTesting(JSON.stringify(user), options.secure === true)
    },
  }

  return { handlers, api, handler: createNodeHandler(native), internal }
}

/** GitHub, with optional overrides (credentials default to GITHUB_CLIENT_ID / GITHUB_CLIENT_SECRET). */
function github(options = {}) {
  return { ...options, id: options.id ?? 'github' }
}

/** Any OpenID Connect provider, resolved by discovery from its issuer. */
function oidc(options) {
  return { ...options, type: 'oidc' }
}

/** A plain OAuth 2.0 provider described by its endpoints and a profile mapping. */
function oauth(options) {
  return { ...options, type: 'oauth' }
}

module.exports = { createAuth, AuraAuthError, github, oidc, oauth }
