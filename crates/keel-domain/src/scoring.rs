//! Prioritization scores of a feature, exactly as API.md defines them:
//! RICE (reach × impact × confidence ÷ effort, reach from the customers
//! behind the feature when not given), WSJF ((business value + time
//! criticality + risk reduction) ÷ job size), value/effort and MoSCoW, and
//! the one ranking rule every sorted list uses.
//!
//! Inputs are checked here, once, with errors naming the wire field
//! (`rice.effort`, `wsjf.job_size`, …). Every number also has bounds (at most
//! [`MAX_INPUT`], divisors at least [`MIN_DIVISOR`]) so that every accepted
//! input gives a finite score: a score of infinity could not be ranked.

use crate::{FieldError, ValidationErrors};
use std::cmp::Ordering;

/// The largest number any score input may be.
pub const MAX_INPUT: f64 = 1e12;
/// The smallest effort or job size: "> 0", bounded away from zero so a
/// quotient stays finite.
pub const MIN_DIVISOR: f64 = 0.001;
/// The RICE impact scale.
pub const IMPACT_SCALE: [f64; 5] = [0.25, 0.5, 1.0, 2.0, 3.0];

vocabulary! {
    /// MoSCoW: what a release must, should, could and won't have.
    Moscow {
        Must => "must",
        Should => "should",
        Could => "could",
        Wont => "wont",
    }
}

/// RICE inputs; `reach` absent means "the customers behind the feature".
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rice {
    pub reach: Option<f64>,
    pub impact: f64,
    pub confidence: f64,
    pub effort: f64,
}

/// WSJF inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Wsjf {
    pub business_value: f64,
    pub time_criticality: f64,
    pub risk_reduction: f64,
    pub job_size: f64,
}

/// A finite number in `0..=MAX_INPUT`.
fn amount(field: &str, v: f64) -> Result<f64, FieldError> {
    if !v.is_finite() {
        Err(FieldError::new(field, "must be a finite number"))
    } else if v < 0.0 {
        Err(FieldError::new(field, "must not be negative"))
    } else if v > MAX_INPUT {
        Err(FieldError::new(field, "must be at most 1e12"))
    } else {
        Ok(v)
    }
}

/// A divisor: finite, more than 0 (at least `MIN_DIVISOR`).
fn divisor(field: &str, v: f64) -> Result<f64, FieldError> {
    let v = amount(field, v)?;
    if v < MIN_DIVISOR {
        Err(FieldError::new(
            field,
            "must be more than 0 (at least 0.001)",
        ))
    } else {
        Ok(v)
    }
}

impl Rice {
    /// Checks every input, reporting each bad one as `rice.<name>`.
    pub fn parse(
        reach: Option<f64>,
        impact: f64,
        confidence: f64,
        effort: f64,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let reach = reach.map(|r| errors.check(amount("rice.reach", r)));
        let impact = errors.check(if IMPACT_SCALE.contains(&impact) {
            Ok(impact)
        } else {
            Err(FieldError::new(
                "rice.impact",
                "must be one of 0.25, 0.5, 1, 2, 3",
            ))
        });
        let confidence = errors.check(
            if confidence.is_finite() && (0.0..=1.0).contains(&confidence) {
                Ok(confidence)
            } else {
                Err(FieldError::new(
                    "rice.confidence",
                    "must be a fraction from 0 to 1",
                ))
            },
        );
        let effort = errors.check(divisor("rice.effort", effort));
        errors.into_result()?;
        Ok(Rice {
            reach: reach.flatten(),
            impact: impact.unwrap_or_default(),
            confidence: confidence.unwrap_or_default(),
            effort: effort.unwrap_or(1.0),
        })
    }

    /// The reach this score uses: the given one, else the number of distinct
    /// customers whose feedback is linked to the feature.
    pub fn reach_used(&self, linked_customers: u64) -> f64 {
        self.reach.unwrap_or(linked_customers as f64)
    }

    /// reach × impact × confidence ÷ effort.
    pub fn score(&self, linked_customers: u64) -> f64 {
        self.reach_used(linked_customers) * self.impact * self.confidence / self.effort
    }
}

impl Wsjf {
    /// Checks every input, reporting each bad one as `wsjf.<name>`.
    pub fn parse(
        business_value: f64,
        time_criticality: f64,
        risk_reduction: f64,
        job_size: f64,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let bv = errors.check(amount("wsjf.business_value", business_value));
        let tc = errors.check(amount("wsjf.time_criticality", time_criticality));
        let rr = errors.check(amount("wsjf.risk_reduction", risk_reduction));
        let js = errors.check(divisor("wsjf.job_size", job_size));
        errors.into_result()?;
        Ok(Wsjf {
            business_value: bv.unwrap_or_default(),
            time_criticality: tc.unwrap_or_default(),
            risk_reduction: rr.unwrap_or_default(),
            job_size: js.unwrap_or(1.0),
        })
    }

