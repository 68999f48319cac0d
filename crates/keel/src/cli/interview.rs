//! `keel interview …`: customer interviews — list them, show one with its
//! answers, and turn one into feedback items (one per answer not turned
//! into feedback before; running it again creates nothing new).

use super::output;
use super::session::{ClientOpts, Session};
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_client::ListParams;

#[derive(Debug, Args)]
pub struct InterviewArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: InterviewCommand,
}

#[derive(Debug, Subcommand)]
pub enum InterviewCommand {
    /// List interviews, newest first
    #[command(visible_alias = "ls")]
    List {
        /// Only this product (key)
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
        /// At most this many
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show one interview: each question and its answer
    Show {
        /// Interview id
        id: String,
    },
    /// Turn the interview's answers into feedback items of its product
    Feedback {
        /// Interview id
        id: String,
    },
}

pub async fn run(args: InterviewArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    match args.command {
        InterviewCommand::List { product, limit } => {
            let page = client
                .list_interviews(
                    &ws,
                    product.as_deref(),
                    &ListParams::limit(limit.clamp(1, 500)),
                )
                .await?;
            if json {
                return output::json(&page.items);
            }
            let mut table = output::table(&["ID", "DATE", "WITH", "ANSWERED", "IN INBOX", "TITLE"]);
            for i in &page.items {
                table.add_row(vec![
                    i.id.clone(),
                    i.held_on.clone(),
                    output::or_dash(i.customer.as_ref().map(|c| c.name.as_str())),
                    format!("{}/{}", i.answered_count, i.question_count),
                    i.converted_count.to_string(),
                    output::one_line(&i.title, 50),
                ]);
            }
            output::print_table(table, "No interviews.")
        }
        InterviewCommand::Show { id } => {
            let i = client.get_interview(&ws, &id).await?;
            if json {
                return output::json(&i);
            }
            let with = i
                .customer
                .as_ref()
                .map_or(String::new(), |c| format!(" with {}", c.name));
            let mut out = format!(
                "{}\n{} · {}{with} · by {} · {}\n",
                i.title, i.product, i.held_on, i.interviewer.name, i.guide.name
            );
            for a in i.answers.iter().flatten() {
                out.push_str(&format!("\n{}. {}\n", a.position + 1, a.question));
                if a.answer.is_empty() {
                    out.push_str("   (not answered)\n");
                } else {
                    for line in a.answer.lines() {
                        out.push_str(&format!("   {line}\n"));
                    }
                }
                if let Some(f) = &a.feedback_id {
                    out.push_str(&format!("   → feedback {f}\n"));
                }
            }
            if !i.notes.is_empty() {
                out.push_str(&format!("\nNotes:\n{}\n", i.notes));
            }
            output::emit(&out)
        }
        InterviewCommand::Feedback { id } => {
            let out = client.interview_feedback(&ws, &id).await?;
            if json {
                return output::json(&out);
            }
            let mut text = format!(
                "Created {} feedback item{} ({} already in the inbox).\n",
                out.created.len(),
                if out.created.len() == 1 { "" } else { "s" },
                out.already_converted
            );
            for f in &out.created {
                text.push_str(&format!(
                    "{}  {}\n",
                    f.id,
                    output::one_line(f.text.lines().next().unwrap_or_default(), 70)
                ));
            }
            output::emit(&text)
        }
    }
}
