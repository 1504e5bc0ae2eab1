#!/usr/bin/env node
// Memory check: 10^6 sequential api.getSession calls; prints RSS (MB) after warm-up, after 5×10^5 and
// after 10^6 calls, so a flat RSS can be shown. Calls mix the hot path and the error paths:
// 8 in 10 carry a valid session cookie (as IncomingHttpHeaders), 1 in 10 a tampered one, 1 in 10 none.
//
//   cd bench && npm run memory            (or from the repo root: node --expose-gc bench/memory.mjs)
//   node bench/memory.mjs --target=floor  the same loop over the node:crypto floor (checks the harness)
//   MEMORY_CALLS=200000 node bench/memory.mjs
// Also writes the readings as JSON to MEMORY_OUT (default bench/results/memory.json; --target=aura only).
import fs from 'node:fs'
import path from 'node:path'
import v8 from 'node:v8'
import vm from 'node:vm'
import * as F from './lib/fixtures.mjs'

const target = (process.argv.find((a) => a.startsWith('--target=')) || '--target=aura').slice('--target='.length)
const CALLS = Math.round(Number(process.env.MEMORY_CALLS || 1e6))
const WARMUP = Math.min(50_000, Math.round(CALLS / 10))
const maxGrowthMB = Number(process.env.MEMORY_MAX_GROWTH_MB || 10)

let gc = globalThis.gc
if (typeof gc !== 'function') {
  try {
    v8.setFlagsFromString('--expose-gc')
    gc = vm.runInNewContext('gc')
  } catch {
    gc = null
  }
}

let getSession, isValid
if (target === 'aura') {
  const aura = F.loadAura()
  if (!aura.available) {
    console.log(`memory check SKIPPED for @aura-stack/auth: ${aura.reason}`)
    console.log('(try `node bench/memory.mjs --target=floor` to check the harness itself)')
    process.exit(0)
  }
  const pair = F.auraCookie(aura.auth)
  const headers = [F.nodeHeaders(F.cookieHeader(pair)), F.nodeHeaders(F.cookieHeader(F.tamperPair(pair))), F.nodeHeaders(F.cookieHeader(null))]
  getSession = (kind) => aura.auth.api.getSession({ headers: headers[kind] })
  isValid = (r) => r && r.authenticated === true
} else if (target === 'floor') {
  const pair = F.floorCookie()
  const cookies = [F.cookieHeader(pair), F.cookieHeader(F.tamperPair(pair)), F.cookieHeader(null)]
  getSession = async (kind) => {
    const s = F.floorGetSession(cookies[kind])
    return { authenticated: !!s, session: s }
  }
  isValid = (r) => r && r.authenticated === true
} else {
  console.error(`unknown --target=${target} (aura | floor)`)
  process.exit(2)
}

const mb = (x) => (x / 2 ** 20).toFixed(1)
function snapshot(label, done) {
  if (gc) gc()
  const m = process.memoryUsage()
  console.log(`${label.padEnd(26)} calls=${String(done).padStart(8)}  rss=${mb(m.rss).padStart(6)} MB  heapUsed=${mb(m.heapUsed).padStart(6)} MB  external=${mb(m.external).padStart(6)} MB`)
  return m
}

async function loop(from, to) {
  for (let i = from; i < to; i++) {
    const d = i % 10
    const kind = d === 9 ? 1 : d === 4 ? 2 : 0
    const r = await getSession(kind)
    if (kind === 0 && !isValid(r)) throw new Error(`call ${i}: expected a valid session, got ${JSON.stringify(r)}`)
    if (kind !== 0 && r.authenticated !== false) throw new Error(`call ${i}: expected signed out, got ${JSON.stringify(r)}`)
  }
}

const info = F.machineInfo()
console.log(`memory check: ${target}, ${CALLS.toLocaleString('en-US')} getSession calls (8/10 valid, 1/10 tampered, 1/10 no cookie), Node ${info.node}, ${info.cpu}; GC before each reading: ${gc ? 'yes' : 'no'}`)
const t0 = Date.now()
await loop(0, WARMUP)
const a = snapshot('after warm-up', WARMUP)
const half = Math.round(CALLS / 2)
await loop(WARMUP, half)
const b = snapshot(CALLS === 1e6 ? 'after 5×10^5' : `after ${half.toLocaleString('en-US')}`, half)
await loop(half, CALLS)
const c = snapshot(CALLS === 1e6 ? 'after 10^6' : `after ${CALLS.toLocaleString('en-US')}`, CALLS)
const growth = (c.rss - b.rss) / 2 ** 20
console.log(`RSS growth, second half: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB (whole run since warm-up: ${((c.rss - a.rss) / 2 ** 20).toFixed(1)} MB); ${((Date.now() - t0) / 1000).toFixed(1)} s, ${(((Date.now() - t0) * 1000) / CALLS).toFixed(2)} µs/call`)
const outFile = process.env.MEMORY_OUT ? path.resolve(process.env.MEMORY_OUT) : target === 'aura' ? path.join(F.BENCH_DIR, 'results', 'memory.json') : null
if (outFile) {
  const r1 = (x) => +(x / 2 ** 20).toFixed(3)
  fs.mkdirSync(path.dirname(outFile), { recursive: true })
  fs.writeFileSync(
    outFile,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        target,
        calls: CALLS,
        warmupCalls: WARMUP,
        readingsAfterCalls: [WARMUP, half, CALLS],
        rssMB: [a, b, c].map((m) => r1(m.rss)),
        heapUsedMB: [a, b, c].map((m) => r1(m.heapUsed)),
        externalMB: [a, b, c].map((m) => r1(m.external)),
        rssGrowthSecondHalfMB: +growth.toFixed(2),
        rssGrowthSinceWarmupMB: r1(c.rss - a.rss),
        maxGrowthMB,
        usPerCall: +(((Date.now() - t0) * 1000) / CALLS).toFixed(3),
        gc: !!gc,
        node: info.node,
      },
      null,
      2,
    ) + '\n',
  )
}
if (growth > maxGrowthMB) {
  console.log(`WARNING: RSS grew by more than ${maxGrowthMB} MB over the second half — possible leak`)
  process.exitCode = 1
}
