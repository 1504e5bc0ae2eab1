import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { providers as configuredProviders } from "@/lib/auth"
import { authClient } from "@/lib/auth-client"

export const getServerSideProps: GetServerSideProps<{ providers: { id: string; name: string }[] }> = async () => {
  return { props: { providers: configuredProviders } }
}

export default function LoginPage({ providers }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  const signIn = async (provider: string) => {
    const response = await authClient.signIn(provider, {
      redirect: true,
      redirectTo: "/dashboard",
    })
    if (!response.ok) {
      console.error("Sign-in failed:", response.error)
    }
  }

  return (
    <div>
      <h1>Login</h1>
      {providers.length === 0 && (
        <p>
          No provider is configured: set <code>GITHUB_CLIENT_ID</code>/<code>GITHUB_CLIENT_SECRET</code>, or run{" "}
          <code>npm run demo</code> for a local OpenID provider.
        </p>
      )}
      {providers.map((provider) => (
        <p key={provider.id}>
          <button onClick={() => signIn(provider.id)}>Sign in with {provider.name}</button>
        </p>
      ))}
    </div>
  )
}
