//! User stories under features, their breakdown into tasks, and a task's
//! "why": the story, feature, goals and customers above it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One acceptance criterion: Given … When … Then ….
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct AcceptanceCriterion {
    pub given: String,
    pub when: String,
    pub then: String,
}

/// An acceptance criterion as sent; every part is required (missing parts
/// are reported as `acceptance_criteria[i].given` etc.).
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CriterionInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub given: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<String>,
}

/// The persona a story speaks for.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct StoryPersona {
    pub id: String,
    pub name: String,
}

/// A task linked to a story.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct StoryTaskRef {
    pub id: String,
    pub key: String,
    pub title: String,
    pub status: String,
}

/// A user story: "As a … I want … so that …" under a feature.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Story {
    pub id: String,
    /// Product key.
    pub product: String,
    /// The feature's id.
    pub feature: String,
    pub as_a: String,
    pub persona: Option<StoryPersona>,
    pub i_want: String,
    /// `""` when not given.
    pub so_that: String,
    /// In order.
    pub acceptance_criteria: Vec<AcceptanceCriterion>,
    /// Markdown.
    pub technical_requirements: String,
    /// draft, ready, in_progress or done.
    pub status: String,
    /// Order among the feature's stories, from 0.
    pub position: i64,
    /// The tasks linked to this story, in key order.
    pub tasks: Vec<StoryTaskRef>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/stories`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStory {
    /// The feature's id.
    pub feature: String,
    /// Who wants it; may be left out when `persona` is given (then the
    /// persona's name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_a: Option<String>,
    /// A persona of the workspace, by id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<String>,
    pub i_want: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub so_that: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_criteria: Option<Vec<CriterionInput>>,
    /// Markdown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_requirements: Option<String>,
    /// draft (default), ready, in_progress or done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// `PATCH /workspaces/{ws}/stories/{id}`: absent fields stay, `null`
/// clears `persona`; `acceptance_criteria` replaces the list whole.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StoryPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_a: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::common::double_option"
    )]
    #[schema(value_type = Option<String>)]
    pub persona: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub i_want: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub so_that: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acceptance_criteria: Option<Vec<CriterionInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub technical_requirements: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Moves the story among its feature's stories (clamped to the end).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// One task to create in a breakdown.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakdownTask {
    pub title: String,
    /// Story points, ≥ 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate: Option<f64>,
    /// Task type (feature, bug, chore, …); the task default when absent.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub task_type: Option<String>,
}

/// `POST /workspaces/{ws}/stories/{id}/breakdown`. Without `tasks` (or
/// with an empty list), one task per acceptance criterion not broken down
/// before.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Breakdown {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tasks: Option<Vec<BreakdownTask>>,
}

/// What a breakdown did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct BreakdownResult {
    /// The tasks created, in order; each is linked to the story and its
    /// feature.
    pub created: Vec<crate::Task>,
    /// Indexes of the acceptance criteria skipped because a task of this
    /// story was already made from them.
    pub skipped_criteria: Vec<usize>,
    /// The story, with all its tasks.
    pub story: Story,
}

/// The story above a task.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WhyStory {
    pub id: String,
    /// "As a … I want … so that …".
    pub narrative: String,
    pub as_a: String,
    pub i_want: String,
    pub so_that: String,
}

/// The feature above a task.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WhyFeature {
    pub id: String,
    pub title: String,
    pub status: String,
}

/// A goal the feature serves.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WhyGoal {
    pub id: String,
    pub title: String,
}

/// A customer who asked for the feature.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct WhyCustomer {
    pub id: String,
    pub name: String,
    /// The customer's company name.
    pub company: Option<String>,
    /// How many of their feedback items are linked to the feature.
    pub feedback_count: i64,
}

/// `GET /workspaces/{ws}/tasks/{id}/why`: the chain above a task.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct TaskWhy {
    /// Task key.
    pub task: String,
    pub story: Option<WhyStory>,
    /// The task's feature, else its story's.
    pub feature: Option<WhyFeature>,
    pub goals: Vec<WhyGoal>,
    /// Empty for guests, who do not see customers.
    pub customers: Vec<WhyCustomer>,
}
