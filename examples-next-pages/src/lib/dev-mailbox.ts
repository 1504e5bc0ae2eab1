// The development mailbox: where the demo's `email.send` puts the mails it would have sent
// (verification links, password resets, sign-in links), shown at /dev/mailbox with an "Open link" button.
// On only with AURA_DEMO_MAILBOX=1 (`npm run demo` and the browser tests set it): every visitor of
// /dev/mailbox can read every message, so never turn it on for an app other people use.
// Kept in memory (the last 50 messages), on globalThis so that every page bundle of this server
// process shares one list. A restart empties it.

import type { EmailMessage } from "@aura-stack/auth"

export const mailboxEnabled = process.env.AURA_DEMO_MAILBOX === "1"

export type MailboxMessage = {
  id: string
  to: string
  kind: string
  subject: string
  text: string
  url: string
  sentAt: string
}

const KEY = Symbol.for("aura-auth-demo.mailbox")
const LIMIT = 50

function box(): MailboxMessage[] {
  const g = globalThis as unknown as Record<symbol, MailboxMessage[] | undefined>
  return (g[KEY] ??= [])
}

let counter = 0

/** `email.send` for the demo: keeps the message instead of sending it. */
export async function deliver(mail: EmailMessage): Promise<void> {
  if (!mailboxEnabled) throw new Error("the development mailbox is off (AURA_DEMO_MAILBOX is not 1)")
  const list = box()
  counter += 1
  list.unshift({
    id: `${Date.now().toString(36)}-${counter}`,
    to: mail.to,
    kind: mail.kind,
    subject: mail.subject,
    text: mail.text,
    url: mail.url,
    sentAt: new Date().toISOString(),
  })
  list.splice(LIMIT)
}

/** The messages, newest first (empty when the mailbox is off). */
export function messages(): MailboxMessage[] {
  return mailboxEnabled ? [...box()] : []
}

/** Empties the mailbox. */
export function clear(): void {
  box().splice(0)
}
