// The README shipped in the npm package: the repository's README without its repository-only
// parts (between `<!-- repo-only -->` and `<!-- /repo-only -->`: `npm run demo`, `npm test`) and
// with every relative link made absolute (pages on GitHub, images from raw.githubusercontent.com),
// since docs/ is not in the package. `scripts/pack.mjs` writes it into the main tarball.
export const REPOSITORY = "https://github.com/aura-stack/auth"
const BLOB = `${REPOSITORY}/blob/main/`
const RAW = "https://raw.githubusercontent.com/aura-stack/auth/main/"

const absolute = (target, image) => {
  if (/^([a-z][a-z0-9+.-]*:|#|\/\/)/i.test(target)) return target
  const clean = target.replace(/^\.\//, "")
  return (image ? RAW : BLOB) + clean
}

/** The package README for the repository README `markdown`. */
export function packageReadme(markdown) {
  const text = markdown.replace(/\n*<!-- repo-only -->[\s\S]*?<!-- \/repo-only -->\n*/g, "\n\n")
  // Markdown links and images: [text](target) / ![alt](target); also <img src="…">.
  return text
    .replace(/(!?)\[([^\]]*)\]\(([^)\s]+)\)/g, (_, bang, label, target) => `${bang}[${label}](${absolute(target, bang === "!")})`)
    .replace(/(<img\b[^>]*\bsrc=")([^"]+)"/g, (_, head, target) => `${head}${absolute(target, true)}"`)
}

/** Relative link targets left in `markdown` (none in a package README). */
export function relativeLinks(markdown) {
  const out = []
  for (const m of markdown.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)|<img\b[^>]*\bsrc="([^"]+)"/g)) {
    const target = m[1] ?? m[2]
    if (!/^([a-z][a-z0-9+.-]*:|#)/i.test(target)) out.push(target)
  }
  return out
}
