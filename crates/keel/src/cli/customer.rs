//! `keel customer …` and `keel company …`: the people feedback comes from
//! and the companies they belong to.
//!
//! Customers are named by id or email, companies by id or name (any case).
//! Customer data is personal data: `export` writes everything stored about
//! one person (to hand to them on request), and `delete` erases the person
//! while their feedback stays, anonymised — it asks first unless `--yes`.

use super::output;
use super::session::{ClientOpts, Session};
use super::values::{self, clearable, is_none_word};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Subcommand};
use keel_api_types::{
    Company, CompanyPatch, Customer, CustomerExport, CustomerPatch, NewCompany, NewCustomer, Page,
};
use keel_client::{ClientError, CustomerFilter, ListParams};
use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CustomerArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: CustomerCommand,
}

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// List customers, newest first, with optional filters
    #[command(visible_alias = "ls")]
    List(CustomerListArgs),
    /// Add a customer and print their id
    Add(CustomerAddArgs),
    /// Show a customer: their details, what they said, and the features
    /// their feedback is evidence for (shipped ones marked)
    ///
    /// With --json, prints the customer as the API returns it.
    Show {
        /// Customer id or email
        who: String,
    },
    /// Change one or more fields of a customer
    Edit(CustomerEditArgs),
    /// Write everything stored about a customer as JSON (stdout, or --output)
    Export {
        /// Customer id or email
        who: String,
        /// Write to this file instead of standard output
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Delete a customer; their feedback stays, without their name
    #[command(visible_alias = "rm")]
    Delete {
        /// Customer id or email
        who: String,
        /// Do not ask for confirmation
        #[arg(long, short = 'y')]
        yes: bool,
    },
}

#[derive(Debug, Args)]
pub struct CustomerListArgs {
    /// Only customers whose name or email contains TEXT
    #[arg(long = "q", visible_alias = "query", value_name = "TEXT")]
    q: Option<String>,
    /// Only customers of this company (id or name)
    #[arg(short, long)]
    company: Option<String>,
    /// Only customers of this segment
    #[arg(short, long)]
    segment: Option<String>,
    /// Only customers with this persona (id or name)
    #[arg(long)]
    persona: Option<String>,
    /// At most N customers (per page with --all; the server allows up to 500)
    #[arg(long, value_name = "N")]
    limit: Option<u32>,
    /// Start after this cursor (from a previous, cut-off listing)
    #[arg(long, value_name = "CURSOR", conflicts_with = "all")]
    cursor: Option<String>,
    /// Fetch every page instead of only the first
    #[arg(long)]
    all: bool,
}

#[derive(Debug, Args)]
pub struct CustomerAddArgs {
    /// The person's name
    name: String,
    /// Their email (unique in the workspace)
    #[arg(short, long)]
    email: Option<String>,
    /// Their company (id or name)
    #[arg(short, long)]
    company: Option<String>,
    /// Their segment [default: their company's]
    #[arg(short, long)]
    segment: Option<String>,
    /// Their persona (id or name)
    #[arg(long)]
    persona: Option<String>,
    /// A custom attribute as key=value (repeat for several)
    #[arg(short, long = "attr", value_name = "KEY=VALUE", value_parser = parse_attribute)]
    attrs: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct CustomerEditArgs {
    /// Customer id or email
    who: String,
    /// New name
    #[arg(long)]
    name: Option<String>,
    /// New email, or `none`
    #[arg(short, long)]
    email: Option<String>,
    /// New company (id or name), or `none`
    #[arg(short, long)]
    company: Option<String>,
    /// New segment ("" clears it)
    #[arg(short, long)]
    segment: Option<String>,
    /// New persona (id or name), or `none`
    #[arg(long)]
    persona: Option<String>,
    /// Replace every custom attribute with these key=value pairs (repeat)
    #[arg(short, long = "attr", value_name = "KEY=VALUE", value_parser = parse_attribute,
        conflicts_with = "clear_attrs")]
    attrs: Vec<(String, String)>,
    /// Remove every custom attribute
    #[arg(long)]
    clear_attrs: bool,
    /// Only apply if the customer is still at this version (else fail, nothing changed)
    #[arg(long, value_name = "VERSION")]
    if_version: Option<i64>,
}

