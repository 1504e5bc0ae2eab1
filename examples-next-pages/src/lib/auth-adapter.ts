import { createAuth } from "@aura-stack/auth"

// A second instance of the same configuration, mounted at /api/auth-adapter through the guide's
// hand-written Web Request adapter (pages/api/auth-adapter/[...aura].ts), to prove that both
// ways of mounting the handlers work. It shares the secret and the cookies with src/lib/auth.ts,
// so a session made through either route is valid for both.
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
  basePath: "/api/auth-adapter",
  baseURL: process.env.AURA_AUTH_URL ?? "http://localhost:3000",
  pages: { error: "/error" },
})

export const { handlers, api } = auth
