//! Cycles (sprints): a named run of days of one product, the tasks in its
//! scope, and the burn-up series drawn from when tasks joined and left the
//! scope and when they were completed.
//!
//! Rules of the burn-up (a day ends at midnight UTC):
//! - a task is in scope at the end of a day when one of its stretches in
//!   the cycle began before that moment and had not ended by it;
//! - a **canceled** task leaves the scope from the moment it was canceled
//!   (it is neither work done nor work left);
//! - a **done** task counts as completed from its `completed_at` on —
//!   also when it was finished before it joined the cycle;
//! - points are the task's current estimate (no estimate: 0 points; the
//!   task still counts as one task);
//! - days after today have no values yet.
//!
//! Pure functions, no IO.

use crate::FieldError;
use crate::time::{Date, Timestamp};
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// Longest cycle accepted, in days.
pub const MAX_CYCLE_DAYS: i64 = 366;

/// A cycle's first and last day, the last strictly after the first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CycleDates {
    start: Date,
    end: Date,
}

/// Where today falls relative to a cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Upcoming,
    Active,
    Completed,
}

impl Phase {
    pub fn as_str(&self) -> &'static str {
        match self {
            Phase::Upcoming => "upcoming",
            Phase::Active => "active",
            Phase::Completed => "completed",
        }
    }
}

impl CycleDates {
    /// Checks the end is after the start and the cycle is at most
    /// [`MAX_CYCLE_DAYS`] long; errors name `end_date`.
    pub fn new(start: Date, end: Date) -> Result<Self, FieldError> {
        if end <= start {
            return Err(FieldError::new("end_date", "must be after start_date"));
        }
        if start.days_until(end) + 1 > MAX_CYCLE_DAYS {
            return Err(FieldError::new(
                "end_date",
                format!("a cycle lasts at most {MAX_CYCLE_DAYS} days"),
            ));
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> Date {
        self.start
    }

    pub fn end(&self) -> Date {
        self.end
    }

    /// Number of days, both ends included.
    pub fn len_days(&self) -> i64 {
        self.start.days_until(self.end) + 1
    }

    /// Every day from start to end, both included.
    pub fn days(&self) -> Vec<Date> {
        (0..self.len_days())
            .filter_map(|n| self.start.add_days(n))
            .collect()
    }

    pub fn phase(&self, today: Date) -> Phase {
        if today < self.start {
            Phase::Upcoming
        } else if today > self.end {
            Phase::Completed
        } else {
            Phase::Active
        }
    }
}

/// What became of a task, as of now.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    Open,
    Done { at: Timestamp },
    Canceled { at: Timestamp },
}

/// One stretch of time a task spent in a cycle's scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ScopeSpan {
    pub task_id: String,
    pub added_at: Timestamp,
    /// `None` while the task is still in the scope.
    pub removed_at: Option<Timestamp>,
    /// The task's estimate (0 when it has none).
    pub points: f64,
    pub outcome: Outcome,
}

/// Scope and completed work at one moment.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tally {
    pub scope_tasks: i64,
    pub scope_points: f64,
    pub done_tasks: i64,
    pub done_points: f64,
}

/// The tally at the moment `at`. A task counts once, with its first span's
/// points and outcome (they are the task's), when any of its spans covers
/// `at`. One pass with an index by task: a burn-up asks this once per day,
/// and a scan of every span per span made a release of a few thousand
/// tasks take seconds.
pub fn tally_at(spans: &[ScopeSpan], at: Timestamp) -> Tally {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(spans.len());
    // Each task's first span, and whether any of its spans covers `at`, in
    // the order tasks first appear (so sums add up in a fixed order).
    let mut tasks: Vec<(&ScopeSpan, bool)> = Vec::with_capacity(spans.len());
    for span in spans {
        let covers = span.added_at < at && span.removed_at.is_none_or(|removed| removed >= at);
        match index.entry(span.task_id.as_str()) {
            Entry::Occupied(seen) => tasks[*seen.get()].1 |= covers,
            Entry::Vacant(new) => {
                new.insert(tasks.len());
                tasks.push((span, covers));
            }
        }
    }
    let mut tally = Tally::default();
    for (span, in_scope) in tasks {
        if !in_scope {
            continue;
        }
        let points = span.points.max(0.0);
        match span.outcome {
            Outcome::Canceled { at: canceled } if canceled < at => continue,
            Outcome::Done { at: done } if done < at => {
                tally.done_tasks += 1;
                tally.done_points += points;
            }
            _ => {}
        }
        tally.scope_tasks += 1;
        tally.scope_points += points;
    }
    tally
}

