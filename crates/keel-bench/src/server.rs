//! The real `keel` server as a child process: started on a random port,
//! ready once it prints `Keel listening on http://…`, killed when dropped.
//! Its memory is read from `/proc/<pid>/status`.

use anyhow::{Context, Result, bail};
use std::ffi::OsString;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The line the server prints once it is bound.
const READY_PREFIX: &str = "Keel listening on ";

/// How long the server may take to migrate and bind.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// Environment variables of `keel serve` that must not leak into the child
/// from the caller's shell (they would override the flags we pass).
const KEEL_ENV: &[&str] = &[
    "KEEL_DATA_DIR",
    "KEEL_DATABASE_URL",
    "KEEL_CONFIG_FILE",
    "KEEL_BIND",
    "KEEL_LOG_FORMAT",
    "KEEL_LOG",
];

/// Where the server keeps its data.
#[derive(Debug, Clone)]
pub enum DataSource {
    /// `--data-dir DIR` (SQLite, `DIR/keel.db`).
    SqliteDir(PathBuf),
    /// `--database-url URL` (PostgreSQL).
    Postgres(String),
}

impl DataSource {
    /// The URL [`keel_store::Store::open`] accepts for the same data.
    pub fn store_url(&self) -> String {
        match self {
            DataSource::SqliteDir(dir) => dir.join("keel.db").display().to_string(),
            DataSource::Postgres(url) => url.clone(),
        }
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            DataSource::SqliteDir(_) => "SQLite",
            DataSource::Postgres(_) => "PostgreSQL",
        }
    }
}

/// A running server. Dropping it kills the process and waits for it.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base: String,
}

/// Resident memory of a process, in KiB.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    /// Current resident set (`VmRSS`).
    pub rss_kib: u64,
    /// Peak resident set so far (`VmHWM`).
    pub peak_kib: u64,
}

impl Server {
    /// Starts `bin serve --bind 127.0.0.1:0` on `data`, in `workdir` (so no
    /// stray `keel.toml` is read), logging to `log` (with `KEEL_LOG` set to
    /// `log_filter` when given). Returns once the server
    /// has announced its address.
    pub fn start(
        bin: &Path,
        data: &DataSource,
        workdir: &Path,
        log: &Path,
        log_filter: Option<&str>,
    ) -> Result<Server> {
        let log_file = File::options()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("cannot open the server log {}", log.display()))?;
        let mut args: Vec<OsString> = vec!["serve".into(), "--bind".into(), "127.0.0.1:0".into()];
        match data {
            DataSource::SqliteDir(dir) => {
                args.push("--data-dir".into());
                args.push(dir.into());
            }
            DataSource::Postgres(url) => {
                args.push("--database-url".into());
                args.push(url.into());
            }
        }
        let mut command = Command::new(bin);
        command
            .args(&args)
            .current_dir(workdir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file));
        for var in KEEL_ENV {
            command.env_remove(var);
        }
        if let Some(filter) = log_filter {
            command.env("KEEL_LOG", filter);
        }
        let mut child = command
            .spawn()
            .with_context(|| format!("cannot start {}", bin.display()))?;
        let stdout = child.stdout.take();
        // From here on the guard owns the process: any early return kills it.
        let mut server = Server {
            child,
            base: String::new(),
        };
        let stdout = stdout.context("the server's stdout was not captured")?;
        let (ready_tx, ready_rx) = mpsc::channel::<String>();
        // Reads the ready line, then keeps draining stdout so the pipe never
        // fills and blocks the server.
        std::thread::spawn(move || {
            let mut ready = Some(ready_tx);
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if let Some(url) = line.strip_prefix(READY_PREFIX)
                    && let Some(tx) = ready.take()
                {
                    let _ = tx.send(url.trim().trim_end_matches('/').to_string());
                }
            }
        });
        match ready_rx.recv_timeout(START_TIMEOUT) {
            Ok(base) => server.base = base,
            Err(mpsc::RecvTimeoutError::Timeout) => {
                bail!(
                    "the server did not report its address within {START_TIMEOUT:?}; see {}",
                    log.display()
                )
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                let status = server.child.wait().ok();
                bail!(
                    "the server exited before listening ({status:?}); see {}",
                    log.display()
                )
            }
        }
        Ok(server)
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Reads `VmRSS` and `VmHWM` from `/proc/<pid>/status`.
    pub fn memory(&self) -> Result<Memory> {
        let path = format!("/proc/{}/status", self.pid());
        let status =
            std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
        let field = |name: &str| -> Result<u64> {
            let line = status
                .lines()
                .find(|l| l.starts_with(name))
                .with_context(|| format!("no {name} in {path}"))?;
            let kib = line[name.len()..]
                .split_whitespace()
                .next()
                .with_context(|| format!("empty {name} in {path}"))?;
            kib.parse()
                .with_context(|| format!("bad {name} in {path}: {kib}"))
        };
        Ok(Memory {
            rss_kib: field("VmRSS:")?,
            peak_kib: field("VmHWM:")?,
        })
    }
}

/// User plus system CPU time consumed so far by process `pid` (all its
/// threads), or by this process when `pid` is `None`. Linux reports it in
/// clock ticks, 100 per second on every mainstream platform.
pub fn cpu_time(pid: Option<u32>) -> Result<Duration> {
    const TICKS_PER_SECOND: u64 = 100;
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_string(),
    };
    let stat = std::fs::read_to_string(&path).with_context(|| format!("cannot read {path}"))?;
    // The command name is in parentheses and may contain spaces: count
    // fields from the closing one. utime and stime are fields 14 and 15.
    let rest = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .with_context(|| format!("unexpected {path}"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| -> Result<u64> {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .with_context(|| format!("unexpected {path}"))
    };
    let total = ticks(11)? + ticks(12)?;
    Ok(Duration::from_millis(total * 1000 / TICKS_PER_SECOND))
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
