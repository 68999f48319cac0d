//! `keel-bench-search`: global search latency with 1,000,000 feedback items
//! (plus tasks, features, customers, companies and personas), beside
//! `GET /healthz` through the same router in the same run as the baseline.
//!
//! The feedback texts come from a generator with a seeded RNG: a few hundred
//! product phrases (areas, problems, requests, platforms, places with
//! diacritics) and a long tail of 40,000 made-up words drawn with Zipf-like
//! frequencies, so some words are in a third of the items and others in a
//! handful. They are written with multi-row `INSERT`s (1,000 rows each):
//! the triggers of migration `0008_search` build the index exactly as for
//! items written through the API.
//!
//! The router is driven in-process, so the figures are the server's own
//! work (token and membership lookup, parsing, both queries, snippets, JSON)
//! without the network. The queries run in rounds (every query once per
//! round) so noise from other processes spreads over all of them.
//!
//! ```text
//! cargo build --release -p keel-bench
//! target/release/keel-bench-search                      # SQLite, 1,000,000 feedback items
//! target/release/keel-bench-search --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```

#[path = "../rng.rs"]
mod rng;

use anyhow::{Context, Result, bail};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use clap::Parser;
use keel_domain::ids::new_id;
use keel_domain::search::fold;
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::tasks::TaskFields;
use keel_store::{Store, StoreOptions};
use rng::Rng;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[derive(Debug, Parser)]
#[command(
    name = "keel-bench-search",
    about = "Global search latency over a large feedback inbox"
)]
struct Args {
    /// Feedback items to seed.
    #[arg(long, default_value_t = 1_000_000)]
    feedback: usize,
    /// Tasks to seed (through the store, as the API writes them).
    #[arg(long, default_value_t = 5_000)]
    tasks: usize,
    /// Measured rounds (each query once per round, after 10 unmeasured).
    #[arg(long, default_value_t = 100)]
    rounds: usize,
    /// Rows per INSERT while seeding.
    #[arg(long, default_value_t = 1_000)]
    batch: usize,
    /// Seed of the text generator.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Run on PostgreSQL: a database `keel_bench_search_<pid>` is created on
    /// this server and dropped at the end.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Keep the database (SQLite file or PostgreSQL database) afterwards.
    #[arg(long)]
    keep: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(run(&args))
}

// ---------------------------------------------------------------------------
// Text generator

const AREAS: &[&str] = &[
    "CSV export",
    "the dashboard",
    "search",
    "notifications",
    "the mobile app",
    "SSO login",
    "the billing page",
    "API rate limits",
    "the Slack integration",
    "dark mode",
    "calendar sync",
    "reports",
    "the roadmap view",
    "bulk edit",
    "permissions",
    "onboarding",
    "invoices",
    "webhooks",
    "the Jira import",
    "offline mode",
    "the timeline",
    "file uploads",
    "comments",
    "the Android app",
    "the iOS app",
    "email digests",
    "two-factor authentication",
    "the admin console",
    "custom fields",
    "time tracking",
    "the kanban board",
    "PDF export",
    "audit logs",
    "the public API",
    "the Zapier integration",
    "Salesforce sync",
    "the Chrome extension",
    "tags",
    "saved filters",
    "user invitations",
    "the Gantt chart",
    "recurring tasks",
    "the sprint report",
    "data retention",
    "the HubSpot integration",
];

const PROBLEMS: &[&str] = &[
    "is really slow",
    "times out with more than {n} rows",
    "crashes on {platform}",
    "is confusing for new users",
    "does not work with {tool}",
    "keeps logging me out",
    "shows the wrong totals",
    "loses my changes",
    "is hard to find",
    "breaks on names with accents like {accented}",
    "is not available in {place}",
    "fails silently",
    "takes {n} seconds to load",
    "shows duplicates",
    "ignores our time zone",
    "is blocked by our firewall",
    "sends far too many emails",
    "ignores my settings",
    "looks broken on small screens",
    "returns error {code}",
    "is missing the {field} column",
    "cannot be filtered by {field}",
    "was much better before the last update",
    "costs us an hour every week",
];

