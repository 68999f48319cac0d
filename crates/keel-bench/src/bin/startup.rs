//! `keel-bench-startup`: the binary's size, its cold start to the first
//! answered request on an existing database, and its idle memory.
//!
//! Cold start is timed from spawning `keel serve` to the first `200` from
//! `GET /healthz`, on a database that already exists and is migrated (the
//! usual restart). The baseline in the same run is spawning `keel
//! --version` until it exits: what starting any process costs here.
//! Idle memory is the resident set after start and five quiet seconds,
//! then again after 200 API requests.
//!
//! ```text
//! cargo build --release -p keel -p keel-bench
//! target/release/keel-bench-startup --runs 20
//! target/release/keel-bench-startup --postgres postgres://postgres@127.0.0.1:5432/postgres
//! ```

use anyhow::{Context, Result, bail};
use clap::Parser;
use keel_bench::scratch::{http_client, keel_binary, on_fresh_backend};
use keel_bench::seed;
use keel_bench::server::{DataSource, Server};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[derive(Debug, Parser)]
#[command(
    name = "keel-bench-startup",
    about = "Binary size, cold start and idle memory"
)]
struct Args {
    /// The `keel` binary to benchmark (build it with --release).
    #[arg(long, default_value = "target/release/keel")]
    keel_bin: PathBuf,
    /// PostgreSQL server for a fresh `keel_bench_<random>` database;
    /// without it, SQLite in a temporary directory.
    #[arg(long, value_name = "URL")]
    postgres: Option<String>,
    /// Timed starts (and baseline runs).
    #[arg(long, default_value_t = 20)]
    runs: usize,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if args.runs == 0 {
        bail!("--runs must be positive");
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let keel_bin = keel_binary(&args.keel_bin)?;
        on_fresh_backend(
            args.postgres.as_deref(),
            false,
            async |data: &DataSource, workdir: &Path| run(&args, &keel_bin, data, workdir).await,
        )
        .await
    })
}

fn median_ms(mut v: Vec<Duration>) -> f64 {
    v.sort_unstable();
    v.get(v.len() / 2)
        .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

async fn run(args: &Args, keel_bin: &Path, data: &DataSource, workdir: &Path) -> Result<()> {
    let log = workdir.join("server.log");
    let client = http_client()?;
    // The first start creates and migrates the database; not timed.
    let fixture = {
        let server = Server::start(keel_bin, data, workdir, &log, Some("warn"))?;
        seed::setup(&client, &server.base).await?
    };

    let mut baseline = Vec::with_capacity(args.runs);
    let mut cold = Vec::with_capacity(args.runs);
    for _ in 0..args.runs {
        let started = Instant::now();
        let status = Command::new(keel_bin)
            .arg("--version")
            .stdout(Stdio::null())
            .status()?;
        baseline.push(started.elapsed());
        if !status.success() {
            bail!("keel --version failed: {status}");
        }

        let started = Instant::now();
        let server = Server::start(keel_bin, data, workdir, &log, Some("warn"))?;
        let url = format!("{}/healthz", server.base);
        loop {
            if let Ok(resp) = client.get(&url).send().await
                && resp.status().is_success()
            {
                break;
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("no answer from {url} within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        cold.push(started.elapsed());
    }

    let server = Server::start(keel_bin, data, workdir, &log, Some("warn"))?;
    tokio::time::sleep(Duration::from_secs(5)).await;
    let idle = server.memory()?;
    let tasks = format!(
        "{}/api/v1/workspaces/{}/tasks",
        server.base, fixture.workspace_slug
    );
    for i in 0..200 {
        let req = if i % 2 == 0 {
            client.get(&tasks)
        } else {
            client.post(&tasks).json(
                &serde_json::json!({"product": seed::PRODUCT_KEY, "title": format!("Warm {i}")}),
            )
        };
        req.bearer_auth(&fixture.token)
            .send()
            .await?
            .error_for_status()?;
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let warm = server.memory()?;

    let size = std::fs::metadata(keel_bin)?.len();
    println!(
        "### Start-up on {}: {} runs\n\n\
         | Figure | Value |\n|---|---:|\n\
         | Binary size (`{}`) | {:.1} MiB |\n\
         | Baseline: `keel --version`, spawn to exit, median | {:.1} ms |\n\
         | Cold start to first `/healthz` 200, existing database, median | {:.1} ms |\n\
         | Cold start ÷ baseline | {:.1}× |\n\
         | Idle RSS (5 s after start) | {:.1} MiB |\n\
         | RSS after 200 API requests | {:.1} MiB |\n",
        data.backend_name(),
        args.runs,
        keel_bin.display(),
        size as f64 / (1024.0 * 1024.0),
        median_ms(baseline.clone()),
        median_ms(cold.clone()),
        median_ms(cold) / median_ms(baseline),
        mib(idle.rss_kib),
        mib(warm.rss_kib),
    );
    Ok(())
}
