// Types for `@aura-stack/auth/client` (browser-safe; never loads the native addon).

import type { Session, User } from "./index"

// The same Session / User types as the server entry (a type-only import: nothing of the server is loaded).
export type { Session, User }

/** An error reported by the client: the server's `{ error: { code, message } }`, or a client-side one. */
export interface AuthClientError {
  /**
   * The server's error code, or one of the client's own:
   * `NETWORK_ERROR` (the request never got an answer), `HTTP_ERROR` (an error status without a JSON error body),
   * `INVALID_RESPONSE` (a 2xx answer without the expected JSON), `MISSING_BASE_URL` (no baseURL outside a browser),
   * `INVALID_PROVIDER` (empty provider id).
   */
  code: string
  message: string
  /** HTTP status, when the server answered. */
  status?: number
}

export type AuthClientResult = { ok: true; url: string; error?: undefined } | { ok: false; url?: undefined; error: AuthClientError }

export type GetSessionResult =
  | { authenticated: true; session: Session; error?: undefined }
  | { authenticated: false; session: null; error?: AuthClientError }

export type CsrfTokenResult = { ok: true; csrfToken: string; error?: undefined } | { ok: false; csrfToken?: undefined; error: AuthClientError }

export interface AuthClientOptions {
  /** Where the auth routes are mounted; must match the server's basePath. Default `"/api/auth"`. */
  basePath?: string
  /**
   * Origin of the app serving the auth routes, e.g. `"http://localhost:3000"`. Optional in the browser (same origin is
   * used); required in Node. When it is a different origin than the page, requests are sent with `credentials: "include"`.
   */
  baseURL?: string
  /** A fetch implementation to use instead of the global one (tests, custom cookie handling). */
  fetch?: typeof fetch
}

export interface SignInOptions {
  /** Navigate to the provider (default `true`). With `false` the URL is returned instead. */
  redirect?: boolean
  /** Where to land after the provider sends the user back. Default: the current page (in a browser). */
  redirectTo?: string
  /** With a database: link this provider to the signed-in user instead of signing in anew. */
  link?: boolean
}

export interface SignOutOptions {
  /** Navigate after signing out (default `true`). With `false` the URL is returned instead. */
  redirect?: boolean
  /** Where to land after signing out (the server validates it; default `/`). */
  redirectTo?: string
  /**
   * Also end the session at the OpenID provider (when it is configured with `federatedSignOut: true`):
   * the answer's `url` is its end-session endpoint (with `client_id` only, never an id_token), which
   * returns the user to `redirectTo`. For other providers it is an ordinary sign-out.
   */
  federated?: boolean
}

export interface AuthClient {
  readonly basePath: string
  readonly baseURL: string | null
  /** Starts the sign-in flow with `provider` (an id such as `"github"`). Resolves; never rejects. */
  signIn(provider: string, options?: SignInOptions): Promise<AuthClientResult>
  /** Signs out (fetches the CSRF token itself). Other tabs are told. Resolves; never rejects. */
  signOut(options?: SignOutOptions): Promise<AuthClientResult>
  /** The current session. On failure `{ authenticated: false, session: null, error }`. */
  getSession(): Promise<GetSessionResult>
  /** Fetches a CSRF token (and sets its cookie). */
  getCsrfToken(): Promise<CsrfTokenResult>
  /**
   * Runs the server's `callbacks.session` hook with `trigger: "update"` and this `data`, and
   * re-seals the session (403 `UPDATE_NOT_ALLOWED` without that hook). Other tabs refetch.
   */
  updateSession(data: unknown): Promise<UpdateSessionResult>
  /** `POST signUp/email`. An address already in use gets the same answer (its owner is mailed). */
  signUpEmail(input: { email: string; password: string; name?: string; redirectTo?: string }, options?: { redirect?: boolean }): Promise<EmailSignInResult>
  /** `POST signIn/email`: 401 INVALID_CREDENTIALS for an unknown address or a wrong password alike. */
  signInEmail(input: { email: string; password: string; redirectTo?: string }, options?: { redirect?: boolean }): Promise<EmailSignInResult>
  /** `POST signIn/magic-link`: mails a sign-in link (15 min, single use). */
  signInMagicLink(input: { email: string; redirectTo?: string }): Promise<EmailSignInResult>
  /** `POST password/forgot`: always `{ ok: true }`. */
  requestPasswordReset(input: { email: string; redirectTo?: string }): Promise<{ ok: true } | { ok: false; error: AuthClientError }>
  /** `POST password/reset`: sets the password and ends every session of the user. */
  resetPassword(input: { token: string; password: string }): Promise<{ ok: true } | { ok: false; error: AuthClientError }>
  /** `POST password/change` (signed in): ends the user's other sessions. */
  changePassword(input: { currentPassword: string; newPassword: string }): Promise<{ ok: true } | { ok: false; error: AuthClientError }>
  /** With a database: this user's sessions (devices), `current` marking this browser's. */
  listSessions(): Promise<{ ok: true; sessions: ClientSessionInfo[] } | { ok: false; error: AuthClientError }>
  /** Ends one of this user's sessions by its id. */
  revokeSession(sessionId: string): Promise<{ ok: true; revoked: number } | { ok: false; error: AuthClientError }>
  /** Ends every session of this user except this browser's. */
  revokeOtherSessions(): Promise<{ ok: true; revoked: number } | { ok: false; error: AuthClientError }>
}

/** One of the user's sessions as `GET /sessions` lists it. */
export interface ClientSessionInfo {
  id: string
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  userAgent: string | null
  ip: string | null
  provider: string | null
  current: boolean
}

export type EmailSignInResult =
  | { ok: true; url: string; verificationRequired?: boolean }
  | { ok: false; error: AuthClientError }

export type UpdateSessionResult =
  | { ok: true; session: Session | null }
  | { ok: false; error: AuthClientError }

export declare function createAuthClient(options?: AuthClientOptions): AuthClient

/** Name of the BroadcastChannel (and localStorage key prefix) used to tell other tabs about sign-out. */
export declare const BROADCAST_NAME: "aura-auth"
export declare const STORAGE_KEY: "aura-auth.event"
