//! Test data: the first account, a workspace and the `BENCH` product through
//! the HTTP API, then the bulk of the tasks written straight through
//! `keel_store` (the same code path the server's create handler uses) in
//! batched transactions, which is far faster than one request per task.

use crate::rng::Rng;
use anyhow::{Context, Result, bail};
use keel_domain::ids::new_id;
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::time::Timestamp;
use keel_store::repo::tasks::TaskFields;
use keel_store::{Store, StoreOptions, repo};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

/// The product every benchmark task belongs to.
pub const PRODUCT_KEY: &str = "BENCH";

/// Labels the seeded and created tasks draw from.
pub const LABELS: &[&str] = &[
    "backend",
    "frontend",
    "api",
    "ui",
    "infra",
    "docs",
    "security",
    "performance",
];

/// What the load phase needs to address the seeded data.
#[derive(Debug, Clone)]
pub struct Fixture {
    pub token: String,
    pub user_id: String,
    pub workspace_id: String,
    pub workspace_slug: String,
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    token: Option<&str>,
    body: Value,
) -> Result<Value> {
    let mut req = client.post(url).json(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let resp = req.send().await.with_context(|| format!("POST {url}"))?;
    let status = resp.status();
    let text = resp
        .text()
        .await
        .with_context(|| format!("POST {url}: reading the body"))?;
    if !status.is_success() {
        bail!("POST {url} answered {status}: {text}");
    }
    serde_json::from_str(&text).with_context(|| format!("POST {url}: not JSON: {text}"))
}

fn string_at(v: &Value, pointer: &str) -> Result<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::to_string)
        .with_context(|| format!("no {pointer} in {v}"))
}

/// Creates the first account (`POST /api/v1/setup`), a workspace and the
/// product, through the API of the running server at `base`.
pub async fn setup(client: &reqwest::Client, base: &str) -> Result<Fixture> {
    let setup = post(
        client,
        &format!("{base}/api/v1/setup"),
        None,
        json!({"email": "bench@example.com", "name": "Bench Marker", "password": "bench-password-2026"}),
    )
    .await?;
    let token = string_at(&setup, "/token")?;
    let user_id = string_at(&setup, "/user/id")?;
    let ws = post(
        client,
        &format!("{base}/api/v1/workspaces"),
        Some(&token),
        json!({"name": "Bench", "slug": "bench"}),
    )
    .await?;
    let workspace_id = string_at(&ws, "/id")?;
    let workspace_slug = string_at(&ws, "/slug")?;
    post(
        client,
        &format!("{base}/api/v1/workspaces/{workspace_slug}/products"),
        Some(&token),
        json!({"name": "Benchmark", "key": PRODUCT_KEY, "vision": "Many tasks."}),
    )
    .await?;
    Ok(Fixture {
        token,
        user_id,
        workspace_id,
        workspace_slug,
    })
}

/// Picks 0 to 2 distinct labels.
pub fn pick_labels(rng: &mut Rng) -> Vec<String> {
    let count = rng.below(3) as usize;
    let mut labels: Vec<String> = Vec::with_capacity(count);
    while labels.len() < count {
        let label = LABELS[rng.below(LABELS.len() as u64) as usize];
        if !labels.iter().any(|l| l == label) {
            labels.push(label.to_string());
        }
    }
    labels
}

/// Varied fields for seeded task number `n`: every status, priority and
/// type, half assigned, labels, some estimates and due dates.
fn task_fields(n: u64, rng: &mut Rng, user_id: &str) -> TaskFields {
    let status = Status::ALL[rng.below(Status::ALL.len() as u64) as usize];
    let priority = Priority::ALL[rng.below(Priority::ALL.len() as u64) as usize];
    let task_type = TaskType::ALL[rng.below(TaskType::ALL.len() as u64) as usize];
    TaskFields {
        title: format!(
            "Seeded task {n}: make the {} faster",
            LABELS[(n % 8) as usize]
        ),
        description: format!(
            "## Context\n\nTask {n} was seeded by keel-bench. It needs a description of a \
             realistic length so rows are not unrealistically small.\n\n- step one\n- step two\n"
        ),
        status,
        priority,
        task_type,
        assignee_id: (rng.below(2) == 0).then(|| user_id.to_string()),
        team_id: None,
        estimate: (rng.below(3) == 0).then(|| rng.below(13) as f64),
        due_date: (rng.below(4) == 0)
            .then(|| format!("2027-{:02}-{:02}", 1 + rng.below(12), 1 + rng.below(28))),
        labels: pick_labels(rng),
        parent_id: None,
        feature_id: None,
        // Appended at the end of the product's order, as the API does.
        rank: None,
    }
}

/// Writes `count` tasks into the database at `store_url`, `batch` per
/// transaction, while no server is running on it. Returns the time taken.
pub async fn tasks(store_url: &str, fixture: &Fixture, count: u64, batch: u64) -> Result<Duration> {
    let started = Instant::now();
    let store = Store::open(
        store_url,
        &StoreOptions {
            max_connections: 2,
            ..Default::default()
        },
    )
    .await
    .with_context(|| format!("cannot open the store at {store_url}"))?;
    let result = write_tasks(&store, fixture, count, batch.max(1)).await;
    store.close().await;
    result?;
    Ok(started.elapsed())
}

async fn write_tasks(store: &Store, fixture: &Fixture, count: u64, batch: u64) -> Result<()> {
    let product = repo::products::get(store.db(), &fixture.workspace_id, PRODUCT_KEY)
        .await?
        .context("the BENCH product is missing from the store")?;
    let mut rng = Rng::new(0x5eed);
    let mut written = 0;
    let mut last_report = Instant::now();
    while written < count {
        let now = Timestamp::now().to_rfc3339();
        let mut tx = store.begin().await?;
        let end = (written + batch).min(count);
        for n in written + 1..=end {
            let fields = task_fields(n, &mut rng, &fixture.user_id);
            repo::tasks::create(
                &mut tx,
                &new_id(),
                &product,
                &fields,
                &fixture.user_id,
                &now,
            )
            .await?;
        }
        tx.commit().await?;
        written = end;
        if last_report.elapsed() > Duration::from_secs(5) {
            eprintln!("  seeded {written}/{count} tasks");
            last_report = Instant::now();
        }
    }
    Ok(())
}
