//! A goal's chart, drawn on the server: the check-ins as a line against
//! the ideal line — from the baseline on the day the goal's time starts to
//! the target on the deadline — and the forecast, the least-squares trend
//! from the latest check-in to the deadline, dashed. Like the burn-up
//! (`burnup.rs`, whose sizes and ticks it shares), it yields coordinates
//! as attribute text for an SVG template, so the page needs no script.

use super::burnup::{Point, Size, Tick, nice_step};
use super::calendar;
use keel_domain::goals::{self as rules, GoalInput};
use keel_domain::time::Date;

/// Everything the template draws.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalChart {
    pub width: String,
    pub height: String,
    pub font: String,
    pub left: String,
    pub right: String,
    pub top: String,
    pub bottom: String,
    pub label_y: String,
    pub value_x: String,
    pub tick_end: String,
    pub y_ticks: Vec<Tick>,
    pub x_ticks: Vec<Tick>,
    /// `points` of the check-ins polyline, by date.
    pub actual: String,
    /// One marker per check-in.
    pub dots: Vec<Point>,
    /// Baseline at the start to target at the deadline, when both exist.
    pub ideal: Option<(Point, Point)>,
    /// The trend from the latest check-in to the deadline.
    pub forecast: Option<(Point, Point)>,
    /// The target's height, for a horizontal guide.
    pub target: Option<String>,
    /// Today's vertical line, when today falls inside the drawn days.
    pub today: Option<String>,
}

/// A coordinate rounded to a tenth, without a trailing ".0".
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r.fract() == 0.0 {
        format!("{r:.0}")
    } else {
        format!("{r:.1}")
    }
}

