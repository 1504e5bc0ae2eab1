"use strict"

// @aura-stack/auth/client: the browser-facing helper.
//
// This file must stay browser-safe: it never requires the native addon (native.js / index.js) or
// any Node built-in, so a page that imports it bundles for the browser. It only uses `fetch`.
//
// Every method resolves; none rejects because of an HTTP status or a network failure:
//   signIn / signOut -> { ok: true, url } | { ok: false, error: { code, message, status? } }
//   getSession       -> { authenticated, session } (+ `error` when the lookup itself failed)

/** Channel / storage key other tabs listen on (see react.js). */
const BROADCAST_NAME = "aura-auth"
const STORAGE_KEY = "aura-auth.event"

function hasWindow() {
  return typeof window !== "undefined" && typeof window.location !== "undefined"
}

function normalizeBasePath(basePath) {
  if (basePath === undefined || basePath === null || basePath === "") return "/api/auth"
  if (typeof basePath !== "string" || !basePath.startsWith("/")) {
    throw new TypeError(`createAuthClient: basePath must be a string starting with "/" (got ${JSON.stringify(basePath)})`)
  }
  return basePath.replace(/\/+$/, "") || ""
}

function normalizeBaseURL(baseURL) {
  if (baseURL === undefined || baseURL === null || baseURL === "") return null
  let parsed
  try {
    parsed = new URL(String(baseURL))
  } catch {
    throw new TypeError(`createAuthClient: baseURL must be an absolute http(s) URL such as "http://localhost:3000" (got ${JSON.stringify(baseURL)})`)
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new TypeError(`createAuthClient: baseURL must use http or https (got ${JSON.stringify(baseURL)})`)
  }
  // Keep a path prefix if there is one (an app served under /prefix); drop query and hash.
  return parsed.origin + parsed.pathname.replace(/\/+$/, "")
}

function clientError(code, message, status) {
  const error = { code, message }
  if (status !== undefined) error.status = status
  return error
}

/** Reads a fetch Response as JSON without throwing. Returns { json } or { json: undefined, text }. */
async function readJson(response) {
  let text = ""
  try {
    text = await response.text()
  } catch {
    return { json: undefined, text: "" }
  }
  if (!text) return { json: undefined, text }
  try {
    return { json: JSON.parse(text), text }
  } catch {
    return { json: undefined, text }
  }
}

function errorFromResponse(response, json) {
  const e = json && typeof json === "object" ? json.error : undefined
  if (e && typeof e === "object" && typeof e.code === "string") {
    return clientError(e.code, typeof e.message === "string" ? e.message : e.code, response.status)
  }
  if (typeof e === "string") return clientError("HTTP_ERROR", e, response.status)
  return clientError("HTTP_ERROR", `The auth server answered ${response.status} ${response.statusText || ""}`.trim(), response.status)
}

function notifyOtherTabs(event) {
  const message = { event, at: Date.now() }
  try {
    if (typeof BroadcastChannel === "function") {
      const channel = new BroadcastChannel(BROADCAST_NAME)
      channel.postMessage(message)
      channel.close()
      return
    }
  } catch {
    // fall through to localStorage
  }
  try {
    if (typeof localStorage !== "undefined") localStorage.setItem(STORAGE_KEY, JSON.stringify(message))
  } catch {
    // storage can be disabled; cross-tab sync is best effort
  }
}

function navigate(url) {
  if (hasWindow() && typeof window.location.assign === "function") window.location.assign(url)
}

/**
 * @param {{ basePath?: string, baseURL?: string, fetch?: typeof fetch }} [options]
 */