    /// (business value + time criticality + risk reduction) ÷ job size.
    pub fn score(&self) -> f64 {
        (self.business_value + self.time_criticality + self.risk_reduction) / self.job_size
    }
}

/// A value or effort rating: a whole number from 1 to 10.
pub fn rating(field: &str, v: i64) -> Result<i64, FieldError> {
    if (1..=10).contains(&v) {
        Ok(v)
    } else {
        Err(FieldError::new(
            field,
            "must be a whole number from 1 to 10",
        ))
    }
}

/// value ÷ effort, when both are rated.
pub fn value_effort(value: Option<i64>, effort: Option<i64>) -> Option<f64> {
    Some(value? as f64 / effort? as f64)
}

/// Where a feature falls on the value/effort 2×2: ratings above 5 are high.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quadrant {
    /// High value, low effort: do first.
    QuickWin,
    /// High value, high effort: plan for it.
    BigBet,
    /// Low value, low effort: when there is room.
    FillIn,
    /// Low value, high effort: avoid.
    MoneyPit,
}

impl Quadrant {
    pub fn of(value: i64, effort: i64) -> Self {
        match (value > 5, effort > 5) {
            (true, false) => Quadrant::QuickWin,
            (true, true) => Quadrant::BigBet,
            (false, false) => Quadrant::FillIn,
            (false, true) => Quadrant::MoneyPit,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Quadrant::QuickWin => "Quick wins",
            Quadrant::BigBet => "Big bets",
            Quadrant::FillIn => "Fill-ins",
            Quadrant::MoneyPit => "Money pits",
        }
    }
}

