//! The Markdown report: one row per scenario × connections, the read/healthz
//! ratio per concurrency, the list filters one by one, and server memory.

use crate::load::{LIST_FILTERS, Outcome, Scenario, percentile_ms};
use crate::server::Memory;
use std::fmt::Write as _;
use std::time::Duration;

/// One scenario at one concurrency, over one or more rounds.
pub struct Cell {
    /// The run with the median throughput.
    pub median: Outcome,
    pub runs: usize,
    pub min_rps: f64,
    pub max_rps: f64,
    /// Highest server RSS seen right after any run of this cell, KiB.
    pub max_rss_after: Option<u64>,
    /// Errors summed over every run.
    pub errors: u64,
    pub error_samples: Vec<String>,
}

impl Cell {
    pub fn from_runs(mut runs: Vec<Outcome>) -> Option<Cell> {
        runs.sort_by(|a, b| a.throughput().total_cmp(&b.throughput()));
        let min_rps = runs.first()?.throughput();
        let max_rps = runs.last()?.throughput();
        let errors = runs.iter().map(|o| o.errors).sum();
        let mut error_samples: Vec<String> = Vec::new();
        for s in runs.iter().flat_map(|o| &o.error_samples) {
            if error_samples.len() < 5 && !error_samples.contains(s) {
                error_samples.push(s.clone());
            }
        }
        let max_rss_after = runs.iter().filter_map(|o| o.rss_after).max();
        let count = runs.len();
        let median = runs.swap_remove(count / 2);
        Some(Cell {
            median,
            runs: count,
            min_rps,
            max_rps,
            max_rss_after,
            errors,
            error_samples,
        })
    }
}

pub struct Report {
    pub backend: &'static str,
    pub seeded: u64,
    pub seed_time: Duration,
    pub warmup: Duration,
    pub duration: Duration,
    pub client_threads: usize,
    pub cells: Vec<Cell>,
    pub memory_seeded: Memory,
    /// After every read cell, before any create.
    pub memory_after_reads: Memory,
    pub memory_end: Memory,
    /// Tasks in the database at the end (seeded plus created).
    pub final_tasks: Option<u64>,
    /// SQLite file plus WAL, in bytes.
    pub db_bytes: Option<u64>,
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

impl Report {
    fn find(&self, scenario: Scenario, connections: usize) -> Option<&Outcome> {
        self.cells
            .iter()
            .map(|c| &c.median)
            .find(|o| o.scenario == scenario && o.connections == connections)
    }

    fn connection_levels(&self) -> Vec<usize> {
        let mut levels: Vec<usize> = self.cells.iter().map(|c| c.median.connections).collect();
        levels.dedup();
        levels
    }

