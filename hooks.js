'use strict'
// The app's hooks (callbacks, events, logger) run here, beside the app's code; what they return
// is applied by the native core under its own rules (the subject stays the verified one, redirects
// are checked, sizes are bounded). The core hands a sign-in or session update over as a sealed
// ticket; this module runs the hooks with a timeout and passes their results back. Nothing here
// decides who is signed in. Reads (getSession, GET /session) never come here.

const DEFAULT_TIMEOUT_MS = 10_000
const LEVELS = ['debug', 'info', 'warn', 'error', 'off']

class HookTimeout extends Error {
  constructor(name, ms) {
    super(`${name} did not settle within ${ms} ms`)
    this.name = 'HookTimeout'
  }
}

/**
 * `fn()`, raced against a timer when it returns a promise (a synchronous result needs none); a
 * late rejection is handled (never an unhandled rejection). A synchronous throw propagates.
 */
function withTimeout(name, fn, ms) {
  const run = fn()
  if (run === null || (typeof run !== 'object' && typeof run !== 'function') || typeof run.then !== 'function') return run
  let timer
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new HookTimeout(name, ms)), ms)
    if (typeof timer.unref === 'function') timer.unref()
  })
  return Promise.race([run, timeout]).finally(() => clearTimeout(timer))
}

/**
 * What a hook returned, reported as data for the core to judge: `undefined` stays distinct from
 * `null`, and a value JSON cannot carry (function, symbol, bigint) is `other`. Nothing is decided
 * here (a signIn hook's answer means what the core says it means).
 */
function answer(value) {
  if (value === undefined) return { type: 'undefined' }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return { type: 'other' }
  return { type: 'value', value }
}

function consoleLogger(entry) {
  const where = entry.provider ? ` (${entry.provider})` : ''
  const line = `[aura-auth] ${entry.level} ${entry.code}: ${entry.message}${where}`
  if (entry.level === 'error') console.error(line)
  else if (entry.level === 'warn') console.warn(line)
  else console.log(line)
}

function levelIndex(level, fallback) {
  const i = LEVELS.indexOf(level)
  return i === -1 ? LEVELS.indexOf(fallback) : i
}

/**
 * Splits the app's config into what the core reads (plain data, with `hooks` flags) and the
 * functions that stay here. Throws a TypeError-like AuraAuthError via `fail` for bad shapes.
 */
