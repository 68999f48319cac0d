//! Customer insight vocabularies (where feedback came from, where it is in
//! triage, how strongly a customer needs a feature) and the `demand` of a
//! feature computed from its evidence, exactly as API.md defines it.

use std::collections::{BTreeMap, BTreeSet};

vocabulary! {
    /// Where a piece of feedback came from.
    FeedbackSource {
        Interview => "interview",
        Survey => "survey",
        Support => "support",
        SalesCall => "sales_call",
        AppReview => "app_review",
        Email => "email",
        Analytics => "analytics",
        Portal => "portal",
    }
}

vocabulary! {
    /// Where a piece of feedback is in triage.
    FeedbackStatus {
        New => "new",
        Triaged => "triaged",
        Linked => "linked",
        Archived => "archived",
    }
}

vocabulary! {
    /// The tone of a piece of feedback: suggested by [`crate::sentiment`],
    /// editable by whoever triages it.
    Sentiment {
        Positive => "positive",
        Neutral => "neutral",
        Negative => "negative",
    }
}

vocabulary! {
    /// How much a customer needs the feature a passage is linked to.
    Importance {
        NiceToHave => "nice_to_have",
        Important => "important",
        Critical => "critical",
    }
}

vocabulary! {
    /// Where a feature is on its way to customers.
    FeatureStatus {
        Idea => "idea",
        UnderConsideration => "under_consideration",
        Planned => "planned",
        InProgress => "in_progress",
        Shipped => "shipped",
        Declined => "declined",
    }
}

vocabulary! {
    /// What kind of change a feature is.
    FeatureType {
        NewCapability => "new_capability",
        Improvement => "improvement",
        TechDebt => "tech_debt",
    }
}

vocabulary! {
    /// Where an idea is: new, being looked at, turned into a feature, or
    /// declined.
    IdeaStatus {
        New => "new",
        UnderReview => "under_review",
        Promoted => "promoted",
        Declined => "declined",
    }
}

vocabulary! {
    /// Where an idea came from.
    IdeaSource {
        Team => "team",
        Portal => "portal",
        Brainstorm => "brainstorm",
    }
}

impl Importance {
    /// The weight in the demand score (API.md: 1, 2, 3).
    pub fn weight(&self) -> i64 {
        match self {
            Importance::NiceToHave => 1,
            Importance::Important => 2,
            Importance::Critical => 3,
        }
    }
}

/// One piece of evidence behind a feature: a link from a feedback item,
/// with the customer and company behind that feedback when known.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub feedback_id: String,
    pub importance: Importance,
    pub customer_id: Option<String>,
    pub company_id: Option<String>,
    /// The company's ARR, when the company has one.
    pub company_arr: Option<f64>,
}

/// `feature.demand` (API.md).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Demand {
    pub feedback_count: i64,
    pub customer_count: i64,
    pub company_count: i64,
    /// The ARR of the distinct companies, each counted once.
    pub arr: f64,
    /// Importance weights summed over the linked feedback.
    pub score: i64,
}

