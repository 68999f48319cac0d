//! `keel-bench-soak`: a mixed workload held for a while. 200 closed-loop
//! clients (each its own keep-alive connection) read tasks by key, list
//! with filters, search, create and update tasks, while 100 WebSocket
//! subscribers follow the event stream. It reports p50/p99 per operation,
//! every error, and the server's resident memory sampled each second, and
//! fails (exit code 1) on any error, any subscriber dropped, or memory that
//! grows from the first to the last 20 seconds.
//!
//! ```text
//! cargo build --release -p keel -p keel-bench
//! target/release/keel-bench-soak                      # 60 s
//! target/release/keel-bench-soak --duration 3600      # a long soak, by hand
//! target/release/keel-bench-soak --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```

use anyhow::{Context, Result, bail};
use clap::Parser;
use futures_util::StreamExt;
use keel_bench::events;
use keel_bench::load::{LIST_FILTERS, percentile_ms};
use keel_bench::rng::Rng;
use keel_bench::scratch::{http_client, keel_binary, on_fresh_backend, runtime};
use keel_bench::seed::{self, LABELS, PRODUCT_KEY, pick_labels};
use keel_bench::server::{DataSource, Server};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

#[derive(Debug, Parser)]
#[command(
    name = "keel-bench-soak",
    about = "Mixed load for a while: errors, latency, memory"
)]
struct Args {
    /// The `keel` binary to benchmark (build it with --release).
    #[arg(long, default_value = "target/release/keel")]
    keel_bin: PathBuf,
    /// PostgreSQL server for a fresh `keel_bench_<random>` database;
    /// without it, SQLite in a temporary directory.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Measured seconds (at least 40: memory compares the first and last 20).
    #[arg(long, default_value_t = 60)]
    duration: u64,
    /// Concurrent HTTP clients.
    #[arg(long, default_value_t = 200)]
    clients: usize,
    /// WebSocket subscribers on the event stream.
    #[arg(long, default_value_t = 100)]
    subscribers: usize,
    /// Tasks seeded before the run.
    #[arg(long, default_value_t = 10_000)]
    tasks: u64,
    /// Allowed growth of the median RSS from the first to the last 20 s.
    #[arg(long, default_value_t = 0.10)]
    max_memory_growth: f64,
    /// Threads of the load generator's runtime.
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
}

/// The operations in the mix, with their share of requests (out of 100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Get,
    List,
    Search,
    Create,
    Update,
}

const MIX: &[(Op, u64)] = &[
    (Op::Get, 40),
    (Op::List, 20),
    (Op::Search, 10),
    (Op::Create, 15),
    (Op::Update, 15),
];

impl Op {
    fn label(self) -> &'static str {
        match self {
            Op::Get => "GET task by key",
            Op::List => "list 50, filtered",
            Op::Search => "search",
            Op::Create => "create task",
            Op::Update => "update task (PATCH)",
        }
    }

    fn pick(rng: &mut Rng) -> Op {
        let mut roll = rng.below(100);
        for &(op, share) in MIX {
            if roll < share {
                return op;
            }
            roll -= share;
        }
        Op::Get
    }

    fn index(self) -> usize {
        MIX.iter().position(|(op, _)| *op == self).unwrap_or(0)
    }
}

/// Words the search requests look for (they occur in seeded titles).
const SEARCH_WORDS: &[&str] = &["task", "backend", "bench", "load", "api", "docs"];

/// Seconds at each end of the run whose memory samples are compared.
const MEMORY_WINDOW: u64 = 20;