const REQUESTS: &[&str] = &[
    "Could you add {feature}?",
    "We need {feature} before our renewal.",
    "Would love {feature}.",
    "Any plans for {feature}?",
    "Please prioritise {feature}.",
    "Our team would pay more for {feature}.",
    "Competitors already have {feature}.",
    "{Feature} would save us hours every week.",
    "Without {feature} we may have to switch.",
];

const FEATURES: &[&str] = &[
    "a way to filter by {field}",
    "keyboard shortcuts",
    "an export to Excel",
    "SAML support",
    "an audit trail",
    "a bulk delete",
    "better search",
    "custom roles",
    "webhooks for {field} changes",
    "an offline mode",
    "granular permissions",
    "a weekly summary",
    "templates",
    "a public roadmap",
    "SCIM provisioning",
    "an undo button",
    "multi-currency invoices",
    "a dark theme",
    "two-way sync with {tool}",
    "an API for {field}",
];

const FIELDS: &[&str] = &[
    "assignee", "due date", "status", "priority", "customer", "region", "owner", "label", "sprint",
    "segment",
];
const PLATFORMS: &[&str] = &[
    "Windows",
    "macOS",
    "Linux",
    "Safari",
    "Firefox",
    "Android 14",
    "the iPad",
    "Edge",
];
const TOOLS: &[&str] = &[
    "Outlook",
    "Google Sheets",
    "Teams",
    "GitHub",
    "GitLab",
    "Okta",
    "Azure AD",
    "HubSpot",
    "Intercom",
    "Notion",
];
const PLACES: &[&str] = &[
    "Zürich",
    "São Paulo",
    "Kraków",
    "Montréal",
    "Malmö",
    "Düsseldorf",
    "Besançon",
    "Reykjavík",
    "Łódź",
    "Córdoba",
];
const ACCENTED: &[&str] = &[
    "Renée", "José", "Zoë", "Björn", "Anaïs", "Dvořák", "Çelik", "Ñúñez",
];
const OPENERS: &[&str] = &[
    "",
    "",
    "",
    "Hi team, ",
    "Hello! ",
    "Quick note: ",
    "Love the product, but ",
    "Honestly, ",
    "FYI: ",
    "Not sure if this is known, but ",
    "From our QBR: ",
    "Support ticket summary: ",
];
const CLOSERS: &[&str] = &[
    "",
    "",
    "",
    " Thanks!",
    " Cheers.",
    " This is urgent for us.",
    " Happy to jump on a call.",
    " Keep up the good work.",
    " We have 40 seats waiting on this.",
];
const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ra", "te", "su", "no", "vi", "pe", "da", "zo", "re", "an", "el", "or", "ix",
    "um", "qu", "fa", "br",
];
/// Made-up words of the long tail (project names, ticket words, jargon).
const RARE_WORDS: u64 = 40_000;

/// The `rank`-th made-up word: four syllables, distinct for every rank.
fn made_up_word(rank: u64) -> String {
    let mut x = rank;
    let mut out = String::new();
    for _ in 0..4 {
        out.push_str(SYLLABLES[(x % 20) as usize]);
        x /= 20;
    }
    out
}

struct Generator {
    rng: Rng,
}

