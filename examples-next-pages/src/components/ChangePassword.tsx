import { useState, type FormEvent } from "react"
import { authClient } from "@/lib/auth-client"

// "Change password" (POST /api/auth/password/change): the current password, then the new one. The library
// ends the user's other sessions (this browser stays signed in).
export const ChangePassword = () => {
  const [currentPassword, setCurrent] = useState("")
  const [newPassword, setNew] = useState("")
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)
  const [pending, setPending] = useState(false)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    setPending(true)
    setMessage(null)
    const result = await authClient.changePassword({ currentPassword, newPassword })
    if (!("error" in result)) {
      setCurrent("")
      setNew("")
      setMessage({ error: false, text: "Password changed. Your other devices were signed out." })
    } else {
      setMessage({
        error: true,
        text: result.error.code === "INVALID_CREDENTIALS" ? "Your current password is not right." : result.error.message,
      })
    }
    setPending(false)
  }

  return (
    <section className="card" data-testid="change-password">
      <h2>Password</h2>
      <p className="lead">Change the password you sign in with.</p>
      {message && (
        <p className={message.error ? "notice error" : "notice ok"} data-testid="password-message" role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
      <form className="form" method="post" onSubmit={submit}>
        <label className="field">
          Current password
          <input className="input" type="password" autoComplete="current-password" required value={currentPassword} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label className="field">
          New password
          <input
            className="input"
            type="password"
            autoComplete="new-password"
            required
            minLength={10}
            value={newPassword}
            onChange={(e) => setNew(e.target.value)}
          />
        </label>
        <div>
          <button className="button primary" type="submit" disabled={pending}>
            Change password
          </button>
        </div>
      </form>
    </section>
  )
}
