// Every ```ts / ```tsx snippet in README.md and docs/*.md (DESIGN.md aside: it describes internals) is
// type-checked with `tsc --strict`, so none rots. A snippet introduced by a line naming a file
// (**`lib/auth.ts`**) becomes that file of its document's app, so `@/lib/auth` resolves to the README's
// Quick start for every document. Partial snippets are marked ```ts nocheck (keep those rare).
// `next` is described by a small shim of the types the snippets use (the package itself is not a
// dependency of this repository); everything of this package comes from its real .d.ts files.
import { test } from "node:test"
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import fs from "node:fs"
import os from "node:os"
import path from "node:path"
import { fileURLToPath } from "node:url"
import { snippets } from "./helpers/snippets.mjs"

const ROOT = path.resolve(fileURLToPath(new URL("..", import.meta.url)))

const NEXT_SHIM = `
declare module "next" {
  import type { IncomingMessage, ServerResponse } from "node:http"
  type Query = { [key: string]: string | string[] | undefined }
  export type GetServerSidePropsContext = {
    req: IncomingMessage & { cookies: Partial<{ [key: string]: string }> }
    res: ServerResponse
    params?: Query
    query: Query
    resolvedUrl: string
  }
  export type Redirect = { statusCode: 301 | 302 | 303 | 307 | 308; destination: string } | { permanent: boolean; destination: string }
  export type GetServerSidePropsResult<P> = { props: P | Promise<P> } | { redirect: Redirect } | { notFound: true }
  export type GetServerSideProps<P extends { [key: string]: any } = { [key: string]: any }> = (context: GetServerSidePropsContext) => Promise<GetServerSidePropsResult<P>>
  export type InferGetServerSidePropsType<T extends (args: any) => any> = Awaited<Extract<Awaited<ReturnType<T>>, { props: any }>["props"]>
  export type NextApiRequest = IncomingMessage & { query: Partial<{ [key: string]: string | string[] }>; cookies: Partial<{ [key: string]: string }>; body: any }
  export type NextApiResponse<T = any> = ServerResponse & {
    status(code: number): NextApiResponse<T>
    json(body: T): void
    send(body: T): void
    redirect(url: string): NextApiResponse<T>
  }
}
`

/** The documents whose snippets are checked. */
export function documents() {
  const docs = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md") && f !== "DESIGN.md")
    .map((f) => path.join("docs", f))
  return ["README.md", ...docs.sort()]
}

test("every ts/tsx snippet in README.md and docs/ type-checks with tsc --strict", { timeout: 120_000 }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "aura-snippets-"))
  try {
    const files = []
    let checked = 0
    for (const doc of documents()) {
      const dir = doc === "README.md" ? "readme" : doc.replace(/[/.]/g, "_")
      for (const s of snippets(fs.readFileSync(path.join(ROOT, doc), "utf8"))) {
        if (!s.check) continue
        checked++
        const rel = path.join(dir, s.file ?? `${path.basename(doc, ".md")}.L${s.line}.${s.lang}`)
        const abs = path.join(work, rel)
        assert.ok(!fs.existsSync(abs), `${doc}:${s.line}: a second snippet names ${s.file}`)
        fs.mkdirSync(path.dirname(abs), { recursive: true })
        // Each snippet is a module of its own; the header comment maps tsc's file names back to the document.
        fs.writeFileSync(abs, `// ${doc}:${s.line}\n${s.code}\nexport {}\n`)
        files.push(rel)
      }
    }
    assert.ok(checked >= 6, `only ${checked} snippets found`)
    fs.writeFileSync(path.join(work, "next-shim.d.ts"), NEXT_SHIM)
    fs.writeFileSync(
      path.join(work, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          target: "ES2022",
          lib: ["dom", "dom.iterable", "esnext"],
          module: "esnext",
          moduleResolution: "bundler",
          jsx: "react-jsx",
          isolatedModules: true,
          esModuleInterop: true,
          typeRoots: [path.join(ROOT, "node_modules", "@types")],
          types: ["node", "react"],
          baseUrl: ".",
          paths: {
            "@aura-stack/auth": [path.join(ROOT, "index.d.ts")],
            "@aura-stack/auth/client": [path.join(ROOT, "client.d.ts")],
            "@aura-stack/auth/react": [path.join(ROOT, "react.d.ts")],
            "@/*": ["./readme/*"],
            "react": [path.join(ROOT, "node_modules", "@types", "react")],
            "react/*": [path.join(ROOT, "node_modules", "@types", "react", "*")],
          },
        },
        files: ["next-shim.d.ts", ...files],
      }),
    )
    const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc")
    const r = spawnSync(process.execPath, [tsc, "-p", work], { cwd: work, encoding: "utf8" })
    // Name the document and line for each error.
    const report = (r.stdout + r.stderr).replace(/^([^\s(]+)\((\d+),(\d+)\)/gm, (m, file) => {
      const abs = path.join(work, file)
      const head = fs.existsSync(abs) ? fs.readFileSync(abs, "utf8").split("\n")[0].replace("// ", "") : file
      return `${head} → ${m}`
    })
    assert.equal(r.status, 0, `tsc --strict on ${files.length} snippets:\n${report}`)
  } finally {
    fs.rmSync(work, { recursive: true, force: true })
  }
})
