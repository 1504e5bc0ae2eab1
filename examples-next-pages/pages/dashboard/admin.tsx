import Head from "next/head"
import Link from "next/link"
import type { InferGetServerSidePropsType } from "next"
import { auth } from "@/lib/auth"

// Without a proxy, a page protects itself with auth.withSession: the function runs only when signed in
// (else a redirect to /login?redirectTo=<this page>). Here proxy.ts also checks the admin role first.
export const getServerSideProps = auth.withSession(
  async (ctx, session) => ({ props: { name: session.user.name ?? session.user.sub, view: String(ctx.query.view ?? "overview") } }),
  { redirectTo: "/login" },
)

export default function AdminPage({ name, view }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  return (
    <div className="narrow">
      <Head>
        <title>Admin · Aura Auth demo</title>
      </Head>
      <div className="card" data-testid="admin-page">
        <h1>Admin area</h1>
        <p>
          Signed in as {name}. View: <strong data-testid="admin-view">{view}</strong>
        </p>
        <p>
          <Link href="/dashboard">← Dashboard</Link>
        </p>
      </div>
    </div>
  )
}
