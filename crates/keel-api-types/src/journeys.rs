//! Customer journey maps: stages (columns) × lanes (rows) of a product's
//! customer journey, optionally for one persona, with an emotion score per
//! stage and opportunities linked to what would act on them.

use crate::customers::PersonaRef;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A journey map. In lists `stages` is absent; one map (`GET`, `POST`,
/// `PATCH` of `…/journeys/{id}`) carries the whole grid. `version` moves
/// with every change to the map or its grid.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct JourneyMap {
    pub id: String,
    /// The product key.
    pub product: String,
    /// Whose journey it is, if it is one persona's.
    pub persona: Option<PersonaRef>,
    pub title: String,
    /// Markdown.
    pub description: String,
    pub stage_count: i64,
    /// The grid, stages in order (absent in lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<Vec<JourneyStage>>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// A stage: one column of the grid.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct JourneyStage {
    pub id: String,
    /// 0, 1, 2, … from left to right.
    pub position: i64,
    pub name: String,
    /// How the customer feels here: −2 (very negative) to +2 (very
    /// positive); 0 for a new stage.
    pub emotion: i64,
    /// The stage's text in each lane (`""` when blank).
    pub cells: JourneyCells,
    /// What the stage's opportunities are linked to, oldest first.
    pub opportunity_links: Vec<JourneyOpportunity>,
    pub updated_at: String,
}

/// The text of one stage in every lane.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct JourneyCells {
    pub actions: String,
    pub touchpoints: String,
    pub thoughts: String,
    pub pain_points: String,
    pub opportunities: String,
}

/// A stage's opportunity linked to an item: `linked_kind` is `feature` or
/// `idea`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct JourneyOpportunity {
    pub id: String,
    pub linked_kind: String,
    pub linked_id: String,
    /// The linked item's title.
    pub title: String,
    /// The linked feature's or idea's status.
    pub status: String,
    /// The linked item's product key.
    pub product: String,
    pub created_at: String,
}

/// One cell, as `PUT …/cells/{lane}` answers.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct JourneyCell {
    /// The stage id.
    pub stage: String,
    /// `actions`, `touchpoints`, `thoughts`, `pain_points` or
    /// `opportunities`.
    pub lane: String,
    pub text: String,
    pub updated_at: String,
}

/// `POST /workspaces/{ws}/journeys`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJourneyMap {
    /// Product key.
    pub product: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Persona id or name (any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<String>,
}

/// `PATCH /workspaces/{ws}/journeys/{id}`: absent fields stay; `persona:
/// null` makes it nobody's in particular.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JourneyMapPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Persona id or name.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub persona: Option<Option<String>>,
}

/// `POST /workspaces/{ws}/journeys/{id}/stages`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJourneyStage {
    pub name: String,
    /// −2 to +2; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emotion: Option<i64>,
    /// Where it goes (0 = first); default: after the last stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// `PATCH /workspaces/{ws}/journeys/{id}/stages/{stage}`: rename, set the
/// emotion, move (`position`, clamped to the last place); absent fields
/// stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JourneyStagePatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// −2 to +2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emotion: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
}

/// `PUT /workspaces/{ws}/journeys/{id}/stages/{stage}/cells/{lane}`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct JourneyCellText {
    /// Plain text, up to 2,000 characters; trimmed; `""` blanks the cell.
    pub text: String,
}

/// `POST /workspaces/{ws}/journeys/{id}/stages/{stage}/opportunities`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewJourneyOpportunity {
    /// What is linked: `feature` or `idea`.
    pub linked_kind: String,
    /// The feature's or idea's id.
    pub linked_id: String,
}
