//! Companies, customers and personas: who the feedback comes from.
//! Reading any of them needs the `ReadCustomers` permission (guests lack
//! it); a customer's export gathers everything stored about the person.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Company {
    pub id: String,
    pub name: String,
    /// Empty when not set.
    pub segment: String,
    /// Empty when not set.
    pub plan: String,
    /// Annual recurring revenue; `null` when unknown.
    pub arr: Option<f64>,
    /// Free-form attributes (at most 50).
    pub attributes: BTreeMap<String, String>,
    /// Customers who belong to the company.
    pub customer_count: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/companies`. The name is unique in the workspace
/// (any case).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCompany {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Annual recurring revenue, ≥ 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arr: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// `PATCH /workspaces/{ws}/companies/{id}`: absent fields stay; `arr: null`
/// clears the revenue, `""` clears `segment` or `plan`; `attributes`
/// replaces them all.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompanyPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<f64>)]
    pub arr: Option<Option<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// A customer's company, as the customer shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct CompanyRef {
    pub id: String,
    pub name: String,
    pub arr: Option<f64>,
}

/// A customer's persona, as the customer shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PersonaRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Customer {
    pub id: String,
    pub name: String,
    /// Lower-cased; unique in the workspace.
    pub email: Option<String>,
    pub company: Option<CompanyRef>,
    /// Empty when not set.
    pub segment: String,
    pub persona: Option<PersonaRef>,
    /// Free-form attributes (at most 50).
    pub attributes: BTreeMap<String, String>,
    /// Feedback items this customer gave.
    pub feedback_count: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/customers`. `company` and `persona` are given by
/// id or by name (any case).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Company id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// The company's segment when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Persona id or name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// `PATCH /workspaces/{ws}/customers/{id}`: absent fields stay; `null`
/// clears `email`, `company` or `persona`, `""` clears `segment`;
/// `attributes` replaces them all.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub email: Option<Option<String>>,
    /// Company id or name.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub company: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<String>,
    /// Persona id or name.
    #[serde(
        default,
        deserialize_with = "crate::common::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    pub persona: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attributes: Option<BTreeMap<String, String>>,
}

/// A customer as a persona lists them.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PersonaMember {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

/// A persona. In lists `customers` is absent; one persona (`GET`, `POST`,
/// `PATCH` of `…/personas/{id}`) lists its customers, by name.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Persona {
    pub id: String,
    pub name: String,
    pub description: String,
    pub goals: String,
    pub pains: String,
    /// Jobs to be done.
    pub jobs: String,
    pub customer_count: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<Vec<PersonaMember>>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `POST /workspaces/{ws}/personas`. The name is unique in the workspace
/// (any case); the texts are Markdown.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPersona {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobs: Option<String>,
}

/// `PATCH /workspaces/{ws}/personas/{id}`: absent fields stay.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonaPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub goals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pains: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobs: Option<String>,
}

/// A feature one of the customer's feedback items was linked to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ExportFeatureLink {
    pub feature_id: String,
    /// The feature's product key.
    pub product: String,
    pub title: String,
    pub status: String,
    /// nice_to_have, important or critical.
    pub importance: String,
    /// The passage of the feedback that was linked.
    pub excerpt: String,
    pub linked_at: String,
}

/// One feedback item of the customer, with the features it is evidence for.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ExportFeedback {
    pub id: String,
    /// The product key.
    pub product: String,
    pub text: String,
    pub source: String,
    pub status: String,
    pub sentiment: String,
    pub tags: Vec<String>,
    /// The day the customer said it, `YYYY-MM-DD`.
    pub received_on: String,
    pub created_at: String,
    pub updated_at: String,
    pub features: Vec<ExportFeatureLink>,
}

/// `GET /workspaces/{ws}/customers/{id}/export`: everything Keel stores
/// about one person, for a data-subject access request.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct CustomerExport {
    /// When the export was made (RFC 3339, UTC).
    pub exported_at: String,
    pub customer: Customer,
    pub company: Option<Company>,
    pub persona: Option<Persona>,
    /// Oldest first.
    pub feedback: Vec<ExportFeedback>,
    /// The distinct features their feedback is linked to.
    pub features: Vec<ExportFeatureSummary>,
    /// The interviews held with them, oldest first, with every answer.
    #[serde(default)]
    pub interviews: Vec<crate::interviews::Interview>,
}

/// A feature the customer's feedback is evidence for.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ExportFeatureSummary {
    pub id: String,
    /// The feature's product key.
    pub product: String,
    pub title: String,
    pub status: String,
}