impl Generator {
    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.rng.below(from.len() as u64) as usize]
    }

    /// A made-up word with Zipf-like odds: rank `k` about as likely as 1/k.
    fn rare(&mut self) -> String {
        let u = self.rng.below(1_000_000) as f64 / 1_000_000.0;
        made_up_word((RARE_WORDS as f64).powf(u) as u64)
    }

    fn fill(&mut self, template: &str) -> String {
        let mut out = template.to_string();
        for (slot, list) in [
            ("{platform}", PLATFORMS),
            ("{tool}", TOOLS),
            ("{place}", PLACES),
            ("{accented}", ACCENTED),
            ("{field}", FIELDS),
        ] {
            while out.contains(slot) {
                let value = self.pick(list);
                out = out.replacen(slot, value, 1);
            }
        }
        if out.contains("{n}") {
            let n = [3, 5, 10, 50, 100, 500, 1000, 10_000][self.rng.below(8) as usize];
            out = out.replace("{n}", &n.to_string());
        }
        if out.contains("{code}") {
            let code = [400, 403, 404, 409, 500, 502, 503][self.rng.below(7) as usize];
            out = out.replace("{code}", &code.to_string());
        }
        for (slot, capital) in [("{feature}", false), ("{Feature}", true)] {
            if out.contains(slot) {
                let feature = self.pick(FEATURES);
                let mut feature = self.fill(feature);
                if capital && let Some(first) = feature.get(..1) {
                    feature = format!("{}{}", first.to_uppercase(), &feature[1..]);
                }
                out = out.replace(slot, &feature);
            }
        }
        out
    }

    /// One piece of feedback, 10 to 50 words.
    fn feedback(&mut self) -> String {
        let (opener, area, problem) = (self.pick(OPENERS), self.pick(AREAS), self.pick(PROBLEMS));
        let mut s = format!("{opener}{area} {}.", self.fill(problem));
        if self.rng.below(10) < 7 {
            let request = self.pick(REQUESTS);
            s.push(' ');
            s.push_str(&self.fill(request));
        }
        if self.rng.below(10) < 5 {
            s.push_str(&format!(
                " We mentioned this in ticket {} too.",
                self.rare()
            ));
        }
        if self.rng.below(10) < 3 {
            s.push_str(&format!(" Our {} workflow depends on it.", self.rare()));
        }
        if self.rng.below(10) < 2 {
            let area = self.pick(AREAS);
            let problem = self.pick(PROBLEMS);
            s.push_str(&format!(" Also, {area} {}.", self.fill(problem)));
        }
        s.push_str(self.pick(CLOSERS));
        let mut chars = s.chars();
        match chars.next() {
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => s,
        }
    }
}

// ---------------------------------------------------------------------------
// Queries

/// A query of the measured set: what it stands for, the text, and a kind
/// filter.
struct Probe {
    label: &'static str,
    q: String,
    kind: Option<&'static str>,
    /// Items of the seeded feedback containing every word (the last as a
    /// prefix when `prefix`), counted while generating.
    prefix: bool,
}

fn probes(rare: &str) -> Vec<Probe> {
    let p = |label, q: &str, kind, prefix| Probe {
        label,
        q: q.to_string(),
        kind,
        prefix,
    };
    vec![
        p("common word", "export", None, true),
        p("common word", "slow", None, true),
        p("frequent word", "workflow", None, true),
        p("frequent word, finished (space)", "workflow ", None, false),
        p("very common + common word", "the export", None, true),
        p("less common word", "salesforce", None, true),
        p("uncommon word", "gantt", None, true),
        p("rare made-up word", rare, None, true),
        p("two words", "export slow", None, true),
        p("two words", "dark mode", None, true),
        p("prefix while typing", "notif", None, true),
        p("prefix while typing", "integ", None, true),
        p("diacritics folded", "zurich", None, true),
        p("no match", "xylophone", None, true),
        p("one kind (tasks)", "export", Some("task"), true),
    ]
}

/// Counts, per probe, the generated feedback texts containing all its words.
fn count_matches(probes: &[Probe], text: &str, counts: &mut [u64]) {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(fold)
        .collect();
    for (probe, count) in probes.iter().zip(counts.iter_mut()) {
        let terms: Vec<String> = probe.q.split_whitespace().map(fold).collect();
        let last = terms.len() - 1;
        let all = terms.iter().enumerate().all(|(i, t)| {
            words
                .iter()
                .any(|w| w == t || (probe.prefix && i == last && w.starts_with(t.as_str())))
        });
        if all {
            *count += 1;
        }
    }
}

