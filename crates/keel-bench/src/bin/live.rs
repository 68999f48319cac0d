//! `keel-bench-live`: how long a change takes to reach live clients. Opens
//! N WebSocket subscribers on the workspace's event stream (`/events`),
//! then creates tasks through the API one after another; for every task
//! and every subscriber it measures the time from sending the `POST` to
//! that subscriber receiving the task's `created` event. The baseline, in
//! the same run, is the `POST`'s own response time.
//!
//! ```text
//! cargo build --release -p keel -p keel-bench
//! target/release/keel-bench-live --subscribers 100,1000 --writes 200
//! target/release/keel-bench-live --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```
//!
//! Each subscriber is one TCP connection in this process and one in the
//! server: 1,000 subscribers need an open-file limit above 2,000
//! (`ulimit -n`).

use anyhow::{Context, Result, bail};
use clap::Parser;
use futures_util::StreamExt;
use keel_bench::events;
use keel_bench::load::percentile_ms;
use keel_bench::scratch::{http_client, keel_binary, on_fresh_backend, runtime};
use keel_bench::seed::{self, Fixture, PRODUCT_KEY};
use keel_bench::server::{DataSource, Server};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Parser)]
#[command(
    name = "keel-bench-live",
    about = "Latency from an API write to the live event at many subscribers"
)]
struct Args {
    /// The `keel` binary to benchmark (build it with --release).
    #[arg(long, default_value = "target/release/keel")]
    keel_bin: PathBuf,
    /// PostgreSQL server for a fresh `keel_bench_<random>` database;
    /// without it, SQLite in a temporary directory.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Subscriber counts to measure, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "100,1000")]
    subscribers: Vec<usize>,
    /// Measured writes per subscriber count (after 10 unmeasured ones).
    #[arg(long, default_value_t = 200)]
    writes: usize,
    /// Pause between writes, in milliseconds, so each event's delivery is
    /// measured on its own rather than queued behind the previous one.
    #[arg(long, default_value_t = 20)]
    pause_ms: u64,
    /// Threads of the benchmark's own runtime.
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
}

/// Warm-up writes per subscriber count, not measured.
const WARMUP_WRITES: usize = 10;

/// How long a subscriber waits for the last event before giving up.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

fn main() -> Result<()> {
    let args = Args::parse();
    if args.subscribers.is_empty() || args.writes == 0 {
        bail!("--subscribers and --writes need positive numbers");
    }
    runtime(args.client_threads)?.block_on(async {
        let keel_bin = keel_binary(&args.keel_bin)?;
        on_fresh_backend(
            args.postgres.as_deref(),
            false,
            async |data: &DataSource, workdir: &Path| run(&args, &keel_bin, data, workdir).await,
        )
        .await
    })
}

/// One subscriber count's figures.
struct Row {
    subscribers: usize,
    /// POST response times, µs, sorted.
    write_us: Vec<u32>,
    /// Send-to-event times over every (write, subscriber), µs, sorted.
    delivery_us: Vec<u32>,
    /// Events expected but not received within the drain timeout.
    missing: usize,
    rss_kib: Option<u64>,
}

async fn run(args: &Args, keel_bin: &Path, data: &DataSource, workdir: &Path) -> Result<()> {
    let log = workdir.join("server.log");
    let server = Server::start(keel_bin, data, workdir, &log, Some("warn"))?;
    let client = http_client()?;
    let fixture = seed::setup(&client, &server.base).await?;
    eprintln!(
        "keel-bench-live: {} backend, server pid {}",
        data.backend_name(),
        server.pid()
    );
    let mut rows = Vec::new();
    // The baseline first: the same writes with nobody listening.
    for &n in std::iter::once(&0).chain(&args.subscribers) {
        let row = measure(args, &server, &client, &fixture, n).await?;
        eprintln!(
            "  {:>5} subscribers: write p50 {:.2} ms, delivery p50 {:.2} ms p99 {:.2} ms (NaN: nobody listening), missing {}",
            n,
            percentile_ms(&row.write_us, 0.5),
            percentile_ms(&row.delivery_us, 0.5),
            percentile_ms(&row.delivery_us, 0.99),
            row.missing
        );
        rows.push(row);
    }
    print!("{}", report(data.backend_name(), args, &rows));
    if rows.iter().any(|r| r.missing > 0) {
        bail!("some subscribers did not receive every event");
    }
    Ok(())
}

/// Arrival times of task `created` events at one subscriber, by task id.
type Arrivals = HashMap<String, Instant>;

