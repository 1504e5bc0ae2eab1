import Head from "next/head"
import { api } from "@/lib/auth-adapter"
import type { Session } from "@aura-stack/auth"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { adapterAuthClient } from "@/lib/auth-adapter-client"
import { Avatar } from "@/components/Avatar"

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
  const name = session.user.name ?? session.user.email ?? session.user.sub
  return (
    <div className="narrow" style={{ maxWidth: 560 }}>
      <Head>
        <title>Dashboard (adapter route) · Aura Auth demo</title>
      </Head>
      <div className="card" data-testid="ssr-session">
        <div className="profile">
          <Avatar src={session.user.image} name={name} />
          <div>
            <h1>Welcome, {name}!</h1>
            {session.user.email && <p>Email: {session.user.email}</p>}
          </div>
        </div>
        <div className="card-footer">
          <p>Signed in through /api/auth-adapter.</p>
          <button className="button secondary" onClick={signOut}>
            Sign out
          </button>
        </div>
      </div>
    </div>
  )
}