function createAuthClient(options) {
  const opts = options || {}
  const basePath = normalizeBasePath(opts.basePath)
  const baseURL = normalizeBaseURL(opts.baseURL)
  const customFetch = opts.fetch

  function endpoint(path, query) {
    const search = query ? `?${new URLSearchParams(query).toString()}` : ""
    const relative = `${basePath}/${path}${search}`
    if (baseURL) return baseURL + relative
    if (hasWindow()) return relative
    return null
  }

  function credentialsFor(url) {
    if (!hasWindow() || url.startsWith("/")) return "same-origin"
    try {
      return new URL(url).origin === window.location.origin ? "same-origin" : "include"
    } catch {
      return "same-origin"
    }
  }

  /** fetch + JSON, never throwing: { ok: true, json, response } | { ok: false, error } */
  async function request(method, path, { query, headers, body } = {}) {
    const url = endpoint(path, query)
    if (url === null) {
      return {
        ok: false,
        error: clientError(
          "MISSING_BASE_URL",
          "createAuthClient needs a baseURL outside the browser (for example baseURL: \"http://localhost:3000\")",
        ),
      }
    }
    const doFetch = customFetch || (typeof fetch === "function" ? fetch : undefined)
    if (!doFetch) {
      return { ok: false, error: clientError("NETWORK_ERROR", "fetch is not available in this environment") }
    }
    let response
    try {
      response = await doFetch(url, {
        method,
        headers: Object.assign({ Accept: "application/json" }, headers),
        body,
        credentials: credentialsFor(url),
        cache: "no-store",
      })
    } catch (err) {
      const detail = err && err.message ? `: ${err.message}` : ""
      return { ok: false, error: clientError("NETWORK_ERROR", `Could not reach the auth server at ${url}${detail}`) }
    }
    const { json } = await readJson(response)
    if (!response.ok) return { ok: false, error: errorFromResponse(response, json) }
    if (json === undefined || json === null || typeof json !== "object") {
      return {
        ok: false,
        error: clientError("INVALID_RESPONSE", `Expected JSON from ${basePath}/${path}, got something else`, response.status),
      }
    }
    return { ok: true, json, response }
  }

  function defaultRedirectTo() {
    return hasWindow() ? window.location.href : undefined
  }

  async function signIn(provider, signInOptions) {
    const o = signInOptions || {}
    if (typeof provider !== "string" || provider === "") {
      return { ok: false, error: clientError("INVALID_PROVIDER", "signIn needs a provider id, for example signIn(\"github\")") }
    }
    const redirectTo = o.redirectTo !== undefined ? String(o.redirectTo) : defaultRedirectTo()
    const query = {}
    if (redirectTo !== undefined) query.redirectTo = redirectTo
    query.redirect = "false"
    if (o.link === true) query.link = "true"
    const result = await request("GET", `signIn/${encodeURIComponent(provider)}`, { query })
    if (!result.ok) return { ok: false, error: result.error }
    const url = result.json.url
    if (typeof url !== "string" || url === "") {
      return { ok: false, error: clientError("INVALID_RESPONSE", "The sign-in response did not contain a url") }
    }
    if (o.redirect !== false) navigate(url)
    return { ok: true, url }
  }

  async function getCsrfToken() {
    const result = await request("GET", "csrfToken")
    if (!result.ok) return { ok: false, error: result.error }
    const token = result.json.csrfToken
    if (typeof token !== "string" || token === "") {
      return { ok: false, error: clientError("INVALID_RESPONSE", "The csrfToken response did not contain a token") }
    }
    return { ok: true, csrfToken: token }
  }

  async function getSession() {
    const result = await request("GET", "session")
    if (!result.ok) return { authenticated: false, session: null, error: result.error }
    const json = result.json
    const session = json.session && typeof json.session === "object" ? json.session : null
    const authenticated = json.authenticated === true && session !== null
    return { authenticated, session: authenticated ? session : null }
  }

  async function signOut(signOutOptions) {
    const o = signOutOptions || {}
    const csrf = await getCsrfToken()
    if (!csrf.ok) return { ok: false, error: csrf.error }
    const payload = {}
    if (o.redirectTo !== undefined) payload.redirectTo = String(o.redirectTo)
    if (o.federated === true) payload.federated = true
    const result = await request("POST", "signOut", {
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.csrfToken },
      body: JSON.stringify(payload),
    })
    if (!result.ok) return { ok: false, error: result.error }
    const url = typeof result.json.url === "string" && result.json.url !== "" ? result.json.url : o.redirectTo || "/"
    notifyOtherTabs("signOut")
    if (o.redirect !== false) navigate(url)
    return { ok: true, url }
  }

  /**
   * Asks the server's `callbacks.session` hook to update the session with `data` (trigger
   * "update"); resolves { ok: true, session } or { ok: false, error } (403 UPDATE_NOT_ALLOWED
   * without a session hook). Other tabs are told to refetch.
   */
  async function updateSession(data) {
    const csrf = await getCsrfToken()
    if (!csrf.ok) return { ok: false, error: csrf.error }
    let body
    try {
      body = JSON.stringify({ data: data === undefined ? null : data })
    } catch {
      return { ok: false, error: clientError("INVALID_DATA", "updateSession(data): data must be JSON-serialisable") }
    }
    const result = await request("POST", "session", {
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.csrfToken },
      body,
    })
    if (!result.ok) return { ok: false, error: result.error }
    const session = result.json.session && typeof result.json.session === "object" ? result.json.session : null
    notifyOtherTabs("updateSession")
    return { ok: true, session }
  }

  /** A CSRF-protected JSON POST to an email endpoint (SPEC §12): { ok: true, json } | { ok: false, error }. */
  async function post(path, payload) {
    const csrf = await getCsrfToken()
    if (!csrf.ok) return { ok: false, error: csrf.error }
    return request("POST", path, {
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.csrfToken },
      body: JSON.stringify(payload),
    })
  }

  /** Adds `redirectTo` (default: this page) and follows the answer's url unless `redirect: false`. */
  async function signInLike(path, payload, o, event) {
    const redirectTo = o.redirectTo !== undefined ? String(o.redirectTo) : defaultRedirectTo()
    const result = await post(path, redirectTo === undefined ? payload : { ...payload, redirectTo })
    if (!result.ok) return { ok: false, error: result.error }
    const url = typeof result.json.url === "string" && result.json.url !== "" ? result.json.url : redirectTo || "/"
    const out = { ok: true, url }
    if (result.json.verificationRequired === true) out.verificationRequired = true
    if (event) notifyOtherTabs(event)
    if (o.redirect !== false && event && !out.verificationRequired) navigate(url)
    return out
  }

  /** `POST signUp/email`: { ok, url, verificationRequired? } (the same answer for an address in use). */
  function signUpEmail(input, o) {
    const i = input || {}
    const payload = { email: String(i.email ?? ""), password: String(i.password ?? "") }
    if (i.name !== undefined) payload.name = String(i.name)
    return signInLike("signUp/email", payload, { ...(o || {}), redirectTo: i.redirectTo ?? (o || {}).redirectTo }, "signIn")
  }

  /** `POST signIn/email`: { ok, url } or { ok: false, error } (401 INVALID_CREDENTIALS, 403 EMAIL_NOT_VERIFIED). */
  function signInEmail(input, o) {
    const i = input || {}
    return signInLike("signIn/email", { email: String(i.email ?? ""), password: String(i.password ?? "") }, { ...(o || {}), redirectTo: i.redirectTo ?? (o || {}).redirectTo }, "signIn")
  }

  /** `POST signIn/magic-link`: always { ok: true } when the request went through; the link arrives by mail. */
  function signInMagicLink(input, o) {
    const i = input || {}
    return signInLike("signIn/magic-link", { email: String(i.email ?? "") }, { ...(o || {}), redirect: false, redirectTo: i.redirectTo ?? (o || {}).redirectTo }, null)
  }

  /** `POST password/forgot`: always { ok: true } (nothing says whether the address has an account). */
  async function requestPasswordReset(input) {
    const i = input || {}
    const payload = { email: String(i.email ?? "") }
    if (i.redirectTo !== undefined) payload.redirectTo = String(i.redirectTo)
    const result = await post("password/forgot", payload)
    return result.ok ? { ok: true } : { ok: false, error: result.error }
  }

  /** `POST password/reset { token, password }`: ends every session of the user. */
  async function resetPassword(input) {
    const i = input || {}
    const result = await post("password/reset", { token: String(i.token ?? ""), password: String(i.password ?? "") })
    return result.ok ? { ok: true } : { ok: false, error: result.error }
  }

  /** `POST password/change` (signed in): ends the user's other sessions. */
  async function changePassword(input) {
    const i = input || {}
    const result = await post("password/change", { currentPassword: String(i.currentPassword ?? ""), newPassword: String(i.newPassword ?? "") })
    return result.ok ? { ok: true } : { ok: false, error: result.error }
  }

  /** With a database: the signed-in user's sessions → { ok: true, sessions } | { ok: false, error }. */
  async function listSessions() {
    const result = await request("GET", "sessions")
    if (!result.ok) return { ok: false, error: result.error }
    return { ok: true, sessions: Array.isArray(result.json.sessions) ? result.json.sessions : [] }
  }

  async function revokeWith(payload) {
    const csrf = await getCsrfToken()
    if (!csrf.ok) return { ok: false, error: csrf.error }
    const result = await request("POST", "sessions/revoke", {
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf.csrfToken },
      body: JSON.stringify(payload),
    })
    if (!result.ok) return { ok: false, error: result.error }
    return { ok: true, revoked: typeof result.json.revoked === "number" ? result.json.revoked : 0 }
  }

  /** Ends one of the user's sessions by its id (from listSessions) → { ok, revoked } | { ok: false, error }. */
  async function revokeSession(sessionId) {
    if (typeof sessionId !== "string" || sessionId === "") {
      return { ok: false, error: clientError("INVALID_ARGUMENT", "revokeSession needs a session id from listSessions()") }
    }
    return revokeWith({ sessionId })
  }

  /** Ends every session of the user except this browser's → { ok, revoked } | { ok: false, error }. */
  async function revokeOtherSessions() {
    return revokeWith({ others: true })
  }

  return {
    basePath,
    baseURL,
    signIn,
    signOut,
    getSession,
    getCsrfToken,
    updateSession,
    signUpEmail,
    signInEmail,
    signInMagicLink,
    requestPasswordReset,
    resetPassword,
    changePassword,
    listSessions,
    revokeSession,
    revokeOtherSessions,
  }
}

exports.createAuthClient = createAuthClient
exports.BROADCAST_NAME = BROADCAST_NAME
exports.STORAGE_KEY = STORAGE_KEY
