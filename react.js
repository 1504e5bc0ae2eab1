"use strict"

// @aura-stack/auth/react: <SessionProvider> and useSession(). No JSX (no build step); browser-safe
// (only the client helper, never the native addon). React is an optional peer dependency.

const React = require("react")
const { createAuthClient, BROADCAST_NAME, STORAGE_KEY } = require("./client.js")

const SessionContext = React.createContext(undefined)
SessionContext.displayName = "AuraAuthSessionContext"

function statusOf(session) {
  return session ? "authenticated" : "unauthenticated"
}

function sameSession(a, b) {
  if (a === b) return true
  if (!a || !b) return false
  try {
    return JSON.stringify(a) === JSON.stringify(b)
  } catch {
    return false
  }
}

/**
 * props: { children, session?, client?, basePath?, baseURL?, refetchOnWindowFocus? = true, refetchInterval? (s) }
 * `session` seeds the state (e.g. from getServerSideProps): a Session or null means "known", so there is no loading
 * state and no fetch on mount; undefined means "unknown", so the provider fetches it.
 */
function SessionProvider(props) {
  const { children, session: initialSession, client: givenClient, basePath, baseURL } = props
  const refetchOnWindowFocus = props.refetchOnWindowFocus !== false
  const refetchInterval = props.refetchInterval

  const clientRef = React.useRef(null)
  if (givenClient) clientRef.current = givenClient
  else if (!clientRef.current) clientRef.current = createAuthClient({ basePath, baseURL })

  const seeded = initialSession !== undefined
  const [state, setState] = React.useState(() =>
    seeded ? { session: initialSession || null, status: statusOf(initialSession) } : { session: null, status: "loading" },
  )

  // A new seed from the page (client-side navigation to another getServerSideProps page) wins.
  const lastSeed = React.useRef(initialSession)
  React.useEffect(() => {
    if (initialSession === undefined || sameSession(initialSession, lastSeed.current)) return
    lastSeed.current = initialSession
    setState({ session: initialSession || null, status: statusOf(initialSession) })
  }, [initialSession])

  const inflight = React.useRef(null)
  const mounted = React.useRef(true)
  React.useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])

  const refetch = React.useCallback(() => {
    if (inflight.current) return inflight.current
    const p = clientRef.current
      .getSession()
      .then((result) => {
        if (result.error) {
          // Could not ask the server: keep what we know, but leave "loading" so the UI does not hang.
          if (mounted.current) {
            setState((prev) => (prev.status === "loading" ? { session: null, status: "unauthenticated" } : prev))
          }
          return null
        }
        const session = result.authenticated ? result.session : null
        if (mounted.current) {
          setState((prev) =>
            prev.status !== "loading" && sameSession(prev.session, session) ? prev : { session, status: statusOf(session) },
          )
        }
        return session
      })
      .finally(() => {
        inflight.current = null
      })
    inflight.current = p
    return p
  }, [])

  // `update()` refetches; `update(data)` asks the server's session hook to change the session
  // (POST /session), shows the result here, and other tabs refetch.
  const update = React.useCallback(
    (data) => {
      if (data === undefined) return refetch()
      return clientRef.current.updateSession(data).then((result) => {
        if (!result.ok) return null
        const session = result.session
        if (mounted.current) setState({ session, status: statusOf(session) })
        return session
      })
    },
    [refetch],
  )

  // Unknown on mount: fetch it.
  React.useEffect(() => {
    if (!seeded) refetch()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  // Refetch when the window regains focus / becomes visible.
  React.useEffect(() => {
    if (!refetchOnWindowFocus || typeof window === "undefined") return undefined
    const onFocus = () => refetch()
    const onVisibility = () => {
      if (typeof document !== "undefined" && document.visibilityState === "visible") refetch()
    }
    window.addEventListener("focus", onFocus)
    if (typeof document !== "undefined") document.addEventListener("visibilitychange", onVisibility)
    return () => {
      window.removeEventListener("focus", onFocus)
      if (typeof document !== "undefined") document.removeEventListener("visibilitychange", onVisibility)
    }
  }, [refetchOnWindowFocus, refetch])

  // Optional polling.
  React.useEffect(() => {
    if (!refetchInterval || refetchInterval <= 0 || typeof window === "undefined") return undefined
    const id = setInterval(() => refetch(), refetchInterval * 1000)
    return () => clearInterval(id)
  }, [refetchInterval, refetch])

  // Sign-out, sign-in or a session update in another tab: BroadcastChannel, with the storage
  // event as a fallback.
  React.useEffect(() => {
    if (typeof window === "undefined") return undefined
    const onMessage = (data) => {
      if (data && data.event === "signOut") {
        setState({ session: null, status: "unauthenticated" })
      }
      refetch()
    }
    let channel = null
    try {
      if (typeof BroadcastChannel === "function") {
        channel = new BroadcastChannel(BROADCAST_NAME)
        channel.onmessage = (e) => onMessage(e.data)
      }
    } catch {
      channel = null
    }
    const onStorage = (e) => {
      if (e.key !== STORAGE_KEY || !e.newValue) return
      try {
        onMessage(JSON.parse(e.newValue))
      } catch {
        refetch()
      }
    }
    window.addEventListener("storage", onStorage)
    return () => {
      if (channel) channel.close()
      window.removeEventListener("storage", onStorage)
    }
  }, [refetch])

  const value = React.useMemo(
    () => ({ session: state.session, status: state.status, update }),
    [state.session, state.status, update],
  )
  return React.createElement(SessionContext.Provider, { value }, children)
}

function useSession() {
  const value = React.useContext(SessionContext)
  if (value === undefined) {
    throw new Error("useSession() must be used inside <SessionProvider> (from @aura-stack/auth/react)")
  }
  return value
}

exports.SessionProvider = SessionProvider
exports.useSession = useSession
exports.SessionContext = SessionContext