#[derive(Debug, Args)]
pub struct CompanyArgs {
    #[command(flatten)]
    pub opts: ClientOpts,
    #[command(subcommand)]
    pub command: CompanyCommand,
}

#[derive(Debug, Subcommand)]
pub enum CompanyCommand {
    /// List companies, newest first
    #[command(visible_alias = "ls")]
    List {
        /// Only companies whose name contains TEXT
        #[arg(long = "q", visible_alias = "query", value_name = "TEXT")]
        q: Option<String>,
        /// At most N companies (per page with --all; the server allows up to 500)
        #[arg(long, value_name = "N")]
        limit: Option<u32>,
        /// Start after this cursor (from a previous, cut-off listing)
        #[arg(long, value_name = "CURSOR", conflicts_with = "all")]
        cursor: Option<String>,
        /// Fetch every page instead of only the first
        #[arg(long)]
        all: bool,
    },
    /// Add a company and print its id
    Add(CompanyAddArgs),
    /// Show a company with its customers
    ///
    /// With --json, prints one object with `company` and `customers`.
    Show {
        /// Company id or name
        company: String,
    },
    /// Change one or more fields of a company
    Edit(CompanyEditArgs),
}

#[derive(Debug, Args)]
pub struct CompanyAddArgs {
    /// The company's name (unique in the workspace)
    name: String,
    /// Segment (enterprise, smb, …)
    #[arg(short, long)]
    segment: Option<String>,
    /// Plan they are on
    #[arg(short, long)]
    plan: Option<String>,
    /// Annual recurring revenue
    #[arg(long, value_name = "AMOUNT", value_parser = parse_amount)]
    arr: Option<f64>,
    /// A custom attribute as key=value (repeat for several)
    #[arg(short, long = "attr", value_name = "KEY=VALUE", value_parser = parse_attribute)]
    attrs: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct CompanyEditArgs {
    /// Company id or name
    company: String,
    /// New name
    #[arg(long)]
    name: Option<String>,
    /// New segment ("" clears it)
    #[arg(short, long)]
    segment: Option<String>,
    /// New plan ("" clears it)
    #[arg(short, long)]
    plan: Option<String>,
    /// New annual recurring revenue, or `none` when unknown
    #[arg(long, value_name = "AMOUNT", value_parser = parse_arr, allow_hyphen_values = true)]
    arr: Option<Arr>,
    /// Replace every custom attribute with these key=value pairs (repeat)
    #[arg(short, long = "attr", value_name = "KEY=VALUE", value_parser = parse_attribute,
        conflicts_with = "clear_attrs")]
    attrs: Vec<(String, String)>,
    /// Remove every custom attribute
    #[arg(long)]
    clear_attrs: bool,
    /// Only apply if the company is still at this version (else fail, nothing changed)
    #[arg(long, value_name = "VERSION")]
    if_version: Option<i64>,
}

/// `key=value` → the pair, trimmed (the server checks the rest).
fn parse_attribute(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_owned(), v.trim().to_owned())),
        _ => Err(format!("'{text}' is not key=value")),
    }
}

/// A new ARR: an amount, or unknown (`none`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Arr {
    Amount(f64),
    Unknown,
}

impl Arr {
    /// As a PATCH sends it: `null` when unknown.
    fn value(self) -> Option<f64> {
        match self {
            Arr::Amount(v) => Some(v),
            Arr::Unknown => None,
        }
    }
}

/// An amount (`120000`, `120_000`, `120,000`).
fn parse_amount(text: &str) -> Result<f64, String> {
    values::finite(&text.trim().replace(['_', ','], ""))
        .map_err(|_| format!("'{text}' is not an amount"))
}

