import Link from "next/link"
import { useState, type FormEvent } from "react"
import { authClient } from "@/lib/auth-client"

type Mode = "signIn" | "signUp"
type Message = { error: boolean; text: string; mailbox?: boolean }

// Email and password on the sign-in page (docs/email-password.md): sign in, create an account (the address is
// confirmed by a link before the first sign-in: requireEmailVerification), or get a one-time sign-in link.
// `mailbox`: the development mailbox is on, so the notices point to it.
export const EmailSignIn = ({ redirectTo, mailbox, disabled }: { redirectTo: string; mailbox: boolean; disabled?: boolean }) => {
  const [mode, setMode] = useState<Mode>("signIn")
  const [name, setName] = useState("")
  const [email, setEmail] = useState("")
  const [password, setPassword] = useState("")
  const [message, setMessage] = useState<Message | null>(null)
  const [pending, setPending] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setPending(true)
    setMessage(null)
    if (mode === "signUp") {
      // The verification link brings the user back to this page, which then says the address is confirmed.
      const result = await authClient.signUpEmail({ email, password, name: name.trim() || undefined, redirectTo: "/login?verified=1" }, { redirect: false })
      if (!("error" in result)) {
        setPassword("")
        setMode("signIn")
        setMessage({ error: false, text: `Check your inbox: we sent a link to ${email.trim()} to confirm your address.`, mailbox: true })
      } else {
        setMessage({ error: true, text: result.error.message })
      }
    } else {
      // On success the client navigates to redirectTo; the page stays busy until then.
      const result = await authClient.signInEmail({ email, password, redirectTo })
      if (!("error" in result)) return
      setMessage({
        error: true,
        text: result.error.code === "INVALID_CREDENTIALS" ? "That email and password don't match an account." : result.error.message,
        mailbox: result.error.code === "EMAIL_NOT_VERIFIED",
      })
    }
    setPending(false)
  }

  const magicLink = async () => {
    if (!email.trim()) {
      setMessage({ error: true, text: "Enter your email address first." })
      return
    }
    setPending(true)
    setMessage(null)
    const result = await authClient.signInMagicLink({ email, redirectTo })
    setMessage(
      !("error" in result)
        ? { error: false, text: `Check your inbox: we sent a sign-in link to ${email.trim()}.`, mailbox: true }
        : { error: true, text: result.error.message },
    )
    setPending(false)
  }

  const signUp = mode === "signUp"
  return (
    <div data-testid="email-signin">
      <div className="tabs" role="tablist" aria-label="Sign in or create an account">
        {(["signIn", "signUp"] as const).map((m) => (
          <button
            key={m}
            type="button"
            role="tab"
            aria-selected={mode === m}
            onClick={() => {
              setMode(m)
              setMessage(null)
            }}
          >
            {m === "signIn" ? "Sign in" : "Create account"}
          </button>
        ))}
      </div>
      {message && (
        <p className={message.error ? "notice error" : "notice ok"} data-testid="email-message" role={message.error ? "alert" : "status"}>
          {message.text}
          {message.mailbox && mailbox && (
            <>
              {" "}
              <Link href="/dev/mailbox">Open the development mailbox</Link>
            </>
          )}
        </p>
      )}
      {/* method="post": a submit before the page's script has loaded never puts the password in the address bar. */}
      <form className="form" method="post" onSubmit={submit}>
        {signUp && (
          <label className="field">
            Name
            <input className="input" autoComplete="name" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          </label>
        )}
        <label className="field">
          Email
          <input className="input" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label className="field">
          Password
          <input
            className="input"
            type="password"
            autoComplete={signUp ? "new-password" : "current-password"}
            required
            minLength={signUp ? 10 : undefined}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button className="button primary block" type="submit" disabled={pending || disabled}>
          {signUp ? "Create account" : "Sign in"}
        </button>
        {!signUp && (
          <div className="link-row">
            <Link href="/forgot-password">Forgot your password?</Link>
            <button type="button" className="link-button" onClick={magicLink} disabled={pending || disabled}>
              Email me a sign-in link
            </button>
          </div>
        )}
        {signUp && <p className="muted">At least 10 characters. We&apos;ll send a link to confirm your address.</p>}
      </form>
    </div>
  )
}
