import { createAuth } from "@aura-stack/auth"

// Providers come from the environment, so the same app runs against GitHub and against the
// local OpenID provider that `npm run demo` starts (no external account needed).
const oauth = [
  ...(process.env.GITHUB_CLIENT_ID && process.env.GITHUB_CLIENT_SECRET ? ["github" as const] : []),
  ...(process.env.OIDC_ISSUER
    ? [
        {
          id: "oidc",
          name: "Local OpenID",
          issuer: process.env.OIDC_ISSUER,
          clientId: process.env.OIDC_CLIENT_ID,
          clientSecret: process.env.OIDC_CLIENT_SECRET,
        },
      ]
    : []),
]

// The guide writes baseURL: "http://localhost:3000"; reading AURA_AUTH_URL first lets the
// demo and the tests serve the app on another port.
const baseURL = process.env.AURA_AUTH_URL ?? "http://localhost:3000"

export const auth = createAuth({
  oauth,
  basePath: "/api/auth",
  baseURL,
  // Failed sign-ins land on this app's own error page (pages/error.tsx) as /error?code=<CODE>.
  pages: { error: "/error" },
})

export const { handlers, api, handler } = auth

export type ProviderInfo = { id: string; name: string; signInURL: string }

/** The configured providers as the library lists them at GET /api/auth/providers (asked in-process). */
export async function listProviders(): Promise<ProviderInfo[]> {
  const response = await handlers.GET(new Request(new URL("/api/auth/providers", baseURL)))
  return response.json()
}
