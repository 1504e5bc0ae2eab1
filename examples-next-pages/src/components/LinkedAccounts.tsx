import { useState } from "react"
import type { LinkedAccount } from "@aura-stack/auth"
import { authClient } from "@/lib/auth-client"
import { ProviderMark } from "@/components/ProviderMark"
import { methodName } from "@/lib/provider-names"

const when = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })

type Provider = { id: string; name: string }

// The user's ways to sign in (accounts in the database, listed on the server by api.listAccounts and
// unlinked through pages/api/accounts.ts), and "Link" for each configured provider not linked yet:
// authClient.signIn(id, { link: true }) adds that provider's account to this user.
export const LinkedAccounts = ({ initial, providers }: { initial: LinkedAccount[] | null; providers: Provider[] }) => {
  const [accounts, setAccounts] = useState<LinkedAccount[] | null>(initial)
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(
    initial === null ? { error: true, text: "Your linked accounts could not be loaded." } : null,
  )
  const [pending, setPending] = useState<string | null>(null)

  const unlink = async (account: LinkedAccount) => {
    setPending(account.id)
    setMessage(null)
    try {
      const response = await fetch("/api/accounts", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ provider: account.provider, providerAccountId: account.providerAccountId }),
      })
      const body = await response.json().catch(() => null)
      if (response.ok && Array.isArray(body?.accounts)) {
        setAccounts(body.accounts)
        setMessage({ error: false, text: `Unlinked ${methodName(account.provider, providers)}.` })
      } else {
        setMessage({ error: true, text: body?.error?.message ?? "The account could not be unlinked. Try again." })
      }
    } catch {
      setMessage({ error: true, text: "The server could not be reached. Try again." })
    }
    setPending(null)
  }

  const link = async (provider: Provider) => {
    setPending(`link:${provider.id}`)
    setMessage(null)
    const result = await authClient.signIn(provider.id, { link: true, redirect: true, redirectTo: "/dashboard" })
    if (!result.ok) {
      setMessage({ error: true, text: result.error.message })
      setPending(null)
    }
  }

  const linked = new Set((accounts ?? []).map((a) => a.provider))
  const linkable = providers.filter((p) => !linked.has(p.id))
  return (
    <section className="card" data-testid="linked-accounts">
      <h2>Linked accounts</h2>
      <p className="lead">The ways you can sign in to this account.</p>
      {message && (
        <p className={message.error ? "notice error" : "notice ok"} data-testid="accounts-message" role={message.error ? "alert" : "status"}>
          {message.text}
        </p>
      )}
      {accounts !== null && (
        <ul className="list">
          {accounts.map((a) => (
            <li key={a.id} data-testid="linked-account" data-provider={a.provider}>
              <span className="list-title">
                <ProviderMark id={a.provider} name={methodName(a.provider, providers)} />
                {methodName(a.provider, providers)}
              </span>
              <span className="list-actions">
                <span className="list-meta">Linked {when.format(new Date(a.createdAt))} UTC</span>
                <button
                  className="button secondary small"
                  onClick={() => unlink(a)}
                  disabled={pending !== null}
                  aria-label={`Unlink ${methodName(a.provider, providers)}`}
                >
                  Unlink
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {accounts !== null && accounts.length === 0 && (
        <p className="muted">No account is linked yet (you signed in with a link sent to your email).</p>
      )}
      {linkable.length > 0 && (
        <div className="stack" style={{ marginTop: "1rem" }}>
          {linkable.map((p) => (
            <button key={p.id} className="button secondary block" onClick={() => link(p)} disabled={pending !== null}>
              <ProviderMark id={p.id} name={p.name} />
              Link {p.name}
            </button>
          ))}
        </div>
      )}
    </section>
  )
}
