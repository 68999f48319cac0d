//! The closed-loop load generator: N workers, each with its own keep-alive
//! HTTP/1.1 connection, send one request after another for a fixed time.
//! Latencies are kept as microseconds in a `Vec<u32>` and sorted at the end.

use crate::rng::Rng;
use crate::seed::{LABELS, PRODUCT_KEY, pick_labels};
use crate::server::cpu_time;
use anyhow::{Context, Result};
use keel_domain::task::{Priority, Status};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What one benchmark cell requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scenario {
    /// `GET /healthz`: no auth, no database; the baseline.
    Healthz,
    /// `GET /api/v1/workspaces/{ws}/tasks/BENCH-{n}`, random seeded `n`.
    Get,
    /// `GET /api/v1/workspaces/{ws}/tasks?<filter>&limit=50`.
    List,
    /// `POST /api/v1/workspaces/{ws}/tasks`.
    Create,
}

impl Scenario {
    pub fn label(self) -> &'static str {
        match self {
            Scenario::Healthz => "(a) GET /healthz",
            Scenario::Get => "(b) GET task by key",
            Scenario::List => "(c) list 50, filtered",
            Scenario::Create => "(d) create task",
        }
    }
}

/// The list filters, used in turn by each worker.
pub const LIST_FILTERS: &[&str] = &[
    "status=in_progress",
    "priority=urgent",
    "label=backend",
    "status=todo&priority=high",
    "status=backlog,todo&label=api",
];

/// Where the load goes.
#[derive(Debug, Clone)]
pub struct Target {
    pub base: String,
    pub slug: String,
    pub token: String,
    /// Tasks `BENCH-1` to `BENCH-{seeded}` exist.
    pub seeded: u64,
}

/// The measured window of one cell.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub scenario: Scenario,
    pub connections: usize,
    pub window: Duration,
    /// Responses received in the window, 2xx or not.
    pub requests: u64,
    /// Non-2xx responses plus transport failures.
    pub errors: u64,
    /// The first few distinct error descriptions.
    pub error_samples: Vec<String>,
    /// Sorted latencies of every response in the window, microseconds.
    pub latencies: Vec<u32>,
    /// Sorted latencies per list filter (index into [`LIST_FILTERS`]).
    pub per_filter: Vec<Vec<u32>>,
    /// CPU time the server used during the window.
    pub server_cpu: Option<Duration>,
    /// CPU time the load generator used during the window.
    pub client_cpu: Option<Duration>,
    /// Server RSS right after the cell, KiB.
    pub rss_after: Option<u64>,
}

impl Outcome {
    pub fn throughput(&self) -> f64 {
        self.requests as f64 / self.window.as_secs_f64()
    }

    /// Cores the server kept busy on average (1.0 = one full core).
    pub fn server_cores(&self) -> Option<f64> {
        Some(self.server_cpu?.as_secs_f64() / self.window.as_secs_f64())
    }

    pub fn client_cores(&self) -> Option<f64> {
        Some(self.client_cpu?.as_secs_f64() / self.window.as_secs_f64())
    }

    /// Server CPU per response, microseconds.
    pub fn server_cpu_per_request_us(&self) -> Option<f64> {
        let cpu = self.server_cpu?;
        (self.requests > 0).then(|| cpu.as_secs_f64() * 1e6 / self.requests as f64)
    }

    pub fn p50_ms(&self) -> f64 {
        percentile_ms(&self.latencies, 0.50)
    }

    pub fn p99_ms(&self) -> f64 {
        percentile_ms(&self.latencies, 0.99)
    }
}

/// The `q` quantile (0..=1) of sorted microsecond latencies, in ms.
pub fn percentile_ms(sorted: &[u32], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil() as usize;
    let index = rank.clamp(1, sorted.len()) - 1;
    f64::from(sorted[index]) / 1000.0
}

#[derive(Default)]
struct WorkerResult {
    requests: u64,
    errors: u64,
    error_samples: Vec<String>,
    latencies: Vec<u32>,
    per_filter: Vec<Vec<u32>>,
}

impl WorkerResult {
    fn error(&mut self, message: String) {
        self.errors += 1;
        if self.error_samples.len() < 3 && !self.error_samples.contains(&message) {
            self.error_samples.push(message);
        }
    }
}

