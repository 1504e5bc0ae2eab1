// HTTP benchmark: each server case in its own forked process on 127.0.0.1, autocannon (programmatic)
// in this process. Runs are interleaved across cases (run 1 of every case, then run 2, ...), each case
// gets a warm-up run first, and the reported run is the median by req/s.
import { fork } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import { createRequire } from 'node:module'
import { BENCH_DIR } from './fixtures.mjs'
import { median } from './micro.mjs'

const require = createRequire(path.join(BENCH_DIR, 'package.json'))
let autocannon

export const HTTP_CASES = [
  { id: 'bare', kind: 'bare', lib: 'node:http', label: '(a) bare node:http, 200 JSON', baseline: true },
  { id: 'aura-getsession', kind: 'aura-getsession', lib: 'aura', label: '(b) api.getSession({ headers: req.headers }) per request', aura: true },
  { id: 'aura-handler', kind: 'aura-handler', lib: 'aura', label: '(c) GET /api/auth/session through handler(req, res)', aura: true },
  { id: 'nextauth-gettoken', kind: 'nextauth-gettoken', lib: 'next-auth v4', label: '(d) getToken({ req, secret }) per request' },
]

function startServer(kind) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(BENCH_DIR, 'http-server.mjs'), [kind], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error(`server ${kind} did not start within 20 s`))
    }, 20_000)
    child.once('message', (m) => {
      clearTimeout(timer)
      if (m.type === 'ready') resolve({ child, ...m, url: `http://127.0.0.1:${m.port}${m.path}` })
      else {
        child.disconnect?.()
        reject(new Error(m.message))
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`server ${kind} exited early (code ${code})`))
    })
  })
}

function stopServer(s) {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve()
    s.child.once('exit', () => resolve())
    if (s.child.connected) s.child.disconnect()
    setTimeout(() => s.child.kill(), 2000).unref()
  })
}

function getOnce(url, cookie) {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { cookie } }, (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (body += d))
        res.on('end', () => resolve({ status: res.statusCode, body }))
      })
      .on('error', reject)
  })
}

function cannon(url, cookie, { connections, duration }) {
  autocannon ??= require('autocannon')
  return autocannon({ url, connections, duration, pipelining: 1, headers: { cookie } })
}

export async function runHttp({ duration = 5, runs = 3, connections = 50, warmup = 1, auraAvailable, auraReason, log = () => {} }) {
  const results = []
  const live = []
  try {
    for (const c of HTTP_CASES) {
      if (c.aura && !auraAvailable) {
        results.push({ ...c, skip: auraReason })
        continue
      }
      let s
      try {
        s = await startServer(c.kind)
      } catch (err) {
        results.push({ ...c, skip: `server failed to start: ${err.message}` })
        continue
      }
      const probe = await getOnce(s.url, s.cookie)
      let parsed = null
      try {
        parsed = JSON.parse(probe.body)
      } catch {}
      if (probe.status !== 200 || !parsed || parsed.authenticated !== true) {
        results.push({ ...c, skip: `sanity request failed: ${probe.status} ${probe.body.slice(0, 200)}` })
        await stopServer(s)
        continue
      }
      const r = { ...c, pid: s.child.pid, runs: [] }
      results.push(r)
      live.push({ r, s })
    }
    for (const { r, s } of live) {
      log(`  warm-up ${r.id} (${warmup}s)`)
      await cannon(s.url, s.cookie, { connections, duration: warmup })
    }
    for (let i = 0; i < runs; i++) {
      for (const { r, s } of live) {
        const a = await cannon(s.url, s.cookie, { connections, duration })
        r.runs.push({
          reqPerSec: a.requests.average,
          p50ms: a.latency.p50,
          p99ms: a.latency.p99,
          meanMs: a.latency.average,
          non2xx: a.non2xx,
          errors: a.errors,
          timeouts: a.timeouts,
          total: a.requests.total,
        })
        log(`  run ${i + 1}/${runs} ${r.id}: ${Math.round(a.requests.average)} req/s, p50 ${a.latency.p50} ms, p99 ${a.latency.p99} ms${a.non2xx || a.errors ? `, non2xx ${a.non2xx}, errors ${a.errors}` : ''}`)
      }
    }
  } finally {
    await Promise.all(live.map(({ s }) => stopServer(s)))
  }
  for (const r of results) {
    if (r.skip || !r.runs.length) continue
    const med = median(r.runs.map((x) => x.reqPerSec))
    const chosen = r.runs.reduce((best, x) => (Math.abs(x.reqPerSec - med) < Math.abs(best.reqPerSec - med) ? x : best))
    Object.assign(r, { reqPerSec: med, p50ms: chosen.p50ms, p99ms: chosen.p99ms, meanMs: chosen.meanMs, non2xx: r.runs.reduce((n, x) => n + x.non2xx, 0), errors: r.runs.reduce((n, x) => n + x.errors, 0) })
  }
  const bare = results.find((r) => r.baseline && r.reqPerSec)
  for (const r of results) if (r.reqPerSec && bare) r.ratioToBare = r.reqPerSec / bare.reqPerSec
  return results
}
