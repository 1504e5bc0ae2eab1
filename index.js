'use strict'
// Server entry point. A thin layer: everything security-relevant happens in the Rust core.

const { NativeAuth } = require('./native.js')
const { createNodeHandler, one, MAX_BODY } = require('./node-adapter.js')
const { createHooks } = require('./hooks.js')
const { createProtection, onEdgeRuntime, EDGE_MESSAGE } = require('./protect.js')

class AuraAuthError extends Error {
  constructor(code, message) {
    super(message)
    this.name = 'AuraAuthError'
    this.code = code
  }
}

// The core's errors arrive with their stable code as napi's string status (`e.code`).
const CODE = /^[A-Z][A-Z0-9_]*$/

function translateError(e) {
  if (e instanceof Error && typeof e.code === 'string' && CODE.test(e.code)) return new AuraAuthError(e.code, e.message)
  return e
}

// The environment variables the core may read (explicit config wins over them): the library's
// own, and per configured provider `<ID>_<SUFFIX>` — never another provider's secrets.
const PROVIDER_ENV_SUFFIXES = ['CLIENT_ID', 'CLIENT_SECRET', 'ISSUER', 'TENANT', 'TEAM_ID', 'KEY_ID', 'PRIVATE_KEY']

function envPrefix(id) {
  return String(id).toUpperCase().replace(/[^A-Z0-9]/g, '_')
}

function collectEnv(config) {
  const names = ['AURA_AUTH_SECRET', 'AURA_AUTH_SALT', 'AURA_AUTH_URL', 'AURA_AUTH_DATABASE_URL', 'AURA_AUTH_RATE_LIMIT_URL', 'NODE_ENV']
  for (const p of Array.isArray(config.oauth) ? config.oauth : []) {
    const id = typeof p === 'string' ? p : p && typeof p === 'object' ? p.id : undefined
    if (typeof id === 'string') for (const suffix of PROVIDER_ENV_SUFFIXES) names.push(`${envPrefix(id)}_${suffix}`)
  }
  const env = {}
  for (const key of names) if (typeof process.env[key] === 'string') env[key] = process.env[key]
  return env
}

/** Reads a Web request body up to the cap, streaming; stops (and cancels) as soon as it is over. */
async function readWebBody(request) {
  const reader = request.body.getReader()
  const decoder = new TextDecoder()
  let size = 0
  let text = ''
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return { body: text + decoder.decode() }
    size += value.byteLength
    if (size > MAX_BODY) {
      reader.cancel().catch(() => {})
      return { bodyTooLarge: true }
    }
    text += decoder.decode(value, { stream: true })
  }
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
  let bodyTooLarge
  if (method !== 'GET' && method !== 'HEAD' && request.body) ({ body, bodyTooLarge } = await readWebBody(request))
  return {
    method,
    url: request.url,
    host: h.get('host') ?? undefined,
    cookie: h.get('cookie') ?? undefined,
    origin: h.get('origin') ?? undefined,
    forwardedHost: h.get('x-forwarded-host') ?? undefined,
    forwardedProto: h.get('x-forwarded-proto') ?? undefined,
    forwarded: h.get('forwarded') ?? undefined,
    forwardedFor: h.get('x-forwarded-for') ?? undefined,
    userAgent: h.get('user-agent') ?? undefined,
    contentType: h.get('content-type') ?? undefined,
    csrfToken: h.get('x-csrf-token') ?? undefined,
    body,
    bodyTooLarge,
  }
}

function toWebResponse(r) {
  const headers = new Headers()
  const hs = r.headers
  for (let i = 0; i < hs.length; i += 2) headers.append(hs[i], hs[i + 1])
  const empty = r.status === 204 || r.status === 304 || r.body === ''
  return new Response(empty ? null : r.body, { status: r.status, headers })
}

/** Adds Set-Cookie lines to a Node response, keeping any it already has. */
function appendSetCookie(res, lines) {
  const prev = res.getHeader('set-cookie')
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)]
  res.setHeader('set-cookie', [...list, ...lines])
}

