import Head from "next/head"
import Link from "next/link"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import type { Session } from "@aura-stack/auth"
import { api } from "@/lib/auth"

// README "Calling the provider's API": the provider's userinfo, called as the user with the access
// token that api.getAccessToken returns (refreshed first when it is about to expire; a refreshed
// token cookie is written through `res`).
const userinfoURL: Record<string, string | undefined> = {
  oidc: process.env.OIDC_ISSUER ? `${process.env.OIDC_ISSUER}/me` : undefined,
  github: "https://api.github.com/user",
}

type Props = { session: Session; provider: string; status: number | null; body: unknown; error: string | null; expiresAt: number | null }

export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => {
  const result = await api.getSession({ headers: req.headers })
  if (!result.authenticated) return { redirect: { destination: "/login?from=/provider-api", permanent: false } }
  const provider = result.session.user.provider
  const base = { session: result.session, provider, status: null, body: null, expiresAt: null }
  try {
    const { accessToken, expiresAt } = await api.getAccessToken(provider, { req, res })
    const url = userinfoURL[provider]
    if (!url) return { props: { ...base, expiresAt, error: `No userinfo URL known for ${provider}` } }
    const answer = await fetch(url, { headers: { authorization: `Bearer ${accessToken}`, "user-agent": "aura-auth-example" } })
    return { props: { ...base, expiresAt, status: answer.status, body: await answer.json().catch(() => null), error: null } }
  } catch (e) {
    return { props: { ...base, error: (e as { code?: string }).code ?? "ERROR" } }
  }
}

export default function ProviderApiPage({ provider, status, body, error, expiresAt }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  return (
    <div className="narrow" style={{ maxWidth: 640 }}>
      <Head>
        <title>Provider API · Aura Auth demo</title>
      </Head>
      <div className="card">
        <h1>The provider&apos;s API, as you</h1>
        <p>
          <code>api.getAccessToken(&quot;{provider}&quot;, {"{ req, res }"})</code> in getServerSideProps, then the provider&apos;s userinfo.
        </p>
        {error ? (
          <p className="notice" data-testid="provider-api-error">
            {error}
          </p>
        ) : (
          <>
            <p>
              HTTP <span data-testid="provider-api-status">{status}</span>
              {expiresAt ? ` · token valid until ${new Date(expiresAt * 1000).toISOString().slice(11, 19)} UTC` : ""}
            </p>
            <pre className="json" data-testid="provider-api-body">
              {JSON.stringify(body, null, 2)}
            </pre>
          </>
        )}
        <p>
          <Link href="/dashboard">Back to the dashboard</Link>
        </p>
      </div>
    </div>
  )
}
