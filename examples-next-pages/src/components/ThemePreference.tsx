import { useSession } from "@aura-stack/auth/react"

// A session preference changed from the browser: useSession().update(data) runs the server's
// `callbacks.session` hook (trigger "update"), which re-seals the session; other open tabs refetch.
export const ThemePreference = () => {
  const { session, update } = useSession()
  if (!session) return null
  const theme = session.theme ?? "light"
  const next = theme === "dark" ? "light" : "dark"
  return (
    <div className="preference">
      <span>
        Theme: <strong data-testid="theme">{theme}</strong>
      </span>
      <button className="button secondary" data-testid="toggle-theme" onClick={() => update({ theme: next })}>
        Use {next} theme
      </button>
    </div>
  )
}