/// The burn-up value of one day: the tally at the end of it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BurnupDay {
    pub day: Date,
    pub tally: Tally,
}

/// For each day of the cycle up to and including `today`, the tally at the
/// end of that day. Days after `today` are left out: they have no values
/// yet. (Nothing is recorded after now, so today's end-of-day tally is the
/// tally right now.)
pub fn burnup(dates: &CycleDates, spans: &[ScopeSpan], today: Date) -> Vec<BurnupDay> {
    dates
        .days()
        .into_iter()
        .filter(|day| *day <= today)
        .filter_map(|day| {
            let end = day.add_days(1)?.start_utc();
            Some(BurnupDay {
                day,
                tally: tally_at(spans, end),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse("d", s).unwrap()
    }

    fn t(s: &str) -> Timestamp {
        Timestamp::parse("t", s).unwrap()
    }

    fn span(
        task: &str,
        added: &str,
        removed: Option<&str>,
        points: f64,
        outcome: Outcome,
    ) -> ScopeSpan {
        ScopeSpan {
            task_id: task.into(),
            added_at: t(added),
            removed_at: removed.map(t),
            points,
            outcome,
        }
    }

    #[test]
    fn dates_must_end_after_they_start() {
        let ok = CycleDates::new(d("2026-03-02"), d("2026-03-13")).unwrap();
        assert_eq!(ok.len_days(), 12);
        assert_eq!(ok.days().len(), 12);
        assert_eq!(ok.days()[0], d("2026-03-02"));
        assert_eq!(ok.days()[11], d("2026-03-13"));
        for (start, end) in [("2026-03-02", "2026-03-02"), ("2026-03-02", "2026-03-01")] {
            let err = CycleDates::new(d(start), d(end)).unwrap_err();
            assert_eq!(err.field, "end_date", "{start}..{end}");
        }
        assert!(CycleDates::new(d("2026-01-01"), d("2026-12-31")).is_ok());
        assert_eq!(
            CycleDates::new(d("2026-01-01"), d("2027-01-02"))
                .unwrap_err()
                .field,
            "end_date"
        );
    }

    #[test]
    fn phases_follow_today() {
        let c = CycleDates::new(d("2026-03-02"), d("2026-03-13")).unwrap();
        let cases = [
            ("2026-03-01", Phase::Upcoming),
            ("2026-03-02", Phase::Active),
            ("2026-03-13", Phase::Active),
            ("2026-03-14", Phase::Completed),
        ];
        for (today, want) in cases {
            assert_eq!(c.phase(d(today)), want, "{today}");
        }
    }

    #[test]
    fn tallies_count_scope_and_done_at_a_moment() {
        let spans = [
            span("a", "2026-03-01T09:00:00Z", None, 3.0, Outcome::Open),
            span(
                "b",
                "2026-03-01T09:00:00Z",
                None,
                5.0,
                Outcome::Done {
                    at: t("2026-03-03T12:00:00Z"),
                },
            ),
            // Joined late.
            span("c", "2026-03-04T10:00:00Z", None, 2.0, Outcome::Open),
            // Removed on the 3rd.
            span(
                "d",
                "2026-03-01T09:00:00Z",
                Some("2026-03-03T08:00:00Z"),
                8.0,
                Outcome::Open,
            ),
            // Canceled on the 4th.
            span(
                "e",
                "2026-03-01T09:00:00Z",
                None,
                1.0,
                Outcome::Canceled {
                    at: t("2026-03-04T08:00:00Z"),
                },
            ),
            // No estimate: counts as a task, not as points.
            span("f", "2026-03-01T09:00:00Z", None, 0.0, Outcome::Open),
        ];
        let cases = [
            // (moment, scope tasks, scope points, done tasks, done points)
            ("2026-03-01T08:00:00Z", 0, 0.0, 0, 0.0),
            ("2026-03-02T00:00:00Z", 5, 17.0, 0, 0.0),
            ("2026-03-04T00:00:00Z", 4, 9.0, 1, 5.0),
            ("2026-03-05T00:00:00Z", 4, 10.0, 1, 5.0),
        ];
        for (at, st, sp, dt, dp) in cases {
            let got = tally_at(&spans, t(at));
            assert_eq!(
                got,
                Tally {
                    scope_tasks: st,
                    scope_points: sp,
                    done_tasks: dt,
                    done_points: dp
                },
                "{at}"
            );
        }
    }

    #[test]
    fn a_task_that_left_and_came_back_counts_once() {
        let spans = [
            span(
                "a",
                "2026-03-01T09:00:00Z",
                Some("2026-03-02T09:00:00Z"),
                3.0,
                Outcome::Open,
            ),
            span("a", "2026-03-03T09:00:00Z", None, 3.0, Outcome::Open),
        ];
        let at = |s| tally_at(&spans, t(s)).scope_tasks;
        assert_eq!(at("2026-03-02T00:00:00Z"), 1);
        assert_eq!(at("2026-03-03T00:00:00Z"), 0, "out between the stretches");
        assert_eq!(at("2026-03-04T00:00:00Z"), 1);
        // Overlapping rows (should not exist) still count once.
        let twice = [spans[1].clone(), spans[1].clone()];
        assert_eq!(tally_at(&twice, t("2026-03-04T00:00:00Z")).scope_tasks, 1);
    }

    #[test]
    fn work_done_before_joining_counts_as_done() {
        let spans = [span(
            "a",
            "2026-03-02T09:00:00Z",
            None,
            2.0,
            Outcome::Done {
                at: t("2026-02-20T09:00:00Z"),
            },
        )];
        let got = tally_at(&spans, t("2026-03-03T00:00:00Z"));
        assert_eq!(
            (got.scope_tasks, got.done_tasks, got.done_points),
            (1, 1, 2.0)
        );
    }

    #[test]
    fn burnup_has_one_value_per_day_until_today() {
        let dates = CycleDates::new(d("2026-03-02"), d("2026-03-06")).unwrap();
        let spans = [
            span(
                "a",
                "2026-03-01T09:00:00Z",
                None,
                3.0,
                Outcome::Done {
                    at: t("2026-03-03T15:00:00Z"),
                },
            ),
            span("b", "2026-03-04T09:00:00Z", None, 2.0, Outcome::Open),
        ];
        let days = burnup(&dates, &spans, d("2026-03-04"));
        let got: Vec<(String, f64, f64)> = days
            .iter()
            .map(|b| (b.day.as_string(), b.tally.scope_points, b.tally.done_points))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-03-02".to_string(), 3.0, 0.0),
                ("2026-03-03".to_string(), 3.0, 3.0),
                ("2026-03-04".to_string(), 5.0, 3.0),
            ]
        );
        // Before the cycle starts there is nothing; after it, every day.
        assert!(burnup(&dates, &spans, d("2026-03-01")).is_empty());
        assert_eq!(burnup(&dates, &spans, d("2026-04-01")).len(), 5);
    }

    /// The rule as first written: for each span, look at every span of its
    /// task. Slow, and plainly right: the index must agree with it.
    fn tally_by_scanning(spans: &[ScopeSpan], at: Timestamp) -> Tally {
        let mut seen: Vec<&str> = Vec::new();
        let mut tally = Tally::default();
        for span in spans {
            let covered = spans.iter().any(|s| {
                s.task_id == span.task_id
                    && s.added_at < at
                    && s.removed_at.is_none_or(|removed| removed >= at)
            });
            if seen.contains(&span.task_id.as_str()) || !covered {
                continue;
            }
            seen.push(&span.task_id);
            match span.outcome {
                Outcome::Canceled { at: c } if c < at => continue,
                Outcome::Done { at: done } if done < at => {
                    tally.done_tasks += 1;
                    tally.done_points += span.points.max(0.0);
                }
                _ => {}
            }
            tally.scope_tasks += 1;
            tally.scope_points += span.points.max(0.0);
        }
        tally
    }

    proptest::proptest! {
        #[test]
        fn the_index_agrees_with_scanning(
            raw in proptest::collection::vec(
                (0u8..6, 0i64..20, proptest::option::of(0i64..20), -2i8..9, 0u8..3, 0i64..20),
                0..40,
            ),
            at in 0i64..21,
        ) {
            let hour = |h: i64| Timestamp::from_datetime(
                t("2026-03-01T00:00:00Z").datetime() + time::Duration::hours(h),
            );
            // Up to six tasks, each with spans that may overlap or repeat.
            let spans: Vec<ScopeSpan> = raw
                .iter()
                .map(|&(task, added, removed, points, outcome, when)| ScopeSpan {
                    task_id: format!("task-{task}"),
                    added_at: hour(added),
                    removed_at: removed.map(|r| hour(added.max(r))),
                    points: f64::from(points),
                    outcome: match outcome {
                        0 => Outcome::Open,
                        1 => Outcome::Done { at: hour(when) },
                        _ => Outcome::Canceled { at: hour(when) },
                    },
                })
                .collect();
            proptest::prop_assert_eq!(tally_at(&spans, hour(at)), tally_by_scanning(&spans, hour(at)));
        }
    }
}
