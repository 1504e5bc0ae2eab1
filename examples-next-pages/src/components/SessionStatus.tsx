import { useSession } from "@aura-stack/auth/react"

// Uses the optional React layer: the session seeded from getServerSideProps (no loading flash),
// refetched on window focus, and updated when another tab signs out.
export const SessionStatus = () => {
  const { session, status } = useSession()
  if (status === "loading") return <span data-testid="session-status">Checking session…</span>
  if (status === "unauthenticated") return <span data-testid="session-status">Not signed in</span>
  return <span data-testid="session-status">Signed in as {session.user.name ?? session.user.email ?? session.user.sub}</span>
}
