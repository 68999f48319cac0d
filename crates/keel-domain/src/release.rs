//! Releases: the version label, the planned → shipped status, which section
//! of the release notes each item of the scope goes in, and progress and
//! burn-up over the scope's tasks.
//!
//! A release's task scope is the tasks put in it directly plus the tasks of
//! its features; canceled tasks leave the scope (like in a cycle), so
//! progress measures what is still meant to ship.

use crate::FieldError;
use crate::cycle::{self, CycleDates, ScopeSpan, Tally};
use crate::insight::FeatureType;
use crate::task::TaskType;
use crate::time::{Date, Timestamp};

vocabulary! {
    /// Where a release is: planned until shipped, once.
    ReleaseStatus {
        Planned => "planned",
        Shipped => "shipped",
    }
}

/// Longest version label, in characters.
pub const MAX_VERSION_CHARS: usize = 40;

/// A release's version label (`1.4.0`, `2026.11`, `v2-beta`): trimmed, one
/// to [`MAX_VERSION_CHARS`] characters of letters, digits and `. _ - +`, so
/// it reads the same in a URL, a file name, a feed and a calendar.
pub fn version_label(field: &str, s: &str) -> Result<String, FieldError> {
    let v = s.trim();
    if v.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if v.chars().count() > MAX_VERSION_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_VERSION_CHARS} characters"),
        ));
    }
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
    {
        return Err(FieldError::new(
            field,
            "may contain only letters, digits and . _ - +",
        ));
    }
    Ok(v.to_string())
}

/// The section of the release notes an item goes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NoteKind {
    New,
    Improved,
    Fixed,
}

impl NoteKind {
    pub const ALL: [NoteKind; 3] = [NoteKind::New, NoteKind::Improved, NoteKind::Fixed];

    pub fn as_str(&self) -> &'static str {
        match self {
            NoteKind::New => "new",
            NoteKind::Improved => "improved",
            NoteKind::Fixed => "fixed",
        }
    }

    /// The section heading customers read.
    pub fn heading(&self) -> &'static str {
        match self {
            NoteKind::New => "New",
            NoteKind::Improved => "Improved",
            NoteKind::Fixed => "Fixed",
        }
    }

    /// A feature's section, from its type: a new capability is new, an
    /// improvement improved. Tech debt a customer can notice is something
    /// that no longer goes wrong (slowness, errors), so it is "fixed";
    /// tech debt customers would not notice is given no customer summary
    /// and can be left out of the release instead.
    pub fn of_feature(t: FeatureType) -> NoteKind {
        match t {
            FeatureType::NewCapability => NoteKind::New,
            FeatureType::Improvement => NoteKind::Improved,
            FeatureType::TechDebt => NoteKind::Fixed,
        }
    }

    /// A task put in a release on its own: only bugs reach the notes (as
    /// "fixed", by title); other loose tasks are engineering work whose
    /// customer-facing side belongs to a feature.
    pub fn of_task(t: TaskType) -> Option<NoteKind> {
        (t == TaskType::Bug).then_some(NoteKind::Fixed)
    }
}

/// One task of a release's scope, as progress and burn-up need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeTask {
    pub task_id: String,
    /// When it joined the scope: the later of the task's creation and its
    /// (or its feature's) addition to the release.
    pub added_at: Timestamp,
    /// The estimate, 0 without one.
    pub points: f64,
    pub outcome: cycle::Outcome,
}

/// Done share of a release's scope.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Progress {
    pub tally: Tally,
    /// Done points ÷ scope points when any task is estimated, else done
    /// tasks ÷ scope tasks; `None` with no tasks in scope.
    pub share: Option<f64>,
}

fn spans(tasks: &[ScopeTask]) -> Vec<ScopeSpan> {
    tasks
        .iter()
        .map(|t| ScopeSpan {
            task_id: t.task_id.clone(),
            added_at: t.added_at,
            removed_at: None,
            points: t.points,
            outcome: t.outcome,
        })
        .collect()
}

/// The share of a tally that is done (see [`Progress::share`]).
pub fn share(t: &Tally) -> Option<f64> {
    if t.scope_points > 0.0 {
        Some((t.done_points / t.scope_points).clamp(0.0, 1.0))
    } else if t.scope_tasks > 0 {
        Some(t.done_tasks as f64 / t.scope_tasks as f64)
    } else {
        None
    }
}

