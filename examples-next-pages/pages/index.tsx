import Head from "next/head"
import Link from "next/link"
import { useSession } from "@aura-stack/auth/react"

export default function Home() {
  const { status } = useSession()
  return (
    <>
      <Head>
        <title>Aura Auth demo</title>
      </Head>
      <section className="hero">
        <h1>Sign-in for Next.js, with a Rust core</h1>
        <p className="lead">
          This app follows the Pages Router guide: OAuth / OpenID Connect sign-in, an encrypted session cookie, and a
          dashboard protected on the server in <code>getServerSideProps</code>.
        </p>
        <div className="actions">
          {status === "authenticated" ? (
            <Link className="button primary" href="/dashboard">
              Go to your dashboard
            </Link>
          ) : (
            <Link className="button primary" href="/login">
              Sign in
            </Link>
          )}
          <Link className="button secondary" href="/adapter">
            Try the guide&apos;s adapter route
          </Link>
        </div>
      </section>
      <section className="features">
        <div className="feature">
          <h2>Server-side session</h2>
          <p>
            <code>api.getSession</code> reads the sealed cookie in microseconds, before any HTML is sent.
          </p>
        </div>
        <div className="feature">
          <h2>One route file</h2>
          <p>
            <code>pages/api/auth/[...aura].ts</code> mounts sign-in, callback, session and sign-out.
          </p>
        </div>
        <div className="feature">
          <h2>Browser client</h2>
          <p>
            <code>@aura-stack/auth/client</code> signs in and out; <code>useSession</code> keeps tabs in sync.
          </p>
        </div>
      </section>
    </>
  )
}
