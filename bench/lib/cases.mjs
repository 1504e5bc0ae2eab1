// The micro-benchmark cases. Every case is { id, scenario, lib, label, fn, check?, skip?, note?, harness? }.
// `check(result)` runs once before timing so that no case silently measures an error path.
import http from 'node:http'
import { Duplex } from 'node:stream'
import { createRequire } from 'node:module'
import path from 'node:path'
import * as F from './fixtures.mjs'

const require = createRequire(path.join(F.BENCH_DIR, 'package.json'))

export const SCENARIOS = [
  { id: 'valid', title: 'Read a valid session (5-cookie header, ~350 B session JSON)' },
  { id: 'signedout', title: 'Signed out (4 unrelated cookies, no session cookie)' },
  { id: 'tampered', title: 'Tampered session cookie (one ciphertext character flipped)' },
  { id: 'signin', title: 'Sign-in redirect: GET /api/auth/signIn/github -> 302 + flow cookie' },
  { id: 'callback', title: 'Sign-in callback GET /api/auth/callback/oidc, local work only (all but the provider\'s own time)' },
  { id: 'reference', title: 'Reference costs on this machine (context, not a library)' },
]

// --- real node:http IncomingMessage / ServerResponse without a network socket ------------------
// The response is attached to a Duplex that accepts and discards the bytes, so ServerResponse runs its
// real code path (header serialisation, chunked/Content-Length framing, 'finish').
class NullSocket extends Duplex {
  constructor(capture) {
    super()
    this.captured = capture ? [] : null
  }
  _read() {}
  _write(chunk, enc, cb) {
    if (this.captured) this.captured.push(Buffer.from(chunk, enc === 'buffer' ? undefined : enc))
    cb()
  }
  _writev(chunks, cb) {
    if (this.captured) for (const { chunk, encoding } of chunks) this.captured.push(Buffer.from(chunk, encoding === 'buffer' ? undefined : encoding))
    cb()
  }
}
/** Status and headers as they went on the wire (headers given to writeHead() as an array never reach getHeader()). */
export function wireHead(socket) {
  const text = Buffer.concat(socket.captured).toString('latin1')
  const head = text.slice(0, text.indexOf('\r\n\r\n'))
  const [statusLine, ...lines] = head.split('\r\n')
  const headers = {}
  for (const l of lines) {
    const i = l.indexOf(':')
    const k = l.slice(0, i).trim().toLowerCase()
    ;(headers[k] ??= []).push(l.slice(i + 1).trim())
  }
  return { status: Number(statusLine.split(' ')[1]), headers }
}
export function nodeReqRes(method, url, headers, { capture = false } = {}) {
  const socket = new NullSocket(capture)
  const req = new http.IncomingMessage(socket)
  req.method = method
  req.url = url
  req.httpVersionMajor = 1
  req.httpVersionMinor = 1
  req.httpVersion = '1.1'
  req.headers = headers
  const raw = []
  for (const k in headers) raw.push(k, headers[k])
  req.rawHeaders = raw
  req.push(null) // no body
  req.complete = true
  const res = new http.ServerResponse(req)
  res.assignSocket(socket)
  return { req, res, socket }
}

/** What Next.js does for API routes: `req.cookies` is a lazy getter that parses the Cookie header. */
export function withNextCookies(req) {
  const { parse } = require('cookie')
  let parsed
  Object.defineProperty(req, 'cookies', {
    configurable: true,
    enumerable: true,
    get: () => (parsed ??= parse(req.headers.cookie || '')),
  })
  return req
}

// Cases that build node:http objects yield to the event loop every this many calls inside their timing, so
// that their 'end'/'finish' callbacks run as they would in a server (see runBatch in micro.mjs).
const NODE_DRAIN_EVERY = 16

const assert = (cond, msg) => {
  if (!cond) throw new Error(msg)
}

