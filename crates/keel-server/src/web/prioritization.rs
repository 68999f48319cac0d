//! Prioritization on the web pages: the sorts the features list offers,
//! scores as people read them, the value/effort 2×2 drawn on the server,
//! and the score history of one feature in words.
//!
//! The chart returns numbers and texts for `value_effort.html` rather than
//! finished SVG, so askama escapes every feature title (see `docs/WEB.md`).

use keel_api_types::Feature;
use keel_domain::scoring::Quadrant;
use keel_store::repo::feature_scores::HistoryRow;

/// The sorts of the features page, as `?sort=` value and label. Demand
/// comes first because it is the page's default: it needs no scoring.
pub const SORTS: [(&str, &str); 6] = [
    ("demand", "Demand"),
    ("rice", "RICE"),
    ("wsjf", "WSJF"),
    ("value_effort", "Value ÷ effort"),
    ("manual", "Manual order"),
    ("newest", "Newest"),
];

/// The sort asked for, or demand when none or an unknown one is asked (a
/// page should show something rather than an error for a stale link).
pub fn sort_of(asked: Option<&str>) -> &'static str {
    SORTS
        .iter()
        .map(|(s, _)| *s)
        .find(|s| Some(*s) == asked.map(str::trim))
        .unwrap_or("demand")
}

/// A score for a table cell: at most two decimals, no trailing zeros, and a
/// dash when there is none.
pub fn score(v: &Option<f64>) -> String {
    match *v {
        Some(v) => {
            let s = format!("{v:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        None => "—".to_string(),
    }
}

/// An optional number as the value of a form field (empty when unset).
pub fn input(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

/// The score inputs of a feature as form field values (empty = not set).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ScoreForm {
    pub reach: String,
    pub impact: String,
    pub confidence: String,
    pub rice_effort: String,
    pub business_value: String,
    pub time_criticality: String,
    pub risk_reduction: String,
    pub job_size: String,
    pub value: String,
    pub effort: String,
    pub moscow: String,
    /// The distinct customers behind the feature: RICE's reach when the
    /// reach field is left blank.
    pub linked_customers: i64,
}

impl ScoreForm {
    pub fn of(f: &Feature) -> Self {
        let int = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        ScoreForm {
            reach: input(f.rice.and_then(|r| r.reach)),
            impact: input(f.rice.map(|r| r.impact)),
            confidence: input(f.rice.map(|r| r.confidence)),
            rice_effort: input(f.rice.map(|r| r.effort)),
            business_value: input(f.wsjf.map(|w| w.business_value)),
            time_criticality: input(f.wsjf.map(|w| w.time_criticality)),
            risk_reduction: input(f.wsjf.map(|w| w.risk_reduction)),
            job_size: input(f.wsjf.map(|w| w.job_size)),
            value: int(f.scores.value),
            effort: int(f.scores.effort),
            moscow: f.scores.moscow.clone().unwrap_or_default(),
            linked_customers: f.demand.customer_count,
        }
    }
}

/// The RICE impact scale with the words teams use for it.
pub const IMPACTS: [(&str, &str); 5] = [
    ("3", "3 — massive"),
    ("2", "2 — high"),
    ("1", "1 — medium"),
    ("0.5", "0.5 — low"),
    ("0.25", "0.25 — minimal"),
];

/// MoSCoW values and labels.
pub const MOSCOWS: [(&str, &str); 4] = [
    ("must", "Must have"),
    ("should", "Should have"),
    ("could", "Could have"),
    ("wont", "Won't have (this time)"),
];

/// What a score-history field is called on the page.
pub fn field_label(field: &str) -> &str {
    match field {
        "rice.reach" => "RICE reach",
        "rice.impact" => "RICE impact",
        "rice.confidence" => "RICE confidence",
        "rice.effort" => "RICE effort",
        "wsjf.business_value" => "WSJF business value",
        "wsjf.time_criticality" => "WSJF time criticality",
        "wsjf.risk_reduction" => "WSJF risk reduction",
        "wsjf.job_size" => "WSJF job size",
        "value" => "Value",
        "effort" => "Effort",
        "moscow" => "MoSCoW",
        "manual_rank" => "Manual rank",
        other => other,
    }
}

/// One line of the score history as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryLine {
    pub what: String,
    pub from: String,
    pub to: String,
    pub reason: String,
    pub by: String,
    pub at: String,
    /// `at` for people without script: "2026-11-26 06:00 UTC".
    pub at_text: String,
    /// A move in the manual order (shown with its reason up front).
    pub rank: bool,
}

/// The history newest first, each change in words.
pub fn history(items: &[HistoryRow]) -> Vec<HistoryLine> {
    items
        .iter()
        .rev()
        .map(|c| HistoryLine {
            what: field_label(&c.field).to_string(),
            from: c.old_value.clone().unwrap_or_else(|| "—".into()),
            to: c.new_value.clone().unwrap_or_else(|| "—".into()),
            reason: c.reason.clone(),
            by: c.actor_name.clone(),
            at: c.created_at.clone(),
            at_text: format!(
                "{} UTC",
                c.created_at
                    .chars()
                    .take(16)
                    .collect::<String>()
                    .replace('T', " ")
            ),
            rank: c.field == "manual_rank",
        })
        .collect()
}

/// The drawing's size in SVG units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;
/// Labels longer than this are cut (the full title is in the tooltip).
const LABEL_CHARS: usize = 26;

/// A named quarter of the 2×2.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    pub name: &'static str,
    /// Where the name sits (inside the region's outer corner).
    pub label_x: String,
    pub label_y: String,
    pub anchor: &'static str,
    /// `quick-win`, `big-bet`, `fill-in` or `money-pit`, for colour.
    pub class: &'static str,
}

