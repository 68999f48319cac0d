//! `keel audit list`: the audit log — sign-ins, failed sign-ins, logging
//! out everywhere, tokens, role changes, exports — newest first. The
//! workspace's by default (owners and admins), the whole instance's with
//! `--instance` (instance admins).

use super::output;
use super::session::{ClientOpts, Session};
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_api_types::AuditEvent;
use keel_client::ListParams;

#[derive(Debug, Args)]
pub struct AuditArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: AuditCommand,
}

#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// List events, newest first
    List {
        /// The whole instance's log instead of the workspace's (instance admins)
        #[arg(long)]
        instance: bool,
        /// Events per page (1 to 500)
        #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=500))]
        limit: u32,
        /// Older events: the cursor printed after the previous page
        #[arg(long, value_name = "CURSOR")]
        cursor: Option<String>,
    },
}

pub async fn run(args: AuditArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let client = &session.client;
    let AuditCommand::List {
        instance,
        limit,
        cursor,
    } = args.command;
    let page = ListParams {
        limit: Some(limit),
        cursor,
    };
    let events = if instance {
        client.instance_audit(&page).await?
    } else {
        let ws = session.workspace().await?;
        client.workspace_audit(&ws, &page).await?
    };
    if args.opts.json {
        return output::json(&events);
    }
    let mut table = output::table(&["WHEN", "ACTION", "WHO", "TARGET", "IP", "DETAIL"]);
    for e in &events.items {
        table.add_row(row(e));
    }
    output::print_table(table, "No events.")?;
    if let Some(next) = &events.next_cursor {
        output::line(format!("Older events: --cursor {next}"))?;
    }
    Ok(())
}

fn row(e: &AuditEvent) -> Vec<String> {
    let who = e
        .actor
        .as_ref()
        .map(|a| a.email.clone())
        .unwrap_or_else(|| "-".to_owned());
    let detail = match &e.detail {
        serde_json::Value::Object(m) if m.is_empty() => String::new(),
        other => output::one_line(&other.to_string(), 60),
    };
    vec![
        output::short_time(&e.created_at),
        e.action.clone(),
        who,
        output::or_dash(Some(&e.target)),
        output::or_dash(e.ip.as_deref()),
        detail,
    ]
}
