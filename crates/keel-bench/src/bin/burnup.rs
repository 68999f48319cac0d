//! `keel-bench-burnup`: how the burn-up series grows with the size of a
//! scope. A cycle's or a release's page draws one tally per day, each over
//! every stretch its tasks spent in the scope; the work should grow with
//! tasks × days, not faster.
//!
//! Each row times `keel_domain::cycle::burnup` over a synthetic scope (a
//! fifth of the tasks left and came back, a third are done, some are
//! canceled) for every day of a cycle of `--days` days. The baseline in the
//! same run is the first row: the last column is each row's time over the
//! baseline's, per task, so 1.0 means linear growth.
//!
//! ```text
//! cargo build --release -p keel-bench
//! target/release/keel-bench-burnup --tasks 300,3000,30000 --days 120
//! ```

use anyhow::{Context, Result};
use clap::Parser;
use keel_domain::cycle::{CycleDates, Outcome, ScopeSpan, burnup};
use keel_domain::time::{Date, Timestamp};
use std::time::Instant;

#[derive(Debug, Parser)]
#[command(name = "keel-bench-burnup", about = "Burn-up time against scope size")]
struct Args {
    /// Scope sizes, in tasks; the first is the baseline.
    #[arg(long, value_delimiter = ',', default_value = "300,3000,30000")]
    tasks: Vec<usize>,
    /// Days in the cycle (at most 366).
    #[arg(long, default_value_t = 120)]
    days: i64,
    /// Timed runs per size; the median is reported.
    #[arg(long, default_value_t = 5)]
    repeat: usize,
}

/// A scope of `n` tasks over the cycle starting at `start`: deterministic,
/// so runs compare.
fn scope(n: usize, start: Date, days: i64) -> Result<Vec<ScopeSpan>> {
    let at = |day: i64, hour: i64| -> Result<Timestamp> {
        let date = start.add_days(day.rem_euclid(days)).context("date")?;
        Timestamp::parse("at", &format!("{}T{hour:02}:00:00Z", date.as_string()))
            .map_err(|e| anyhow::anyhow!(e.message))
    };
    let mut spans = Vec::with_capacity(n + n / 5);
    for i in 0..n as i64 {
        let task_id = format!("{:032x}", i * 7919);
        let joined = i % (days / 2).max(1);
        let outcome = match i % 9 {
            0 | 3 | 6 => Outcome::Done {
                at: at(joined + 5 + i % 20, 15)?,
            },
            8 => Outcome::Canceled {
                at: at(joined + 3, 11)?,
            },
            _ => Outcome::Open,
        };
        let points = (i % 8) as f64;
        if i % 5 == 0 {
            // Left the scope for a while, then came back.
            spans.push(ScopeSpan {
                task_id: task_id.clone(),
                added_at: at(joined, 9)?,
                removed_at: Some(at(joined + 2, 9)?),
                points,
                outcome,
            });
            spans.push(ScopeSpan {
                task_id,
                added_at: at(joined + 4, 9)?,
                removed_at: None,
                points,
                outcome,
            });
        } else {
            spans.push(ScopeSpan {
                task_id,
                added_at: at(joined, 9)?,
                removed_at: None,
                points,
                outcome,
            });
        }
    }
    Ok(spans)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let start = Date::parse("start", "2026-01-05").map_err(|e| anyhow::anyhow!(e.message))?;
    let end = start.add_days(args.days - 1).context("--days")?;
    let dates = CycleDates::new(start, end).map_err(|e| anyhow::anyhow!(e.message))?;
    println!("| Tasks | Days | Median ms | ms per 1,000 task-days | Per task, × baseline |");
    println!("|---:|---:|---:|---:|---:|");
    let mut baseline_per_task: Option<f64> = None;
    for &n in &args.tasks {
        let spans = scope(n, start, args.days)?;
        let mut times = Vec::with_capacity(args.repeat);
        let mut last_done = 0;
        for _ in 0..args.repeat.max(1) {
            let t = Instant::now();
            let series = burnup(&dates, &spans, end);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            last_done = series.last().map_or(0, |d| d.tally.done_tasks);
        }
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        let per_task = median / n.max(1) as f64;
        let ratio = per_task / *baseline_per_task.get_or_insert(per_task);
        let per_kilo = median / (n.max(1) as f64 * args.days as f64) * 1000.0;
        println!(
            "| {n} | {} | {median:.2} | {per_kilo:.3} | {ratio:.2} |",
            args.days
        );
        // Keeps the result alive, and says the scope was drawn.
        eprintln!("{n} tasks: {last_done} done by the last day");
    }
    Ok(())
}