/// A feature on the 2×2.
#[derive(Debug, Clone, PartialEq)]
pub struct Dot {
    pub id: String,
    pub x: String,
    pub y: String,
    pub label: String,
    pub label_x: String,
    pub label_y: String,
    pub anchor: &'static str,
    /// Full title, ratings and quadrant, for the tooltip and screen readers.
    pub title: String,
}

/// Everything `value_effort.html` draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    pub width: String,
    pub height: String,
    pub plot_left: String,
    pub plot_right: String,
    pub plot_top: String,
    pub plot_bottom: String,
    pub mid_x: String,
    pub mid_y: String,
    pub x_label_x: String,
    pub x_label_y: String,
    pub y_label_x: String,
    pub y_label_y: String,
    pub regions: Vec<Region>,
    pub dots: Vec<Dot>,
    /// Features not on the chart because value or effort is not rated.
    pub unrated: usize,
}

fn n(v: f64) -> String {
    format!("{v:.1}")
}

fn class_of(q: Quadrant) -> &'static str {
    match q {
        Quadrant::QuickWin => "quick-win",
        Quadrant::BigBet => "big-bet",
        Quadrant::FillIn => "fill-in",
        Quadrant::MoneyPit => "money-pit",
    }
}

fn cut(title: &str) -> String {
    if title.chars().count() <= LABEL_CHARS {
        title.to_string()
    } else {
        let head: String = title.chars().take(LABEL_CHARS - 1).collect();
        format!("{}…", head.trim_end())
    }
}

/// What the 2×2 needs of a feature.
#[derive(Debug, Clone, Copy)]
pub struct Rated<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub value: Option<i64>,
    pub effort: Option<i64>,
}

impl<'a> Rated<'a> {
    pub fn of(f: &'a Feature) -> Self {
        Rated {
            id: &f.id,
            title: &f.title,
            value: f.scores.value,
            effort: f.scores.effort,
        }
    }
}

