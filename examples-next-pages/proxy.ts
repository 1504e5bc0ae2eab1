// Protects /dashboard and every page under it (README "Protecting pages"). Next 16 runs proxy.ts on Node.js, so
// the sealed session cookie is checked natively, before the page renders, with no network and no database:
// signed out → 307 to the sign-in page (pages.signIn: /login) with ?redirectTo=<the page>.
import { auth } from "@/lib/auth"

export const proxy = auth.proxy({
  protect: ["/dashboard/:path*"],
  // /dashboard/admin is for admins only (the session hook in src/lib/auth.ts sets the role): others get a 403.
  authorize: ({ session, request }) => !new URL(request.url).pathname.toLowerCase().startsWith("/dashboard/admin") || session.user.role === "admin",
})

export const config = { matcher: ["/dashboard/:path*"] }
