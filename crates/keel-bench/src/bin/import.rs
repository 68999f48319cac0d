//! `keel-bench-import`: imports a generated 100,000-row feedback CSV
//! (seeded, survey-export shaped: quoted texts with commas, quotes and line
//! breaks, 5,000 distinct customer emails in varying case, tags, dates and
//! timestamps) through the HTTP API of a real `keel serve` it starts, on
//! SQLite or PostgreSQL, and prints a Markdown report.
//!
//! Measured in the same run, on the same server and the same bytes:
//! - `GET /healthz` round trips (the plain HTTP baseline);
//! - the dry run: upload, parse and check every row, look the customers
//!   up, write nothing (the baseline for the import: everything but the
//!   writes);
//! - the import: the same plus creating the customers and writing every
//!   row, its tags and one event in one transaction;
//! - with `--repeat N`, N−1 further imports of the same file on top (all
//!   customers then matched, the tables growing).
//!
//! Reported: wall time, rows/s, the server's CPU time and its memory
//! (`VmRSS`, peak `VmHWM`) from `/proc`.
//!
//! ```text
//! cargo build --release -p keel -p keel-bench
//! target/release/keel-bench-import
//! target/release/keel-bench-import --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```

#[allow(dead_code)]
#[path = "../rng.rs"]
mod rng;
#[allow(dead_code)]
#[path = "../seed.rs"]
mod seed;
#[allow(dead_code)]
#[path = "../server.rs"]
mod server;

