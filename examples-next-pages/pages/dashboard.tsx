import Head from "next/head"
import { api, listProviders } from "@/lib/auth"
import type { Session } from "@aura-stack/auth"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { SignOutButton } from "@/components/SignOutButton"
import { Avatar } from "@/components/Avatar"

export const getServerSideProps: GetServerSideProps<{ session: Session | null; providerName: string | null }> = async ({ req }) => {
  const session = await api.getSession({
    headers: req.headers as Record<string, string>,
  })
  if (!session.authenticated) {
    return { redirect: { destination: "/login?from=/dashboard", permanent: false } }
  }
  const provider = (await listProviders()).find((p) => p.id === session.session.user.provider)
  return {
    props: {
      session: session.authenticated ? session.session : null,
      providerName: provider?.name ?? session.session.user.provider ?? null,
    },
  }
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })

export default function DashboardPage({ session, providerName }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  if (!session) {
    return <p>You must be signed in to view this page.</p>
  }
  const { user } = session
  const name = user.name ?? user.email ?? user.sub
  return (
    <div className="narrow" style={{ maxWidth: 560 }}>
      <Head>
        <title>Dashboard · Aura Auth demo</title>
      </Head>
      <div className="card" data-testid="ssr-session">
        <div className="profile">
          <Avatar src={user.image} name={name} />
          <div>
            <h1>Welcome, {name}!</h1>
            {user.email && <p>Email: {user.email}</p>}
          </div>
        </div>
        <dl className="details">
          <dt>Signed in with</dt>
          <dd>
            <span className="badge" data-testid="provider">
              {providerName}
            </span>
          </dd>
          <dt>User id</dt>
          <dd>
            <code>{user.sub}</code>
          </dd>
          <dt>Session expires</dt>
          <dd>{dateFormat.format(new Date(session.expires))} UTC</dd>
        </dl>
        <div className="card-footer">
          <p>Rendered on the server by getServerSideProps.</p>
          <SignOutButton />
        </div>
      </div>
    </div>
  )
}
