import { useCallback, useEffect, useState, type FormEvent } from "react"
import type { PasskeyInfo } from "@aura-stack/auth/client"
import { authClient } from "@/lib/auth-client"

const when = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeZone: "UTC" })

// The user's passkeys (GET /api/auth/passkeys) and "Add a passkey": the browser asks the authenticator
// (Touch ID, Windows Hello, a phone, a security key) to make one; the server verifies and stores it.
export const Passkeys = () => {
  const [passkeys, setPasskeys] = useState<PasskeyInfo[] | null>(null)
  const [name, setName] = useState("")
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null)
  const [pending, setPending] = useState(false)

  const load = useCallback(async () => {
    const result = await authClient.passkey.list()
    if (result.ok) setPasskeys(result.passkeys)
    else setMessage({ error: true, text: result.error.message })
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  const add = async (event: FormEvent) => {
    event.preventDefault()
    setPending(true)
    setMessage(null)
    const result = await authClient.passkey.register({ name: name.trim() || "Passkey" })
    if (result.ok) {
      setName("")
      setMessage({ error: false, text: `Added "${result.passkey.name}".` })
      await load()
    } else if (result.error.code !== "PASSKEY_CANCELLED") {
      setMessage({ error: true, text: result.error.message })
    }
    setPending(false)
  }

  return (
    <section className="card" data-testid="passkeys">
      <h2>Passkeys</h2>
      <p className="lead">Sign in with Face ID, Touch ID, Windows Hello or a security key, without a password.</p>
      {message && (
        <p className={message.error ? "notice error" : "notice ok"} data-testid="passkey-message">
          {message.text}
        </p>
      )}
      {passkeys !== null && passkeys.length > 0 && (
        <ul className="list">
          {passkeys.map((p) => (
            <li key={p.id} data-testid="passkey">
              <span className="list-title">{p.name}</span>
              <span className="list-meta">
                Added {when.format(new Date(p.createdAt))}
                {p.lastUsedAt ? ` · last used ${when.format(new Date(p.lastUsedAt))}` : " · not used yet"}
              </span>
            </li>
          ))}
        </ul>
      )}
      {passkeys !== null && passkeys.length === 0 && <p className="muted">No passkeys yet.</p>}
      <form className="inline-form" onSubmit={add}>
        <input
          className="input"
          aria-label="Passkey name"
          placeholder="Name, e.g. MacBook"
          value={name}
          maxLength={64}
          onChange={(e) => setName(e.target.value)}
        />
        <button className="button primary" type="submit" disabled={pending}>
          Add a passkey
        </button>
      </form>
    </section>
  )
}
