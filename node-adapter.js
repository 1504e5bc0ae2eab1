'use strict'
// Node `IncomingMessage`/`ServerResponse` <-> the native request/response. Decides nothing about
// security: it copies the few headers the core reads and writes back what the core answers.

const MAX_BODY = 64 * 1024

/** One header value as a string (arrays joined as Node would for that header). */
function one(value, joiner = ', ') {
  if (value === undefined || value === null) return undefined
  return Array.isArray(value) ? value.join(joiner) : String(value)
}

const TOO_LARGE = Symbol('body too large')

/** The request body: already parsed by a framework (object/string/Buffer) or the raw stream. */
function readBody(req) {
  if (req.body !== undefined && req.body !== null) {
    const b = req.body
    if (typeof b === 'string') return Promise.resolve(b)
    if (Buffer.isBuffer(b)) return Promise.resolve(b.toString('utf8'))
    if (typeof b === 'object') return Promise.resolve(JSON.stringify(b))
    return Promise.resolve(String(b))
  }
  if (req.readableEnded || typeof req.on !== 'function') return Promise.resolve(undefined)
  return new Promise((resolve, reject) => {
    const chunks = []
    let size = 0
    const done = () => {
      cleanup()
      resolve(chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined)
    }
    const onData = (chunk) => {
      size += chunk.length
      if (size > MAX_BODY) {
        // Enough to know it is too large: the core answers 413. Stop buffering.
        cleanup()
        req.resume()
        resolve(TOO_LARGE)
        return
      }
      chunks.push(chunk)
    }
    const onError = (err) => {
      cleanup()
      reject(err)
    }
    const cleanup = () => {
      req.off('data', onData)
      req.off('end', done)
      req.off('error', onError)
    }
    req.on('data', onData)
    req.on('end', done)
    req.on('error', onError)
  })
}

/** The native request for a Node request; `body` is filled in by the caller when there is one. */
function requestOf(req, method, body) {
  const h = req.headers || {}
  return {
    method,
    url: req.url || '/',
    host: one(h.host),
    secure: Boolean(req.socket && req.socket.encrypted),
    cookie: one(h.cookie, '; '),
    origin: one(h.origin),
    forwardedHost: one(h['x-forwarded-host']),
    forwardedProto: one(h['x-forwarded-proto']),
    forwarded: one(h.forwarded),
    // The peer address, for per-IP rate limits (X-Forwarded-For counts only with trusted proxies).
    ip: (req.socket && req.socket.remoteAddress) || undefined,
    forwardedFor: one(h['x-forwarded-for'], ','),
    userAgent: one(h['user-agent']),
    contentType: one(h['content-type']),
    csrfToken: one(h['x-csrf-token']),
    body: body === TOO_LARGE ? undefined : body,
    bodyTooLarge: body === TOO_LARGE ? true : undefined,
  }
}

/**
 * Writes a native response; every Set-Cookie stays its own header line. (Frameworks such as
 * Next.js wrap `res`, so only the portable setHeader/end API is used; an explicit Content-Length
 * lets Node send the body in one piece instead of chunked.)
 */
function writeNode(res, r, method) {
  const hs = r.headers
  res.statusCode = r.status
  let cookies
  for (let i = 0; i < hs.length; i += 2) {
    if (hs[i] === 'set-cookie') (cookies ??= []).push(hs[i + 1])
    else res.setHeader(hs[i], hs[i + 1])
  }
  if (cookies) res.setHeader('set-cookie', cookies)
  res.setHeader('content-length', Buffer.byteLength(r.body || ''))
  res.end(method === 'HEAD' || !r.body ? undefined : r.body)
}

function createNodeHandler(native, hooks, store) {
  return function handler(req, res) {
    // With a database, an instance's first request waits for the store once.
    if (store && store.pending()) return store.wait().then(() => handler(req, res))
    const method = (req.method || 'GET').toUpperCase()
    if (method === 'GET' || method === 'HEAD') {
      // No body to wait for: stay synchronous unless the core needs the network or hooks.
      const request = requestOf(req, method, undefined)
      const r = native.handle(request)
      if (r !== null && !r.hook) {
        if (r.events || r.log) hooks.report(r)
        writeNode(res, r, method)
        return Promise.resolve()
      }
      return (r === null ? native.handleAsync(request) : Promise.resolve(r))
        .then((r) => hooks.complete(native, request, r))
        .then((r) => writeNode(res, r, method))
    }
    return readBody(req).then(
      async (body) => {
        const request = requestOf(req, method, body)
        let r = native.handle(request)
        if (r === null) r = await native.handleAsync(request)
        writeNode(res, await hooks.complete(native, request, r), method)
      },
      () => {
        if (!res.headersSent) writeNode(res, errorResponse(400, 'BAD_REQUEST', 'The request body could not be read.'), 'GET')
      },
    )
  }
}

function errorResponse(status, code, message) {
  return {
    status,
    headers: ['content-type', 'application/json; charset=utf-8', 'cache-control', 'no-store'],
    body: JSON.stringify({ error: { code, message } }),
  }
}

module.exports = { createNodeHandler, requestOf, writeNode, one, MAX_BODY }
