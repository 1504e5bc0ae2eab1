#!/usr/bin/env node
// Prints a fresh secret and salt for Aura Auth, ready to paste into .env.local:
//   node scripts/secret.mjs >> examples-next-pages/.env.local
// Each is 32 random bytes (256 bits), base64url-encoded.
import { randomBytes } from "node:crypto"
import { realpathSync } from "node:fs"
import { fileURLToPath } from "node:url"

/** 32 random bytes, base64url (43 characters). */
export function generateSecret() {
  return randomBytes(32).toString("base64url")
}

/** `{ AURA_AUTH_SECRET, AURA_AUTH_SALT }`, both fresh. */
export function generateSecrets() {
  return { AURA_AUTH_SECRET: generateSecret(), AURA_AUTH_SALT: generateSecret() }
}

function isMain() {
  // Through an npm bin link, argv[1] is the link; compare real paths.
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))
  } catch {
    return false
  }
}

if (isMain()) {
  for (const [name, value] of Object.entries(generateSecrets())) process.stdout.write(`${name}=${value}\n`)
}