use anyhow::{Context, Result, bail};
use clap::Parser;
use keel_domain::ids::new_id;
use keel_domain::time::Date;
use keel_server::import::csv::write_record;
use keel_store::{Store, StoreOptions};
use rng::Rng;
use server::{DataSource, Server, cpu_time};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(
    name = "keel-bench-import",
    about = "Feedback CSV import through the HTTP API of a real server"
)]
struct Args {
    /// The `keel` binary to benchmark (build it with --release).
    #[arg(long, default_value = "target/release/keel")]
    keel_bin: PathBuf,
    /// Run on PostgreSQL: a fresh database `keel_bench_<random>` is created
    /// on this server and dropped at the end. Without it, SQLite in a fresh
    /// temporary directory.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Data rows in the file.
    #[arg(long, default_value_t = 100_000)]
    rows: usize,
    /// Distinct customer emails in the file.
    #[arg(long, default_value_t = 5_000)]
    customers: usize,
    /// Seed of the generator (same seed, same file).
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    /// Imports of the file, one after another (the first creates the
    /// customers, later ones match them).
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// `KEEL_LOG` filter for the server.
    #[arg(long, value_name = "FILTER")]
    keel_log: Option<String>,
    /// Keep the temporary directory (server log, SQLite file, the CSV).
    #[arg(long)]
    keep: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.rows == 0 || args.customers == 0 || args.customers > args.rows {
        bail!("--rows and --customers must be positive, with no more customers than rows");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime.block_on(run(&args))?;
    print!("{report}");
    Ok(())
}

// ---------------------------------------------------------------------
// The file.

const FIRST: &[&str] = &[
    "Ada",
    "Grace",
    "Linus",
    "Margaret",
    "Alan",
    "Barbara",
    "Ken",
    "Frances",
    "Dennis",
    "Radia",
    "Guido",
    "Hedy",
    "Tim",
    "Katherine",
    "Donald",
    "Shafi",
    "Edsger",
    "Sophie",
    "Bjarne",
    "Joan",
    "Niklaus",
    "Anita",
    "John",
    "Lynn",
    "Yukihiro",
    "Mary",
    "Rob",
    "Karen",
    "Ward",
    "Fran",
];
const LAST: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Torvalds",
    "Hamilton",
    "Turing",
    "Liskov",
    "Thompson",
    "Allen",
    "Ritchie",
    "Perlman",
    "van Rossum",
    "Lamarr",
    "Berners-Lee",
    "Johnson",
    "Knuth",
    "Goldwasser",
    "Dijkstra",
    "Wilson",
    "Stroustrup",
    "Clarke",
    "Wirth",
    "Borg",
    "Backus",
    "Conway",
    "Matsumoto",
    "Keller",
    "Pike",
    "Spärck Jones",
    "Cunningham",
    "Bilas",
];
const COMPANIES: &[&str] = &[
    "acme",
    "globex",
    "initech",
    "umbrella",
    "hooli",
    "stark",
    "wayne",
    "tyrell",
    "cyberdyne",
    "soylent",
    "wonka",
    "gringotts",
    "oscorp",
    "aperture",
    "vandelay",
    "dunder",
    "pied-piper",
    "massive-dynamic",
    "monarch",
    "buynlarge",
];
const OPENERS: &[&str] = &[
    "",
    "Honestly, ",
    "Since the last update, ",
    "For our team, ",
    "Every Monday ",
    "In our onboarding calls, ",
    "Compared to Jira, ",
    "As an admin, I find ",
    "Our support lead says ",
    "We love Keel, but ",
];
const SUBJECTS: &[&str] = &[
    "the CSV export",
    "the kanban board",
    "search",
    "the roadmap timeline",
    "notifications",
    "the mobile layout",
    "SSO login",
    "the API rate limits",
    "release notes",
    "the calendar view",
    "dark mode",
    "guest permissions",
    "the Jira import",
    "the weekly digest",
    "keyboard shortcuts",
    "the feedback portal",
    "custom fields",
    "the burn-up chart",
    "webhooks",
    "the command palette",
];
const PREDICATES: &[&str] = &[
    "is slow",
    "keeps crashing",
    "is confusing",
    "works great",
    "is missing filters",
    "loses my changes",
    "is hard to find",
    "saves us hours every week",
    "needs better defaults",
    "should support custom fields",
    "is the best part of the product",
    "breaks with large workspaces",
    "is almost perfect",
    "feels clunky on small screens",
    "would make us upgrade",
];
const DETAILS: &[&str] = &[
    ".",
    ".",
    ".",
    " when the board has more than 500 cards.",
    " for our enterprise customers, which matters at renewal.",
    " — we had to build a workaround with a spreadsheet.",
    ", and support said \"it's on the roadmap\".",
    ".\nSteps: open the board, drag a card, wait a few seconds.",
    ". Thanks for listening!",
    ", so we export everything to Excel, clean it up and import it again.",
];
const TAGS: &[&str] = &[
    "export",
    "board",
    "search",
    "roadmap",
    "notifications",
    "mobile",
    "sso",
    "api",
    "releases",
    "calendar",
    "ui",
    "permissions",
    "import",
    "digest",
    "shortcuts",
    "portal",
    "fields",
    "charts",
    "webhooks",
    "performance",
];
const CHANNELS: &[&str] = &["survey", "support", "email", "interview", "app_review"];
const MOODS: &[&str] = &["positive", "neutral", "negative"];

fn pick<'a>(rng: &mut Rng, items: &[&'a str]) -> &'a str {
    items[rng.below(items.len() as u64) as usize]
}

fn sentence(rng: &mut Rng) -> String {
    format!(
        "{}{} {}{}",
        pick(rng, OPENERS),
        pick(rng, SUBJECTS),
        pick(rng, PREDICATES),
        pick(rng, DETAILS)
    )
}

/// Customer `i`: name and email (unique by `i`).
fn customer(i: usize) -> (String, String) {
    let first = FIRST[i % FIRST.len()];
    let last = LAST[(i / FIRST.len()) % LAST.len()];
    let company = COMPANIES[(i / 7) % COMPANIES.len()];
    let local: String = format!("{first}.{last}")
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    (
        format!("{first} {last}"),
        format!("{local}{i}@{company}.example"),
    )
}

