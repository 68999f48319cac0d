//! `keel product …`: the products of a workspace; each has a short key
//! (`KEEL`) that prefixes its task keys (`KEEL-42`).

use super::output;
use super::session::{ClientOpts, Session, collect_all};
use anyhow::Result;
use clap::{Args, Subcommand};
use keel_api_types::NewProduct;

#[derive(Debug, Args)]
pub struct ProductArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: ProductCommand,
}

#[derive(Debug, Subcommand)]
pub enum ProductCommand {
    /// List the workspace's products
    List,
    /// Create a product
    Create {
        /// Display name, e.g. "Keel"
        #[arg(long)]
        name: String,
        /// Short upper-case key used in task keys, e.g. "KEEL"
        #[arg(long)]
        key: String,
        /// One-paragraph vision statement
        #[arg(long)]
        vision: Option<String>,
    },
    /// Show one product
    Show {
        /// The product's key
        key: String,
    },
}

pub async fn run(args: ProductArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let client = &session.client;
    let json = args.opts.json;
    let product = match args.command {
        ProductCommand::List => {
            let ws = ws.as_str();
            let items =
                collect_all(|page| async move { client.list_products(ws, &page).await }).await?;
            if json {
                return output::json(&keel_api_types::Page {
                    items,
                    next_cursor: None,
                });
            }
            let mut table = output::table(&["KEY", "NAME", "VISION"]);
            for p in &items {
                table.add_row(vec![
                    p.key.clone(),
                    p.name.clone(),
                    output::one_line(&p.vision, 60),
                ]);
            }
            return output::print_table(
                table,
                "No products yet: create one with `keel product create --name NAME --key KEY`.",
            );
        }
        ProductCommand::Create { name, key, vision } => {
            let product = client
                .create_product(&ws, &NewProduct { name, key, vision })
                .await?;
            if !json {
                return output::line(format!(
                    "Created product {} ({}).",
                    product.key, product.name
                ));
            }
            product
        }
        ProductCommand::Show { key } => {
            let product = client.get_product(&ws, &key).await?;
            if !json {
                output::line(format!("{}  {}", product.key, product.name))?;
                if !product.vision.is_empty() {
                    output::line(format!("\n{}", product.vision))?;
                }
                return Ok(());
            }
            product
        }
    };
    output::json(&product)
}
