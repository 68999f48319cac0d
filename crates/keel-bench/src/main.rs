//! `keel-bench`: starts the real `keel` server on a fresh SQLite directory or
//! PostgreSQL database, seeds 100,000 tasks, then measures `GET /healthz`
//! (the baseline), reading a task by key, listing 50 filtered tasks and
//! creating a task at 1, 16 and 64 connections, and prints a Markdown report
//! (throughput, p50/p99, errors, server memory).
//!
//! ```text
//! cargo build --release -p keel -p keel-bench
//! target/release/keel-bench --duration 10
//! target/release/keel-bench --duration 10 --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```

use anyhow::{Context, Result, bail};
use clap::Parser;
use keel_bench::load::{self, Scenario, Target};
use keel_bench::scratch::{http_client, keel_binary, on_fresh_backend};
use keel_bench::server::{DataSource, Server};
use keel_bench::{report, seed};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "keel-bench",
    about = "Load benchmark for the keel server",
    version
)]
struct Args {
    /// The `keel` binary to benchmark (build it with --release).
    #[arg(long, default_value = "target/release/keel")]
    keel_bin: PathBuf,
    /// Benchmark on PostgreSQL: a fresh database `keel_bench_<random>` is
    /// created on this server and dropped at the end. Without it, SQLite in
    /// a fresh temporary directory.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Tasks to seed before measuring.
    #[arg(long, default_value_t = 100_000)]
    tasks: u64,
    /// Tasks per seeding transaction.
    #[arg(long, default_value_t = 1_000)]
    seed_batch: u64,
    /// Measured seconds per cell (scenario × connections).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Unmeasured warm-up seconds before each cell.
    #[arg(long, default_value_t = 1.0)]
    warmup: f64,
    /// Concurrent connections, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    connections: Vec<usize>,
    /// Scenarios to run, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_enum,
        default_value = "healthz,get,list,create"
    )]
    scenarios: Vec<Scenario>,
    /// Rounds over all cells; each cell reports its median-throughput run
    /// and the range over rounds.
    #[arg(long, default_value_t = 1)]
    repeat: usize,
    /// Threads of the load generator's runtime (it shares the machine with
    /// the server).
    #[arg(long, default_value_t = 1)]
    client_threads: usize,
    /// `KEEL_LOG` filter for the server (default: the server's own, which
    /// logs one line per request), e.g. `warn` to measure without request logs.
    #[arg(long, value_name = "FILTER")]
    keel_log: Option<String>,
    /// Keep the temporary directory (server log, SQLite file) afterwards.
    #[arg(long)]
    keep: bool,
    /// Before measuring, read every seeded task once by key, as a server
    /// that has been in use has read them (measures reads at steady state
    /// rather than the first read after start).
    #[arg(long)]
    read_every_task_first: bool,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.duration <= 0.0 || args.warmup < 0.0 {
        bail!("--duration must be positive and --warmup not negative");
    }
    if args.connections.is_empty() || args.connections.contains(&0) {
        bail!("--connections needs positive numbers");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.client_threads.max(1))
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let report = runtime.block_on(run(&args))?;
    print!("{}", report.markdown());
    Ok(())
}

async fn run(args: &Args) -> Result<report::Report> {
    let keel_bin = keel_binary(&args.keel_bin)?;
    on_fresh_backend(
        args.postgres.as_deref(),
        args.keep,
        async |data: &DataSource, workdir: &Path| bench(args, &keel_bin, workdir, data).await,
    )
    .await
}

/// The address of seeded task `n`.
fn task_url(target: &Target, n: u64) -> String {
    format!(
        "{}/api/v1/workspaces/{}/tasks/{}-{n}",
        target.base,
        target.slug,
        seed::PRODUCT_KEY
    )
}

/// Checks that the first and last seeded tasks can be read.
async fn check_seeded(target: &Target) -> Result<()> {
    let client = http_client()?;
    for n in [1, target.seeded] {
        let url = task_url(target, n);
        let resp = client.get(&url).bearer_auth(&target.token).send().await?;
        if !resp.status().is_success() {
            bail!("GET {url} answered {} after seeding", resp.status());
        }
    }
    Ok(())
}

/// Reads every seeded task once by key, on 8 connections.
async fn read_every_task(target: &Arc<Target>) -> Result<()> {
    const WORKERS: u64 = 8;
    let client = http_client()?;
    let mut workers = Vec::new();
    for first in 1..=WORKERS {
        let (client, target) = (client.clone(), target.clone());
        workers.push(tokio::spawn(async move {
            let mut n = first;
            while n <= target.seeded {
                let url = task_url(&target, n);
                let resp = client.get(&url).bearer_auth(&target.token).send().await?;
                if !resp.status().is_success() {
                    bail!("GET {url} answered {}", resp.status());
                }
                resp.bytes().await?;
                n += WORKERS;
            }
            Ok(())
        }));
    }
    for worker in workers {
        worker.await??;
    }
    Ok(())
}

/// Measures a list of cells in whole rounds, so slow phases of a noisy
/// machine spread over all cells instead of hitting one; each cell reports
/// its median round.
struct Phase<'a> {
    server: &'a Server,
    target: &'a Arc<Target>,
    repeat: usize,
    warmup: Duration,
    duration: Duration,
}

