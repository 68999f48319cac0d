//! The stakeholder update: a plain-language digest of one product over a
//! period — goal progress, what shipped and why it matters to customers,
//! what comes next, and the decisions made.
//!
//! It is built only from plain inputs that are already written for
//! people outside engineering (goal titles, customer summaries, public
//! roadmap titles, decision outcomes). Callers never pass task
//! descriptions, feature problems, estimates or keys, so none can leak.
//! Markdown and HTML come from the same [`Update`], so they agree; the
//! HTML escapes every text it writes.

use crate::release_notes::{html_escape, item_text};

/// A goal as the update shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalLine {
    pub title: String,
    /// Progress in 0..=1.
    pub progress: f64,
    /// Health as stored (`on_track`, `at_risk`, …), said in words on render.
    pub health: String,
}

/// One feature of a shipped release.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippedFeature {
    pub title: String,
    pub customer_summary: String,
    /// How many customers asked for it.
    pub customers: u32,
}

/// A release shipped in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct ShippedRelease {
    pub version: String,
    /// `YYYY-MM-DD`.
    pub shipped_on: String,
    pub features: Vec<ShippedFeature>,
}

/// A roadmap item coming next; `public_title` wins over the feature title.
#[derive(Debug, Clone, PartialEq)]
pub struct NextItem {
    /// `now` or `next`.
    pub lane: String,
    pub public_title: String,
    pub title: String,
}

/// A decision dated in the period.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionLine {
    pub title: String,
    pub outcome: String,
    pub rationale: String,
}

/// The digest, before rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Update {
    pub product: String,
    pub since: String,
    pub until: String,
    pub goals: Vec<GoalLine>,
    pub shipped: Vec<ShippedRelease>,
    pub coming: Vec<NextItem>,
    pub decisions: Vec<DecisionLine>,
}

/// Health in words a stakeholder reads; unknown values say "unknown"
/// rather than leaking a code.
pub fn health_words(health: &str) -> &'static str {
    match health {
        "on_track" => "on track",
        "at_risk" => "at risk",
        "off_track" => "off track",
        "done" => "done",
        "not_started" => "not started",
        _ => "unknown",
    }
}

/// Progress as a whole percentage, clamped to 0..=100.
fn percent(p: f64) -> i64 {
    if p.is_nan() {
        return 0;
    }
    (p.clamp(0.0, 1.0) * 100.0).round() as i64
}

/// One line of text: whitespace (newlines included) collapsed.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn asked(n: u32) -> String {
    match n {
        0 => String::new(),
        1 => " (asked for by 1 customer)".to_string(),
        n => format!(" (asked for by {n} customers)"),
    }
}

/// The lines of each section as plain text, shared by both renderers.
struct Lines {
    goals: Vec<String>,
    shipped: Vec<(String, Vec<String>)>,
    now: Vec<String>,
    next: Vec<String>,
    decisions: Vec<String>,
}

/// What an empty section says: each in its own words, because the lanes and
/// the goals are not bounded by the period the way shipped work and
/// decisions are.
const NO_GOALS: &str = "No goals set yet.";
const NOTHING_SHIPPED: &str = "Nothing shipped in this period.";
const NO_CHANGES_LISTED: &str = "No customer-facing changes listed.";
const NOTHING_PLANNED: &str = "Nothing planned here yet.";
const NO_DECISIONS: &str = "No decisions recorded in this period.";

impl Update {
    /// The title line.
    pub fn title(&self) -> String {
        format!(
            "{} update, {} to {}",
            one_line(&self.product),
            self.since,
            self.until
        )
    }

    fn lines(&self) -> Lines {
        let goals = self
            .goals
            .iter()
            .map(|g| {
                format!(
                    "{}: {}% ({})",
                    one_line(&g.title),
                    percent(g.progress),
                    health_words(&g.health)
                )
            })
            .collect();
        let shipped = self
            .shipped
            .iter()
            .map(|r| {
                let head = format!("{}, released {}", one_line(&r.version), r.shipped_on);
                let items = r
                    .features
                    .iter()
                    .map(|f| {
                        format!(
                            "{}{}",
                            item_text(&f.customer_summary, &f.title),
                            asked(f.customers)
                        )
                    })
                    .collect();
                (head, items)
            })
            .collect();
        let pick = |lane: &str| -> Vec<String> {
            self.coming
                .iter()
                .filter(|i| i.lane == lane)
                .map(|i| item_text(&i.public_title, &i.title))
                .filter(|t| !t.is_empty())
                .collect()
        };
        let decisions = self
            .decisions
            .iter()
            .map(|d| {
                let mut s = one_line(&d.title);
                let outcome = one_line(&d.outcome);
                if !outcome.is_empty() {
                    s.push_str(&format!(": {outcome}"));
                }
                let why = one_line(&d.rationale);
                if !why.is_empty() {
                    s.push_str(&format!(" — why: {why}"));
                }
                s
            })
            .collect();
        Lines {
            goals,
            shipped,
            now: pick("now"),
            next: pick("next"),
            decisions,
        }
    }
}