fn main() -> Result<()> {
    let args = Args::parse();
    if args.duration < 2 * MEMORY_WINDOW {
        bail!("--duration must be at least {} s", 2 * MEMORY_WINDOW);
    }
    if args.clients == 0 {
        bail!("--clients must be positive");
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

/// Per-operation results of one client.
#[derive(Default)]
struct ClientResult {
    latencies: Vec<Vec<u32>>,
    errors: Vec<u64>,
    error_samples: Vec<String>,
}

struct Shared {
    base: String,
    slug: String,
    token: String,
    seeded: u64,
    until: Instant,
}

async fn run(args: &Args, keel_bin: &Path, data: &DataSource, workdir: &Path) -> Result<()> {
    let log = workdir.join("server.log");
    let fixture = {
        let server = Server::start(keel_bin, data, workdir, &log, Some("warn"))?;
        seed::setup(&http_client()?, &server.base).await?
    };
    eprintln!("seeding {} tasks…", args.tasks);
    seed::tasks(&data.store_url(), &fixture, args.tasks, 1_000).await?;
    let server = Server::start(keel_bin, data, workdir, &log, Some("warn"))?;
    eprintln!(
        "keel-bench-soak: {} backend, server pid {}, {} clients, {} subscribers, {} s",
        data.backend_name(),
        server.pid(),
        args.clients,
        args.subscribers,
        args.duration
    );

    // Subscribers first, so they see the whole run.
    let received = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(args.duration);
    let mut subscribers = Vec::with_capacity(args.subscribers);
    for i in 0..args.subscribers {
        let socket = events::subscribe(&server.base, &fixture.workspace_slug, &fixture.token)
            .await
            .with_context(|| format!("subscriber {i}"))?;
        subscribers.push(tokio::spawn(count_events(socket, received.clone(), until)));
    }

    let shared = Arc::new(Shared {
        base: server.base.clone(),
        slug: fixture.workspace_slug.clone(),
        token: fixture.token.clone(),
        seeded: args.tasks,
        until,
    });
    let mut clients = Vec::with_capacity(args.clients);
    for i in 0..args.clients {
        let http = reqwest::Client::builder()
            .no_proxy()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(1)
            .timeout(Duration::from_secs(30))
            .build()?;
        clients.push(tokio::spawn(client(
            http,
            shared.clone(),
            Rng::new(i as u64 + 1),
            i,
        )));
    }

    // Memory once a second while the load runs.
    let mut memory_kib = Vec::new();
    while Instant::now() < until {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if let Ok(m) = server.memory() {
            memory_kib.push(m.rss_kib);
        }
    }

    let mut latencies = vec![Vec::new(); MIX.len()];
    let mut errors = vec![0u64; MIX.len()];
    let mut samples: Vec<String> = Vec::new();
    for handle in clients {
        let r = handle.await.context("a client panicked")?;
        for (all, mine) in latencies.iter_mut().zip(r.latencies) {
            all.extend(mine);
        }
        for (all, mine) in errors.iter_mut().zip(r.errors) {
            *all += mine;
        }
        for s in r.error_samples {
            if samples.len() < 8 && !samples.contains(&s) {
                samples.push(s);
            }
        }
    }
    let mut dropped = 0;
    for s in subscribers {
        if !s.await.context("a subscriber panicked")? {
            dropped += 1;
        }
    }
    for l in &mut latencies {
        l.sort_unstable();
    }

    let first = median(&memory_kib[..(MEMORY_WINDOW as usize).min(memory_kib.len())]);
    let last = median(&memory_kib[memory_kib.len().saturating_sub(MEMORY_WINDOW as usize)..]);
    let growth = last as f64 / first.max(1) as f64 - 1.0;
    let total_errors: u64 = errors.iter().sum();

    let mut out = format!(
        "### Soak on {}: {} clients, {} subscribers, {} s, {} seeded tasks\n\n\
         | Operation | Requests | Req/s | p50 (ms) | p99 (ms) | Errors |\n|---|---:|---:|---:|---:|---:|\n",
        data.backend_name(),
        args.clients,
        args.subscribers,
        args.duration,
        args.tasks
    );
    for (&(op, _), (l, e)) in MIX.iter().zip(latencies.iter().zip(&errors)) {
        out.push_str(&format!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {} |\n",
            op.label(),
            l.len(),
            l.len() as f64 / args.duration as f64,
            percentile_ms(l, 0.5),
            percentile_ms(l, 0.99),
            e
        ));
    }
    out.push_str(&format!(
        "\nEvents received by the subscribers: {} ({} subscribers dropped).\n\
         Server RSS: median {:.1} MiB over the first {MEMORY_WINDOW} s, {:.1} MiB over the last \
         {MEMORY_WINDOW} s ({:+.1} %); peak sample {:.1} MiB.\n",
        received.load(Ordering::Relaxed),
        dropped,
        first as f64 / 1024.0,
        last as f64 / 1024.0,
        growth * 100.0,
        memory_kib.iter().max().copied().unwrap_or(0) as f64 / 1024.0
    ));
    for s in &samples {
        out.push_str(&format!("\nError: {s}\n"));
    }
    print!("{out}");
    if total_errors > 0 || dropped > 0 {
        bail!("{total_errors} errors, {dropped} subscribers dropped");
    }
    if growth > args.max_memory_growth {
        bail!(
            "memory grew {:.1} % from the first to the last {MEMORY_WINDOW} s (allowed {:.1} %)",
            growth * 100.0,
            args.max_memory_growth * 100.0
        );
    }
    Ok(())
}

fn median(values: &[u64]) -> u64 {
    let mut v = values.to_vec();
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or(0)
}

/// Counts events until `until`; false when the stream ended early.
async fn count_events<S>(mut socket: S, events: Arc<AtomicU64>, until: Instant) -> bool
where
    S: futures_util::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>>
        + futures_util::Sink<Message>
        + Unpin,
{
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            let _ = futures_util::SinkExt::close(&mut socket).await;
            return true;
        }
        match tokio::time::timeout(left, socket.next()).await {
            Ok(Some(Ok(Message::Text(_)))) => {
                events.fetch_add(1, Ordering::Relaxed);
            }
            Ok(Some(Ok(_))) | Err(_) => {}
            Ok(Some(Err(_)) | None) => return false,
        }
    }
}