// ---------------------------------------------------------------------------
// Seeding

fn sql_text(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

struct Fixture {
    workspace_id: String,
    product_id: String,
    user_id: String,
    token: String,
    customer_ids: Vec<String>,
}

async fn create_fixture(store: &Store, tasks: usize, gen_: &mut Generator) -> Result<Fixture> {
    let now = Timestamp::now().to_rfc3339();
    let user_id = new_id();
    let token = "keel-bench-search-token";
    let mut tx = store.begin().await?;
    repo::users::insert(
        &mut tx,
        repo::users::NewUserRecord {
            id: &user_id,
            email: "bench@example.com",
            name: "Bench Mark",
            password_hash: "-",
            is_admin: true,
            created_at: &now,
        },
    )
    .await?;
    let ws = repo::workspaces::create(&mut tx, &new_id(), "Bench", "bench", &user_id, &now).await?;
    let product =
        repo::products::create(&mut tx, &new_id(), &ws.id, "BENCH", "Bench", "", &now).await?;
    repo::tokens::insert(
        &mut tx,
        &new_id(),
        &user_id,
        "bench",
        &keel_server::secrets::token_hash(token),
        &now,
    )
    .await?;
    for n in 0..tasks {
        let area = gen_.pick(AREAS);
        let problem = gen_.pick(PROBLEMS);
        let title = format!("{} {}", capitalised(area), gen_.fill(problem));
        let fields = TaskFields {
            title,
            description: gen_.feedback(),
            status: Status::ALL[n % Status::ALL.len()],
            priority: Priority::ALL[n % Priority::ALL.len()],
            task_type: TaskType::ALL[n % TaskType::ALL.len()],
            assignee_id: None,
            team_id: None,
            estimate: None,
            due_date: None,
            labels: vec![],
            parent_id: None,
            feature_id: None,
            rank: None,
        };
        repo::tasks::create(&mut tx, &new_id(), &product, &fields, &user_id, &now).await?;
    }
    tx.commit().await?;

    // Companies, personas, customers and features: plain rows.
    let mut rows = Vec::new();
    let mut company_ids = Vec::new();
    for n in 0..200 {
        let id = new_id();
        rows.push(format!(
            "({}, {}, {}, {}, {})",
            sql_text(&id),
            sql_text(&ws.id),
            sql_text(&format!("{} {n}", capitalised(&gen_.rare()))),
            sql_text(&now),
            sql_text(&now)
        ));
        company_ids.push(id);
    }
    store
        .execute_admin(&format!(
            "INSERT INTO companies (id, workspace_id, name, created_at, updated_at) VALUES {}",
            rows.join(", ")
        ))
        .await?;
    rows.clear();
    for (n, name) in [
        "Operations lead",
        "Finance admin",
        "Team lead",
        "IT admin",
        "Executive",
    ]
    .iter()
    .enumerate()
    {
        rows.push(format!(
            "({}, {}, {}, {}, {}, {})",
            sql_text(&new_id()),
            sql_text(&ws.id),
            sql_text(name),
            sql_text(&format!("Persona {n}: {}", gen_.feedback())),
            sql_text(&now),
            sql_text(&now)
        ));
    }
    store
        .execute_admin(&format!(
            "INSERT INTO personas (id, workspace_id, name, description, created_at, updated_at) VALUES {}",
            rows.join(", ")
        ))
        .await?;
    rows.clear();
    let mut customer_ids = Vec::new();
    for n in 0..2_000 {
        let id = new_id();
        let name = format!(
            "{} {}",
            capitalised(&gen_.rare()),
            capitalised(&gen_.rare())
        );
        rows.push(format!(
            "({}, {}, {}, {}, {}, {}, {})",
            sql_text(&id),
            sql_text(&ws.id),
            sql_text(&name),
            sql_text(&format!("customer{n}@example.com")),
            sql_text(&company_ids[n % company_ids.len()]),
            sql_text(&now),
            sql_text(&now)
        ));
        customer_ids.push(id);
    }
    store
        .execute_admin(&format!(
            "INSERT INTO customers (id, workspace_id, name, email, company_id, created_at, updated_at) VALUES {}",
            rows.join(", ")
        ))
        .await?;
    rows.clear();
    for _ in 0..500 {
        let feature = gen_.pick(FEATURES);
        rows.push(format!(
            "({}, {}, {}, {}, {}, {}, {})",
            sql_text(&new_id()),
            sql_text(&ws.id),
            sql_text(&product.id),
            sql_text(&capitalised(&gen_.fill(feature))),
            sql_text(&gen_.feedback()),
            sql_text(&now),
            sql_text(&now)
        ));
    }
    store
        .execute_admin(&format!(
            "INSERT INTO features (id, workspace_id, product_id, title, problem, created_at, updated_at) VALUES {}",
            rows.join(", ")
        ))
        .await?;
    Ok(Fixture {
        workspace_id: ws.id,
        product_id: product.id,
        user_id,
        token: token.to_string(),
        customer_ids,
    })
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Writes `n` feedback items, `batch` per INSERT; returns the match counts
/// of each probe.
async fn seed_feedback(
    store: &Store,
    fx: &Fixture,
    args: &Args,
    gen_: &mut Generator,
    probes: &[Probe],
) -> Result<Vec<u64>> {
    const SOURCES: &[&str] = &[
        "interview",
        "survey",
        "support",
        "sales_call",
        "app_review",
        "email",
    ];
    const STATUSES: &[&str] = &["new", "new", "triaged", "linked", "archived"];
    const SENTIMENTS: &[&str] = &["negative", "neutral", "positive"];
    let mut counts = vec![0u64; probes.len()];
    let started = Instant::now();
    let now = Timestamp::now().to_rfc3339();
    let mut written = 0;
    while written < args.feedback {
        let n = args.batch.min(args.feedback - written);
        let mut rows = Vec::with_capacity(n);
        for i in 0..n {
            let text = gen_.feedback();
            count_matches(probes, &text, &mut counts);
            let k = (written + i) as u64;
            let customer = if k.is_multiple_of(3) {
                "NULL".to_string()
            } else {
                sql_text(&fx.customer_ids[(k as usize * 7919) % fx.customer_ids.len()])
            };
            let day = 1 + k % 28;
            rows.push(format!(
                "({}, {}, {}, {}, '{}', {customer}, '{}', '{}', '2026-02-{day:02}', {}, {}, {})",
                sql_text(&new_id()),
                sql_text(&fx.workspace_id),
                sql_text(&fx.product_id),
                sql_text(&text),
                SOURCES[(k % 6) as usize],
                STATUSES[(k % 5) as usize],
                SENTIMENTS[(k % 3) as usize],
                sql_text(&fx.user_id),
                sql_text(&now),
                sql_text(&now),
            ));
        }
        store
            .execute_admin(&format!(
                "INSERT INTO feedback (id, workspace_id, product_id, text, source, customer_id, status, \
                 sentiment, received_on, created_by, created_at, updated_at) VALUES {}",
                rows.join(", ")
            ))
            .await?;
        written += n;
        if written.is_multiple_of(50_000) || written == args.feedback {
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "  {written} feedback items in {secs:.0} s ({:.0}/s)",
                written as f64 / secs
            );
        }
    }
    Ok(counts)
}

// ---------------------------------------------------------------------------
// Measuring

/// Milliseconds at quantile `q` of sorted durations.
fn quantile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One request through the router; its time and, for searches, the hits.
async fn call(router: &axum::Router, path: &str, token: &str) -> Result<(Duration, usize)> {
    let req = Request::get(path)
        .header("authorization", format!("Bearer {token}"))
        .body(Body::empty())?;
    let started = Instant::now();
    let res = router.clone().oneshot(req).await?;
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
    let took = started.elapsed();
    if status != StatusCode::OK {
        bail!(
            "{path} answered {status}: {}",
            String::from_utf8_lossy(&body)
        );
    }
    let hits = serde_json::from_slice::<serde_json::Value>(&body)
        .ok()
        .and_then(|v| v["items"].as_array().map(Vec::len))
        .unwrap_or(0);
    Ok((took, hits))
}

// ---------------------------------------------------------------------------

async fn open(args: &Args, dir: &std::path::Path) -> Result<(Store, Option<(Store, String)>)> {
    let options = StoreOptions {
        max_connections: 8,
        ..Default::default()
    };
    match &args.postgres {
        None => Ok((
            Store::open_sqlite(&dir.join("keel.db"), &options).await?,
            None,
        )),
        Some(url) => {
            let admin = Store::open(
                url,
                &StoreOptions {
                    max_connections: 2,
                    ..Default::default()
                },
            )
            .await?;
            let name = format!("keel_bench_search_{}", std::process::id());
            admin
                .execute_admin(&format!("CREATE DATABASE {name}"))
                .await?;
            let (base, query) = match url.split_once('?') {
                Some((b, q)) => (b, format!("?{q}")),
                None => (url.as_str(), String::new()),
            };
            let server = base
                .rsplit_once('/')
                .filter(|(head, _)| head.contains("//") && head.len() > "postgres://".len())
                .map_or(base, |(head, _)| head);
            let store = Store::open(&format!("{server}/{name}{query}"), &options).await?;
            Ok((store, Some((admin, name))))
        }
    }
}

async fn run(args: &Args) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("keel-bench-search-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (store, pg_admin) = open(args, &dir).await?;
    let backend = if pg_admin.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    store.migrate().await?;

    let mut gen_ = Generator {
        rng: Rng::new(args.seed),
    };
    let rare = made_up_word(3_000);
    let probes = probes(&rare);
    eprintln!("Seeding on {backend}: fixture and {} tasks …", args.tasks);
    let started = Instant::now();
    let fx = create_fixture(&store, args.tasks, &mut gen_).await?;
    eprintln!(
        "  done in {:.0} s; {} feedback items …",
        started.elapsed().as_secs_f64(),
        args.feedback
    );
    let seeding = Instant::now();
    let counts = seed_feedback(&store, &fx, args, &mut gen_, &probes).await?;
    let seed_secs = seeding.elapsed().as_secs_f64();
    if pg_admin.is_some() {
        // As autovacuum would after a load this size; the planner needs
        // the word statistics of the tsvector column.
        store.execute_admin("ANALYZE").await?;
    }
    let size = repo::search::index_size(store.db()).await?;

    let state = keel_server::AppState::new(store.clone());
    let router = keel_server::build_router(state);
    let paths: Vec<String> = probes
        .iter()
        .map(|p| {
            let kind = p.kind.map(|k| format!("&kind={k}")).unwrap_or_default();
            format!("/api/v1/workspaces/bench/search?q={}{kind}", encode(&p.q))
        })
        .collect();
    eprintln!("Measuring {} rounds …", args.rounds);
    let mut healthz = Vec::new();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); probes.len()];
    let mut hits = vec![0usize; probes.len()];
    for round in 0..args.rounds + 10 {
        let (t, _) = call(&router, "/healthz", &fx.token).await?;
        if round >= 10 {
            healthz.push(t);
        }
        for (i, path) in paths.iter().enumerate() {
            let (t, n) = call(&router, path, &fx.token).await?;
            hits[i] = n;
            if round >= 10 {
                times[i].push(t);
            }
        }
    }
    healthz.sort();
    let mut all: Vec<Duration> = times.iter().flatten().copied().collect();
    all.sort();
    for t in &mut times {
        t.sort();
    }

    println!(
        "## keel-bench-search: {backend}, {} feedback items, {} tasks, 500 features, 2,000 customers\n",
        args.feedback, args.tasks
    );
    println!(
        "Seeded {} feedback items in {seed_secs:.0} s ({:.0}/s, index built by the triggers).\n",
        args.feedback,
        args.feedback as f64 / seed_secs
    );
    println!(
        "In-process, one request at a time, {} rounds (every query once per round, after 10 unmeasured):\n",
        args.rounds
    );
    println!("| Query | q | Feedback containing it | Hits | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    println!(
        "| `GET /healthz` (baseline) | | | | {:.2} | {:.2} | {:.2} | {:.2} |",
        quantile(&healthz, 0.5),
        quantile(&healthz, 0.95),
        quantile(&healthz, 0.99),
        quantile(&healthz, 1.0)
    );
    for (i, p) in probes.iter().enumerate() {
        let q = match p.kind {
            Some(k) => format!("`{}` (`kind={k}`)", p.q),
            None if p.q.ends_with(' ') => format!("`{}␣`", p.q.trim_end()),
            None => format!("`{}`", p.q),
        };
        let share = 100.0 * counts[i] as f64 / args.feedback.max(1) as f64;
        println!(
            "| {} | {q} | {} ({share:.2}%) | {} | {:.2} | {:.2} | {:.2} | {:.2} |",
            p.label,
            counts[i],
            hits[i],
            quantile(&times[i], 0.5),
            quantile(&times[i], 0.95),
            quantile(&times[i], 0.99),
            quantile(&times[i], 1.0)
        );
    }
    println!(
        "| **all searches** | | | | **{:.2}** | **{:.2}** | **{:.2}** | {:.2} |\n",
        quantile(&all, 0.5),
        quantile(&all, 0.95),
        quantile(&all, 0.99),
        quantile(&all, 1.0)
    );
    let mib = |b: i64| b as f64 / (1024.0 * 1024.0);
    let index_bytes: i64 = size.parts.iter().map(|(_, b)| b).sum();
    println!(
        "Search index: {} documents, {:.1} MiB ({:.0} bytes per document); whole database {:.1} MiB.\n",
        size.documents,
        mib(index_bytes),
        index_bytes as f64 / size.documents.max(1) as f64,
        mib(size.database_bytes)
    );
    println!("| Part | MiB |\n|---|---:|");
    let mut counted: HashMap<String, i64> = HashMap::new();
    for (name, bytes) in &size.parts {
        *counted.entry(name.clone()).or_default() += bytes;
    }
    let mut parts: Vec<_> = counted.into_iter().collect();
    parts.sort_by_key(|(_, bytes)| std::cmp::Reverse(*bytes));
    for (name, bytes) in parts.iter().filter(|(_, b)| *b >= 64 * 1024) {
        println!("| `{name}` | {:.1} |", mib(*bytes));
    }
    let p95 = quantile(&all, 0.95);
    println!(
        "\nTarget p95 < 50 ms over the query set: {} ({p95:.2} ms).",
        if p95 < 50.0 { "met" } else { "NOT met" }
    );

    store.close().await;
    if args.keep {
        eprintln!("Kept: {}", dir.display());
        if let Some((_, name)) = &pg_admin {
            eprintln!("Kept PostgreSQL database {name}");
        }
    } else {
        let _ = std::fs::remove_dir_all(&dir);
        if let Some((admin, name)) = &pg_admin {
            admin
                .execute_admin(&format!("DROP DATABASE IF EXISTS {name}"))
                .await?;
        }
    }
    if let Some((admin, _)) = pg_admin {
        admin.close().await;
    }
    Ok(())
}
