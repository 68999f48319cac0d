//! Printing results: plain tables for people (comfy-table, no borders, so
//! they read well and `grep`/`awk` well), pretty JSON for scripts (`--json`).
//!
//! Everything goes through [`emit`], which treats a closed pipe
//! (`keel task list | head -1`) as a normal end rather than a panic.

use anyhow::{Context, Result};
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use serde::Serialize;
use std::io::{ErrorKind, Write};

/// Writes `text` to stdout; a closed pipe is not an error.
pub fn emit(text: &str) -> Result<()> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(err) if err.kind() != ErrorKind::BrokenPipe => {
            Err(err).context("cannot write to standard output")
        }
        _ => Ok(()),
    }
}

/// Writes one line to stdout.
pub fn line(text: impl AsRef<str>) -> Result<()> {
    let mut text = text.as_ref().to_owned();
    text.push('\n');
    emit(&text)
}

/// Pretty-printed JSON of `value`, as the API sends it.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Result<()> {
    let mut text = serde_json::to_string_pretty(value).context("cannot encode JSON")?;
    text.push('\n');
    emit(&text)
}

/// A borderless table with these column headers.
pub fn table(headers: &[&str]) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(headers.iter().copied());
    table
}

/// Prints a table, or `empty` when it has no rows.
pub fn print_table(mut table: Table, empty: &str) -> Result<()> {
    if table.row_count() == 0 {
        return line(empty);
    }
    // Only prose wraps to fit the terminal: an id, key, email or time cut
    // in two can no longer be copied or grepped. Prose keeps a readable
    // width even so; on a terminal too narrow for both, lines run over.
    let constraints: Vec<ColumnConstraint> = (0..table.column_count())
        .map(|i| {
            let cells: Vec<String> = table
                .column_cells_iter(i)
                .flatten()
                .map(|cell| cell.content())
                .collect();
            if cells.iter().all(|text| is_a_token(text)) {
                ColumnConstraint::ContentWidth
            } else {
                let longest = cells.iter().map(|t| t.chars().count()).max().unwrap_or(0);
                let least = u16::try_from(longest.min(PROSE_WIDTH)).unwrap_or(0);
                ColumnConstraint::LowerBoundary(Width::Fixed(least))
            }
        })
        .collect();
    for (column, constraint) in table.column_iter_mut().zip(constraints) {
        column.set_padding((0, 2));
        column.set_constraint(constraint);
    }
    let mut text = String::new();
    for row in table.to_string().lines() {
        text.push_str(row.trim_end());
        text.push('\n');
    }
    emit(&text)
}

/// The width prose is not wrapped below.
const PROSE_WIDTH: usize = 24;

/// Whether a cell reads as one token (an id, a key, an email, a status, a
/// time), not prose: at most two words and no longer than a timestamp
/// with its date, or a single word of any length.
fn is_a_token(text: &str) -> bool {
    match text.split_whitespace().count() {
        0 | 1 => true,
        2 => text.chars().count() <= 20,
        _ => false,
    }
}

/// `-` for a missing value.
pub fn or_dash(value: Option<&str>) -> String {
    match value {
        Some(v) if !v.is_empty() => v.to_owned(),
        _ => "-".to_owned(),
    }
}

/// An RFC 3339 timestamp shortened to `YYYY-MM-DD HH:MM` (UTC).
pub fn short_time(ts: &str) -> String {
    match (ts.get(..10), ts.get(11..16)) {
        (Some(date), Some(time)) if ts.as_bytes().get(10) == Some(&b'T') => {
            format!("{date} {time}")
        }
        _ => ts.to_owned(),
    }
}

/// Collapses whitespace so a cell or message stays on one line, and cuts it
/// to `max` characters.
pub fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_emails_and_times_keep_whole_prose_wraps() {
        for token in [
            "01a21f7c822271048034f679ccdc9494",
            "peter@initech.test",
            "2026-11-28 00:09",
            "role_changed",
            "",
        ] {
            assert!(is_a_token(token), "{token}");
        }
        for prose in ["Ship the quokka board", "a title that runs on"] {
            assert!(!is_a_token(prose), "{prose}");
        }
    }

    #[test]
    fn times_are_shortened() {
        assert_eq!(short_time("2026-11-25T20:30:12.123Z"), "2026-11-25 20:30");
        assert_eq!(short_time("soon"), "soon");
    }

    #[test]
    fn long_text_is_cut_on_one_line() {
        assert_eq!(one_line("a\nb   c", 10), "a b c");
        assert_eq!(one_line("abcdefghij", 5), "abcd…");
    }
}
