//! `keel import feedback FILE.csv --product KEY --map COLUMN=FIELD … [--dry-run]`:
//! feedback (survey results, support exports…) from a CSV file, all or
//! nothing. The file goes to the server as it is; the server checks every
//! row and either writes them all in one transaction or refuses the file,
//! naming each problem's line and column. The problems are printed one per
//! line on stderr and the command fails.

use super::output;
use super::session::{ClientOpts, Session};
use anyhow::{Context, Result, anyhow};
use clap::{Args, Subcommand};
use keel_client::{ClientError, FeedbackImportParams};
use std::io::Read;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: ImportCommand,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import feedback from a CSV file (a header line, then one line per item), all or nothing
    Feedback(FeedbackImportArgs),
}

#[derive(Debug, Args)]
pub struct FeedbackImportArgs {
    /// The CSV file, UTF-8 (`-` reads standard input)
    pub file: PathBuf,
    /// Product key
    #[arg(long, short = 'p', value_name = "KEY")]
    pub product: String,
    /// Which column feeds which field, e.g. --map "What could we improve?=text" (repeat it);
    /// fields: text, source, customer_email, customer_name, tags, sentiment, received_on.
    /// Without any, columns named like fields are used
    #[arg(long = "map", value_name = "COLUMN=FIELD")]
    pub map: Vec<String>,
    /// Source of rows without one: interview, survey, support, sales_call, app_review, email,
    /// analytics, portal
    #[arg(long, value_name = "SOURCE")]
    pub source: Option<String>,
    /// Check the whole file and show what would be created; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(args: ImportArgs) -> Result<()> {
    match args.command {
        ImportCommand::Feedback(feedback) => import_feedback(&args.opts, feedback).await,
    }
}

fn read_file(path: &PathBuf) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
        return Ok(bytes);
    }
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// `1234567` → `1,234,567`.
fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

async fn import_feedback(opts: &ClientOpts, args: FeedbackImportArgs) -> Result<()> {
    let csv = read_file(&args.file)?;
    let session = Session::open(opts)?;
    let ws = session.workspace().await?;
    let params = FeedbackImportParams {
        product: args.product.trim().to_owned(),
        source: args.source.map(|s| s.trim().to_owned()),
        map: args.map,
        dry_run: args.dry_run,
    };
    let done = match session.client.import_feedback(&ws, &params, csv).await {
        Ok(done) => done,
        Err(ClientError::Api(problem)) if problem.status == 422 && problem.errors.len() == 1 => {
            let e = &problem.errors[0];
            return Err(anyhow!(
                "{}: {}: {} (nothing was imported)",
                args.file.display(),
                e.field,
                e.message
            ));
        }
        Err(ClientError::Api(problem)) if problem.status == 422 && !problem.errors.is_empty() => {
            // One problem per line, as `line 17, column "date": must be …`.
            let mut text = String::new();
            for e in &problem.errors {
                text.push_str(&format!("{}: {}\n", e.field, e.message));
            }
            eprint!("{text}");
            return Err(anyhow!(
                "{}: {}",
                args.file.display(),
                problem.detail.trim_end_matches('.')
            ));
        }
        Err(err) => return Err(err.into()),
    };
    if opts.json {
        return output::json(&done);
    }
    let customers = if done.customers_created + done.customers_matched == 0 {
        "no customers".to_owned()
    } else {
        format!(
            "{} new, {} matched by email",
            plural(done.customers_created, "customer", "customers"),
            count(done.customers_matched)
        )
    };
    if done.dry_run {
        output::line(format!(
            "Dry run: {} checked, no problems. Importing would create {} in {} ({customers}). \
             Nothing was written.",
            plural(done.rows, "row", "rows"),
            plural(done.created, "feedback item", "feedback items"),
            done.product
        ))
    } else {
        output::line(format!(
            "Imported {} into {} ({customers}).",
            plural(done.created, "feedback item", "feedback items"),
            done.product
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::count;

    #[test]
    fn counts_have_thousands_separators() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(100_000), "100,000");
        assert_eq!(count(1_234_567), "1,234,567");
    }
}
