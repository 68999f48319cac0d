//! `keel update --since DATE [--until DATE] [--product KEY] [--html]`: the
//! stakeholder update of a product for a period, printed as Markdown (or
//! the HTML fragment), ready to edit and send. Without `--product` the
//! workspace's only product is used.

use super::output;
use super::session::{ClientOpts, Session};
use anyhow::{Result, bail};
use clap::Args;
use keel_client::ListParams;

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    /// First day of the period (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: String,
    /// Last day of the period, included (YYYY-MM-DD; default today)
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// The product (key); needed when the workspace has several
    #[arg(short, long, value_name = "KEY")]
    pub product: Option<String>,
    /// Print the HTML fragment instead of Markdown
    #[arg(long)]
    pub html: bool,
}

pub async fn run(args: UpdateArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let product = match args.product {
        Some(p) => p,
        None => {
            let page = session
                .client
                .list_products(&ws, &ListParams::limit(2))
                .await?;
            match page.items.as_slice() {
                [only] => only.key.clone(),
                [] => bail!("the workspace has no product"),
                _ => bail!("the workspace has several products: pass --product KEY"),
            }
        }
    };
    let format = if args.html { "html" } else { "markdown" };
    let update = session
        .client
        .stakeholder_update(
            &ws,
            &product,
            &args.since,
            args.until.as_deref(),
            Some(format),
        )
        .await?;
    if args.opts.json {
        return output::json(&update);
    }
    output::emit(if args.html {
        &update.html
    } else {
        &update.markdown
    })
}
