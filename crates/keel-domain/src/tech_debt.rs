//! The tech-debt capacity budget of a cycle: the share of the cycle's work
//! a team means to spend on tech debt (the target, 0–1) against the share
//! it did spend (the actual).
//!
//! The actual is counted in done estimate points: of the points of the
//! tasks in the cycle's scope that are done, the share on tech-debt work.
//! A task is tech-debt work when its type is `tech_debt` or when the
//! feature it belongs to is of type `tech_debt`: a team that files a debt
//! feature and breaks it into ordinary tasks should not have to retype
//! every task to have them counted. Points rather than task counts, so one
//! large refactoring weighs more than a one-line fix. Pure, no IO.

use crate::FieldError;

/// How far the actual may be from the target and still be "on target".
pub const TOLERANCE: f64 = 0.05;

/// Checks a target share: a finite fraction from 0 to 1.
pub fn target(field: &str, v: f64) -> Result<f64, FieldError> {
    if v.is_finite() && (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(FieldError::new(
            field,
            "must be a fraction from 0 to 1 (e.g. 0.2 for 20%)",
        ))
    }
}

/// One done task of the scope: its estimate and whether it is tech debt.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DoneWork {
    pub points: f64,
    pub tech_debt: bool,
}

/// The actual compared with the target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// No target set.
    NoTarget,
    /// Nothing done yet (no points): no share to compare.
    NothingDone,
    /// Below the target by more than [`TOLERANCE`].
    Under,
    /// Within [`TOLERANCE`] of the target.
    OnTarget,
    /// Above the target by more than [`TOLERANCE`].
    Over,
}

impl Standing {
    pub fn as_str(&self) -> &'static str {
        match self {
            Standing::NoTarget => "no_target",
            Standing::NothingDone => "nothing_done",
            Standing::Under => "under",
            Standing::OnTarget => "on_target",
            Standing::Over => "over",
        }
    }
}

/// A cycle's budget.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub target: Option<f64>,
    /// Done points on tech debt ÷ all done points; `None` with no points done.
    pub actual: Option<f64>,
    pub tech_debt_points: f64,
    pub done_points: f64,
    pub standing: Standing,
}

impl Budget {
    /// The budget of a cycle from its target and its done work.
    pub fn of(target: Option<f64>, done: &[DoneWork]) -> Self {
        // Negative or non-finite estimates cannot be stored; count them as
        // 0 anyway so the share stays within 0..=1.
        let pts = |w: &DoneWork| {
            if w.points.is_finite() {
                w.points.max(0.0)
            } else {
                0.0
            }
        };
        // Folded from +0.0: `sum` of no floats is −0.0, which reads "-0%".
        let done_points: f64 = done.iter().map(pts).fold(0.0, |a, p| a + p);
        let tech_debt_points: f64 = done
            .iter()
            .filter(|w| w.tech_debt)
            .map(pts)
            .fold(0.0, |a, p| a + p);
        let actual = (done_points > 0.0).then(|| tech_debt_points / done_points);
        let standing = match (target, actual) {
            (None, _) => Standing::NoTarget,
            (Some(_), None) => Standing::NothingDone,
            (Some(t), Some(a)) if a < t - TOLERANCE => Standing::Under,
            (Some(t), Some(a)) if a > t + TOLERANCE => Standing::Over,
            (Some(_), Some(_)) => Standing::OnTarget,
        };
        Budget {
            target,
            actual,
            tech_debt_points,
            done_points,
            standing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn work(points: f64, tech_debt: bool) -> DoneWork {
        DoneWork { points, tech_debt }
    }

    /// (target, done work, actual, standing)
    type Case = (Option<f64>, Vec<DoneWork>, Option<f64>, Standing);

    #[test]
    fn budget_case_table() {
        let cases: Vec<Case> = vec![
            (None, vec![work(3.0, true)], Some(1.0), Standing::NoTarget),
            (Some(0.2), vec![], None, Standing::NothingDone),
            (
                Some(0.2),
                vec![work(0.0, true)],
                None,
                Standing::NothingDone,
            ),
            (
                Some(0.2),
                vec![work(2.0, true), work(8.0, false)],
                Some(0.2),
                Standing::OnTarget,
            ),
            (
                Some(0.3),
                vec![work(1.0, true), work(9.0, false)],
                Some(0.1),
                Standing::Under,
            ),
            (
                Some(0.1),
                vec![work(5.0, true), work(5.0, false)],
                Some(0.5),
                Standing::Over,
            ),
            // Within the tolerance either side.
            (
                Some(0.25),
                vec![work(3.0, true), work(7.0, false)],
                Some(0.3),
                Standing::OnTarget,
            ),
            (
                Some(0.0),
                vec![work(4.0, false)],
                Some(0.0),
                Standing::OnTarget,
            ),
            (
                Some(1.0),
                vec![work(4.0, true)],
                Some(1.0),
                Standing::OnTarget,
            ),
        ];
        for (target, done, actual, standing) in cases {
            let b = Budget::of(target, &done);
            assert_eq!(b.actual, actual, "{target:?} {done:?}");
            assert_eq!(b.standing, standing, "{target:?} {done:?}");
        }
    }

    #[test]
    fn points_are_summed() {
        let b = Budget::of(
            Some(0.5),
            &[work(1.5, true), work(2.5, true), work(4.0, false)],
        );
        assert_eq!((b.tech_debt_points, b.done_points), (4.0, 8.0));
        assert_eq!(b.actual, Some(0.5));
        assert_eq!(b.standing.as_str(), "on_target");
    }

    #[test]
    fn no_tech_debt_is_plain_zero() {
        for done in [vec![], vec![work(4.0, false)]] {
            let b = Budget::of(None, &done);
            assert!(b.tech_debt_points.is_sign_positive(), "{done:?}");
            assert!(b.done_points.is_sign_positive(), "{done:?}");
        }
        let b = Budget::of(None, &[work(4.0, false)]);
        assert!(b.actual.is_some_and(f64::is_sign_positive));
    }

    #[test]
    fn targets_are_fractions() {
        for ok in [0.0, 0.2, 1.0] {
            assert_eq!(target("tech_debt_target", ok), Ok(ok));
        }
        for bad in [-0.01, 1.01, 20.0, f64::NAN, f64::INFINITY] {
            let e = target("tech_debt_target", bad).unwrap_err();
            assert_eq!(e.field, "tech_debt_target");
        }
    }

    proptest! {
        #[test]
        fn the_actual_share_is_a_fraction(
            target in proptest::option::of(0.0..=1.0f64),
            done in proptest::collection::vec((0.0..100.0f64, any::<bool>()), 0..30),
        ) {
            let done: Vec<DoneWork> = done.into_iter().map(|(p, d)| work(p, d)).collect();
            let b = Budget::of(target, &done);
            prop_assert!(b.tech_debt_points <= b.done_points + 1e-9);
            match b.actual {
                Some(a) => prop_assert!((0.0..=1.0 + 1e-9).contains(&a)),
                None => prop_assert_eq!(b.done_points, 0.0),
            }
            if target.is_none() {
                prop_assert_eq!(b.standing, Standing::NoTarget);
            }
        }
    }
}
