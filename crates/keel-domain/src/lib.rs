//! Keel's pure domain: values that cannot be built invalid, the rules about
//! who may do what, and the records the rest of the system passes around.
//!
//! Nothing here performs IO. Constructors return a [`FieldError`] naming the
//! offending field so the HTTP layer can report it without guessing.

#[macro_use]
mod vocab;
pub mod cycle;
pub mod decisions;
pub mod error;
pub mod feasibility;
pub mod goals;
pub mod ids;
pub mod initiatives;
pub mod insight;
pub mod interview;
pub mod journey;
pub mod market;
pub mod mention;
pub mod model;
pub mod my_day;
pub mod release;
pub mod release_feeds;
pub mod release_notes;
pub mod roadmap;
pub mod role;
pub mod scoring;
pub mod search;
pub mod sentiment;
pub mod stakeholder_update;
pub mod story;
pub mod task;
pub mod tech_debt;
pub mod text_diff;
pub mod time;
pub mod values;

pub use error::{FieldError, ValidationErrors};
pub use role::{Permission, Role};