impl Demand {
    /// Counts distinct feedback, customers and companies; sums each
    /// company's ARR once and each feedback item's importance once (a
    /// feedback item is linked to a feature at most once).
    pub fn of(evidence: &[Evidence]) -> Demand {
        let mut feedback: BTreeMap<&str, i64> = BTreeMap::new();
        let mut customers = BTreeSet::new();
        let mut companies: BTreeMap<&str, f64> = BTreeMap::new();
        for e in evidence {
            let weight = feedback.entry(&e.feedback_id).or_insert(0);
            *weight = (*weight).max(e.importance.weight());
            if let Some(c) = &e.customer_id {
                customers.insert(c.as_str());
            }
            if let Some(c) = &e.company_id {
                companies.insert(c, e.company_arr.unwrap_or(0.0));
            }
        }
        Demand {
            feedback_count: feedback.len() as i64,
            customer_count: customers.len() as i64,
            company_count: companies.len() as i64,
            arr: companies.values().sum(),
            score: feedback.values().sum(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ev(fb: &str, imp: Importance, cust: Option<&str>, co: Option<(&str, f64)>) -> Evidence {
        Evidence {
            feedback_id: fb.into(),
            importance: imp,
            customer_id: cust.map(Into::into),
            company_id: co.map(|(c, _)| c.into()),
            company_arr: co.map(|(_, a)| a),
        }
    }

    #[test]
    fn vocabularies_round_trip_and_name_the_field() {
        for s in FeedbackSource::ALL {
            assert_eq!(FeedbackSource::parse("source", s.as_str()).unwrap(), *s);
        }
        let err = Importance::parse("importance", "huge").unwrap_err();
        assert_eq!(err.field, "importance");
        assert!(err.message.contains("nice_to_have, important, critical"));
        assert_eq!(FeatureStatus::ALL.len(), 6);
    }

    #[test]
    fn demand_case_table() {
        use Importance::*;
        let cases: Vec<(Vec<Evidence>, Demand)> = vec![
            (vec![], Demand::default()),
            (
                // One anonymous feedback, nice to have.
                vec![ev("f1", NiceToHave, None, None)],
                Demand {
                    feedback_count: 1,
                    customer_count: 0,
                    company_count: 0,
                    arr: 0.0,
                    score: 1,
                },
            ),
            (
                // Two customers of one company: its ARR counts once.
                vec![
                    ev("f1", Critical, Some("c1"), Some(("acme", 1000.0))),
                    ev("f2", Important, Some("c2"), Some(("acme", 1000.0))),
                ],
                Demand {
                    feedback_count: 2,
                    customer_count: 2,
                    company_count: 1,
                    arr: 1000.0,
                    score: 5,
                },
            ),
            (
                // One customer saying it twice: two feedback, one customer.
                vec![
                    ev("f1", Important, Some("c1"), Some(("acme", 1000.0))),
                    ev("f2", Important, Some("c1"), Some(("acme", 1000.0))),
                    ev("f3", NiceToHave, Some("c3"), Some(("globex", 250.5))),
                    ev("f4", Critical, Some("c4"), None),
                ],
                Demand {
                    feedback_count: 4,
                    customer_count: 3,
                    company_count: 2,
                    arr: 1250.5,
                    score: 8,
                },
            ),
            (
                // A company without ARR counts as a company with 0.
                vec![ev("f1", Critical, Some("c1"), Some(("tiny", 0.0)))],
                Demand {
                    feedback_count: 1,
                    customer_count: 1,
                    company_count: 1,
                    arr: 0.0,
                    score: 3,
                },
            ),
        ];
        for (evidence, want) in cases {
            assert_eq!(Demand::of(&evidence), want, "{evidence:?}");
        }
    }

    proptest! {
        #[test]
        fn demand_bounds(items in proptest::collection::vec((0u8..20, 0usize..3, proptest::option::of(0u8..8), proptest::option::of(0u8..4)), 0..40)) {
            let evidence: Vec<Evidence> = items.iter().map(|(f, i, c, co)| Evidence {
                feedback_id: format!("f{f}"),
                importance: Importance::ALL[*i],
                // A feedback item has one customer: the same id always
                // names the same one (or, here and there, none).
                customer_id: c.map(|_| format!("c{}", f % 8)),
                company_id: co.map(|c| format!("co{c}")),
                company_arr: co.map(|c| f64::from(c) * 100.0),
            }).collect();
            let d = Demand::of(&evidence);
            prop_assert!(d.customer_count <= d.feedback_count);
            prop_assert!(d.score >= d.feedback_count && d.score <= 3 * d.feedback_count);
            prop_assert!(d.arr <= 600.0);
            // Order does not matter.
            let mut rev = evidence.clone();
            rev.reverse();
            prop_assert_eq!(Demand::of(&rev).feedback_count, d.feedback_count);
        }
    }
}
