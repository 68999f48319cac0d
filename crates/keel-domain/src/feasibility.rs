//! Technical feasibility of features: a risk assessment, dependencies
//! between features, and the cost of tech-debt items. Pure, no IO.
//!
//! Dependencies form a directed graph per product ("A depends on B" is the
//! edge A → B: B has to ship first). The graph must stay acyclic, or no
//! order could ship everything; [`check_dependencies`] refuses the change
//! that would close a cycle and names the path, so the user sees which
//! link to drop.

use crate::FieldError;
use std::collections::{BTreeMap, BTreeSet};

vocabulary! {
    /// How risky building a feature is judged to be.
    Risk { Low => "low", Medium => "medium", High => "high" }
}

impl Risk {
    /// Sort key, riskiest first: high 0, medium 1, low 2 (not assessed
    /// sorts after all of them, see [`risk_rank`]).
    pub fn rank(self) -> u8 {
        match self {
            Risk::High => 0,
            Risk::Medium => 1,
            Risk::Low => 2,
        }
    }
}

/// Sort key of a stored risk, riskiest first, not assessed last.
pub fn risk_rank(risk: Option<&str>) -> u8 {
    risk.and_then(|r| Risk::parse("risk", r).ok())
        .map_or(3, Risk::rank)
}

/// Longest risk note, in characters: a sentence or two, not a document.
pub const MAX_RISK_NOTE_CHARS: usize = 500;

/// Checks a risk note: trimmed, single line, may be empty.
pub fn risk_note(field: &str, s: &str) -> Result<String, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    crate::values::line(field, t)
}

/// Why a set of dependencies was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DependencyError {
    /// The feature was listed as depending on itself.
    OnItself,
    /// The new edges close a cycle: the path from the feature back to it,
    /// first and last element the same id.
    Cycle(Vec<String>),
}

/// The edges of a graph with `feature`'s dependencies replaced by `deps`.
pub fn with_dependencies(
    edges: &[(String, String)],
    feature: &str,
    deps: &[String],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = edges
        .iter()
        .filter(|(from, _)| from != feature)
        .cloned()
        .collect();
    for d in deps {
        let e = (feature.to_string(), d.clone());
        if !out.contains(&e) {
            out.push(e);
        }
    }
    out
}

/// Checks that `feature` may depend on exactly `deps`, given the product's
/// current `edges` (`(feature, depends_on)` pairs). Refuses a dependency on
/// itself and any set that makes the graph cyclic.
pub fn check_dependencies(
    edges: &[(String, String)],
    feature: &str,
    deps: &[String],
) -> Result<(), DependencyError> {
    if deps.iter().any(|d| d == feature) {
        return Err(DependencyError::OnItself);
    }
    match find_cycle(&with_dependencies(edges, feature, deps), Some(feature)) {
        Some(path) => Err(DependencyError::Cycle(path)),
        None => Ok(()),
    }
}

/// A cycle of the graph as a path whose first and last ids are the same,
/// or `None` when it is acyclic. The search starts at `start` when given,
/// so a cycle through it is reported from it.
pub fn find_cycle(edges: &[(String, String)], start: Option<&str>) -> Option<Vec<String>> {
    let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (from, to) in edges {
        next.entry(from.as_str()).or_default().push(to.as_str());
    }
    let mut roots: Vec<&str> = start.into_iter().collect();
    roots.extend(next.keys().copied());
    let mut done: BTreeSet<&str> = BTreeSet::new();
    for root in roots {
        if done.contains(root) {
            continue;
        }
        // Iterative depth-first search: `path` is the grey chain from the
        // root, each with the index of its next child to visit.
        let mut path: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some((node, i)) = path.last().copied() {
            let children = next.get(node).map(Vec::as_slice).unwrap_or(&[]);
            match children.get(i) {
                None => {
                    done.insert(node);
                    path.pop();
                }
                Some(&child) => {
                    if let Some(last) = path.last_mut() {
                        last.1 += 1;
                    }
                    if let Some(at) = path.iter().position(|(n, _)| *n == child) {
                        let mut cycle: Vec<String> =
                            path[at..].iter().map(|(n, _)| n.to_string()).collect();
                        cycle.push(child.to_string());
                        return Some(cycle);
                    }
                    if !done.contains(child) {
                        path.push((child, 0));
                    }
                }
            }
        }
    }
    None
}

/// Whether a dependency in `dep_status` holds back a feature in `status`:
/// the feature is planned or being built and what it needs has not
/// shipped yet.
pub fn holds_back(status: &str, dep_status: &str) -> bool {
    matches!(status, "planned" | "in_progress") && dep_status != "shipped"
}

/// The cost of a tech-debt item, taken from the effort already on its
/// scores rather than typed twice: the RICE effort in person-months when
/// scored with RICE, else the 1–10 effort rating.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cost {
    pub amount: f64,
    pub unit: CostUnit,
}

/// Where a [`Cost`] comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CostUnit {
    /// RICE effort.
    PersonMonths,
    /// The value/effort effort rating, 1–10.
    EffortPoints,
}

impl CostUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            CostUnit::PersonMonths => "person_months",
            CostUnit::EffortPoints => "effort_points",
        }
    }
}