/** A stand-in used only while `next build` collects pages without secrets: every use throws. */
function unavailable(error) {
  const fail = () => {
    throw error
  }
  return {
    deferred: true,
    warnings: () => [],
    handle: fail,
    handleAsync: fail,
    finishHooks: fail,
    applyProfile: fail,
    getSession: fail,
    accessToken: fail,
    refreshAccessToken: fail,
    guard: fail,
    forbidden: fail,
    unauthenticated: fail,
    signInRedirect: fail,
    sealSessionForTesting: fail,
    panicForTesting: fail,
    hasDatabase: () => false,
    finishHooksAsync: fail,
    importUser: fail,
    ready: fail,
    apiCall: fail,
  }
}

/**
 * With a database, the store connects, migrates and loads its revocation view on first use:
 * the first request (and the first getSession) of an instance waits for that, once. If the
 * database cannot be reached, requests go on (sign-ins fail with DATABASE_UNAVAILABLE, reads
 * work) and the store is tried again at most every few seconds, in the background.
 */
function createStoreGate(native) {
  let state = native.hasDatabase() ? 'idle' : 'ready'
  let attempt = null
  let lastFailure = 0
  let lastCode = null
  const RETRY_MS = 3000
  function start() {
    attempt = native.ready().then(
      (text) => {
        const out = JSON.parse(text)
        if (out.ok) state = 'ready'
        else {
          state = 'failed'
          lastFailure = Date.now()
          // One line per kind of failure, not one per retry.
          if (out.code !== lastCode) {
            lastCode = out.code
            console.error(`[aura-auth] error ${out.code}: ${out.message} Sign-ins fail until this is fixed; reads continue.`)
          }
        }
        attempt = null
      },
      () => {
        state = 'failed'
        lastFailure = Date.now()
        attempt = null
      },
    )
    return attempt
  }
  return {
    /** Whether a caller should wait (only before the first attempt finished). */
    pending() {
      if (state === 'ready') return false
      if (state === 'failed') {
        if (attempt === null && Date.now() - lastFailure >= RETRY_MS) start()
        return false
      }
      return true
    },
    wait() {
      if (state === 'idle') {
        state = 'starting'
        start()
      }
      return attempt || Promise.resolve()
    },
  }
}

// Warnings are printed once per process, however many instances print them (Next loads
// `lib/auth.ts` once for API routes and once for pages).
const WARNED = (globalThis[Symbol.for('@aura-stack/auth.warned')] ??= new Set())
function warnOnce(text) {
  if (WARNED.has(text)) return
  WARNED.add(text)
  console.warn(text)
}

const DEFERRABLE_AT_BUILD = new Set(['MISSING_SECRET', 'MISSING_SALT', 'MISSING_CLIENT_CREDENTIALS', 'MISSING_ISSUER'])