/// Runs one cell: `connections` workers for `warmup` (discarded) then
/// `duration` (measured), sampling the CPU time of the server (`server_pid`)
/// and of this process over the measured window.
pub async fn run(
    server_pid: u32,
    target: Arc<Target>,
    scenario: Scenario,
    connections: usize,
    warmup: Duration,
    duration: Duration,
) -> Result<Outcome> {
    let start = Instant::now();
    let measure_from = start + warmup;
    let until = measure_from + duration;
    let sampler = tokio::spawn(async move {
        let sample = || (cpu_time(Some(server_pid)).ok(), cpu_time(None).ok());
        tokio::time::sleep_until(measure_from.into()).await;
        let before = sample();
        tokio::time::sleep_until(until.into()).await;
        let after = sample();
        let delta = |a: Option<Duration>, b: Option<Duration>| b?.checked_sub(a?);
        (delta(before.0, after.0), delta(before.1, after.1))
    });
    let mut workers = Vec::with_capacity(connections);
    for index in 0..connections {
        // One client per worker and at most one idle connection each: every
        // worker keeps exactly one keep-alive connection to the server.
        let client = reqwest::Client::builder()
            .no_proxy()
            .tcp_nodelay(true)
            .pool_max_idle_per_host(1)
            .timeout(Duration::from_secs(30))
            .build()
            .context("cannot build the HTTP client")?;
        let seed = (scenario as u64) << 32 | index as u64;
        workers.push(tokio::spawn(worker(
            client,
            target.clone(),
            scenario,
            index,
            Rng::new(seed ^ start.elapsed().as_nanos() as u64),
            measure_from,
            until,
        )));
    }
    let mut outcome = Outcome {
        scenario,
        connections,
        window: duration,
        requests: 0,
        errors: 0,
        error_samples: Vec::new(),
        latencies: Vec::new(),
        per_filter: vec![Vec::new(); LIST_FILTERS.len()],
        server_cpu: None,
        client_cpu: None,
        rss_after: None,
    };
    for handle in workers {
        let r = handle.await.context("a load worker panicked")?;
        outcome.requests += r.requests;
        outcome.errors += r.errors;
        for s in r.error_samples {
            if outcome.error_samples.len() < 5 && !outcome.error_samples.contains(&s) {
                outcome.error_samples.push(s);
            }
        }
        outcome.latencies.extend_from_slice(&r.latencies);
        for (all, mine) in outcome.per_filter.iter_mut().zip(&r.per_filter) {
            all.extend_from_slice(mine);
        }
    }
    (outcome.server_cpu, outcome.client_cpu) = sampler.await.context("the CPU sampler panicked")?;
    outcome.latencies.sort_unstable();
    for l in &mut outcome.per_filter {
        l.sort_unstable();
    }
    Ok(outcome)
}

/// How one request ended.
enum Reply {
    /// A 2xx response, body read.
    Ok,
    /// Any other status, with the start of its body.
    Status(String),
    /// No complete response.
    Transport(String),
}

async fn worker(
    client: reqwest::Client,
    target: Arc<Target>,
    scenario: Scenario,
    index: usize,
    mut rng: Rng,
    measure_from: Instant,
    until: Instant,
) -> WorkerResult {
    let mut result = WorkerResult {
        per_filter: vec![Vec::new(); LIST_FILTERS.len()],
        ..WorkerResult::default()
    };
    let tasks_url = format!("{}/api/v1/workspaces/{}/tasks", target.base, target.slug);
    let healthz_url = format!("{}/healthz", target.base);
    let mut sequence: u64 = 0;
    loop {
        sequence += 1;
        let mut filter = 0;
        let request = match scenario {
            Scenario::Healthz => client.get(&healthz_url),
            Scenario::Get => {
                let n = 1 + rng.below(target.seeded);
                client
                    .get(format!("{tasks_url}/{PRODUCT_KEY}-{n}"))
                    .bearer_auth(&target.token)
            }
            Scenario::List => {
                filter = (index + sequence as usize) % LIST_FILTERS.len();
                client
                    .get(format!("{tasks_url}?{}&limit=50", LIST_FILTERS[filter]))
                    .bearer_auth(&target.token)
            }
            Scenario::Create => {
                let status = Status::ALL[rng.below(4) as usize];
                let priority = Priority::ALL[rng.below(Priority::ALL.len() as u64) as usize];
                let body = json!({
                    "product": PRODUCT_KEY,
                    "title": format!("Created by keel-bench worker {index}, request {sequence}"),
                    "description": format!("Load test task touching {}.", LABELS[index % LABELS.len()]),
                    "status": status.as_str(),
                    "priority": priority.as_str(),
                    "labels": pick_labels(&mut rng),
                });
                client
                    .post(&tasks_url)
                    .bearer_auth(&target.token)
                    .json(&body)
            }
        };
        let sent = Instant::now();
        if sent >= until {
            break;
        }
        let reply = match request.send().await {
            Ok(resp) => {
                let status = resp.status();
                match resp.bytes().await {
                    Ok(_) if status.is_success() => Reply::Ok,
                    Ok(body) => Reply::Status(format!(
                        "{status}: {}",
                        String::from_utf8_lossy(&body[..body.len().min(200)])
                    )),
                    Err(e) => Reply::Transport(format!("reading the body: {e}")),
                }
            }
            Err(e) => Reply::Transport(format!("transport: {e}")),
        };
        let done = Instant::now();
        let transport_failure = matches!(reply, Reply::Transport(_));
        if sent >= measure_from && done <= until {
            result.requests += 1;
            let micros = u32::try_from(done.duration_since(sent).as_micros()).unwrap_or(u32::MAX);
            result.latencies.push(micros);
            if scenario == Scenario::List {
                result.per_filter[filter].push(micros);
            }
            match reply {
                Reply::Ok => {}
                Reply::Status(message) | Reply::Transport(message) => result.error(message),
            }
        }
        if transport_failure {
            // Do not spin on a dead server.
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    result
}
