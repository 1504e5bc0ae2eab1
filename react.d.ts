// Types for `@aura-stack/auth/react`.
import type * as React from "react"
import type { AuthClient, Session } from "./client"

export type { Session, User } from "./client"

export type SessionStatus = "loading" | "authenticated" | "unauthenticated"

export type SessionContextValue =
  | { session: Session; status: "authenticated"; update(data?: unknown): Promise<Session | null> }
  | { session: null; status: "loading"; update(data?: unknown): Promise<Session | null> }
  | { session: null; status: "unauthenticated"; update(data?: unknown): Promise<Session | null> }

export interface SessionProviderProps {
  children?: React.ReactNode
  /**
   * The session the page already knows (e.g. returned as a prop from `getServerSideProps`). A `Session` or `null`
   * seeds the state, so there is no loading state and no request on mount; `undefined` (absent) makes the provider
   * fetch `GET <basePath>/session` after mount.
   */
  session?: Session | null
  /** The client to use (e.g. your `authClient`); otherwise one is created from `basePath`/`baseURL`. */
  client?: AuthClient
  /** Default `"/api/auth"`. Ignored when `client` is given. */
  basePath?: string
  /** Optional in the browser. Ignored when `client` is given. */
  baseURL?: string
  /** Refetch the session when the window regains focus or becomes visible. Default `true`. */
  refetchOnWindowFocus?: boolean
  /** Poll the session every N seconds (off by default). */
  refetchInterval?: number
}

export declare function SessionProvider(props: SessionProviderProps): React.ReactElement

/**
 * The current session from the nearest `<SessionProvider>`: `{ session, status, update }`.
 * `update()` refetches it; `update(data)` runs the server's `callbacks.session` hook (trigger
 * "update") and shows the re-sealed session. Sign-out or an update in another tab is picked up
 * (BroadcastChannel, or the storage event).
 * Throws when used outside a `<SessionProvider>`.
 */
export declare function useSession(): SessionContextValue

export declare const SessionContext: React.Context<SessionContextValue | undefined>
