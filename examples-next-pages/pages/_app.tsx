import type { AppProps } from "next/app"
import { SessionProvider } from "@aura-stack/auth/react"
import { authClient } from "@/lib/auth-client"
import { Layout } from "@/components/Layout"
import "../styles/globals.css"

export default function App({ Component, pageProps }: AppProps) {
  return (
    // Pages that return `session` from getServerSideProps seed the provider (no loading state);
    // on the others it asks GET /api/auth/session after hydration.
    <SessionProvider session={pageProps.session} client={authClient}>
      <Layout>
        <Component {...pageProps} />
      </Layout>
    </SessionProvider>
  )
}
