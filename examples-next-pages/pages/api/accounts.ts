import type { NextApiRequest, NextApiResponse } from "next"
import { api, appOrigin } from "@/lib/auth"

// The signed-in user's linked accounts (the dashboard's "Linked accounts" card), with the server API
// (docs/database.md): GET lists them (api.listAccounts), POST { provider, providerAccountId } unlinks one
// (api.unlinkAccount; the library refuses the last way to sign in with LAST_ACCOUNT).
// A POST changes state, so it must come from this app's own pages: JSON only (a cross-site HTML form cannot
// send that without a CORS preflight, which this route never answers) and an Origin of exactly this app.

const STATUS: Record<string, number> = {
  UNAUTHENTICATED: 401,
  ACCOUNT_NOT_FOUND: 404,
  LAST_ACCOUNT: 409,
  DATABASE_UNAVAILABLE: 503,
}

const fail = (res: NextApiResponse, status: number, code: string, message: string) =>
  res.status(status).json({ error: { code, message } })

export default async function accounts(req: NextApiRequest, res: NextApiResponse) {
  res.setHeader("Cache-Control", "no-store")
  try {
    if (req.method === "POST") {
      if (req.headers.origin !== appOrigin) return fail(res, 403, "FORBIDDEN", "This request did not come from this app.")
      if (!/^application\/json\b/i.test(req.headers["content-type"] ?? "")) {
        return fail(res, 415, "UNSUPPORTED_MEDIA_TYPE", "Send JSON.")
      }
      const { provider, providerAccountId } = (req.body ?? {}) as { provider?: unknown; providerAccountId?: unknown }
      if (typeof provider !== "string" || typeof providerAccountId !== "string") {
        return fail(res, 400, "BAD_REQUEST", "provider and providerAccountId are required.")
      }
      await api.unlinkAccount({ headers: req.headers, provider, providerAccountId })
    } else if (req.method !== "GET") {
      res.setHeader("Allow", "GET, POST")
      return fail(res, 405, "METHOD_NOT_ALLOWED", "Use GET or POST.")
    }
    const { accounts } = await api.listAccounts({ headers: req.headers })
    return res.status(200).json({ accounts })
  } catch (err) {
    const code = (err as { code?: unknown })?.code
    if (typeof code === "string") {
      const message =
        code === "LAST_ACCOUNT"
          ? "This is your only way to sign in, so it can't be unlinked. Link another account (or add a passkey) first."
          : (err as Error).message
      return fail(res, STATUS[code] ?? 400, code, message)
    }
    console.error("accounts:", err)
    return fail(res, 500, "INTERNAL_ERROR", "Something went wrong.")
  }
}
