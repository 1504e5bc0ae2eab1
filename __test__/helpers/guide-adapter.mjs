// The user's guide's hand-written Pages Router adapter, transcribed from TypeScript to JS
// statement by statement (seed/nextjs-pages-router-guide.txt), plus the small part of Next's API
// route runtime it relies on (req.body parsing; res.status/json/send/redirect).

export function guideAdapter(handlers) {
  const getBaseURL = (request) => {
    const protocol = request.headers["x-forwarded-proto"] ?? "http"
    const host = request.headers["x-forwarded-host"] ?? request.headers.host
    return `${protocol}://${host}`
  }
  const toWebHeaders = (headers) => {
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
  const setResponseHeaders = (res, headers) => {
    for (const [key, value] of headers.entries()) {
      res.setHeader(key, value)
    }
  }
  return async (req, res) => {
    const method = req.method ?? "GET"
    const handler = handlers[method]
    if (!handler) {
      return res.status(405).json({ error: `Method ${method} Not Allowed` })
    }
    const url = new URL(req.url, getBaseURL(req))
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
}

/** Next.js API-route helpers: parse JSON / urlencoded bodies into req.body; res.status/json/send/redirect. */
export function nextLikeApiRoute(handler) {
  return async (req, res) => {
    const chunks = []
    for await (const c of req) chunks.push(c)
    const raw = Buffer.concat(chunks).toString("utf8")
    const type = req.headers["content-type"] ?? ""
    if (!raw) req.body = ""
    else if (type.includes("application/json")) req.body = JSON.parse(raw)
    else if (type.includes("application/x-www-form-urlencoded")) req.body = Object.fromEntries(new URLSearchParams(raw))
    else req.body = raw
    res.status = (code) => {
      res.statusCode = code
      return res
    }
    res.json = (data) => {
      res.setHeader("content-type", "application/json; charset=utf-8")
      res.end(JSON.stringify(data))
    }
    res.send = (text) => res.end(text)
    res.redirect = (status, location) => {
      res.statusCode = status
      res.setHeader("location", location)
      res.end()
    }
    await handler(req, res)
  }
}
