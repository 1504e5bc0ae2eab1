import { useState } from "react"

/** The user's picture, or their initial when there is none or it does not load. */
export const Avatar = ({ src, name }: { src?: string | null; name: string }) => {
  const [failed, setFailed] = useState(false)
  if (src && !failed) {
    return <img className="avatar" src={src} alt="" referrerPolicy="no-referrer" onError={() => setFailed(true)} data-testid="avatar" />
  }
  return (
    <span className="avatar" aria-hidden="true" data-testid="avatar">
      {(name.trim()[0] ?? "?").toUpperCase()}
    </span>
  )
}
