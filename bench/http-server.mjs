// One HTTP server case, run as its own process (forked by run.mjs) so that the load generator
// never shares this event loop. Tells the parent { port, path, cookie } over IPC when listening.
//   node http-server.mjs <bare|aura-getsession|aura-handler|nextauth-gettoken>
import http from 'node:http'
import { createRequire } from 'node:module'
import path from 'node:path'
import * as F from './lib/fixtures.mjs'
import { withNextCookies } from './lib/cases.mjs'

const require = createRequire(path.join(F.BENCH_DIR, 'package.json'))
const kind = process.argv[2]

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store' }
function sendJson(res, obj) {
  const body = JSON.stringify(obj)
  res.writeHead(200, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body) })
  res.end(body)
}
function fail(res, err) {
  if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
  res.end(String((err && err.message) || err))
}

async function setup() {
  switch (kind) {
    case 'bare': {
      // same response shape and size as the session endpoints
      const body = { authenticated: true, session: F.SESSION }
      return { cookie: F.cookieHeader(null), path: '/', handler: (req, res) => sendJson(res, body) }
    }
    case 'aura-getsession':
    case 'aura-handler': {
      const aura = F.loadAura()
      if (!aura.available) throw new Error(aura.reason)
      const { auth } = aura
      const cookie = F.cookieHeader(F.auraCookie(auth))
      if (kind === 'aura-handler') return { cookie, path: '/api/auth/session', handler: (req, res) => auth.handler(req, res).catch((e) => fail(res, e)) }
      return {
        cookie,
        path: '/',
        handler: (req, res) =>
          auth.api.getSession({ headers: req.headers }).then(
            (s) => sendJson(res, s),
            (e) => fail(res, e),
          ),
      }
    }
    case 'nextauth-gettoken': {
      const { getToken } = require('next-auth/jwt')
      const cookie = F.cookieHeader(await F.nextAuthCookie())
      const secret = F.NEXTAUTH_SECRET
      return {
        cookie,
        path: '/',
        handler: (req, res) =>
          // Next.js gives API routes a lazily parsed req.cookies; a plain node:http req needs the same
          getToken({ req: withNextCookies(req), secret }).then(
            (token) => sendJson(res, token ? { authenticated: true, session: { user: { sub: token.sub, name: token.name, email: token.email, image: token.picture }, expires: new Date(token.exp * 1000).toISOString() } } : { authenticated: false, session: null }),
            (e) => fail(res, e),
          ),
      }
    }
    default:
      throw new Error(`unknown server kind ${kind}`)
  }
}

try {
  const { cookie, path: urlPath, handler } = await setup()
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handler)
  server.listen(0, '127.0.0.1', () => {
    process.send({ type: 'ready', port: server.address().port, path: urlPath, cookie })
  })
  process.on('disconnect', () => process.exit(0))
} catch (err) {
  process.send({ type: 'error', message: String((err && err.message) || err) })
  process.exit(0)
}
