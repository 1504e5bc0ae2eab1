import Head from "next/head"
import Link from "next/link"
import { useState, type FormEvent } from "react"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { emailSignIn } from "@/lib/auth"
import { mailboxEnabled } from "@/lib/dev-mailbox"
import { authClient } from "@/lib/auth-client"

export const getServerSideProps: GetServerSideProps<{ mailbox: boolean }> = async () => {
  if (!emailSignIn) return { notFound: true }
  return { props: { mailbox: mailboxEnabled } }
}

// "Forgot your password?": POST /api/auth/password/forgot. The answer is the same whether or not the address
// has an account (nothing here tells who signed up); an account holder gets a link to /reset-password.
export default function ForgotPasswordPage({ mailbox }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  const [email, setEmail] = useState("")
  const [sent, setSent] = useState<string | null>(null)
  const [failed, setFailed] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setPending(true)
    setFailed(null)
    const result = await authClient.requestPasswordReset({ email })
    // `in` narrows the result even without strictNullChecks (this app's tsconfig has strict off).
    if ("error" in result) setFailed(result.error.message)
    else setSent(email.trim())
    setPending(false)
  }

  return (
    <div className="narrow">
      <Head>
        <title>Reset your password · Aura Auth demo</title>
      </Head>
      <div className="card">
        <h1>Reset your password</h1>
        <p className="lead">Enter the email address you signed up with and we&apos;ll send you a link to set a new password.</p>
        {sent && (
          <p className="notice ok" data-testid="forgot-message" role="status">
            If {sent} has an account, a link to reset its password is on its way.
            {mailbox && (
              <>
                {" "}
                <Link href="/dev/mailbox">Open the development mailbox</Link>
              </>
            )}
          </p>
        )}
        {failed && (
          <p className="notice error" role="alert">
            {failed}
          </p>
        )}
        <form className="form" method="post" onSubmit={submit}>
          <label className="field">
            Email
            <input className="input" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <button className="button primary block" type="submit" disabled={pending}>
            Send the reset link
          </button>
        </form>
        <p className="fine">
          <Link href="/login">Back to the sign-in page</Link>
        </p>
      </div>
    </div>
  )
}
