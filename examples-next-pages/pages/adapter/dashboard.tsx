import { api } from "@/lib/auth-adapter"
import type { Session } from "@aura-stack/auth"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { adapterAuthClient } from "@/lib/auth-adapter-client"

export const getServerSideProps: GetServerSideProps<{ session: Session | null }> = async ({ req }) => {
  const session = await api.getSession({ headers: req.headers })
  if (!session.authenticated) {
    return { redirect: { destination: "/adapter", permanent: false } }
  }
  return { props: { session: session.session } }
}

export default function AdapterDashboardPage({ session }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  const signOut = () => adapterAuthClient.signOut({ redirect: true, redirectTo: "/adapter" })
  if (!session) return <p>You must be signed in to view this page.</p>
  return (
    <div>
      <div data-testid="ssr-session">
        <h1>Welcome, {session.user?.name}!</h1>
        <p>Email: {session.user?.email}</p>
      </div>
      <button onClick={signOut}>Sign Out</button>
    </div>
  )
}
