//! The feedback inbox, features as the target of evidence, the evidence
//! links between them with the `demand` they add up to, similar feedback
//! and themes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The customer behind a piece of feedback, as the inbox shows them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct FeedbackCustomer {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// Their company's name, if any.
    pub company: Option<String>,
    pub segment: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Feedback {
    pub id: String,
    /// The product key.
    pub product: String,
    pub text: String,
    /// interview, survey, support, sales_call, app_review, email, analytics, portal.
    pub source: String,
    pub customer: Option<FeedbackCustomer>,
    /// new, triaged, linked or archived.
    pub status: String,
    /// positive, neutral or negative (suggested on entry, editable).
    pub sentiment: String,
    pub tags: Vec<String>,
    /// The day the customer said it, `YYYY-MM-DD`.
    pub received_on: String,
    /// The feedback this one duplicates, when merged.
    pub duplicate_of: Option<String>,
    /// The evidence links from this feedback to features.
    pub links: Vec<FeedbackLink>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/feedback`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeedback {
    /// Product key.
    pub product: String,
    pub text: String,
    pub source: String,
    /// Customer id or email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    /// Suggested from the text when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<String>,
    /// `YYYY-MM-DD`; today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<String>,
}

/// `PATCH /workspaces/{ws}/feedback/{id}`: absent fields stay; `customer`
/// and `duplicate_of` may be `null` to clear them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub customer: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub duplicate_of: Option<Option<String>>,
}

/// Evidence: a passage of a feedback item linked to a feature.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct FeedbackLink {
    pub id: String,
    pub feedback_id: String,
    pub feature_id: String,
    /// The feature's title.
    pub feature_title: String,
    /// nice_to_have, important or critical.
    pub importance: String,
    /// The passage of the feedback text that is the evidence.
    pub excerpt: String,
    pub created_at: String,
}

/// `POST /workspaces/{ws}/feedback/{id}/links`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeedbackLink {
    /// Feature id.
    pub feature: String,
    /// nice_to_have, important or critical.
    pub importance: String,
    /// A passage of the feedback text; the whole text when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

/// `feature.demand` (API.md).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Demand {
    pub feedback_count: i64,
    pub customer_count: i64,
    pub company_count: i64,
    /// The ARR of the distinct companies behind the feedback, each once.
    pub arr: f64,
    /// Importance weights summed over linked feedback (1, 2, 3).
    pub score: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Feature {
    pub id: String,
    /// The product key.
    pub product: String,
    pub title: String,
    pub problem: String,
    /// idea, under_consideration, planned, in_progress, shipped, declined.
    pub status: String,
    /// new_capability, improvement or tech_debt.
    #[serde(rename = "type")]
    pub feature_type: String,
    pub demand: Demand,
    /// The RICE inputs as given (`null` when not scored).
    pub rice: Option<crate::RiceInput>,
    /// The WSJF inputs as given (`null` when not scored).
    pub wsjf: Option<crate::WsjfInput>,
    /// Computed per API.md, with the value/effort ratings and MoSCoW.
    pub scores: crate::Scores,
    /// Ids of the goals (objectives or key results) this feature moves.
    #[serde(default)]
    pub goals: Vec<String>,
    /// low, medium or high; `null` = not assessed.
    #[serde(default)]
    pub risk: Option<String>,
    /// Why the risk is what it is (one line; empty when none).
    #[serde(default)]
    pub risk_note: String,
    /// Ids of the features of the same product this one depends on (they
    /// have to ship first).
    #[serde(default)]
    pub depends_on: Vec<String>,
    /// Ids of the features that depend on this one (read-only: the reverse
    /// of their `depends_on`).
    #[serde(default)]
    pub blocks: Vec<String>,
    /// The effort already on the scores, as a cost (for tech-debt items):
    /// the RICE effort in person-months, else the 1–10 effort rating;
    /// `null` when neither is set.
    #[serde(default)]
    pub cost: Option<crate::FeatureCost>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/features`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFeature {
    /// Product key.
    pub product: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub feature_type: Option<String>,
    /// Ids of goals of the same product this feature moves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<String>>,
    /// low, medium or high; absent or `null` = not assessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    /// One line on why (at most 500 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_note: Option<String>,
    /// Ids of features of the same product this one depends on. A
    /// dependency on another product's feature, or one closing a cycle, is
    /// refused (422 on `depends_on`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rice: Option<crate::RiceInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wsjf: Option<crate::WsjfInput>,
    /// must, should, could or wont.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moscow: Option<String>,
    /// Value rating, a whole number 1–10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// Effort rating, a whole number 1–10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effort: Option<i64>,
}

/// `PATCH /workspaces/{ws}/features/{id}`: absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeaturePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub feature_type: Option<String>,
    /// Replaces the goals this feature moves (ids of goals of its product).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<Vec<String>>,
    /// low, medium or high; `null` clears it (not assessed).
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub risk: Option<Option<String>>,
    /// One line on why; empty clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk_note: Option<String>,
    /// Replaces what this feature depends on (ids of features of its
    /// product); `[]` removes every dependency. Nothing is written when one
    /// is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depends_on: Option<Vec<String>>,
    /// The whole RICE input; `null` clears it.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<crate::RiceInput>)]
    pub rice: Option<Option<crate::RiceInput>>,
    /// The whole WSJF input; `null` clears it.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<crate::WsjfInput>)]
    pub wsjf: Option<Option<crate::WsjfInput>>,
    /// must, should, could or wont; `null` clears it.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub moscow: Option<Option<String>>,
    /// Value rating 1–10; `null` clears it.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<i64>)]
    pub value: Option<Option<i64>>,
    /// Effort rating 1–10; `null` clears it.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<i64>)]
    pub effort: Option<Option<i64>>,
    /// Why the scores changed, kept in the score history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// With `status: declined`: the rationale recorded in the decision log
    /// (a decision is recorded without it too, its rationale missing).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<crate::DeclineNote>,
}

