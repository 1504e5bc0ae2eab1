#!/usr/bin/env node
// `prepublishOnly` of @aura-stack/auth (review finding 11): `npm publish` refuses to run from a
// tree with uncommitted or untracked changes (what is published must be a commit), or with a
// local addon (`*.node`) in the package directory (the main package carries no addon: each
// platform package does). Runs in the package directory, as npm runs lifecycle scripts.
import { execFileSync } from "node:child_process"
import fs from "node:fs"

function refuse(why) {
  console.error(`[aura-auth] npm publish refused: ${why}`)
  process.exit(1)
}

const cwd = process.cwd()
let status
try {
  status = execFileSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
} catch {
  refuse("this is not a git checkout; publish from a clean clone of the tagged commit (or let the release workflow do it).")
}
if (status.trim() !== "") {
  refuse(`the working tree has uncommitted or untracked changes; commit or remove them first:\n${status}`)
}
const addons = fs.readdirSync(cwd).filter((f) => f.endsWith(".node"))
if (addons.length > 0) {
  refuse(`${addons.join(", ")} would ship in the main package; remove it (rm -f ./*.node): the addon comes from the platform packages.`)
}
