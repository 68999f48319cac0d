//! Markdown to safe HTML. Raw HTML in the source is shown as text, and
//! links and images keep only `http`, `https`, `mailto` and relative URLs,
//! so a description can never carry script (`<script>`, `javascript:`,
//! `onerror=` …) into a page.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

/// Whether a link target is safe to put in `href`/`src`.
fn safe_url(url: &str) -> bool {
    let trimmed: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .collect();
    let lower = trimmed.to_ascii_lowercase();
    match lower.split_once(':') {
        // A colon before any slash, `?` or `#` means a scheme.
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

/// Renders Markdown as HTML that is safe to insert into a page.
pub fn render(source: &str) -> String {
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(source, options).map(|event| match event {
        // Raw HTML is shown, not interpreted.
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if safe_url(&dest_url) {
                dest_url
            } else {
                CowStr::Borrowed("#")
            };
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest_url = if safe_url(&dest_url) {
                dest_url
            } else {
                CowStr::Borrowed("")
            };
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            })
        }
        other => other,
    });
    let mut out = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn renders_markdown() {
        assert_eq!(
            render("**bold** and `code`"),
            "<p><strong>bold</strong> and <code>code</code></p>\n"
        );
        assert!(render("[site](https://example.com)").contains(r#"href="https://example.com""#));
        assert!(render("[rel](/w/acme/t/KEEL-1)").contains(r#"href="/w/acme/t/KEEL-1""#));
    }

    #[test]
    fn script_is_inert() {
        for evil in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[x](javascript:alert(1))",
            "[x](JaVaScRiPt:alert(1))",
            "[x]( java\tscript:alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "![x](javascript:alert(1))",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<svg onload=alert(1)>",
        ] {
            let html = render(evil);
            assert!(!html.contains("<script"), "{evil} -> {html}");
            assert!(!html.contains("<img src=x"), "{evil} -> {html}");
            assert!(!html.contains("<svg"), "{evil} -> {html}");
            // Raw HTML may survive as escaped text (`&lt;a href=…`), never
            // as a tag.
            let lower = html.to_ascii_lowercase();
            assert!(!lower.contains("<a href=\"javascript"), "{evil} -> {html}");
            assert!(!lower.contains("<img src=\"javascript"), "{evil} -> {html}");
            assert!(!lower.contains("<a href=\"data:"), "{evil} -> {html}");
        }
    }

    proptest! {
        #[test]
        fn never_emits_tags_from_raw_html(s in ".{0,200}") {
            let html = render(&s);
            prop_assert!(!html.contains("<script"));
            prop_assert!(!html.to_ascii_lowercase().contains("javascript:\""));
        }

        /// Fuzz: Markdown stitched from hostile pieces (raw tags, script
        /// URLs in every link form, entities, control characters, nesting)
        /// renders without panicking, never carries a tag or a script URL
        /// through, and closes every tag it opens.
        #[test]
        fn fuzz_hostile_markdown_stays_inert(pieces in proptest::collection::vec(hostile_piece(), 0..24)) {
            let source: String = pieces.concat();
            let html = render(&source);
            let lower = html.to_ascii_lowercase();
            for tag in ["<script", "<iframe", "<svg", "<img src=x", "<object", "<style", "<form"] {
                prop_assert!(!lower.contains(tag), "{} in {:?} -> {}", tag, source, html);
            }
            // Every `<` in the output starts a real tag (text escapes its
            // own), so the URLs that matter are the ones inside `<…>`.
            for tag in lower.split('<').skip(1).map(|t| t.split('>').next().unwrap_or("")) {
                for attr in ["href=\"", "src=\""] {
                    for (i, _) in tag.match_indices(attr) {
                        let raw: String = tag[i + attr.len()..].chars().take_while(|c| *c != '"').collect();
                        // As the browser reads it: entities decoded, blanks dropped.
                        let url: String = decode_entities(&raw)
                            .chars()
                            .filter(|c| !c.is_whitespace() && !c.is_control())
                            .collect::<String>()
                            .to_ascii_lowercase();
                        for scheme in ["javascript:", "data:", "vbscript:", "file:"] {
                            prop_assert!(!url.starts_with(scheme), "{} {:?} -> {}", scheme, source, html);
                        }
                    }
                }
                // Handlers are attributes: look outside the quoted values
                // (a value escapes its own quotes), where a title's text
                // such as `&lt;img onerror=…&gt;` is only text.
                let outside_values: String = tag.split('"').step_by(2).collect();
                for handler in [" onerror=", " onload="] {
                    prop_assert!(!outside_values.contains(handler), "{} {:?} -> {}", handler, source, html);
                }
            }
            prop_assert!(tags_balance(&html), "unbalanced: {:?} -> {}", source, html);
        }
    }

    /// One fragment of hostile Markdown.
    fn hostile_piece() -> impl Strategy<Value = String> {
        let scheme = prop_oneof![
            Just("javascript:"),
            Just("JaVaScRiPt:"),
            Just("java\tscript:"),
            Just(" javascript:"),
            Just("data:text/html,"),
            Just("vbscript:"),
            Just("&#106;avascript:"),
            Just("javascript&colon;"),
            Just("jav&#x09;ascript:"),
            Just("https:"),
            Just("/"),
            Just(""),
        ];
        let payload = "[a-z()0-9<>\"' ]{0,12}";
        prop_oneof![
            "[a-zA-Z0-9 .,]{0,20}".prop_map(String::from),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            prop_oneof![
                Just("<script>"),
                Just("</script>"),
                Just("<SCRIPT SRC=x>"),
                Just("<img src=x onerror=alert(1)>"),
                Just("<svg onload=alert(1)>"),
                Just("<iframe src=javascript:alert(1)>"),
                Just("<style>"),
                Just("<!--"),
                Just("-->"),
                Just("<![CDATA["),
                Just("<a href=\"javascript:x\">"),
                Just("</a>"),
                Just("<div>"),
                Just("</div>"),
                Just("<form>"),
                Just("<object data=x>"),
            ]
            .prop_map(String::from),
            prop_oneof![
                Just("**"),
                Just("_"),
                Just("`"),
                Just("```\n"),
                Just("> "),
                Just("- "),
                Just("1. "),
                Just("# "),
                Just("| a | b |\n|---|---|\n"),
                Just("- [ ] "),
                Just("~~"),
                Just("\\"),
                Just("&amp;"),
                Just("&lt;"),
                Just("&#0;"),
                Just("\u{0}"),
                Just("\r"),
                Just("\u{202e}"),
            ]
            .prop_map(String::from),
            (scheme.clone(), payload).prop_map(|(s, p)| format!("[x]({s}{p})")),
            (scheme.clone(), payload).prop_map(|(s, p)| format!("![x]({s}{p})")),
            (scheme.clone(), payload).prop_map(|(s, p)| format!("<{s}{p}>")),
            (scheme.clone(), payload).prop_map(|(s, p)| format!("[x][r]\n\n[r]: {s}{p}\n")),
            (scheme, payload).prop_map(|(s, p)| format!("[x](<{s}{p}> \"t\")")),
        ]
    }

    /// Numeric character references and the few named ones that can spell
    /// a scheme, decoded once (as a browser does in an attribute).
    fn decode_entities(s: &str) -> String {
        let mut out = String::new();
        let mut rest = s;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            let Some(end) = rest.find(';').filter(|e| *e <= 12) else {
                out.push('&');
                rest = &rest[1..];
                continue;
            };
            let entity = &rest[1..end];
            let c = match entity {
                "colon" => Some(':'),
                "tab" => Some('\t'),
                "newline" => Some('\n'),
                "amp" => Some('&'),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            };
            match c {
                Some(c) => {
                    out.push(c);
                    rest = &rest[end + 1..];
                }
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Whether every element opened in `html` is closed, in order (void
    /// elements excepted).
    fn tags_balance(html: &str) -> bool {
        const VOID: &[&str] = &["br", "hr", "img", "input"];
        let mut stack: Vec<String> = Vec::new();
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            rest = &rest[start + 1..];
            let Some(end) = rest.find('>') else {
                return false;
            };
            let tag = &rest[..end];
            rest = &rest[end + 1..];
            let closing = tag.starts_with('/');
            let name: String = tag
                .trim_start_matches('/')
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if name.is_empty() {
                // `<` is always escaped in text, so this is not a tag.
                return false;
            }
            if VOID.contains(&name.as_str()) || tag.ends_with('/') {
                continue;
            }
            if closing {
                if stack.pop().as_deref() != Some(name.as_str()) {
                    return false;
                }
            } else {
                stack.push(name);
            }
        }
        stack.is_empty()
    }
}
