//! `keel release …`: releases — list them with progress, print a release's
//! notes (Markdown, or HTML with `--html`), and ship one, printing the
//! customers to tell with the message drafted for each. A release is named
//! by its version; `--product` settles which when two products share one.

use super::output;
use super::session::{ClientOpts, Session};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use keel_api_types::Release;
use keel_client::{KeelClient, ListParams};

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: ReleaseCommand,
}

#[derive(Debug, Subcommand)]
pub enum ReleaseCommand {
    /// List releases, newest first, with their progress
    #[command(visible_alias = "ls")]
    List {
        /// Only this product (key)
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
    },
    /// Print a release's notes in customer language (Markdown by default)
    Notes {
        /// The release's version, e.g. 1.4.0
        #[arg(value_name = "VERSION")]
        release: String,
        /// The product (key), when several have this version
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
        /// HTML instead of Markdown
        #[arg(long)]
        html: bool,
    },
    /// Ship a release: its features become shipped; prints who to tell
    Ship {
        /// The release's version, e.g. 1.4.0
        #[arg(value_name = "VERSION")]
        release: String,
        /// The product (key), when several have this version
        #[arg(short, long, value_name = "KEY")]
        product: Option<String>,
    },
}

/// The release with this version (of `product` when given).
async fn find(
    client: &KeelClient,
    ws: &str,
    version: &str,
    product: Option<&str>,
) -> Result<Release> {
    let page = client
        .list_releases(ws, product, &ListParams::limit(500))
        .await?;
    let mut matching: Vec<Release> = page
        .items
        .into_iter()
        .filter(|r| r.version == version.trim())
        .collect();
    match matching.len() {
        0 => bail!(
            "no release {version}{}",
            match product {
                Some(p) => format!(" of {p}"),
                None => String::new(),
            }
        ),
        1 => Ok(matching.remove(0)),
        _ => {
            let products: Vec<String> = matching.iter().map(|r| r.product.clone()).collect();
            bail!(
                "several products have a release {version} ({}); name one with --product",
                products.join(", ")
            )
        }
    }
}

fn percent(r: &Release) -> String {
    match r.progress.share {
        Some(s) => format!("{:.0}%", s * 100.0),
        None => "-".to_string(),
    }
}

pub async fn run(args: ReleaseArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    match args.command {
        ReleaseCommand::List { product } => {
            let page = client
                .list_releases(&ws, product.as_deref(), &ListParams::limit(500))
                .await?;
            if json {
                return output::json(&page.items);
            }
            let mut table = output::table(&[
                "PRODUCT", "VERSION", "STATUS", "TARGET", "FEATURES", "PROGRESS", "NAME",
            ]);
            for r in &page.items {
                table.add_row(vec![
                    r.product.clone(),
                    r.version.clone(),
                    r.status.clone(),
                    r.target_date.clone().unwrap_or_default(),
                    r.features.len().to_string(),
                    percent(r),
                    output::one_line(&r.name, 40),
                ]);
            }
            output::print_table(table, "No releases.")
        }
        ReleaseCommand::Notes {
            release,
            product,
            html,
        } => {
            let r = find(client, &ws, &release, product.as_deref()).await?;
            let notes = client
                .release_notes(&ws, &r.id, if html { "html" } else { "markdown" })
                .await?;
            if json {
                return output::json(&notes);
            }
            output::emit(&notes.text)
        }
        ReleaseCommand::Ship { release, product } => {
            let r = find(client, &ws, &release, product.as_deref()).await?;
            let shipped = client.ship_release(&ws, &r.id).await?;
            if json {
                return output::json(&shipped);
            }
            let n = shipped.release.features.len();
            let mut out = format!(
                "Shipped {} {} ({n} {}).\n",
                shipped.release.product,
                shipped.release.version,
                if n == 1 { "feature" } else { "features" }
            );
            if shipped.customers_to_notify.is_empty() {
                out.push_str("Nobody asked for what shipped: no one to tell.\n");
            } else {
                out.push_str(&format!(
                    "Tell {} {}:\n",
                    shipped.customers_to_notify.len(),
                    if shipped.customers_to_notify.len() == 1 {
                        "customer"
                    } else {
                        "customers"
                    }
                ));
                for c in &shipped.customers_to_notify {
                    let email = c
                        .email
                        .as_deref()
                        .map(|e| format!(" <{e}>"))
                        .unwrap_or_default();
                    out.push_str(&format!("\n== {}{email}\n{}", c.name, c.message));
                }
            }
            output::emit(&out)
        }
    }
}
