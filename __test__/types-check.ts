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
