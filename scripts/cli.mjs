#!/usr/bin/env node
// `npx aura-auth <command>`: the package's command line, shipped in the package.
//   secret              prints AURA_AUTH_SECRET=… and AURA_AUTH_SALT=… (32 random bytes each), for .env.local
//   lock [lock file]    adds the lock entries of the other platforms' packages to package-lock.json, so
//                       `npm ci` works after installing from tarballs (not needed once they are published)
import path from "node:path"
import { generateSecrets } from "./secret.mjs"
import { syncLock } from "./lock-platform-packages.mjs"

const USAGE = `Usage: npx aura-auth <command>

  secret               print a fresh AURA_AUTH_SECRET and AURA_AUTH_SALT (append to .env.local)
  lock [lock file]     add the other platforms' @aura-stack/auth-* entries to package-lock.json
                       (default ./package-lock.json), so \`npm ci\` works after installing from tarballs
`

const commands = {
  secret() {
    for (const [name, value] of Object.entries(generateSecrets())) process.stdout.write(`${name}=${value}\n`)
  },
  lock(args) {
    const file = path.resolve(args[0] ?? "package-lock.json")
    const added = syncLock(file)
    console.error(added.length ? `${path.relative(process.cwd(), file)}: added ${added.join(", ")}` : `${path.relative(process.cwd(), file)}: nothing to add`)
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
