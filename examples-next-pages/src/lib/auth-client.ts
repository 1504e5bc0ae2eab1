import { createAuthClient } from "@aura-stack/auth/client"

export const authClient = createAuthClient({
  basePath: "/api/auth",
  // The guide writes baseURL: "http://localhost:3000". In the browser baseURL is optional (the
  // page's own origin is used), so the example leaves it out and works on any host and port.
})
