//! Market: the vocabularies of the competitor comparison matrix, the SWOT
//! board and trend notes, a web address check, and how a SWOT item moves
//! between and inside quadrants.
//!
//! - A **matrix cell** says how a competitor covers one of our features:
//!   `has`, `partial` or `none`, with a note. A cell that was never set is
//!   "not assessed", which is not the same as `none`.
//! - **SWOT order**: the items of a quadrant are in board order
//!   (`position`), renumbered 0, 1, 2, … whenever one moves in or out.
//!
//! Pure functions, no IO.

use crate::FieldError;

vocabulary! {
    /// How a competitor covers a feature (one cell of the matrix).
    CoverageLevel {
        Has => "has",
        Partial => "partial",
        Lacks => "none",
    }
}

vocabulary! {
    /// The four quadrants of a SWOT board.
    SwotQuadrant {
        Strength => "strength",
        Weakness => "weakness",
        Opportunity => "opportunity",
        Threat => "threat",
    }
}

vocabulary! {
    /// How much a market trend may matter to the product.
    TrendImpact {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
}

/// Longest web address accepted, in characters.
pub const MAX_URL_CHARS: usize = 2_000;

/// Longest note on a matrix cell, in characters.
pub const MAX_NOTE_CHARS: usize = 2_000;

/// Most items one SWOT quadrant may hold: a board, not a backlog.
pub const MAX_SWOT_ITEMS_PER_QUADRANT: usize = 200;

/// An `http://` or `https://` address with a host, trimmed, or `""` when
/// blank (not set). Other schemes (`javascript:`, `data:`) are refused, so
/// the address is safe to use as a link.
pub fn web_url(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    let bad = || {
        FieldError::new(
            field,
            "must be a web address starting with http:// or https://",
        )
    };
    if t.chars().count() > MAX_URL_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_URL_CHARS} characters"),
        ));
    }
    if t.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let lower = t.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.starts_with('@') || host.starts_with(':') {
        return Err(bad());
    }
    Ok(t.to_string())
}

/// A note on a matrix cell: one line or several, at most
/// [`MAX_NOTE_CHARS`], trimmed; may be empty.
pub fn note(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.chars().count() > MAX_NOTE_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(FieldError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(t.to_string())
}

/// The order of a quadrant after `moving` is placed at `position` (clamped
/// to the ends; `None` = last) among `others` (the quadrant's other items,
/// in board order). Returns the ids in their new order; their index is
/// their new position.
pub fn place(others: &[String], moving: &str, position: Option<i64>) -> Vec<String> {
    let mut order: Vec<String> = others.iter().filter(|id| *id != moving).cloned().collect();
    let at = match position {
        Some(p) => usize::try_from(p.max(0))
            .unwrap_or(usize::MAX)
            .min(order.len()),
        None => order.len(),
    };
    order.insert(at, moving.to_string());
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn vocabularies_parse_and_name_the_field() {
        assert_eq!(
            CoverageLevel::parse("level", "none").unwrap(),
            CoverageLevel::Lacks
        );
        assert_eq!(CoverageLevel::Lacks.as_str(), "none");
        let e = CoverageLevel::parse("level", "maybe").unwrap_err();
        assert_eq!(e.field, "level");
        assert!(e.message.contains("has, partial, none"), "{}", e.message);
        assert_eq!(
            SwotQuadrant::parse("quadrant", "threat").unwrap(),
            SwotQuadrant::Threat
        );
        assert!(SwotQuadrant::parse("quadrant", "Threat").is_err());
        assert_eq!(
            TrendImpact::parse("impact", "high").unwrap(),
            TrendImpact::High
        );
        assert_eq!(
            TrendImpact::parse("impact", "").unwrap_err().field,
            "impact"
        );
    }

    #[test]
    fn web_addresses() {
        let ok = [
            ("", ""),
            ("   ", ""),
            (" https://linear.app ", "https://linear.app"),
            (
                "http://example.com/pricing?x=1#y",
                "http://example.com/pricing?x=1#y",
            ),
            ("HTTPS://Example.COM", "HTTPS://Example.COM"),
        ];
        for (input, want) in ok {
            assert_eq!(web_url("website", input).unwrap(), want, "{input:?}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:text/html,hi",
            "linear.app",
            "ftp://x.io",
            "https://",
            "https:///path",
            "https://a b.io",
            "https://x.io/\u{7}",
            "//x.io",
        ] {
            assert_eq!(
                web_url("website", bad).unwrap_err().field,
                "website",
                "{bad:?}"
            );
        }
        assert!(
            web_url(
                "website",
                &format!("https://x.io/{}", "a".repeat(MAX_URL_CHARS))
            )
            .is_err()
        );
    }

    #[test]
    fn notes() {
        assert_eq!(
            note("note", "  only on the Pro plan \n").unwrap(),
            "only on the Pro plan"
        );
        assert_eq!(note("note", "").unwrap(), "");
        assert!(note("note", "two\nlines").is_ok());
        assert_eq!(note("note", "nul\0").unwrap_err().field, "note");
        assert!(note("note", &"x".repeat(MAX_NOTE_CHARS + 1)).is_err());
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn placing_items() {
        let q = ids(&["a", "b", "c"]);
        let cases: [(&str, Option<i64>, &[&str]); 8] = [
            ("x", None, &["a", "b", "c", "x"]),
            ("x", Some(0), &["x", "a", "b", "c"]),
            ("x", Some(2), &["a", "b", "x", "c"]),
            ("x", Some(99), &["a", "b", "c", "x"]),
            ("x", Some(-5), &["x", "a", "b", "c"]),
            // Moving inside the quadrant: the item leaves its old place.
            ("a", Some(2), &["b", "c", "a"]),
            ("c", Some(0), &["c", "a", "b"]),
            ("b", None, &["a", "c", "b"]),
        ];
        for (moving, position, want) in cases {
            assert_eq!(
                place(&q, moving, position),
                ids(want),
                "{moving} {position:?}"
            );
        }
        assert_eq!(place(&[], "x", Some(3)), ids(&["x"]));
    }

    proptest! {
        #[test]
        fn placing_keeps_every_item_once(n in 0usize..20, pos in proptest::option::of(-3i64..30),
                                         pick in 0usize..25) {
            let others: Vec<String> = (0..n).map(|i| format!("i{i}")).collect();
            let moving = if pick < n { others[pick].clone() } else { "new".to_string() };
            let order = place(&others, &moving, pos);
            let expected_len = if pick < n { n } else { n + 1 };
            prop_assert_eq!(order.len(), expected_len);
            prop_assert_eq!(order.iter().filter(|i| **i == moving).count(), 1);
            for o in &others {
                prop_assert!(order.contains(o));
            }
            if let Some(p) = pos {
                let want = usize::try_from(p.max(0)).unwrap().min(expected_len - 1);
                prop_assert_eq!(order.iter().position(|i| *i == moving), Some(want));
            }
        }
    }
}
