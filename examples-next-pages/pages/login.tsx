import Head from "next/head"
import { useState } from "react"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { api, emailSignIn, listProviders, type ProviderInfo } from "@/lib/auth"
import { mailboxEnabled } from "@/lib/dev-mailbox"
import { authClient } from "@/lib/auth-client"
import { ProviderMark } from "@/components/ProviderMark"
import { PasskeySignInButton } from "@/components/PasskeySignInButton"
import { EmailSignIn } from "@/components/EmailSignIn"

type Props = { providers: ProviderInfo[]; from: string | null; email: boolean; mailbox: boolean; notice: string | null }

// Where the email links bring people back to (the verification link, a finished password reset).
const NOTICES: Record<string, string> = {
  verified: "Your email address is confirmed. Sign in with your password.",
  reset: "Your password is set. Sign in with your new password.",
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ req, query }) => {
  const { authenticated } = await api.getSession({ headers: req.headers })
  if (authenticated) {
    return { redirect: { destination: "/dashboard", permanent: false } }
  }
  // `redirectTo` (set by proxy.ts; `from` by older links) is only shown, and handed to signIn as redirectTo:
  // the library checks redirect targets.
  const target = query.redirectTo ?? query.from
  const from = typeof target === "string" && target.startsWith("/") ? target : null
  // After "Sign out everywhere" the provider sends the browser back with `?state=…`: drop it from the address bar.
  if (query.state !== undefined) {
    return { redirect: { destination: from ? `/login?redirectTo=${encodeURIComponent(from)}` : "/login", permanent: false } }
  }
  const notice = query.verified === "1" ? NOTICES.verified : query.reset === "1" ? NOTICES.reset : null
  return { props: { providers: await listProviders(), from, email: emailSignIn, mailbox: mailboxEnabled, notice } }
}

export default function LoginPage({ providers, from, email, mailbox, notice }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  const [pending, setPending] = useState<string | null>(null)
  const [failed, setFailed] = useState<string | null>(null)

  const signIn = async (provider: string) => {
    setPending(provider)
    setFailed(null)
    const response = await authClient.signIn(provider, {
      redirect: true,
      redirectTo: from ?? "/dashboard",
    })
    if (!response.ok) {
      console.error("Sign-in failed:", response.error)
      setFailed(response.error?.message ?? "Sign-in could not start. Try again.")
      setPending(null)
    }
  }

  return (
    <div className="narrow">
      <Head>
        <title>Sign in · Aura Auth demo</title>
      </Head>
      <div className="card">
        <h1>Sign in</h1>
        <p className="lead">Choose how you want to sign in to the Aura Auth demo.</p>
        {from && (
          <p className="notice" data-testid="signin-reason">
            You need to be signed in to see <strong>{from}</strong>. Sign in and you&apos;ll be taken there.
          </p>
        )}
        {notice && (
          <p className="notice ok" data-testid="login-notice">
            {notice}
          </p>
        )}
        {failed && <p className="notice error">{failed}</p>}
        <div className="stack" style={{ marginBottom: "0.75rem" }}>
          <PasskeySignInButton redirectTo={from ?? "/dashboard"} disabled={pending !== null} />
          <div className="divider">or</div>
        </div>
        {providers.length === 0 && !email ? (
          <p className="notice error">
            No OAuth provider is configured: set <code>GITHUB_CLIENT_ID</code> and <code>GITHUB_CLIENT_SECRET</code>, or run{" "}
            <code>npm run demo</code> for a local OpenID provider.
          </p>
        ) : (
          <div className="stack">
            {providers.map((provider) => (
              <button
                key={provider.id}
                className="button secondary block"
                onClick={() => signIn(provider.id)}
                disabled={pending !== null}
              >
                <ProviderMark id={provider.id} name={provider.name} />
                Sign in with {provider.name}
              </button>
            ))}
          </div>
        )}
        {email && (
          <>
            <div className="divider" style={{ margin: "1.25rem 0 0.75rem" }}>
              or with your email
            </div>
            <EmailSignIn redirectTo={from ?? "/dashboard"} mailbox={mailbox} disabled={pending !== null} />
          </>
        )}
        <p className="fine">Your session is kept in an encrypted, HttpOnly cookie that refers to a row in the app&apos;s database.</p>
      </div>
    </div>
  )
}
