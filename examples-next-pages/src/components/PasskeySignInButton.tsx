import { useState } from "react"
import { authClient } from "@/lib/auth-client"

// Discoverable-credential sign-in: the browser shows its account picker, the server verifies the
// assertion and sets the session cookie, then the client navigates to `redirectTo`.
export const PasskeySignInButton = ({ redirectTo, disabled }: { redirectTo: string; disabled?: boolean }) => {
  const [pending, setPending] = useState(false)
  const [failed, setFailed] = useState<string | null>(null)

  const signIn = async () => {
    setPending(true)
    setFailed(null)
    const result = await authClient.passkey.signIn({ redirectTo })
    if (!result.ok) {
      if (result.error?.code !== "PASSKEY_CANCELLED") setFailed(result.error?.message ?? "Passkey sign-in failed. Try again.")
      setPending(false)
    }
  }

  return (
    <>
      {failed && (
        <p className="notice error" data-testid="passkey-error">
          {failed}
        </p>
      )}
      <button className="button primary block" onClick={signIn} disabled={disabled || pending}>
        Sign in with a passkey
      </button>
    </>
  )
}