/// Markdown characters that would change how a line renders.
fn md(s: &str) -> String {
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

fn md_list(out: &mut String, items: &[String], empty: &str) {
    if items.is_empty() {
        out.push_str(&format!("{empty}\n"));
    }
    for i in items {
        out.push_str(&format!("- {}\n", md(i)));
    }
}

/// The update as Markdown.
pub fn markdown(u: &Update) -> String {
    let l = u.lines();
    let mut out = format!("# {}\n\n## Goals\n\n", md(&u.title()));
    md_list(&mut out, &l.goals, NO_GOALS);
    out.push_str("\n## Shipped\n\n");
    if l.shipped.is_empty() {
        out.push_str(&format!("{NOTHING_SHIPPED}\n"));
    }
    for (head, items) in &l.shipped {
        out.push_str(&format!("### {}\n\n", md(head)));
        md_list(&mut out, items, NO_CHANGES_LISTED);
        out.push('\n');
    }
    if !l.shipped.is_empty() {
        out.pop();
    }
    out.push_str("\n## Coming next\n\n### Now\n\n");
    md_list(&mut out, &l.now, NOTHING_PLANNED);
    out.push_str("\n### Next\n\n");
    md_list(&mut out, &l.next, NOTHING_PLANNED);
    out.push_str("\n## Decisions\n\n");
    md_list(&mut out, &l.decisions, NO_DECISIONS);
    out
}

fn html_list(out: &mut String, items: &[String], empty: &str) {
    if items.is_empty() {
        out.push_str(&format!("<p>{empty}</p>\n"));
        return;
    }
    out.push_str("<ul>\n");
    for i in items {
        out.push_str(&format!("<li>{}</li>\n", html_escape(i)));
    }
    out.push_str("</ul>\n");
}

/// The update as an HTML fragment (an `<article>`), every text escaped.
pub fn html(u: &Update) -> String {
    let l = u.lines();
    let mut out = format!(
        "<article class=\"stakeholder-update\">\n<h1>{}</h1>\n<h2>Goals</h2>\n",
        html_escape(&u.title())
    );
    html_list(&mut out, &l.goals, NO_GOALS);
    out.push_str("<h2>Shipped</h2>\n");
    if l.shipped.is_empty() {
        out.push_str(&format!("<p>{NOTHING_SHIPPED}</p>\n"));
    }
    for (head, items) in &l.shipped {
        out.push_str(&format!("<h3>{}</h3>\n", html_escape(head)));
        html_list(&mut out, items, NO_CHANGES_LISTED);
    }
    out.push_str("<h2>Coming next</h2>\n<h3>Now</h3>\n");
    html_list(&mut out, &l.now, NOTHING_PLANNED);
    out.push_str("<h3>Next</h3>\n");
    html_list(&mut out, &l.next, NOTHING_PLANNED);
    out.push_str("<h2>Decisions</h2>\n");
    html_list(&mut out, &l.decisions, NO_DECISIONS);
    out.push_str("</article>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Update {
        Update {
            product: "Keel".into(),
            since: "2026-11-01".into(),
            until: "2026-11-14".into(),
            goals: vec![],
            shipped: vec![],
            coming: vec![],
            decisions: vec![],
        }
    }

    fn full() -> Update {
        Update {
            goals: vec![
                GoalLine {
                    title: "Faster onboarding".into(),
                    progress: 0.456,
                    health: "on_track".into(),
                },
                GoalLine {
                    title: "Fewer churned teams".into(),
                    progress: 1.7,
                    health: "at_risk".into(),
                },
            ],
            shipped: vec![ShippedRelease {
                version: "1.4.0".into(),
                shipped_on: "2026-11-10".into(),
                features: vec![
                    ShippedFeature {
                        title: "CSV export".into(),
                        customer_summary: "Export your\nreports to CSV".into(),
                        customers: 3,
                    },
                    ShippedFeature {
                        title: "Dark *mode*".into(),
                        customer_summary: "  ".into(),
                        customers: 1,
                    },
                    ShippedFeature {
                        title: "Faster search".into(),
                        customer_summary: String::new(),
                        customers: 0,
                    },
                ],
            }],
            coming: vec![
                NextItem {
                    lane: "now".into(),
                    public_title: "Single sign-on".into(),
                    title: "SSO via SAML v2".into(),
                },
                NextItem {
                    lane: "next".into(),
                    public_title: String::new(),
                    title: "Mobile app".into(),
                },
                NextItem {
                    lane: "later".into(),
                    public_title: "Moon base".into(),
                    title: "Moon".into(),
                },
            ],
            decisions: vec![
                DecisionLine {
                    title: "Drop IE support".into(),
                    outcome: "Accepted".into(),
                    rationale: "Under 1% of use".into(),
                },
                DecisionLine {
                    title: "Pricing page".into(),
                    outcome: String::new(),
                    rationale: String::new(),
                },
            ],
            ..empty()
        }
    }

    #[test]
    fn full_update_as_markdown() {
        let expected = "\
# Keel update, 2026-11-01 to 2026-11-14

## Goals

- Faster onboarding: 46% (on track)
- Fewer churned teams: 100% (at risk)

## Shipped

### 1.4.0, released 2026-11-10

- Export your reports to CSV (asked for by 3 customers)
- Dark \\*mode\\* (asked for by 1 customer)
- Faster search

## Coming next

### Now

- Single sign-on

### Next

- Mobile app

## Decisions

- Drop IE support: Accepted — why: Under 1% of use
- Pricing page
";
        assert_eq!(markdown(&full()), expected);
    }

    #[test]
    fn empty_update_says_what_each_empty_section_lacks() {
        let expected = "\
# Keel update, 2026-11-01 to 2026-11-14

## Goals

No goals set yet.

## Shipped

Nothing shipped in this period.

## Coming next

### Now

Nothing planned here yet.

### Next

Nothing planned here yet.

## Decisions

No decisions recorded in this period.
";
        assert_eq!(markdown(&empty()), expected);
    }

    #[test]
    fn two_releases_are_separated_by_one_blank_line() {
        let r = |v: &str| ShippedRelease {
            version: v.into(),
            shipped_on: "2026-11-02".into(),
            features: vec![],
        };
        let u = Update {
            shipped: vec![r("1.0"), r("1.1")],
            ..empty()
        };
        let md = markdown(&u);
        assert!(md.contains(
            "## Shipped\n\n### 1.0, released 2026-11-02\n\nNo customer-facing changes listed.\n\n### 1.1, released 2026-11-02\n\nNo customer-facing changes listed.\n\n## Coming next"
        ), "{md}");
    }

    #[test]
    fn html_escapes_every_text() {
        let u = Update {
            product: "<Keel>".into(),
            decisions: vec![DecisionLine {
                title: "<script>alert(1)</script>".into(),
                outcome: "a & b".into(),
                rationale: "\"quoted\"".into(),
            }],
            ..empty()
        };
        let h = html(&u);
        assert!(!h.contains("<script>"), "{h}");
        assert!(h.contains("<h1>&lt;Keel&gt; update, 2026-11-01 to 2026-11-14</h1>"));
        assert!(h.contains(
            "<li>&lt;script&gt;alert(1)&lt;/script&gt;: a &amp; b — why: &quot;quoted&quot;</li>"
        ));
    }

    #[test]
    fn html_has_the_same_lines_as_markdown() {
        let h = html(&full());
        for needle in [
            "<li>Faster onboarding: 46% (on track)</li>",
            "<h3>1.4.0, released 2026-11-10</h3>",
            "<li>Export your reports to CSV (asked for by 3 customers)</li>",
            "<li>Single sign-on</li>",
            "<li>Mobile app</li>",
        ] {
            assert!(h.contains(needle), "{needle} in {h}");
        }
        // The later lane and internal titles that have a public one stay out.
        assert!(!h.contains("Moon"));
        assert!(!h.contains("SAML"));
    }

    #[test]
    fn health_words_case_table() {
        for (code, words) in [
            ("on_track", "on track"),
            ("at_risk", "at risk"),
            ("off_track", "off track"),
            ("done", "done"),
            ("not_started", "not started"),
            ("weird", "unknown"),
        ] {
            assert_eq!(health_words(code), words);
        }
    }

    #[test]
    fn percent_is_clamped_and_rounded() {
        for (p, want) in [
            (-0.2, 0),
            (0.0, 0),
            (0.005, 1),
            (0.994, 99),
            (2.0, 100),
            (f64::NAN, 0),
        ] {
            assert_eq!(percent(p), want, "{p}");
        }
    }
}
