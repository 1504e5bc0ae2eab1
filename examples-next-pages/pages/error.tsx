import Head from "next/head"
import Link from "next/link"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"

// The library sends failed sign-ins here as /error?code=<CODE> (pages: { error: "/error" } in src/lib/auth.ts).
const MESSAGES: Record<string, string> = {
  ACCESS_DENIED: "The sign-in was cancelled, or this account is not allowed to sign in to this app.",
  CALLBACK_ERROR: "This app could not complete the sign-in. Try again in a moment.",
  PROVIDER_ERROR: "The provider reported an error during sign-in.",
  UNKNOWN_PROVIDER: "That sign-in provider is not configured.",
  FLOW_COOKIE_MISSING: "We couldn't verify this sign-in: it was not started in this browser, or its cookie expired.",
  FLOW_EXPIRED: "The sign-in took too long.",
  PROVIDER_MISMATCH: "The sign-in was started with a different provider.",
  STATE_MISMATCH: "The answer from the provider did not match the sign-in that was started.",
  PROVIDER_UNAVAILABLE: "The provider could not be reached. Try again in a moment.",
  DISCOVERY_FAILED: "The provider's configuration could not be loaded.",
  INVALID_TOKEN: "This link is invalid, was already used, or has expired.",
  ACCOUNT_NOT_LINKED:
    "An account with this email address already exists. Sign in the way you did before, then link this sign-in method from your dashboard.",
  ACCOUNT_ALREADY_LINKED: "That account is already linked to another user of this app.",
  LINK_NEEDS_SESSION: "Linking an account needs you to be signed in first.",
}
const FALLBACK = "Something went wrong while signing you in."

export const getServerSideProps: GetServerSideProps<{ code: string | null }> = async ({ query }) => {
  const code = typeof query.code === "string" && /^[A-Z_]{1,64}$/.test(query.code) ? query.code : null
  return { props: { code } }
}

export default function ErrorPage({ code }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  return (
    <div className="narrow">
      <Head>
        <title>Sign-in failed · Aura Auth demo</title>
      </Head>
      <div className="card" data-testid="error-page">
        <div className="error-icon" aria-hidden="true">
          !
        </div>
        <h1>Sign-in failed</h1>
        <p className="lead">{(code && MESSAGES[code]) ?? FALLBACK} Please start again from the sign-in page.</p>
        <Link className="button primary block" href="/login">
          Back to the sign-in page
        </Link>
        {code && (
          <p className="error-code fine">
            Error code: <code>{code}</code>
          </p>
        )}
      </div>
    </div>
  )
}
