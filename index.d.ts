import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http"

/** The signed-in user. Absent fields are `null`, never `undefined` (safe to return from getServerSideProps). */
export interface User {
  sub: string
  name?: string | null
  email?: string | null
  /**
   * `true` only when the provider says the email is verified (SPEC §4 rule 13: `email_verified`,
   * GitHub's `/user/emails` flag, …); `false` otherwise; `null` when there is no email.
   * Never link accounts by an unverified email.
   */
  emailVerified?: boolean | null
  image?: string | null
  /** The id of the provider the user signed in with, e.g. "github". */
  provider: string
  /**
   * With a `database`: the user's id (a random opaque string, stable across sign-in methods;
   * join your tables to `aura_users.id`). Absent without a database.
   */
  id?: string
}

/**
 * The session. Fields your `callbacks.session` hook adds (to `user`, or top level) come back from
 * `getSession` everywhere; type them by module augmentation:
 * `declare module "@aura-stack/auth" { interface User { role: string } interface Session { plan: string } }`.
 */
export interface Session {
  user: User
  /** When the session ends, ISO 8601. */
  expires: string
}

/** What the provider returned at sign-in, as the hooks see it (SPEC §8). */
export interface Account {
  provider: string
  type: "oidc" | "oauth"
  providerAccountId: string
  issuer?: string | null
  accessToken: string
  refreshToken?: string | null
  /** Unix seconds. */
  expiresAt?: number | null
  scope?: string | null
  idToken?: string | null
  tokenType: string
}

/** The provider's tokens, as a provider's `profile` function receives them. */
export type ProviderTokens = Pick<Account, "accessToken" | "refreshToken" | "expiresAt" | "scope" | "idToken" | "tokenType">

export interface SignInHookArgs {
  user: User
  account: Account
  /** The provider's raw profile (userinfo, or id_token claims merged with userinfo). */
  profile: Record<string, unknown>
  /** With a `database`: whether this sign-in creates the user (absent without one). */
  isNewUser?: boolean
}

export type SessionHookArgs =
  | (SignInHookArgs & { session: Session; trigger: "signIn"; data?: undefined })
  | { session: Session; user: User; trigger: "update"; data: unknown; account?: undefined; profile?: undefined }

export interface Callbacks {
  /** `true` continues; `false` ends on the error page with ACCESS_DENIED; a path/URL goes there instead (no session). */
  signIn?: (args: SignInHookArgs) => boolean | string | Promise<boolean | string>
  /**
   * Returns the session to seal, at sign-in and on `updateSession(data)`. It may add fields to
   * `session.user` and top-level fields (not `expires`) and change `name`/`image`; `sub`,
   * `provider`, `email` and `emailVerified` always stay the provider's.
   */
  session?: (args: SessionHookArgs) => Session | Promise<Session>
  /** Where to go after sign-in; the result still passes the redirect rule (same origin or trusted). */
  redirect?: (args: { url: string; baseURL: string }) => string | Promise<string>
  /** How long a hook may run (default 10000 ms, at most 60000: HOOK_TIMEOUT_TOO_LONG); past it the sign-in fails with CALLBACK_ERROR. */
  timeoutMs?: number
}

/** Fire-and-forget notifications: not awaited; a throw is logged (EVENT_ERROR) and never fails the request. */
export interface Events {
  signIn?: (args: { user: User; account: Account }) => void | Promise<void>
  signOut?: (args: { session: Session | null }) => void | Promise<void>
  updateSession?: (args: { session: Session; provider: string }) => void | Promise<void>
  /** Every error-level failure the core reports (the same entries the logger gets). */
  error?: (args: { code: string; message: string; provider: string | null }) => void | Promise<void>
  /** With a `database`: a sign-in created a user. */
  createUser?: (args: { user: DatabaseUser }) => void | Promise<void>
  /** With a `database`: an account (a way to sign in) joined an existing user. */
  linkAccount?: (args: { userId: string; account: { provider: string; providerAccountId: string; type: string } }) => void | Promise<void>
}

/** A user row as events show it. */
export interface DatabaseUser {
  id: string
  name: string | null
  email: string | null
  emailVerified: boolean
  image: string | null
  createdAt: string
}

