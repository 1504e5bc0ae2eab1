// Compile-time checks of the public types (`npm run typecheck`); never executed.
import type { IncomingMessage, ServerResponse, IncomingHttpHeaders } from "node:http"
import { createAuth, AuraAuthError, github, oidc, type Session, type User, type AuthConfig } from "../index.js"

const config: AuthConfig = {
  oauth: ["github", github({ clientId: "a", clientSecret: "b" }), oidc({ id: "corp", name: "Corp", issuer: "https://id.example.com", clientId: "c", clientSecret: "d" })],
  basePath: "/api/auth",
  baseURL: "http://localhost:3000",
}
export const auth = createAuth(config)
export const { handlers, api, handler } = auth

export async function ssr(req: IncomingMessage, res: ServerResponse, headers: IncomingHttpHeaders) {
  // Node's IncomingHttpHeaders as-is (no cast), a Headers, and the guide's cast record.
  const a = await api.getSession({ headers: req.headers })
  const b = await api.getSession({ headers: new Headers() })
  const c = await api.getSession({ headers: headers as Record<string, string> })
  const session: Session | null = a.authenticated ? a.session : null
  const user: User | undefined = session?.user
  const name: string | null | undefined = user?.name
  void b
  void c
  void name
  await handler(req, res)
  const response: Response = await handlers.GET(new Request("http://localhost:3000/api/auth/session"))
  void response
}

export function codeOf(e: unknown): string | undefined {
  return e instanceof AuraAuthError ? e.code : undefined
}

// Hooks, typed by module augmentation of User / Session (as an app would in its own .d.ts).
declare module "../index.js" {
  interface User {
    role?: string
  }
  interface Session {
    plan?: string
  }
}

export const withHooks = createAuth({
  oauth: [github({ profile: (raw, tokens) => ({ name: String(raw.login), image: tokens.accessToken ? null : null }) })],
  callbacks: {
    signIn: async ({ user, account }) => (user.email?.endsWith("@example.com") && account.provider === "github") || "/not-allowed",
    session: async ({ session, trigger, data }) => ({ ...session, plan: trigger === "update" ? String(data) : "free", user: { ...session.user, role: "admin" } }),
    redirect: ({ url, baseURL }) => (url.startsWith("/") ? url : baseURL),
    timeoutMs: 5000,
  },
  events: { signIn: ({ user }) => void user.sub, error: ({ code }) => void code },
  logger: { level: "warn", log: (entry) => void entry.code },
})

export async function readsAugmented(headers: IncomingHttpHeaders) {
  const r = await withHooks.api.getSession({ headers })
  if (r.authenticated) {
    const role: string | undefined = r.session.user.role
    const plan: string | undefined = r.session.plan
    void role
    void plan
  }
}
