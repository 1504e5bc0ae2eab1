import Head from "next/head"
import type { GetServerSideProps, InferGetServerSidePropsType } from "next"
import { messages, mailboxEnabled, type MailboxMessage } from "@/lib/dev-mailbox"

// The development mailbox: the mails the app would have sent (src/lib/dev-mailbox.ts). Only with
// AURA_DEMO_MAILBOX=1; otherwise this page does not exist (404), in development and in production alike.
export const getServerSideProps: GetServerSideProps<{ messages: MailboxMessage[] }> = async ({ res }) => {
  if (!mailboxEnabled) return { notFound: true }
  res.setHeader("Cache-Control", "no-store")
  return { props: { messages: messages() } }
}

const when = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium", timeZone: "UTC" })

const KIND: Record<string, string> = {
  "verify-email": "Confirm your address",
  "reset-password": "Password reset",
  "magic-link": "Sign-in link",
  "email-in-use": "Address already in use",
}

export default function MailboxPage({ messages }: InferGetServerSidePropsType<typeof getServerSideProps>) {
  return (
    <div className="narrow" style={{ maxWidth: 640 }}>
      <Head>
        <title>Mailbox · Aura Auth demo</title>
      </Head>
      <div className="card" data-testid="mailbox">
        <h1>Development mailbox</h1>
        <p className="lead">
          The mails this app would have sent, newest first. It sends none: <code>email.send</code> puts them here because{" "}
          <code>AURA_DEMO_MAILBOX=1</code>. Anyone who can open this page can read them: never turn it on for real users.
        </p>
        {messages.length === 0 ? (
          <p className="muted">No mail yet. Create an account or ask for a password reset on the sign-in page.</p>
        ) : (
          messages.map((m) => (
            <article key={m.id} className="mail" data-testid="mail" data-kind={m.kind} data-to={m.to}>
              <div className="mail-head">
                <strong>{m.subject}</strong>
                <span className="badge">{KIND[m.kind] ?? m.kind}</span>
              </div>
              <span className="list-meta">
                To {m.to} · {when.format(new Date(m.sentAt))} UTC
              </span>
              <pre>{m.text}</pre>
              <div>
                {/* A plain link: the browser follows it exactly as from a mail client. */}
                <a className="button primary small" href={m.url}>
                  Open link
                </a>
              </div>
            </article>
          ))
        )}
      </div>
    </div>
  )
}