/**
 * `"sqlite:<path>"` (embedded; the file and its folder are created), `"sqlite::memory:"` (tests),
 * `"postgres://user:password@host:5432/db"`, or the object form. Env: AURA_AUTH_DATABASE_URL.
 */
export type DatabaseConfig =
  | string
  | {
      url?: string
      /** Prepended to every table name. Default "aura_". Lowercase letters, digits, `_`. */
      tablePrefix?: string
      /** Apply missing migrations on first use (default true); false refuses with DATABASE_NOT_MIGRATED. */
      migrate?: boolean
    }

/** One of the signed-in user's sessions (a device). */
export interface SessionInfo {
  /** A public handle (never the cookie's secret). */
  id: string
  createdAt: string
  lastSeenAt: string
  expiresAt: string
  userAgent: string | null
  ip: string | null
  /** The provider this session signed in with. */
  provider: string | null
  /** This is the caller's own session. */
  current: boolean
}

/** One of the user's ways to sign in. */
export interface LinkedAccount {
  id: string
  provider: string
  providerAccountId: string
  type: string
  createdAt: string
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "off"

/** A log entry: never holds a secret, token, authorization code or cookie value. */
export interface LogEntry {
  level: Exclude<LogLevel, "off">
  code: string
  message: string
  provider?: string
}

export type SessionResult =
  | { authenticated: true; session: Session }
  | { authenticated: false; session: null }

/** Dot paths into the provider's profile, tried in order. `a+b` joins values with a space, `{path}` builds a template. */
export type ProfilePath = string | string[]

/** Fields every provider object may set; every URL overrides the built-in or discovered one. */
export interface ProviderOptions {
  id: string
  name?: string
  clientId?: string
  clientSecret?: string
  authorizationURL?: string
  tokenURL?: string
  userinfoURL?: string
  /** Providers that look the address up in a second call (GitHub, Bitbucket): where. */
  emailsURL?: string
  jwksURL?: string
  /** OpenID Connect issuer. Required for okta, auth0, keycloak, cognito, authentik, zitadel (env `<ID>_ISSUER`). */
  issuer?: string
  scope?: string | string[]
  /** Token-endpoint client authentication; "none" = a public client (PKCE, no secret). */
  clientAuth?: "client_secret_basic" | "client_secret_post" | "none"
  /**
   * Which profile fields hold the user's id, name, email, image and email-verification signal:
   * dot paths (`"data.name"`, `"data.0.id"`), or a list of them tried in order (`["name", "login"]`);
   * on a built-in each field given replaces the built-in's. Or a function (a hook).
   * For OpenID Connect providers the subject is always the verified id_token's `sub`.
   */
  profile?: { sub?: ProfilePath; name?: ProfilePath; email?: ProfilePath; image?: ProfilePath; emailVerified?: ProfilePath } | ProfileFunction
  /** Extra authorization request parameters (e.g. `{ prompt: "consent" }`). */
  authorizationParams?: Record<string, string>
  /** Keep the provider's tokens (sealed in `<prefix>.tokens.<id>`) for `api.getAccessToken`. */
  storeTokens?: boolean
  /**
   * Revoke the stored tokens at sign-out (RFC 7009), best effort. Needs `storeTokens`, and an endpoint
   * (built in, `revocationURL`, or discovered from `issuer`): otherwise createAuth throws REVOCATION_UNSUPPORTED.
   */
  revokeTokens?: boolean
  /**
   * `signOut({ federated: true })` also ends the provider's session (OpenID Connect RP-Initiated Logout, with
   * `client_id` only). Needs an endpoint (built in, `endSessionURL`, or discovered from `issuer`): otherwise
   * createAuth throws FEDERATED_SIGNOUT_UNSUPPORTED. Without it a federated sign-out signs out here only.
   */
  federatedSignOut?: boolean
  /** RFC 7009 revocation endpoint (built in for some providers; OIDC: discovered when not given). */
  revocationURL?: string
  /** RP-initiated logout endpoint (built in for some providers; OIDC: discovered when not given). */
  endSessionURL?: string
}

/**
 * A provider's `profile` may also be a function of the raw profile and tokens (a hook, run at
 * sign-in). It shapes name, email, image and emailVerified; for OpenID Connect it cannot change `sub`.
 */
export type ProfileFunction = (profile: Record<string, any>, tokens: ProviderTokens) => Partial<User> | Promise<Partial<User>>

/** Microsoft Entra ID: `tenant` is `common` (default), `organizations`, `consumers` or the tenant id (GUID). Env: MICROSOFT_ENTRA_ID_TENANT. */
export interface MicrosoftEntraIdOptions extends Partial<ProviderOptions> {
  tenant?: "common" | "organizations" | "consumers" | (string & {})
}

/** Apple: give `clientSecret`, or `teamId`, `keyId` and `privateKey` (the .p8 PEM) to mint one. Env: APPLE_TEAM_ID, APPLE_KEY_ID, APPLE_PRIVATE_KEY. */
export interface AppleOptions extends Partial<ProviderOptions> {
  teamId?: string
  keyId?: string
  privateKey?: string
}

export interface OIDCProviderOptions extends ProviderOptions {
  type: "oidc"
  issuer: string
}

export interface OAuthProviderOptions extends ProviderOptions {
  type: "oauth"
  authorizationURL: string
  tokenURL: string
  userinfoURL: string
}

/** Built-in providers that need only `<ID>_CLIENT_ID` / `<ID>_CLIENT_SECRET`. */
export type FixedProviderId =
  | "github" | "google" | "microsoft-entra-id" | "apple" | "facebook" | "discord" | "gitlab"
  | "twitter" | "x" | "linkedin" | "slack" | "spotify" | "twitch" | "bitbucket" | "atlassian"
  | "dropbox" | "notion" | "figma" | "reddit" | "zoom" | "salesforce" | "kakao" | "naver" | "line"
  | "vk" | "yandex" | "strava" | "patreon" | "pinterest" | "tiktok" | "mailchimp" | "hubspot"
  | "huggingface" | "coinbase" | "roblox" | "osu" | "dribbble" | "click-up" | "box" | "kick"
  | "threads" | "yahoo" | "wikimedia"
/** Built-in providers that also need `issuer` (env `<ID>_ISSUER`). */
export type IssuerProviderId = "okta" | "auth0" | "keycloak" | "cognito" | "authentik" | "zitadel"
export type BuiltInProviderId = FixedProviderId | IssuerProviderId
export type ProviderConfig =
  | BuiltInProviderId
  | ProviderOptions
  | OIDCProviderOptions
  | OAuthProviderOptions
  | MicrosoftEntraIdOptions
  | AppleOptions

export interface AuthConfig {
  /** Provider ids, provider objects, or a mix. */
  oauth: ProviderConfig[]
  /** Where the auth route is mounted. Default "/api/auth". */
  basePath?: string
  /** The app's public origin, e.g. "https://example.com". Env: AURA_AUTH_URL. Beats request headers. */
  baseURL?: string
  /** ≥ 32 bytes, hex or base64(url). A list rotates keys: the first seals, all open. Env: AURA_AUTH_SECRET (comma-separated). */
  secret?: string | string[]
  /** ≥ 32 bytes, hex or base64(url). Env: AURA_AUTH_SALT. */
  salt?: string
  session?: {
    /** Seconds; default 30 days. */
    maxAge?: number
    /** Seconds; the cookie is re-issued by /session only when older than this. Default 1 day. */
    updateAge?: number
    /**
     * Seconds; the longest a session lives from sign-in, however often it rolls. Default 365 days.
     * Lowering it (or maxAge) applies to sessions already issued.
     */
    maxDuration?: number
  }
  /** Extra origins allowed as redirect targets and request origins. */
  trustedOrigins?: string[]
  /** Only when true are X-Forwarded-Host / X-Forwarded-Proto / Forwarded used. Default false. */
  trustedProxyHeaders?: boolean
  cookies?: { prefix?: string }
  /** Where browser-facing failures are sent (the error page gets `?code=`). */
  pages?: { signIn?: string; error?: string }
  /** Outbound calls to providers. Defaults: 10000 ms, 1 MiB. */
  http?: { timeoutMs?: number; maxResponseBytes?: number }
  /** The app decides who signs in and what the session holds (run at sign-in and update, never on reads). */
  callbacks?: Callbacks
  events?: Events
  /** Structured log entries for every failure code; default level "error" to the console. */
  logger?: { level?: LogLevel; log?: (entry: LogEntry) => void }
  /** Shorthand for `logger: { level: "debug" }`. */
  debug?: boolean
  /** Rate limiting (docs/rate-limiting.md). On by default in production, off otherwise. */
  rateLimit?: RateLimitConfig
  /** Passkeys (WebAuthn); needs a `database`. See docs/passkeys.md. */
  passkeys?: PasskeysConfig
  /** Users, accounts and sessions you can end (SPEC §11). Without it, sessions are stateless cookies. */
  database?: DatabaseConfig
  account?: {
    linking?: {
      /** Providers whose verified emails link to an existing user even when that user's email is unverified. */
      trustedProviders?: string[]
    }
  }
  /** Email and password (SPEC §12; needs `database`). See docs/email-password.md. */
  credentials?: CredentialsConfig
  /** Sign-in links by email (needs `database` and `email.send`). */
  magicLink?: { enabled?: boolean }
  /** Delivers the mails the core decides to send (fire and forget; a failure is logged as EMAIL_SEND_FAILED). */
  email?: { send: (message: EmailMessage) => unknown | Promise<unknown> }
}

export interface CredentialsConfig {
  enabled?: boolean
  /** Default 10 (8 to 128). Passwords are at most 256 bytes. */
  minPasswordLength?: number
  /** Sign-in before verifying answers 403 EMAIL_NOT_VERIFIED and mails a new link. Needs `email.send`. */
  requireEmailVerification?: boolean
  /** argon2id cost of new hashes; only upward from OWASP's m = 19456 KiB, t = 2, p = 1. Weaker hashes are upgraded at the next sign-in. */
  argon2?: { memoryKiB?: number; iterations?: number; parallelism?: number }
  /** The app's page with the "new password" form; reset links point there with `?token=`. Default "/reset-password". */
  resetPasswordPage?: string
}

export interface EmailMessage {
  to: string
  kind: "verify-email" | "reset-password" | "magic-link" | "email-in-use"
  url: string
  subject: string
  text: string
  html: string
}

export interface ImportUserInput {
  email: string
  /** bcrypt (`$2a$`/`$2b$`/`$2y$`: Auth0, Clerk, Supabase), Better Auth scrypt (`salt:key` hex) or argon2 PHC. */
  passwordHash?: string
  name?: string
  emailVerified?: boolean
}

/** One budget: at most `max` requests per `window` seconds, counted per client IP and/or per email. */
export interface RateLimitRule {
  window?: number
  max?: number
  /** What a count is keyed by: the client IP (IPv6 per /64), the body's `email`, or both. Default ["ip"]. */
  by?: Array<"ip" | "email">
}

export interface RateLimitConfig {
  /** Default: true when NODE_ENV is "production". */
  enabled?: boolean
  /** The default budget per client IP for every endpoint without a rule: seconds (default 60). */
  window?: number
  /** Requests per window (default 100). */
  max?: number
  /** Per path under basePath (`"/signIn/email"`, `"/callback/*"`): a rule, or `false` for no limit. */
  rules?: Record<string, RateLimitRule | false>
  /** "memory" (default) or a Redis/Valkey URL ("redis://…", "rediss://…"). Env: AURA_AUTH_RATE_LIMIT_URL. */
  storage?: "memory" | "database" | (string & {})
  /** When the store cannot count: "allow" (default; logged once per outage) or "deny" (503). */
  onStoreError?: "allow" | "deny"
  /** With trustedProxyHeaders: how many proxies append to X-Forwarded-For (default 1). */
  proxies?: number
  /** Bound on each call to a shared store, ms (default 500). */
  timeoutMs?: number
}

export interface PasskeysConfig {
  /** The app's name as the browser and authenticator show it, e.g. "Example". */
  rpName: string
  /** The relying-party ID (a domain, no scheme or port). Default: baseURL's host. */
  rpID?: string
  /** Exact origins ceremonies may come from (each on rpID or a subdomain). Default: [baseURL]. */
  origins?: string[]
  /** "required" (default): the authenticator must verify the user (PIN/biometrics), enforced on the server. */
  userVerification?: "required" | "preferred"
}

/** Headers as Node gives them, a Web `Headers`, or a plain record. */
export type HeadersInput =
  | IncomingHttpHeaders
  | Headers
  | Record<string, string | string[] | undefined>

export interface AccessTokenResult {
  accessToken: string
  /** Unix seconds, or null when the provider gave no expiry. */
  expiresAt: number | null
  scope: string | null
}

export interface AuthAPI {
  getSession(options: { headers: HeadersInput }): Promise<SessionResult>
  /**
   * The signed-in user's access token for `providerId` (needs `storeTokens: true` on it), refreshed
   * first when under 60 s are left (one refresh per refresh token at a time in this process).
   * Throws `AuraAuthError`: UNAUTHENTICATED, NO_TOKENS, REFRESH_TOKEN_INVALID (the token cookie is
   * cleared; the session stays), PROVIDER_UNAVAILABLE (nothing changes), UNKNOWN_PROVIDER. With a
   * `database` the tokens are read from the account row (one refresh across all instances) and
   * also DATABASE_UNAVAILABLE and REFRESH_TIMEOUT (another instance's refresh did not finish).
   */
  getAccessToken(providerId: string, options: { req: IncomingMessage; res: ServerResponse }): Promise<AccessTokenResult>
  /** The same for Web handlers: Set-Cookie lines to send come back as `setCookie`. */
  getAccessToken(providerId: string, options: { headers: HeadersInput }): Promise<AccessTokenResult & { setCookie: string[] }>
  /**
   * Moves a user here with the password hash another system exported; it is verified at their
   * first sign-in and replaced by argon2id. Throws `AuraAuthError`: INVALID_EMAIL,
   * INVALID_PASSWORD_HASH, USER_EXISTS, CREDENTIALS_DISABLED.
   */
  importUser(user: ImportUserInput): Promise<{ id: string }>
  /** With a `database`: the caller's sessions. Throws UNAUTHENTICATED, DATABASE_REQUIRED, DATABASE_UNAVAILABLE. */
  listSessions(options: { headers: HeadersInput }): Promise<{ sessions: SessionInfo[] }>
  /** Ends one of the caller's sessions (SESSION_NOT_FOUND when it is not theirs). */
  revokeSession(options: { headers: HeadersInput; sessionId: string }): Promise<{ ok: true; revoked: number }>
  /** Ends every session of the caller but this one. */
  revokeOtherSessions(options: { headers: HeadersInput }): Promise<{ ok: true; revoked: number }>
  /** Server only (e.g. an admin banning a user): ends every session of the user, on every instance. */
  revokeUserSessions(userId: string): Promise<{ ok: true; revoked: number }>
  /** The caller's linked accounts. */
  listAccounts(options: { headers: HeadersInput }): Promise<{ accounts: LinkedAccount[] }>
  /** Unlinks one of the caller's accounts; never the last way to sign in (LAST_ACCOUNT). */
  unlinkAccount(options: { headers: HeadersInput; provider: string; providerAccountId?: string }): Promise<{ ok: true }>
  /** Server only: removes the user, its accounts and sessions (ended everywhere). */
  deleteUser(userId: string): Promise<{ ok: true; deleted: boolean }>
}

export type WebHandler = (request: Request) => Promise<Response>

/** `auth.proxy` options (SPEC §15). */
export interface ProxyOptions {
  /**
   * The paths to protect, in Next's matcher syntax (path-to-regexp): `"/dashboard/:path*"`, `"/admin/(.*)"`.
   * Matched case-insensitively, with or without a trailing slash. Auth routes and the sign-in page are never guarded.
   */
  protect: string | string[]
  /** Runs for signed-in visitors of a protected path; anything but `true` (or a throw) answers 403. */
  authorize?: (args: { session: Session; request: Request }) => boolean | Promise<boolean>
}

/** A Next 16 `proxy.ts` / Next 15 `middleware.ts` function: `undefined` lets the request through. */
export type AuthProxy = (request: Request) => Promise<Response | undefined>

/** What `withSession` reads of Next's `GetServerSidePropsContext` (which fits it). */
export interface ServerSidePropsContext {
  req: IncomingMessage
  res: ServerResponse
  resolvedUrl: string
  query: NodeJS.Dict<string | string[]>
  params?: NodeJS.Dict<string | string[]>
}

/** `withSession`'s answer for a signed-out visitor (a Next `getServerSideProps` redirect). */
export interface SignInRedirect {
  redirect: { destination: string; permanent: false }
}

export interface AuthInstance {
  handlers: { GET: WebHandler; POST: WebHandler; HEAD: WebHandler }
  api: AuthAPI
  /** Node / Pages Router adapter: `export { handler as default } from "@/lib/auth"`. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>
  /**
   * For Next 16 `proxy.ts` (Node.js) or Next 15 `middleware.ts` with `runtime: "nodejs"`:
   * `export const proxy = auth.proxy({ protect: ["/dashboard/:path*"] })`. Signed out: 307 to the sign-in page
   * with `redirectTo`, or 401 `UNAUTHENTICATED` for a fetch that accepts JSON; `authorize` false: 403.
   * Throws `EDGE_RUNTIME_UNSUPPORTED` on the Edge runtime, `INVALID_PROXY_CONFIG` for bad options.
   */
  proxy(options: ProxyOptions): AuthProxy
  /**
   * `export const getServerSideProps = auth.withSession(async (ctx, session) => ({ props: { session } }), { redirectTo: "/login" })`:
   * calls `fn` only when signed in; otherwise redirects to `redirectTo` (default: the sign-in page) with `?redirectTo=<this page>`.
   */
  withSession<C extends ServerSidePropsContext = ServerSidePropsContext, R = unknown>(
    fn: (ctx: C, session: Session) => R | Promise<R>,
    options?: { redirectTo?: string },
  ): (ctx: C) => Promise<R | SignInRedirect>
  /** In an API route: the session, or (signed out) a 401 `UNAUTHENTICATED` JSON answer already sent and `null`. */
  requireSession(req: IncomingMessage, res: ServerResponse): Promise<Session | null>
  /** Test support only. */
  internal: {
    /** A Cookie header value (`name=value`) holding a session for `user`. Throws `TESTING_ONLY` in production. */
    sealSessionForTesting(user: User, options?: { secure?: boolean }): string
    /** Proves the panic guard: a native panic becomes this call's exception. */
    panicForTesting(): void
  }
}

/** Thrown by createAuth for bad configuration; `code` is stable, the message says how to fix it. */
export declare class AuraAuthError extends Error {
  readonly code: string
  constructor(code: string, message: string)
}

export declare function createAuth(config: AuthConfig): AuthInstance
/** Every built-in provider id. */
export declare const BUILT_IN_PROVIDERS: readonly BuiltInProviderId[]
type Helper = (options?: Partial<ProviderOptions>) => ProviderOptions
export declare const github: Helper
export declare const google: Helper
export declare const microsoftEntraId: (options?: MicrosoftEntraIdOptions) => ProviderOptions
export declare const apple: (options?: AppleOptions) => ProviderOptions
export declare const facebook: Helper
export declare const discord: Helper
export declare const gitlab: Helper
export declare const twitter: Helper
export declare const x: Helper
export declare const linkedin: Helper
export declare const slack: Helper
export declare const spotify: Helper
export declare const twitch: Helper
export declare const bitbucket: Helper
export declare const atlassian: Helper
export declare const dropbox: Helper
export declare const notion: Helper
export declare const figma: Helper
export declare const reddit: Helper
export declare const zoom: Helper
export declare const salesforce: Helper
export declare const okta: Helper
export declare const auth0: Helper
export declare const keycloak: Helper
export declare const cognito: Helper
export declare const authentik: Helper
export declare const zitadel: Helper
export declare const kakao: Helper
export declare const naver: Helper
export declare const line: Helper
export declare const vk: Helper
export declare const yandex: Helper
export declare const strava: Helper
export declare const patreon: Helper
export declare const pinterest: Helper
export declare const tiktok: Helper
export declare const mailchimp: Helper
export declare const hubspot: Helper
export declare const huggingface: Helper
export declare const coinbase: Helper
export declare const roblox: Helper
export declare const osu: Helper
export declare const dribbble: Helper
export declare const clickUp: Helper
export declare const box: Helper
export declare const kick: Helper
export declare const threads: Helper
export declare const yahoo: Helper
export declare const wikimedia: Helper
export declare function oidc(options: Omit<OIDCProviderOptions, "type">): OIDCProviderOptions
export declare function oauth(options: Omit<OAuthProviderOptions, "type">): OAuthProviderOptions
