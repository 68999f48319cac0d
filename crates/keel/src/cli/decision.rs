//! `keel decision …`: the decision log — list decisions (by product and
//! outcome), record one with its options, rationale and linked features,
//! and show one in full.

use super::output;
use super::session::{ClientOpts, Session, vocab};
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_api_types::{Decision, NewDecision};
use keel_client::ListParams;

#[derive(Debug, Args)]
pub struct DecisionArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: DecisionCommand,
}

#[derive(Debug, Subcommand)]
pub enum DecisionCommand {
    /// List decisions, latest decided first
    #[command(visible_alias = "ls")]
    List {
        /// Only this product (key)
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
        /// Only this outcome: accepted, declined or deferred
        #[arg(long)]
        outcome: Option<String>,
    },
    /// Record a decision and print its id
    Add {
        /// What was decided
        title: String,
        /// Product key
        #[arg(short, long, value_name = "KEY")]
        product: String,
        /// accepted, declined or deferred
        #[arg(long)]
        outcome: String,
        /// Why
        #[arg(long)]
        rationale: Option<String>,
        /// The situation that called for a decision
        #[arg(long)]
        context: Option<String>,
        /// An option considered (repeat for each)
        #[arg(long = "option", value_name = "TEXT")]
        options: Vec<String>,
        /// Someone informed: a member's email or any name (repeat)
        #[arg(long, value_name = "WHO")]
        informed: Vec<String>,
        /// A feature the decision is about (id; repeat)
        #[arg(long = "feature", value_name = "ID")]
        features: Vec<String>,
        /// The day it was decided, YYYY-MM-DD (today when absent)
        #[arg(long)]
        date: Option<String>,
    },
    /// Show one decision in full
    Show {
        /// Decision id
        id: String,
    },
}

pub async fn run(args: DecisionArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    match args.command {
        DecisionCommand::List { product, outcome } => {
            let outcome = outcome.map(|o| vocab(&o));
            let page = client
                .list_decisions(
                    &ws,
                    product.as_deref(),
                    outcome.as_deref(),
                    None,
                    &ListParams::limit(500),
                )
                .await?;
            if json {
                return output::json(&page.items);
            }
            let mut table =
                output::table(&["ID", "DATE", "OUTCOME", "PRODUCT", "TITLE", "RATIONALE"]);
            for d in &page.items {
                table.add_row(vec![
                    d.id.clone(),
                    d.date.clone(),
                    d.outcome.clone(),
                    d.product.clone(),
                    output::one_line(&d.title, 40),
                    rationale(d, 40),
                ]);
            }
            output::print_table(table, "No decisions.")
        }
        DecisionCommand::Add {
            title,
            product,
            outcome,
            rationale,
            context,
            options,
            informed,
            features,
            date,
        } => {
            let d = client
                .create_decision(
                    &ws,
                    &NewDecision {
                        product,
                        title,
                        outcome: vocab(&outcome),
                        rationale,
                        context,
                        options: (!options.is_empty()).then_some(options),
                        informed: (!informed.is_empty()).then_some(informed),
                        features: (!features.is_empty()).then_some(features),
                        date,
                        ..Default::default()
                    },
                )
                .await?;
            if json {
                return output::json(&d);
            }
            output::line(&d.id)
        }
        DecisionCommand::Show { id } => {
            let d = client.get_decision(&ws, &id).await?;
            if json {
                return output::json(&d);
            }
            output::emit(&show(&d))
        }
    }
}

/// The rationale in a line, or a visible gap.
fn rationale(d: &Decision, max: usize) -> String {
    if d.rationale_missing {
        "(rationale missing)".to_string()
    } else {
        output::one_line(&d.rationale, max)
    }
}

/// A decision as `keel decision show` prints it.
fn show(d: &Decision) -> String {
    let mut out = format!("{}\n{} · {} · {}\n", d.title, d.outcome, d.date, d.product);
    if let Some(by) = &d.decided_by {
        out.push_str(&format!("Decided by: {}\n", by.name));
    }
    if !d.context.is_empty() {
        out.push_str(&format!("Context: {}\n", d.context));
    }
    if !d.options.is_empty() {
        out.push_str("Options:\n");
        for o in &d.options {
            out.push_str(&format!("  - {o}\n"));
        }
    }
    if d.rationale_missing {
        out.push_str("Rationale: (rationale missing)\n");
    } else {
        out.push_str(&format!("Rationale: {}\n", d.rationale.trim_end()));
    }
    if !d.informed.is_empty() {
        let names: Vec<&str> = d.informed.iter().map(|i| i.name.as_str()).collect();
        out.push_str(&format!("Informed: {}\n", names.join(", ")));
    }
    for f in &d.features {
        match &f.demand_at_decision {
            Some(dm) => out.push_str(&format!(
                "Feature: {} (demand {} from {} feedback when decided)\n",
                f.id, dm.score, dm.feedback_count
            )),
            None => out.push_str(&format!("Feature: {}\n", f.id)),
        }
    }
    out
}