function createHooks(config, fail) {
  const callbacks = config.callbacks ?? {}
  const events = config.events ?? {}
  if (typeof callbacks !== 'object' || callbacks === null) fail('INVALID_CONFIG', '`callbacks` must be an object of functions: { signIn, session, redirect }.')
  if (typeof events !== 'object' || events === null) fail('INVALID_CONFIG', '`events` must be an object of functions: { signIn, signOut, updateSession, error, createUser, linkAccount }.')
  for (const [name, fn] of Object.entries(callbacks)) {
    if (name === 'timeoutMs') continue
    if (!['signIn', 'session', 'redirect'].includes(name)) fail('INVALID_CONFIG', `callbacks.${name} is not a hook; use signIn, session or redirect (and timeoutMs).`)
    if (typeof fn !== 'function') fail('INVALID_CONFIG', `callbacks.${name} must be a function.`)
  }
  for (const [name, fn] of Object.entries(events)) {
    if (!['signIn', 'signOut', 'updateSession', 'error', 'createUser', 'linkAccount'].includes(name)) fail('INVALID_CONFIG', `events.${name} is not an event; use signIn, signOut, updateSession, error, createUser or linkAccount.`)
    if (typeof fn !== 'function') fail('INVALID_CONFIG', `events.${name} must be a function.`)
  }
  // The core checks it (at most 60 s: HOOK_TIMEOUT_TOO_LONG) and derives the ticket's life from it.
  const timeoutMs = callbacks.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1) fail('INVALID_CONFIG', 'callbacks.timeoutMs must be a whole number of milliseconds (1 to 60000).')

  let logger = config.logger
  if (logger !== undefined && (typeof logger !== 'object' || logger === null || (logger.log !== undefined && typeof logger.log !== 'function'))) {
    fail('INVALID_CONFIG', '`logger` must be { level?: "debug" | "info" | "warn" | "error" | "off", log?: (entry) => void }.')
  }
  const level = logger?.level ?? (config.debug === true ? 'debug' : 'error')
  if (!LEVELS.includes(level)) fail('INVALID_CONFIG', `logger.level must be one of ${LEVELS.join(', ')}.`)
  const log = logger?.log ?? consoleLogger
  // The core reports entries at the logger's level, or errors too when events.error listens.
  const coreLevel = LEVELS[Math.min(levelIndex(level, 'error'), events.error ? levelIndex('error') : 4)]

  // Providers whose `profile` is a function: the function stays here, the core is told.
  // A Map: an id like `constructor` must never resolve to Object.prototype's (review finding 12).
  const profileFns = new Map()
  const oauth = Array.isArray(config.oauth)
    ? config.oauth.map((p) => {
        if (p && typeof p === 'object' && typeof p.profile === 'function') {
          profileFns.set(p.id, p.profile)
          const { profile: _fn, ...rest } = p
          return rest
        }
        return p
      })
    : config.oauth

  // email.send (SPEC §12): the function stays here; the core builds every message and decides
  // who gets one. Delivery is fire and forget, so a slow or failing sender changes no answer.
  const email = config.email
  if (email !== undefined && (typeof email !== 'object' || email === null || typeof email.send !== 'function' || Object.keys(email).some((k) => k !== 'send'))) {
    fail('INVALID_CONFIG', '`email` must be { send: async ({ to, kind, url, subject, text, html }) => { … } }.')
  }
  const send = email ? email.send : undefined

  const { callbacks: _c, events: _e, logger: _l, debug: _d, email: _m, ...rest } = config
  const nativeConfig = {
    ...rest,
    ...(send ? { email: { send: true } } : {}),
    oauth,
    hooks: {
      signIn: typeof callbacks.signIn === 'function',
      session: typeof callbacks.session === 'function',
      redirect: typeof callbacks.redirect === 'function',
      events: Object.keys(events).length > 0,
      logLevel: coreLevel,
      profileFunctions: [...profileFns.keys()],
      timeoutMs,
    },
  }

  const maxAge = config.session?.maxAge ?? 30 * 24 * 60 * 60

  function emit(name, payload) {
    const handler = events[name]
    if (typeof handler !== 'function') return
    // Fire and forget: never awaited, a throw is logged and never fails the request.
    Promise.resolve()
      .then(() => handler(payload))
      .catch(() => report({ log: JSON.stringify([{ level: 'error', code: 'EVENT_ERROR', message: `events.${name} threw or rejected.` }]) }))
  }

  /** Hands the response's events and log entries to the app (after the response is decided). */
  function report(r) {
    if (r.log) {
      for (const entry of JSON.parse(r.log)) {
        // `always`: a one-time configuration warning, shown at the default level too.
        const always = entry.always === true
        delete entry.always
        if ((always || levelIndex(entry.level, 'error') >= levelIndex(level, 'error')) && level !== 'off') {
          try {
            log(entry)
          } catch {
            // A logger that throws must not fail the request.
          }
        }
        if (entry.level === 'error' && entry.code !== 'EVENT_ERROR') emit('error', { code: entry.code, message: entry.message, provider: entry.provider ?? null })
      }
    }
    if (r.events) for (const [name, payload] of JSON.parse(r.events)) emit(name, payload)
    if (r.emails && send) for (const message of JSON.parse(r.emails)) deliver(message)
  }

  /** Hands one message to `email.send`, after the answer; a throw, rejection or timeout is logged. */
  function deliver(message) {
    Promise.resolve()
      .then(() => withTimeout('email.send', () => send(message), timeoutMs))
      .catch(() => report({ log: JSON.stringify([{ level: 'error', code: 'EMAIL_SEND_FAILED', message: `email.send failed for a ${message.kind} message.` }]) }))
  }

  /** The core's answer after the hooks; with a database a sign-in finishes asynchronously. */
  function finish(native, request, ticket, result) {
    const r = native.finishHooks(request, ticket, result)
    return r === null ? native.finishHooksAsync(request, ticket, result) : r
  }

  /** Runs the hooks for a hand-off and returns the core's final response. */
  async function settle(native, request, r) {
    if (!r.hook) return r
    const h = JSON.parse(r.hook)
    let ticket = h.ticket
    const result = {}
    try {
      if (h.kind === 'signIn') {
        let { user, account } = h
        const userId = user && user.id
        const isNewUser = h.isNewUser
        const profileFn = profileFns.get(h.provider)
        if (profileFn) {
          const tokens = { accessToken: account.accessToken, refreshToken: account.refreshToken, expiresAt: account.expiresAt, scope: account.scope, idToken: account.idToken, tokenType: account.tokenType }
          const partial = await withTimeout(`${h.provider}.profile`, () => profileFn(h.profile, tokens), timeoutMs)
          const next = JSON.parse(native.applyProfile(ticket, JSON.stringify(answer(partial))))
          ticket = next.ticket
          user = userId === undefined ? next.user : { ...next.user, id: userId }
          account = { ...account, providerAccountId: user.sub }
        }
        // With a database the hooks learn whether the sign-in creates the user.
        const extra = isNewUser === undefined ? {} : { isNewUser }
        if (callbacks.signIn) {
          const allowed = await withTimeout('callbacks.signIn', () => callbacks.signIn({ user, account, profile: h.profile, ...extra }), timeoutMs)
          result.signIn = answer(allowed)
        }
        // The later hooks run only when the sign-in may go on; the core judges every answer.
        if (!callbacks.signIn || result.signIn.value === true) {
          if (callbacks.session) {
            const session = { user, expires: new Date(Date.now() + maxAge * 1000).toISOString() }
            const shaped = await withTimeout('callbacks.session', () => callbacks.session({ session, user, account, profile: h.profile, trigger: 'signIn', ...extra }), timeoutMs)
            result.session = answer(shaped)
          }
          if (callbacks.redirect) {
            result.redirect = answer(await withTimeout('callbacks.redirect', () => callbacks.redirect({ url: h.redirectTo, baseURL: h.baseURL }), timeoutMs))
          }
        }
      } else {
        const shaped = await withTimeout('callbacks.session', () => callbacks.session({ session: h.session, user: h.session.user, trigger: 'update', data: h.data }), timeoutMs)
        result.session = answer(shaped)
      }
      return await finish(native, request, ticket, JSON.stringify(result))
    } catch {
      // A hook threw, rejected, timed out or returned something that cannot be sent: the core
      // ends the sign-in on the error page (CALLBACK_ERROR), or refuses the update.
      return finish(native, request, h.ticket, JSON.stringify({ error: true }))
    }
  }

  /** The core's final answer: after the hooks when it handed over, with events and logs reported. */
  async function complete(native, request, r) {
    if (r.hook) {
      // What the core did before handing over stands whatever the hooks answer (an email
      // sign-up's new user: its createUser event and verification mail).
      if (r.events || r.log || r.emails) report(r)
      r = await settle(native, request, r)
    }
    if (r.events || r.log || r.emails) report(r)
    return r
  }

  return { nativeConfig, report, complete }
}

module.exports = { createHooks, withTimeout, HookTimeout }