export async function buildCases() {
  const cases = []
  const add = (c) => cases.push(c)

  // ---------------- this package ----------------
  const aura = F.loadAura()
  const auraSkip = aura.available ? null : aura.reason
  const A = 'aura'
  if (aura.available) {
    const { auth } = aura
    const pair = F.auraCookie(auth)
    const validNode = F.nodeHeaders(F.cookieHeader(pair))
    const validWeb = F.webHeaders(F.cookieHeader(pair))
    const outNode = F.nodeHeaders(F.cookieHeader(null))
    const tamperedNode = F.nodeHeaders(F.cookieHeader(F.tamperPair(pair)))
    const isUser = (r) => assert(r && r.authenticated === true && r.session && r.session.user && r.session.user.sub === F.USER.sub, `expected the session, got ${JSON.stringify(r)}`)
    const isOut = (r) => assert(r && r.authenticated === false && r.session == null, `expected signed out, got ${JSON.stringify(r)}`)
    add({ id: 'aura.valid.node', scenario: 'valid', lib: A, baseline: true, label: 'api.getSession({ headers: IncomingHttpHeaders })', fn: () => auth.api.getSession({ headers: validNode }), check: isUser })
    add({ id: 'aura.valid.web', scenario: 'valid', lib: A, label: 'api.getSession({ headers: Headers })', fn: () => auth.api.getSession({ headers: validWeb }), check: isUser })
    add({ id: 'aura.signedout', scenario: 'signedout', lib: A, baseline: true, label: 'api.getSession({ headers: IncomingHttpHeaders })', fn: () => auth.api.getSession({ headers: outNode }), check: isOut })
    add({ id: 'aura.tampered', scenario: 'tampered', lib: A, baseline: true, label: 'api.getSession({ headers: IncomingHttpHeaders })', fn: () => auth.api.getSession({ headers: tamperedNode }), check: isOut })

    const signInUrl = 'http://localhost:3000/api/auth/signIn/github'
    const signInWeb = F.webHeaders(F.cookieHeader(pair))
    const signInNode = F.nodeHeaders(F.cookieHeader(pair))
    const isRedirect = (status, location) =>
      assert(status === 302 && typeof location === 'string' && location.startsWith('https://github.com/'), `expected 302 to github, got ${status} ${location}`)
    add({
      id: 'aura.signin.web',
      scenario: 'signin',
      lib: A,
      baseline: true,
      label: 'handlers.GET(new Request(url, { headers }))',
      fn: () => auth.handlers.GET(new Request(signInUrl, { headers: signInWeb })),
      check: (r) => {
        isRedirect(r.status, r.headers.get('location'))
        assert(r.headers.getSetCookie().some((c) => c.includes('aura-auth.flow')), `expected a flow cookie, got ${JSON.stringify(r.headers.getSetCookie())}`)
      },
    })
    add({
      id: 'aura.signin.node',
      scenario: 'signin',
      lib: A,
      label: 'handler(req, res): real IncomingMessage/ServerResponse, no socket',
      drainEvery: NODE_DRAIN_EVERY,
      fn: async () => {
        const { req, res } = nodeReqRes('GET', '/api/auth/signIn/github', signInNode)
        await auth.handler(req, res)
      },
      // checked once on a capturing socket: what went on the wire must be a 302 to GitHub with a cookie
      precheck: async () => {
        const { req, res, socket } = nodeReqRes('GET', '/api/auth/signIn/github', signInNode, { capture: true })
        await auth.handler(req, res)
        await new Promise((r) => setImmediate(r))
        const { status, headers } = wireHead(socket)
        isRedirect(status, headers.location && headers.location[0])
        assert(headers['set-cookie'] && headers['set-cookie'].some((c) => c.includes('aura-auth.flow')), `expected a flow cookie, got ${JSON.stringify(headers['set-cookie'])}`)
      },
    })
  } else {
    const rows = [
      ['aura.valid.node', 'valid', 'api.getSession({ headers: IncomingHttpHeaders })'],
      ['aura.valid.web', 'valid', 'api.getSession({ headers: Headers })'],
      ['aura.signedout', 'signedout', 'api.getSession({ headers: IncomingHttpHeaders })'],
      ['aura.tampered', 'tampered', 'api.getSession({ headers: IncomingHttpHeaders })'],
      ['aura.signin.web', 'signin', 'handlers.GET(new Request(url, { headers }))'],
      ['aura.signin.node', 'signin', 'handler(req, res): real IncomingMessage/ServerResponse, no socket'],
    ]
    for (const [id, scenario, label] of rows) add({ id, scenario, lib: A, label, baseline: id !== 'aura.valid.web' && id !== 'aura.signin.node', skip: auraSkip })
  }
  // measured by its own part (lib/callback.mjs: real flows against the local OpenID provider), not by runMicro
  add({ id: 'aura.callback', scenario: 'callback', lib: A, baseline: true, label: 'callback: local work (callback total − provider server time)', skip: 'measured by the callback part', external: true })

  // harness reference rows for the sign-in scenario (what the wrapping alone costs)
  {
    const h = F.webHeaders(F.cookieHeader(null))
    add({
      id: 'harness.request',
      scenario: 'signin',
      lib: 'harness',
      harness: true,
      label: 'new Request(url, { headers }) + new Response(null, 302) only',
      fn: () => {
        new Request('http://localhost:3000/api/auth/signIn/github', { headers: h })
        return new Response(null, { status: 302, headers: { location: 'https://github.com/login/oauth/authorize' } })
      },
    })
    const n = F.nodeHeaders(F.cookieHeader(null))
    add({
      id: 'harness.reqres',
      scenario: 'signin',
      lib: 'harness',
      harness: true,
      label: 'build req/res + write a bare 302 with one Set-Cookie only',
      drainEvery: NODE_DRAIN_EVERY,
      fn: () => {
        const { res } = nodeReqRes('GET', '/api/auth/signIn/github', n)
        res.writeHead(302, { location: 'https://github.com/login/oauth/authorize', 'set-cookie': ['a=b; Path=/; HttpOnly'] })
        res.end()
      },
    })
  }

  // what one libuv-threadpool round trip costs here: every async node:crypto / WebCrypto call pays it
  {
    const { subtle } = globalThis.crypto
    const data = new Uint8Array(32)
    const { promisify } = await import('node:util')
    const { hkdf } = await import('node:crypto')
    const hkdfAsync = promisify(hkdf)
    add({ id: 'ref.subtle', scenario: 'reference', lib: 'reference', harness: true, label: "await crypto.subtle.digest('SHA-256', 32 B) (one threadpool round trip)", fn: () => subtle.digest('SHA-256', data) })
    add({ id: 'ref.hkdf', scenario: 'reference', lib: 'reference', harness: true, label: "await util.promisify(crypto.hkdf)('sha256', …, 32) (as next-auth v4 derives its key per call)", fn: () => hkdfAsync('sha256', F.NEXTAUTH_SECRET, '', 'NextAuth.js Generated Encryption Key', 32) })
  }

  // ---------------- next-auth v4 ----------------
  {
    const { getToken, decode } = require('next-auth/jwt')
    const pair = await F.nextAuthCookie()
    const token = pair.slice(pair.indexOf('=') + 1)
    const secret = F.NEXTAUTH_SECRET
    const reqFor = (cookie) => {
      const headers = F.nodeHeaders(F.cookieHeader(cookie))
      return () => withNextCookies({ headers }) // a fresh request object per call, cookies parsed lazily (as in Next.js)
    }
    const valid = reqFor(pair)
    const out = reqFor(null)
    const bad = reqFor(F.tamperPair(pair))
    const isTok = (t) => assert(t && t.sub === F.USER.sub && t.email === F.USER.email, `expected the token, got ${JSON.stringify(t)}`)
    const isNull = (t) => assert(t === null, `expected null, got ${JSON.stringify(t)}`)
    const L = 'next-auth v4'
    add({ id: 'nextauth.valid', scenario: 'valid', lib: L, label: 'getToken({ req, secret })', fn: () => getToken({ req: valid(), secret }), check: isTok })
    add({ id: 'nextauth.decode', scenario: 'valid', lib: L, label: 'jwt.decode({ token, secret }) (token pre-extracted)', fn: () => decode({ token, secret }), check: isTok })
    add({ id: 'nextauth.signedout', scenario: 'signedout', lib: L, label: 'getToken({ req, secret })', fn: () => getToken({ req: out(), secret }), check: isNull })
    add({ id: 'nextauth.tampered', scenario: 'tampered', lib: L, label: 'getToken({ req, secret })', fn: () => getToken({ req: bad(), secret }), check: isNull })
  }

  // ---------------- @auth/core ----------------
  {
    const { getToken } = await import('@auth/core/jwt')
    const pair = await F.authjsCookie()
    const secret = F.NEXTAUTH_SECRET
    const mk = (cookie) => ({ headers: F.webHeaders(F.cookieHeader(cookie)) })
    const valid = mk(pair)
    const out = mk(null)
    const bad = mk(F.tamperPair(pair))
    const isTok = (t) => assert(t && t.sub === F.USER.sub && t.email === F.USER.email, `expected the token, got ${JSON.stringify(t)}`)
    const isNull = (t) => assert(t === null, `expected null, got ${JSON.stringify(t)}`)
    const L = '@auth/core'
    const opts = (req) => ({ req, secret, secureCookie: false }) // salt defaults to the cookie name
    add({ id: 'authjs.valid', scenario: 'valid', lib: L, label: 'getToken({ req: { headers: Headers }, secret })', fn: () => getToken(opts(valid)), check: isTok })
    add({ id: 'authjs.signedout', scenario: 'signedout', lib: L, label: 'getToken({ req: { headers: Headers }, secret })', fn: () => getToken(opts(out)), check: isNull })
    add({ id: 'authjs.tampered', scenario: 'tampered', lib: L, label: 'getToken({ req: { headers: Headers }, secret })', fn: () => getToken(opts(bad)), check: isNull })
  }

  // ---------------- iron-session ----------------
  {
    const { getIronSession, unsealData } = await import('iron-session')
    const pair = await F.ironCookie()
    const seal = pair.slice(pair.indexOf('=') + 1)
    // minimal node-style req/res (getIronSession reads req.headers.cookie; res is touched only by save/destroy)
    const res = { getHeader() {}, setHeader() {} }
    const mk = (cookie) => ({ headers: F.nodeHeaders(F.cookieHeader(cookie)) })
    const valid = mk(pair)
    const out = mk(null)
    const bad = mk(F.tamperPair(pair))
    const isSess = (s) => assert(s && s.user && s.user.sub === F.USER.sub, `expected the session, got ${JSON.stringify(s)}`)
    const isEmpty = (s) => assert(s && !s.user, `expected an empty session, got ${JSON.stringify(s)}`)
    const L = 'iron-session'
    add({ id: 'iron.valid', scenario: 'valid', lib: L, label: 'getIronSession(req, res, options)', fn: () => getIronSession(valid, res, F.IRON_OPTIONS), check: isSess })
    add({ id: 'iron.unseal', scenario: 'valid', lib: L, label: 'unsealData(seal, { password }) (seal pre-extracted)', fn: () => unsealData(seal, { password: F.IRON_PASSWORD, ttl: F.MAX_AGE }), check: isSess })
    add({ id: 'iron.signedout', scenario: 'signedout', lib: L, label: 'getIronSession(req, res, options)', fn: () => getIronSession(out, res, F.IRON_OPTIONS), check: isEmpty })
    add({ id: 'iron.tampered', scenario: 'tampered', lib: L, label: 'getIronSession(req, res, options)', fn: () => getIronSession(bad, res, F.IRON_OPTIONS), check: isEmpty })
  }

  // ---------------- node:crypto floor ----------------
  {
    const pair = F.floorCookie()
    const valid = F.nodeHeaders(F.cookieHeader(pair))
    const out = F.nodeHeaders(F.cookieHeader(null))
    const bad = F.nodeHeaders(F.cookieHeader(F.tamperPair(pair)))
    const L = 'node:crypto floor'
    const label = 'find cookie, base64url, chacha20-poly1305, JSON.parse'
    add({ id: 'floor.valid', scenario: 'valid', lib: L, floor: true, label, fn: () => F.floorGetSession(valid.cookie), check: (s) => assert(s && s.user.sub === F.USER.sub, 'floor: expected the session') })
    add({ id: 'floor.signedout', scenario: 'signedout', lib: L, floor: true, label, fn: () => F.floorGetSession(out.cookie), check: (s) => assert(s === null, 'floor: expected null') })
    add({ id: 'floor.tampered', scenario: 'tampered', lib: L, floor: true, label, fn: () => F.floorGetSession(bad.cookie), check: (s) => assert(s === null, 'floor: expected null') })
  }

  // one checked call per runnable case
  for (const c of cases) {
    if (c.skip || !c.fn) continue
    try {
      const r = await c.fn()
      if (c.check) c.check(r)
      if (c.precheck) await c.precheck()
    } catch (err) {
      c.skip = `sanity check failed: ${err && err.message}`
      c.fn = null
    }
  }
  return { cases, aura }
}
