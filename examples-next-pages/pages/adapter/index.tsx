import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { providers as configuredProviders } from "@/lib/auth"
import { adapterAuthClient } from "@/lib/auth-adapter-client"

// The login page for the second instance, mounted through the guide's adapter at /api/auth-adapter.
export const getServerSideProps: GetServerSideProps<{ providers: { id: string; name: string }[] }> = async () => {
  return { props: { providers: configuredProviders } }
}

export default function AdapterLoginPage({ providers }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  const signIn = async (provider: string) => {
    const response = await adapterAuthClient.signIn(provider, { redirect: true, redirectTo: "/adapter/dashboard" })
    if (!response.ok) {
      console.error("Sign-in failed:", response.error)
    }
  }
  return (
    <div>
      <h1>Login (through /api/auth-adapter)</h1>
      {providers.map((provider) => (
        <p key={provider.id}>
          <button onClick={() => signIn(provider.id)}>Sign in with {provider.name}</button>
        </p>
      ))}
    </div>
  )
}
