import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http"

/** The signed-in user. Absent fields are `null`, never `undefined` (safe to return from getServerSideProps). */
export interface User {
  sub: string
  name?: string | null
  email?: string | null
  image?: string | null
  /** `true` only when the provider says the email is verified; `false` otherwise; `null` without an email. */
  emailVerified?: boolean | null
  /** The id of the provider the user signed in with, e.g. "github". */
  provider: string
}

export interface Session {
  user: User
  /** When the session ends, ISO 8601. */
  expires: string
}

export type SessionResult =
  | { authenticated: true; session: Session }
  | { authenticated: false; session: null }

/** Dot paths into the provider's profile, tried in order. `a+b` joins values with a space, `{path}` builds a template. */
export type ProfilePaths = string | string[]

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
   * Which profile fields hold the user's id, name, email, image and email-verification flag;
   * each field given replaces the built-in's. For OpenID Connect `sub` is always the id_token's.
   */
  profile?: { sub?: ProfilePaths; name?: ProfilePaths; email?: ProfilePaths; image?: ProfilePaths; emailVerified?: ProfilePaths }
  /** Extra authorization request parameters (e.g. `{ prompt: "consent" }`). */
  authorizationParams?: Record<string, string>
}

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
}

/** Headers as Node gives them, a Web `Headers`, or a plain record. */
export type HeadersInput =
  | IncomingHttpHeaders
  | Headers
  | Record<string, string | string[] | undefined>

export interface AuthAPI {
  getSession(options: { headers: HeadersInput }): Promise<SessionResult>
}

export type WebHandler = (request: Request) => Promise<Response>

export interface AuthInstance {
  handlers: { GET: WebHandler; POST: WebHandler; HEAD: WebHandler }
  api: AuthAPI
  /** Node / Pages Router adapter: `export { handler as default } from "@/lib/auth"`. */
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>
  /** Test support only. */
  internal: {
    /** A Cookie header value (`name=value`) holding a session for `user`. */
    sealSessionForTesting(user: User, options?: { secure?: boolean }): string
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
