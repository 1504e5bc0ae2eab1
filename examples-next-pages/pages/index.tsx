import Link from "next/link"

export default function Home() {
  return (
    <main>
      <h1>Aura Auth + Next.js Pages Router</h1>
      <p>
        <Link href="/login">Sign in</Link> and then open the <Link href="/dashboard">dashboard</Link>, which is
        protected on the server in <code>getServerSideProps</code>.
      </p>
      <p>
        The same flow through the hand-written Web Request adapter (mounted at <code>/api/auth-adapter</code>):{" "}
        <Link href="/adapter">/adapter</Link>.
      </p>
    </main>
  )
}
