// @node-rs/argon2 verify (async and sync) at m = 19456 KiB, t = 2, p = 1: median of 30, as JSON.
//   node bench/argon2-impls/node-rs.mjs   (after `cd bench && npm install`)
import { createRequire } from "node:module"
const require = createRequire(new URL("../package.json", import.meta.url))
const argon2 = require("@node-rs/argon2")
const OPTS = { algorithm: argon2.Algorithm.Argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 }
const h = await argon2.hash("correct horse battery staple", OPTS)
const xs = [], ys = []
for (let i = 0; i < 33; i++) {
  let t = performance.now(); await argon2.verify(h, "correct horse battery staple"); const a = performance.now() - t
  t = performance.now(); argon2.verifySync(h, "correct horse battery staple"); const b = performance.now() - t
  if (i >= 3) { xs.push(a); ys.push(b) }
}
const med = (v) => v.sort((a, b) => a - b)[v.length >> 1]
console.log(JSON.stringify({ nodeRsVerifyAsyncMs: +med(xs).toFixed(2), nodeRsVerifySyncMs: +med(ys).toFixed(2) }))
