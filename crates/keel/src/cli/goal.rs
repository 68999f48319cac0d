//! `keel goal …`: goals and key results — list them with progress and
//! health, set one (a key result with `--parent`), and check in a value.

use super::output;
use super::session::{ClientOpts, Session};
use super::values;
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_api_types::{Goal, NewCheckin, NewGoal};
use keel_client::ListParams;

#[derive(Debug, Args)]
pub struct GoalArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: GoalCommand,
}

#[derive(Debug, Subcommand)]
pub enum GoalCommand {
    /// List objectives, each followed by its key results
    #[command(visible_alias = "ls")]
    List {
        /// Only this product (key)
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
    },
    /// Set an objective (or a key result with --parent) and print its id
    Add {
        /// The objective or key result, e.g. "Activation above 40 %"
        title: String,
        /// Product key
        #[arg(short, long, value_name = "KEY")]
        product: String,
        /// What is measured, e.g. "NPS"
        #[arg(long)]
        metric: Option<String>,
        /// Where the metric starts
        #[arg(long, allow_negative_numbers = true, value_parser = values::finite)]
        baseline: Option<f64>,
        /// Where it should get to
        #[arg(long, allow_negative_numbers = true, value_parser = values::finite)]
        target: Option<f64>,
        /// The metric's unit, e.g. "%"
        #[arg(long)]
        unit: Option<String>,
        /// YYYY-MM-DD
        #[arg(long)]
        deadline: Option<String>,
        /// A member's email or user id
        #[arg(long)]
        owner: Option<String>,
        /// The objective's id: makes this a key result
        #[arg(long)]
        parent: Option<String>,
        /// manual (check-ins, the default) or linked-features (the share
        /// of the goal's features shipped)
        #[arg(long)]
        measure: Option<String>,
    },
    /// Record a measured value of a goal
    Checkin {
        /// Goal id
        id: String,
        /// The value measured
        #[arg(allow_negative_numbers = true, value_parser = values::finite)]
        value: f64,
        /// What moved it
        #[arg(long)]
        note: Option<String>,
        /// YYYY-MM-DD; today when absent
        #[arg(long)]
        date: Option<String>,
    },
}

/// A number without trailing zeros: 12.50 → "12.5".
fn amount(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn with_unit(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) if unit.is_empty() => amount(v),
        Some(v) => format!("{} {unit}", amount(v)),
        None => "-".to_string(),
    }
}

fn percent(g: &Goal) -> String {
    g.progress
        .map_or_else(|| "-".to_string(), |p| format!("{:.0}%", p * 100.0))
}

/// Objectives in the order set, each followed by its key results.
fn in_outline(goals: &[Goal]) -> Vec<(&Goal, bool)> {
    let mut out = Vec::new();
    for o in goals.iter().filter(|g| g.parent.is_none()) {
        out.push((o, false));
        for k in goals.iter().filter(|k| k.parent.as_deref() == Some(&o.id)) {
            out.push((k, true));
        }
    }
    out
}

pub async fn run(args: GoalArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    match args.command {
        GoalCommand::List { product } => {
            let page = client
                .list_goals(&ws, product.as_deref(), &ListParams::limit(500))
                .await?;
            if json {
                return output::json(&page.items);
            }
            let mut table = output::table(&[
                "ID", "HEALTH", "PROGRESS", "NOW", "TARGET", "DEADLINE", "TITLE",
            ]);
            for (g, is_kr) in in_outline(&page.items) {
                let title = output::one_line(&g.title, 50);
                table.add_row(vec![
                    g.id.clone(),
                    g.health.replace('_', " "),
                    percent(g),
                    with_unit(g.current, &g.unit),
                    with_unit(g.target, &g.unit),
                    output::or_dash(g.deadline.as_deref()),
                    if is_kr { format!("  - {title}") } else { title },
                ]);
            }
            output::print_table(table, "No goals.")
        }
        GoalCommand::Add {
            title,
            product,
            metric,
            baseline,
            target,
            unit,
            deadline,
            owner,
            parent,
            measure,
        } => {
            let measure = measure.map(|m| super::session::vocab(&m));
            let g = client
                .create_goal(
                    &ws,
                    &NewGoal {
                        product,
                        title,
                        metric,
                        baseline,
                        target,
                        unit,
                        deadline,
                        owner,
                        parent,
                        measure,
                    },
                )
                .await?;
            if json {
                return output::json(&g);
            }
            output::line(&g.id)
        }
        GoalCommand::Checkin {
            id,
            value,
            note,
            date,
        } => {
            let c = client
                .checkin_goal(&ws, &id, &NewCheckin { value, note, date })
                .await?;
            let g = client.get_goal(&ws, &id).await?;
            if json {
                return output::json(&c);
            }
            output::line(format!(
                "{}: {} of {} ({}), {}",
                g.title,
                with_unit(g.current, &g.unit),
                with_unit(g.target, &g.unit),
                percent(&g),
                g.health.replace('_', " ")
            ))
        }
    }
}
