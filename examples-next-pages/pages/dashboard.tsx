import { api } from "@/lib/auth"
import type { Session } from "@aura-stack/auth"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { UserProfile } from "@/components/UserProfile"
import { SignOutButton } from "@/components/SignOutButton"

export const getServerSideProps: GetServerSideProps<{ session: Session | null }> = async ({ req }) => {
  const session = await api.getSession({
    headers: req.headers as Record<string, string>,
  })
  if (!session.authenticated) {
    return { redirect: { destination: "/login", permanent: false } }
  }
  return {
    props: {
      session: session.authenticated ? session.session : null,
    },
  }
}

export default function DashboardPage({ session }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  if (!session) {
    return <p>You must be signed in to view this page.</p>
  }
  return (
    <div>
      <div data-testid="ssr-session">
        <h1>Welcome, {session.user?.name}!</h1>
        <p>Email: {session.user?.email}</p>
      </div>
      <section data-testid="user-profile">
        <UserProfile />
      </section>
      <SignOutButton />
    </div>
  )
}
