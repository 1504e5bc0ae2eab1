import Head from "next/head"
import Link from "next/link"
import { useRouter } from "next/router"
import { useState, type FormEvent } from "react"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { emailSignIn } from "@/lib/auth"
import { authClient } from "@/lib/auth-client"

// The page of the reset link (credentials.resetPasswordPage, by default /reset-password?token=…): a new
// password for POST /api/auth/password/reset. The token is single use and expires after an hour; a reset ends
// every session of the user, so the next step is signing in with the new password.
export const getServerSideProps: GetServerSideProps<{ token: string | null }> = async ({ query }) => {
  if (!emailSignIn) return { notFound: true }
  return { props: { token: typeof query.token === "string" && query.token !== "" ? query.token : null } }
}

export default function ResetPasswordPage({ token }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  const router = useRouter()
  const [password, setPassword] = useState("")
  const [failed, setFailed] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setPending(true)
    setFailed(null)
    const result = await authClient.resetPassword({ token, password })
    if (!("error" in result)) {
      await router.push("/login?reset=1")
      return
    }
    setFailed(result.error.message)
    setPending(false)
  }

  return (
    <div className="narrow">
      <Head>
        <title>Choose a new password · Aura Auth demo</title>
      </Head>
      <div className="card">
        <h1>Choose a new password</h1>
        {token === null ? (
          <p className="notice error" role="alert">
            This page needs the link from the reset email. <Link href="/forgot-password">Ask for a new one</Link>.
          </p>
        ) : (
          <>
            <p className="lead">Every device signed in to your account will be signed out.</p>
            {failed && (
              <p className="notice error" data-testid="reset-message" role="alert">
                {failed} <Link href="/forgot-password">Ask for a new link</Link>.
              </p>
            )}
            <form className="form" method="post" onSubmit={submit}>
              <label className="field">
                New password
                <input
                  className="input"
                  type="password"
                  autoComplete="new-password"
                  required
                  minLength={10}
                  value={password}
                  onChange={(e) => setPassword(e.target.value)}
                />
              </label>
              <button className="button primary block" type="submit" disabled={pending}>
                Set the new password
              </button>
            </form>
          </>
        )}
      </div>
    </div>
  )
}
