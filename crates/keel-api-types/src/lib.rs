//! Wire types of the Keel JSON API (`/api/v1`), shared by the server, the
//! typed client and the CLI. Field names here are the public contract of
//! `shared/API.md`: renaming one is a breaking change.
//!
//! Request bodies deny unknown fields, so a typo is an error rather than a
//! silently ignored value.

pub mod accounts;
pub mod audit;
pub mod common;
pub mod customers;
pub mod cycles;
pub mod decisions;
pub mod events;
pub mod feasibility;
pub mod feedback;
pub mod goals;
pub mod ideas;
pub mod imports;
pub mod initiatives;
pub mod interviews;
pub mod journeys;
pub mod lists;
pub mod market;
pub mod my_day;
pub mod notifications;
pub mod releases;
pub mod roadmaps;
pub mod scores;
pub mod search;
pub mod stories;
pub mod strategy;
pub mod tasks;
pub mod tech_debt;
pub mod updates;
pub mod workspaces;

pub use accounts::*;
pub use audit::*;
pub use common::*;
pub use customers::*;
pub use cycles::*;
pub use decisions::*;
pub use events::*;
pub use feasibility::*;
pub use feedback::*;
pub use goals::*;
pub use ideas::*;
pub use imports::*;
pub use initiatives::*;
pub use interviews::*;
pub use journeys::*;
pub use lists::*;
pub use market::*;
pub use my_day::*;
pub use notifications::*;
pub use releases::*;
pub use roadmaps::*;
pub use scores::*;
pub use search::*;
pub use stories::*;
pub use strategy::*;
pub use tasks::*;
pub use tech_debt::*;
pub use updates::*;
pub use workspaces::*;