/// An amount, or `none` to clear it.
fn parse_arr(text: &str) -> Result<Arr, String> {
    if is_none_word(text) {
        return Ok(Arr::Unknown);
    }
    parse_amount(text)
        .map(Arr::Amount)
        .map_err(|_| format!("'{text}' is not an amount (or `none`)"))
}

/// Attributes to send: `None` leaves them, else the whole new set.
fn attributes(pairs: Vec<(String, String)>, clear: bool) -> Option<BTreeMap<String, String>> {
    if clear {
        Some(BTreeMap::new())
    } else if pairs.is_empty() {
        None
    } else {
        Some(pairs.into_iter().collect())
    }
}

/// ARR for a table: whole amounts without decimals; `-` when unknown.
fn arr_cell(arr: Option<f64>) -> String {
    match arr {
        Some(v) if v.fract() == 0.0 => format!("{v:.0}"),
        Some(v) => format!("{v:.2}"),
        None => "-".to_owned(),
    }
}

pub async fn run_customer(args: CustomerArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let cx = Cx {
        session: &session,
        ws: &ws,
        json: args.opts.json,
    };
    match args.command {
        CustomerCommand::List(list) => cx.list_customers(list).await,
        CustomerCommand::Add(add) => {
            let attrs = attributes(add.attrs, false);
            let new = NewCustomer {
                name: add.name,
                email: add.email,
                company: add.company,
                segment: add.segment,
                persona: add.persona,
                attributes: attrs,
            };
            let customer = cx.session.client.create_customer(cx.ws, &new).await?;
            if cx.json {
                return output::json(&customer);
            }
            output::line(&customer.id)
        }
        CustomerCommand::Show { who } => cx.show_customer(&who).await,
        CustomerCommand::Edit(edit) => {
            let current = cx.customer(&edit.who).await?;
            let patch = CustomerPatch {
                name: edit.name,
                email: clearable(edit.email),
                company: clearable(edit.company),
                segment: edit.segment,
                persona: clearable(edit.persona),
                attributes: attributes(edit.attrs, edit.clear_attrs),
            };
            let customer = cx
                .session
                .client
                .update_customer(cx.ws, &current.id, &patch, edit.if_version)
                .await?;
            if cx.json {
                return output::json(&customer);
            }
            output::line(format!(
                "Updated {} (version {}).",
                customer.name, customer.version
            ))
        }
        CustomerCommand::Export { who, output: path } => {
            let customer = cx.customer(&who).await?;
            let document = cx
                .session
                .client
                .export_customer_document(cx.ws, &customer.id)
                .await?;
            let mut text =
                serde_json::to_string_pretty(&document).context("cannot encode the export")?;
            text.push('\n');
            match path {
                None => output::emit(&text),
                Some(path) => {
                    std::fs::write(&path, text)
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    // Stderr, so stdout stays clean for scripts.
                    eprintln!(
                        "Wrote everything stored about {} to {}.",
                        customer.name,
                        path.display()
                    );
                    Ok(())
                }
            }
        }
        CustomerCommand::Delete { who, yes } => {
            let customer = cx.customer(&who).await?;
            if !yes && !confirm(&customer)? {
                bail!("not deleted");
            }
            cx.session
                .client
                .delete_customer(cx.ws, &customer.id)
                .await?;
            output::line(format!(
                "Deleted {}; their {} kept without their name.",
                customer.name,
                feedback_items(customer.feedback_count)
            ))
        }
    }
}

fn feedback_items(n: i64) -> String {
    match n {
        1 => "1 feedback item is".to_owned(),
        n => format!("{n} feedback items are"),
    }
}

/// Asks on the terminal whether to delete `customer`. Without a terminal
/// there is no one to ask: that is an error naming `--yes`.
fn confirm(customer: &Customer) -> Result<bool> {
    let who = match &customer.email {
        Some(e) => format!("{} <{e}>", customer.name),
        None => customer.name.clone(),
    };
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!(
            "deleting {who} cannot be undone and there is no terminal to ask: add --yes to confirm"
        );
    }
    let question = format!(
        "Delete {who}? Their {} kept without their name. This cannot be undone. [y/N] ",
        feedback_items(customer.feedback_count)
    );
    ask(&mut std::io::stderr(), &mut stdin.lock(), &question)
}