function createAuth(config = {}) {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new AuraAuthError('INVALID_CONFIG', 'createAuth expects a configuration object, e.g. createAuth({ oauth: ["github"] }).')
  }
  if (onEdgeRuntime()) throw new AuraAuthError('EDGE_RUNTIME_UNSUPPORTED', EDGE_MESSAGE)
  const hooks = createHooks(config, (code, message) => {
    throw new AuraAuthError(code, message)
  })
  let native
  try {
    native = new NativeAuth(JSON.stringify({ config: hooks.nativeConfig, env: collectEnv(config) }))
  } catch (e) {
    const error = translateError(e)
    // `next build` imports every page module with NODE_ENV=production; secrets and provider
    // credentials are often only provided at runtime. Defer *only* those missing-value errors,
    // and only in that build phase: the first request (or getSession) then throws them.
    const deferrable = error instanceof AuraAuthError && DEFERRABLE_AT_BUILD.has(error.code)
    if (!deferrable || process.env.NEXT_PHASE !== 'phase-production-build') throw error
    native = unavailable(error)
    const needed = [error.message]
    if (error.code === 'MISSING_SECRET' || error.code === 'MISSING_SALT') {
      // Look past the keys for missing provider values too, with throwaway keys (that instance is discarded).
      const key = () => require('node:crypto').randomBytes(32).toString('hex')
      try {
        new NativeAuth(JSON.stringify({ config: { ...hooks.nativeConfig, secret: key(), salt: key() }, env: collectEnv(config) }))
      } catch (e) {
        const next = translateError(e)
        if (next instanceof AuraAuthError && DEFERRABLE_AT_BUILD.has(next.code)) needed.push(next.message)
      }
    }
    warnOnce(`[aura-auth] next build: deferred to run time, so set before the server starts: ${needed.join(' ')}`)
  }
  for (const warning of native.warnings()) warnOnce(warning)

  const trustProxy = config.trustedProxyHeaders === true
  // Every session cookie name (plain, __Secure-, chunked) contains this; a Cookie header without
  // it cannot hold a session, so the native call is skipped (the answer is "signed out" either way).
  const sessionMarker = `${(config.cookies && config.cookies.prefix) || 'aura-auth'}.session`

  const store = createStoreGate(native)

  async function handle(request) {
    if (store.pending()) await store.wait()
    const req = await fromWebRequest(request)
    let r = native.handle(req)
    if (r === null) r = await native.handleAsync(req)
    return toWebResponse(await hooks.complete(native, req, r))
  }

  const handlers = { GET: handle, POST: handle, HEAD: handle }

  function readSession(cookie, proto) {
    try {
      return Promise.resolve(JSON.parse(native.getSession(cookie, proto)))
    } catch (e) {
      return Promise.reject(translateError(e))
    }
  }

  const api = {
    getSession(options) {
      const headers = options && options.headers
      const cookie = cookieOf(headers)
      if (cookie === undefined || !cookie.includes(sessionMarker)) {
        return Promise.resolve({ authenticated: false, session: null })
      }
      const proto = trustProxy ? headerOf(headers, 'x-forwarded-proto') : undefined
      // With a database the first read of an instance waits for the revocation view; every
      // later read is the same synchronous native call as without one.
      if (store.pending()) return store.wait().then(() => readSession(cookie, proto))
      return readSession(cookie, proto)
    },
  }

  /** The server API with a database: the native call by name, its coded error as AuraAuthError. */
  async function dbCall(op, headers, args) {
    const cookie = cookieOf(headers)
    const proto = trustProxy ? headerOf(headers, 'x-forwarded-proto') : undefined
    let out
    try {
      out = JSON.parse(await native.apiCall(op, cookie, proto, JSON.stringify(args || {})))
    } catch (e) {
      throw translateError(e)
    }
    if (!out.ok) throw new AuraAuthError(out.code, out.message)
    return out.value
  }
  const headersOf = (o) => (o && (o.headers ?? (o.req && o.req.headers))) || undefined
  api.listSessions = (options) => dbCall('listSessions', headersOf(options))
  api.revokeSession = (options) => dbCall('revokeSession', headersOf(options), { sessionId: options && options.sessionId })
  api.revokeOtherSessions = (options) => dbCall('revokeOtherSessions', headersOf(options))
  api.revokeUserSessions = (userId) => dbCall('revokeUserSessions', undefined, { userId })
  api.listAccounts = (options) => dbCall('listAccounts', headersOf(options))
  api.unlinkAccount = (options) =>
    dbCall('unlinkAccount', headersOf(options), { provider: options && options.provider, providerAccountId: options && options.providerAccountId })
  api.deleteUser = (userId) => dbCall('deleteUser', undefined, { userId })

  /**
   * The stored access token of `providerId` for the signed-in user (`storeTokens`), refreshed
   * when under a minute is left. With `{ req, res }` a refreshed cookie is written through `res`;
   * with `{ headers }` the Set-Cookie lines come back as `setCookie`.
   */
  async function getAccessToken(providerId, options) {
    const o = options || {}
    const headers = o.headers ?? (o.req && o.req.headers)
    const cookie = cookieOf(headers)
    const proto = trustProxy ? headerOf(headers, 'x-forwarded-proto') : undefined
    let out
    try {
      out = JSON.parse(native.accessToken(String(providerId), cookie, proto))
      if (out.refresh) out = JSON.parse(await native.refreshAccessToken(String(providerId), cookie, proto))
    } catch (e) {
      throw translateError(e)
    }
    const setCookie = out.setCookie || []
    if (o.res && setCookie.length) appendSetCookie(o.res, setCookie)
    if (!out.ok) {
      const error = new AuraAuthError(out.code, out.message)
      if (!o.res) error.setCookie = setCookie
      throw error
    }
    const result = { accessToken: out.accessToken, expiresAt: out.expiresAt ?? null, scope: out.scope ?? null }
    if (!o.res) result.setCookie = setCookie
    return result
  }
  api.getAccessToken = getAccessToken

  /** Moves a user here with their existing password hash (bcrypt, scrypt, argon2): SPEC §12. */
  api.importUser = async function importUser(user) {
    let out
    try {
      out = JSON.parse(await native.importUser(JSON.stringify(user ?? {})))
    } catch (e) {
      throw translateError(e)
    }
    if (out.error) throw new AuraAuthError(out.error.code, out.error.message)
    return out
  }

  const internal = {
    /** Test support: a Cookie header value holding a session for `user`. */
    sealSessionForTesting(user, options = {}) {
      try {
        return native.sealSessionForTesting(JSON.stringify(user), options.secure === true)
      } catch (e) {
        throw translateError(e)
      }
    },
    /** Test support for the panic guard: a native panic becomes this call's exception. */
    panicForTesting() {
      native.panicForTesting()
    },
  }

  // SPEC §15: auth.proxy, auth.withSession, auth.requireSession (protect.js).
  const { proxy, withSession, requireSession } = createProtection({ native, api, AuraAuthError, toWebResponse, translateError, store })

  return { handlers, api, handler: createNodeHandler(native, hooks, store), proxy, withSession, requireSession, internal }
}

