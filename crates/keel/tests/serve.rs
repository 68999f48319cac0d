//! `keel serve` as an operator meets it: zero-config start on SQLite,
//! configuration from `keel.toml` (overridden by flags), clear errors for
//! bad configuration, and a clean exit on SIGTERM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keel-serve-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn keel(dir: &PathBuf) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keel"));
    cmd.current_dir(dir);
    for var in [
        "KEEL_DATA_DIR",
        "KEEL_DATABASE_URL",
        "KEEL_BIND",
        "KEEL_CONFIG_FILE",
        "KEEL_LOG_FORMAT",
        "KEEL_TASK_CACHE_MIB",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Starts `keel serve` in `dir`, stops it with SIGTERM, checks that it
/// exits cleanly within 10 s; returns the address it listened on and its
/// log (stderr, a pipe, as under a service manager).
fn serve_then_stop(dir: &PathBuf) -> (String, String) {
    let mut child = keel(dir)
        .arg("serve")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Keel listening on ")
        .expect("the listening line")
        .to_string();

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let exit = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "keel serve did not stop within 10 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "exit status {exit:?}");
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (url, stderr)
}

#[test]
fn starts_from_keel_toml_and_stops_cleanly_on_sigterm() {
    let dir = temp_dir("toml");
    std::fs::write(
        dir.join("keel.toml"),
        "bind = \"127.0.0.1:0\"\ndata_dir = \"from-toml\"\nlog_format = \"json\"\n",
    )
    .unwrap();
    let (url, stderr) = serve_then_stop(&dir);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(
        dir.join("from-toml/keel.db").exists(),
        "data_dir from keel.toml is used"
    );
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with('{') && l.contains("shutting down")),
        "JSON logs from keel.toml: {stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_second_server_on_the_same_sqlite_directory_is_refused() {
    let dir = temp_dir("second-server");
    std::fs::write(dir.join("keel.toml"), "bind = \"127.0.0.1:0\"\n").unwrap();
    let mut first = keel(&dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(first.stdout.take().unwrap()).lines();
    let listening = lines.next().unwrap().unwrap();
    assert!(listening.starts_with("Keel listening on "), "{listening}");
    let second = keel(&dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .output()
        .unwrap();
    let _ = first.kill();
    let _ = first.wait();
    assert!(!second.status.success());
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains("another Keel server is using"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    // Once the first has stopped, a server starts again.
    let (url, _) = serve_then_stop(&dir);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn text_logs_to_a_pipe_or_file_carry_no_colour_codes() {
    let dir = temp_dir("plain-log");
    std::fs::write(
        dir.join("keel.toml"),
        "bind = \"127.0.0.1:0\"\ndata_dir = \"data\"\n",
    )
    .unwrap();
    let (_, stderr) = serve_then_stop(&dir);
    assert!(stderr.contains("shutting down"), "text log: {stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "terminal escape codes in a log that is not a terminal: {stderr:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn bad_configuration_is_a_clear_error() {
    let dir = temp_dir("bad");
    std::fs::write(dir.join("keel.toml"), "bind = \"not an address\"\n").unwrap();
    let out = keel(&dir).arg("serve").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("keel.toml"), "names the file: {err}");

    std::fs::write(dir.join("keel.toml"), "colour = \"blue\"\n").unwrap();
    let out = keel(&dir).arg("serve").output().unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("colour"),
        "names the unknown key"
    );

    let out = keel(&dir)
        .args(["serve", "--config", "missing.toml"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.toml"));

    std::fs::write(dir.join("empty.toml"), "").unwrap();
    let out = keel(&dir)
        .args(["serve", "--database-url", "mysql://x"])
        .env("KEEL_CONFIG_FILE", "empty.toml")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("postgres://"), "{err}");
    assert!(!err.contains("panicked"), "{err}");

    // The task cache's size: too large in the file, negative as a flag.
    std::fs::write(dir.join("keel.toml"), "task_cache_mib = 100000\n").unwrap();
    let out = keel(&dir).arg("serve").output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("task_cache_mib") && err.contains("65536"),
        "{err}"
    );
    let out = keel(&dir)
        .args(["serve", "--task-cache-mib=-1"])
        .env("KEEL_CONFIG_FILE", "empty.toml")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--task-cache-mib"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn flags_win_over_environment_and_file() {
    let dir = temp_dir("precedence");
    std::fs::write(
        dir.join("keel.toml"),
        "bind = \"127.0.0.1:0\"\ndata_dir = \"from-toml\"\n",
    )
    .unwrap();
    let mut child = keel(&dir)
        .args(["serve", "--data-dir", "from-flag"])
        .env("KEEL_DATA_DIR", "from-env")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines
            .next()
            .unwrap()
            .unwrap()
            .starts_with("Keel listening on ")
    );
    assert!(dir.join("from-flag/keel.db").exists());
    assert!(!dir.join("from-env").exists() && !dir.join("from-toml").exists());
    let _ = child.kill();
    let _ = child.wait();

    let mut child = keel(&dir)
        .arg("serve")
        .env("KEEL_DATA_DIR", "from-env")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(
        lines
            .next()
            .unwrap()
            .unwrap()
            .starts_with("Keel listening on ")
    );
    assert!(
        dir.join("from-env/keel.db").exists(),
        "the environment wins over keel.toml"
    );
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
