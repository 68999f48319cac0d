//! Goals and key results: the SMART check, progress, health and the
//! forecast computed from check-ins (API.md "Computed fields").
//!
//! Everything here is pure: the day to judge by is passed in as `today`,
//! so time-based rules are tested at their boundaries without a clock.
//!
//! Choices where API.md is silent (also in docs/API-DESIGN.md):
//! - **current** is the value of the latest check-in (by date, then by the
//!   order recorded).
//! - **baseline** when not given is the first check-in's value, so a goal
//!   measured from "wherever we are now" still has a line to move along.
//! - **progress** is `null` when it cannot be measured: no target, or
//!   target equal to the baseline (no distance to cover). With no check-in
//!   yet, current is the baseline, so progress is 0.
//! - **start** of the goal's time is its created date, or the first
//!   check-in's date when that is earlier (a back-dated history).
//! - **elapsed** is the share of days from start to deadline gone by
//!   `today`, clamped to [0, 1]; a deadline on or before the start counts as
//!   fully elapsed.
//! - **health**: `not_started` with no check-in or no measurable progress;
//!   `done` when progress ≥ 1; without a deadline `on_track`; otherwise
//!   `off_track` when progress trails elapsed by more than 0.25, `at_risk`
//!   by more than 0.1, else `on_track` (a trail of exactly 0.1 or 0.25 is
//!   the milder state).
//! - **measure** `linked_features` replaces check-ins with the share of
//!   the goal's features shipped; see [`LinkedWork`] for that rule.
//! - **forecast** is the value a least-squares line through the check-ins
//!   (value against day) reaches on the deadline; `null` with fewer than
//!   two check-ins, all on one day, without a deadline, or if it is not a
//!   finite number.

use crate::FieldError;
use crate::time::Date;

/// Progress may trail elapsed time by this share before a goal is at risk.
pub const AT_RISK_GAP: f64 = 0.1;
/// Progress trailing elapsed time by more than this share is off track.
pub const OFF_TRACK_GAP: f64 = 0.25;
/// Slack for float rounding at the thresholds, so 0.5 − 0.4 counts as 0.1.
const EPSILON: f64 = 1e-9;
/// Largest magnitude accepted for baseline, target and check-in values:
/// far beyond any real metric, small enough that sums stay finite.
pub const MAX_VALUE: f64 = 1e12;

/// The fields the SMART check looks for, in the order they are reported.
pub const SMART_FIELDS: [&str; 5] = ["metric", "target", "deadline", "owner", "baseline"];

/// Why each SMART field matters, shown beside what is missing.
pub fn smart_reason(field: &str) -> &'static str {
    match field {
        "metric" => "Specific: without a metric nobody can tell what is being moved.",
        "target" => "Measurable: without a target there is no way to say it was reached.",
        "deadline" => "Time-bound: without a deadline progress cannot be judged against time.",
        "owner" => "Assignable: without an owner nobody is accountable for check-ins.",
        "baseline" => "Realistic: without a baseline the distance to cover is unknown.",
        _ => "",
    }
}

/// What the goal has of the SMART fields.
#[derive(Debug, Clone, Copy, Default)]
pub struct SmartInput {
    pub metric: bool,
    pub target: bool,
    pub deadline: bool,
    pub owner: bool,
    pub baseline: bool,
}

/// The SMART fields missing, in [`SMART_FIELDS`] order; empty means ok.
pub fn smart_missing(s: SmartInput) -> Vec<&'static str> {
    let have = [s.metric, s.target, s.deadline, s.owner, s.baseline];
    SMART_FIELDS
        .iter()
        .zip(have)
        .filter(|(_, h)| !h)
        .map(|(f, _)| *f)
        .collect()
}

/// A goal value (baseline, target, check-in): finite and within
/// ±[`MAX_VALUE`].
pub fn value(field: &str, v: f64) -> Result<f64, FieldError> {
    if v.is_finite() && v.abs() <= MAX_VALUE {
        Ok(v)
    } else {
        Err(FieldError::new(
            field,
            "must be a finite number within ±1000000000000",
        ))
    }
}

/// One check-in: the value measured on a day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CheckinPoint {
    pub date: Date,
    pub value: f64,
}

/// What the computations need of a goal.
#[derive(Debug, Clone)]
pub struct GoalInput {
    pub baseline: Option<f64>,
    pub target: Option<f64>,
    pub deadline: Option<Date>,
    pub created: Date,
    /// In the order recorded; need not be sorted by date.
    pub checkins: Vec<CheckinPoint>,
}

