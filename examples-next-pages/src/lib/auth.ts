import { createAuth } from "@aura-stack/auth"
import { deliver, mailboxEnabled } from "@/lib/dev-mailbox"

// Providers come from the environment, so the same app runs against GitHub and against the
// local OpenID provider that `npm run demo` starts (no external account needed).
// GITHUB_URL / GITHUB_API_URL point GitHub at another host (GitHub Enterprise Server, or the tests'
// GitHub-shaped server); unset, the built-in github.com endpoints are used.
const githubURL = process.env.GITHUB_URL?.replace(/\/+$/, "")
const githubAPI = process.env.GITHUB_API_URL?.replace(/\/+$/, "")
const github =
  githubURL || githubAPI
    ? {
        id: "github",
        clientId: process.env.GITHUB_CLIENT_ID,
        clientSecret: process.env.GITHUB_CLIENT_SECRET,
        ...(githubURL ? { authorizationURL: `${githubURL}/login/oauth/authorize`, tokenURL: `${githubURL}/login/oauth/access_token` } : {}),
        ...(githubAPI ? { userinfoURL: `${githubAPI}/user`, emailsURL: `${githubAPI}/user/emails` } : {}),
      }
    : ("github" as const)
const oauth = [
  ...(process.env.GITHUB_CLIENT_ID && process.env.GITHUB_CLIENT_SECRET ? [github] : []),
  ...(process.env.OIDC_ISSUER
    ? [
        {
          id: "oidc",
          name: "Local OpenID",
          issuer: process.env.OIDC_ISSUER,
          clientId: process.env.OIDC_CLIENT_ID,
          clientSecret: process.env.OIDC_CLIENT_SECRET,
          // Keep the provider's tokens for api.getAccessToken (pages/provider-api.tsx), revoke
          // them at sign-out, and let "Sign out everywhere" end the provider's session too.
          storeTokens: true,
          revokeTokens: true,
          federatedSignOut: true,
        },
      ]
    : []),
]

// The guide writes baseURL: "http://localhost:3000"; reading AURA_AUTH_URL first lets the
// demo and the tests serve the app on another port.
const baseURL = process.env.AURA_AUTH_URL ?? "http://localhost:3000"

// Hooks (docs/hooks.md). Who may sign in: ALLOWED_USERS, a comma-separated list of
// `provider:sub` entries (`oidc:ada`, `github:583231`) or email addresses (unset = everyone).
// Admins: ADMIN_USERS, the same form. An email counts only when the provider verified it
// (`emailVerified === true`): an unverified address is whatever the account holder typed. A bare
// `sub` never counts: two providers can hand out the same one.
const listed = (name: string) =>
  (process.env[name] ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
const allowed = listed("ALLOWED_USERS")
const admins = listed("ADMIN_USERS")
const isIn = (list: string[], user: { sub: string; provider: string; email?: string | null; emailVerified?: boolean | null }) =>
  list.includes(`${user.provider}:${user.sub}`) || (user.emailVerified === true && !!user.email && list.includes(user.email))

export const auth = createAuth({
  oauth,
  basePath: "/api/auth",
  baseURL,
  // Users, accounts, sessions (the dashboard's "Devices") and passkeys live here (docs/database.md).
  // The SQLite file is made on first use; AURA_AUTH_DATABASE_URL picks another (the tests use a temp file).
  database: process.env.AURA_AUTH_DATABASE_URL ?? "sqlite:.aura/auth.db",
  // Passkeys (docs/passkeys.md): bound to baseURL's host. Open the app as http://localhost, not 127.0.0.1.
  passkeys: { rpName: "Aura Auth demo" },
  // Email and password, and sign-in links by mail (docs/email-password.md). This demo sends no mail: with
  // AURA_DEMO_MAILBOX=1 (set by `npm run demo`) the messages go to the development mailbox at /dev/mailbox.
  // Without a mailbox there is nowhere to deliver the verification link, so email sign-in stays off.
  ...(mailboxEnabled
    ? {
        credentials: { enabled: true, requireEmailVerification: true },
        magicLink: { enabled: true },
        // Your app hands these to its mail service (nodemailer, Resend, Postmark, ...) instead.
        email: { send: deliver },
      }
    : {}),
  // Rate limits (docs/rate-limiting.md) are the library's defaults: on in production, 100 requests per minute per
  // client address. The browser tests drive every page from one address, far faster than a person: they raise the
  // budget with AURA_DEMO_RATE_LIMIT_MAX (the default budget and the callback rule; the email rules stay as they are).
  ...(Number(process.env.AURA_DEMO_RATE_LIMIT_MAX) > 0
    ? { rateLimit: { max: Number(process.env.AURA_DEMO_RATE_LIMIT_MAX), rules: { "/callback/*": { max: Number(process.env.AURA_DEMO_RATE_LIMIT_MAX) } } } }
    : {}),
  // Failed sign-ins land on this app's own error page (pages/error.tsx) as /error?code=<CODE>; signed-out
  // visitors of protected pages (proxy.ts) on its own sign-in page, /login?redirectTo=<the page>.
  pages: { error: "/error", signIn: "/login" },
  callbacks: {
    // Only `true` lets the user in; false (or nothing) → /error?code=ACCESS_DENIED
    signIn: ({ user }) => allowed.length === 0 || isIn(allowed, user),
    // What the session holds besides the user: a role (set at sign-in) and a theme preference
    // (changed from the dashboard with useSession().update({ theme })).
    session: ({ session, user, trigger, data }) => {
      if (trigger === "update") {
        const theme = (data as { theme?: string } | null)?.theme === "dark" ? "dark" : "light"
        return { ...session, theme }
      }
      return { ...session, theme: "light", user: { ...session.user, role: isIn(admins, user) ? "admin" : "member" } }
    },
  },
})

export const { handlers, api, handler } = auth

/** This app's origin (the demo's own API routes accept state-changing requests only from it). */
export const appOrigin = new URL(baseURL).origin

/** Email sign-in (credentials and magic links) is on: only with a place to deliver the mails. */
export const emailSignIn = mailboxEnabled

export type ProviderInfo = { id: string; name: string; signInURL: string }

/** The configured providers as the library lists them at GET /api/auth/providers (asked in-process). */
export async function listProviders(): Promise<ProviderInfo[]> {
  const response = await handlers.GET(new Request(new URL("/api/auth/providers", baseURL)))
  return response.json()
}
