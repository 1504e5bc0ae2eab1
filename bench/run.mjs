#!/usr/bin/env node
// @aura-stack/auth benchmark: micro (µs/op) and HTTP (autocannon) side by side with next-auth v4,
// @auth/core, iron-session and a hand-written node:crypto floor. See bench/README.md.
//
//   cd bench && npm install && npm run bench        (or, from the repo root: node bench/run.mjs)
//   node bench/run.mjs --micro | --callback | --http | --memory   only those parts (--micro includes --callback)
//   BENCH_QUICK=1 node bench/run.mjs                 smoke run
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as F from './lib/fixtures.mjs'
import { SCENARIOS, buildCases } from './lib/cases.mjs'
import { runMicro, gcAvailable } from './lib/micro.mjs'
import { runHttp } from './lib/http.mjs'
import { runCallback } from './lib/callback.mjs'

const args = new Set(process.argv.slice(2))
const missing = ['next-auth', '@auth/core', 'iron-session', 'autocannon'].filter((p) => !fs.existsSync(path.join(F.BENCH_DIR, 'node_modules', ...p.split('/'), 'package.json')))
if (missing.length) {
  console.error(`missing ${missing.join(', ')}: run \`npm install\` in ${F.BENCH_DIR} first (then \`npm run bench\` there, or \`node bench/run.mjs\` from the repo root)`)
  process.exit(1)
}
if (args.has('--help') || args.has('-h')) {
  console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('\n').slice(1, 7).join('\n').replace(/^\/\/ ?/gm, ''))
  process.exit(0)
}
const PARTS = ['micro', 'callback', 'http', 'memory']
const chosen = PARTS.filter((p) => args.has(`--${p}`))
const all = chosen.length === 0
const doMicro = all || chosen.includes('micro')
const doCallback = all || doMicro || chosen.includes('callback') // a row of the micro table
const doHttp = all || chosen.includes('http')
const doMemory = all || chosen.includes('memory')
const quick = !!process.env.BENCH_QUICK && process.env.BENCH_QUICK !== '0'
const num = (name, dflt) => {
  const v = process.env[name]
  if (v === undefined || v === '') return dflt
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${JSON.stringify(v)}`)
  return n
}
const config = {
  quick,
  micro: {
    rounds: Math.max(5, Math.round(num('BENCH_ROUNDS', quick ? 5 : 15))),
    batchMs: num('BENCH_BATCH_MS', quick ? 25 : 60),
    warmupMs: num('BENCH_WARMUP_MS', quick ? 100 : 300),
    // untimed calls after each forced GC, as a fraction of the batch (0 = none)
    rewarm: process.env.BENCH_REWARM === '0' ? 0 : num('BENCH_REWARM', 0.5),
  },
  http: {
    connections: Math.round(num('BENCH_HTTP_CONNECTIONS', 50)),
    duration: num('BENCH_HTTP_DURATION', quick ? 1 : 5),
    runs: Math.round(num('BENCH_HTTP_RUNS', quick ? 1 : 3)),
    warmup: num('BENCH_HTTP_WARMUP', 1),
  },
  callback: {
    flows: Math.round(num('BENCH_CALLBACK_FLOWS', quick ? 30 : 200)),
    warmup: Math.round(num('BENCH_CALLBACK_WARMUP', quick ? 5 : 20)),
  },
  memory: { calls: Math.round(num('MEMORY_CALLS', quick ? 2e5 : 1e6)) },
}
const outFile = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : path.join(F.BENCH_DIR, 'results', 'latest.json')
const verbose = !!process.env.BENCH_VERBOSE
const log = verbose ? (m) => console.error(m) : () => {}

const machine = F.machineInfo()
const versions = {
  '@aura-stack/auth': readJson(path.join(F.REPO_ROOT, 'package.json'))?.version ?? null,
  'next-auth': F.pkgVersion('next-auth'),
  '@auth/core': F.pkgVersion('@auth/core'),
  'iron-session': F.pkgVersion('iron-session'),
  autocannon: F.pkgVersion('autocannon'),
}
function readJson(p) {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8'))
  } catch {
    return null
  }
}

console.log(`@aura-stack/auth benchmark — ${new Date().toISOString()}`)
console.log(`CPU: ${machine.cpu} × ${machine.cores} · ${machine.memGiB} GiB · Node ${machine.node} (V8 ${machine.v8}) · ${machine.platform}`)
console.log(`versions: ${Object.entries(versions).map(([k, v]) => `${k} ${v ?? '?'}`).join(', ')}`)
console.log(`session JSON ${Buffer.byteLength(F.SESSION_JSON)} B; Cookie header = 4 unrelated cookies + the session cookie${quick ? ' · QUICK (smoke) settings' : ''}`)

const load = os.loadavg()
if (load[0] > machine.cores * 0.4) console.log(`!! load average ${load.map((x) => x.toFixed(2)).join(' ')} on ${machine.cores} cores: something else is running, expect noisy numbers`)
const report = { date: new Date().toISOString(), machine: { ...machine, loadavgAtStart: load }, versions, config, aura: null, callback: null, micro: null, http: null, memory: null, targets: null }
console.log(`load average at start: ${load.map((x) => x.toFixed(2)).join(' ')} (1, 5, 15 min)`)
const aura = F.loadAura()
report.aura = aura.available ? { available: true, module: aura.modulePath } : { available: false, reason: aura.reason }
if (!aura.available) console.log(`\n!! @aura-stack/auth cases SKIPPED: ${aura.reason}`)
else if (process.env.AURA_AUTH_MODULE) console.log(`@aura-stack/auth loaded from AURA_AUTH_MODULE=${aura.modulePath}`)

const fmt = (x, d = 2) => (x == null || !Number.isFinite(x) ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(d))
const ratio = (x) => (x == null || !Number.isFinite(x) ? '—' : `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×`)
function table(headers, rows, align) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells) => cells.map((c, i) => (align[i] === 'r' ? (c ?? '').padStart(widths[i]) : (c ?? '').padEnd(widths[i]))).join('  ')
  return [line(headers), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

// ---------------------------------------------------------------------------------- callback
// Runs before the micro part (its provider process is gone by then); its result is a row of the micro table.
const us0 = (x) => (x == null ? 'n/a' : x >= 1000 ? `${(x / 1000).toFixed(2)} ms` : `${x.toFixed(0)} µs`)
if (doCallback) {
  const t0 = Date.now()
  const { flows, warmup } = config.callback
  console.log(`\n== Callback: GET /api/auth/callback/oidc against the local OpenID provider (oidc-provider, own process), ${flows} flows after ${warmup} warm-up flows`)
  const cb = await runCallback({ flows, warmup, log })
  report.callback = cb
  if (!cb.available) console.log(`skipped: ${cb.reason}`)
  else {
    const q = (s) => `${us0(s.p50)}  (p10 ${us0(s.p10)}, p90 ${us0(s.p90)})`
    const rows = [
      ['callback total: await handlers.GET(new Request(callbackUrl))', q(cb.totalUs)],
      ...Object.entries(cb.perPath).map(([k, v]) => [`  provider server time, ${k} (${v.count}×)`, q(v)]),
      ['  provider server time per flow (sum)', q(cb.providerUs)],
      ['local work = total − provider time (per flow)', q(cb.localUs)],
    ]
    if (cb.gapsUs) for (const [k, v] of Object.entries(cb.gapsUs)) if (k !== 'flows') rows.push([`  of which: ${k}`, q(v)])
    if (cb.loopbackRoundTripUs) rows.push(['reference: one loopback keep-alive HTTP round trip (node:http client), minus server time', q(cb.loopbackRoundTripUs)])
    console.log(table(['', 'median'], rows, ['l', 'r']))
    console.log(`provider requests per flow: ${cb.requestsPerFlow} (new TCP connections during measured flows: ${cb.newConnections}); first (cold) flow: total ${us0(cb.cold.totalUs)}, ${cb.cold.requests.join(', ')}`)
    console.log('local work still contains the two loopback HTTP exchanges with the provider (TCP, HTTP framing, the provider\'s request parsing before its handler runs, process and thread wake-ups).')
  }
  console.log(`(callback part took ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
}

// ------------------------------------------------------------------------------------- micro
if (doMicro) {
  const t0 = Date.now()
  const { cases } = await buildCases()
  const runnable = cases.filter((c) => c.fn && !c.skip)
  const { rounds, batchMs, warmupMs, rewarm } = config.micro
  console.log(`\n== Micro: µs/op, median of ${rounds} interleaved rounds (batches of ~${batchMs} ms, ${warmupMs} ms warm-up per case, GC between batches: ${gcAvailable ? `yes, then an untimed re-warm of ${rewarm} batch` : 'no'})`)
  const stats = await runMicro(runnable, { rounds, batchMs, warmupMs, rewarm, log })
  const rowsOut = []
  const tableRows = []
  for (const sc of SCENARIOS) {
    const scCases = cases.filter((c) => c.scenario === sc.id)
    const base = scCases.find((c) => c.lib === 'aura' && c.baseline)
    const floor = scCases.find((c) => c.floor)
    const baseUs = base && stats.get(base.id)?.medianUs
    const floorUs = floor && stats.get(floor.id)?.medianUs
    tableRows.push([`${sc.title}`, '', '', '', '', ''])
    for (const c of scCases) {
      const s = stats.get(c.id)
      const us = s?.medianUs
      const row = {
        id: c.id,
        scenario: c.scenario,
        lib: c.lib,
        case: c.label,
        harness: !!c.harness,
        skipped: c.skip || null,
        medianUs: us ?? null,
        minUs: s?.minUs ?? null,
        maxUs: s?.maxUs ?? null,
        opsPerSec: us ? 1e6 / us : null,
        ratioToAura: us && baseUs ? us / baseUs : null,
        ratioToFloor: us && floorUs ? us / floorUs : null,
        roundsUs: s?.roundsUs ?? null,
        opsPerBatch: s?.opsPerBatch ?? null,
        drainEvery: c.drainEvery ?? null,
      }
      rowsOut.push(row)
      const name = `  ${c.lib}: ${c.label}`
      if (c.id === 'aura.callback' && report.callback?.available) {
        const cb = report.callback
        Object.assign(row, { medianUs: cb.localUs.p50, minUs: cb.localUs.p10, maxUs: cb.localUs.p90, opsPerSec: 1e6 / cb.localUs.p50, ratioToAura: 1, skipped: null, rangeIs: 'p10–p90 of flows', flows: cb.flows })
        tableRows.push([name, fmt(cb.localUs.p50), `${fmt(cb.localUs.p10)}–${fmt(cb.localUs.p90)}*`, Math.round(1e6 / cb.localUs.p50).toLocaleString('en-US'), '1.00× (base)', '—'])
        continue
      }
      if (c.id === 'aura.callback' && report.callback && !report.callback.available) row.skipped = report.callback.reason
      if (!s) {
        tableRows.push([name, c.external ? 'not run' : 'skipped', '', '', '', ''])
        continue
      }
      tableRows.push([name, fmt(us), `${fmt(s.minUs)}–${fmt(s.maxUs)}`, Math.round(1e6 / us).toLocaleString('en-US'), c === base ? '1.00× (base)' : ratio(row.ratioToAura), ratio(row.ratioToFloor)])
    }
  }
  console.log(table(['case', 'µs/op', 'min–max', 'ops/s', 'time ÷ aura', 'time ÷ floor'], tableRows, ['l', 'r', 'r', 'r', 'r', 'r']))
  const skipped = cases.filter((c) => c.skip && !c.external)
  const reasons = [...new Set(skipped.map((c) => c.skip))]
  for (const r of reasons) console.log(`skipped (${skipped.filter((c) => c.skip === r).map((c) => c.id).join(', ')}): ${r}`)
  console.log('ratios: a case\'s median time divided by this package\'s row for the same scenario (>1 = slower than @aura-stack/auth); "time ÷ floor" likewise against the node:crypto floor.')
  if (report.callback?.available) console.log(`* callback row: median of ${report.callback.flows} per-flow differences (callback total − provider server time), range = p10–p90 of the flows (see the Callback part above).`)
  console.log(`(micro part took ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  report.micro = { rounds, batchMs, warmupMs, rewarm, gc: gcAvailable, scenarios: SCENARIOS, cases: rowsOut }
}

// -------------------------------------------------------------------------------------- http
if (doHttp) {
  const t0 = Date.now()
  const { connections, duration, runs, warmup } = config.http
  console.log(`\n== HTTP: autocannon, ${connections} connections, ${duration} s per run, median of ${runs} interleaved run(s) after a ${warmup} s warm-up; each server is its own process on 127.0.0.1`)
  const results = await runHttp({ connections, duration, runs, warmup, auraAvailable: aura.available, auraReason: aura.reason, log })
  const rows = results.map((r) =>
    r.skip
      ? [`${r.lib}: ${r.label}`, 'skipped', '', '', '', '']
      : [`${r.lib}: ${r.label}`, Math.round(r.reqPerSec).toLocaleString('en-US'), String(r.p50ms), String(r.p99ms), r.meanMs.toFixed(2), r.baseline ? '1.00× (base)' : ratio(r.ratioToBare)],
  )
  console.log(table(['server', 'req/s', 'p50 ms', 'p99 ms', 'mean ms', 'req/s ÷ bare'], rows, ['l', 'r', 'r', 'r', 'r', 'r']))
  for (const r of results) if (r.skip) console.log(`skipped ${r.id}: ${r.skip}`)
  for (const r of results) if (!r.skip && (r.non2xx || r.errors)) console.log(`warning: ${r.id} had ${r.non2xx} non-2xx responses and ${r.errors} errors`)
  if (machine.cores <= 4) console.log(`note: autocannon and the server share this ${machine.cores}-core machine, so the bare server's number is bounded by the load generator as much as by node:http.`)
  console.log(`(http part took ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  report.http = { connections, duration, runs, warmup, results }
}

// ------------------------------------------------------------------------------------ memory
if (doMemory) {
  const t0 = Date.now()
  const memOut = path.join(path.dirname(outFile), 'memory.json')
  console.log(`\n== Memory: ${config.memory.calls.toLocaleString('en-US')} api.getSession calls (bench/memory.mjs, its own process)`)
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(F.BENCH_DIR, 'memory.mjs')], {
    stdio: 'inherit',
    env: { ...process.env, MEMORY_CALLS: String(config.memory.calls), MEMORY_OUT: memOut },
  })
  report.memory = readJson(memOut)
  if (r.status !== 0 && r.status !== 1) console.log(`memory.mjs exited with ${r.status ?? r.signal}`)
  console.log(`(memory part took ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
}

// a partial run keeps the other parts of the previous report, marked with their date
const previous = readJson(outFile)
for (const part of ['callback', 'micro', 'http', 'memory']) {
  if (!report[part] && previous && previous[part]) report[part] = { ...previous[part], fromPreviousRun: previous[part].fromPreviousRun ?? previous.date }
}

// ----------------------------------------------------------------------------------- targets
report.targets = checkTargets(report)
console.log('\n== Targets')
for (const t of report.targets) console.log(`${t.met == null ? '  n/a ' : t.met ? '  met ' : 'MISSED'}  ${t.target}: ${t.value}`)

fs.mkdirSync(path.dirname(outFile), { recursive: true })
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n')
console.log(`\nwrote ${path.relative(process.cwd(), outFile) || outFile}`)

function checkTargets(rep) {
  const out = []
  const micro = rep.micro?.cases ?? []
  const us = (id) => micro.find((c) => c.id === id)?.medianUs ?? null
  const stale = (part) => (rep[part]?.fromPreviousRun ? ` [from the run of ${rep[part].fromPreviousRun}]` : '')
  const add = (target, met, value) => out.push({ target, met, value })
  const f = (x) => (x == null ? 'n/a' : x >= 100 ? x.toFixed(0) : x.toFixed(2))

  const aura = us('aura.valid.node')
  const na = us('nextauth.valid')
  const floor = us('floor.valid')
  add('api.getSession({ headers: IncomingHttpHeaders }) ≤ 5 µs/op', aura == null ? null : aura <= 5, `${f(aura)} µs/op${stale('micro')}`)
  add('api.getSession ≥ 20× faster than next-auth v4 getToken', aura == null || na == null ? null : na / aura >= 20, `${aura && na ? (na / aura).toFixed(1) : 'n/a'}× (${f(na)} vs ${f(aura)} µs/op)${stale('micro')}`)
  add('api.getSession faster than the node:crypto floor', aura == null || floor == null ? null : aura < floor, `${f(aura)} vs ${f(floor)} µs/op (${aura && floor ? (aura / floor).toFixed(2) : 'n/a'}× the floor's time)${stale('micro')}`)

  const httpRes = rep.http?.results ?? []
  const ratioOf = (id) => httpRes.find((r) => r.id === id)
  for (const [id, min, label] of [
    ['aura-getsession', 0.75, 'HTTP server calling api.getSession per request ≥ 0.75× bare req/s'],
    ['aura-handler', 0.6, 'HTTP GET /api/auth/session through handler ≥ 0.6× bare req/s'],
  ]) {
    const r = ratioOf(id)
    const bare = ratioOf('bare')
    const perRun = r?.runs?.length && bare?.runs?.length === r.runs.length ? `; run by run ${r.runs.map((x, i) => (x.reqPerSec / bare.runs[i].reqPerSec).toFixed(2)).join(', ')}` : ''
    add(label, r?.ratioToBare == null ? null : r.ratioToBare >= min, r?.ratioToBare == null ? 'n/a' : `${r.ratioToBare.toFixed(3)}× (${Math.round(r.reqPerSec)} vs ${Math.round(bare.reqPerSec)} req/s${perRun})${stale('http')}`)
  }

  const web = us('aura.signin.web')
  add('sign-in redirect through handlers.GET(new Request(...)) ≤ 25 µs/op', web == null ? null : web <= 25, `${f(web)} µs/op (Request built per call, included)${stale('micro')}`)
  const node = us('aura.signin.node')
  const reqres = us('harness.reqres')
  const net = node != null && reqres != null ? node - reqres : null
  add('sign-in redirect through handler(req, res) ≤ 25 µs/op, net of req/res construction', net == null ? null : net <= 25, `net ${f(net)} µs/op = raw ${f(node)} − ${f(reqres)} (harness row: build IncomingMessage/ServerResponse + write a bare 302)${stale('micro')}`)

  const m = rep.memory
  const limit = m?.maxGrowthMB ?? 10
  add(`RSS flat over ${m?.calls ? m.calls.toLocaleString('en-US') : '10^6'} api.getSession calls (second-half growth ≤ ${limit} MB)`, m?.rssGrowthSecondHalfMB == null ? null : m.rssGrowthSecondHalfMB <= limit, m ? `${m.rssGrowthSecondHalfMB >= 0 ? '+' : ''}${m.rssGrowthSecondHalfMB.toFixed(1)} MB over the second half, ${m.rssGrowthSinceWarmupMB >= 0 ? '+' : ''}${m.rssGrowthSinceWarmupMB.toFixed(1)} MB since warm-up (RSS ${m.rssMB.map((x) => x.toFixed(1)).join(' → ')} MB)${stale('memory')}` : 'not run')
  return out
}
