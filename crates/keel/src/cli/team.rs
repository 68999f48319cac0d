//! `keel team …`: teams inside a workspace (engineering, design, …), used
//! to assign and filter tasks.

use super::output;
use super::session::{ClientOpts, Session, collect_all};
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_api_types::NewTeam;

#[derive(Debug, Args)]
pub struct TeamArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: TeamCommand,
}

#[derive(Debug, Subcommand)]
pub enum TeamCommand {
    /// List the workspace's teams
    List,
    /// Create a team
    Create {
        /// Short key: lower-case letters, digits and `-`, e.g. "eng"
        #[arg(long)]
        key: String,
        /// Display name, e.g. "Engineering"
        #[arg(long)]
        name: String,
    },
}

pub async fn run(args: TeamArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    match args.command {
        TeamCommand::List => {
            let ws = ws.as_str();
            let items =
                collect_all(|page| async move { client.list_teams(ws, &page).await }).await?;
            if json {
                return output::json(&keel_api_types::Page {
                    items,
                    next_cursor: None,
                });
            }
            let mut table = output::table(&["KEY", "NAME"]);
            for t in &items {
                table.add_row(vec![t.key.as_str(), t.name.as_str()]);
            }
            output::print_table(
                table,
                "No teams yet: create one with `keel team create --key KEY --name NAME`.",
            )
        }
        TeamCommand::Create { key, name } => {
            let team = client.create_team(&ws, &NewTeam { key, name }).await?;
            if json {
                return output::json(&team);
            }
            output::line(format!("Created team {} ({}).", team.key, team.name))
        }
    }
}
