// Shared fixtures: one session payload, one 5-cookie Cookie header, the same secrets,
// and a sealed session cookie per library, each produced with that library's own API.
import { createRequire } from 'node:module'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const REPO_ROOT = path.resolve(BENCH_DIR, '..')
const require = createRequire(path.join(BENCH_DIR, 'package.json'))

// ---------------------------------------------------------------------------------------------
// Secrets (fixed, so that every process — the runner and each forked server — agrees)
export const SECRET_HEX = '5f1c0e7a9b3d24c68e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f'
export const SALT_HEX = 'a3b4c5d6e7f8091a2b3c4d5e6f708192c0e7a9b3d24c68e0f1a2b3c4d5e6f708'
export const NEXTAUTH_SECRET = SECRET_HEX // next-auth v4 / @auth/core take any string
export const IRON_PASSWORD = SECRET_HEX // iron-session: >= 32 chars
export const FLOOR_KEY = crypto.createHash('sha256').update(SECRET_HEX + SALT_HEX).digest() // 32 bytes, pre-derived

export const AURA_CONFIG = {
  oauth: [{ id: 'github', clientId: 'x', clientSecret: 'y' }],
  baseURL: 'http://localhost:3000',
  secret: SECRET_HEX,
  salt: SALT_HEX,
}

// ---------------------------------------------------------------------------------------------
// The session payload: a user (id, name, email, image URL) + expiry, ~350 bytes of JSON.
export const USER = {
  sub: '109876543210987654321',
  name: 'Augusta Ada King, Countess of Lovelace',
  email: 'augusta.ada.king@analytical-engine.example.com',
  image: 'https://lh3.googleusercontent.com/a/ACg8ocLx4Jd7rQ2pW9Vt3yKzN8mB1hF6sE0uT5aG2cXiO7vRqL3nYwZk8pD4fHjMbVcXz9QeRtYuIoPaSdFgHjKlZx=s96-c',
  provider: 'github',
}
export const MAX_AGE = 30 * 24 * 3600
// Fixed "now" at import time; expiry 30 days later. All libraries get the same claims.
const nowSec = Math.floor(Date.now() / 1000)
export const EXPIRES_SEC = nowSec + MAX_AGE
export const SESSION = { user: USER, expires: new Date(EXPIRES_SEC * 1000).toISOString() }
export const SESSION_JSON = JSON.stringify(SESSION)

// next-auth / Auth.js keep the user in JWT claims: name, email, picture, sub (+ iat, exp, jti added by encode).
export const JWT_CLAIMS = { name: USER.name, email: USER.email, picture: USER.image, sub: USER.sub, provider: USER.provider }

// ---------------------------------------------------------------------------------------------
// The Cookie header: four unrelated cookies of realistic size plus the session cookie (3rd).
export const OTHER_COOKIES = [
  '_ga=GA1.1.1939272466.1716812345',
  '_ga_XYZ12AB3CD=GS1.1.1716812345.3.1.1716813456.0.0.0',
  '__cf_bm=uV4kZp2s8QmG0vY7H1nE3rT6aW9xD5cB.Lj2oK8iF4g-1716812345-1.0.1.1-Qw7eRt9yUiOp3aSdFgHjKlZxCvBnM1qW2eR4tY6uI8oP0aS2dF4gH6jK8lZ0xC2vB4nM6qW8eR0tY2uI4oP6aS8dF0gH2jK4lZ6xC8vB0nM2q',
  'ajs_anonymous_id=%22c6f1a0a4-3b1e-4d7f-9e62-2f7c1d9f3a11%22',
]
/** `sessionPair` is "name=value" (or several pairs joined by "; " for chunked cookies); null = signed out. */
export function cookieHeader(sessionPair) {
  const parts = OTHER_COOKIES.slice(0, 2)
  if (sessionPair) parts.push(sessionPair)
  parts.push(...OTHER_COOKIES.slice(2))
  return parts.join('; ')
}

/** Flip one character in the middle of a sealed value (inside the ciphertext for every format used here). */
export function tamper(value) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  let i = Math.floor(value.length * 0.6)
  while (!alphabet.includes(value[i])) i++
  const c = value[i]
  const replacement = c === 'A' ? 'B' : 'A'
  return value.slice(0, i) + replacement + value.slice(i + 1)
}
/** Tamper the value of a "name=value[; name2=value2]" pair string (first pair). */
export function tamperPair(pairs) {
  const [first, ...rest] = pairs.split('; ')
  const eq = first.indexOf('=')
  return [first.slice(0, eq + 1) + tamper(first.slice(eq + 1)), ...rest].join('; ')
}

/** Node's IncomingHttpHeaders for a request carrying `cookie` (as node:http would produce). */
export function nodeHeaders(cookie, extra = {}) {
  const h = {
    host: 'localhost:3000',
    'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
    'accept-language': 'en-US,en;q=0.9',
    'accept-encoding': 'gzip, deflate, br',
    connection: 'keep-alive',
    ...extra,
  }
  if (cookie) h.cookie = cookie
  return h
}
export function webHeaders(cookie, extra) {
  const h = new Headers()
  for (const [k, v] of Object.entries(nodeHeaders(cookie, extra))) h.set(k, v)
  return h
}