/// Progress of the scope as of `now`.
pub fn progress(tasks: &[ScopeTask], now: Timestamp) -> Progress {
    // Just after now, so work done this very second counts.
    let at = Timestamp::from_datetime(now.datetime() + time::Duration::seconds(1));
    let tally = cycle::tally_at(&spans(tasks), at);
    Progress {
        tally,
        share: share(&tally),
    }
}

/// The days a release's burn-up covers: from the day it was created to its
/// ship date, else to the later of its target date and `today` (a late
/// release keeps growing its chart), at most `max_days` days ending at the
/// last one so the chart stays readable; always at least two days.
pub fn burnup_days(
    created: Date,
    target: Option<Date>,
    shipped: Option<Date>,
    today: Date,
    max_days: i64,
) -> Option<CycleDates> {
    let end = match (shipped, target) {
        (Some(s), _) => s,
        (None, Some(t)) => t.max(today),
        (None, None) => today,
    };
    let end = end.max(created);
    let start = match end.add_days(-(max_days - 1).max(1)) {
        Some(earliest) => created.max(earliest),
        None => created,
    };
    // A chart needs two days: one made and shipped the same day starts
    // the day before.
    let start = if start < end {
        start
    } else {
        end.add_days(-1)?
    };
    CycleDates::new(start, end).ok()
}