/// A value label short enough for the axis: 1500 → "1.5k", 2e6 → "2M".
pub fn short(v: f64) -> String {
    let (n, unit) = match v.abs() {
        a if a >= 1e9 => (v / 1e9, "G"),
        a if a >= 1e6 => (v / 1e6, "M"),
        a if a >= 1e4 => (v / 1e3, "k"),
        _ => (v, ""),
    };
    let s = format!("{n:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s = if s == "-0" { "0" } else { s };
    format!("{s}{unit}")
}

/// Lays out the chart of `g` judged on `today`; `None` when there is
/// nothing to draw (no check-in and no baseline-to-target line).
pub fn build(g: &GoalInput, today: Date, size: Size) -> Option<GoalChart> {
    let mut points = g.checkins.clone();
    points.sort_by_key(|c| c.date);
    let start = rules::start(g);
    let baseline = rules::effective_baseline(g);
    let ideal = match (baseline, g.target, g.deadline) {
        (Some(b), Some(t), Some(d)) => Some(((start, b), (d, t))),
        _ => None,
    };
    if points.is_empty() && ideal.is_none() {
        return None;
    }
    let forecast = match (points.last(), g.deadline) {
        (Some(last), Some(d)) if d > last.date => rules::trend_at(g, last.date)
            .zip(rules::forecast(g))
            .map(|(from, to)| ((last.date, from), (d, to))),
        _ => None,
    };

    // Days: from the start to the latest of deadline and last check-in
    // (today when neither lies ahead), at least one day wide.
    let last_day = [g.deadline, points.last().map(|c| c.date)]
        .into_iter()
        .flatten()
        .max()
        .unwrap_or(today);
    let end = if last_day > start {
        last_day
    } else {
        start.add_days(1).unwrap_or(start)
    };
    let span = start.days_until(end).max(1) as f64;

    // Values: everything drawn, padded to nice steps.
    let mut values: Vec<f64> = points.iter().map(|c| c.value).collect();
    values.extend(baseline);
    values.extend(g.target);
    if let Some((a, b)) = forecast {
        values.extend([a.1, b.1]);
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    // A range the floats cannot step through in a few ticks (flat, or
    // values a rounding error apart near 1e12) is widened, so ticks stay
    // distinct and the scale has a height.
    let pad = lo.abs().max(hi.abs()) * 1e-6;
    let (lo, hi) = if hi - lo > pad {
        (lo, hi)
    } else {
        (lo - pad.max(1.0), hi + pad.max(1.0))
    };
    let step = nice_step(hi - lo, false);
    let (bottom_value, top_value) = ((lo / step).floor() * step, (hi / step).ceil() * step);

    let (left, right, top) = (size.font * 3.6, size.width - 14.0, size.font);
    let bottom = size.height - size.font * 2.4;
    let x = |d: Date| left + (right - left) * (start.days_until(d) as f64 / span);
    let y = |v: f64| bottom - (bottom - top) * (v - bottom_value) / (top_value - bottom_value);
    let point = |(d, v): (Date, f64)| Point {
        x: num(x(d)),
        y: num(y(v)),
    };

    // Counted, not summed: adding `step` to a large value may not change it.
    let intervals = ((top_value - bottom_value) / step).round().clamp(1.0, 20.0) as u32;
    let y_ticks = (0..=intervals)
        .map(|i| {
            let v = bottom_value + f64::from(i) * step;
            Tick {
                at: num(y(v)),
                label: short(v),
            }
        })
        .collect();
    // Dates are wider than the burn-up's day numbers: at most eight.
    let labels = size.max_labels.clamp(2, 8) as i64;
    let every = (start.days_until(end) / (labels - 1)).max(1);
    let mut x_ticks = Vec::new();
    let mut n = 0;
    while let Some(d) = start.add_days(n).filter(|d| *d < end) {
        // A tick close before the end keeps its mark but not its label,
        // so the end's label is not crowded.
        let near_end = n != 0 && start.days_until(end) - n < (every + 1) / 2;
        x_ticks.push(Tick {
            at: num(x(d)),
            label: if near_end {
                String::new()
            } else {
                calendar::day_month(&d)
            },
        });
        n += every;
    }
    x_ticks.push(Tick {
        at: num(x(end)),
        label: calendar::day_month(&end),
    });

    Some(GoalChart {
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
        actual: points
            .iter()
            .map(|c| format!("{},{}", num(x(c.date)), num(y(c.value))))
            .collect::<Vec<_>>()
            .join(" "),
        dots: points.iter().map(|c| point((c.date, c.value))).collect(),
        ideal: ideal.map(|(a, b)| (point(a), point(b))),
        forecast: forecast.map(|(a, b)| (point(a), point(b))),
        target: g.target.map(|t| num(y(t))),
        today: (today > start && today < end).then(|| num(x(today))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_domain::goals::CheckinPoint;

    fn d(s: &str) -> Date {
        Date::parse("date", s).unwrap()
    }

    const SIZE: Size = Size {
        width: 1000.0,
        height: 300.0,
        font: 10.0,
        max_labels: 6,
    };

    fn goal(checkins: &[(&str, f64)]) -> GoalInput {
        GoalInput {
            baseline: Some(0.0),
            target: Some(100.0),
            deadline: Some(d("2026-01-11")),
            created: d("2026-01-01"),
            checkins: checkins
                .iter()
                .map(|(s, v)| CheckinPoint {
                    date: d(s),
                    value: *v,
                })
                .collect(),
        }
    }

    #[test]
    fn lines_run_from_baseline_to_target_with_the_trend_dashed_on() {
        // Plot: x from 36 (Jan 1) to 986 (Jan 11), 95 a day; y from 276
        // (value 0) to 10 (value 100).
        let c = build(
            &goal(&[("2026-01-03", 20.0), ("2026-01-05", 40.0)]),
            d("2026-01-06"),
            SIZE,
        )
        .unwrap();
        let (a, b) = c.ideal.clone().unwrap();
        assert_eq!((a.x.as_str(), a.y.as_str()), ("36", "276"));
        assert_eq!((b.x.as_str(), b.y.as_str()), ("986", "10"));
        assert_eq!(c.actual, "226,222.8 416,169.6");
        assert_eq!(c.dots.len(), 2);
        // 10 a day from 40 on Jan 5 reaches 100 on Jan 11: on the ideal's end.
        let (f0, f1) = c.forecast.clone().unwrap();
        assert_eq!((f0.x.as_str(), f0.y.as_str()), ("416", "169.6"));
        assert_eq!((f1.x.as_str(), f1.y.as_str()), ("986", "10"));
        assert_eq!(c.target.as_deref(), Some("10"));
        assert_eq!(c.today.as_deref(), Some("511"));
        assert_eq!(c.y_ticks.first().unwrap().label, "0");
        assert_eq!(c.y_ticks.last().unwrap().label, "100");
        assert_eq!(c.x_ticks.first().unwrap().label, "1 Jan");
        assert_eq!(c.x_ticks.last().unwrap().label, "11 Jan");
    }

    #[test]
    fn nothing_to_draw_and_partial_goals() {
        let mut g = goal(&[]);
        g.target = None;
        assert_eq!(build(&g, d("2026-01-02"), SIZE), None);
        // A goal with only the plan draws the ideal line, no trend.
        let c = build(&goal(&[]), d("2026-01-02"), SIZE).unwrap();
        assert!(c.ideal.is_some() && c.forecast.is_none() && c.actual.is_empty());
        // One check-in: no trend; past the deadline: no today line.
        let c = build(&goal(&[("2026-01-04", 5.0)]), d("2026-02-01"), SIZE).unwrap();
        assert!(c.forecast.is_none() && c.today.is_none());
        // No deadline: drawn up to the last check-in, values alone.
        let mut g = goal(&[("2026-01-02", 3.0), ("2026-01-02", 3.0)]);
        g.deadline = None;
        let c = build(&g, d("2026-01-02"), SIZE).unwrap();
        assert!(c.ideal.is_none() && c.forecast.is_none());
        assert!(c.y_ticks.len() >= 2, "a flat series still gets a scale");
    }

    #[test]
    fn values_a_rounding_error_apart_still_get_a_few_ticks() {
        // 1e12 and the float below it: a step of their difference cannot
        // be added to either, which once looped for ever.
        let mut g = goal(&[("2026-01-03", 1e12)]);
        g.baseline = Some(1e12);
        g.target = Some(999_999_999_999.999_9);
        let c = build(&g, d("2026-01-06"), SIZE).unwrap();
        assert!((2..=21).contains(&c.y_ticks.len()), "{}", c.y_ticks.len());
        let at: Vec<f64> = c.y_ticks.iter().map(|t| t.at.parse().unwrap()).collect();
        assert!(at.windows(2).all(|w| w[0] > w[1]), "ticks rise: {at:?}");
    }

    #[test]
    fn going_down_and_short_labels() {
        let mut g = goal(&[("2026-01-06", 7.0)]);
        g.baseline = Some(10.0);
        g.target = Some(4.0);
        let c = build(&g, d("2026-01-06"), SIZE).unwrap();
        let (a, b) = c.ideal.unwrap();
        let (ay, by): (f64, f64) = (a.y.parse().unwrap(), b.y.parse().unwrap());
        assert!(ay < by, "the line falls toward a lower target");
        for (v, want) in [
            (0.0, "0"),
            (12.5, "12.5"),
            (15_000.0, "15k"),
            (2_500_000.0, "2.5M"),
            (-3e9, "-3G"),
        ] {
            assert_eq!(short(v), want);
        }
    }
}
