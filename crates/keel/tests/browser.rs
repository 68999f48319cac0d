//! Runs the browser tests (`tests/browser/*.test.mjs`, playwright-core in
//! Debian's Chromium) against a real `keel serve` on a free port.
//!
//! They need `node`, `/usr/bin/chromium` and `npm ci` in `tests/browser`.
//! When any is missing the test says so loudly and passes, unless
//! `KEEL_TEST_REQUIRE_BROWSER=1` (set by `.ci/run`), which makes it fail.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// What is missing to run the browser tests, if anything.
fn missing(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    if Command::new("node").arg("--version").output().is_err() {
        out.push("node is not installed".into());
    }
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    if !Path::new(&chromium).exists() {
        out.push(format!("{chromium} is missing (apt-get install chromium)"));
    }
    if !root
        .join("tests/browser/node_modules/playwright-core")
        .exists()
    {
        out.push("tests/browser/node_modules is missing (cd tests/browser && npm ci)".into());
    }
    out
}

fn start_server(data_dir: &Path) -> (Server, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .env("KEEL_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("Keel listening on ") {
                let _ = tx.send(url.trim().to_string());
            }
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("keel serve did not start within 60 s");
    (server, url)
}

#[test]
fn browser_tests_in_chromium() {
    let root = repo_root();
    let missing = missing(&root);
    if !missing.is_empty() {
        let message = format!("browser tests DID NOT RUN: {}", missing.join("; "));
        if std::env::var("KEEL_TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
            panic!("{message}");
        }
        eprintln!("WARNING: {message}. Run .ci/run, or install them to run these tests.");
        return;
    }
    let data_dir = std::env::temp_dir().join(format!("keel-browser-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let (server, url) = start_server(&data_dir);
    let shots = root.join("target/screenshots");
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("tests/browser"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .collect();
    files.sort();
    let started = Instant::now();
    let status = Command::new("node")
        .args(["--test", "--test-concurrency=1", "--test-reporter=spec"])
        .args(&files)
        .current_dir(root.join("tests/browser"))
        .env("KEEL_URL", &url)
        .env("KEEL_SCREENSHOTS", &shots)
        .status()
        .unwrap();
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
    assert!(
        status.success(),
        "browser tests failed after {:?} (screenshots in {})",
        started.elapsed(),
        shots.display()
    );
}
