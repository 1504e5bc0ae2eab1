// The fields the session hook in src/lib/auth.ts adds, typed by module augmentation.
import "@aura-stack/auth"

declare module "@aura-stack/auth" {
  interface User {
    role?: "admin" | "member"
  }
  interface Session {
    theme?: "light" | "dark"
  }
}
