//! `keel search QUERY…`: one search box across tasks, features, feedback,
//! customers, companies and personas, best first. The table marks matched
//! words `«like this»`; `--json` prints the hits as the API sends them.

use super::output;
use super::session::{ClientOpts, Session};
use anyhow::Result;
use clap::Args;

#[derive(Debug, Args)]
pub struct SearchArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    /// The words to find (all must match; the last may be the start of a word)
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// Only these kinds: task, feature, feedback, customer, company, persona
    /// (comma-separated for several)
    #[arg(short, long, value_name = "K")]
    pub kind: Option<String>,
    /// At most this many hits (1-50)
    #[arg(short = 'n', long, default_value_t = 20)]
    pub limit: u32,
}

pub async fn run(args: SearchArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let query = args.query.join(" ");
    let found = session
        .client
        .search(&ws, &query, args.kind.as_deref(), Some(args.limit))
        .await?;
    if args.opts.json {
        return output::json(&found.items);
    }
    let mut table = output::table(&["KIND", "ITEM", "TITLE", "MATCH"]);
    for hit in &found.items {
        table.add_row(vec![
            hit.kind.clone(),
            hit.key.clone().unwrap_or_else(|| hit.id.clone()),
            output::one_line(&hit.title, 50),
            output::one_line(&hit.snippet, 80),
        ]);
    }
    output::print_table(table, "Nothing found.")
}
