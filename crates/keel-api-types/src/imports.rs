//! Imports: feedback from a CSV file (survey results included), with a
//! dry run, all or nothing.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One problem in an import request or its file. `field` says where, in
/// words a person can act on: `line 17, column "date"` for a cell,
/// `line 5` for a whole line, or the query parameter (`map`, `product`,
/// `source`) or `body` for the file as a whole. `line` (1-based, the header
/// is line 1, as a spreadsheet numbers its rows) and `column` (the header's
/// name) repeat it for programs.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct ImportErrorBody {
    pub field: String,
    #[serde(default)]
    pub line: Option<u64>,
    #[serde(default)]
    pub column: Option<String>,
    pub message: String,
}

/// `POST /workspaces/{ws}/feedback/import`: what was created — or, on a
/// dry run, what would be.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct FeedbackImport {
    /// The product key.
    pub product: String,
    /// True when nothing was written.
    pub dry_run: bool,
    /// Data rows in the file (blank lines not counted).
    pub rows: u64,
    /// Feedback items created (would be, on a dry run): one per row.
    pub created: u64,
    /// Customers created from emails the workspace did not know.
    pub customers_created: u64,
    /// Customers found by email (any case).
    pub customers_matched: u64,
    /// Always empty here: an import with errors answers 422
    /// ([`ImportProblem`]) and writes nothing.
    pub errors: Vec<ImportErrorBody>,
}

/// The 422 answer of an import (`application/problem+json`): nothing was
/// written. `errors` lists at most the first 100 problems, `error_count`
/// counts them all.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ImportProblem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub errors: Vec<ImportErrorBody>,
    pub error_count: u64,
    /// Data rows read from the file before the errors were reported.
    pub rows: u64,
}
