// The guide's hand-written adapter, verbatim (only the import points at the second instance,
// which is mounted here at /api/auth-adapter). pages/api/auth/[...aura].ts uses the built-in
// `handler` instead; both serve the same flows.
import { handlers } from "@/lib/auth-adapter"
import type { NextApiRequest, NextApiResponse } from "next"

const getBaseURL = (request: NextApiRequest) => {
  const protocol = request.headers["x-forwarded-proto"] ?? "http"
  const host = request.headers["x-forwarded-host"] ?? request.headers.host
  return `${protocol}://${host}`
}

const toWebHeaders = (headers: NextApiRequest["headers"]) => {
  const webHeaders = new Headers()
  for (const [key, value] of Object.entries(headers)) {
    if (Array.isArray(value)) {
      webHeaders.set(key, value.join(", "))
      continue
    }
    if (typeof value === "string") {
      webHeaders.set(key, value)
    }
  }
  return webHeaders
}

const setResponseHeaders = (res: NextApiResponse, headers: Headers) => {
  for (const [key, value] of headers.entries()) {
    res.setHeader(key, value)
  }
}

export const handler = async (req: NextApiRequest, res: NextApiResponse) => {
  const method = req.method ?? "GET"
  const handler = handlers[method as keyof typeof handlers]
  if (!handler) {
    return res.status(405).json({ error: `Method ${method} Not Allowed` })
  }

  const url = new URL(req.url!, getBaseURL(req))
  const webRequest = new Request(url, {
    method,
    headers: toWebHeaders(req.headers),
    body: method !== "GET" && method !== "HEAD" && req.body ? JSON.stringify(req.body) : undefined,
  })

  try {
    const response = await handler(webRequest)
    setResponseHeaders(res, response.headers)

    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get("location")
      if (location) {
        return res.redirect(response.status, location)
      }
    }

    const contentType = response.headers.get("content-type") ?? ""
    if (contentType.includes("application/json")) {
      const data = await response.json()
      return res.status(response.status).json(data)
    }

    const text = await response.text()
    return res.status(response.status).send(text)
  } catch {
    return res.status(500).json({ error: "Internal Server Error" })
  }
}

export default handler
