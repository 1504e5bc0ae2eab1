// Compile-time checks of the provider types (`npm run typecheck`); never executed.
import { createAuth, apple, clickUp, microsoftEntraId, okta, x, BUILT_IN_PROVIDERS, type AuthConfig, type BuiltInProviderId, type User } from "../index.js"

const ids: BuiltInProviderId[] = ["github", "microsoft-entra-id", "click-up", "x", "okta", "vk"]
const config: AuthConfig = {
  oauth: [
    ...ids,
    microsoftEntraId({ tenant: "organizations" }),
    apple({ teamId: "T", keyId: "K", privateKey: "-----BEGIN PRIVATE KEY-----" }),
    okta({ issuer: "https://dev.okta.com/oauth2/default" }),
    clickUp(),
    x({ scope: ["users.read", "tweet.read"], clientAuth: "none" }),
    { id: "gitlab", profile: { name: ["name", "username"], emailVerified: "confirmed" } },
  ],
}
export const auth = createAuth(config)
export const all: readonly BuiltInProviderId[] = BUILT_IN_PROVIDERS
export const verified = (u: User): boolean | null | undefined => u.emailVerified
