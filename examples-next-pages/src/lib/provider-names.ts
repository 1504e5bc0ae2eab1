// Readable names for the ways to sign in that are not OAuth providers (browser-safe).
export const METHOD_NAMES: Record<string, string> = {
  credentials: "Email and password",
  "magic-link": "Email link",
  passkey: "Passkey",
}

/** The name of a way to sign in: the configured provider's name, else one of METHOD_NAMES, else its id. */
export function methodName(id: string, providers: { id: string; name: string }[]): string {
  return providers.find((p) => p.id === id)?.name ?? METHOD_NAMES[id] ?? id
}