impl Phase<'_> {
    async fn run(&self, name: &str, cells: &[(usize, Scenario)]) -> Result<Vec<report::Cell>> {
        let mut runs: Vec<Vec<load::Outcome>> = vec![Vec::new(); cells.len()];
        for round in 1..=self.repeat {
            if !cells.is_empty() {
                eprintln!("{name}, round {round}/{}", self.repeat);
            }
            for (&(connections, scenario), cell_runs) in cells.iter().zip(&mut runs) {
                let mut outcome = load::run(
                    self.server.pid(),
                    self.target.clone(),
                    scenario,
                    connections,
                    self.warmup,
                    self.duration,
                )
                .await?;
                outcome.rss_after = self.server.memory().ok().map(|m| m.rss_kib);
                eprintln!(
                    "  {:<24} c={:<3} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
                    scenario.label(),
                    connections,
                    outcome.throughput(),
                    outcome.p50_ms(),
                    outcome.p99_ms(),
                    outcome.errors
                );
                cell_runs.push(outcome);
            }
        }
        Ok(runs
            .into_iter()
            .filter_map(report::Cell::from_runs)
            .collect())
    }
}

/// The number of the newest task: keys are gap-free and nothing is deleted,
/// so this is how many tasks exist.
async fn newest_task_number(target: &Target) -> Result<u64> {
    let url = format!(
        "{}/api/v1/workspaces/{}/tasks?limit=1",
        target.base, target.slug
    );
    let page: serde_json::Value = http_client()?
        .get(&url)
        .bearer_auth(&target.token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    page.pointer("/items/0/number")
        .and_then(serde_json::Value::as_u64)
        .with_context(|| format!("no items[0].number in {page}"))
}

async fn bench(
    args: &Args,
    keel_bin: &Path,
    workdir: &Path,
    data: &DataSource,
) -> Result<report::Report> {
    let log = workdir.join("server.log");
    eprintln!(
        "keel-bench: {} backend, server log {}",
        data.backend_name(),
        log.display()
    );

    // 1. Account, workspace and product through the API of a first server.
    let fixture = {
        let server = Server::start(keel_bin, data, workdir, &log, args.keel_log.as_deref())?;
        seed::setup(&http_client()?, &server.base).await?
    };

    // 2. Tasks straight into the store while no server runs.
    eprintln!("seeding {} tasks…", args.tasks);
    let seed_time = seed::tasks(&data.store_url(), &fixture, args.tasks, args.seed_batch).await?;
    eprintln!(
        "seeded {} tasks in {:.1} s ({:.0}/s)",
        args.tasks,
        seed_time.as_secs_f64(),
        args.tasks as f64 / seed_time.as_secs_f64()
    );

    // 3. A fresh server on the seeded data.
    let server = Server::start(keel_bin, data, workdir, &log, args.keel_log.as_deref())?;
    let target = Arc::new(Target {
        base: server.base.clone(),
        slug: fixture.workspace_slug.clone(),
        token: fixture.token.clone(),
        seeded: args.tasks,
    });
    check_seeded(&target).await?;
    if args.read_every_task_first {
        let started = std::time::Instant::now();
        read_every_task(&target).await?;
        eprintln!(
            "read all {} tasks once in {:.1} s",
            target.seeded,
            started.elapsed().as_secs_f64()
        );
    }
    let memory_seeded = server.memory()?;
    eprintln!(
        "server pid {} on {}: RSS {:.1} MiB after start on the seeded data",
        server.pid(),
        server.base,
        memory_seeded.rss_kib as f64 / 1024.0
    );

    let warmup = Duration::from_secs_f64(args.warmup);
    let duration = Duration::from_secs_f64(args.duration);
    let cells = |writes: bool| -> Vec<(usize, Scenario)> {
        args.connections
            .iter()
            .flat_map(|&c| args.scenarios.iter().map(move |&s| (c, s)))
            .filter(|(_, s)| (*s == Scenario::Create) == writes)
            .collect()
    };
    // Reads first, all on exactly the seeded tasks; creates afterwards.
    let phase = Phase {
        server: &server,
        target: &target,
        repeat: args.repeat.max(1),
        warmup,
        duration,
    };
    let mut measured = phase.run("reads", &cells(false)).await?;
    let memory_after_reads = server.memory()?;
    measured.extend(phase.run("creates", &cells(true)).await?);
    measured.sort_by_key(|c| (c.median.connections, c.median.scenario as u8));
    let memory_end = server.memory()?;
    let final_tasks = newest_task_number(&target).await.ok();
    drop(server);

    let db_bytes = match data {
        DataSource::SqliteDir(dir) => Some(
            ["keel.db", "keel.db-wal"]
                .iter()
                .filter_map(|f| std::fs::metadata(dir.join(f)).ok())
                .map(|m| m.len())
                .sum(),
        ),
        DataSource::Postgres(_) => None,
    };
    Ok(report::Report {
        backend: data.backend_name(),
        seeded: args.tasks,
        seed_time,
        warmup,
        duration,
        client_threads: args.client_threads.max(1),
        cells: measured,
        final_tasks,
        memory_after_reads,
        memory_seeded,
        memory_end,
        db_bytes,
    })
}