impl Cost {
    /// The cost from RICE effort or the effort rating; `None` when neither
    /// is set.
    pub fn of(rice_effort: Option<f64>, effort_rating: Option<i64>) -> Option<Cost> {
        match (rice_effort, effort_rating) {
            (Some(e), _) if e.is_finite() => Some(Cost {
                amount: e,
                unit: CostUnit::PersonMonths,
            }),
            (_, Some(r)) => Some(Cost {
                amount: r as f64,
                unit: CostUnit::EffortPoints,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    fn ids(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn risk_parses_and_ranks() {
        assert_eq!(Risk::parse("risk", "high"), Ok(Risk::High));
        let err = Risk::parse("risk", "extreme").unwrap_err();
        assert_eq!(err.field, "risk");
        assert!(risk_rank(Some("high")) < risk_rank(Some("medium")));
        assert!(risk_rank(Some("low")) < risk_rank(None));
    }

    #[test]
    fn risk_note_is_one_trimmed_line() {
        assert_eq!(risk_note("risk_note", "  "), Ok(String::new()));
        assert_eq!(risk_note("risk_note", " db lock "), Ok("db lock".into()));
        assert!(risk_note("risk_note", "a\nb").is_err());
        assert!(risk_note("risk_note", &"x".repeat(MAX_RISK_NOTE_CHARS + 1)).is_err());
    }

    #[test]
    fn refuses_itself() {
        assert_eq!(
            check_dependencies(&[], "a", &ids(&["a"])),
            Err(DependencyError::OnItself)
        );
    }

    #[test]
    fn accepts_a_chain_and_a_diamond() {
        let edges = vec![e("a", "b"), e("b", "c"), e("a", "d")];
        assert_eq!(check_dependencies(&edges, "d", &ids(&["c"])), Ok(()));
        assert_eq!(check_dependencies(&edges, "e", &ids(&["a", "c"])), Ok(()));
    }

    #[test]
    fn refuses_a_cycle_and_names_its_path() {
        let edges = vec![e("a", "b"), e("b", "c")];
        assert_eq!(
            check_dependencies(&edges, "c", &ids(&["a"])),
            Err(DependencyError::Cycle(ids(&["c", "a", "b", "c"])))
        );
        // Two-node cycle.
        assert_eq!(
            check_dependencies(&[e("a", "b")], "b", &ids(&["a"])),
            Err(DependencyError::Cycle(ids(&["b", "a", "b"])))
        );
    }

    #[test]
    fn replacing_dependencies_can_break_a_would_be_cycle() {
        // a → b → c; c may depend on a only once b no longer depends on c.
        let edges = vec![e("a", "b"), e("b", "c")];
        let edges = with_dependencies(&edges, "b", &[]);
        assert_eq!(check_dependencies(&edges, "c", &ids(&["a"])), Ok(()));
    }

    #[test]
    fn holds_back_only_planned_or_started_work() {
        assert!(holds_back("in_progress", "planned"));
        assert!(holds_back("planned", "declined"));
        assert!(!holds_back("planned", "shipped"));
        assert!(!holds_back("idea", "planned"));
    }

    #[test]
    fn cost_prefers_rice_effort() {
        assert_eq!(
            Cost::of(Some(2.5), Some(7)),
            Some(Cost {
                amount: 2.5,
                unit: CostUnit::PersonMonths
            })
        );
        assert_eq!(
            Cost::of(None, Some(7)).map(|c| c.unit),
            Some(CostUnit::EffortPoints)
        );
        assert_eq!(Cost::of(None, None), None);
    }

    /// Is the graph acyclic, by repeatedly removing nodes without
    /// successors (Kahn), independent of [`find_cycle`].
    fn acyclic(edges: &[(String, String)]) -> bool {
        let mut left: Vec<(String, String)> = edges.to_vec();
        loop {
            let froms: BTreeSet<&String> = left.iter().map(|(f, _)| f).collect();
            let before = left.len();
            let sinks: BTreeSet<String> = left
                .iter()
                .map(|(_, t)| t)
                .filter(|t| !froms.contains(t))
                .cloned()
                .collect();
            left.retain(|(_, t)| !sinks.contains(t));
            if left.is_empty() {
                return true;
            }
            if left.len() == before {
                return false;
            }
        }
    }

    proptest! {
        /// Applying random dependency changes one at a time, keeping only
        /// the accepted ones, always leaves an acyclic graph; and a refused
        /// change really would have made one.
        #[test]
        fn accepted_edge_sets_stay_acyclic(
            changes in proptest::collection::vec(
                (0u8..8, proptest::collection::vec(0u8..8, 0..4)), 0..40)
        ) {
            let mut edges: Vec<(String, String)> = Vec::new();
            for (f, deps) in changes {
                let f = format!("f{f}");
                let deps: Vec<String> = deps.iter().map(|d| format!("f{d}")).collect();
                match check_dependencies(&edges, &f, &deps) {
                    Ok(()) => {
                        edges = with_dependencies(&edges, &f, &deps);
                        prop_assert!(acyclic(&edges));
                    }
                    Err(DependencyError::OnItself) => prop_assert!(deps.contains(&f)),
                    Err(DependencyError::Cycle(path)) => {
                        let next = with_dependencies(&edges, &f, &deps);
                        prop_assert!(!acyclic(&next));
                        prop_assert_eq!(path.first(), Some(&f));
                        prop_assert_eq!(path.first(), path.last());
                        for w in path.windows(2) {
                            prop_assert!(next.contains(&(w[0].clone(), w[1].clone())));
                        }
                    }
                }
            }
        }
    }
}
