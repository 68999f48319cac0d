//! Test support shared by every crate's tests.
//!
//! - [`TestDb`]: a fresh, migrated database per test — always SQLite in a
//!   temporary directory, and PostgreSQL when `KEEL_TEST_POSTGRES_URL` is
//!   set (a new database, dropped afterwards).
//! - [`TestApp`]: the real router driven in-process, with helpers for JSON
//!   requests and for setting up accounts and workspaces, and for the web
//!   pages (signing in, pages, forms).
//!
//! Tests call [`backends`] and run once per backend, so one suite covers
//! both databases.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod app;
mod db;
mod model;
mod web;

pub use app::{Response, TestApp};
pub use db::{TestDb, backends};
pub use model::{MODEL_DIR_ENV, model_dir};
