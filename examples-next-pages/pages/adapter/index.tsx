import Head from "next/head"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { listProviders, type ProviderInfo } from "@/lib/auth"
import { adapterAuthClient } from "@/lib/auth-adapter-client"
import { ProviderMark } from "@/components/ProviderMark"

// The login page for the second instance, mounted through the guide's adapter at /api/auth-adapter.
export const getServerSideProps: GetServerSideProps<{ providers: ProviderInfo[] }> = async () => {
  return { props: { providers: await listProviders() } }
}

export default function AdapterLoginPage({ providers }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  const signIn = async (provider: string) => {
    const response = await adapterAuthClient.signIn(provider, { redirect: true, redirectTo: "/adapter/dashboard" })
    if (!response.ok) {
      console.error("Sign-in failed:", response.error)
    }
  }
  return (
    <div className="narrow">
      <Head>
        <title>Sign in (adapter route) · Aura Auth demo</title>
      </Head>
      <div className="card">
        <h1>Sign in through the adapter route</h1>
        <p className="lead">
          A second, separate instance, mounted with the guide&apos;s hand-written adapter at <code>/api/auth-adapter</code>.
          It has its own cookies: the header&apos;s status is the main instance&apos;s, so it may already say
          &ldquo;Signed in&rdquo; while this one does not.
        </p>
        <div className="stack">
          {providers.map((provider) => (
            <button key={provider.id} className="button secondary block" onClick={() => signIn(provider.id)}>
              <ProviderMark id={provider.id} name={provider.name} />
              Sign in with {provider.name}
            </button>
          ))}
        </div>
      </div>
    </div>
  )
}