/// Health of a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    OnTrack,
    AtRisk,
    OffTrack,
    Done,
    NotStarted,
}

impl Health {
    pub fn as_str(&self) -> &'static str {
        match self {
            Health::OnTrack => "on_track",
            Health::AtRisk => "at_risk",
            Health::OffTrack => "off_track",
            Health::Done => "done",
            Health::NotStarted => "not_started",
        }
    }
}

/// The check-ins by date, ties kept in recorded order.
fn by_date(checkins: &[CheckinPoint]) -> Vec<CheckinPoint> {
    let mut v = checkins.to_vec();
    v.sort_by_key(|c| c.date);
    v
}

/// The latest check-in's value.
pub fn current(g: &GoalInput) -> Option<f64> {
    by_date(&g.checkins).last().map(|c| c.value)
}

/// The baseline given, else the first check-in's value.
pub fn effective_baseline(g: &GoalInput) -> Option<f64> {
    g.baseline
        .or_else(|| by_date(&g.checkins).first().map(|c| c.value))
}

/// The day the goal's time starts: created, or an earlier first check-in.
pub fn start(g: &GoalInput) -> Date {
    by_date(&g.checkins)
        .first()
        .map_or(g.created, |c| c.date.min(g.created))
}

/// (current − baseline) ÷ (target − baseline) clamped to [0, 1]; `None`
/// when there is no target or no distance between baseline and target.
pub fn progress(g: &GoalInput) -> Option<f64> {
    let target = g.target?;
    let Some(baseline) = effective_baseline(g) else {
        // No baseline and no check-in: nothing measured, nothing moved.
        return Some(0.0);
    };
    let span = target - baseline;
    if span == 0.0 || !span.is_finite() {
        return None;
    }
    let current = current(g).unwrap_or(baseline);
    let p = (current - baseline) / span;
    p.is_finite().then(|| p.clamp(0.0, 1.0))
}

/// Share of the days from start to deadline gone by `today`, in [0, 1].
pub fn elapsed(start: Date, deadline: Date, today: Date) -> f64 {
    let total = start.days_until(deadline);
    if total <= 0 {
        return 1.0;
    }
    (start.days_until(today) as f64 / total as f64).clamp(0.0, 1.0)
}

/// Health judged on `today`.
pub fn health(g: &GoalInput, today: Date) -> Health {
    if g.checkins.is_empty() {
        return Health::NotStarted;
    }
    let Some(p) = progress(g) else {
        return Health::NotStarted;
    };
    judge(p, start(g), g.deadline, today)
}

/// Health of measured progress `p`: done at 1, on track without a
/// deadline, else by how far `p` trails the time elapsed since `start`.
fn judge(p: f64, start: Date, deadline: Option<Date>, today: Date) -> Health {
    if p >= 1.0 {
        return Health::Done;
    }
    let Some(deadline) = deadline else {
        return Health::OnTrack;
    };
    let gap = elapsed(start, deadline, today) - p;
    if gap > OFF_TRACK_GAP + EPSILON {
        Health::OffTrack
    } else if gap > AT_RISK_GAP + EPSILON {
        Health::AtRisk
    } else {
        Health::OnTrack
    }
}

/// The value at the deadline on a least-squares line through the
/// check-ins (value against days since the first one).
pub fn forecast(g: &GoalInput) -> Option<f64> {
    trend_at(g, g.deadline?)
}

/// The value on `day` of the least-squares line through the check-ins:
/// the forecast is this line at the deadline, and charts draw it from the
/// latest check-in on. `None` as for [`forecast`].
pub fn trend_at(g: &GoalInput, day: Date) -> Option<f64> {
    let deadline = day;
    let points = by_date(&g.checkins);
    let first = points.first()?.date;
    if points.len() < 2 {
        return None;
    }
    let xs: Vec<f64> = points
        .iter()
        .map(|c| first.days_until(c.date) as f64)
        .collect();
    let n = points.len() as f64;
    let mean_x = xs.iter().sum::<f64>() / n;
    let mean_y = points.iter().map(|c| c.value).sum::<f64>() / n;
    let (mut sxy, mut sxx) = (0.0, 0.0);
    for (x, c) in xs.iter().zip(&points) {
        sxy += (x - mean_x) * (c.value - mean_y);
        sxx += (x - mean_x) * (x - mean_x);
    }
    if sxx == 0.0 {
        // Every check-in on one day: no trend to extend.
        return None;
    }
    let slope = sxy / sxx;
    let at = first.days_until(deadline) as f64;
    let f = mean_y + slope * (at - mean_x);
    f.is_finite().then_some(f)
}

