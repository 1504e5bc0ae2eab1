// "callback: local work": what `GET /api/auth/callback/oidc` costs on our side, i.e. everything but the
// provider's own time, measured against the real local OpenID provider (the test suite's oidc-provider,
// forked as bench/oidc-provider.mjs so its work never runs on this process).
//
// For each flow: start the sign-in (through the app's node:http server, untimed), log in at the provider
// (one cookie jar for every flow, so only the first flow sees the login/consent forms), take the callback
// URL the provider redirects to, then time only
//     await auth.handlers.GET(new Request(callbackUrl, { headers }))         (in this process)
// The provider times every request it serves, server-side ('request' event -> response 'finish'); the
// requests that arrived during this callback (POST /token, GET /me = userinfo; /jwks on the first flow
// only, our core caches it) are summed per flow. local work = callback total − provider server time,
// per flow; the median of those differences is reported. The difference still contains what the two
// loopback HTTP requests cost outside the provider's handler (TCP over loopback, HTTP framing on both
// sides, the wake-ups of the provider process and of our tokio threads).
import { fork } from 'node:child_process'
import http from 'node:http'
import path from 'node:path'
import * as F from './fixtures.mjs'
import { median } from './micro.mjs'

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b)
  if (!s.length) return null
  const i = (s.length - 1) * q
  const lo = Math.floor(i)
  const hi = Math.ceil(i)
  return s[lo] + (s[hi] - s[lo]) * (i - lo)
}
const summary = (xs) => ({ p10: quantile(xs, 0.1), p50: median(xs), p90: quantile(xs, 0.9), min: Math.min(...xs), max: Math.max(...xs) })

