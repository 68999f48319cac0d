//! The roadmap timeline's geometry, drawn on the server as SVG: a row per
//! scheduled item (its bar from start to end month), month or quarter
//! columns, and a line at today. Like the burn-up chart, this is a struct
//! the template lays out, so every piece of text goes through askama's
//! escaping; the axis itself comes from `keel_domain::roadmap::axis`.
//!
//! Sizes are in CSS pixels and the drawing is never scaled down: on a
//! 390 px phone it keeps readable text and scrolls sideways in its frame.

use keel_domain::roadmap::{self, Month, Scale};
use keel_domain::time::Date;

/// Width of the item titles on the left.
const LABEL_W: f64 = 170.0;
/// Height of the column headings.
const HEAD_H: f64 = 30.0;
const ROW_H: f64 = 30.0;
/// Longest title drawn in full; longer ones are cut with "…" (the bar's
/// `<title>` keeps the whole).
const LABEL_CHARS: usize = 22;

/// One item to draw.
pub struct Row<'a> {
    pub title: &'a str,
    /// now, next or later: the bar's colour.
    pub lane: &'a str,
    pub start: Month,
    pub end: Month,
}

/// A column heading with its gridline.
pub struct ColumnBox {
    pub x: f64,
    pub width: f64,
    pub label: String,
    pub label_x: f64,
}

/// A bar and its row label.
pub struct Bar {
    pub title: String,
    pub short: String,
    pub lane: String,
    /// `Jan 2027 – Mar 2027`, for the bar's tooltip and screen readers.
    pub span: String,
    pub y: f64,
    pub text_y: f64,
    pub x: f64,
    pub width: f64,
}

/// The whole drawing.
pub struct Timeline {
    pub width: f64,
    pub height: f64,
    pub head_h: f64,
    pub columns: Vec<ColumnBox>,
    pub bars: Vec<Bar>,
    pub today_x: f64,
    pub today_label: String,
}

fn shorten(s: &str) -> String {
    if s.chars().count() <= LABEL_CHARS {
        s.to_string()
    } else {
        let cut: String = s.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// Lays out `rows` on the `scale`'s axis as it stands on `today`.
pub fn layout(rows: &[Row<'_>], today: Date, scale: Scale) -> Timeline {
    let stretches: Vec<(Month, Month)> = rows.iter().map(|r| (r.start, r.end)).collect();
    let axis = roadmap::axis(&stretches, today, scale);
    // Pixels per month: a quarter column is wider than a month's but its
    // months are narrower, so long plans stay short to scroll.
    let unit = match scale {
        Scale::Month => 84.0,
        Scale::Quarter => 44.0,
    };
    let columns = axis
        .columns
        .iter()
        .map(|c| {
            let x = LABEL_W + f64::from(c.offset) * unit;
            let width = f64::from(c.months) * unit;
            ColumnBox {
                x,
                width,
                label: c.label.clone(),
                label_x: x + width / 2.0,
            }
        })
        .collect();
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let (offset, months) = axis.bar(r.start, r.end);
            let y = HEAD_H + ROW_H * i as f64;
            Bar {
                title: r.title.to_string(),
                short: shorten(r.title),
                lane: r.lane.to_string(),
                span: if r.start == r.end {
                    r.start.label()
                } else {
                    format!("{} – {}", r.start.label(), r.end.label())
                },
                y: y + 6.0,
                text_y: y + ROW_H / 2.0 + 4.0,
                x: LABEL_W + f64::from(offset) * unit + 2.0,
                width: f64::from(months) * unit - 4.0,
            }
        })
        .collect();
    Timeline {
        width: LABEL_W + f64::from(axis.months) * unit,
        height: HEAD_H + ROW_H * rows.len().max(1) as f64,
        head_h: HEAD_H,
        columns,
        bars,
        today_x: LABEL_W + axis.today * unit,
        today_label: format!("Today, {}", today.as_string()),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse("m", s).unwrap()
    }

    #[test]
    fn bars_sit_under_their_months() {
        let rows = [
            Row {
                title: "Exports",
                lane: "now",
                start: m("2027-01"),
                end: m("2027-02"),
            },
            Row {
                title: "A title far longer than the label column can hold",
                lane: "later",
                start: m("2027-03"),
                end: m("2027-03"),
            },
        ];
        let t = layout(&rows, Date::parse("d", "2027-01-01").unwrap(), Scale::Month);
        assert_eq!(t.columns.len(), 3);
        assert_eq!(t.columns[0].x, LABEL_W);
        assert_eq!(t.bars[0].x, LABEL_W + 2.0);
        assert_eq!(t.bars[0].width, 2.0 * 84.0 - 4.0);
        assert_eq!(t.bars[1].x, LABEL_W + 2.0 * 84.0 + 2.0);
        assert_eq!(t.bars[0].span, "Jan 2027 – Feb 2027");
        assert!(t.bars[1].short.ends_with('…') && t.bars[1].short.chars().count() <= 22);
        assert_eq!(t.today_x, LABEL_W);
        assert_eq!(t.width, LABEL_W + 3.0 * 84.0);
        assert!(t.bars[1].y > t.bars[0].y);
    }

    #[test]
    fn quarters_group_three_months() {
        let rows = [Row {
            title: "Exports",
            lane: "next",
            start: m("2027-02"),
            end: m("2027-05"),
        }];
        let t = layout(
            &rows,
            Date::parse("d", "2027-02-15").unwrap(),
            Scale::Quarter,
        );
        let labels: Vec<&str> = t.columns.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["Q1 2027", "Q2 2027"]);
        assert_eq!(t.columns[1].width, 3.0 * 44.0);
        // February is the quarter's second month: the bar starts one in.
        assert_eq!(t.bars[0].x, LABEL_W + 44.0 + 2.0);
        assert!(t.today_x > LABEL_W + 44.0 && t.today_x < LABEL_W + 88.0);
    }
}
