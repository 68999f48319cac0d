//! The burn-up chart, drawn on the server: from a cycle's days and the
//! values so far (`keel_domain::cycle::burnup`), the coordinates of the
//! axes, ticks, the scope and completed lines and the ideal line, for an
//! SVG template. Presentation attributes only (CSP allows them; no inline
//! style), so the page needs no script to show it.

use super::calendar;
use keel_domain::time::Date;

/// The drawing's size in SVG units, with its font size and how many day
/// labels fit under it.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub width: f64,
    pub height: f64,
    pub font: f64,
    pub max_labels: usize,
}

/// For wide screens.
pub const WIDE: Size = Size {
    width: 1000.0,
    height: 300.0,
    font: 13.0,
    max_labels: 15,
};

/// For phones: fewer labels, so the text stays readable when scaled.
pub const NARROW: Size = Size {
    width: 360.0,
    height: 250.0,
    font: 12.0,
    max_labels: 4,
};

/// A tick: its coordinate along the axis, and its label (may be empty).
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    pub at: String,
    pub label: String,
}

/// A point, as SVG attribute text.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub x: String,
    pub y: String,
}

/// Everything the template draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub width: String,
    pub height: String,
    pub font: String,
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
    /// Where the day labels sit.
    pub label_y: String,
    /// Where the value labels end (right-aligned left of the plot).
    pub value_x: String,
    /// Where day tick marks end below the axis.
    pub tick_end: String,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    /// `points` of the scope polyline.
    pub scope: String,
    /// `points` of the completed polyline.
    pub done: String,
    /// `points` of the area under the completed line.
    pub done_area: String,
    /// From (start, 0) to (end, the latest scope).
    pub ideal: (Point, Point),
    /// The last values, for end markers.
    pub scope_end: Option<Point>,
    pub done_end: Option<Point>,
    /// Today's vertical line, when today is inside the cycle.
    pub today: Option<String>,
}

fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A step of 1, 2 or 5 times a power of ten giving about four intervals up
/// to `max`; at least 1 when only whole values occur.
pub fn nice_step(max: f64, whole: bool) -> f64 {
    let raw = (max / 4.0).max(f64::EPSILON);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    if whole { step.max(1.0) } else { step }
}

