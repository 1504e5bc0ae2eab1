import { authClient } from "@/lib/auth-client"

export const SignOutButton = () => {
  const handleSignOut = async () => {
    await authClient.signOut({
      redirect: true,
      redirectTo: "/",
    })
  }

  return (
    <button className="button secondary" onClick={handleSignOut}>
      Sign out
    </button>
  )
}
