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
  /** How long a hook may run (default 10000 ms); past it the sign-in fails with CALLBACK_ERROR. */
  timeoutMs?: number
}

/** Fire-and-forget notifications: not awaited; a throw is logged (EVENT_ERROR) and never fails the request. */
export interface Events {
  signIn?: (args: { user: User; account: Account }) => void | Promise<void>
  signOut?: (args: { session: Session | null }) => void | Promise<void>
  updateSession?: (args: { session: Session; provider: string }) => void | Promise<void>
  /** Every error-level failure the core reports (the same entries the logger gets). */
  error?: (args: { code: string; message: string; provider: string | null }) => void | Promise<void>
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
  /** Revoke the stored tokens at sign-out (RFC 7009), best effort. Needs `storeTokens`. */
  revokeTokens?: boolean
  /** RFC 7009 revocation endpoint (OIDC: discovered when not given). */
  revocationURL?: string
  /** RP-initiated logout endpoint for `signOut({ federated: true })` (OIDC: discovered when not given). */
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
   * cleared; the session stays), PROVIDER_UNAVAILABLE (nothing changes), UNKNOWN_PROVIDER.
   */
  getAccessToken(providerId: string, options: { req: IncomingMessage; res: ServerResponse }): Promise<AccessTokenResult>
  /** The same for Web handlers: Set-Cookie lines to send come back as `setCookie`. */
  getAccessToken(providerId: string, options: { headers: HeadersInput }): Promise<AccessTokenResult & { setCookie: string[] }>
}

export type WebHandler = (request: Request) => Promise<Response>

export interface AuthInstance {
  handlers: { GET: WebHandler; POST: WebHandler; HEAD: WebHandler }
  api: AuthAPI
  /** Node / Pages Router adapter: `export { handler as default } from "@/lib/auth"`. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>
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