/// The burn-up: the tally at the end of each day of `dates` up to `today`.
pub fn burnup(dates: &CycleDates, tasks: &[ScopeTask], today: Date) -> Vec<cycle::BurnupDay> {
    cycle::burnup(dates, &spans(tasks), today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cycle::Outcome;
    use proptest::prelude::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse("t", s).unwrap()
    }

    fn d(s: &str) -> Date {
        Date::parse("d", s).unwrap()
    }

    fn task(id: &str, points: f64, outcome: Outcome) -> ScopeTask {
        ScopeTask {
            task_id: id.into(),
            added_at: t("2026-03-01T09:00:00Z"),
            points,
            outcome,
        }
    }

    #[test]
    fn version_labels() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("1.4.0", Ok("1.4.0")),
            ("  2026.11 ", Ok("2026.11")),
            ("v2-beta+3", Ok("v2-beta+3")),
            ("", Err("must not be empty")),
            ("   ", Err("must not be empty")),
            (
                "1.0 final",
                Err("may contain only letters, digits and . _ - +"),
            ),
            ("1/2", Err("may contain only letters, digits and . _ - +")),
            ("<b>", Err("may contain only letters, digits and . _ - +")),
        ];
        for (input, want) in cases {
            let got = version_label("version", input);
            match want {
                Ok(v) => assert_eq!(got.as_deref(), Ok(*v), "{input:?}"),
                Err(m) => {
                    let e = got.unwrap_err();
                    assert_eq!((e.field.as_str(), e.message.as_str()), ("version", *m));
                }
            }
        }
        assert!(version_label("version", &"1".repeat(41)).is_err());
        assert!(version_label("version", &"1".repeat(40)).is_ok());
    }

    #[test]
    fn note_sections() {
        let cases = [
            (FeatureType::NewCapability, NoteKind::New),
            (FeatureType::Improvement, NoteKind::Improved),
            (FeatureType::TechDebt, NoteKind::Fixed),
        ];
        for (t, k) in cases {
            assert_eq!(NoteKind::of_feature(t), k, "{t:?}");
        }
        for t in TaskType::ALL {
            let want = if *t == TaskType::Bug {
                Some(NoteKind::Fixed)
            } else {
                None
            };
            assert_eq!(NoteKind::of_task(*t), want, "{t:?}");
        }
    }

    #[test]
    fn progress_by_points_else_by_count() {
        let done = Outcome::Done {
            at: t("2026-03-02T10:00:00Z"),
        };
        let canceled = Outcome::Canceled {
            at: t("2026-03-02T10:00:00Z"),
        };
        let now = t("2026-03-05T00:00:00Z");
        let cases: Vec<(Vec<ScopeTask>, Option<f64>, i64)> = vec![
            (vec![], None, 0),
            (
                vec![task("a", 0.0, done), task("b", 0.0, Outcome::Open)],
                Some(0.5),
                2,
            ),
            (
                vec![task("a", 3.0, done), task("b", 1.0, Outcome::Open)],
                Some(0.75),
                2,
            ),
            // A canceled task leaves the scope.
            (
                vec![task("a", 2.0, done), task("c", 5.0, canceled)],
                Some(1.0),
                1,
            ),
            (vec![task("a", 0.0, Outcome::Open)], Some(0.0), 1),
        ];
        for (tasks, want, scope) in cases {
            let p = progress(&tasks, now);
            assert_eq!(p.share, want, "{tasks:?}");
            assert_eq!(p.tally.scope_tasks, scope, "{tasks:?}");
        }
        // Done just now counts.
        let p = progress(
            &[task("a", 1.0, Outcome::Done { at: now })],
            t("2026-03-05T00:00:00Z"),
        );
        assert_eq!(p.share, Some(1.0));
    }

    #[test]
    fn burnup_spans_creation_to_ship_or_target() {
        let span = |c, tg: Option<&str>, s: Option<&str>, today| {
            burnup_days(d(c), tg.map(d), s.map(d), d(today), 90)
                .map(|r| (r.start().as_string(), r.end().as_string()))
        };
        let s = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
        assert_eq!(
            span("2026-03-01", Some("2026-03-10"), None, "2026-03-04"),
            s("2026-03-01", "2026-03-10")
        );
        // Late: the chart runs to today.
        assert_eq!(
            span("2026-03-01", Some("2026-03-10"), None, "2026-03-12"),
            s("2026-03-01", "2026-03-12")
        );
        // Shipped: the ship day ends it, whatever the target.
        assert_eq!(
            span(
                "2026-03-01",
                Some("2026-03-10"),
                Some("2026-03-08"),
                "2026-04-01"
            ),
            s("2026-03-01", "2026-03-08")
        );
        // No target: up to today.
        assert_eq!(
            span("2026-03-01", None, None, "2026-03-03"),
            s("2026-03-01", "2026-03-03")
        );
        // A target before creation still gives the creation day (and the
        // day before, as a chart needs two).
        assert_eq!(
            span("2026-03-05", Some("2026-03-01"), None, "2026-03-05"),
            s("2026-03-04", "2026-03-05")
        );
        // Long ones keep the last max_days days.
        assert_eq!(
            span("2025-01-01", Some("2026-03-31"), None, "2026-01-01"),
            s("2026-01-01", "2026-03-31")
        );
    }

    #[test]
    fn burnup_counts_done_work_per_day() {
        let dates = CycleDates::new(d("2026-03-01"), d("2026-03-04")).unwrap();
        let tasks = [
            task(
                "a",
                2.0,
                Outcome::Done {
                    at: t("2026-03-02T12:00:00Z"),
                },
            ),
            task("b", 3.0, Outcome::Open),
        ];
        let days: Vec<(f64, f64)> = burnup(&dates, &tasks, d("2026-03-03"))
            .iter()
            .map(|b| (b.tally.scope_points, b.tally.done_points))
            .collect();
        assert_eq!(days, [(5.0, 0.0), (5.0, 2.0), (5.0, 2.0)]);
    }

    proptest! {
        #[test]
        fn share_stays_a_fraction(points in proptest::collection::vec((0.0f64..100.0, any::<bool>()), 0..20)) {
            let tasks: Vec<ScopeTask> = points
                .iter()
                .enumerate()
                .map(|(i, (p, done))| {
                    let outcome = if *done {
                        Outcome::Done { at: t("2026-03-02T10:00:00Z") }
                    } else {
                        Outcome::Open
                    };
                    task(&format!("t{i}"), *p, outcome)
                })
                .collect();
            let p = progress(&tasks, t("2026-03-05T00:00:00Z"));
            match p.share {
                None => prop_assert!(tasks.is_empty()),
                Some(s) => {
                    prop_assert!((0.0..=1.0).contains(&s));
                    let all_done = points.iter().all(|(_, d)| *d);
                    let none_done = points.iter().all(|(_, d)| !*d);
                    if all_done { prop_assert_eq!(s, 1.0); }
                    if none_done { prop_assert_eq!(s, 0.0); }
                }
            }
        }
    }
}
