//! `keel workspace …`: list the workspaces you belong to, create one,
//! choose the default for later commands, and export one whole to import
//! it into another instance.

use super::config;
use super::output;
use super::session::{ClientOpts, Session, collect_all};
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use keel_api_types::NewWorkspace;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: WorkspaceCommand,
}

#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// List the workspaces you belong to (* marks the default)
    List,
    /// Create a workspace; you become its owner
    Create {
        /// Display name, e.g. "Acme Inc."
        #[arg(long)]
        name: String,
        /// Short name used in URLs and with --workspace, e.g. "acme"
        #[arg(long)]
        slug: String,
    },
    /// Make SLUG the default workspace for later commands
    Use {
        /// The workspace's slug
        slug: String,
    },
    /// Write every row of the workspace as one JSON document (owners and
    /// admins), to import into another instance with `keel workspace import`
    Export {
        /// Write to this file instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import a document written by `keel workspace export` as a new
    /// workspace (instance admins); you become its owner
    Import {
        /// The export document
        file: PathBuf,
    },
}

pub async fn run(args: WorkspaceArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let json = args.opts.json;
    match args.command {
        WorkspaceCommand::List => {
            let client = &session.client;
            let items =
                collect_all(|page| async move { client.list_workspaces(&page).await }).await?;
            if json {
                return output::json(&keel_api_types::Page {
                    items,
                    next_cursor: None,
                });
            }
            let default = session.opts.workspace.clone().or_else(|| {
                session
                    .creds_match_server
                    .then(|| session.creds.workspace.clone())
                    .flatten()
            });
            let mut table = output::table(&["SLUG", "NAME", "ROLE", "DEFAULT"]);
            for ws in &items {
                let mark = if default.as_deref() == Some(ws.slug.as_str()) {
                    "*"
                } else {
                    ""
                };
                table.add_row(vec![
                    ws.slug.as_str(),
                    ws.name.as_str(),
                    ws.role.as_str(),
                    mark,
                ]);
            }
            output::print_table(
                table,
                "No workspaces yet: create one with `keel workspace create --name NAME --slug SLUG`.",
            )
        }
        WorkspaceCommand::Create { name, slug } => {
            let ws = session
                .client
                .create_workspace(&NewWorkspace { name, slug })
                .await?;
            if json {
                return output::json(&ws);
            }
            output::line(format!("Created workspace {} ({}).", ws.slug, ws.name))
        }
        WorkspaceCommand::Export { output: path } => {
            let ws = session.workspace().await?;
            let document = session.client.export_workspace(&ws).await?;
            let mut text =
                serde_json::to_string_pretty(&document).context("cannot encode the export")?;
            text.push('\n');
            match path {
                None => output::emit(&text),
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    // Stderr, so stdout stays clean for scripts.
                    eprintln!("Wrote workspace {ws} to {}.", path.display());
                    Ok(())
                }
            }
        }
        WorkspaceCommand::Import { file } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let document: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", file.display()))?;
            let ws = session.client.import_workspace(&document).await?;
            if json {
                return output::json(&ws);
            }
            output::line(format!("Imported workspace {} ({}).", ws.slug, ws.name))
        }
        WorkspaceCommand::Use { slug } => {
            // Check it exists and we belong to it, so a typo fails now.
            let ws = session.client.get_workspace(&slug).await?;
            let mut creds = if session.creds_match_server {
                session.creds.clone()
            } else if let (Some(stored), Some(_)) = (&session.creds.server, &session.creds.token) {
                // The file holds one server's login: a default for another
                // server would replace it, signing the user out unasked.
                anyhow::bail!(
                    "the saved login is for {stored}, not {}: log in there first \
                     (`keel login --server {}`), or name the workspace with -w or KEEL_WORKSPACE",
                    session.client.base_url(),
                    session.client.base_url()
                );
            } else {
                config::Credentials {
                    server: Some(session.client.base_url().to_owned()),
                    ..config::Credentials::default()
                }
            };
            creds.workspace = Some(ws.slug.clone());
            config::save(&session.config_path, &creds)?;
            if json {
                return output::json(&ws);
            }
            output::line(format!(
                "Default workspace is now {} ({}).",
                ws.slug, ws.name
            ))
        }
    }
}