/// The CSV file: a survey export with `rows` rows naming `customers`
/// distinct emails (each at least once, a few of them often).
fn generate(rows: usize, customers: usize, seed: u64) -> Result<Vec<u8>> {
    let mut rng = Rng::new(seed);
    let start = Date::parse("date", "2025-01-01").map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut out = String::with_capacity(rows * 200);
    write_record(
        &mut out,
        &[
            "Submitted",
            "Email",
            "Name",
            "What could we do better?",
            "Topics",
            "Channel",
            "Mood",
        ],
    );
    for r in 0..rows {
        let day = start
            .add_days(rng.below(540) as i64)
            .context("date out of range")?
            .as_string();
        let submitted = if rng.below(3) == 0 {
            format!(
                "{day} {:02}:{:02}:{:02}",
                rng.below(24),
                rng.below(60),
                rng.below(60)
            )
        } else {
            day
        };
        // The first `customers` rows name every customer once; the rest
        // lean towards the low numbers (a few customers say a lot), and
        // one row in ten is anonymous.
        let (name, email) = if r < customers {
            customer(r)
        } else if rng.below(10) == 0 {
            (String::new(), String::new())
        } else {
            let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
            customer(((u * u) * customers as f64) as usize % customers)
        };
        let email = if !email.is_empty() && rng.below(20) == 0 {
            email.to_uppercase()
        } else {
            email
        };
        let name = if rng.below(4) == 0 {
            String::new()
        } else {
            name
        };
        let mut text = sentence(&mut rng);
        for _ in 0..rng.below(3) {
            text.push(' ');
            text.push_str(&sentence(&mut rng));
        }
        let mut tags: Vec<&str> = Vec::new();
        for _ in 0..rng.below(4) {
            let t = pick(&mut rng, TAGS);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let channel = if rng.below(3) == 0 {
            ""
        } else {
            pick(&mut rng, CHANNELS)
        };
        let mood = if rng.below(5) == 0 {
            pick(&mut rng, MOODS)
        } else {
            ""
        };
        write_record(
            &mut out,
            &[
                submitted.as_str(),
                &email,
                &name,
                &text,
                &tags.join(";"),
                channel,
                mood,
            ],
        );
    }
    Ok(out.into_bytes())
}

const MAP: &[&str] = &[
    "Submitted:received_on",
    "Email:customer_email",
    "Name:customer_name",
    "What could we do better?:text",
    "Topics:tags",
    "Channel:source",
    "Mood:sentiment",
];

// ---------------------------------------------------------------------
// The run.

/// A fresh directory under the system temp dir, removed when dropped
/// (unless kept).
struct WorkDir {
    path: PathBuf,
    keep: bool,
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("kept {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> Result<String> {
    let scheme_end = url
        .find("://")
        .context("the PostgreSQL URL needs a scheme")?
        + 3;
    let (head, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    let authority_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |p| scheme_end + p);
    Ok(format!("{}/{name}{query}", &head[..authority_end]))
}

async fn admin_sql(admin_url: &str, sql: &str) -> Result<()> {
    let admin = Store::open_postgres(
        admin_url,
        &StoreOptions {
            max_connections: 2,
            ..Default::default()
        },
    )
    .await
    .context("cannot connect to PostgreSQL")?;
    let done = admin.execute_admin(sql).await;
    admin.close().await;
    done.with_context(|| format!("PostgreSQL refused: {sql}"))
}

/// One timed request's outcome.
struct Timed {
    took: Duration,
    server_cpu: Duration,
    body: serde_json::Value,
}

struct Bench<'a> {
    client: reqwest::Client,
    server: &'a Server,
    url: String,
    token: String,
    csv: &'a [u8],
}

impl Bench<'_> {
    async fn import(&self, dry_run: bool) -> Result<Timed> {
        let mut query: Vec<(&str, &str)> = vec![
            ("product", seed::PRODUCT_KEY),
            ("source", "survey"),
            ("dry_run", if dry_run { "true" } else { "false" }),
        ];
        query.extend(MAP.iter().map(|m| ("map", *m)));
        let cpu_before = cpu_time(Some(self.server.pid()))?;
        let started = Instant::now();
        let resp = self
            .client
            .post(&self.url)
            .query(&query)
            .bearer_auth(&self.token)
            .header("content-type", "text/csv")
            .body(self.csv.to_vec())
            .send()
            .await
            .context("POST …/feedback/import")?;
        let status = resp.status();
        let text = resp.text().await?;
        let took = started.elapsed();
        let server_cpu = cpu_time(Some(self.server.pid()))?.saturating_sub(cpu_before);
        let expected = if dry_run { 200 } else { 201 };
        if status.as_u16() != expected {
            bail!(
                "the import answered {status}: {}",
                text.chars().take(2000).collect::<String>()
            );
        }
        Ok(Timed {
            took,
            server_cpu,
            body: serde_json::from_str(&text)?,
        })
    }

    /// Median and p99 of `n` sequential `GET /healthz`.
    async fn healthz(&self, base: &str, n: usize) -> Result<(f64, f64)> {
        let mut times = Vec::with_capacity(n);
        for _ in 0..n + 10 {
            let started = Instant::now();
            self.client
                .get(format!("{base}/healthz"))
                .send()
                .await?
                .error_for_status()?
                .bytes()
                .await?;
            times.push(started.elapsed());
        }
        let mut times = times.split_off(10);
        times.sort();
        let at =
            |q: f64| times[((times.len() - 1) as f64 * q).round() as usize].as_secs_f64() * 1e3;
        Ok((at(0.5), at(0.99)))
    }
}

