'use strict'
// Protecting pages (SPEC §15): `auth.proxy` for Next 16 `proxy.ts` / Next 15 `middleware.ts` on Node.js,
// `auth.withSession` for getServerSideProps, `auth.requireSession` for API routes. Thin: the session read,
// the redirect target and every answer are decided by the Rust core; here are only the app's path patterns
// (path-to-regexp 6, the matcher syntax Next's `config.matcher` uses) and the calls to the app's `authorize`.

const { pathToRegexp } = require('path-to-regexp')

/** Whether this code runs on an Edge runtime (Next's `EdgeRuntime` global, or NEXT_RUNTIME). */
function onEdgeRuntime() {
  return typeof EdgeRuntime === 'string' || (typeof process !== 'undefined' && process.env && process.env.NEXT_RUNTIME === 'edge')
}

const { EDGE_MESSAGE } = require('./edge.js')

/**
 * Compiles the `protect` patterns once. Each is a Next matcher path (`/dashboard/:path*`, `/admin/(.*)`),
 * matched case-insensitively with an optional trailing slash, so a pattern never covers less than Next routes.
 */
function compilePatterns(protect, fail) {
  const list = typeof protect === 'string' ? [protect] : protect
  if (!Array.isArray(list) || list.length === 0) {
    fail('INVALID_PROXY_CONFIG', 'auth.proxy({ protect }) needs the paths to protect, e.g. auth.proxy({ protect: ["/dashboard/:path*"] }).')
  }
  return list.map((pattern) => {
    if (typeof pattern !== 'string' || !pattern.startsWith('/')) {
      fail('INVALID_PROXY_CONFIG', `auth.proxy: each protect pattern must be a path starting with "/", such as "/dashboard/:path*"; got ${JSON.stringify(pattern)}.`)
    }
    try {
      return pathToRegexp(pattern, [], { sensitive: false, strict: false, end: true })
    } catch (e) {
      fail('INVALID_PROXY_CONFIG', `auth.proxy: the protect pattern ${JSON.stringify(pattern)} is not a valid path pattern (${e.message}). Use Next's matcher syntax, such as "/dashboard/:path*".`)
    }
  })
}

/** Whether `pathname` (raw, and percent-decoded) matches a pattern. Undecodable paths count as protected. */
function matches(patterns, pathname) {
  let decoded
  try {
    decoded = decodeURIComponent(pathname)
  } catch {
    return true
  }
  return patterns.some((re) => re.test(pathname) || (decoded !== pathname && re.test(decoded)))
}

function createProtection({ native, api, AuraAuthError, toWebResponse, translateError, store }) {
  const fail = (code, message) => {
    throw new AuraAuthError(code, message)
  }

  /** `export const proxy = auth.proxy({ protect, authorize })` */
  function proxy(options = {}) {
    if (onEdgeRuntime()) fail('EDGE_RUNTIME_UNSUPPORTED', EDGE_MESSAGE)
    if (options === null || typeof options !== 'object') fail('INVALID_PROXY_CONFIG', 'auth.proxy expects an options object: auth.proxy({ protect: ["/dashboard/:path*"] }).')
    const patterns = compilePatterns(options.protect, fail)
    const authorize = options.authorize
    if (authorize !== undefined && typeof authorize !== 'function') {
      fail('INVALID_PROXY_CONFIG', 'auth.proxy({ authorize }) must be a function ({ session, request }) => boolean | Promise<boolean>.')
    }

    return async function auraProxy(request) {
      const url = new URL(request.url, 'http://request.invalid')
      if (!matches(patterns, url.pathname)) return undefined
      // With a database, an instance's first check waits once for the revocation view.
      if (store && store.pending()) await store.wait()
      const h = request.headers
      const accept = h.get('accept') ?? undefined
      let decision
      try {
        decision = native.guard(
          {
            method: request.method,
            url: request.url,
            host: h.get('host') ?? undefined,
            cookie: h.get('cookie') ?? undefined,
            forwardedHost: h.get('x-forwarded-host') ?? undefined,
            forwardedProto: h.get('x-forwarded-proto') ?? undefined,
            forwarded: h.get('forwarded') ?? undefined,
          },
          accept,
        )
      } catch (e) {
        throw translateError(e)
      }
      if (decision.response) return toWebResponse(decision.response)
      if (!decision.session || !authorize) return undefined
      const { session } = JSON.parse(decision.session)
      let allowed = false
      try {
        allowed = (await authorize({ session, request })) === true
      } catch (e) {
        // Fail closed: a throwing authorize refuses, and the app sees why.
        console.error('[aura-auth] auth.proxy: authorize threw; the request is refused (403).', e)
      }
      return allowed ? undefined : toWebResponse(native.forbidden(accept))
    }
  }

  /** `export const getServerSideProps = auth.withSession(async (ctx, session) => ({ props }), { redirectTo: "/login" })` */
  function withSession(fn, options = {}) {
    if (typeof fn !== 'function') fail('INVALID_CONFIG', 'auth.withSession(fn, options) needs a getServerSideProps function (ctx, session) => result.')
    const page = options && options.redirectTo !== undefined ? String(options.redirectTo) : undefined
    // A bad page fails here, at startup (not while `next build` runs without secrets: then at the first request).
    if (!native.deferred) {
      try {
        native.signInRedirect(page, '/')
      } catch (e) {
        throw translateError(e)
      }
    }
    return async function getServerSideProps(ctx) {
      const { authenticated, session } = await api.getSession({ headers: ctx.req.headers })
      if (authenticated) return fn(ctx, session)
      const here = typeof ctx.resolvedUrl === 'string' ? ctx.resolvedUrl : ctx.req.url || '/'
      return { redirect: { destination: native.signInRedirect(page, here), permanent: false } }
    }
  }

  /** In an API route: the session, or a 401 `UNAUTHENTICATED` answer and `null`. */
  async function requireSession(req, res) {
    const { authenticated, session } = await api.getSession({ headers: req.headers })
    if (authenticated) return session
    const r = native.unauthenticated()
    res.statusCode = r.status
    for (let i = 0; i < r.headers.length; i += 2) res.setHeader(r.headers[i], r.headers[i + 1])
    res.end(r.body)
    return null
  }

  return { proxy, withSession, requireSession }
}

module.exports = { createProtection, onEdgeRuntime, EDGE_MESSAGE }
