//! Customer interviews: interview guides (a name and ordered questions),
//! interviews held with a guide (one answer per question, plus free
//! notes), and the action that turns answers into feedback items.

use crate::feedback::Feedback;
use crate::workspaces::PersonRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One question of a guide.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GuideQuestion {
    pub question: String,
    /// What to listen for or ask next (`""` when none).
    #[serde(default)]
    pub hint: String,
}

/// An interview guide. The built-in `discovery` guide is in every
/// workspace (`builtin: true`, never changed: copy it to adapt it).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct InterviewGuide {
    pub id: String,
    pub name: String,
    pub builtin: bool,
    pub questions: Vec<GuideQuestion>,
    /// `null` for the built-in guide.
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub version: i64,
}

/// `POST /workspaces/{ws}/interview-guides`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInterviewGuide {
    pub name: String,
    /// 1 to 30 questions, in order.
    pub questions: Vec<GuideQuestion>,
}

/// `PATCH /workspaces/{ws}/interview-guides/{id}`: absent fields stay;
/// `questions` replaces the list whole. Interviews already held keep the
/// questions they were asked.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewGuidePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub questions: Option<Vec<GuideQuestion>>,
}

/// The customer interviewed.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct InterviewCustomer {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

/// The guide an interview used: its id (`discovery` for the built-in one;
/// it may have been deleted since) and its name then.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct InterviewGuideRef {
    pub id: Option<String>,
    pub name: String,
}

/// One question of an interview and what was answered.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct InterviewAnswer {
    pub id: String,
    /// 0, 1, 2, … in the guide's order.
    pub position: i64,
    pub question: String,
    pub hint: String,
    /// `""` when not answered.
    pub answer: String,
    /// The feedback item this answer became, once turned into feedback.
    pub feedback_id: Option<String>,
}

/// An interview. Lists leave `answers` out.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Interview {
    pub id: String,
    /// The product key.
    pub product: String,
    pub title: String,
    /// The day it was held, `YYYY-MM-DD`.
    pub held_on: String,
    pub customer: Option<InterviewCustomer>,
    /// Who held it (who created it).
    pub interviewer: PersonRef,
    pub guide: InterviewGuideRef,
    /// Free notes (Markdown).
    pub notes: String,
    pub question_count: i64,
    /// Answers with text.
    pub answered_count: i64,
    /// Answers turned into feedback.
    pub converted_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Vec<InterviewAnswer>>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// The answer to one question, by its position in the guide.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    pub position: i64,
    /// Plain text; `""` clears it.
    pub answer: String,
}

/// `POST /workspaces/{ws}/interviews`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInterview {
    /// Product key.
    pub product: String,
    pub title: String,
    /// `YYYY-MM-DD`; today (UTC) when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_on: Option<String>,
    /// Customer id or email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
    /// Guide id; the built-in `discovery` guide when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guide: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Vec<AnswerInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// `PATCH /workspaces/{ws}/interviews/{id}`: absent fields stay;
/// `customer: null` removes the customer; `answers` changes only the
/// positions it names.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InterviewPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_on: Option<String>,
    /// Customer id or email.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub customer: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<Vec<AnswerInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// What `POST …/interviews/{id}/feedback` did.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct InterviewFeedback {
    /// Feedback items created now, one per answer not converted before.
    pub created: Vec<Feedback>,
    /// Answers that had been turned into feedback already (left alone).
    pub already_converted: i64,
    /// The interview as it now is (with its answers' links).
    pub interview: Interview,
}