// ---------------------------------------------------------------------------------------------
// Competitor cookies, each sealed with that library's own API.
export const COOKIE_NAMES = {
  nextauth: 'next-auth.session-token',
  authjs: 'authjs.session-token',
  iron: 'iron-session',
  floor: 'floor.session',
}

export async function nextAuthCookie() {
  const { encode } = require('next-auth/jwt')
  const token = await encode({ token: JWT_CLAIMS, secret: NEXTAUTH_SECRET, maxAge: MAX_AGE })
  return `${COOKIE_NAMES.nextauth}=${token}`
}
export async function authjsCookie() {
  const { encode } = await import('@auth/core/jwt')
  const token = await encode({ token: JWT_CLAIMS, secret: NEXTAUTH_SECRET, salt: COOKIE_NAMES.authjs, maxAge: MAX_AGE })
  return `${COOKIE_NAMES.authjs}=${token}`
}
export const IRON_OPTIONS = { cookieName: COOKIE_NAMES.iron, password: IRON_PASSWORD, ttl: MAX_AGE, cookieOptions: { secure: false } }
export async function ironCookie() {
  const { sealData } = await import('iron-session')
  const seal = await sealData(SESSION, { password: IRON_PASSWORD, ttl: MAX_AGE })
  return `${COOKIE_NAMES.iron}=${seal}`
}

// node:crypto floor: base64url(nonce[12] || ciphertext || tag[16]), ChaCha20-Poly1305, AAD = cookie name.
const FLOOR_AAD = Buffer.from(COOKIE_NAMES.floor)
export function floorCookie() {
  const nonce = crypto.randomBytes(12)
  const cipher = crypto.createCipheriv('chacha20-poly1305', FLOOR_KEY, nonce, { authTagLength: 16 })
  cipher.setAAD(FLOOR_AAD, { plaintextLength: Buffer.byteLength(SESSION_JSON) })
  const ct = Buffer.concat([cipher.update(SESSION_JSON, 'utf8'), cipher.final()])
  return `${COOKIE_NAMES.floor}=${Buffer.concat([nonce, ct, cipher.getAuthTag()]).toString('base64url')}`
}
const FLOOR_NEEDLE = COOKIE_NAMES.floor + '='
/** The hand-tuned floor: find the cookie, base64url-decode, decrypt, JSON.parse, check expiry. */
export function floorGetSession(cookie) {
  if (!cookie) return null
  let i = cookie.indexOf(FLOOR_NEEDLE)
  while (i > 0 && cookie.charCodeAt(i - 1) !== 32 && cookie.charCodeAt(i - 1) !== 59) i = cookie.indexOf(FLOOR_NEEDLE, i + 1)
  if (i < 0) return null
  const start = i + FLOOR_NEEDLE.length
  let end = cookie.indexOf(';', start)
  if (end < 0) end = cookie.length
  const raw = Buffer.from(cookie.slice(start, end), 'base64url')
  if (raw.length < 12 + 16) return null
  try {
    const decipher = crypto.createDecipheriv('chacha20-poly1305', FLOOR_KEY, raw.subarray(0, 12), { authTagLength: 16 })
    decipher.setAAD(FLOOR_AAD, { plaintextLength: raw.length - 28 })
    decipher.setAuthTag(raw.subarray(raw.length - 16))
    const pt = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()])
    const session = JSON.parse(pt.toString('utf8'))
    if (Date.parse(session.expires) <= Date.now()) return null
    return session
  } catch {
    return null
  }
}

// ---------------------------------------------------------------------------------------------
// This package. Its cases need the native addon; without it they are skipped with a message.
export function findNativeAddon() {
  try {
    const files = fs.readdirSync(REPO_ROOT).filter((f) => /^aura-auth(\..+)?\.node$/.test(f))
    return files.length ? path.join(REPO_ROOT, files.includes('aura-auth.node') ? 'aura-auth.node' : files[0]) : null
  } catch {
    return null
  }
}

let auraCache
/** -> { available: true, auth, module } | { available: false, reason } */
export function loadAura() {
  if (auraCache) return auraCache
  const override = process.env.AURA_AUTH_MODULE // e.g. an installed copy of the package
  const modulePath = override ? path.resolve(override) : REPO_ROOT
  if (!override && !findNativeAddon()) {
    return (auraCache = {
      available: false,
      reason: `${path.join(REPO_ROOT, 'aura-auth.node')} does not exist — run \`npm run build\` in ${REPO_ROOT} first`,
    })
  }
  try {
    const mod = require(modulePath)
    const auth = mod.createAuth(AURA_CONFIG)
    return (auraCache = { available: true, auth, module: mod, modulePath })
  } catch (err) {
    return (auraCache = { available: false, reason: `require(${JSON.stringify(modulePath)}) / createAuth failed: ${err && err.message}` })
  }
}
export function auraCookie(auth) {
  return auth.internal.sealSessionForTesting(USER, { secure: false })
}

export function machineInfo() {
  const cpus = os.cpus()
  return {
    cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  }
}

export function pkgVersion(name) {
  try {
    return require(`${name}/package.json`).version
  } catch {
    try {
      // packages whose exports hide package.json
      const p = path.join(BENCH_DIR, 'node_modules', ...name.split('/'), 'package.json')
      return JSON.parse(fs.readFileSync(p, 'utf8')).version
    } catch {
      return null
    }
  }
}
