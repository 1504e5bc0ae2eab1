import { createAuthClient } from "@aura-stack/auth/client"

export const adapterAuthClient = createAuthClient({
  basePath: "/api/auth-adapter",
})
