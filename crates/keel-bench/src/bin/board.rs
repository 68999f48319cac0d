//! `keel-bench-board`: how long the server takes to render a board of
//! 2,000 tasks (the web app's heaviest page), beside `GET /healthz` through
//! the same router in the same run as the baseline.
//!
//! The router is driven in-process, so the figure is the server's own work
//! (extractors, session lookup, queries, template) without the network.
//!
//! ```text
//! cargo build --release -p keel-bench
//! target/release/keel-bench-board --tasks 2000 --requests 300
//! ```

use anyhow::{Context, Result};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use clap::Parser;
use keel_domain::ids::new_id;
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::tasks::TaskFields;
use keel_store::{Store, StoreOptions};
use std::time::{Duration, Instant};
use tower::ServiceExt;

#[derive(Debug, Parser)]
#[command(
    name = "keel-bench-board",
    about = "Server render time of a large board"
)]
struct Args {
    /// Tasks on the board.
    #[arg(long, default_value_t = 2_000)]
    tasks: usize,
    /// Measured requests per page (after 20 unmeasured ones).
    #[arg(long, default_value_t = 300)]
    requests: usize,
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

/// Milliseconds at quantile `q` of sorted durations.
fn quantile(sorted: &[Duration], q: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

async fn measure(
    router: &axum::Router,
    path: &str,
    cookie: &str,
    n: usize,
) -> Result<Vec<Duration>> {
    let mut times = Vec::with_capacity(n);
    for i in 0..n + 20 {
        let req = Request::get(path)
            .header("cookie", cookie)
            .body(Body::empty())?;
        let started = Instant::now();
        let res = router.clone().oneshot(req).await?;
        let status = res.status();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await?;
        let took = started.elapsed();
        if status != StatusCode::OK {
            anyhow::bail!(
                "{path} answered {status}: {}",
                String::from_utf8_lossy(&body)
            );
        }
        if i >= 20 {
            times.push(took);
        }
    }
    times.sort();
    Ok(times)
}

async fn run(args: &Args) -> Result<()> {
    let dir = std::env::temp_dir().join(format!("keel-bench-board-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let store = Store::open_sqlite(
        &dir.join("keel.db"),
        &StoreOptions {
            max_connections: 8,
            ..Default::default()
        },
    )
    .await?;
    store.migrate().await?;
    let now = Timestamp::now().to_rfc3339();
    let user_id = new_id();
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
        repo::products::create(&mut tx, &new_id(), &ws.id, "BOARD", "Board", "", &now).await?;
    for n in 0..args.tasks {
        let fields = TaskFields {
            title: format!("Board task {n}: make the onboarding flow explain why"),
            description: String::new(),
            status: Status::ALL[n % Status::ALL.len()],
            priority: Priority::ALL[n % Priority::ALL.len()],
            task_type: TaskType::ALL[n % TaskType::ALL.len()],
            assignee_id: (n % 2 == 0).then(|| user_id.clone()),
            team_id: None,
            estimate: (n % 3 == 0).then_some(3.0),
            due_date: None,
            labels: if n % 4 == 0 {
                vec!["ux".into(), "web".into()]
            } else {
                vec![]
            },
            parent_id: None,
            feature_id: None,
            rank: None,
        };
        repo::tasks::create(&mut tx, &new_id(), &product, &fields, &user_id, &now).await?;
    }
    let session = "bench-session-secret";
    let expires = "2999-01-01T00:00:00.000000Z";
    repo::sessions::create(
        &mut tx,
        &keel_server::secrets::token_hash(session),
        &user_id,
        "csrf",
        &now,
        expires,
    )
    .await?;
    tx.commit().await?;

    let state = keel_server::AppState::new(store.clone());
    let router = keel_server::build_router(state);
    let cookie = format!("keel_session={session}");
    let healthz = measure(&router, "/healthz", &cookie, args.requests).await?;
    let board = measure(&router, "/w/bench/p/BOARD", &cookie, args.requests).await?;
    let grouped = measure(
        &router,
        "/w/bench/p/BOARD?group=assignee",
        &cookie,
        args.requests,
    )
    .await?;
    println!(
        "| In-process, SQLite, {} tasks, {} requests each | p50 ms | p99 ms | max ms |",
        args.tasks, args.requests
    );
    println!("|---|---|---|---|");
    for (name, t) in [
        ("GET /healthz (baseline)", &healthz),
        ("GET board", &board),
        ("GET board, rows by assignee", &grouped),
    ] {
        println!(
            "| {name} | {:.2} | {:.2} | {:.2} |",
            quantile(t, 0.5),
            quantile(t, 0.99),
            quantile(t, 1.0)
        );
    }
    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
