import Head from "next/head"
import Link from "next/link"
import { useSession } from "@aura-stack/auth/react"
import { UserProfile } from "@/components/UserProfile"

// The guide's client-side session component (authClient.getSession() after hydration), on its own page.
export default function ProfilePage() {
  const { status } = useSession()
  return (
    <div className="narrow" style={{ maxWidth: 560 }}>
      <Head>
        <title>Profile · Aura Auth demo</title>
      </Head>
      <div className="card">
        {status === "unauthenticated" ? (
          <>
            <h1>Not signed in</h1>
            <p className="lead">This page reads the session in the browser. Sign in to see yours.</p>
            <Link className="button primary" href="/login?from=/profile">
              Sign in
            </Link>
          </>
        ) : (
          <section data-testid="user-profile">
            <UserProfile />
          </section>
        )}
        <p className="fine">Read in the browser with authClient.getSession().</p>
      </div>
    </div>
  )
}
