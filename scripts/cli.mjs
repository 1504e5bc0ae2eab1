#!/usr/bin/env node
// `npx aura-auth <command>`: the package's command line, shipped in the package.
//   secret              prints AURA_AUTH_SECRET=… and AURA_AUTH_SALT=… (32 random bytes each), for .env.local
//   lock [lock file]    adds the lock entries of the other platforms' packages to package-lock.json, so
//                       `npm ci` works after installing from tarballs (not needed once they are published)
//   migrate [--database <url>] [--prefix <p>] [--print]
//                       applies the user store's migrations (SPEC §11) to --database, else
//                       AURA_AUTH_DATABASE_URL; --print writes the SQL instead, without connecting
import path from "node:path"
import { createRequire } from "node:module"
import { generateSecrets } from "./secret.mjs"
import { syncLock } from "./lock-platform-packages.mjs"

const require = createRequire(import.meta.url)

const USAGE = `Usage: npx aura-auth <command>

  secret               print a fresh AURA_AUTH_SECRET and AURA_AUTH_SALT (append to .env.local)
  lock [lock file]     add the other platforms' @aura-stack/auth-* entries to package-lock.json
                       (default ./package-lock.json), so \`npm ci\` works after installing from tarballs
  migrate [--database <url>] [--prefix <tablePrefix>] [--print]
                       create or update the user store's tables; the database is --database, else
                       AURA_AUTH_DATABASE_URL ("sqlite:<path>" or "postgres://…"); --print writes the
                       SQL for that engine instead of applying it (nothing connects)
`

/** `--name value`, `--name=value` and bare `--flag` options. */
function options(args) {
  const out = {}
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(a)
    if (!m) throw new Error(`unexpected argument \`${a}\`.\n\n${USAGE}`)
    if (m[2] !== undefined) out[m[1]] = m[2]
    else if (m[1] === "print") out.print = true
    else out[m[1]] = args[++i]
  }
  return out
}

/** A failure with a stable code (the core's), printed as `aura-auth migrate: CODE: message`. */
class CodedError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`)
  }
}

const commands = {
  secret() {
    for (const [name, value] of Object.entries(generateSecrets())) process.stdout.write(`${name}=${value}\n`)
  },
  lock(args) {
    const file = path.resolve(args[0] ?? "package-lock.json")
    const added = syncLock(file)
    console.error(added.length ? `${path.relative(process.cwd(), file)}: added ${added.join(", ")}` : `${path.relative(process.cwd(), file)}: nothing to add`)
  },
  async migrate(args) {
    const o = options(args)
    const native = require("../native.js")
    const env = {}
    if (process.env.AURA_AUTH_DATABASE_URL) env.AURA_AUTH_DATABASE_URL = process.env.AURA_AUTH_DATABASE_URL
    const database = o.database || o.prefix ? { url: o.database, tablePrefix: o.prefix } : null
    const input = JSON.stringify({ database, env })
    if (o.print) {
      try {
        process.stdout.write(native.migrationSql(input))
      } catch (e) {
        throw new CodedError(e.code || "ERROR", e.message)
      }
      return
    }
    const out = JSON.parse(await native.migrateDatabase(input))
    if (!out.ok) throw new CodedError(out.code, out.message)
    console.log(out.value.length ? `Applied ${out.value.join(", ")}.` : "The database is up to date.")
  },
}

const [name, ...args] = process.argv.slice(2)
if (!name || name === "help" || name === "--help" || name === "-h") {
  process.stdout.write(USAGE)
} else if (!Object.hasOwn(commands, name)) {
  process.stderr.write(`aura-auth: unknown command \`${name}\`.\n\n${USAGE}`)
  process.exit(2)
} else {
  try {
    await commands[name](args)
  } catch (e) {
    console.error(`aura-auth ${name}: ${e.message}`)
    process.exit(1)
  }
}
