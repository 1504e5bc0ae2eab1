import { fileURLToPath } from "node:url"

/** @type {import("next").NextConfig} */
const nextConfig = {
  // This example lives inside the library's repository, which has its own package-lock.json:
  // tell Turbopack that this folder is the project root. (A standalone app does not need this.)
  turbopack: { root: fileURLToPath(new URL(".", import.meta.url)) },
  // proxy.ts is bundled (pages are not): keep the package, and its native addon, a plain Node require.
  serverExternalPackages: ["@aura-stack/auth"],
}

export default nextConfig