/// One quote behind a feature, with who said it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct EvidenceItem {
    pub link: FeedbackLink,
    pub feedback_text: String,
    pub customer: Option<FeedbackCustomer>,
    /// The customer's company ARR, when known.
    pub company_arr: Option<f64>,
}

/// `GET /workspaces/{ws}/features/{id}/evidence`: the quotes, and the
/// people to tell when the feature ships.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct FeatureEvidence {
    pub demand: Demand,
    pub items: Vec<EvidenceItem>,
    /// Distinct customers behind the evidence.
    pub customers_to_notify: Vec<FeedbackCustomer>,
}

/// One similar feedback item and how similar it is (cosine, 0–1).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SimilarFeedback {
    pub feedback: Feedback,
    pub score: f64,
}

/// `GET /workspaces/{ws}/feedback/{id}/similar`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SimilarList {
    pub items: Vec<SimilarFeedback>,
    /// `model` when the sentence-embedding model ranked them, `lexical`
    /// when word overlap did (no model configured, or not yet computed).
    pub method: String,
}

/// A recurring theme of the inbox.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Theme {
    pub label: String,
    pub count: i64,
    pub feedback_ids: Vec<String>,
    /// Feedback received per ISO week (`YYYY-Www`), oldest first.
    pub trend: Vec<ThemeWeek>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ThemeWeek {
    pub week: String,
    pub count: i64,
}

/// `GET /workspaces/{ws}/feedback/themes?product=`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ThemeList {
    pub items: Vec<Theme>,
    /// `model` or `lexical`, as for similar feedback.
    pub method: String,
}

/// `POST /workspaces/{ws}/feedback/bulk`: one change to many items, all or
/// nothing.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackBulk {
    /// Feedback ids, 1 to 200.
    pub ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<String>,
    /// Tags added to each item (kept once).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_tags: Option<Vec<String>>,
    /// Tags taken off each item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_tags: Option<Vec<String>>,
}
