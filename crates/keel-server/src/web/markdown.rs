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
    }
}
