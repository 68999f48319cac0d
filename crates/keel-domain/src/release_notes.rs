//! Release notes in customer language, and the message drafted for each
//! customer who asked for something that shipped.
//!
//! The notes are built only from what is written for customers: a
//! feature's customer summary, else its title, and a bug's title. Task
//! descriptions, problems and other engineering fields never reach them.
//! Each line is one item, grouped New / Improved / Fixed in that order.
//! Markdown and HTML are rendered here, from the same [`Notes`], so the two
//! always say the same thing; the HTML escapes every text it writes.

use crate::release::NoteKind;

/// One line of the notes.
#[derive(Debug, Clone, PartialEq)]
pub struct NoteItem {
    pub kind: NoteKind,
    pub text: String,
}

/// What the notes say, before rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Notes {
    pub product: String,
    pub version: String,
    /// The release's name, may be empty.
    pub name: String,
    /// `Released YYYY-MM-DD` or `Planned for YYYY-MM-DD`, may be empty.
    pub date_line: String,
    pub items: Vec<NoteItem>,
}

/// What a customer-facing text becomes on one line: the summary when it
/// has one, else the title; whitespace (newlines included) collapsed.
pub fn item_text(customer_summary: &str, title: &str) -> String {
    let chosen = if customer_summary.trim().is_empty() {
        title
    } else {
        customer_summary
    };
    chosen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The date line: shipped wins over planned.
pub fn date_line(shipped_on: Option<&str>, target_date: Option<&str>) -> String {
    match (shipped_on, target_date) {
        (Some(d), _) => format!("Released {d}"),
        (None, Some(d)) => format!("Planned for {d}"),
        (None, None) => String::new(),
    }
}

impl Notes {
    /// The title: `Product 1.4.0 — Name`, the name left out when empty.
    pub fn title(&self) -> String {
        if self.name.trim().is_empty() {
            format!("{} {}", self.product, self.version)
        } else {
            format!("{} {} — {}", self.product, self.version, self.name)
        }
    }

    /// The non-empty sections in New, Improved, Fixed order, each item
    /// once, in the order given.
    pub fn sections(&self) -> Vec<(NoteKind, Vec<&str>)> {
        NoteKind::ALL
            .iter()
            .filter_map(|k| {
                let mut texts: Vec<&str> = Vec::new();
                for i in self.items.iter().filter(|i| i.kind == *k) {
                    if !i.text.is_empty() && !texts.contains(&i.text.as_str()) {
                        texts.push(&i.text);
                    }
                }
                (!texts.is_empty()).then_some((*k, texts))
            })
            .collect()
    }
}

/// What the notes say when nothing customer-facing is in the release.
pub const NOTHING_YET: &str = "No customer-facing changes yet.";

/// Markdown characters that would change how a line renders.
fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The notes as Markdown.
pub fn markdown(n: &Notes) -> String {
    let mut out = format!("# {}\n", markdown_escape(&n.title()));
    if !n.date_line.is_empty() {
        out.push_str(&format!("\n{}\n", n.date_line));
    }
    let sections = n.sections();
    if sections.is_empty() {
        out.push_str(&format!("\n{NOTHING_YET}\n"));
    }
    for (kind, texts) in sections {
        out.push_str(&format!("\n## {}\n\n", kind.heading()));
        for t in texts {
            out.push_str(&format!("- {}\n", markdown_escape(t)));
        }
    }
    out
}

/// Escapes text for HTML element content and quoted attributes.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The notes as an HTML fragment (an `<article>`), every text escaped.
pub fn html(n: &Notes) -> String {
    let mut out = format!(
        "<article class=\"release-notes\">\n<h1>{}</h1>\n",
        html_escape(&n.title())
    );
    if !n.date_line.is_empty() {
        out.push_str(&format!("<p>{}</p>\n", html_escape(&n.date_line)));
    }
    let sections = n.sections();
    if sections.is_empty() {
        out.push_str(&format!("<p>{NOTHING_YET}</p>\n"));
    }
    for (kind, texts) in sections {
        out.push_str(&format!("<h2>{}</h2>\n<ul>\n", kind.heading()));
        for t in texts {
            out.push_str(&format!("<li>{}</li>\n", html_escape(t)));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</article>\n");
    out
}

/// The plain-text message drafted for a customer when a release ships:
/// it names them and each thing they asked for (customer-facing texts, see
/// [`item_text`]), to be edited and sent by a person.
pub fn drafted_message(
    customer_name: &str,
    product: &str,
    version: &str,
    asked_for: &[String],
) -> String {
    let name = customer_name.trim();
    let greeting = if name.is_empty() {
        "Hello,".to_string()
    } else {
        format!("Hi {name},")
    };
    let (lead, list) = match asked_for {
        [one] => (
            "You asked us for this, and it is now available".to_string(),
            format!("- {one}\n"),
        ),
        many => (
            "You asked us for these, and they are now available".to_string(),
            many.iter().map(|t| format!("- {t}\n")).collect::<String>(),
        ),
    };
    format!(
        "{greeting}\n\n{lead} in {product} {version}:\n\n{list}\nThank you for telling us what you needed — it shaped this release.\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notes(items: Vec<(NoteKind, &str)>) -> Notes {
        Notes {
            product: "Keel".into(),
            version: "1.4.0".into(),
            name: "Autumn".into(),
            date_line: date_line(Some("2026-11-20"), Some("2026-11-30")),
            items: items
                .into_iter()
                .map(|(kind, t)| NoteItem {
                    kind,
                    text: t.into(),
                })
                .collect(),
        }
    }

    #[test]
    fn texts_prefer_the_customer_summary() {
        let cases = [
            (
                "Export your board to CSV.",
                "CSV export v2",
                "Export your board to CSV.",
            ),
            ("", "CSV export", "CSV export"),
            ("   ", "CSV export", "CSV export"),
            ("Faster\n  search", "x", "Faster search"),
        ];
        for (summary, title, want) in cases {
            assert_eq!(item_text(summary, title), want, "{summary:?}");
        }
    }

    #[test]
    fn date_lines() {
        assert_eq!(
            date_line(Some("2026-11-20"), Some("2026-11-30")),
            "Released 2026-11-20"
        );
        assert_eq!(
            date_line(None, Some("2026-11-30")),
            "Planned for 2026-11-30"
        );
        assert_eq!(date_line(None, None), "");
    }

    #[test]
    fn markdown_groups_new_improved_fixed() {
        let n = notes(vec![
            (NoteKind::Fixed, "Search no longer times out."),
            (NoteKind::New, "Export your board to CSV."),
            (NoteKind::Improved, "The board loads twice as fast."),
            (NoteKind::New, "Dark mode."),
            (NoteKind::New, "Dark mode."),
        ]);
        assert_eq!(
            markdown(&n),
            "# Keel 1.4.0 — Autumn\n\nReleased 2026-11-20\n\n## New\n\n- Export your board to CSV.\n- Dark mode.\n\n## Improved\n\n- The board loads twice as fast.\n\n## Fixed\n\n- Search no longer times out.\n"
        );
    }

    #[test]
    fn markdown_escapes_and_skips_empty_sections() {
        let mut n = notes(vec![(
            NoteKind::Improved,
            "Use *bold* [links] in `comments`",
        )]);
        n.name = String::new();
        n.date_line = String::new();
        assert_eq!(
            markdown(&n),
            "# Keel 1.4.0\n\n## Improved\n\n- Use \\*bold\\* \\[links\\] in \\`comments\\`\n"
        );
        let empty = notes(vec![]);
        assert_eq!(
            markdown(&empty),
            "# Keel 1.4.0 — Autumn\n\nReleased 2026-11-20\n\nNo customer-facing changes yet.\n"
        );
    }

    #[test]
    fn html_is_escaped() {
        let mut n = notes(vec![
            (NoteKind::New, "<script>alert(1)</script> & \"more\""),
            (NoteKind::Fixed, "Tom's import"),
        ]);
        n.name = "<b>Big</b>".into();
        assert_eq!(
            html(&n),
            "<article class=\"release-notes\">\n<h1>Keel 1.4.0 — &lt;b&gt;Big&lt;/b&gt;</h1>\n<p>Released 2026-11-20</p>\n<h2>New</h2>\n<ul>\n<li>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;more&quot;</li>\n</ul>\n<h2>Fixed</h2>\n<ul>\n<li>Tom&#39;s import</li>\n</ul>\n</article>\n"
        );
        assert_eq!(
            html(&notes(vec![])),
            "<article class=\"release-notes\">\n<h1>Keel 1.4.0 — Autumn</h1>\n<p>Released 2026-11-20</p>\n<p>No customer-facing changes yet.</p>\n</article>\n"
        );
    }

    #[test]
    fn messages_name_the_customer_and_what_they_asked_for() {
        assert_eq!(
            drafted_message(
                "Ada Lovelace",
                "Keel",
                "1.4.0",
                &["Export your board to CSV.".into()]
            ),
            "Hi Ada Lovelace,\n\nYou asked us for this, and it is now available in Keel 1.4.0:\n\n- Export your board to CSV.\n\nThank you for telling us what you needed — it shaped this release.\n"
        );
        assert_eq!(
            drafted_message(
                "",
                "Keel",
                "2.0",
                &["Dark mode.".into(), "CSV export".into()]
            ),
            "Hello,\n\nYou asked us for these, and they are now available in Keel 2.0:\n\n- Dark mode.\n- CSV export\n\nThank you for telling us what you needed — it shaped this release.\n"
        );
    }
}
