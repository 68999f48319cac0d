//! `keel backup` and `keel restore` as an operator meets them: a backup
//! taken while a real server runs under write load holds every write
//! acknowledged before it started, restores into a fresh data directory
//! and serves; restore refuses while a server uses the directory, refuses a
//! file that is not a Keel database, and keeps the replaced database.
//! Both refuse PostgreSQL and name its tools.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_api_types::{NewProduct, NewTask, NewUser, NewWorkspace};
use keel_client::{KeelClient, ListParams, TaskFilter};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const WS: &str = "acme";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("keel-backup-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `keel …` with no configuration from the environment or a stray
/// keel.toml.
fn keel(cwd: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keel"));
    cmd.current_dir(cwd).env("KEEL_LOG", "warn");
    for var in [
        "KEEL_DATA_DIR",
        "KEEL_DATABASE_URL",
        "KEEL_BIND",
        "KEEL_CONFIG_FILE",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// A `keel serve` child, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(cwd: &Path, data_dir: &Path) -> Server {
    let mut child = keel(cwd)
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
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
    Server { child, url }
}

/// Runs a keel command off the async runtime's threads.
async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Every task of the workspace: key → title.
async fn titles(client: &KeelClient) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut page = ListParams::limit(500);
    loop {
        let got = client
            .list_tasks(
                WS,
                &TaskFilter {
                    page: page.clone(),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        out.extend(got.items.into_iter().map(|t| (t.key, t.title)));
        match got.next_cursor {
            Some(c) => {
                page = ListParams {
                    limit: Some(500),
                    cursor: Some(c),
                }
            }
            None => return out,
        }
    }
}

/// Sets up an account, workspace and product; the client and its token.
async fn signed_up(url: &str) -> (KeelClient, String) {
    let setup = KeelClient::new(url, None)
        .unwrap()
        .setup(&NewUser {
            email: "ada@example.com".into(),
            name: "Ada".into(),
            password: "correct horse battery".into(),
        })
        .await
        .unwrap();
    let client = KeelClient::new(url, Some(setup.token.clone())).unwrap();
    client
        .create_workspace(&NewWorkspace {
            name: "Acme".into(),
            slug: WS.into(),
        })
        .await
        .unwrap();
    client
        .create_product(
            WS,
            &NewProduct {
                name: "Keel".into(),
                key: "KEEL".into(),
                vision: None,
            },
        )
        .await
        .unwrap();
    (client, setup.token)
}

fn new_task(title: String) -> NewTask {
    NewTask {
        product: "KEEL".into(),
        title,
        labels: Some(vec!["load".into()]),
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_under_load_restores_into_a_working_server() {
    let root = temp_dir("load");
    let (live_dir, fresh_dir) = (root.join("live"), root.join("fresh"));
    let backup_file = root.join("keel-backup.db");
    let server = serve(&root, &live_dir);
    let (client, token) = signed_up(&server.url).await;

    // A writer creating tasks until told to stop (and at most 5000).
    let acked: Arc<Mutex<BTreeMap<String, String>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let load = tokio::spawn({
        let (client, acked, stop) = (client.clone(), acked.clone(), stop.clone());
        async move {
            for i in 0..5000 {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let task = client
                    .create_task(WS, &new_task(format!("load {i}")))
                    .await
                    .unwrap();
                acked.lock().unwrap().insert(task.key, task.title);
            }
        }
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    let before_backup = acked.lock().unwrap().clone();
    let out = run({
        let mut cmd = keel(&root);
        cmd.arg("backup")
            .arg(&backup_file)
            .arg("--data-dir")
            .arg(&live_dir);
        cmd
    })
    .await;
    assert!(out.status.success(), "backup: {}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("integrity check ok"),
        "{}",
        text(&out)
    );
    // The load went on during the backup (and the server still answers).
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::SeqCst);
    tokio::time::timeout(Duration::from_secs(30), load)
        .await
        .expect("the writer did not stop")
        .unwrap();
    let after_backup = acked.lock().unwrap().len();
    eprintln!(
        "{} tasks acknowledged before the backup started, {after_backup} by the end",
        before_backup.len()
    );
    assert!(!before_backup.is_empty(), "the load never got going");
    // No partial file is left beside the backup.
    let leftovers: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("partial"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    drop(server);

    // Restore into a fresh directory and serve from it.
    let out = run({
        let mut cmd = keel(&root);
        cmd.arg("restore")
            .arg(&backup_file)
            .arg("--data-dir")
            .arg(&fresh_dir);
        cmd
    })
    .await;
    assert!(out.status.success(), "restore: {}", text(&out));
    let restored = serve(&root, &fresh_dir);
    let client = KeelClient::new(&restored.url, Some(token)).unwrap();
    let found = titles(&client).await;
    for (key, title) in &before_backup {
        assert_eq!(
            found.get(key),
            Some(title),
            "{key}, acknowledged before the backup started, is not in the restored database"
        );
    }
    // Keys carry on after the restored ones.
    let next = client
        .create_task(WS, &new_task("after restore".into()))
        .await
        .unwrap();
    assert_eq!(next.key, format!("KEEL-{}", found.len() + 1));

    // Restore refuses while the server uses the directory, and changes
    // nothing.
    let out = run({
        let mut cmd = keel(&root);
        cmd.arg("restore")
            .arg(&backup_file)
            .arg("--data-dir")
            .arg(&fresh_dir);
        cmd
    })
    .await;
    assert!(!out.status.success(), "{}", text(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is using") && err.contains("stop it"), "{err}");
    assert!(!fresh_dir.join("keel.db.before-restore").exists());
    assert_eq!(titles(&client).await.len(), found.len() + 1);

    // Stopped hard (its last writes only in the log), then restored over:
    // the old database is kept, whole, beside the restored one.
    drop(restored);
    let out = run({
        let mut cmd = keel(&root);
        cmd.arg("restore")
            .arg(&backup_file)
            .arg("--data-dir")
            .arg(&fresh_dir);
        cmd
    })
    .await;
    assert!(out.status.success(), "restore over: {}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("keel.db.before-restore"),
        "{}",
        text(&out)
    );
    assert!(
        !fresh_dir.join("keel.db-wal").exists(),
        "the old log must not be left beside the restored file"
    );
    let kept = keel_store::check_sqlite_file(&fresh_dir.join("keel.db.before-restore"))
        .await
        .unwrap();
    assert_eq!(kept.tasks as usize, found.len() + 1);
    let now = keel_store::check_sqlite_file(&fresh_dir.join("keel.db"))
        .await
        .unwrap();
    assert_eq!(now.tasks as usize, found.len());
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_what_is_not_a_keel_database() {
    let root = temp_dir("refuse");
    let data = root.join("data");
    // A database to protect.
    let out = run({
        let mut cmd = keel(&root);
        cmd.arg("migrate").arg("--data-dir").arg(&data);
        cmd
    })
    .await;
    assert!(out.status.success(), "{}", text(&out));
    let original = std::fs::read(data.join("keel.db")).unwrap();

    let notes = root.join("notes.txt");
    std::fs::write(&notes, "meeting notes, not a database").unwrap();
    let missing = root.join("missing.db");
    for (file, says) in [(&notes, "SQLite"), (&missing, "does not exist")] {
        let out = run({
            let mut cmd = keel(&root);
            cmd.arg("restore").arg(file).arg("--data-dir").arg(&data);
            cmd
        })
        .await;
        assert!(!out.status.success(), "{}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    let out = run({
        let mut cmd = keel(&root);
        cmd.arg("restore").arg(&notes).arg("--data-dir").arg(&data);
        cmd
    })
    .await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("notes.txt cannot be restored") && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(std::fs::read(data.join("keel.db")).unwrap(), original);
    assert!(!data.join("keel.db.before-restore").exists());
    assert!(!data.join("keel.db.restoring").exists());

    // A backup never lands on the live database's own files.
    for name in ["keel.db", "keel.db-wal"] {
        let out = run({
            let mut cmd = keel(&root);
            cmd.arg("backup")
                .arg(data.join(name))
                .arg("--data-dir")
                .arg(&data);
            cmd
        })
        .await;
        assert!(!out.status.success(), "{}", text(&out));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("live database"),
            "{}",
            text(&out)
        );
    }
    assert_eq!(std::fs::read(data.join("keel.db")).unwrap(), original);

    // Backup of a directory with no database says so.
    let out = run({
        let mut cmd = keel(&root);
        cmd.arg("backup")
            .arg(root.join("b.db"))
            .arg("--data-dir")
            .arg(root.join("empty"));
        cmd
    })
    .await;
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no database"),
        "{}",
        text(&out)
    );
    let _ = std::fs::remove_dir_all(&root);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_on_postgres_name_its_tools() {
    let root = temp_dir("pg");
    // Refused before any connection is tried, so no server is needed.
    for (command, tool) in [("backup", "pg_dump"), ("restore", "pg_restore")] {
        let file = root.join("x.db");
        std::fs::write(&file, "").unwrap();
        let out = run({
            let mut cmd = keel(&root);
            cmd.arg(command)
                .arg(&file)
                .args(["--database-url", "postgres://127.0.0.1:1/keel"]);
            cmd
        })
        .await;
        assert!(!out.status.success(), "{command}: {}", text(&out));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("PostgreSQL") && err.contains(tool),
            "{command}: {err}"
        );
    }
    let _ = std::fs::remove_dir_all(&root);
}
