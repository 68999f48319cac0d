//! Command-line parsing and dispatch. Each subcommand lives in its own module.
//!
//! `serve`, `migrate`, `backup`, `restore` and `admin` work on the server side; the client
//! commands (`login`, `task`, …, see [`client`]) talk to a running server
//! through `keel-client` only.

mod admin;
mod audit;
mod backup;
mod client;
mod completions;
mod config;
mod customer;
mod decision;
mod feedback;
mod goal;
mod idea;
mod import;
mod interview;
mod log_buffer;
mod login;
mod member;
mod model;
mod my_day;
mod output;
mod product;
mod release;
mod search;
mod serve;
mod session;
mod task;
mod task_why;
mod team;
mod update;
mod values;
mod workspace;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Keel: product management for engineers who became product managers.
#[derive(Debug, Parser)]
#[command(name = "keel", version, about, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the Keel server (web app, JSON API, live updates).
    Serve(serve::ServeArgs),
    /// Apply database migrations and exit.
    Migrate(serve::DatabaseArgs),
    /// Copy the SQLite database to FILE, also while the server runs
    /// (PostgreSQL: use pg_dump).
    Backup(backup::BackupArgs),
    /// Replace the SQLite database with a backup; the server must be
    /// stopped. The previous database is kept as keel.db.before-restore.
    Restore(backup::RestoreArgs),
    /// Offline administration on the database (no server needed).
    #[command(subcommand)]
    Admin(admin::AdminCommand),
    /// The sentence-embedding model for similar feedback and themes
    #[command(subcommand)]
    Model(model::ModelCommand),
    #[command(flatten)]
    Client(client::ClientCommand),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Migrate(args) => serve::migrate(args),
        Command::Backup(args) => backup::backup(args),
        Command::Restore(args) => backup::restore(args),
        Command::Admin(cmd) => admin::run(cmd),
        Command::Model(cmd) => model::run(cmd),
        Command::Client(cmd) => client::run(cmd),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