async fn measure(
    args: &Args,
    server: &Server,
    client: &reqwest::Client,
    fixture: &Fixture,
    subscribers: usize,
) -> Result<Row> {
    let expected: Arc<Mutex<Option<Vec<String>>>> = Arc::new(Mutex::new(None));
    let mut listeners = Vec::with_capacity(subscribers);
    for i in 0..subscribers {
        let socket = events::subscribe(&server.base, &fixture.workspace_slug, &fixture.token)
            .await
            .with_context(|| format!("subscriber {i}"))?;
        listeners.push(tokio::spawn(listen(socket, expected.clone())));
    }

    let url = format!(
        "{}/api/v1/workspaces/{}/tasks",
        server.base, fixture.workspace_slug
    );
    let mut sent: Vec<(String, Instant)> = Vec::with_capacity(args.writes);
    let mut write_us = Vec::with_capacity(args.writes);
    for i in 0..WARMUP_WRITES + args.writes {
        let started = Instant::now();
        let resp = client
            .post(&url)
            .bearer_auth(&fixture.token)
            .json(&json!({"product": PRODUCT_KEY, "title": format!("Live {subscribers}/{i}")}))
            .send()
            .await?;
        let status = resp.status();
        let body: Value = resp.json().await?;
        let elapsed = started.elapsed();
        if !status.is_success() {
            bail!("POST {url} answered {status}: {body}");
        }
        if i >= WARMUP_WRITES {
            let id = body["id"]
                .as_str()
                .with_context(|| format!("no id in {body}"))?;
            sent.push((id.to_string(), started));
            write_us.push(micros(elapsed));
        }
        tokio::time::sleep(Duration::from_millis(args.pause_ms)).await;
    }
    // Tell the listeners what to wait for; they stop once they have it all.
    *expected.lock().await = Some(sent.iter().map(|(id, _)| id.clone()).collect());

    let mut delivery_us = Vec::with_capacity(sent.len() * subscribers);
    let mut missing = 0;
    for listener in listeners {
        let arrivals = listener.await.context("a subscriber task panicked")?;
        for (id, started) in &sent {
            match arrivals.get(id) {
                Some(at) => delivery_us.push(micros(at.saturating_duration_since(*started))),
                None => missing += 1,
            }
        }
    }
    write_us.sort_unstable();
    delivery_us.sort_unstable();
    Ok(Row {
        subscribers,
        write_us,
        delivery_us,
        missing,
        rss_kib: server.memory().ok().map(|m| m.rss_kib),
    })
}

/// Records when each task's `created` event arrives, until every id in
/// `expected` (set once the writes are done) has arrived or the drain
/// timeout passes. Closes the socket at the end.
async fn listen<S>(mut socket: S, expected: Arc<Mutex<Option<Vec<String>>>>) -> Arrivals
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + futures_util::Sink<Message>
        + Unpin,
{
    let mut arrivals = Arrivals::new();
    let mut deadline: Option<Instant> = None;
    loop {
        let wait = match deadline {
            Some(d) => d.saturating_duration_since(Instant::now()),
            None => Duration::from_millis(200),
        };
        match tokio::time::timeout(wait, socket.next()).await {
            Ok(Some(Ok(Message::Text(text)))) => {
                let at = Instant::now();
                if let Ok(event) = serde_json::from_str::<Value>(&text)
                    && event["type"] == "created"
                    && event["kind"] == "task"
                    && let Some(id) = event["id"].as_str()
                {
                    arrivals.insert(id.to_string(), at);
                }
            }
            Ok(Some(Ok(_))) => {}
            Ok(Some(Err(_)) | None) => break,
            Err(_) if deadline.is_some_and(|d| Instant::now() >= d) => break,
            Err(_) => {}
        }
        if let Some(ids) = expected.lock().await.as_ref() {
            if ids.iter().all(|id| arrivals.contains_key(id)) {
                break;
            }
            deadline.get_or_insert_with(|| Instant::now() + DRAIN_TIMEOUT);
        }
    }
    let _ = futures_util::SinkExt::close(&mut socket).await;
    arrivals
}

fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

fn report(backend: &str, args: &Args, rows: &[Row]) -> String {
    let mut out = format!(
        "### Live updates on {backend}: {} writes per row, {} ms apart\n\n\
         | Subscribers | Write p50 (ms) | Write p99 (ms) | Delivery p50 (ms) | Delivery p99 (ms) | Delivery max (ms) | Events missing | Server RSS (MiB) |\n\
         |---:|---:|---:|---:|---:|---:|---:|---:|\n",
        args.writes, args.pause_ms
    );
    for r in rows {
        let delivery = |q: f64| {
            if r.delivery_us.is_empty() {
                "–".to_string()
            } else {
                format!("{:.2}", percentile_ms(&r.delivery_us, q))
            }
        };
        out.push_str(&format!(
            "| {} | {:.2} | {:.2} | {} | {} | {} | {} | {} |\n",
            r.subscribers,
            percentile_ms(&r.write_us, 0.5),
            percentile_ms(&r.write_us, 0.99),
            delivery(0.5),
            delivery(0.99),
            delivery(1.0),
            r.missing,
            r.rss_kib
                .map_or("–".to_string(), |k| format!("{:.1}", k as f64 / 1024.0)),
        ));
    }
    out.push_str(
        "\nDelivery is measured from sending the POST to the event's arrival at each \
         subscriber, so it includes the write itself; the 0-subscriber row is the \
         baseline (the write alone).\n",
    );
    out
}