/// Writes `question` and reads one answer line: only `y` or `yes` (any
/// case) confirms; anything else, or no answer, does not.
fn ask(out: &mut impl Write, input: &mut impl BufRead, question: &str) -> Result<bool> {
    out.write_all(question.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot ask for confirmation")?;
    let mut answer = String::new();
    input
        .read_line(&mut answer)
        .context("cannot read the answer")?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

pub async fn run_company(args: CompanyArgs) -> Result<()> {
    let session = Session::open(&args.opts)?;
    let ws = session.workspace().await?;
    let cx = Cx {
        session: &session,
        ws: &ws,
        json: args.opts.json,
    };
    match args.command {
        CompanyCommand::List {
            q,
            limit,
            cursor,
            all,
        } => {
            let mut page = ListParams { limit, cursor };
            let mut items = Vec::new();
            let next_cursor = loop {
                let got = cx
                    .session
                    .client
                    .list_companies(cx.ws, q.as_deref(), &page)
                    .await?;
                items.extend(got.items);
                match got.next_cursor {
                    Some(c) if all && !c.is_empty() => page.cursor = Some(c),
                    other => break other,
                }
            };
            if cx.json {
                return output::json(&Page { items, next_cursor });
            }
            let mut table = output::table(&["NAME", "SEGMENT", "PLAN", "ARR", "CUSTOMERS", "ID"]);
            for c in &items {
                table.add_row(vec![
                    output::one_line(&c.name, 40),
                    output::or_dash(Some(&c.segment)),
                    output::or_dash(Some(&c.plan)),
                    arr_cell(c.arr),
                    c.customer_count.to_string(),
                    c.id.clone(),
                ]);
            }
            output::print_table(table, "No companies found.")?;
            more_hint("companies", next_cursor);
            Ok(())
        }
        CompanyCommand::Add(add) => {
            let new = NewCompany {
                name: add.name,
                segment: add.segment,
                plan: add.plan,
                arr: add.arr,
                attributes: attributes(add.attrs, false),
            };
            let company = cx.session.client.create_company(cx.ws, &new).await?;
            if cx.json {
                return output::json(&company);
            }
            output::line(&company.id)
        }
        CompanyCommand::Show { company } => {
            let company = cx.company(&company).await?;
            let filter = CustomerFilter {
                company: Some(company.id.clone()),
                page: ListParams::limit(500),
                ..CustomerFilter::default()
            };
            let customers = cx
                .session
                .client
                .list_customers(cx.ws, &filter)
                .await?
                .items;
            if cx.json {
                return output::json(&serde_json::json!({
                    "company": company,
                    "customers": customers,
                }));
            }
            let mut text = format!("{}\n", company.name);
            let facts = [
                ("Segment", output::or_dash(Some(&company.segment))),
                ("Plan", output::or_dash(Some(&company.plan))),
                ("ARR", arr_cell(company.arr)),
                ("Customers", company.customer_count.to_string()),
                ("Id", company.id.clone()),
            ];
            for (k, v) in facts {
                text.push_str(&format!("  {k:<11}{v}\n"));
            }
            for (k, v) in &company.attributes {
                text.push_str(&format!("  {:<11}{v}\n", format!("{k}:")));
            }
            output::emit(&text)?;
            if !customers.is_empty() {
                output::line("")?;
                output::print_table(customer_table(&customers), "")?;
            }
            Ok(())
        }
        CompanyCommand::Edit(edit) => {
            let current = cx.company(&edit.company).await?;
            let patch = CompanyPatch {
                name: edit.name,
                segment: edit.segment,
                plan: edit.plan,
                arr: edit.arr.map(Arr::value),
                attributes: attributes(edit.attrs, edit.clear_attrs),
            };
            let company = cx
                .session
                .client
                .update_company(cx.ws, &current.id, &patch, edit.if_version)
                .await?;
            if cx.json {
                return output::json(&company);
            }
            output::line(format!(
                "Updated {} (version {}).",
                company.name, company.version
            ))
        }
    }
}

fn more_hint(what: &str, next_cursor: Option<String>) {
    if let Some(cursor) = next_cursor.filter(|c| !c.is_empty()) {
        eprintln!(
            "More {what}: use --all to list every one, or --cursor {cursor} for the next page."
        );
    }
}

fn customer_table(customers: &[Customer]) -> comfy_table::Table {
    let mut table = output::table(&["NAME", "EMAIL", "COMPANY", "SEGMENT", "FEEDBACK", "ID"]);
    for c in customers {
        table.add_row(vec![
            output::one_line(&c.name, 40),
            output::or_dash(c.email.as_deref()),
            output::or_dash(c.company.as_ref().map(|co| co.name.as_str())),
            output::or_dash(Some(&c.segment)),
            c.feedback_count.to_string(),
            c.id.clone(),
        ]);
    }
    table
}

/// What every subcommand needs.
struct Cx<'a> {
    session: &'a Session,
    ws: &'a str,
    json: bool,
}

impl Cx<'_> {
    /// A customer by email (any case) or id.
    async fn customer(&self, who: &str) -> Result<Customer> {
        let who = who.trim();
        if who.contains('@') {
            let filter = CustomerFilter {
                q: Some(who.to_owned()),
                page: ListParams::limit(500),
                ..CustomerFilter::default()
            };
            let page = self.session.client.list_customers(self.ws, &filter).await?;
            return page
                .items
                .into_iter()
                .find(|c| {
                    c.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(who))
                })
                .ok_or_else(|| {
                    anyhow!("no customer with the email {who} in workspace {}", self.ws)
                });
        }
        match self.session.client.get_customer(self.ws, who).await {
            Err(e) if is_not_found(&e) => {
                bail!(
                    "no customer with the id {who} in workspace {} (give an id or an email)",
                    self.ws
                )
            }
            other => Ok(other?),
        }
    }

    /// A company by id, or else by name (any case).
    async fn company(&self, name: &str) -> Result<Company> {
        let name = name.trim();
        match self.session.client.get_company(self.ws, name).await {
            Err(e) if is_not_found(&e) => {}
            other => return Ok(other?),
        }
        let page = self
            .session
            .client
            .list_companies(self.ws, Some(name), &ListParams::limit(500))
            .await?;
        page.items
            .into_iter()
            .find(|c| c.name.to_lowercase() == name.to_lowercase())
            .ok_or_else(|| anyhow!("no company named {name} in workspace {}", self.ws))
    }

    async fn list_customers(&self, args: CustomerListArgs) -> Result<()> {
        let mut filter = CustomerFilter {
            q: args.q,
            company: args.company,
            segment: args.segment,
            persona: args.persona,
            page: ListParams {
                limit: args.limit,
                cursor: args.cursor,
            },
        };
        let mut items = Vec::new();
        let next_cursor = loop {
            let page = self.session.client.list_customers(self.ws, &filter).await?;
            items.extend(page.items);
            match page.next_cursor {
                Some(c) if args.all && !c.is_empty() => filter.page.cursor = Some(c),
                other => break other,
            }
        };
        if self.json {
            return output::json(&Page { items, next_cursor });
        }
        output::print_table(customer_table(&items), "No customers found.")?;
        more_hint("customers", next_cursor);
        Ok(())
    }

    async fn show_customer(&self, who: &str) -> Result<()> {
        let customer = self.customer(who).await?;
        if self.json {
            return output::json(&customer);
        }
        let export = self
            .session
            .client
            .export_customer(self.ws, &customer.id)
            .await?;
        output::emit(&render_customer(&export))
    }
}