/// Lays out the chart. `days` are every day of the cycle; `series[i]` is
/// `(scope, completed)` at the end of `days[i]`, for the days so far.
pub fn build(days: &[Date], series: &[(f64, f64)], today: Date, size: Size) -> Chart {
    let whole = series
        .iter()
        .all(|(s, d)| s.fract() == 0.0 && d.fract() == 0.0);
    let max = series
        .iter()
        .map(|(s, d)| s.max(*d))
        .fold(0.0_f64, f64::max)
        .max(if whole { 4.0 } else { 1.0 });
    let step = nice_step(max, whole);
    let top_value = (max / step).ceil() * step;

    let (left, right, top) = (size.font * 3.2, size.width - 14.0, size.font);
    let bottom = size.height - size.font * 2.4;
    let slots = days.len().saturating_sub(1).max(1) as f64;
    let x = |i: usize| left + (right - left) * (i as f64) / slots;
    let y = |v: f64| bottom - (bottom - top) * v / top_value;
    let point = |i: usize, v: f64| Point {
        x: num(x(i)),
        y: num(y(v)),
    };
    let line = |pick: fn(&(f64, f64)) -> f64| -> String {
        series
            .iter()
            .enumerate()
            .map(|(i, v)| format!("{},{}", num(x(i)), num(y(pick(v)))))
            .collect::<Vec<_>>()
            .join(" ")
    };

    let mut y_ticks = Vec::new();
    let mut v = 0.0;
    while v <= top_value + step / 2.0 {
        y_ticks.push(Tick {
            at: num(y(v)),
            label: num(v),
        });
        v += step;
    }

    let every = days.len().div_ceil(size.max_labels.max(1)).max(1);
    let last = days.len().saturating_sub(1);
    let x_ticks = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            // Label every `every`-th day, and the last one when it does
            // not crowd the previous label.
            let labelled = i % every == 0 || (i == last && last % every > every / 2);
            Tick {
                at: num(x(i)),
                label: if labelled {
                    calendar::day_month(d)
                } else {
                    String::new()
                },
            }
        })
        .collect();

    let done = line(|v| v.1);
    let done_area = match series.len() {
        0 => String::new(),
        n => format!(
            "{},{} {done} {},{}",
            num(x(0)),
            num(bottom),
            num(x(n - 1)),
            num(bottom)
        ),
    };
    let latest_scope = series.last().map_or(0.0, |v| v.0);
    let today_at = days.iter().position(|d| *d == today);
    Chart {
        width: num(size.width),
        height: num(size.height),
        font: num(size.font),
        left: num(left),
        right: num(right),
        top: num(top),
        bottom: num(bottom),
        label_y: num(bottom + size.font * 1.6),
        value_x: num(left - 8.0),
        tick_end: num(bottom + 4.0),
        y_ticks,
        x_ticks,
        scope: line(|v| v.0),
        done,
        done_area,
        ideal: (point(0, 0.0), point(last, latest_scope)),
        scope_end: series.last().map(|v| point(series.len() - 1, v.0)),
        done_end: series.last().map(|v| point(series.len() - 1, v.1)),
        today: today_at.filter(|i| *i < last).map(|i| num(x(i))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(n: i64) -> Vec<Date> {
        let start = Date::parse("d", "2026-03-02").unwrap();
        (0..n).map(|i| start.add_days(i).unwrap()).collect()
    }

    #[test]
    fn steps_are_round_numbers() {
        let cases = [
            (4.0, true, 1.0),
            (10.0, true, 5.0),
            (13.0, true, 5.0),
            (40.0, true, 10.0),
            (100.0, true, 50.0),
            (2.0, false, 0.5),
            (3.0, true, 1.0),
        ];
        for (max, whole, want) in cases {
            assert_eq!(nice_step(max, whole), want, "{max} {whole}");
        }
    }

    #[test]
    fn lines_start_at_the_left_and_rise_with_the_values() {
        let size = Size {
            width: 130.0,
            height: 120.0,
            font: 10.0,
            max_labels: 5,
        };
        let d = days(5);
        let chart = build(&d, &[(8.0, 0.0), (8.0, 2.0), (10.0, 4.0)], d[2], size);
        // Plot from x 32 to 116, y 10 to 96; scope up to 10 → ticks 0..10 by 5... (step for 10 is 5)
        assert_eq!(chart.left, "32");
        assert_eq!(chart.right, "116");
        assert_eq!(chart.bottom, "96");
        assert_eq!(chart.scope, "32,27.2 53,27.2 74,10");
        assert_eq!(chart.done, "32,96 53,78.8 74,61.6");
        assert_eq!(chart.done_area, "32,96 32,96 53,78.8 74,61.6 74,96");
        let labels: Vec<&str> = chart.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "5", "10"]);
        // Ideal: from nothing at the start to the latest scope at the end.
        assert_eq!(
            chart.ideal.0,
            Point {
                x: "32".into(),
                y: "96".into()
            }
        );
        assert_eq!(
            chart.ideal.1,
            Point {
                x: "116".into(),
                y: "10".into()
            }
        );
        assert_eq!(chart.today.as_deref(), Some("74"));
        assert_eq!(chart.x_ticks[0].label, "2 Mar");
        assert_eq!(chart.x_ticks.len(), 5);
    }

    #[test]
    fn long_cycles_label_some_days_and_empty_series_draw_nothing() {
        let d = days(30);
        let chart = build(&d, &[], d[0], NARROW);
        let labelled = chart.x_ticks.iter().filter(|t| !t.label.is_empty()).count();
        assert!(labelled <= NARROW.max_labels + 1, "{labelled}");
        assert_eq!(chart.scope, "");
        assert_eq!(chart.done_area, "");
        assert!(chart.scope_end.is_none());
        // Whole numbers: at least four units tall, steps of one.
        let labels: Vec<&str> = chart.y_ticks.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["0", "1", "2", "3", "4"]);
    }
}
