//! Request extractors: the JSON body and query string with field-naming
//! errors, the authenticated caller, the workspace and role, `If-Match`.

pub mod auth;
mod body;
mod if_match;
mod workspace;

pub use auth::Caller;
pub use body::{Json, Query};
pub use if_match::IfMatch;
pub use workspace::WorkspaceCtx;