    pub fn markdown(&self) -> String {
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) -> std::fmt::Result {
        let rounds = self.cells.first().map_or(1, |c| c.runs);
        writeln!(
            out,
            "### {} — {} seeded tasks, {:?} per cell after {:?} warm-up, {} round(s), load generator on {} thread(s)\n",
            self.backend, self.seeded, self.duration, self.warmup, rounds, self.client_threads
        )?;
        writeln!(
            out,
            "Server cores / load-gen cores: CPU time each process used during the window ÷ the window (the machine has {} cores, shared by both); server CPU µs/req: server CPU time ÷ responses; RSS after: the server's VmRSS right after the cell (highest over rounds).\n",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        )?;
        if rounds > 1 {
            writeln!(
                out,
                "Each row is the round with the median throughput; the range is over all rounds; errors are summed over all rounds.\n"
            )?;
            writeln!(
                out,
                "| Scenario | Conns | Requests | Req/s | Req/s range | p50 ms | p99 ms | Errors | Server cores | Server CPU µs/req | Load-gen cores | RSS after, MiB |"
            )?;
            writeln!(
                out,
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            )?;
        } else {
            writeln!(
                out,
                "| Scenario | Conns | Requests | Req/s | p50 ms | p99 ms | Errors | Server cores | Server CPU µs/req | Load-gen cores | RSS after, MiB |"
            )?;
            writeln!(
                out,
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
            )?;
        }
        for c in &self.cells {
            let o = &c.median;
            let range = if rounds > 1 {
                format!(" {:.0}–{:.0} |", c.min_rps, c.max_rps)
            } else {
                String::new()
            };
            let opt = |v: Option<f64>, digits: usize| {
                v.map_or_else(|| "?".to_string(), |v| format!("{v:.digits$}"))
            };
            writeln!(
                out,
                "| {} | {} | {} | {:.0} |{range} {:.2} | {:.2} | {} | {} | {} | {} | {} |",
                o.scenario.label(),
                o.connections,
                o.requests,
                o.throughput(),
                o.p50_ms(),
                o.p99_ms(),
                c.errors,
                opt(o.server_cores(), 2),
                opt(o.server_cpu_per_request_us(), 0),
                opt(o.client_cores(), 2),
                opt(c.max_rss_after.map(mib), 1)
            )?;
        }
        let errors: Vec<&Cell> = self.cells.iter().filter(|c| c.errors > 0).collect();
        if !errors.is_empty() {
            writeln!(out, "\nErrors:\n")?;
            for c in errors {
                for sample in &c.error_samples {
                    writeln!(
                        out,
                        "- {} c={}: {}",
                        c.median.scenario.label(),
                        c.median.connections,
                        sample.replace('\n', " ")
                    )?;
                }
            }
        }

        let levels = self.connection_levels();
        let ratios: Vec<(usize, f64, f64)> = levels
            .iter()
            .filter_map(|&c| {
                let health = self.find(Scenario::Healthz, c)?.throughput();
                let get = self.find(Scenario::Get, c)?.throughput();
                Some((c, health, get))
            })
            .collect();
        if !ratios.is_empty() {
            writeln!(out, "\nReading a task vs `/healthz` (target ≥ 60%):\n")?;
            writeln!(out, "| Conns | /healthz req/s | GET task req/s | Ratio |")?;
            writeln!(out, "|---:|---:|---:|---:|")?;
            for (c, health, get) in ratios {
                writeln!(
                    out,
                    "| {c} | {health:.0} | {get:.0} | {:.1}% |",
                    100.0 * get / health
                )?;
            }
        }

        let lists: Vec<&Outcome> = self
            .cells
            .iter()
            .map(|c| &c.median)
            .filter(|o| o.scenario == Scenario::List)
            .collect();
        if !lists.is_empty() {
            writeln!(
                out,
                "\nList filters (each `&limit=50`), latency per filter:\n"
            )?;
            writeln!(out, "| Filter | Conns | Requests | p50 ms | p99 ms |")?;
            writeln!(out, "|---|---:|---:|---:|---:|")?;
            for o in lists {
                for (filter, lat) in LIST_FILTERS.iter().zip(&o.per_filter) {
                    writeln!(
                        out,
                        "| `{filter}` | {} | {} | {:.2} | {:.2} |",
                        o.connections,
                        lat.len(),
                        percentile_ms(lat, 0.50),
                        percentile_ms(lat, 0.99)
                    )?;
                }
            }
        }

        writeln!(out, "\nServer memory (VmRSS):\n")?;
        writeln!(
            out,
            "- after starting on the {} seeded tasks: {:.1} MiB",
            self.seeded,
            mib(self.memory_seeded.rss_kib)
        )?;
        writeln!(
            out,
            "- after every read cell (still {} tasks; up to 64 connections): {:.1} MiB; peak (VmHWM) so far {:.1} MiB",
            self.seeded,
            mib(self.memory_after_reads.rss_kib),
            mib(self.memory_after_reads.peak_kib)
        )?;
        writeln!(
            out,
            "- at the end, after the create cells ({} tasks): {:.1} MiB; peak (VmHWM) {:.1} MiB",
            self.final_tasks
                .map_or_else(|| "?".to_string(), |n| n.to_string()),
            mib(self.memory_end.rss_kib),
            mib(self.memory_end.peak_kib)
        )?;
        writeln!(
            out,
            "\nSeeding {} tasks straight through keel-store took {:.1} s.",
            self.seeded,
            self.seed_time.as_secs_f64()
        )?;
        if let Some(bytes) = self.db_bytes {
            writeln!(
                out,
                "SQLite database + WAL at the end: {:.1} MiB.",
                bytes as f64 / 1048576.0
            )?;
        }
        Ok(())
    }
}
