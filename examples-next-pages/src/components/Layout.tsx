import type { ReactNode } from "react"
import Link from "next/link"
import { useRouter } from "next/router"
import { SessionStatus } from "@/components/SessionStatus"

const NAV = [
  { href: "/", label: "Home" },
  { href: "/dashboard", label: "Dashboard" },
  { href: "/profile", label: "Profile" },
]

export const Layout = ({ children }: { children: ReactNode }) => {
  const { pathname } = useRouter()
  return (
    <>
      <header className="header">
        <div className="header-inner">
          <Link href="/" className="brand">
            <img src="/favicon.svg" alt="" />
            Aura Auth
          </Link>
          <nav className="nav" aria-label="Main">
            {NAV.map((item) => (
              <Link key={item.href} href={item.href} aria-current={pathname === item.href ? "page" : undefined}>
                {item.label}
              </Link>
            ))}
          </nav>
          <SessionStatus />
        </div>
      </header>
      <main className="main">{children}</main>
    </>
  )
}
