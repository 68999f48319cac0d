//! `keel feedback …`: add customer feedback to a product's inbox, list and
//! show it, link it to a feature as evidence, find similar feedback and the
//! inbox's themes. `keel feature …`: features ranked by demand, with their
//! evidence.

use super::output;
use super::session::{ClientOpts, Session, vocab};
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_api_types::{Feedback, NewFeature, NewFeedback, NewFeedbackLink};
use keel_client::{FeedbackFilter, ListParams};

#[derive(Debug, Args)]
pub struct FeedbackArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: FeedbackCommand,
}

#[derive(Debug, Subcommand)]
pub enum FeedbackCommand {
    /// Add feedback to a product's inbox and print its id
    Add {
        /// What the customer said
        text: String,
        /// Product key
        #[arg(short, long, value_name = "KEY")]
        product: String,
        /// interview, survey, support, sales_call, app_review, email, analytics, portal
        #[arg(short, long, default_value = "interview")]
        source: String,
        /// The customer who said it (email or id)
        #[arg(short, long, value_name = "WHO")]
        customer: Option<String>,
        /// A tag (repeat for several)
        #[arg(short, long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// The day they said it, YYYY-MM-DD [default: today]
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// List the inbox, newest first
    #[command(visible_alias = "ls")]
    List {
        /// Only this product (key)
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
        /// new, triaged, linked, archived (comma-separated for several)
        #[arg(long)]
        status: Option<String>,
        /// interview, survey, support, sales_call, app_review, email, analytics or portal
        #[arg(long)]
        source: Option<String>,
        /// Only items with this tag
        #[arg(long)]
        tag: Option<String>,
        /// Customer email or id
        #[arg(long)]
        customer: Option<String>,
        /// Text in the feedback
        #[arg(short, long)]
        q: Option<String>,
        /// At most this many
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Show one piece of feedback with its evidence links
    Show {
        /// Feedback id
        id: String,
    },
    /// Link feedback (or a passage of it) to a feature as evidence
    Link {
        /// Feedback id
        id: String,
        /// Feature id
        #[arg(short, long)]
        feature: String,
        /// nice_to_have, important, critical
        #[arg(short, long, default_value = "important")]
        importance: String,
        /// The passage that is the evidence [default: the whole text]
        #[arg(short, long)]
        excerpt: Option<String>,
    },
    /// The feedback most like this one, best first
    Similar {
        /// Feedback id
        id: String,
    },
    /// The recurring themes of a product's inbox, largest first
    Themes {
        /// Product key
        #[arg(short, long, value_name = "KEY")]
        product: String,
    },
}

#[derive(Debug, Args)]
pub struct FeatureArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: FeatureCommand,
}

#[derive(Debug, Subcommand)]
pub enum FeatureCommand {
    /// List features, most wanted first (or --sort rice|wsjf|value_effort|manual|newest|title)
    #[command(visible_alias = "ls")]
    List {
        /// Only this product (key)
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
        /// demand, rice, wsjf, value_effort (highest first, unscored last),
        /// manual (the product's order set by hand), newest or title
        #[arg(long, default_value = "demand")]
        sort: String,
    },
    /// Create a feature and print its id
    Add {
        /// What the feature is called
        title: String,
        /// Product key
        #[arg(short, long, value_name = "KEY")]
        product: String,
        /// The problem it solves
        #[arg(long)]
        problem: Option<String>,
    },
    /// Show a feature's demand, its quotes and who to tell when it ships
    Evidence {
        /// Feature id
        id: String,
    },
}

fn who(f: &Feedback) -> String {
    match &f.customer {
        Some(c) => match &c.company {
            Some(co) => format!("{} ({co})", c.name),
            None => c.name.clone(),
        },
        None => "anonymous".to_string(),
    }
}

pub async fn run(args: FeedbackArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    match args.command {
        FeedbackCommand::Add {
            text,
            product,
            source,
            customer,
            tags,
            date,
        } => {
            let body = NewFeedback {
                product,
                text,
                source: vocab(&source),
                customer,
                tags: (!tags.is_empty()).then_some(tags),
                sentiment: None,
                received_on: date,
            };
            let f = client.add_feedback(&ws, &body).await?;
            if json {
                return output::json(&f);
            }
            output::line(&f.id)
        }
        FeedbackCommand::List {
            product,
            status,
            source,
            tag,
            customer,
            q,
            limit,
        } => {
            let filter = FeedbackFilter {
                product,
                status: status.as_deref().map(vocab),
                source: source.as_deref().map(vocab),
                tag,
                customer,
                q,
                page: ListParams::limit(limit.clamp(1, 500)),
                ..Default::default()
            };
            let page = client.list_feedback(&ws, &filter).await?;
            if json {
                return output::json(&page.items);
            }
            let mut table = output::table(&["ID", "STATUS", "FROM", "SOURCE", "DATE", "TEXT"]);
            for f in &page.items {
                table.add_row(vec![
                    f.id.clone(),
                    f.status.clone(),
                    who(f),
                    f.source.clone(),
                    f.received_on.clone(),
                    output::one_line(&f.text, 60),
                ]);
            }
            output::print_table(table, "No feedback matches.")
        }
        FeedbackCommand::Show { id } => {
            let f = client.get_feedback(&ws, &id).await?;
            if json {
                return output::json(&f);
            }
            let mut out = format!(
                "{}\n\nfrom {} · {} · {} · {} · {}\n",
                f.text,
                who(&f),
                f.source,
                f.received_on,
                f.status,
                f.sentiment
            );
            if !f.tags.is_empty() {
                out.push_str(&format!("tags: {}\n", f.tags.join(", ")));
            }
            for l in &f.links {
                out.push_str(&format!(
                    "→ {} ({}): \"{}\"\n",
                    l.feature_title, l.importance, l.excerpt
                ));
            }
            output::emit(&out)
        }
        FeedbackCommand::Link {
            id,
            feature,
            importance,
            excerpt,
        } => {
            let body = NewFeedbackLink {
                feature,
                importance: vocab(&importance),
                excerpt,
            };
            let link = client.link_feedback(&ws, &id, &body).await?;
            if json {
                return output::json(&link);
            }
            output::line(format!(
                "Linked to {} as {}.",
                link.feature_title, link.importance
            ))
        }
        FeedbackCommand::Similar { id } => {
            let similar = client.similar_feedback(&ws, &id).await?;
            if json {
                return output::json(&similar);
            }
            let mut table = output::table(&["SCORE", "ID", "TEXT"]);
            for s in &similar.items {
                table.add_row(vec![
                    format!("{:.2}", s.score),
                    s.feedback.id.clone(),
                    output::one_line(&s.feedback.text, 70),
                ]);
            }
            output::print_table(table, "Nothing similar.")
        }
        FeedbackCommand::Themes { product } => {
            let themes = client.feedback_themes(&ws, &product).await?;
            if json {
                return output::json(&themes);
            }
            let mut table = output::table(&["COUNT", "THEME"]);
            for t in &themes.items {
                table.add_row(vec![t.count.to_string(), t.label.clone()]);
            }
            output::print_table(table, "No themes yet.")
        }
    }
}

pub async fn run_feature(args: FeatureArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    match args.command {
        FeatureCommand::List { product, sort } => {
            let page = client
                .list_features(
                    &ws,
                    product.as_deref(),
                    Some(&vocab(&sort)),
                    &ListParams::limit(500),
                )
                .await?;
            if json {
                return output::json(&page.items);
            }
            let mut table = output::table(&[
                "ID",
                "DEMAND",
                "FEEDBACK",
                "CUSTOMERS",
                "ARR",
                "RICE",
                "WSJF",
                "STATUS",
                "TITLE",
            ]);
            // Scores rounded for the table; --json has them exact.
            let score = |s: Option<f64>| s.map(|v| format!("{v:.1}")).unwrap_or_else(|| "-".into());
            for f in &page.items {
                table.add_row(vec![
                    f.id.clone(),
                    f.demand.score.to_string(),
                    f.demand.feedback_count.to_string(),
                    f.demand.customer_count.to_string(),
                    format!("{}", f.demand.arr),
                    score(f.scores.rice),
                    score(f.scores.wsjf),
                    f.status.clone(),
                    output::one_line(&f.title, 50),
                ]);
            }
            output::print_table(table, "No features.")
        }
        FeatureCommand::Add {
            title,
            product,
            problem,
        } => {
            let f = client
                .create_feature(
                    &ws,
                    &NewFeature {
                        product,
                        title,
                        problem,
                        status: None,
                        feature_type: None,
                        rice: None,
                        wsjf: None,
                        moscow: None,
                        value: None,
                        effort: None,
                        goals: None,
                        risk: None,
                        risk_note: None,
                        depends_on: None,
                    },
                )
                .await?;
            if json {
                return output::json(&f);
            }
            output::line(&f.id)
        }
        FeatureCommand::Evidence { id } => {
            let e = client.feature_evidence(&ws, &id).await?;
            if json {
                return output::json(&e);
            }
            let d = &e.demand;
            let mut out = format!(
                "demand {} · {} feedback · {} customers · {} companies · ARR {}\n\n",
                d.score, d.feedback_count, d.customer_count, d.company_count, d.arr
            );
            for item in &e.items {
                let from = item
                    .customer
                    .as_ref()
                    .map_or("anonymous".to_string(), |c| c.name.clone());
                out.push_str(&format!(
                    "\"{}\" — {from} ({})\n",
                    item.link.excerpt, item.link.importance
                ));
            }
            if !e.customers_to_notify.is_empty() {
                out.push_str("\nTell when it ships:\n");
                for c in &e.customers_to_notify {
                    out.push_str(&format!(
                        "  {} {}\n",
                        c.name,
                        c.email.as_deref().unwrap_or("")
                    ));
                }
            }
            output::emit(&out)
        }
    }
}
