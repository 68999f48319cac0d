//! The tech-debt budget on a cycle's page, in words: target and actual as
//! percentages, and what the standing means.

use keel_api_types::TechDebtBudget;

/// What `tech_debt.html` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct TechDebtView {
    /// "20%", or empty when no target is set (the form's value).
    pub target_input: String,
    pub target: String,
    pub actual: String,
    /// `actual` as 0–1 for the meter; `None` while nothing is done.
    pub actual_share: Option<f64>,
    pub points: String,
    pub standing: String,
    /// `under`, `on_target`, `over`, … for colour.
    pub standing_class: String,
}

fn percent(v: f64) -> String {
    format!("{}%", (v * 100.0).round())
}

fn points(v: f64) -> String {
    let s = format!("{v:.1}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

impl TechDebtView {
    pub fn of(b: &TechDebtBudget) -> Self {
        TechDebtView {
            target_input: b
                .target
                .map(|t| format!("{}", (t * 100.0).round()))
                .unwrap_or_default(),
            target: b.target.map(percent).unwrap_or_else(|| "none".into()),
            actual: b.actual.map(percent).unwrap_or_else(|| "—".into()),
            actual_share: b.actual,
            points: format!(
                "{} of {} done points on tech debt",
                points(b.tech_debt_points),
                points(b.done_points)
            ),
            standing: match b.standing.as_str() {
                "no_target" => "No target set for this cycle.",
                "nothing_done" => "Nothing done yet: no share to compare.",
                "under" => "Under the target: debt work is being crowded out.",
                "over" => "Over the target: more debt work than planned.",
                _ => "On target (within 5 points).",
            }
            .to_string(),
            standing_class: b.standing.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(target: Option<f64>, actual: Option<f64>, standing: &str) -> TechDebtBudget {
        TechDebtBudget {
            cycle: "c".into(),
            target,
            actual,
            tech_debt_points: 2.5,
            done_points: 10.0,
            standing: standing.into(),
            version: 1,
        }
    }

    #[test]
    fn reads_as_percentages() {
        let v = TechDebtView::of(&budget(Some(0.2), Some(0.25), "on_target"));
        assert_eq!((v.target.as_str(), v.actual.as_str()), ("20%", "25%"));
        assert_eq!(v.target_input, "20");
        assert_eq!(v.points, "2.5 of 10 done points on tech debt");
        let v = TechDebtView::of(&budget(None, None, "no_target"));
        assert_eq!((v.target.as_str(), v.actual.as_str()), ("none", "—"));
        assert_eq!(v.target_input, "");
        assert!(v.standing.starts_with("No target"));
        let v = TechDebtView::of(&budget(Some(0.5), Some(0.1), "under"));
        assert!(v.standing.starts_with("Under"));
    }
}
