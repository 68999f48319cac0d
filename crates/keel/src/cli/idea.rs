//! `keel idea …`: ideas — list them by votes, suggest one, vote for one (or
//! take the vote back), and promote one to a feature with its evidence.

use super::output;
use super::session::{ClientOpts, Session, vocab};
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_api_types::{NewIdea, PromoteIdea};
use keel_client::ListParams;

#[derive(Debug, Args)]
pub struct IdeaArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: IdeaCommand,
}

#[derive(Debug, Subcommand)]
pub enum IdeaCommand {
    /// List ideas, most voted first (or --sort newest)
    #[command(visible_alias = "ls")]
    List {
        /// Only this product (key)
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
        /// votes or newest
        #[arg(long, default_value = "votes")]
        sort: String,
    },
    /// Suggest an idea and print its id
    Add {
        /// The idea in a line
        title: String,
        /// Product key
        #[arg(short, long, value_name = "KEY")]
        product: String,
        /// Why it matters (Markdown)
        #[arg(long)]
        description: Option<String>,
        /// team (default) or brainstorm
        #[arg(long)]
        source: Option<String>,
        /// Show it on the product's public portal
        #[arg(long)]
        public: bool,
    },
    /// Vote for an idea (once; again changes nothing)
    Vote {
        /// Idea id
        id: String,
        /// Take your vote back instead
        #[arg(long)]
        undo: bool,
    },
    /// Promote an idea to a feature, keeping its evidence; prints the feature id
    Promote {
        /// Idea id
        id: String,
        /// The feature's title (the idea's when absent)
        #[arg(long)]
        title: Option<String>,
    },
}

pub async fn run(args: IdeaArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    match args.command {
        IdeaCommand::List { product, sort } => {
            let page = client
                .list_ideas(
                    &ws,
                    product.as_deref(),
                    Some(&vocab(&sort)),
                    &ListParams::limit(500),
                )
                .await?;
            if json {
                return output::json(&page.items);
            }
            let mut table = output::table(&["ID", "VOTES", "STATUS", "SOURCE", "PUBLIC", "TITLE"]);
            for i in &page.items {
                table.add_row(vec![
                    i.id.clone(),
                    i.votes.to_string(),
                    i.status.clone(),
                    i.source.clone(),
                    if i.public { "yes" } else { "" }.to_string(),
                    output::one_line(&i.title, 50),
                ]);
            }
            output::print_table(table, "No ideas.")
        }
        IdeaCommand::Add {
            title,
            product,
            description,
            source,
            public,
        } => {
            let i = client
                .create_idea(
                    &ws,
                    &NewIdea {
                        product,
                        title,
                        description,
                        source: source.map(|s| vocab(&s)),
                        public: public.then_some(true),
                    },
                )
                .await?;
            if json {
                return output::json(&i);
            }
            output::line(&i.id)
        }
        IdeaCommand::Vote { id, undo } => {
            let i = client.vote_idea(&ws, &id, !undo).await?;
            if json {
                return output::json(&i);
            }
            let word = if i.votes == 1 { "vote" } else { "votes" };
            output::line(format!("{} {word}: {}", i.votes, i.title))
        }
        IdeaCommand::Promote { id, title } => {
            let f = client
                .promote_idea(
                    &ws,
                    &id,
                    &PromoteIdea {
                        title,
                        ..Default::default()
                    },
                )
                .await?;
            if json {
                return output::json(&f);
            }
            output::line(&f.id)
        }
    }
}
