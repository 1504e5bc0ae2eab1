// The fenced ts/tsx blocks of a Markdown document (README.md, docs/*.md): the snippet type-check and the
// Quick start install test read them.

/** `[{ lang, check, file, line, code }]`: the fenced ts/tsx blocks of `markdown`. */
export function snippets(markdown) {
  const lines = markdown.split("\n")
  const out = []
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(ts|tsx)\b(.*)$/.exec(lines[i])
    if (!open) continue
    let end = i + 1
    while (end < lines.length && !lines[end].startsWith("```")) end++
    // The file a snippet is: the last backticked lib/ or pages/ path ending .ts/.tsx in the paragraph just above.
    let j = i - 1
    while (j >= 0 && lines[j].trim() === "") j--
    let k = j
    while (k > 0 && lines[k - 1].trim() !== "" && !lines[k - 1].startsWith("```")) k--
    const paragraph = j >= 0 ? lines.slice(k, j + 1).join(" ") : ""
    const named = [...paragraph.matchAll(/`((?:src\/)?(?:lib|pages)\/[^`\s]+\.tsx?)`/g)].pop()
    out.push({ lang: open[1], check: !/\bnocheck\b/.test(open[2]), file: named?.[1], line: i + 1, code: lines.slice(i + 1, end).join("\n") })
    i = end
  }
  return out
}

