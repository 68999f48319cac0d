//! `keel member …`: who is in the workspace, with which role; add an
//! existing account, change a role, deactivate (history is kept).

use super::output;
use super::session::{ClientOpts, Session, collect_all, vocab};
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_api_types::{MemberPatch, Membership, NewMember};

#[derive(Debug, Args)]
pub struct MemberArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: MemberCommand,
}

#[derive(Debug, Subcommand)]
pub enum MemberCommand {
    /// List the workspace's members
    List,
    /// Add an existing account to the workspace
    Add {
        /// The account's email (or user id)
        email: String,
        /// owner, admin, member, viewer or guest
        #[arg(long, default_value = "member")]
        role: String,
    },
    /// Change a member's role
    Set {
        /// The member's email (or user id)
        email: String,
        /// owner, admin, member, viewer or guest
        #[arg(long)]
        role: String,
    },
    /// Deactivate a member: they lose access, their history stays
    Deactivate {
        /// The member's email (or user id)
        email: String,
    },
    /// Reactivate a deactivated member
    Activate {
        /// The member's email (or user id)
        email: String,
    },
}

pub async fn run(args: MemberArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    let who = |m: &Membership| format!("{} <{}>", m.user.name, m.user.email);
    let (changed, message) = match args.command {
        MemberCommand::List => {
            let ws = ws.as_str();
            let items =
                collect_all(|page| async move { client.list_members(ws, &page).await }).await?;
            if json {
                return output::json(&keel_api_types::Page {
                    items,
                    next_cursor: None,
                });
            }
            let mut table = output::table(&["NAME", "EMAIL", "ROLE", "ACTIVE"]);
            for m in &items {
                table.add_row(vec![
                    m.user.name.as_str(),
                    m.user.email.as_str(),
                    m.role.as_str(),
                    if m.active { "yes" } else { "no" },
                ]);
            }
            return output::print_table(table, "No members.");
        }
        MemberCommand::Add { email, role } => {
            let m = client
                .add_member(
                    &ws,
                    &NewMember {
                        email,
                        role: vocab(&role),
                    },
                )
                .await?;
            let message = format!("Added {} to {ws} as {}.", who(&m), m.role);
            (m, message)
        }
        MemberCommand::Set { email, role } => {
            let m = patch(&session, &ws, &email, Some(vocab(&role)), None).await?;
            let message = format!("{} is now {} in {ws}.", who(&m), m.role);
            (m, message)
        }
        MemberCommand::Deactivate { email } => {
            let m = patch(&session, &ws, &email, None, Some(false)).await?;
            let message = format!(
                "{} is deactivated in {ws} (their history is kept).",
                who(&m)
            );
            (m, message)
        }
        MemberCommand::Activate { email } => {
            let m = patch(&session, &ws, &email, None, Some(true)).await?;
            let message = format!("{} is active again in {ws}, as {}.", who(&m), m.role);
            (m, message)
        }
    };
    if json {
        return output::json(&changed);
    }
    output::line(message)
}

async fn patch(
    session: &Session,
    ws: &str,
    who: &str,
    role: Option<String>,
    active: Option<bool>,
) -> Result<Membership> {
    Ok(session
        .client
        .update_member(ws, who, &MemberPatch { role, active }, None)
        .await?)
}