/// Counts a list by paging through it (500 a page).
async fn count_all(client: &reqwest::Client, url: &str, token: &str) -> Result<usize> {
    let mut n = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut req = client
            .get(url)
            .bearer_auth(token)
            .query(&[("limit", "500")]);
        if let Some(c) = &cursor {
            req = req.query(&[("cursor", c.as_str())]);
        }
        let page: serde_json::Value = req.send().await?.error_for_status()?.json().await?;
        n += page["items"].as_array().map_or(0, Vec::len);
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return Ok(n),
        }
    }
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

async fn run(args: &Args) -> Result<String> {
    let keel_bin = std::fs::canonicalize(&args.keel_bin).with_context(|| {
        format!(
            "no keel binary at {}: run `cargo build --release -p keel` first",
            args.keel_bin.display()
        )
    })?;
    let work = WorkDir {
        path: std::env::temp_dir().join(format!("keel-bench-import-{}", new_id())),
        keep: args.keep,
    };
    std::fs::create_dir_all(&work.path)?;
    match &args.postgres {
        None => {
            let data = DataSource::SqliteDir(work.path.join("data"));
            bench(args, &keel_bin, &work.path, &data).await
        }
        Some(admin_url) => {
            let id = new_id();
            let name = format!("keel_bench_{}", &id[id.len() - 12..]);
            admin_sql(admin_url, &format!("CREATE DATABASE {name}")).await?;
            eprintln!("created database {name}");
            let data = DataSource::Postgres(with_database(admin_url, &name)?);
            let result = bench(args, &keel_bin, &work.path, &data).await;
            match admin_sql(
                admin_url,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            )
            .await
            {
                Ok(()) => eprintln!("dropped database {name}"),
                Err(e) => eprintln!("warning: {e:#}"),
            }
            result
        }
    }
}

