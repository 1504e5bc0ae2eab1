// Shared test setup: a real OpenID provider, a GitHub-shaped OAuth server, and apps that mount
// the library on node:http — through `handler`, or through the user's guide's hand-written adapter.
import { createServer } from "node:http"
import { createRequire } from "node:module"
import { randomBytes } from "node:crypto"
import { startOidcProvider } from "../fixtures/oidc-server.mjs"
import { startGitHubServer } from "../fixtures/github-server.mjs"
import { completeOidcLogin } from "../fixtures/oidc-login.mjs"
import { CookieJar } from "../fixtures/cookie-jar.mjs"
import { listen, closeServer } from "../fixtures/free-port.mjs"
import { guideAdapter, nextLikeApiRoute } from "./guide-adapter.mjs"

const require = createRequire(import.meta.url)
export const lib = require("../../index.js")

export const SECRET = randomBytes(32).toString("hex")
export const SALT = randomBytes(32).toString("base64url")

export async function startProviders() {
  const oidc = await startOidcProvider({ allowAnyLoopbackRedirect: true })
  const github = await startGitHubServer()
  return {
    oidc,
    github,
    providers: () => [
      { id: "oidc", type: "oidc", name: "Local OpenID", issuer: oidc.issuer, clientId: oidc.clientId, clientSecret: oidc.clientSecret },
      {
        id: "github",
        clientId: github.clientId,
        clientSecret: github.clientSecret,
        authorizationURL: github.authorizeURL,
        tokenURL: github.tokenURL,
        userinfoURL: github.userURL,
        emailsURL: github.emailsURL,
      },
    ],
    async close() {
      await oidc.close()
      await github.close()
    },
  }
}

/**
 * Starts a node:http app. `mount` is "handler" (the one-line route) or "guide" (the guide's
 * adapter calling `handlers[method]`). `config(origin)` builds the auth config once the port is known.
 */
export async function startApp(config, { mount = "handler", basePath = "/api/auth" } = {}) {
  let route = null
  const server = createServer((req, res) => {
    if (!req.url.startsWith(basePath)) {
      res.statusCode = 200
      res.setHeader("content-type", "text/plain")
      res.end(`page ${req.url}`)
      return
    }
    route(req, res).catch((e) => {
      res.statusCode = 599
      res.end(String(e && e.stack))
    })
  })
  const port = await listen(server)
  const origin = `http://127.0.0.1:${port}`
  const auth = lib.createAuth(config(origin))
  route = mount === "guide" ? nextLikeApiRoute(guideAdapter(auth.handlers)) : auth.handler
  return { origin, auth, server, base: `${origin}${basePath}`, close: () => closeServer(server) }
}

/** fetch without following redirects, carrying and storing the jar's cookies. */
export async function go(jar, url, init = {}) {
  const headers = { ...(init.headers || {}) }
  const cookie = jar.header(url)
  if (cookie) headers.cookie = cookie
  const res = await fetch(url, { ...init, headers, redirect: "manual" })
  jar.store(url, res)
  return res
}

/** Starts sign-in and returns the provider's authorize URL (and the response). */
export async function startSignIn(app, jar, provider, redirectTo = "/dashboard") {
  const res = await go(jar, `${app.base}/signIn/${provider}?redirectTo=${encodeURIComponent(redirectTo)}`)
  if (res.status !== 302) throw new Error(`signIn answered ${res.status}: ${await res.text()}`)
  return { res, authorizeUrl: res.headers.get("location") }
}

/** Goes through the provider and returns the app callback URL it sends the browser to. */
export async function throughProvider(provider, authorizeUrl, { username = "ada" } = {}) {
  if (provider === "oidc") {
    const { callbackUrl } = await completeOidcLogin(authorizeUrl, { username })
    return callbackUrl
  }
  const res = await fetch(authorizeUrl, { redirect: "manual" })
  return res.headers.get("location")
}

/** The whole sign-in; returns the callback response. */
export async function signIn(app, jar, provider, { redirectTo = "/dashboard", username } = {}) {
  const { authorizeUrl } = await startSignIn(app, jar, provider, redirectTo)
  const callbackUrl = await throughProvider(provider, authorizeUrl, { username })
  const res = await go(jar, callbackUrl)
  return { res, callbackUrl, authorizeUrl }
}

export async function sessionOf(app, jar) {
  const res = await go(jar, `${app.base}/session`)
  return { res, body: await res.json() }
}

export async function signOut(app, jar, { redirectTo = "/", headers = {} } = {}) {
  const csrf = await go(jar, `${app.base}/csrfToken`)
  const { csrfToken } = await csrf.json()
  return go(jar, `${app.base}/signOut`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken, origin: app.origin, ...headers },
    body: JSON.stringify({ redirectTo }),
  })
}

export { CookieJar }