/// How a goal is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Measure {
    /// By check-ins: the values people record.
    #[default]
    Manual,
    /// By the work linked to it: the share of its features shipped.
    LinkedFeatures,
}

impl Measure {
    pub fn parse(field: &str, s: &str) -> Result<Measure, FieldError> {
        match s.trim() {
            "manual" => Ok(Measure::Manual),
            "linked_features" => Ok(Measure::LinkedFeatures),
            _ => Err(FieldError::new(field, "must be manual or linked_features")),
        }
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Measure::Manual => "manual",
            Measure::LinkedFeatures => "linked_features",
        }
    }
}

/// The features a `linked_features` goal is measured by: those linked to
/// it directly or through an initiative, each counted once.
///
/// The rule: **declined features do not count** (they will not be built,
/// so they neither help nor hold the goal back); progress is shipped ÷
/// counted, `None` with nothing counted. Health is judged like a manual
/// goal's — `not_started` with nothing counted, `done` when every counted
/// feature has shipped, otherwise progress against the time elapsed from the goal's
/// creation to its deadline (`on_track` without a deadline). There is no
/// forecast: shipping is a step, not a trend a line can extend.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkedWork {
    /// Linked features not declined.
    pub counted: usize,
    /// Of those, shipped.
    pub shipped: usize,
}

impl LinkedWork {
    /// Counts feature statuses (`shipped`, `declined`, …), one per feature.
    pub fn of<'a>(statuses: impl IntoIterator<Item = &'a str>) -> LinkedWork {
        let mut w = LinkedWork::default();
        for s in statuses {
            match s {
                "declined" => {}
                "shipped" => {
                    w.counted += 1;
                    w.shipped += 1;
                }
                _ => w.counted += 1,
            }
        }
        w
    }
}

/// Shipped ÷ counted; `None` when no feature counts.
pub fn linked_progress(w: LinkedWork) -> Option<f64> {
    (w.counted > 0).then(|| w.shipped.min(w.counted) as f64 / w.counted as f64)
}

