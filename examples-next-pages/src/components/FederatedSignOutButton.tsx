import { authClient } from "@/lib/auth-client"

// Signs out here and at the OpenID provider (RP-initiated logout): the provider asks for a
// confirmation, then sends the browser back to redirectTo. The next sign-in shows its login form.
export const FederatedSignOutButton = () => (
  <button
    className="button secondary"
    data-testid="sign-out-everywhere"
    onClick={() => authClient.signOut({ redirect: true, redirectTo: "/login", federated: true })}
  >
    Sign out everywhere
  </button>
)