// The built-in provider ids (the Rust core holds their descriptions). Each has a helper named
// after it in camelCase (`microsoftEntraId`, `clickUp`, ...) that returns a provider object with
// optional overrides; credentials default to `<ID>_CLIENT_ID` / `<ID>_CLIENT_SECRET`.
const BUILT_IN_PROVIDERS = [
  'github', 'google', 'microsoft-entra-id', 'apple', 'facebook', 'discord', 'gitlab', 'twitter', 'x',
  'linkedin', 'slack', 'spotify', 'twitch', 'bitbucket', 'atlassian', 'dropbox', 'notion', 'figma',
  'reddit', 'zoom', 'salesforce', 'okta', 'auth0', 'keycloak', 'cognito', 'authentik', 'zitadel',
  'kakao', 'naver', 'line', 'vk', 'yandex', 'strava', 'patreon', 'pinterest', 'tiktok', 'mailchimp',
  'hubspot', 'huggingface', 'coinbase', 'roblox', 'osu', 'dribbble', 'click-up', 'box', 'kick',
  'threads', 'yahoo', 'wikimedia',
]

const camel = (id) => id.replace(/-([a-z])/g, (_, c) => c.toUpperCase())
const helpers = {}
for (const id of BUILT_IN_PROVIDERS) {
  helpers[camel(id)] = (options = {}) => ({ ...options, id: options.id ?? id })
}

/** Any OpenID Connect provider, resolved by discovery from its issuer. */
function oidc(options) {
  return { ...options, type: 'oidc' }
}

/** A plain OAuth 2.0 provider described by its endpoints and a profile mapping. */
function oauth(options) {
  return { ...options, type: 'oauth' }
}

module.exports = { createAuth, AuraAuthError, oidc, oauth, BUILT_IN_PROVIDERS, ...helpers, __collectEnvForTesting: collectEnv }
