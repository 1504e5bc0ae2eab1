import type { AppProps } from "next/app"
import Link from "next/link"
import { SessionProvider } from "@aura-stack/auth/react"
import { authClient } from "@/lib/auth-client"
import { SessionStatus } from "@/components/SessionStatus"

export default function App({ Component, pageProps }: AppProps) {
  return (
    // Pages that return `session` from getServerSideProps seed the provider (no loading state);
    // on the others it asks GET /api/auth/session after hydration.
    <SessionProvider session={pageProps.session} client={authClient}>
      <div style={{ fontFamily: "system-ui, sans-serif", maxWidth: 720, margin: "2rem auto", padding: "0 1rem" }}>
        <nav style={{ display: "flex", gap: "1rem", alignItems: "center", marginBottom: "2rem" }}>
          <Link href="/">Home</Link>
          <Link href="/login">Login</Link>
          <Link href="/dashboard">Dashboard</Link>
          <Link href="/adapter">Adapter route</Link>
          <span style={{ marginLeft: "auto" }}>
            <SessionStatus />
          </span>
        </nav>
        <Component {...pageProps} />
      </div>
    </SessionProvider>
  )
}