/// Lays out the 2×2: effort along x (low left), value up y (high top), each
/// rating 1–10 in the middle of its tenth so the quadrant line (between 5
/// and 6, where [`Quadrant::of`] turns "high") is the centre line. Features
/// with the same ratings are stacked so none hides another.
pub fn matrix(features: &[Rated<'_>]) -> Matrix {
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let x_of = |effort: i64| LEFT + (effort as f64 - 0.5) / 10.0 * plot_w;
    let y_of = |value: i64| TOP + (1.0 - (value as f64 - 0.5) / 10.0) * plot_h;
    let (mid_x, mid_y) = (LEFT + plot_w / 2.0, TOP + plot_h / 2.0);
    let region = |q: Quadrant, right: bool, bottom: bool| Region {
        x: n(if right { mid_x } else { LEFT }),
        y: n(if bottom { mid_y } else { TOP }),
        width: n(plot_w / 2.0),
        height: n(plot_h / 2.0),
        name: q.label(),
        label_x: n(if right {
            LEFT + plot_w - 8.0
        } else {
            LEFT + 8.0
        }),
        label_y: n(if bottom {
            TOP + plot_h - 8.0
        } else {
            TOP + 18.0
        }),
        anchor: if right { "end" } else { "start" },
        class: class_of(q),
    };
    let regions = vec![
        region(Quadrant::QuickWin, false, false),
        region(Quadrant::BigBet, true, false),
        region(Quadrant::FillIn, false, true),
        region(Quadrant::MoneyPit, true, true),
    ];
    let mut placed: Vec<(i64, i64)> = Vec::new();
    let mut dots = Vec::new();
    let mut unrated = 0;
    for f in features {
        let (Some(value), Some(effort)) = (f.value, f.effort) else {
            unrated += 1;
            continue;
        };
        // The how-many-th feature on this cell: each further one sits a
        // line lower, so its dot and label stay readable.
        let nth = placed.iter().filter(|p| **p == (value, effort)).count() as f64;
        placed.push((value, effort));
        let (x, y) = (x_of(effort), y_of(value) + nth * 14.0);
        let right_half = effort > 5;
        dots.push(Dot {
            id: f.id.to_string(),
            x: n(x),
            y: n(y),
            label: cut(f.title),
            label_x: n(if right_half { x - 9.0 } else { x + 9.0 }),
            label_y: n(y + 4.0),
            anchor: if right_half { "end" } else { "start" },
            title: format!(
                "{}: value {value}, effort {effort} ({})",
                f.title,
                Quadrant::of(value, effort).label()
            ),
        });
    }
    Matrix {
        width: n(WIDTH),
        height: n(HEIGHT),
        plot_left: n(LEFT),
        plot_right: n(LEFT + plot_w),
        plot_top: n(TOP),
        plot_bottom: n(TOP + plot_h),
        mid_x: n(mid_x),
        mid_y: n(mid_y),
        x_label_x: n(mid_x),
        x_label_y: n(HEIGHT - 12.0),
        y_label_x: n(16.0),
        y_label_y: n(mid_y),
        regions,
        dots,
        unrated,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    fn feature<'a>(
        id: &'a str,
        title: &'a str,
        value: Option<i64>,
        effort: Option<i64>,
    ) -> Rated<'a> {
        Rated {
            id,
            title,
            value,
            effort,
        }
    }

    #[test]
    fn sorts_fall_back_to_demand() {
        let cases = [
            (None, "demand"),
            (Some("rice"), "rice"),
            (Some(" manual "), "manual"),
            (Some("value_effort"), "value_effort"),
            (Some("title"), "demand"),
            (Some("<script>"), "demand"),
        ];
        for (asked, want) in cases {
            assert_eq!(sort_of(asked), want, "{asked:?}");
        }
    }

    #[test]
    fn scores_read_well() {
        let cases = [
            (None, "—"),
            (Some(0.0), "0"),
            (Some(400.0), "400"),
            (Some(2.5), "2.5"),
            (Some(1.0 / 3.0), "0.33"),
        ];
        for (v, want) in cases {
            assert_eq!(score(&v), want);
        }
    }

    #[test]
    fn dots_fall_in_their_quadrant_and_unrated_are_counted() {
        let features = [
            feature("a", "Quick", Some(9), Some(2)),
            feature("b", "Bet", Some(8), Some(9)),
            feature("c", "Fill", Some(2), Some(3)),
            feature("d", "Pit", Some(1), Some(10)),
            feature("e", "Unrated", Some(5), None),
        ];
        let m = matrix(&features);
        assert_eq!(m.unrated, 1);
        assert_eq!(m.dots.len(), 4);
        let mid_x: f64 = m.mid_x.parse().unwrap();
        let mid_y: f64 = m.mid_y.parse().unwrap();
        let at = |d: &Dot| -> (f64, f64) { (d.x.parse().unwrap(), d.y.parse().unwrap()) };
        // (left of the middle, above the middle) for each quadrant.
        let want = [(true, true), (false, true), (true, false), (false, false)];
        for (d, (left, above)) in m.dots.iter().zip(want) {
            let (x, y) = at(d);
            assert_eq!((x < mid_x, y < mid_y), (left, above), "{}", d.title);
        }
        let names: Vec<&str> = m.regions.iter().map(|r| r.name).collect();
        assert_eq!(names, ["Quick wins", "Big bets", "Fill-ins", "Money pits"]);
        assert!(m.dots[0].title.contains("Quick wins"));
    }

    #[test]
    fn equal_ratings_are_stacked_and_long_titles_cut() {
        let long = "A very long feature title that would run off the chart";
        let features = [
            feature("a", long, Some(6), Some(6)),
            feature("b", "Other", Some(6), Some(6)),
        ];
        let m = matrix(&features);
        assert_eq!(m.dots[0].x, m.dots[1].x);
        assert_ne!(m.dots[0].y, m.dots[1].y);
        assert!(m.dots[0].label.ends_with('…'));
        assert!(m.dots[0].label.chars().count() <= LABEL_CHARS);
        assert!(m.dots[0].title.starts_with(long));
        // On the right half the label reads leftwards, away from the edge.
        assert_eq!(m.dots[0].anchor, "end");
    }

    #[test]
    fn history_is_newest_first_in_words() {
        let change =
            |id: &str, field: &str, old: Option<&str>, new: &str, reason: &str| HistoryRow {
                id: id.into(),
                feature_id: "f".into(),
                field: field.into(),
                old_value: old.map(Into::into),
                new_value: Some(new.into()),
                reason: reason.into(),
                actor_id: "u".into(),
                actor_name: "Ada".into(),
                actor_email: "ada@example.com".into(),
                created_at: "2026-11-26T06:00:00Z".into(),
            };
        let lines = history(&[
            change("1", "rice.effort", None, "2", ""),
            change("2", "manual_rank", Some("3"), "1", "Biggest customer asked"),
        ]);
        assert_eq!(lines[0].what, "Manual rank");
        assert!(lines[0].rank);
        assert_eq!((lines[0].from.as_str(), lines[0].to.as_str()), ("3", "1"));
        assert_eq!(lines[0].reason, "Biggest customer asked");
        assert_eq!(lines[0].at_text, "2026-11-26 06:00 UTC");
        assert_eq!(lines[1].what, "RICE effort");
        assert_eq!(lines[1].from, "—");
        assert!(!lines[1].rank);
    }
}
