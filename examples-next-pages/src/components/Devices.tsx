import { useCallback, useEffect, useState } from "react"
import type { ClientSessionInfo } from "@aura-stack/auth/client"
import { authClient } from "@/lib/auth-client"

const when = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })

/** A short, readable name for a user agent string (the full one is in the title attribute). */
function deviceName(userAgent: string | null): string {
  if (!userAgent) return "Unknown device"
  const browser = /Edg\//.test(userAgent)
    ? "Edge"
    : /Firefox\//.test(userAgent)
      ? "Firefox"
      : /Chrome\//.test(userAgent)
        ? "Chrome"
        : /Safari\//.test(userAgent)
          ? "Safari"
          : null
  const os = /Android/.test(userAgent)
    ? "Android"
    : /iPhone|iPad/.test(userAgent)
      ? "iOS"
      : /Mac OS X/.test(userAgent)
        ? "macOS"
        : /Windows/.test(userAgent)
          ? "Windows"
          : /Linux/.test(userAgent)
            ? "Linux"
            : null
  return [browser, os].filter(Boolean).join(" on ") || userAgent
}

// The user's sessions (rows in the database, GET /api/auth/sessions): this browser's is marked; the
// others can be signed out at once (POST /api/auth/sessions/revokeOthers).
export const Devices = () => {
  const [sessions, setSessions] = useState<ClientSessionInfo[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  const load = useCallback(async () => {
    const result = await authClient.listSessions()
    // `in` narrows the result even without strictNullChecks (this app's tsconfig has strict off).
    if ("sessions" in result) {
      // This device first, then the most recently seen.
      setSessions(
        [...result.sessions].sort((a, b) => Number(b.current) - Number(a.current) || Date.parse(b.lastSeenAt) - Date.parse(a.lastSeenAt)),
      )
      setError(null)
    } else {
      setError(result.error.message)
    }
  }, [])

  useEffect(() => {
    void load()
  }, [load])

  const signOutOthers = async () => {
    setPending(true)
    const result = await authClient.revokeOtherSessions()
    if ("error" in result) setError(result.error.message)
    await load()
    setPending(false)
  }

  const others = sessions?.filter((s) => !s.current).length ?? 0
  return (
    <section className="card" data-testid="devices">
      <h2>Devices</h2>
      <p className="lead">Where you are signed in.</p>
      {error && <p className="notice error">{error}</p>}
      {sessions === null ? (
        <p className="muted">Loading…</p>
      ) : (
        <ul className="list">
          {sessions.map((s) => (
            <li key={s.id} data-testid="device" data-current={s.current ? "true" : "false"}>
              <span className="list-title" title={s.userAgent ?? undefined}>
                {deviceName(s.userAgent)}
                {s.current && <span className="badge">This device</span>}
              </span>
              <span className="list-meta">Last seen {when.format(new Date(s.lastSeenAt))} UTC</span>
            </li>
          ))}
        </ul>
      )}
      <div className="preference">
        <span className="muted" data-testid="device-count">
          {sessions === null ? "" : `${sessions.length} ${sessions.length === 1 ? "session" : "sessions"}`}
        </span>
        <button className="button secondary" onClick={signOutOthers} disabled={pending || others === 0}>
          Sign out other devices
        </button>
      </div>
    </section>
  )
}