/// The order of a ranked list: higher scores first, unscored last, and
/// equal scores by id (newest first) so the same data always gives the same
/// list.
pub fn rank_order(a: (Option<f64>, &str), b: (Option<f64>, &str)) -> Ordering {
    match (a.0, b.0) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| b.1.cmp(a.1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fields(e: ValidationErrors) -> Vec<String> {
        e.0.into_iter().map(|f| f.field).collect()
    }

    #[test]
    fn rice_case_table() {
        // (reach, impact, confidence, effort, linked customers, score, reach used)
        let cases = [
            (Some(1000.0), 2.0, 0.8, 4.0, 0, 400.0, 1000.0),
            (Some(500.0), 0.25, 1.0, 0.5, 9, 250.0, 500.0),
            (None, 3.0, 0.5, 2.0, 4, 3.0, 4.0),
            (None, 1.0, 1.0, 1.0, 0, 0.0, 0.0),
            (Some(10.0), 0.5, 0.0, 1.0, 0, 0.0, 10.0),
            (Some(0.0), 3.0, 1.0, 1.0, 7, 0.0, 0.0),
        ];
        for (reach, impact, confidence, effort, linked, score, used) in cases {
            let r = Rice::parse(reach, impact, confidence, effort).unwrap();
            assert_eq!(
                r.score(linked),
                score,
                "{reach:?} {impact} {confidence} {effort}"
            );
            assert_eq!(r.reach_used(linked), used);
        }
    }

    #[test]
    fn rice_refusals_name_the_field() {
        type Case = (Option<f64>, f64, f64, f64, &'static [&'static str]);
        let cases: [Case; 7] = [
            (Some(1.0), 1.0, 0.5, 0.0, &["rice.effort"]),
            (Some(1.0), 1.5, 0.5, 1.0, &["rice.impact"]),
            (Some(1.0), 1.0, 1.01, 1.0, &["rice.confidence"]),
            (Some(1.0), 1.0, -0.1, 1.0, &["rice.confidence"]),
            (Some(-1.0), 1.0, 0.5, 1.0, &["rice.reach"]),
            (
                Some(f64::NAN),
                1.0,
                0.5,
                -2.0,
                &["rice.reach", "rice.effort"],
            ),
            (
                None,
                0.0,
                f64::INFINITY,
                f64::INFINITY,
                &["rice.impact", "rice.confidence", "rice.effort"],
            ),
        ];
        for (reach, impact, confidence, effort, want) in cases {
            let e = Rice::parse(reach, impact, confidence, effort).unwrap_err();
            assert_eq!(fields(e), want.to_vec());
        }
    }

    #[test]
    fn wsjf_case_table_and_refusals() {
        let w = Wsjf::parse(8.0, 5.0, 3.0, 4.0).unwrap();
        assert_eq!(w.score(), 4.0);
        assert_eq!(Wsjf::parse(0.0, 0.0, 0.0, 1.0).unwrap().score(), 0.0);
        assert_eq!(Wsjf::parse(1.0, 2.0, 3.0, 0.5).unwrap().score(), 12.0);
        let e = Wsjf::parse(-1.0, 1.0, f64::NAN, 0.0).unwrap_err();
        assert_eq!(
            fields(e),
            [
                "wsjf.business_value",
                "wsjf.risk_reduction",
                "wsjf.job_size"
            ]
        );
    }

    #[test]
    fn value_effort_and_quadrants() {
        assert_eq!(value_effort(Some(8), Some(2)), Some(4.0));
        assert_eq!(value_effort(Some(8), None), None);
        assert!(rating("value", 0).is_err() && rating("effort", 11).is_err());
        assert_eq!(Quadrant::of(8, 2), Quadrant::QuickWin);
        assert_eq!(Quadrant::of(6, 6), Quadrant::BigBet);
        assert_eq!(Quadrant::of(5, 5), Quadrant::FillIn);
        assert_eq!(Quadrant::of(1, 10), Quadrant::MoneyPit);
        assert!(Moscow::parse("moscow", "may").is_err());
    }

    #[test]
    fn ranking_puts_unscored_last_and_breaks_ties_by_id() {
        let mut items = [
            (None, "a"),
            (Some(1.0), "b"),
            (Some(3.0), "c"),
            (Some(1.0), "d"),
            (None, "e"),
        ];
        items.sort_by(|x, y| rank_order(*x, *y));
        let ids: Vec<&str> = items.iter().map(|i| i.1).collect();
        assert_eq!(ids, ["c", "d", "b", "e", "a"]);
    }

    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![
            0.0..=MAX_INPUT,
            0.0..10.0f64,
            Just(0.0),
            Just(MAX_INPUT),
            Just(MIN_DIVISOR),
        ]
    }

    fn any_f64() -> impl Strategy<Value = f64> {
        prop_oneof![
            any::<f64>(),
            Just(f64::NAN),
            Just(f64::INFINITY),
            Just(-0.5),
            Just(0.0),
            Just(1.5),
        ]
    }

    proptest! {
        #[test]
        fn accepted_inputs_give_finite_scores(
            reach in proptest::option::of(number()),
            impact in proptest::sample::select(IMPACT_SCALE.to_vec()),
            confidence in 0.0..=1.0f64,
            effort in number(),
            linked in 0u64..1_000_000,
            w in (number(), number(), number(), number()),
        ) {
            if let Ok(r) = Rice::parse(reach, impact, confidence, effort) {
                let s = r.score(linked);
                prop_assert!(s.is_finite() && s >= 0.0);
            } else {
                prop_assert!(effort < MIN_DIVISOR);
            }
            if let Ok(w) = Wsjf::parse(w.0, w.1, w.2, w.3) {
                prop_assert!(w.score().is_finite() && w.score() >= 0.0);
            }
        }

        #[test]
        fn invalid_inputs_are_refused(
            reach in proptest::option::of(any_f64()),
            impact in any_f64(),
            confidence in any_f64(),
            effort in any_f64(),
        ) {
            let ok_reach = reach.is_none_or(|r| r.is_finite() && (0.0..=MAX_INPUT).contains(&r));
            let ok = ok_reach
                && IMPACT_SCALE.contains(&impact)
                && (0.0..=1.0).contains(&confidence)
                && effort.is_finite()
                && (MIN_DIVISOR..=MAX_INPUT).contains(&effort);
            let parsed = Rice::parse(reach, impact, confidence, effort);
            prop_assert_eq!(parsed.is_ok(), ok);
            if let Ok(r) = parsed {
                prop_assert!(r.score(3).is_finite());
            }
        }

        #[test]
        fn ranking_is_stable_and_total(
            items in proptest::collection::vec(
                (proptest::option::of(prop_oneof![Just(1.0), Just(2.0), 0.0..100.0f64]), 0u32..50),
                0..40,
            )
        ) {
            let owned: Vec<(Option<f64>, String)> =
                items.iter().map(|(s, i)| (*s, format!("{i:04}"))).collect();
            let mut a: Vec<&(Option<f64>, String)> = owned.iter().collect();
            let mut b: Vec<&(Option<f64>, String)> = owned.iter().rev().collect();
            a.sort_by(|x, y| rank_order((x.0, &x.1), (y.0, &y.1)));
            b.sort_by(|x, y| rank_order((x.0, &x.1), (y.0, &y.1)));
            // Whatever order they came in, the same list comes out.
            prop_assert_eq!(&a, &b);
            for pair in a.windows(2) {
                match (pair[0].0, pair[1].0) {
                    (None, Some(_)) => prop_assert!(false, "unscored before scored"),
                    (Some(x), Some(y)) => prop_assert!(x >= y),
                    _ => {}
                }
            }
        }
    }
}
