//! Repository functions, one module per resource. Reads take a [`Db`] so
//! they run on the pool or inside a transaction; writes take a [`Tx`] so the
//! change, its history and its event commit together.
//!
//! [`Db`]: crate::Db
//! [`Tx`]: crate::Tx

pub mod audit;
pub mod comments;
pub mod companies;
pub mod customers;
pub mod cycles;
pub mod decisions;
pub mod events;
pub mod feature_dependencies;
pub mod feature_goals;
pub mod feature_scores;
pub mod features;
pub mod feedback;
pub mod feedback_import;
pub mod goals;
pub mod guard;
pub mod ideas;
pub mod initiatives;
pub mod interviews;
pub mod journeys;
pub mod market;
pub mod my_day;
pub mod notifications;
pub mod personas;
pub mod products;
pub mod releases;
pub mod roadmaps;
pub mod search;
pub mod sessions;
pub mod stories;
pub mod strategy;
pub mod task_why;
pub mod tasks;
pub mod tech_debt;
pub mod tokens;
pub mod users;
pub mod views;
pub mod workspaces;

use keel_domain::model::PersonRef;

/// Builds a [`PersonRef`] from the three columns every person join selects.
pub(crate) fn person(id: String, name: String, email: String) -> PersonRef {
    PersonRef { id, name, email }
}

/// Decodes an opaque cursor (the last id of the previous page).
pub(crate) fn cursor_id(cursor: Option<&str>) -> Option<String> {
    cursor
        .filter(|c| keel_domain::ids::looks_like_id(c))
        .map(str::to_string)
}
