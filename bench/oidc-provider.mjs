// The local OpenID provider for the "callback: local work" case, run as its own process (forked by
// lib/callback.mjs) so that its JavaScript, GC and RSA signing never run on the measured process.
// It is the test suite's real provider (npm `oidc-provider`, __test__/fixtures/oidc-server.mjs); every
// HTTP request it serves is timed server-side, from node:http's 'request' event to the call of
// res.end() (the complete response handed over), and the parent collects those timings over IPC.
//
//   IPC in:  { type: 'drain', id }   -> out: { type: 'timings', id, list: [{ method, path, us, start, end, newConnection }] } (and clears them)
//   GET /__bench/noop answers {} at once (the loopback reference in lib/callback.mjs).
//   IPC out: { type: 'ready', issuer, clientId, clientSecret } once listening
import { startOidcProvider } from '../__test__/fixtures/oidc-server.mjs'

try {
  const op = await startOidcProvider({ allowAnyLoopbackRedirect: true })
  const { server } = op
  const original = server.listeners('request')
  server.removeAllListeners('request')
  let timings = []
  const seenSockets = new WeakSet()
  server.on('request', (req, res) => {
    const t0 = process.hrtime.bigint()
    const q = req.url.indexOf('?')
    const path = q < 0 ? req.url : req.url.slice(0, q)
    const method = req.method
    const newConnection = !seenSockets.has(req.socket)
    seenSockets.add(req.socket)
    // The end mark is the call of res.end(): the provider's handler is done and hands over the complete
    // response. Not its return, nor 'finish': on a loaded 2-core machine the write to a loopback socket
    // wakes the reader, which often preempts the provider right after the write, and the client has the
    // whole response long before res.end() returns or 'finish' fires (observed: 0.1-8 ms later).
    const end = res.end
    res.end = function (...args) {
      const t1 = process.hrtime.bigint()
      // start/end: process.hrtime (CLOCK_MONOTONIC, the same clock in every process), as strings
      timings.push({ method, path, us: Number(t1 - t0) / 1e3, start: String(t0), end: String(t1), newConnection })
      return end.apply(this, args)
    }
    // reference for the loopback cost: a trivial answer, timed the same way
    if (path === '/__bench/noop') return res.end('{}')
    for (const l of original) l.call(server, req, res)
  })
  process.on('message', (m) => {
    // one turn of the event loop first, so that a 'finish' already due is recorded
    if (m && m.type === 'drain')
      setImmediate(() => {
        const list = timings
        timings = []
        process.send({ type: 'timings', id: m.id, list })
      })
  })
  process.on('disconnect', () => process.exit(0))
  process.send({ type: 'ready', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret })
} catch (err) {
  process.send({ type: 'error', message: String((err && err.stack) || err) })
  process.exit(0)
}
