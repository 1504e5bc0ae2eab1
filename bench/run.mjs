#!/usr/bin/env node
// @aura-stack/auth benchmark: micro (µs/op) and HTTP (autocannon) side by side with next-auth v4,
// @auth/core, iron-session and a hand-written node:crypto floor. See bench/README.md.
//
//   cd bench && npm install && npm run bench        (or, from the repo root: node bench/run.mjs)
//   node bench/run.mjs --micro | --http             only one part
//   BENCH_QUICK=1 node bench/run.mjs                 smoke run (~35 s)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as F from './lib/fixtures.mjs'
import { SCENARIOS, buildCases } from './lib/cases.mjs'
import { runMicro, gcAvailable } from './lib/micro.mjs'
import { runHttp } from './lib/http.mjs'

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
const doMicro = !args.has('--http') || args.has('--micro')
const doHttp = !args.has('--micro') || args.has('--http')
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
  },
  http: {
    connections: Math.round(num('BENCH_HTTP_CONNECTIONS', 50)),
    duration: num('BENCH_HTTP_DURATION', quick ? 1 : 5),
    runs: Math.round(num('BENCH_HTTP_RUNS', quick ? 1 : 3)),
    warmup: num('BENCH_HTTP_WARMUP', 1),
  },
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
const report = { date: new Date().toISOString(), machine: { ...machine, loadavgAtStart: load }, versions, config, aura: null, micro: null, http: null }
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

// ------------------------------------------------------------------------------------- micro
if (doMicro) {
  const t0 = Date.now()
  const { cases } = await buildCases()
  const runnable = cases.filter((c) => c.fn && !c.skip)
  const { rounds, batchMs, warmupMs } = config.micro
  console.log(`\n== Micro: µs/op, median of ${rounds} interleaved rounds (batches of ~${batchMs} ms, ${warmupMs} ms warm-up per case, GC between batches: ${gcAvailable ? 'yes' : 'no'})`)
  const stats = await runMicro(runnable, { rounds, batchMs, warmupMs, log })
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
      }
      rowsOut.push(row)
      const name = `  ${c.lib}: ${c.label}`
      if (!s) {
        tableRows.push([name, c.todo ? 'n/a' : 'skipped', '', '', '', ''])
        continue
      }
      tableRows.push([name, fmt(us), `${fmt(s.minUs)}–${fmt(s.maxUs)}`, Math.round(1e6 / us).toLocaleString('en-US'), c === base ? '1.00× (base)' : ratio(row.ratioToAura), ratio(row.ratioToFloor)])
    }
  }
  console.log(table(['case', 'µs/op', 'min–max', 'ops/s', 'time ÷ aura', 'time ÷ floor'], tableRows, ['l', 'r', 'r', 'r', 'r', 'r']))
  const skipped = cases.filter((c) => c.skip && !c.todo)
  const reasons = [...new Set(skipped.map((c) => c.skip))]
  for (const r of reasons) console.log(`skipped (${skipped.filter((c) => c.skip === r).map((c) => c.id).join(', ')}): ${r}`)
  console.log('ratios: a case\'s median time divided by this package\'s row for the same scenario (>1 = slower than @aura-stack/auth); "time ÷ floor" likewise against the node:crypto floor.')
  console.log(`(micro part took ${((Date.now() - t0) / 1000).toFixed(1)} s)`)
  report.micro = { rounds, batchMs, warmupMs, gc: gcAvailable, scenarios: SCENARIOS, cases: rowsOut }
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

// a partial run (--micro / --http) keeps the other part of the previous report, marked with its date
const previous = readJson(outFile)
for (const part of ['micro', 'http']) {
  if (!report[part] && previous && previous[part]) report[part] = { ...previous[part], fromPreviousRun: previous[part].fromPreviousRun ?? previous.date }
}
fs.mkdirSync(path.dirname(outFile), { recursive: true })
fs.writeFileSync(outFile, JSON.stringify(report, null, 2) + '\n')
console.log(`\nwrote ${path.relative(process.cwd(), outFile) || outFile}`)
