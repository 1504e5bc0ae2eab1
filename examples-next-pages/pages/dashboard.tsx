import Head from "next/head"
import { api, listProviders } from "@/lib/auth"
import type { LinkedAccount, Session } from "@aura-stack/auth"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { SignOutButton } from "@/components/SignOutButton"
import { Avatar } from "@/components/Avatar"
import { ThemePreference } from "@/components/ThemePreference"
import { FederatedSignOutButton } from "@/components/FederatedSignOutButton"
import { Devices } from "@/components/Devices"
import { Passkeys } from "@/components/Passkeys"
import { LinkedAccounts } from "@/components/LinkedAccounts"
import { ChangePassword } from "@/components/ChangePassword"
import { METHOD_NAMES } from "@/lib/provider-names"
import Link from "next/link"
import { useSession } from "@aura-stack/auth/react"

type Props = {
  session: Session | null
  providerName: string | null
  providers: { id: string; name: string }[]
  accounts: LinkedAccount[] | null
}

export const getServerSideProps: GetServerSideProps<Props> = async ({ req }) => {
  // Node's IncomingHttpHeaders as they are: no cast needed.
  const session = await api.getSession({ headers: req.headers })
  if (!session.authenticated) {
    return { redirect: { destination: "/login?from=/dashboard", permanent: false } }
  }
  const providers = (await listProviders()).map(({ id, name }) => ({ id, name }))
  const signedInWith = session.session.user.provider
  const provider = providers.find((p) => p.id === signedInWith)
  // The user's ways to sign in (a database query; the session read above needed none). If the database is
  // down the page still renders, and the card says so.
  const accounts = await api
    .listAccounts({ headers: req.headers })
    .then((r) => r.accounts)
    .catch(() => null)
  return {
    props: {
      session: session.authenticated ? session.session : null,
      providerName: provider?.name ?? (signedInWith && signedInWith !== "passkey" ? METHOD_NAMES[signedInWith] : null) ?? signedInWith ?? null,
      providers,
      accounts,
    },
  }
}

const dateFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" })

export default function DashboardPage({ session, providerName, providers, accounts }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  // The theme can change after render (useSession().update): read it from the live session.
  const live = useSession().session
  if (!session) {
    return <p>You must be signed in to view this page.</p>
  }
  const { user } = session
  const theme = live?.theme ?? session.theme ?? "light"
  const name = user.name ?? user.email ?? user.sub
  return (
    <div className="narrow" style={{ maxWidth: 560 }}>
      <Head>
        <title>Dashboard · Aura Auth demo</title>
      </Head>
      <div className="card" data-testid="ssr-session" data-theme={theme}>
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
          <dt>Role</dt>
          <dd>
            {/* Added at sign-in by the session hook (src/lib/auth.ts), read back by getSession above. */}
            <span className="badge" data-testid="role">
              {user.role ?? "member"}
            </span>
          </dd>
          <dt>User id</dt>
          <dd>
            {/* With a database: the user's own id, the same whichever linked account signed in (else the provider's). */}
            <code data-testid="user-id">{user.id ?? user.sub}</code>
          </dd>
          <dt>Session expires</dt>
          <dd>{dateFormat.format(new Date(session.expires))} UTC</dd>
        </dl>
        <ThemePreference />
        <div className="card-footer">
          <p>
            Rendered on the server by getServerSideProps.
            <br />
            <Link href="/provider-api">Call the provider&apos;s API →</Link>
          </p>
          <div className="actions">
            <SignOutButton />
            {user.provider === "oidc" && <FederatedSignOutButton />}
          </div>
        </div>
      </div>
      <LinkedAccounts initial={accounts} providers={providers} />
      {accounts?.some((a) => a.provider === "credentials") && <ChangePassword />}
      <Passkeys />
      <Devices />
    </div>
  )
}
