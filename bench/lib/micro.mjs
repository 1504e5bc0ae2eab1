// Micro-benchmark harness: warm-up, per-case calibrated batches (~BATCH_MS each), interleaved
// rounds (every round runs every case once, in a rotated order), median µs/op over the rounds.
// Async functions are awaited one call at a time (no concurrency), like a request handler would.

import v8 from 'node:v8'
import vm from 'node:vm'

// A full GC before each timed batch (outside the timing) keeps batches comparable. Works with or
// without `node --expose-gc`.
function getGc() {
  if (typeof globalThis.gc === 'function') return globalThis.gc
  try {
    v8.setFlagsFromString('--expose-gc')
    return vm.runInNewContext('gc')
  } catch {
    return null
  }
}
const gc = process.env.BENCH_NO_GC ? null : getGc()
export const gcAvailable = !!gc

async function runBatch(fn, n) {
  const t0 = process.hrtime.bigint()
  for (let i = 0; i < n; i++) await fn()
  return Number(process.hrtime.bigint() - t0) // ns
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Run `fn` for about `ms` milliseconds (warm-up), then size a batch to take about `batchMs`. */
async function calibrate(fn, { warmupMs, batchMs }) {
  let n = 1
  let warmed = 0
  const wStart = process.hrtime.bigint()
  while (Number(process.hrtime.bigint() - wStart) / 1e6 < warmupMs) {
    await runBatch(fn, n)
    warmed += n
    if (n < 1 << 16) n *= 2
  }
  // size the batch from the median of three measurements that each take at least ~10 ms
  n = 1
  let ns = await runBatch(fn, n)
  while (ns < 10e6) {
    n *= 2
    ns = await runBatch(fn, n)
  }
  ns = median([ns, await runBatch(fn, n), await runBatch(fn, n)])
  return { ops: Math.max(1, Math.round((n * batchMs * 1e6) / ns)), warmed }
}

/**
 * cases: [{ id, fn }] (fn may return a promise). Returns Map id -> { medianUs, minUs, maxUs, roundsUs[], opsPerBatch }.
 */
export async function runMicro(cases, { rounds = 7, batchMs = 75, warmupMs = 300, log = () => {} } = {}) {
  const state = new Map()
  for (const c of cases) {
    const { ops } = await calibrate(c.fn, { warmupMs, batchMs })
    state.set(c.id, { ops, samples: [] })
    log(`  calibrated ${c.id}: ${ops} ops/batch`)
  }
  // one untimed round first (the first round after calibration is consistently the slowest)
  for (let r = -1; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r + cases.length) % cases.length]
      const st = state.get(c.id)
      if (gc) gc()
      const ns = await runBatch(c.fn, st.ops)
      if (r >= 0) st.samples.push(ns / st.ops / 1000)
    }
    log(r < 0 ? '  warm-up round done' : `  round ${r + 1}/${rounds} done`)
  }
  const out = new Map()
  for (const c of cases) {
    const { ops, samples } = state.get(c.id)
    out.set(c.id, {
      medianUs: median(samples),
      minUs: Math.min(...samples),
      maxUs: Math.max(...samples),
      roundsUs: samples.map((x) => +x.toFixed(3)),
      opsPerBatch: ops,
    })
  }
  return out
}
