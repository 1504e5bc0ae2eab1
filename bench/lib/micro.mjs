// Micro-benchmark harness: warm-up, per-case calibrated batches (~BATCH_MS each), interleaved
// rounds (every round runs every case once, in a rotated order), median µs/op over the rounds.
// Async functions are awaited one call at a time (no concurrency), like a request handler would.

import v8 from 'node:v8'
import vm from 'node:vm'

// A full GC before each timed batch (outside the timing) keeps batches comparable; an untimed re-warm of
// `rewarm` × the batch size follows it (see runMicro). Works with or without `node --expose-gc`.
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

// Work a call defers (process.nextTick / setImmediate callbacks, e.g. the 'end'/'finish' events of node:http
// objects) only runs once the loop below yields to the event loop. Awaiting already-resolved promises never
// does, so without draining, one batch's deferred work would pile up — every pending callback keeps its
// objects alive, and each young-generation GC then copies all of them again, which makes the batch's cost
// grow faster than linearly with its size — and it would finally run inside some other case's timing.
// So every batch ends with one event-loop turn inside its own timing, and cases that create node:http
// objects (`drainEvery`) also yield every few calls, as a server does after every request.
const drain = () => new Promise((resolve) => setImmediate(resolve))
async function runBatch(fn, n, drainEvery = 0) {
  const t0 = process.hrtime.bigint()
  if (drainEvery > 0) {
    for (let i = 0; i < n; i++) {
      await fn()
      if (i % drainEvery === drainEvery - 1) await drain()
    }
  } else for (let i = 0; i < n; i++) await fn()
  await drain()
  return Number(process.hrtime.bigint() - t0) // ns
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Run `fn` for about `ms` milliseconds (warm-up), then size a batch to take about `batchMs`. */
async function calibrate(fn, { warmupMs, batchMs, drainEvery }) {
  let n = 1
  let warmed = 0
  const wStart = process.hrtime.bigint()
  while (Number(process.hrtime.bigint() - wStart) / 1e6 < warmupMs) {
    await runBatch(fn, n, drainEvery)
    warmed += n
    if (n < 1 << 16) n *= 2
  }
  // size the batch from the median of three measurements that each take at least ~10 ms
  n = 1
  let ns = await runBatch(fn, n, drainEvery)
  while (ns < 10e6) {
    n *= 2
    ns = await runBatch(fn, n, drainEvery)
  }
  ns = median([ns, await runBatch(fn, n, drainEvery), await runBatch(fn, n, drainEvery)])
  return { ops: Math.max(1, Math.round((n * batchMs * 1e6) / ns)), warmed }
}

/**
 * cases: [{ id, fn, drainEvery? }] (fn may return a promise). Returns Map id -> { medianUs, minUs, maxUs, roundsUs[], opsPerBatch }.
 */
export async function runMicro(cases, { rounds = 7, batchMs = 75, warmupMs = 300, rewarm = 0.5, log = () => {} } = {}) {
  const state = new Map()
  for (const c of cases) {
    const { ops } = await calibrate(c.fn, { warmupMs, batchMs, drainEvery: c.drainEvery })
    state.set(c.id, { ops, samples: [] })
    log(`  calibrated ${c.id}: ${ops} ops/batch`)
  }
  // one untimed round first (the first round after calibration is consistently the slowest)
  for (let r = -1; r < rounds; r++) {
    for (let k = 0; k < cases.length; k++) {
      const c = cases[(k + r + cases.length) % cases.length]
      const st = state.get(c.id)
      if (gc) {
        gc()
        // A forced full GC deoptimizes optimized code that embeds objects it just collected (V8's
        // "weak objects" deopts): without re-warming, the timed batch would re-optimize from cold. For
        // cases that build node:http objects this made batches 2-9x slower than steady state.
        if (rewarm > 0) await runBatch(c.fn, Math.ceil(st.ops * rewarm), c.drainEvery)
      }
      const ns = await runBatch(c.fn, st.ops, c.drainEvery)
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
