import { useSession } from "@aura-stack/auth/react"

// Uses the optional React layer: the session seeded from getServerSideProps (no loading flash),
// refetched on window focus, and updated when another tab signs out.
export const SessionStatus = () => {
  const { status } = useSession()
  const text = status === "loading" ? "Checking…" : status === "authenticated" ? "Signed in" : "Not signed in"
  return (
    <span className="status" data-state={status} data-testid="session-status">
      {text}
    </span>
  )
}