async fn bench(args: &Args, keel_bin: &Path, workdir: &Path, data: &DataSource) -> Result<String> {
    let started = Instant::now();
    let csv = generate(args.rows, args.customers, args.seed)?;
    let generated_in = started.elapsed();
    if args.keep {
        std::fs::write(workdir.join("feedback.csv"), &csv)?;
    }
    eprintln!(
        "generated {} rows, {:.1} MB, in {:.2} s",
        args.rows,
        csv.len() as f64 / 1e6,
        generated_in.as_secs_f64()
    );
    let log = workdir.join("server.log");
    let server = Server::start(keel_bin, data, workdir, &log, args.keel_log.as_deref())?;
    let client = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(900))
        .build()?;
    let fixture = seed::setup(&client, &server.base).await?;
    let bench = Bench {
        client: client.clone(),
        server: &server,
        url: format!(
            "{}/api/v1/workspaces/{}/feedback/import",
            server.base, fixture.workspace_slug
        ),
        token: fixture.token.clone(),
        csv: &csv,
    };
    let idle = server.memory()?;
    let (health_p50, health_p99) = bench.healthz(&server.base, 200).await?;

    eprintln!("dry run…");
    let dry = bench.import(true).await?;
    let after_dry = server.memory()?;
    eprintln!("  {:.2} s: {}", dry.took.as_secs_f64(), dry.body);

    let mut imports = Vec::new();
    for i in 0..args.repeat.max(1) {
        eprintln!("import {}…", i + 1);
        let done = bench.import(false).await?;
        eprintln!("  {:.2} s: {}", done.took.as_secs_f64(), done.body);
        imports.push((done, server.memory()?));
    }
    let first = &imports[0].0;
    if first.body["created"].as_u64() != Some(args.rows as u64)
        || first.body["customers_created"].as_u64() != Some(args.customers as u64)
    {
        bail!("unexpected import summary: {}", first.body);
    }
    let ws_url = format!(
        "{}/api/v1/workspaces/{}",
        server.base, fixture.workspace_slug
    );
    let customers_stored =
        count_all(&client, &format!("{ws_url}/customers"), &fixture.token).await?;
    let feedback_first_page: serde_json::Value = client
        .get(format!("{ws_url}/feedback?limit=1"))
        .bearer_auth(&fixture.token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if customers_stored != args.customers
        || feedback_first_page["items"]
            .as_array()
            .is_none_or(Vec::is_empty)
    {
        bail!(
            "after the import: {customers_stored} customers, feedback page {feedback_first_page}"
        );
    }
    drop(server);
    let db_bytes: Option<u64> = match data {
        DataSource::SqliteDir(dir) => Some(
            ["keel.db", "keel.db-wal"]
                .iter()
                .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
                .map(|m| m.len())
                .sum(),
        ),
        DataSource::Postgres(_) => None,
    };

    let rows = args.rows as f64;
    let mut r = String::new();
    r.push_str(&format!(
        "## Feedback CSV import, {} ({} rows, {:.1} MB, {} customers)\n\n",
        data.backend_name(),
        args.rows,
        csv.len() as f64 / 1e6,
        args.customers
    ));
    r.push_str("| Request | Wall time | Rows/s | Server CPU | Server RSS after (peak) |\n");
    r.push_str("|---|---:|---:|---:|---:|\n");
    r.push_str(&format!(
        "| `GET /healthz` (baseline, 200 sequential) | p50 {health_p50:.2} ms, p99 {health_p99:.2} ms | | | {:.1} MiB ({:.1}) |\n",
        mib(idle.rss_kib),
        mib(idle.peak_kib)
    ));
    r.push_str(&format!(
        "| Dry run: upload, parse, check, customer lookup (baseline) | {:.2} s | {:.0} | {:.2} s | {:.1} MiB ({:.1}) |\n",
        dry.took.as_secs_f64(),
        rows / dry.took.as_secs_f64(),
        dry.server_cpu.as_secs_f64(),
        mib(after_dry.rss_kib),
        mib(after_dry.peak_kib)
    ));
    for (i, (done, mem)) in imports.iter().enumerate() {
        let what = if i == 0 {
            format!(
                "Import: the above + {} customers created, every row, tags and one event written in one transaction",
                done.body["customers_created"]
            )
        } else {
            format!(
                "Import {} of the same file on top ({} customers matched)",
                i + 1,
                done.body["customers_matched"]
            )
        };
        r.push_str(&format!(
            "| {what} | **{:.2} s** | {:.0} | {:.2} s | {:.1} MiB ({:.1}) |\n",
            done.took.as_secs_f64(),
            rows / done.took.as_secs_f64(),
            done.server_cpu.as_secs_f64(),
            mib(mem.rss_kib),
            mib(mem.peak_kib)
        ));
    }
    let write = first.took.saturating_sub(dry.took);
    r.push_str(&format!(
        "\nTarget: 100,000 rows in under 30 s on SQLite. The write part (import − dry run) took {:.2} s; \
         generating the file took {:.2} s (client side, not counted).",
        write.as_secs_f64(),
        generated_in.as_secs_f64()
    ));
    if let Some(bytes) = db_bytes {
        r.push_str(&format!(
            " Database files afterwards: {:.1} MB.",
            bytes as f64 / 1e6
        ));
    }
    r.push('\n');
    Ok(r)
}
