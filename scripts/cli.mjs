#!/usr/bin/env node
// `npx aura-auth <command>`: the package's command line. One bin, one subcommand per task, so
// other capabilities add theirs here.
//
//   npx aura-auth migrate [--database <url>] [--prefix <p>] [--print]
//       Applies the database migrations (SPEC §11) to the database named by --database, else
//       AURA_AUTH_DATABASE_URL; --print writes the SQL instead, without connecting.
import { createRequire } from "node:module"

const require = createRequire(import.meta.url)

const USAGE = `Usage: aura-auth <command>

Commands:
  migrate [--database <url>] [--prefix <tablePrefix>] [--print]
      Create or update the tables of the user store. The database is --database, else
      AURA_AUTH_DATABASE_URL ("sqlite:<path>" or "postgres://…"). --print writes the SQL
      for that engine instead of applying it (nothing connects).
`

function parseArgs(argv) {
  const out = { _: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === "--print" || a === "--help" || a === "-h") out[a.replace(/^-+/, "")] = true
    else if (a === "--database" || a === "--prefix") out[a.slice(2)] = argv[++i]
    else if (a.startsWith("--database=") || a.startsWith("--prefix=")) {
      const [k, v] = a.slice(2).split(/=(.*)/s)
      out[k] = v
    } else out._.push(a)
  }
  return out
}

function fail(code, message) {
  console.error(`aura-auth: ${code}: ${message}`)
  process.exit(1)
}

async function migrate(args) {
  const native = require("../native.js")
  const env = {}
  if (process.env.AURA_AUTH_DATABASE_URL) env.AURA_AUTH_DATABASE_URL = process.env.AURA_AUTH_DATABASE_URL
  const database = args.database || args.prefix ? { url: args.database, tablePrefix: args.prefix } : null
  const input = JSON.stringify({ database, env })
  if (args.print) {
    try {
      process.stdout.write(native.migrationSql(input))
    } catch (e) {
      fail(e.code || "ERROR", e.message)
    }
    return
  }
  const out = JSON.parse(await native.migrateDatabase(input))
  if (!out.ok) fail(out.code, out.message)
  if (out.value.length) console.log(`Applied ${out.value.join(", ")}.`)
  else console.log("The database is up to date.")
}

const COMMANDS = { migrate }

const args = parseArgs(process.argv.slice(2))
const [command] = args._
if (!command || args.help) {
  process.stdout.write(USAGE)
  process.exit(command || args.help ? 0 : 1)
}
const run = COMMANDS[command]
if (!run) fail("UNKNOWN_COMMAND", `no command "${command}".\n\n${USAGE}`)
await run(args)
