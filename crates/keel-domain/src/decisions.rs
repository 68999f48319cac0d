//! The decision log's rules: what an outcome may be, the limits on a
//! decision's lists, and when a declined feature is **worth another look**.
//!
//! A declined decision keeps the feature's `demand` (API.md) as it was on
//! the day of the decision. The feature is flagged again when, judged on
//! `today` (passed in, so the rule is tested at its boundaries without a
//! clock), all of these hold:
//! - the feature is still declined (the caller checks: a reopened feature
//!   has had its look);
//! - its demand **score has grown by at least half** since the decision
//!   ([`SCORE_GROWTH_NUM`] / [`SCORE_GROWTH_DEN`]), and by at least one
//!   point, so a zero score stays flat at zero;
//! - at least [`MIN_NEW_FEEDBACK`] more feedback items are linked, so one
//!   loud critical item does not reopen a settled question;
//! - the decision is not snoozed: with a `look_again_after` date, nothing
//!   is flagged before that day (the day itself counts).
//!
//! The thresholds are constants rather than a workspace setting: they are
//! a product judgement kept in one place, documented here and in
//! docs/API-DESIGN.md. Integer arithmetic keeps the 50 % boundary exact.

use crate::FieldError;
use crate::insight::Demand;
use crate::time::Date;

vocabulary! {
    /// What was decided. `declined` is the recorded "no".
    Outcome {
        Accepted => "accepted",
        Declined => "declined",
        Deferred => "deferred",
    }
}

/// The score must reach `before × NUM ÷ DEN` (150 %).
pub const SCORE_GROWTH_NUM: i64 = 3;
/// See [`SCORE_GROWTH_NUM`].
pub const SCORE_GROWTH_DEN: i64 = 2;
/// Feedback items linked since the decision needed before a flag.
pub const MIN_NEW_FEEDBACK: i64 = 2;
/// Most options, informed people or links one decision may list.
pub const MAX_LIST: usize = 50;

/// A list field (options, informed, links) of at most [`MAX_LIST`] entries.
pub fn list_len(field: &str, len: usize) -> Result<(), FieldError> {
    if len > MAX_LIST {
        Err(FieldError::new(
            field,
            format!("must list at most {MAX_LIST} entries"),
        ))
    } else {
        Ok(())
    }
}

/// Why a declined feature is (or is not) flagged, for tests and the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Look {
    /// Demand grew enough: worth another look.
    Flagged,
    /// Snoozed until a later day.
    Snoozed,
    /// Demand has not grown enough (yet).
    Settled,
}

/// Judges a declined feature's demand now against its demand at the
/// decision, on `today`.
pub fn another_look(
    before: &Demand,
    now: &Demand,
    look_again_after: Option<Date>,
    today: Date,
) -> Look {
    if look_again_after.is_some_and(|d| today < d) {
        return Look::Snoozed;
    }
    let new_items = now.feedback_count - before.feedback_count;
    let grown = now.score > before.score
        && now.score.saturating_mul(SCORE_GROWTH_DEN)
            >= before.score.saturating_mul(SCORE_GROWTH_NUM);
    if grown && new_items >= MIN_NEW_FEEDBACK {
        Look::Flagged
    } else {
        Look::Settled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn demand(feedback_count: i64, score: i64) -> Demand {
        Demand {
            feedback_count,
            score,
            ..Demand::default()
        }
    }

    fn day(s: &str) -> Date {
        Date::parse("date", s).unwrap()
    }

    #[test]
    fn outcomes_parse_and_name_the_field() {
        assert_eq!(
            Outcome::parse("outcome", "declined").unwrap(),
            Outcome::Declined
        );
        let err = Outcome::parse("outcome", "maybe").unwrap_err();
        assert_eq!(err.field, "outcome");
        assert!(list_len("options", MAX_LIST).is_ok());
        assert_eq!(
            list_len("options", MAX_LIST + 1).unwrap_err().field,
            "options"
        );
    }

    /// (before count, before score, now count, now score, snooze, expected)
    type Case = (i64, i64, i64, i64, Option<&'static str>, Look);

    #[test]
    fn boundaries() {
        use Look::*;
        let today = day("2026-03-10");
        let cases: &[Case] = &[
            // Nothing at the decision: two new items of any weight flag it.
            (0, 0, 2, 2, None, Flagged),
            (0, 0, 1, 3, None, Settled),
            (0, 0, 0, 0, None, Settled),
            // Exactly +50 % with exactly two new items: flagged.
            (4, 8, 6, 12, None, Flagged),
            // One point short of +50 %.
            (4, 8, 6, 11, None, Settled),
            // Score up enough but only one new item.
            (4, 8, 5, 12, None, Settled),
            // Odd base: 3 × 1.5 = 4.5, so 5 is needed.
            (3, 3, 5, 4, None, Settled),
            (3, 3, 5, 5, None, Flagged),
            // Demand fell (unlinked feedback): never flagged.
            (5, 10, 3, 6, None, Settled),
            // Snoozed until tomorrow, today, yesterday.
            (0, 0, 2, 4, Some("2026-03-11"), Snoozed),
            (0, 0, 2, 4, Some("2026-03-10"), Flagged),
            (0, 0, 2, 4, Some("2026-03-09"), Flagged),
            // A snooze that has passed does not flag what has not grown.
            (4, 8, 5, 9, Some("2026-03-01"), Settled),
        ];
        for (i, (bc, bs, nc, ns, snooze, want)) in cases.iter().enumerate() {
            let got = another_look(&demand(*bc, *bs), &demand(*nc, *ns), snooze.map(day), today);
            assert_eq!(got, *want, "case {i}");
        }
    }

    proptest! {
        /// Flagged exactly when the score reached 150 % (and moved) and at
        /// least two items were added, unless snoozed past today.
        #[test]
        fn flag_matches_the_definition(
            bc in 0i64..1000, bs in 0i64..3000, dc in -20i64..20, ds in -50i64..3000,
            snooze_days in proptest::option::of(-30i64..30),
        ) {
            let today = day("2026-03-10");
            let nc = (bc + dc).max(0);
            let ns = (bs + ds).max(0);
            let snooze = snooze_days.and_then(|d| today.add_days(d));
            let got = another_look(&demand(bc, bs), &demand(nc, ns), snooze, today);
            let snoozed = snooze_days.is_some_and(|d| d > 0);
            let grown = ns as f64 >= bs as f64 * 1.5 && ns > bs;
            let want = if snoozed {
                Look::Snoozed
            } else if grown && nc - bc >= MIN_NEW_FEEDBACK {
                Look::Flagged
            } else {
                Look::Settled
            };
            prop_assert_eq!(got, want);
        }

        /// More demand never un-flags a feature.
        #[test]
        fn monotone_in_demand(bc in 0i64..100, bs in 0i64..300, dc in 0i64..20, ds in 0i64..300, more in 0i64..50) {
            let today = day("2026-03-10");
            let before = demand(bc, bs);
            let first = another_look(&before, &demand(bc + dc, bs + ds), None, today);
            let later = another_look(&before, &demand(bc + dc + more, bs + ds + more), None, today);
            if first == Look::Flagged {
                prop_assert_eq!(later, Look::Flagged);
            }
        }
    }
}
