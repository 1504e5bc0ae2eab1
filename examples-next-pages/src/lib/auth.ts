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

export const auth = createAuth({
  oauth,
  basePath: "/api/auth",
  // The guide writes baseURL: "http://localhost:3000"; reading AURA_AUTH_URL first lets the
  // demo and the tests serve the app on another port.
  baseURL: process.env.AURA_AUTH_URL ?? "http://localhost:3000",
})

export const { handlers, api, handler } = auth

/** The configured providers, for the login page's buttons. */
export const providers: { id: string; name: string }[] = oauth.map((provider) =>
  typeof provider === "string" ? { id: provider, name: "GitHub" } : { id: provider.id, name: provider.name },
)
