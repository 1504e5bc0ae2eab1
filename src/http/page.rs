//! The shell of the built-in HTML pages (the error page; the built-in sign-in page of SPEC §15
//! reuses it): one HTML skeleton with a small inline stylesheet in the demo's look, readable on
//! a phone, dark mode by `prefers-color-scheme`. Owns escaping of text put into pages.
//! Must never load external assets (no fonts, images or scripts from the network) nor echo
//! request input unescaped.

/// The stylesheet, inline: system fonts, one card, light and dark.
const CSS: &str = "\
:root{--bg:#f6f7fb;--surface:#fff;--text:#111827;--muted:#6b7280;--border:#e5e7eb;--brand:#4f46e5;--brand-text:#fff;--code:#f3f4f6;--danger:#dc2626;color-scheme:light dark}\
@media (prefers-color-scheme:dark){:root{--bg:#0b0d12;--surface:#151821;--text:#e5e7eb;--muted:#9ca3af;--border:#262a36;--brand:#818cf8;--brand-text:#0b0d12;--code:#1f2330;--danger:#f87171}}\
*{box-sizing:border-box}\
body{margin:0;background:var(--bg);color:var(--text);font:16px/1.55 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif;-webkit-font-smoothing:antialiased}\
main{max-width:28rem;margin:12vh auto 2rem;padding:0 1rem}\
.card{background:var(--surface);border:1px solid var(--border);border-radius:14px;padding:1.5rem;box-shadow:0 8px 24px rgb(16 24 40/.06)}\
h1{font-size:1.35rem;line-height:1.25;margin:0 0 .5rem}\
p{margin:.5rem 0;overflow-wrap:anywhere}\
.muted{color:var(--muted);font-size:.9rem}\
.code{color:var(--danger)}\
code{font:.9em ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--code);border-radius:6px;padding:.1em .35em}\
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1.25rem}\
.button{display:inline-block;padding:.6rem 1rem;border-radius:10px;border:1px solid var(--border);color:var(--text);text-decoration:none;font-weight:600}\
.button.primary{background:var(--brand);border-color:var(--brand);color:var(--brand-text)}\
.button:hover{filter:brightness(1.08)}\
.stack{display:grid;gap:.6rem;margin-top:1rem}.stack .button{text-align:center}\
.notice{padding:.75rem 1rem;border-radius:10px;background:rgb(220 38 38/.12);color:var(--text)}";

/// `text` with `& < > " '` escaped, for HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A whole page: `title` is text (escaped here), `body` is HTML the caller built with
/// [`escape`]d values; it goes inside the card.
pub fn render(title: &str, body: &str) -> String {
    let title = escape(title);
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">\
<meta name=\"color-scheme\" content=\"light dark\"><title>{title}</title><style>{CSS}</style></head>\
<body><main><div class=\"card\">{body}</div></main></body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_has_no_external_assets() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let html = render("T<", "<p>x</p>");
        assert!(html.contains("<title>T&lt;</title>"));
        assert!(html.contains("prefers-color-scheme:dark"));
        assert!(html.contains("width=device-width"));
        assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("url("));
    }
}