fn is_not_found(e: &ClientError) -> bool {
    matches!(e, ClientError::Api(p) if p.status == 404)
}

/// The human view of one customer, from their export: details, what they
/// said (newest first), and the features it is evidence for.
fn render_customer(export: &CustomerExport) -> String {
    let c = &export.customer;
    let mut text = format!("{}\n", c.name);
    let company = c.company.as_ref().map(|co| match co.arr {
        Some(arr) => format!("{} (ARR {})", co.name, arr_cell(Some(arr))),
        None => co.name.clone(),
    });
    let facts = [
        ("Email", output::or_dash(c.email.as_deref())),
        ("Company", output::or_dash(company.as_deref())),
        ("Segment", output::or_dash(Some(&c.segment))),
        (
            "Persona",
            output::or_dash(c.persona.as_ref().map(|p| p.name.as_str())),
        ),
        ("Id", c.id.clone()),
    ];
    for (k, v) in facts {
        text.push_str(&format!("  {k:<11}{v}\n"));
    }
    for (k, v) in &c.attributes {
        text.push_str(&format!("  {:<11}{v}\n", format!("{k}:")));
    }
    text.push_str(&format!("\nWhat they said ({}):\n", export.feedback.len()));
    if export.feedback.is_empty() {
        text.push_str("  nothing yet\n");
    }
    for f in export.feedback.iter().rev() {
        text.push_str(&format!(
            "  {} {:<5} {} [{}]\n",
            f.received_on,
            f.product,
            output::one_line(&f.text, 80),
            f.status
        ));
    }
    let shipped = export
        .features
        .iter()
        .filter(|f| f.status == "shipped")
        .count();
    text.push_str(&format!(
        "\nFeatures they asked for ({}, {shipped} shipped for them):\n",
        export.features.len()
    ));
    if export.features.is_empty() {
        text.push_str("  none linked yet\n");
    }
    let mut features: Vec<_> = export.features.iter().collect();
    features.sort_by_key(|f| f.status != "shipped");
    for f in features {
        let status = if f.status == "shipped" {
            "SHIPPED for them".to_owned()
        } else {
            f.status.replace('_', " ")
        };
        text.push_str(&format!(
            "  {:<5} {}  ({status})\n",
            f.product,
            output::one_line(&f.title, 60)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_and_amounts_parse() {
        assert_eq!(
            parse_attribute(" role = CTO "),
            Ok(("role".to_owned(), "CTO".to_owned()))
        );
        assert_eq!(
            parse_attribute("url=https://x.test/?a=b"),
            Ok(("url".to_owned(), "https://x.test/?a=b".to_owned()))
        );
        assert!(parse_attribute("nokey").is_err());
        assert!(parse_attribute("=v").is_err());
        assert_eq!(parse_arr("120_000"), Ok(Arr::Amount(120_000.0)));
        assert_eq!(parse_arr("120,000"), Ok(Arr::Amount(120_000.0)));
        assert_eq!(parse_arr("None"), Ok(Arr::Unknown));
        assert!(parse_arr("lots").is_err());
        assert_eq!(arr_cell(Some(250_000.0)), "250000");
        assert_eq!(arr_cell(Some(99.5)), "99.50");
        assert_eq!(arr_cell(None), "-");
    }

    #[test]
    fn only_yes_confirms() {
        for (answer, expected) in [
            ("y\n", true),
            ("YES\n", true),
            (" yes \n", true),
            ("n\n", false),
            ("\n", false),
            ("", false),
            ("yep\n", false),
        ] {
            let mut out = Vec::new();
            let got = ask(&mut out, &mut answer.as_bytes(), "Delete? [y/N] ").unwrap_or(false);
            assert_eq!(got, expected, "{answer:?}");
            assert_eq!(out, b"Delete? [y/N] ");
        }
    }

    #[test]
    fn attribute_flags_replace_or_clear() {
        assert_eq!(attributes(vec![], false), None);
        assert_eq!(attributes(vec![], true), Some(BTreeMap::new()));
        let set = attributes(vec![("a".into(), "1".into())], false).unwrap_or_default();
        assert_eq!(set.get("a").map(String::as_str), Some("1"));
    }
}