async fn client(http: reqwest::Client, s: Arc<Shared>, mut rng: Rng, index: usize) -> ClientResult {
    let mut result = ClientResult {
        latencies: vec![Vec::new(); MIX.len()],
        errors: vec![0; MIX.len()],
        error_samples: Vec::new(),
    };
    let tasks = format!("{}/api/v1/workspaces/{}/tasks", s.base, s.slug);
    let search = format!("{}/api/v1/workspaces/{}/search", s.base, s.slug);
    let mut sequence = 0u64;
    while Instant::now() < s.until {
        sequence += 1;
        let op = Op::pick(&mut rng);
        let key = format!("{PRODUCT_KEY}-{}", 1 + rng.below(s.seeded));
        let request = match op {
            Op::Get => http.get(format!("{tasks}/{key}")),
            Op::List => {
                let filter = LIST_FILTERS[(index + sequence as usize) % LIST_FILTERS.len()];
                http.get(format!("{tasks}?{filter}&limit=50"))
            }
            Op::Search => {
                let word = SEARCH_WORDS[rng.below(SEARCH_WORDS.len() as u64) as usize];
                http.get(&search).query(&[("q", word)])
            }
            Op::Create => http.post(&tasks).json(&json!({
                "product": PRODUCT_KEY,
                "title": format!("Soak client {index}, request {sequence}"),
                "labels": pick_labels(&mut rng),
            })),
            // No If-Match: concurrent updates of one task are allowed to
            // overwrite each other; only a 2xx counts.
            Op::Update => http.patch(format!("{tasks}/{key}")).json(&json!({
                "title": format!("Updated by soak client {index}, request {sequence}"),
                "labels": [LABELS[rng.below(LABELS.len() as u64) as usize]],
            })),
        };
        let sent = Instant::now();
        let outcome = match request.bearer_auth(&s.token).send().await {
            Ok(resp) => {
                let status = resp.status();
                match resp.bytes().await {
                    Ok(_) if status.is_success() => None,
                    Ok(body) => Some(format!(
                        "{}: {status}: {}",
                        op.label(),
                        String::from_utf8_lossy(&body[..body.len().min(200)])
                    )),
                    Err(e) => Some(format!("{}: reading the body: {e}", op.label())),
                }
            }
            Err(e) => Some(format!("{}: {e}", op.label())),
        };
        let micros = u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX);
        result.latencies[op.index()].push(micros);
        if let Some(message) = outcome {
            result.errors[op.index()] += 1;
            if result.error_samples.len() < 3 {
                result.error_samples.push(message);
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    result
}
