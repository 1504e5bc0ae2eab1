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

// SPEC §15: protecting pages. The session handed to withSession's function and authorize is non-null.
type NextLikeContext = {
  req: IncomingMessage & { cookies: Partial<Record<string, string>> }
  res: ServerResponse
  resolvedUrl: string
  query: NodeJS.Dict<string | string[]>
  params?: NodeJS.Dict<string | string[]>
  locale?: string
}
type NextLikeGssp<P> = (ctx: NextLikeContext) => Promise<{ props: P } | { redirect: { destination: string; permanent: boolean } } | { notFound: true }>

export const getServerSideProps = auth.withSession(async (ctx, session) => {
  const name: string | null | undefined = session.user.name
  const sub: string = session.user.sub
  const url: string = ctx.resolvedUrl
  return { props: { name: name ?? null, sub, url } }
}, { redirectTo: "/login" })
// Assignable where Next expects its GetServerSideProps (a narrower context type).
export const typedGssp: NextLikeGssp<{ name: string | null; sub: string; url: string }> = getServerSideProps
type PropsOf<T extends (...args: any) => any> = Extract<Awaited<ReturnType<T>>, { props: any }>["props"]
export const inferred: PropsOf<typeof getServerSideProps> = { name: null, sub: "s", url: "/" }
// @ts-expect-error redirectTo is a path
auth.withSession(async () => ({ props: {} }), { redirectTo: 5 })

export async function apiRoute(req: IncomingMessage, res: ServerResponse) {
  const session = await auth.requireSession(req, res)
  // @ts-expect-error possibly null until checked
  void session.user
  if (!session) return
  const sub: string = session.user.sub
  void sub
}

export const proxy = auth.proxy({
  protect: ["/dashboard/:path*"],
  authorize: ({ session, request }) => session.user.role === "admin" || new URL(request.url).pathname !== "/dashboard/admin",
})
export const proxyAsync = auth.proxy({ protect: "/admin/(.*)", authorize: async ({ session }) => session.user.sub.length > 0 })
export async function runProxy(request: Request) {
  const r: Response | undefined = await proxy(request)
  void r
}
// @ts-expect-error protect is required
auth.proxy({})