function startProvider() {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(F.BENCH_DIR, 'oidc-provider.mjs'), [], { cwd: F.REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const timer = setTimeout(() => {
      child.kill()
      reject(new Error('the OpenID provider did not start within 30 s'))
    }, 30_000)
    child.once('message', (m) => {
      clearTimeout(timer)
      if (m.type === 'ready') resolve({ child, ...m })
      else reject(new Error(m.message))
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the OpenID provider exited early (code ${code})`))
    })
  })
}

let drainId = 0
function drain(child) {
  const id = ++drainId
  return new Promise((resolve) => {
    const on = (m) => {
      if (m && m.type === 'timings' && m.id === id) {
        child.off('message', on)
        resolve(m.list)
      }
    }
    child.on('message', on)
    child.send({ type: 'drain', id })
  })
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once('exit', () => resolve())
    if (child.connected) child.disconnect()
    setTimeout(() => child.kill(), 2000).unref()
  })
}

const firstPair = (setCookie) => setCookie.slice(0, setCookie.indexOf(';'))

/**
 * -> { available: false, reason } | { available: true, flows, warmup, totalUs, providerUs, localUs, perPath, cold, samples }
 */
export async function runCallback({ flows = 200, warmup = 20, log = () => {} } = {}) {
  const aura = F.loadAura()
  if (!aura.available) return { available: false, reason: aura.reason }
  const mod = aura.module
  // The fixtures need the repo's devDependencies (oidc-provider, set-cookie-parser).
  let completeOidcLogin, CookieJar
  try {
    ;({ completeOidcLogin } = await import('../../__test__/fixtures/oidc-login.mjs'))
    ;({ CookieJar } = await import('../../__test__/fixtures/cookie-jar.mjs'))
  } catch (err) {
    return { available: false, reason: `the test fixtures could not be loaded (run \`npm install\` in ${F.REPO_ROOT}): ${err.message}` }
  }
  let op
  try {
    op = await startProvider()
  } catch (err) {
    return { available: false, reason: `local OpenID provider: ${err.message}` }
  }
  let route = null
  const server = http.createServer((req, res) => route(req, res).catch((e) => {
    res.statusCode = 500
    res.end(String(e && e.message))
  }))
  try {
    await new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', resolve)
    })
    const origin = `http://127.0.0.1:${server.address().port}`
    const auth = mod.createAuth({
      oauth: [{ id: 'oidc', type: 'oidc', name: 'Local OpenID', issuer: op.issuer, clientId: op.clientId, clientSecret: op.clientSecret }],
      baseURL: origin,
      secret: F.SECRET_HEX,
      salt: F.SALT_HEX,
    })
    route = auth.handler
    const jar = new CookieJar() // the provider's cookies: after the first login, its session skips the forms
    const redirectTo = '/dashboard'
    const signInUrl = `${origin}/api/auth/signIn/oidc?redirectTo=${encodeURIComponent(redirectTo)}`

    const samples = []
    let cold = null
    for (let i = 0; i < warmup + flows; i++) {
      // 1. start the sign-in through the app (untimed): 302 to the provider + the flow cookie
      const start = await fetch(signInUrl, { redirect: 'manual' })
      await start.arrayBuffer()
      const authorizeUrl = start.headers.get('location')
      const flow = start.headers.getSetCookie().find((c) => c.startsWith('aura-auth.flow='))
      if (start.status !== 302 || !authorizeUrl || !flow) throw new Error(`sign-in start answered ${start.status} ${authorizeUrl} (flow cookie: ${!!flow})`)
      // 2. through the provider (untimed)
      const { callbackUrl } = await completeOidcLogin(authorizeUrl, { username: 'ada', jar })
      if (!callbackUrl.startsWith(`${origin}/api/auth/callback/oidc?`)) throw new Error(`the provider sent the browser to ${callbackUrl}`)
      const headers = F.nodeHeaders(F.cookieHeader(firstPair(flow)), { host: new URL(origin).host })
      await drain(op.child) // forget the requests of steps 1-2
      // 3. the callback, timed alone
      const t0 = process.hrtime.bigint()
      const res = await auth.handlers.GET(new Request(callbackUrl, { headers }))
      const t1 = process.hrtime.bigint()
      const totalUs = Number(t1 - t0) / 1e3
      const seen = await drain(op.child)
      // Both processes read CLOCK_MONOTONIC, so each provider interval can be clipped to this callback's
      // window (a safety net: with the end mark at the call of res.end() nothing should stick out).
      let clipped = 0
      const gaps = []
      let prev = t0
      for (const r of seen) {
        gaps.push(Number(BigInt(r.start) - prev) / 1e3)
        prev = BigInt(r.end)
        const s = BigInt(r.start) > t0 ? BigInt(r.start) : t0
        const e = BigInt(r.end) < t1 ? BigInt(r.end) : t1
        const us = e > s ? Number(e - s) / 1e3 : 0
        if (us !== r.us) clipped++
        r.us = us
      }
      gaps.push(Number(t1 - prev) / 1e3)
      const location = res.headers.get('location')
      const session = res.headers.getSetCookie().find((c) => c.startsWith('aura-auth.session'))
      if (res.status !== 302 || (location !== redirectTo && location !== `${origin}${redirectTo}`) || !session) {
        throw new Error(`callback ${i}: expected 302 to ${redirectTo} with a session cookie, got ${res.status} ${location} ${JSON.stringify(res.headers.getSetCookie())}`)
      }
      const providerUs = seen.reduce((s, r) => s + r.us, 0)
      const sample = { totalUs, providerUs, localUs: totalUs - providerUs, requests: seen, clipped, gaps }
      if (i === 0) {
        cold = sample
        // the session must be the provider's user
        const who = await auth.api.getSession({ headers: { cookie: firstPair(session) } })
        if (!who.authenticated || who.session.user.sub !== 'ada') throw new Error(`the session after the callback is ${JSON.stringify(who)}`)
      }
      if (i >= warmup) samples.push(sample)
      if ((i + 1) % 50 === 0) log(`  callback flows: ${i + 1}/${warmup + flows}`)
    }
    // Reference: one keep-alive HTTP round trip over loopback to the same provider process, minus its
    // server-side time (node:http client here; our core's client is reqwest, so this is indicative only).
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
    const noopUrl = `${op.issuer}/__bench/noop`
    const getNoop = () =>
      new Promise((resolve, reject) => {
        http
          .get(noopUrl, { agent }, (res) => {
            res.resume()
            res.on('end', resolve)
          })
          .on('error', reject)
      })
    const loopback = []
    for (let i = 0; i < warmup + flows; i++) {
      await drain(op.child)
      const t0 = process.hrtime.bigint()
      await getNoop()
      const us = Number(process.hrtime.bigint() - t0) / 1e3
      const seen = await drain(op.child)
      if (i >= warmup && seen.length === 1) loopback.push(us - seen[0].us)
    }
    agent.destroy()
    const perPath = {}
    for (const s of samples) for (const r of s.requests) (perPath[`${r.method} ${r.path}`] ??= []).push(r.us)
    const r3 = (x) => (x == null ? null : +x.toFixed(1))
    const sum3 = (xs) => Object.fromEntries(Object.entries(summary(xs)).map(([k, v]) => [k, r3(v)]))
    return {
      available: true,
      flows,
      warmup,
      method:
        'per flow: time await handlers.GET(new Request(callbackUrl, { headers })) in-process; the provider (separate process) times each request it serves server-side; local = total − sum(provider times of the requests made during that callback)',
      totalUs: sum3(samples.map((s) => s.totalUs)),
      providerUs: sum3(samples.map((s) => s.providerUs)),
      localUs: sum3(samples.map((s) => s.localUs)),
      perPath: Object.fromEntries(Object.entries(perPath).map(([k, xs]) => [k, { count: xs.length, ...sum3(xs) }])),
      requestsPerFlow: median(samples.map((s) => s.requests.length)),
      clippedRequests: samples.reduce((n, s) => n + s.clipped, 0),
      newConnections: samples.reduce((n, s) => n + s.requests.filter((r) => r.newConnection).length, 0),
      // where the local work happens, for the flows with the usual two requests (token, then userinfo):
      // before the token request arrives / between token response and userinfo request / after userinfo
      gapsUs: (() => {
        const two = samples.filter((s) => s.requests.length === 2 && s.requests[0].path === '/token' && s.requests[1].path === '/me')
        if (!two.length) return null
        return {
          flows: two.length,
          'callback start -> /token arrives': sum3(two.map((s) => s.gaps[0])),
          '/token answered -> /me arrives': sum3(two.map((s) => s.gaps[1])),
          '/me answered -> callback resolved': sum3(two.map((s) => s.gaps[2])),
        }
      })(),
      loopbackRoundTripUs: loopback.length ? sum3(loopback) : null,
      cold: { totalUs: r3(cold.totalUs), providerUs: r3(cold.providerUs), localUs: r3(cold.localUs), requests: cold.requests.map((r) => `${r.method} ${r.path} ${r.us.toFixed(0)} µs`) },
      samples: samples.map((s) => [r3(s.totalUs), r3(s.providerUs)]),
    }
  } catch (err) {
    return { available: false, reason: `callback flow failed: ${err && err.message}` }
  } finally {
    server.closeAllConnections?.()
    server.close()
    await stop(op.child)
  }
}