/// Health of a `linked_features` goal created on `created`, on `today`.
pub fn linked_health(w: LinkedWork, created: Date, deadline: Option<Date>, today: Date) -> Health {
    match linked_progress(w) {
        None => Health::NotStarted,
        Some(p) => judge(p, created, deadline, today),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Date {
        Date::parse("date", s).unwrap()
    }

    fn goal(baseline: Option<f64>, target: Option<f64>, checkins: &[(&str, f64)]) -> GoalInput {
        GoalInput {
            baseline,
            target,
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
    fn smart_lists_what_is_missing_in_order() {
        assert!(
            smart_missing(SmartInput {
                metric: true,
                target: true,
                deadline: true,
                owner: true,
                baseline: true
            })
            .is_empty()
        );
        assert_eq!(
            smart_missing(SmartInput::default()),
            vec!["metric", "target", "deadline", "owner", "baseline"]
        );
        let only_owner = SmartInput {
            owner: true,
            ..SmartInput::default()
        };
        assert_eq!(
            smart_missing(only_owner),
            vec!["metric", "target", "deadline", "baseline"]
        );
        for f in SMART_FIELDS {
            assert!(!smart_reason(f).is_empty());
        }
    }

    /// Check-ins as (date, value).
    type Points<'a> = &'a [(&'a str, f64)];
    /// baseline, target, check-ins → progress.
    type ProgressCase<'a> = (Option<f64>, Option<f64>, Points<'a>, Option<f64>);

    #[test]
    fn progress_case_table() {
        let cases: &[ProgressCase] = &[
            // baseline, target, check-ins → progress
            (Some(0.0), Some(100.0), &[], Some(0.0)),
            (Some(0.0), Some(100.0), &[("2026-01-02", 50.0)], Some(0.5)),
            (Some(0.0), Some(100.0), &[("2026-01-02", 100.0)], Some(1.0)),
            (Some(0.0), Some(100.0), &[("2026-01-02", 150.0)], Some(1.0)),
            (Some(0.0), Some(100.0), &[("2026-01-02", -5.0)], Some(0.0)),
            // Going down: churn from 10 to 4.
            (Some(10.0), Some(4.0), &[("2026-01-02", 7.0)], Some(0.5)),
            // Latest by date, not by recording order.
            (
                Some(0.0),
                Some(10.0),
                &[("2026-01-05", 8.0), ("2026-01-03", 2.0)],
                Some(0.8),
            ),
            // No target, or no distance: not measurable.
            (Some(0.0), None, &[("2026-01-02", 5.0)], None),
            (Some(5.0), Some(5.0), &[("2026-01-02", 5.0)], None),
            // No baseline: the first check-in is the baseline.
            (
                None,
                Some(20.0),
                &[("2026-01-02", 10.0), ("2026-01-04", 15.0)],
                Some(0.5),
            ),
            (None, Some(20.0), &[], Some(0.0)),
        ];
        for (b, t, c, want) in cases {
            assert_eq!(progress(&goal(*b, *t, c)), *want, "{b:?} {t:?} {c:?}");
        }
    }

    #[test]
    fn elapsed_boundaries() {
        let (s, e) = (d("2026-01-01"), d("2026-01-11"));
        assert_eq!(elapsed(s, e, d("2025-12-25")), 0.0);
        assert_eq!(elapsed(s, e, s), 0.0);
        assert_eq!(elapsed(s, e, d("2026-01-06")), 0.5);
        assert_eq!(elapsed(s, e, e), 1.0);
        assert_eq!(elapsed(s, e, d("2026-03-01")), 1.0);
        assert_eq!(elapsed(s, s, s), 1.0);
        assert_eq!(elapsed(e, s, s), 1.0);
    }

    #[test]
    fn health_case_table_at_the_thresholds() {
        // Created 2026-01-01, deadline 2026-01-11: day n is n/10 elapsed.
        let cases: &[(Points, &str, Health)] = &[
            (&[], "2026-01-06", Health::NotStarted),
            (&[("2026-01-02", 100.0)], "2026-01-06", Health::Done),
            (&[("2026-01-02", 50.0)], "2026-01-06", Health::OnTrack),
            // Trailing by exactly 0.1: still on track.
            (&[("2026-01-02", 40.0)], "2026-01-06", Health::OnTrack),
            (&[("2026-01-02", 39.0)], "2026-01-06", Health::AtRisk),
            // Trailing by exactly 0.25: at risk, not off track.
            (&[("2026-01-02", 25.0)], "2026-01-06", Health::AtRisk),
            (&[("2026-01-02", 24.0)], "2026-01-06", Health::OffTrack),
            // Past the deadline everything is elapsed.
            (&[("2026-01-02", 80.0)], "2026-02-01", Health::AtRisk),
            (&[("2026-01-02", 74.0)], "2026-02-01", Health::OffTrack),
            // Before the start nothing is elapsed.
            (&[("2026-01-02", 0.0)], "2025-12-01", Health::OnTrack),
        ];
        for (c, today, want) in cases {
            let g = goal(Some(0.0), Some(100.0), c);
            assert_eq!(health(&g, d(today)), *want, "{c:?} on {today}");
        }
        // Not measurable, or no deadline.
        let g = goal(Some(0.0), None, &[("2026-01-02", 1.0)]);
        assert_eq!(health(&g, d("2026-01-06")), Health::NotStarted);
        let mut g = goal(Some(0.0), Some(100.0), &[("2026-01-02", 1.0)]);
        g.deadline = None;
        assert_eq!(health(&g, d("2030-01-01")), Health::OnTrack);
    }

    #[test]
    fn start_is_created_or_an_earlier_checkin() {
        let g = goal(Some(0.0), Some(1.0), &[("2026-01-05", 0.0)]);
        assert_eq!(start(&g), d("2026-01-01"));
        let g = goal(Some(0.0), Some(1.0), &[("2025-12-22", 0.0)]);
        assert_eq!(start(&g), d("2025-12-22"));
    }

    #[test]
    fn forecast_case_table() {
        // A straight line: 10 a day from 0 on 2026-01-01 reaches 100 on the 11th.
        let g = goal(
            Some(0.0),
            Some(100.0),
            &[("2026-01-01", 0.0), ("2026-01-03", 20.0)],
        );
        assert_eq!(forecast(&g), Some(100.0));
        // Least squares through (0,0), (1,10), (2,0): flat at 10/3.
        let g = goal(
            None,
            None,
            &[
                ("2026-01-01", 0.0),
                ("2026-01-02", 10.0),
                ("2026-01-03", 0.0),
            ],
        );
        let f = forecast(&g).unwrap();
        assert!((f - 10.0 / 3.0).abs() < 1e-9, "{f}");
        // Fewer than two, all on one day, no deadline: none.
        assert_eq!(forecast(&goal(None, None, &[("2026-01-01", 1.0)])), None);
        assert_eq!(forecast(&goal(None, None, &[])), None);
        let same_day = goal(None, None, &[("2026-01-02", 1.0), ("2026-01-02", 3.0)]);
        assert_eq!(forecast(&same_day), None);
        let mut g = goal(None, None, &[("2026-01-01", 0.0), ("2026-01-02", 1.0)]);
        g.deadline = None;
        assert_eq!(forecast(&g), None);
    }

    #[test]
    fn values_are_finite_and_bounded() {
        assert!(value("target", 1.5).is_ok());
        assert!(value("target", -MAX_VALUE).is_ok());
        for bad in [f64::NAN, f64::INFINITY, MAX_VALUE * 2.0] {
            assert_eq!(value("target", bad).unwrap_err().field, "target");
        }
    }

    #[test]
    fn linked_features_case_table() {
        // Created 2026-01-01, deadline 2026-01-11; judged on the 6th (half).
        let cases: &[(&[&str], Option<f64>, Health)] = &[
            (&[], None, Health::NotStarted),
            (&["declined", "declined"], None, Health::NotStarted),
            (&["planned", "in_progress"], Some(0.0), Health::OffTrack),
            (&["shipped", "planned"], Some(0.5), Health::OnTrack),
            // Declined features leave the count: 1 of 2, not 1 of 3.
            (&["shipped", "declined", "idea"], Some(0.5), Health::OnTrack),
            (
                &["shipped", "planned", "idea"],
                Some(1.0 / 3.0),
                Health::AtRisk,
            ),
            (&["shipped", "shipped"], Some(1.0), Health::Done),
            (&["shipped", "declined"], Some(1.0), Health::Done),
        ];
        for (statuses, want, health) in cases {
            let w = LinkedWork::of(statuses.iter().copied());
            assert_eq!(linked_progress(w), *want, "{statuses:?}");
            assert_eq!(
                linked_health(w, d("2026-01-01"), Some(d("2026-01-11")), d("2026-01-06")),
                *health,
                "{statuses:?}"
            );
        }
        // Before any time has passed nothing trails; without a deadline
        // unfinished work is on track.
        let w = LinkedWork::of(["planned"]);
        assert_eq!(
            linked_health(w, d("2026-01-01"), Some(d("2026-01-11")), d("2026-01-01")),
            Health::OnTrack
        );
        assert_eq!(
            linked_health(w, d("2026-01-01"), None, d("2030-01-01")),
            Health::OnTrack
        );
        assert_eq!(
            Measure::parse("measure", "linked_features"),
            Ok(Measure::LinkedFeatures)
        );
        assert_eq!(
            Measure::parse("measure", "bogus").unwrap_err().field,
            "measure"
        );
    }

    fn any_value() -> impl Strategy<Value = f64> {
        -MAX_VALUE..=MAX_VALUE
    }

    fn any_goal() -> impl Strategy<Value = (GoalInput, Date)> {
        (
            proptest::option::of(any_value()),
            proptest::option::of(any_value()),
            proptest::option::of(-400i64..400),
            proptest::collection::vec((-400i64..400, any_value()), 0..8),
            -800i64..800,
        )
            .prop_map(|(baseline, target, deadline, checkins, today)| {
                let base = d("2026-01-01");
                let day = |n: i64| base.add_days(n).unwrap();
                (
                    GoalInput {
                        baseline,
                        target,
                        deadline: deadline.map(day),
                        created: base,
                        checkins: checkins
                            .into_iter()
                            .map(|(n, value)| CheckinPoint {
                                date: day(n),
                                value,
                            })
                            .collect(),
                    },
                    day(today),
                )
            })
    }

    proptest! {
        #[test]
        fn progress_is_finite_and_within_unit((g, _) in any_goal()) {
            if let Some(p) = progress(&g) {
                prop_assert!(p.is_finite() && (0.0..=1.0).contains(&p));
            }
        }

        #[test]
        fn forecast_is_finite((g, _) in any_goal()) {
            if let Some(f) = forecast(&g) {
                prop_assert!(f.is_finite());
            }
        }

        #[test]
        fn health_is_total_and_consistent((g, today) in any_goal()) {
            let h = health(&g, today);
            match progress(&g) {
                Some(p) if p >= 1.0 && !g.checkins.is_empty() => prop_assert_eq!(h, Health::Done),
                _ if g.checkins.is_empty() => prop_assert_eq!(h, Health::NotStarted),
                _ => prop_assert_ne!(h, Health::Done),
            }
        }

        #[test]
        fn elapsed_is_within_unit(a in -500i64..500, b in -500i64..500, t in -900i64..900) {
            let base = d("2026-01-01");
            let e = elapsed(base.add_days(a).unwrap(), base.add_days(b).unwrap(), base.add_days(t).unwrap());
            prop_assert!((0.0..=1.0).contains(&e));
        }
    }
}
