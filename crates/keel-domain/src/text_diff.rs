//! Line-by-line comparison of two texts, for showing what changed between
//! two versions of a product's vision and strategy.
//!
//! The result is a longest-common-subsequence diff: every line of the old
//! text appears once as `Same` or `Removed`, every line of the new text once
//! as `Same` or `Added`, in order. Lines shared at the start and end are
//! matched first; the middle is compared with a table whose size is capped
//! ([`MAX_TABLE_CELLS`]) so a huge rewrite cannot take the server's memory —
//! past the cap the middle is shown as wholly removed then wholly added,
//! which is still a correct (if not minimal) diff.

use serde::Serialize;

/// The largest comparison table built for the changed middle of two texts
/// (old lines × new lines): 4 MB of `u32`.
pub const MAX_TABLE_CELLS: usize = 1_000_000;

/// What happened to a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Same,
    Added,
    Removed,
}

impl Change {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Same => "same",
            Change::Added => "added",
            Change::Removed => "removed",
        }
    }
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiffLine {
    pub change: Change,
    pub text: String,
}

/// Compares `old` with `new` line by line.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = lines(old);
    let b: Vec<&str> = lines(new);
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (mid_a, mid_b) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);

    let mut out = Vec::with_capacity(a.len() + b.len());
    out.extend(a[..prefix].iter().map(|t| line(Change::Same, t)));
    if mid_a.len().saturating_mul(mid_b.len()) > MAX_TABLE_CELLS {
        out.extend(mid_a.iter().map(|t| line(Change::Removed, t)));
        out.extend(mid_b.iter().map(|t| line(Change::Added, t)));
    } else {
        middle(mid_a, mid_b, &mut out);
    }
    out.extend(a[a.len() - suffix..].iter().map(|t| line(Change::Same, t)));
    out
}

/// The lines of `s`; an empty text has none (not one empty line), so adding
/// a first paragraph shows only additions.
fn lines(s: &str) -> Vec<&str> {
    if s.is_empty() {
        Vec::new()
    } else {
        s.lines().collect()
    }
}

fn line(change: Change, text: &str) -> DiffLine {
    DiffLine {
        change,
        text: text.to_string(),
    }
}

/// The classic LCS table walk: `table[i][j]` is the longest common
/// subsequence of `a[i..]` and `b[j..]`, read forwards to emit in order.
fn middle(a: &[&str], b: &[&str], out: &mut Vec<DiffLine>) {
    let width = b.len() + 1;
    let mut table = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            table[i * width + j] = if a[i] == b[j] {
                table[(i + 1) * width + j + 1] + 1
            } else {
                table[(i + 1) * width + j].max(table[i * width + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            out.push(line(Change::Same, a[i]));
            i += 1;
            j += 1;
        } else if table[(i + 1) * width + j] >= table[i * width + j + 1] {
            out.push(line(Change::Removed, a[i]));
            i += 1;
        } else {
            out.push(line(Change::Added, b[j]));
            j += 1;
        }
    }
    out.extend(a[i..].iter().map(|t| line(Change::Removed, t)));
    out.extend(b[j..].iter().map(|t| line(Change::Added, t)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A diff as compact text: ` x`, `+x`, `-x` per line.
    fn show(d: &[DiffLine]) -> Vec<String> {
        d.iter()
            .map(|l| {
                let mark = match l.change {
                    Change::Same => ' ',
                    Change::Added => '+',
                    Change::Removed => '-',
                };
                format!("{mark}{}", l.text)
            })
            .collect()
    }

    #[test]
    fn cases() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("", "", &[]),
            ("", "a", &["+a"]),
            ("a", "", &["-a"]),
            ("a\nb", "a\nb", &[" a", " b"]),
            ("a\nb\nc", "a\nc", &[" a", "-b", " c"]),
            ("a\nc", "a\nb\nc", &[" a", "+b", " c"]),
            ("a\nb", "a\nB", &[" a", "-b", "+B"]),
            (
                "Vision\nWin SMB\nShip fast",
                "Vision\nWin mid-market\nShip fast\nStay simple",
                &[
                    " Vision",
                    "-Win SMB",
                    "+Win mid-market",
                    " Ship fast",
                    "+Stay simple",
                ],
            ),
            // A moved line is a removal and an addition.
            ("x\ny", "y\nx", &["-x", " y", "+x"]),
        ];
        for (old, new, want) in cases {
            assert_eq!(show(&line_diff(old, new)), *want, "{old:?} → {new:?}");
        }
    }

    #[test]
    fn a_rewrite_past_the_cap_is_still_correct() {
        let old: String = (0..1_500).map(|i| format!("old {i}\n")).collect();
        let new: String = (0..1_500).map(|i| format!("new {i}\n")).collect();
        let d = line_diff(&old, &new);
        assert_eq!(d.len(), 3_000);
        assert!(d[..1_500].iter().all(|l| l.change == Change::Removed));
        assert!(d[1_500..].iter().all(|l| l.change == Change::Added));
    }

    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(vec!["a", "b", "c", "d", ""]), 0..12)
            .prop_map(|v| v.join("\n"))
    }

    proptest! {
        /// Both texts are recovered from the diff, and identical texts are
        /// all `Same`.
        #[test]
        fn rebuilds_both_sides(old in text(), new in text()) {
            let d = line_diff(&old, &new);
            let side = |keep: Change| -> Vec<String> {
                d.iter().filter(|l| l.change == Change::Same || l.change == keep)
                    .map(|l| l.text.clone()).collect()
            };
            prop_assert_eq!(side(Change::Removed), lines(&old));
            prop_assert_eq!(side(Change::Added), lines(&new));
            let same = line_diff(&old, &old);
            prop_assert!(same.iter().all(|l| l.change == Change::Same));
        }
    }
}
