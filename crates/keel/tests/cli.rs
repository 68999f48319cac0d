//! End-to-end tests of the `keel` command-line client: the real binary
//! against a real `keel serve` on a random port, with its own SQLite data
//! directory and its own credentials file per test (`KEEL_CONFIG`), so no
//! test touches the real home directory or another test's server.
//!
//! The server is started with `--bind 127.0.0.1:0`; the test reads its
//! stdout until the `Keel listening on http://…` line (no sleeps) and kills
//! it when the [`Server`] guard drops.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_api_types::{NewUser, Page, Task, Workspace};
use keel_client::KeelClient;
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEEL: &str = env!("CARGO_BIN_EXE_keel");
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);
const ADMIN_EMAIL: &str = "ada@example.com";
const ADMIN_PASSWORD: &str = "correct horse battery staple";

/// Environment variables that would change what the binary does; cleared
/// for every child so the developer's own settings cannot leak in.
const KEEL_VARS: &[&str] = &[
    "KEEL_SERVER",
    "KEEL_TOKEN",
    "KEEL_WORKSPACE",
    "KEEL_CONFIG",
    "KEEL_CONFIG_FILE",
    "KEEL_DATA_DIR",
    "KEEL_DATABASE_URL",
    "KEEL_BIND",
    "KEEL_LOG_FORMAT",
];

/// A fresh, empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("keel-cli-test-{}-{n}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A running `keel serve`, killed on drop.
struct Server {
    child: Child,
    url: String,
    _dir: TempDir,
}

impl Server {
    fn start(name: &str) -> Self {
        let dir = TempDir::new(&format!("server-{name}"));
        let mut command = Command::new(KEEL);
        for var in KEEL_VARS {
            command.env_remove(var);
        }
        let mut child = command
            .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(dir.0.join("data"))
            .current_dir(&dir.0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cannot start `keel serve`");

        // Drain both pipes on threads so the server never blocks on a full
        // pipe; keep stderr to explain a failed start.
        let logs = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().unwrap();
        let sink = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let mut logs = sink.lock().unwrap();
                logs.push_str(&line);
                logs.push('\n');
            }
        });
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.trim().strip_prefix("Keel listening on ") {
                    let _ = tx.send(url.to_owned());
                }
            }
        });
        match rx.recv_timeout(STARTUP_TIMEOUT) {
            Ok(url) => Self {
                child,
                url,
                _dir: dir,
            },
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "`keel serve` did not report its address within {STARTUP_TIMEOUT:?}; stderr:\n{}",
                    logs.lock().unwrap()
                );
            }
        }
    }

    fn client(&self, token: Option<String>) -> KeelClient {
        KeelClient::new(&self.url, token).unwrap()
    }

    /// First-run set-up through the API; returns the admin's token.
    fn setup_admin(&self) -> String {
        let response = block_on(self.client(None).setup(&NewUser {
            email: ADMIN_EMAIL.into(),
            name: "Ada Lovelace".into(),
            password: ADMIN_PASSWORD.into(),
        }))
        .expect("POST /api/v1/setup");
        assert_eq!(response.user.email, ADMIN_EMAIL);
        response.token
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// The result of one `keel` run.
#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts success and returns stdout.
    fn ok(self) -> String {
        assert_eq!(
            self.code,
            Some(0),
            "expected success\nstdout: {}\nstderr: {}",
            self.stdout,
            self.stderr
        );
        self.stdout
    }

    /// Asserts failure with exactly one line on stderr, and returns it.
    fn fails(self) -> String {
        assert!(
            self.code.is_some_and(|c| c != 0),
            "expected failure, got {:?}\nstdout: {}\nstderr: {}",
            self.code,
            self.stdout,
            self.stderr
        );
        let stderr = self.stderr.trim_end();
        assert_eq!(
            stderr.lines().count(),
            1,
            "expected a one-line error, got:\n{stderr}"
        );
        assert!(stderr.starts_with("error: "), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        stderr.to_owned()
    }

    fn json(self) -> Value {
        let stdout = self.ok();
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"))
    }
}

/// One CLI user: a credentials file of their own.
struct User {
    config: PathBuf,
    _dir: TempDir,
}

impl User {
    fn new(name: &str) -> Self {
        let dir = TempDir::new(&format!("user-{name}"));
        Self {
            config: dir.0.join("keel").join("credentials.toml"),
            _dir: dir,
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(KEEL);
        for var in KEEL_VARS {
            command.env_remove(var);
        }
        command
            .args(args)
            .env("KEEL_CONFIG", &self.config)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn run(&self, args: &[&str]) -> Run {
        collect(self.command(args).output().unwrap())
    }

    fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut child = self.command(args).stdin(Stdio::piped()).spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        collect(child.wait_with_output().unwrap())
    }

    fn login(&self, server: &Server, email: &str, password: &str) -> String {
        self.run_with_stdin(
            &[
                "login",
                "--server",
                &server.url,
                "--email",
                email,
                "--password-stdin",
            ],
            &format!("{password}\n"),
        )
        .ok()
    }

    fn stored(&self) -> toml::Table {
        toml::from_str(&std::fs::read_to_string(&self.config).unwrap()).unwrap()
    }

    fn stored_str(&self, key: &str) -> String {
        self.stored()[key].as_str().unwrap().to_owned()
    }
}

fn collect(output: std::process::Output) -> Run {
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// A server with an admin logged in through the CLI, owning workspace
/// `acme` with product `KEEL`.
fn ready(name: &str) -> (Server, User) {
    let server = Server::start(name);
    server.setup_admin();
    let user = User::new(name);
    user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    user.run(&["workspace", "create", "--name", "Acme", "--slug", "acme"])
        .ok();
    user.run(&["product", "create", "--name", "Keel", "--key", "KEEL"])
        .ok();
    (server, user)
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn login_stores_a_private_token_and_whoami_uses_it() {
    let server = Server::start("login");
    server.setup_admin();
    let user = User::new("login");

    let out = user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    assert!(out.contains("Logged in"), "{out}");
    assert!(out.contains(ADMIN_EMAIL), "{out}");
    #[cfg(unix)]
    {
        assert_eq!(mode(&user.config), 0o600, "credentials file mode");
        assert_eq!(mode(user.config.parent().unwrap()), 0o700, "directory mode");
    }
    assert_eq!(user.stored_str("server"), server.url);
    assert!(!user.stored_str("token").is_empty());
    assert!(!user.stored_str("token_id").is_empty());

    let out = user.run(&["whoami"]).ok();
    assert!(out.contains("Ada Lovelace"), "{out}");
    assert!(out.contains(ADMIN_EMAIL), "{out}");
    let me = user.run(&["whoami", "--json"]).json();
    assert_eq!(me["email"], ADMIN_EMAIL);

    // The token was named after this computer and is listed server-side.
    let token = user.stored_str("token");
    let tokens = block_on(
        server
            .client(Some(token))
            .list_tokens(&keel_client::ListParams::default()),
    )
    .unwrap();
    assert!(
        tokens
            .items
            .iter()
            .any(|t| t.name.starts_with("keel CLI on ")),
        "{:?}",
        tokens.items
    );
}

#[test]
fn wrong_password_and_missing_login_are_one_line_errors() {
    let server = Server::start("bad-login");
    server.setup_admin();
    let user = User::new("bad-login");

    let err = user
        .run_with_stdin(
            &[
                "login",
                "--server",
                &server.url,
                "--email",
                ADMIN_EMAIL,
                "--password-stdin",
            ],
            "wrong password\n",
        )
        .fails();
    assert!(err.contains("401"), "{err}");
    assert!(!user.config.exists(), "no credentials after a failed login");

    let err = user.run(&["task", "list"]).fails();
    assert!(err.contains("not logged in"), "{err}");

    let err = user
        .run(&["whoami", "--server", &server.url, "--token", "not-a-token"])
        .fails();
    assert!(err.contains("401"), "{err}");

    let err = user
        .run(&["whoami", "--server", "http://127.0.0.1:1", "--token", "x"])
        .fails();
    assert!(
        err.contains("cannot reach server at http://127.0.0.1:1"),
        "{err}"
    );
}

#[test]
fn logout_revokes_the_token_and_deletes_the_file() {
    let server = Server::start("logout");
    server.setup_admin();
    let user = User::new("logout");
    user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    let token = user.stored_str("token");
    block_on(server.client(Some(token.clone())).me()).expect("token works before logout");

    let out = user.run(&["logout"]).ok();
    assert!(out.contains("Logged out"), "{out}");
    assert!(!user.config.exists(), "credentials file removed");

    let err = block_on(server.client(Some(token.clone())).me()).unwrap_err();
    assert_eq!(err.status(), Some(401), "{err}");
    let err = user
        .run(&["whoami", "--server", &server.url, "--token", &token])
        .fails();
    assert!(err.contains("401"), "{err}");
    let err = user.run(&["logout"]).fails();
    assert!(err.contains("not logged in"), "{err}");
}

#[test]
fn logging_in_again_replaces_the_old_token() {
    let server = Server::start("relogin");
    server.setup_admin();
    let user = User::new("relogin");
    user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    let first = user.stored_str("token");
    user.run(&["workspace", "create", "--name", "Acme", "--slug", "acme"])
        .ok();
    user.run(&["workspace", "use", "acme"]).ok();

    // A credentials file someone loosened is rewritten private.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&user.config, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    #[cfg(unix)]
    assert_eq!(mode(&user.config), 0o600);
    let second = user.stored_str("token");
    assert_ne!(first, second);
    assert_eq!(
        user.stored_str("workspace"),
        "acme",
        "default workspace kept"
    );
    let err = block_on(server.client(Some(first)).me()).unwrap_err();
    assert_eq!(err.status(), Some(401), "old token revoked: {err}");
    block_on(server.client(Some(second)).me()).expect("new token works");
}

#[test]
fn logout_keeps_credentials_when_the_server_is_down_unless_forced() {
    let server = Server::start("logout-down");
    server.setup_admin();
    let user = User::new("logout-down");
    user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    drop(server);

    let err = user.run(&["logout"]).fails();
    assert!(err.contains("cannot reach server"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert!(user.config.exists(), "credentials kept");
    let out = user.run(&["logout", "--force"]).ok();
    assert!(out.contains("NOT revoked"), "{out}");
    assert!(!user.config.exists());
}

#[test]
fn workspaces_products_and_the_default_workspace() {
    let server = Server::start("workspaces");
    server.setup_admin();
    let user = User::new("workspaces");
    user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);

    let out = user.run(&["workspace", "list"]).ok();
    assert!(out.contains("No workspaces"), "{out}");
    let err = user.run(&["product", "list"]).fails();
    assert!(err.contains("workspace create"), "{err}");

    let out = user
        .run(&[
            "workspace",
            "create",
            "--name",
            "Acme Inc.",
            "--slug",
            "acme",
        ])
        .ok();
    assert!(out.contains("acme"), "{out}");
    // With exactly one workspace, it is used without asking.
    user.run(&[
        "product", "create", "--name", "Keel", "--key", "KEEL", "--vision", "Ship",
    ])
    .ok();

    let ws = user.run(&[
        "workspace",
        "create",
        "--name",
        "Beta",
        "--slug",
        "beta",
        "--json",
    ]);
    let ws: Workspace = serde_json::from_str(&ws.ok()).unwrap();
    assert_eq!(ws.slug, "beta");
    assert_eq!(ws.role, "owner");

    let list: Page<Workspace> =
        serde_json::from_value(user.run(&["workspace", "list", "--json"]).json()).unwrap();
    let mut slugs: Vec<_> = list.items.iter().map(|w| w.slug.as_str()).collect();
    slugs.sort_unstable();
    assert_eq!(slugs, ["acme", "beta"]);
    let table = user.run(&["workspace", "list"]).ok();
    assert!(
        table.contains("SLUG") && table.contains("Acme Inc.") && table.contains("beta"),
        "{table}"
    );

    // Two workspaces: the CLI asks which one.
    let err = user.run(&["product", "list"]).fails();
    assert!(err.contains("acme") && err.contains("beta"), "{err}");

    let out = user.run(&["product", "list", "-w", "acme"]).ok();
    assert!(out.contains("KEEL") && out.contains("Keel"), "{out}");
    let products = user
        .run(&["product", "list", "--workspace", "beta", "--json"])
        .json();
    assert_eq!(products["items"].as_array().unwrap().len(), 0);

    let mut command = user.command(&["product", "list"]);
    command.env("KEEL_WORKSPACE", "acme");
    let out = collect(command.output().unwrap()).ok();
    assert!(out.contains("KEEL"), "{out}");

    user.run(&["workspace", "use", "acme"]).ok();
    assert_eq!(user.stored_str("workspace"), "acme");
    #[cfg(unix)]
    assert_eq!(mode(&user.config), 0o600);
    let out = user.run(&["product", "list"]).ok();
    assert!(out.contains("KEEL"), "{out}");
    let table = user.run(&["workspace", "list"]).ok();
    assert!(
        table
            .lines()
            .any(|l| l.starts_with("acme") && l.ends_with('*')),
        "{table}"
    );

    let err = user.run(&["workspace", "use", "nope"]).fails();
    assert!(err.contains("404"), "{err}");
    assert_eq!(user.stored_str("workspace"), "acme");

    // The same server by another name, with a token from the environment:
    // saving a default would replace the saved login, so it is refused.
    let token = user.stored_str("token");
    let other_name = server.url.replace("127.0.0.1", "localhost");
    let mut command = user.command(&["workspace", "use", "beta"]);
    command
        .env("KEEL_SERVER", &other_name)
        .env("KEEL_TOKEN", &token);
    let err = collect(command.output().unwrap()).fails();
    assert!(err.contains("saved login"), "{err}");
    assert_eq!(user.stored_str("token"), token);
    assert_eq!(user.stored_str("workspace"), "acme");

    // Creating a duplicate product key names the problem.
    let err = user
        .run(&["product", "create", "--name", "Again", "--key", "KEEL"])
        .fails();
    assert!(err.contains("409") || err.contains("key"), "{err}");
}

#[test]
fn task_journey() {
    let (_server, user) = ready("tasks");

    let key = user
        .run(&[
            "task",
            "add",
            "Fix the login page",
            "--product",
            "KEEL",
            "--description",
            "The button is *gone*.",
            "--priority",
            "high",
            "--type",
            "bug",
            "--estimate",
            "3",
            "--due",
            "2030-01-31",
            "--label",
            "auth,ui",
        ])
        .ok();
    let key = key.trim().to_owned();
    assert_eq!(key, "KEEL-1");
    let second = user.run(&["task", "add", "Write docs"]).ok();
    assert_eq!(second.trim(), "KEEL-2", "the only product is the default");
    let sub = user
        .run(&[
            "task",
            "add",
            "Add a test",
            "-p",
            "KEEL",
            "--parent",
            "KEEL-1",
            "--json",
        ])
        .json();
    assert_eq!(sub["key"], "KEEL-3");
    assert_eq!(sub["parent"], "KEEL-1");

    let table = user.run(&["task", "list"]).ok();
    for needle in [
        "KEY",
        "KEEL-1",
        "KEEL-2",
        "KEEL-3",
        "Fix the login page",
        "high",
    ] {
        assert!(table.contains(needle), "{needle} missing from:\n{table}");
    }
    let page: Page<Task> =
        serde_json::from_value(user.run(&["task", "list", "--json"]).json()).unwrap();
    assert_eq!(page.items.len(), 3);
    let page: Page<Task> = serde_json::from_value(
        user.run(&["task", "list", "--priority", "high", "--json"])
            .json(),
    )
    .unwrap();
    assert_eq!(
        page.items
            .iter()
            .map(|t| t.key.as_str())
            .collect::<Vec<_>>(),
        ["KEEL-1"]
    );
    let page: Page<Task> = serde_json::from_value(
        user.run(&["task", "list", "--label", "ui", "--json"])
            .json(),
    )
    .unwrap();
    assert_eq!(page.items.len(), 1);

    let out = user.run(&["task", "show", "KEEL-1"]).ok();
    for needle in [
        "KEEL-1",
        "Fix the login page",
        "high",
        "bug",
        "2030-01-31",
        "auth, ui",
        "The button is *gone*.",
        "Sub-tasks (1)",
        "KEEL-3",
    ] {
        assert!(out.contains(needle), "{needle} missing from:\n{out}");
    }

    let task = user
        .run(&[
            "task",
            "edit",
            "KEEL-1",
            "--title",
            "Fix the sign-in page",
            "--add-label",
            "p1",
            "--json",
        ])
        .json();
    assert_eq!(task["title"], "Fix the sign-in page");
    assert_eq!(task["labels"], serde_json::json!(["auth", "ui", "p1"]));
    let out = user
        .run(&[
            "task",
            "edit",
            "KEEL-1",
            "--remove-label",
            "ui",
            "--estimate",
            "none",
        ])
        .ok();
    assert!(out.contains("Updated KEEL-1"), "{out}");

    let out = user.run(&["task", "move", "KEEL-1", "in-progress"]).ok();
    assert!(out.contains("in_progress"), "{out}");
    let any_of = user
        .run(&["task", "list", "--status", "todo, In Progress", "--json"])
        .json();
    assert_eq!(any_of["items"].as_array().unwrap().len(), 3, "{any_of}");
    let out = user.run(&["task", "assign", "KEEL-1", "me"]).ok();
    assert!(out.contains(ADMIN_EMAIL), "{out}");
    let mine: Page<Task> = serde_json::from_value(
        user.run(&["task", "list", "--assignee", "me", "--json"])
            .json(),
    )
    .unwrap();
    assert_eq!(
        mine.items
            .iter()
            .map(|t| t.key.as_str())
            .collect::<Vec<_>>(),
        ["KEEL-1"]
    );

    let out = user
        .run(&["task", "comment", "KEEL-1", "Reproduced on Firefox."])
        .ok();
    assert!(out.contains("KEEL-1"), "{out}");
    let out = user.run(&["task", "done", "KEEL-1"]).ok();
    assert!(out.contains("done"), "{out}");

    let details = user.run(&["task", "show", "KEEL-1", "--json"]).json();
    let task = &details["task"];
    assert_eq!(task["status"], "done");
    assert_eq!(task["title"], "Fix the sign-in page");
    assert_eq!(task["labels"], serde_json::json!(["auth", "p1"]));
    assert_eq!(task["estimate"], Value::Null);
    assert_eq!(task["assignee"]["email"], ADMIN_EMAIL);
    assert!(task["completed_at"].is_string());
    assert_eq!(details["sub_tasks"][0]["key"], "KEEL-3");
    assert_eq!(details["comments"][0]["body"], "Reproduced on Firefox.");
    let activity = details["activity"].as_array().unwrap();
    assert!(
        activity
            .iter()
            .any(|a| a["field"] == "status" && a["to"] == "done"),
        "{activity:#?}"
    );
    assert!(
        activity.iter().any(|a| a["field"] == "title"),
        "{activity:#?}"
    );

    let out = user.run(&["task", "show", "KEEL-1"]).ok();
    for needle in ["Comments (1)", "Reproduced on Firefox.", "Activity", "done"] {
        assert!(out.contains(needle), "{needle} missing from:\n{out}");
    }

    let out = user.run(&["task", "assign", "KEEL-1", "none"]).ok();
    assert!(out.contains("unassigned"), "{out}");
    let task = user.run(&["task", "show", "KEEL-1", "--json"]).json();
    assert_eq!(task["task"]["assignee"], Value::Null);

    let out = user.run(&["task", "delete", "KEEL-2", "--yes"]).ok();
    assert!(out.contains("Deleted KEEL-2"), "{out}");
    let err = user.run(&["task", "show", "KEEL-2"]).fails();
    assert!(err.contains("404"), "{err}");
}

#[test]
fn task_errors_are_clear_one_liners() {
    let (_server, user) = ready("task-errors");
    user.run(&["task", "add", "Something", "-p", "KEEL"]).ok();

    let err = user.run(&["task", "show", "KEEL-999"]).fails();
    assert!(err.contains("404"), "{err}");
    let err = user.run(&["task", "move", "KEEL-1", "sideways"]).fails();
    assert!(err.contains("status"), "the field is named: {err}");
    assert!(err.contains("422") || err.contains("400"), "{err}");
    let err = user.run(&["task", "add", "", "-p", "KEEL"]).fails();
    assert!(err.contains("title"), "{err}");
    let err = user.run(&["task", "add", "x", "-p", "NOPE"]).fails();
    assert!(err.contains("product") || err.contains("404"), "{err}");
    let err = user
        .run(&["task", "add", "x", "-p", "KEEL", "--due", "tomorrow"])
        .fails();
    assert!(err.contains("due_date"), "{err}");
    // Words Rust reads as numbers are not numbers here: sent as JSON they
    // would become null and clear the estimate.
    let not_numbers: [&[&str]; 2] = [
        &["task", "add", "x", "-p", "KEEL", "--estimate", "nan"],
        &["task", "edit", "KEEL-1", "--estimate", "inf"],
    ];
    for args in not_numbers {
        let run = user.run(args);
        assert_eq!(run.code, Some(2), "{run:?}");
        assert!(run.stderr.contains("is not a number"), "{}", run.stderr);
    }
    let err = user.run(&["task", "edit", "KEEL-1"]).fails();
    assert!(err.contains("nothing to change"), "{err}");
    let err = user.run(&["task", "delete", "KEEL-1"]).fails();
    assert!(err.contains("--yes"), "{err}");
    let err = user.run(&["task", "list", "-w", "nowhere"]).fails();
    assert!(err.contains("404"), "{err}");

    // A stale version is refused and nothing changes.
    let task = user.run(&["task", "show", "KEEL-1", "--json"]).json();
    let version = task["task"]["version"].as_i64().unwrap();
    let stale = (version - 1).to_string();
    let fresh = version.to_string();
    let err = user
        .run(&[
            "task",
            "edit",
            "KEEL-1",
            "--title",
            "Changed",
            "--if-version",
            &stale,
        ])
        .fails();
    assert!(err.contains("412"), "{err}");
    let task = user.run(&["task", "show", "KEEL-1", "--json"]).json();
    assert_eq!(task["task"]["title"], "Something");
    user.run(&[
        "task",
        "edit",
        "KEEL-1",
        "--title",
        "Changed",
        "--if-version",
        &fresh,
    ])
    .ok();
}

#[test]
fn task_list_pages_and_all() {
    let (_server, user) = ready("paging");
    for n in 1..=5 {
        user.run(&["task", "add", &format!("Task {n}"), "-p", "KEEL"])
            .ok();
    }
    let run = user.run(&["task", "list", "--limit", "2"]);
    assert!(
        run.stderr.contains("--all"),
        "hint about more pages: {}",
        run.stderr
    );
    let out = run.ok();
    assert_eq!(
        out.lines().filter(|l| l.starts_with("KEEL-")).count(),
        2,
        "{out}"
    );

    let page = user.run(&["task", "list", "--limit", "2", "--json"]).json();
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let next = user
        .run(&[
            "task", "list", "--limit", "2", "--cursor", &cursor, "--json",
        ])
        .json();
    assert_eq!(next["items"].as_array().unwrap().len(), 2);
    assert_ne!(next["items"][0]["key"], page["items"][0]["key"]);

    let all = user
        .run(&["task", "list", "--limit", "2", "--all", "--json"])
        .json();
    let mut keys: Vec<String> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap().to_owned())
        .collect();
    keys.sort();
    assert_eq!(keys, ["KEEL-1", "KEEL-2", "KEEL-3", "KEEL-4", "KEEL-5"]);
    assert_eq!(all["next_cursor"], Value::Null);
}

#[test]
fn members_and_teams() {
    let (server, admin) = ready("members");
    let admin_token = admin.stored_str("token");
    block_on(server.client(Some(admin_token)).create_user(&NewUser {
        email: "bob@example.com".into(),
        name: "Bob".into(),
        password: "another long password".into(),
    }))
    .expect("POST /api/v1/admin/users");

    let out = admin
        .run(&["member", "add", "bob@example.com", "--role", "viewer"])
        .ok();
    assert!(out.contains("viewer"), "{out}");
    let out = admin.run(&["member", "list"]).ok();
    assert!(
        out.contains("bob@example.com") && out.contains("owner"),
        "{out}"
    );
    let out = admin
        .run(&["member", "set", "bob@example.com", "--role", "member"])
        .ok();
    assert!(out.contains("member"), "{out}");

    // Bob, through his own CLI login, sees the workspace and may work on tasks.
    let bob = User::new("bob");
    bob.login(&server, "bob@example.com", "another long password");
    let key = bob.run(&["task", "add", "Bob's task", "-p", "KEEL"]).ok();
    assert_eq!(key.trim(), "KEEL-1");
    let err = bob
        .run(&["member", "add", "ada@example.com", "--role", "admin"])
        .fails();
    assert!(err.contains("403"), "{err}");

    let out = admin.run(&["member", "deactivate", "bob@example.com"]).ok();
    assert!(out.contains("deactivated"), "{out}");
    let members = admin.run(&["member", "list", "--json"]).json();
    let bob_row = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["user"]["email"] == "bob@example.com")
        .unwrap()
        .clone();
    assert_eq!(bob_row["active"], false);
    bob.run(&["task", "list", "-w", "acme"]).fails();

    let out = admin
        .run(&["team", "create", "--key", "eng", "--name", "Engineering"])
        .ok();
    assert!(out.contains("eng"), "{out}");
    let teams = admin.run(&["team", "list", "--json"]).json();
    assert_eq!(teams["items"][0]["key"], "eng");
    let task = admin
        .run(&[
            "task",
            "add",
            "Team task",
            "-p",
            "KEEL",
            "--team",
            "eng",
            "--json",
        ])
        .json();
    assert_eq!(task["team"], "eng");
}

#[test]
fn help_and_completions_need_no_server() {
    let user = User::new("help");
    for args in [
        &["--help"][..],
        &["task", "--help"],
        &["task", "add", "--help"],
        &["login", "--help"],
        &["workspace", "use", "--help"],
    ] {
        let out = user.run(args).ok();
        assert!(out.contains("Usage:"), "{args:?}: {out}");
    }
    // A reader that goes away early (`keel … | head -1`) is not an error.
    let mut child = user.command(&["completions", "bash"]).spawn().unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{output:?}");
    assert!(output.stderr.is_empty(), "{output:?}");

    for shell in ["bash", "zsh", "fish"] {
        let out = user.run(&["completions", shell]).ok();
        assert!(out.contains("keel"), "{shell}");
        assert!(out.contains("task"), "{shell}");
    }
}

#[test]
fn my_day_journey() {
    let (_server, user) = ready("myday");
    for title in ["Write the docs", "Fix the build", "Answer the audit"] {
        user.run(&["task", "add", title]).ok();
    }
    let day = "2026-03-05";
    let next = "2026-03-06";
    for key in ["KEEL-1", "KEEL-2", "KEEL-3"] {
        let out = user.run(&["my-day", "add", key, "--date", day]).ok();
        assert_eq!(out.trim(), format!("Added {key} to {day}."));
    }
    let shown = user.run(&["my-day", "--date", day]).ok();
    assert!(shown.starts_with("My day, 2026-03-05"), "{shown}");
    for needle in [
        "KEY",
        "[ ]",
        "KEEL-1",
        "Write the docs",
        "Fix the build",
        "todo",
    ] {
        assert!(shown.contains(needle), "{needle} missing from:\n{shown}");
    }

    // Checking off keeps the task open; --task finishes it too.
    let out = user.run(&["my-day", "done", "keel-1", "--date", day]).ok();
    assert_eq!(out.trim(), "Checked off KEEL-1.");
    let task = user.run(&["task", "show", "KEEL-1", "--json"]).json();
    assert_eq!(task["task"]["status"], "todo");
    let out = user
        .run(&["my-day", "done", "KEEL-2", "--task", "--date", day])
        .ok();
    assert_eq!(out.trim(), "Checked off KEEL-2 and marked it done.");
    let task = user.run(&["task", "show", "KEEL-2", "--json"]).json();
    assert_eq!(task["task"]["status"], "done");
    let json = user.run(&["my-day", "--date", day, "--json"]).json();
    let done: Vec<bool> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["done_at"].is_string())
        .collect();
    assert_eq!(done, [true, true, false]);
    let shown = user.run(&["my-day", "ls", "--date", day]).ok();
    assert!(shown.contains("2 of 3 checked off"), "{shown}");

    // The next day offers what was left, and `carry` takes it over.
    let shown = user.run(&["my-day", "--date", next]).ok();
    assert!(shown.contains("Nothing planned yet"), "{shown}");
    assert!(
        shown.contains("1 left unfinished on 2026-03-05 (KEEL-3)"),
        "{shown}"
    );
    let shown = user.run(&["my-day", "carry", "--date", next]).ok();
    assert!(shown.contains("KEEL-3"), "{shown}");
    assert!(!shown.contains("left unfinished"), "{shown}");
    let out = user.run(&["my-day", "undo", "KEEL-3", "--date", next]).ok();
    assert_eq!(out.trim(), "KEEL-3 is open again for 2026-03-06.");
    let out = user.run(&["my-day", "rm", "KEEL-3", "--date", next]).ok();
    assert_eq!(out.trim(), "Took KEEL-3 off 2026-03-06.");

    let history = user.run(&["my-day", "history", "--date", next]).ok();
    assert!(history.contains("2026-03-05"), "{history}");
    assert!(history.contains("2/3"), "{history}");
    assert!(history.contains("✓KEEL-1"), "{history}");

    // Mistakes are one-line errors.
    let err = user
        .run(&["my-day", "done", "KEEL-9", "--date", day])
        .fails();
    assert!(err.contains("KEEL-9 is not planned on 2026-03-05"), "{err}");
    let err = user
        .run(&["my-day", "add", "KEEL-1", "--date", day])
        .fails();
    assert!(err.contains("already planned"), "{err}");
    let err = user.run(&["my-day", "--date", "tomorrow"]).fails();
    assert!(err.contains("YYYY-MM-DD"), "{err}");

    // Without --date: today on this computer.
    let today = String::from_utf8(
        Command::new("date")
            .arg("+%Y-%m-%d")
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let out = user.run(&["my-day", "add", "KEEL-1"]).ok();
    assert_eq!(out.trim(), format!("Added KEEL-1 to {}.", today.trim()));
}

#[test]
fn feedback_and_feature_journey() {
    let (_server, user) = ready("feedback");
    let feature = user
        .run(&["feature", "add", "Calendar view", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    let id = user
        .run(&[
            "feedback",
            "add",
            "I need a calendar to see deadlines",
            "--product",
            "KEEL",
            "--source",
            "sales-call",
            "--tag",
            "calendar",
            "--date",
            "2026-03-05",
        ])
        .ok()
        .trim()
        .to_string();
    assert_eq!(id.len(), 32, "an id: {id}");
    let listed = user.run(&["feedback", "list", "--tag", "calendar"]).ok();
    for needle in [
        "STATUS",
        "new",
        "anonymous",
        "sales_call",
        "2026-03-05",
        "calendar to see",
    ] {
        assert!(listed.contains(needle), "{needle} missing from:\n{listed}");
    }
    let out = user
        .run(&[
            "fb",
            "link",
            &id,
            "--feature",
            &feature,
            "--importance",
            "Critical",
            "--excerpt",
            "calendar",
        ])
        .ok();
    assert_eq!(out.trim(), "Linked to Calendar view as critical.");
    let shown = user.run(&["feedback", "show", &id]).ok();
    assert!(
        shown.contains("→ Calendar view (critical): \"calendar\""),
        "{shown}"
    );
    let json = user.run(&["feedback", "show", &id, "--json"]).json();
    assert_eq!(json["status"], "linked");
    let ranked = user.run(&["feature", "list"]).ok();
    assert!(ranked.contains("Calendar view"), "{ranked}");
    // Ranked by a score: unscored features are listed too, last, with "-".
    let by_rice = user.run(&["feature", "list", "--sort", "rice"]).ok();
    assert!(by_rice.contains("RICE"), "{by_rice}");
    assert!(by_rice.contains("Calendar view"), "{by_rice}");
    let evidence = user.run(&["feature", "evidence", &feature]).ok();
    assert!(evidence.starts_with("demand 3 · 1 feedback"), "{evidence}");
    assert!(
        evidence.contains("\"calendar\" — anonymous (critical)"),
        "{evidence}"
    );

    // Mistakes are one-line errors naming the field.
    let err = user
        .run(&[
            "feedback",
            "add",
            "x",
            "--product",
            "KEEL",
            "--source",
            "fax",
        ])
        .fails();
    assert!(err.contains("source"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let err = user
        .run(&["feedback", "link", &id, "--feature", "nope"])
        .fails();
    assert!(err.contains("feature"), "{err}");
}

#[test]
fn import_feedback_from_csv() {
    let (_server, user) = ready("import");
    let dir = TempDir::new("import-files");
    let good = dir.0.join("survey.csv");
    std::fs::write(
        &good,
        "\u{FEFF}When,Email,Answer,Topics\r\n\
         2026-03-01,ana@acme.test,\"Export is slow, please fix\",export;speed\r\n\
         2026-03-02,ANA@acme.test,I love the board,board\r\n\
         2026-03-03,,\"Two\nlines\",\r\n",
    )
    .unwrap();
    let file = good.to_str().unwrap();
    let map = [
        "--map",
        "When=received_on",
        "--map",
        "Email=customer_email",
        "--map",
        "Answer=text",
        "--map",
        "Topics=tags",
    ];
    let mut args = vec![
        "import",
        "feedback",
        file,
        "--product",
        "KEEL",
        "--source",
        "survey",
    ];
    args.extend(map);

    // A dry run writes nothing.
    let mut dry = args.clone();
    dry.push("--dry-run");
    let out = user.run(&dry).ok();
    assert_eq!(
        out.trim(),
        "Dry run: 3 rows checked, no problems. Importing would create 3 feedback items in KEEL \
         (1 customer new, 0 matched by email). Nothing was written."
    );
    let list = user.run(&["feedback", "list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 0, "{list}");

    let out = user.run(&args).ok();
    assert_eq!(
        out.trim(),
        "Imported 3 feedback items into KEEL (1 customer new, 0 matched by email)."
    );
    let list = user.run(&["feedback", "list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 3, "{list}");
    let mut json_args = args.clone();
    json_args.push("--json");
    let again = user.run(&json_args).json();
    assert_eq!(again["customers_matched"], 1);

    // A bad file: every problem on its own line, exit code non-zero,
    // nothing written.
    let bad = dir.0.join("bad.csv");
    std::fs::write(
        &bad,
        "When,Email,Answer,Topics\n\
         2026-03-01,ana@acme.test,fine,\n\
         someday,not-an-email,,\n",
    )
    .unwrap();
    let mut bad_args = args.clone();
    bad_args[2] = bad.to_str().unwrap();
    let run = user.run(&bad_args);
    assert_eq!(run.code, Some(1), "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "line 3, column \"When\": must be a date YYYY-MM-DD",
            "line 3, column \"Email\": must be an email address like name@example.com",
            "line 3, column \"Answer\": must not be empty",
            &format!(
                "error: {}: 3 problems found; nothing was imported",
                bad.display()
            ),
        ]
    );
    let list = user.run(&["feedback", "list", "--json"]).json();
    assert_eq!(list.as_array().unwrap().len(), 6, "{list}");

    // Mapping mistakes and a missing file are one-line errors.
    let err = user
        .run(&[
            "import",
            "feedback",
            file,
            "--product",
            "KEEL",
            "--map",
            "Answer=txt",
        ])
        .fails();
    assert!(err.contains("unknown field \"txt\""), "{err}");
    let err = user
        .run(&[
            "import",
            "feedback",
            "/nonexistent.csv",
            "--product",
            "KEEL",
        ])
        .fails();
    assert!(err.contains("cannot read /nonexistent.csv"), "{err}");
}

#[test]
fn search_across_kinds() {
    let (_server, user) = ready("search");
    let key = user
        .run(&["task", "add", "Export to CSV", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    user.run(&[
        "feedback",
        "add",
        "The export to Excel is too slow",
        "--product",
        "KEEL",
    ])
    .ok();
    // Words may be given as one argument or several; the last is a prefix.
    let table = user.run(&["search", "export", "to"]).ok();
    for needle in [
        "KIND",
        "MATCH",
        "task",
        &key,
        "«Export» «to» CSV",
        "feedback",
    ] {
        assert!(table.contains(needle), "{needle} missing from:\n{table}");
    }
    assert!(
        table.find(&key).unwrap() < table.find("feedback").unwrap(),
        "the title match first:\n{table}"
    );
    let hits = user
        .run(&["search", "expo", "--kind", "feedback", "--json"])
        .json();
    assert_eq!(hits.as_array().unwrap().len(), 1, "{hits}");
    assert_eq!(hits[0]["kind"], "feedback");
    assert_eq!(hits[0]["snippet"], "The «export» to Excel is too slow");
    assert_eq!(
        user.run(&["search", "nothing-like-it"]).ok().trim(),
        "Nothing found."
    );
    let err = user.run(&["search", "export", "--kind", "tasks"]).fails();
    assert!(err.contains("kind"), "{err}");
}

/// One HTTP/1.1 request with the user's token, for what the CLI has no
/// command for (shipping a feature); returns the status code.
fn raw_request(server: &Server, token: &str, method: &str, path: &str, body: &str) -> u16 {
    use std::io::Read;
    let address = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {response}"))
}

#[test]
fn customers_and_companies() {
    let (server, user) = ready("customers");
    let company = user
        .run(&[
            "company",
            "add",
            "Initech",
            "--segment",
            "enterprise",
            "--plan",
            "Gold",
            "--arr",
            "250000",
            "--attr",
            "region=EMEA",
        ])
        .ok()
        .trim()
        .to_string();
    assert_eq!(company.len(), 32, "an id: {company}");
    let listed = user.run(&["company", "list"]).ok();
    for needle in ["NAME", "ARR", "Initech", "enterprise", "Gold", "250000"] {
        assert!(listed.contains(needle), "{needle} missing from:\n{listed}");
    }

    // Customers: company by name in any case; the segment comes from it.
    let peter = user
        .run(&[
            "customer",
            "add",
            "Peter Gibbons",
            "--email",
            "Peter@Initech.test",
            "--company",
            "initech",
            "--attr",
            "role=Engineer",
        ])
        .ok()
        .trim()
        .to_string();
    user.run(&[
        "customer",
        "add",
        "Samir Nagheenanajar",
        "-e",
        "samir@initech.test",
        "-c",
        "Initech",
        "-s",
        "smb",
    ])
    .ok();
    let listed = user.run(&["customer", "list"]).ok();
    for needle in [
        "EMAIL",
        "Peter Gibbons",
        "peter@initech.test",
        "Samir",
        "smb",
    ] {
        assert!(listed.contains(needle), "{needle} missing from:\n{listed}");
    }
    let listed = user
        .run(&[
            "customer",
            "ls",
            "--company",
            "INITECH",
            "--segment",
            "enterprise",
        ])
        .ok();
    assert!(listed.contains("Peter Gibbons"), "{listed}");
    assert!(!listed.contains("Samir"), "{listed}");
    let json = user
        .run(&["customer", "list", "--q", "samir", "--json"])
        .json();
    assert_eq!(json["items"].as_array().unwrap().len(), 1);
    assert_eq!(json["items"][0]["segment"], "smb");

    // What they said, and what shipped for them.
    let feature = user
        .run(&["feature", "add", "Single sign-on", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    let said = user
        .run(&[
            "feedback",
            "add",
            "We need SSO through Okta",
            "--product",
            "KEEL",
            "--customer",
            "peter@initech.test",
        ])
        .ok()
        .trim()
        .to_string();
    user.run(&[
        "feedback",
        "add",
        "TPS reports need cover sheets",
        "--product",
        "KEEL",
        "--customer",
        "PETER@initech.test",
    ])
    .ok();
    user.run(&["feedback", "link", &said, "--feature", &feature])
        .ok();
    let token = user.stored_str("token");
    let status = raw_request(
        &server,
        &token,
        "PATCH",
        &format!("/api/v1/workspaces/acme/features/{feature}"),
        r#"{"status":"shipped"}"#,
    );
    assert_eq!(status, 200);
    let shown = user.run(&["customer", "show", "peter@INITECH.test"]).ok();
    for needle in [
        "Peter Gibbons",
        "Initech (ARR 250000)",
        "enterprise",
        "role:",
        "Engineer",
        "What they said (2):",
        "We need SSO through Okta",
        "TPS reports need cover sheets",
        "Features they asked for (1, 1 shipped for them):",
        "Single sign-on  (SHIPPED for them)",
    ] {
        assert!(shown.contains(needle), "{needle} missing from:\n{shown}");
    }
    let json = user.run(&["customer", "show", &peter, "--json"]).json();
    assert_eq!(json["email"], "peter@initech.test");
    assert_eq!(json["feedback_count"], 2);

    // Edits; a stale version changes nothing.
    let out = user
        .run(&[
            "customer",
            "edit",
            "peter@initech.test",
            "--segment",
            "mid-market",
            "--attr",
            "role=CTO",
            "--attr",
            "seats=12",
        ])
        .ok();
    assert_eq!(out.trim(), "Updated Peter Gibbons (version 2).");
    let json = user.run(&["customer", "show", &peter, "--json"]).json();
    assert_eq!(json["segment"], "mid-market");
    assert_eq!(json["attributes"]["role"], "CTO");
    assert_eq!(json["attributes"]["seats"], "12");
    assert_eq!(json["company"]["name"], "Initech");
    user.run(&[
        "customer",
        "edit",
        &peter,
        "--name",
        "Pete",
        "--if-version",
        "1",
    ])
    .fails();
    user.run(&["customer", "edit", &peter, "--clear-attrs"])
        .ok();
    let json = user.run(&["customer", "show", &peter, "--json"]).json();
    assert_eq!(json["attributes"], serde_json::json!({}));
    assert_eq!(json["name"], "Peter Gibbons");

    // Companies: shown by name with their customers.
    let shown = user.run(&["company", "show", "initech"]).ok();
    for needle in [
        "Initech",
        "Gold",
        "250000",
        "region:",
        "EMEA",
        "Peter Gibbons",
        "Samir",
    ] {
        assert!(shown.contains(needle), "{needle} missing from:\n{shown}");
    }
    let out = user
        .run(&[
            "company", "edit", "Initech", "--arr", "none", "--plan", "Platinum",
        ])
        .ok();
    assert_eq!(out.trim(), "Updated Initech (version 2).");
    let json = user.run(&["company", "show", &company, "--json"]).json();
    assert_eq!(json["company"]["arr"], Value::Null);
    assert_eq!(json["company"]["plan"], "Platinum");
    assert_eq!(json["customers"].as_array().unwrap().len(), 2);

    // Their data: to stdout, or to a file.
    let export: Value =
        serde_json::from_str(&user.run(&["customer", "export", "peter@initech.test"]).ok())
            .unwrap();
    assert_eq!(export["customer"]["email"], "peter@initech.test");
    assert_eq!(export["company"]["name"], "Initech");
    assert_eq!(export["feedback"].as_array().unwrap().len(), 2);
    assert_eq!(export["features"][0]["status"], "shipped");
    let dir = TempDir::new("export");
    let file = dir.0.join("peter.json");
    let run = user.run(&[
        "customer",
        "export",
        &peter,
        "--output",
        file.to_str().unwrap(),
    ]);
    assert!(
        run.stderr
            .contains("Wrote everything stored about Peter Gibbons"),
        "{run:?}"
    );
    assert_eq!(run.ok(), "");
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(written["customer"]["id"], peter.as_str());
    assert_eq!(written["feedback"], export["feedback"]);

    // Deleting asks first: without a terminal it needs --yes.
    let err = user
        .run(&["customer", "delete", "peter@initech.test"])
        .fails();
    assert!(err.contains("add --yes"), "{err}");
    user.run(&["customer", "show", &peter]).ok();
    let out = user
        .run(&["customer", "delete", "peter@initech.test", "--yes"])
        .ok();
    assert_eq!(
        out.trim(),
        "Deleted Peter Gibbons; their 2 feedback items are kept without their name."
    );
    let feedback = user.run(&["feedback", "show", &said, "--json"]).json();
    assert_eq!(feedback["customer"], Value::Null);
    assert_eq!(feedback["text"], "We need SSO through Okta");
    let err = user
        .run(&["customer", "show", "peter@initech.test"])
        .fails();
    assert!(
        err.contains("no customer with the email peter@initech.test"),
        "{err}"
    );
    let err = user.run(&["customer", "show", &peter]).fails();
    assert!(err.contains("no customer with the id"), "{err}");

    // Mistakes are one-line errors naming the field.
    let err = user.run(&["company", "add", "initech"]).fails();
    assert!(err.contains("name"), "{err}");
    let err = user
        .run(&["customer", "add", "Milton", "--company", "Initrode"])
        .fails();
    assert!(err.contains("company"), "{err}");
    // (clap's own usage error, with its usage lines)
    let run = user.run(&["customer", "add", "Milton", "--attr", "stapler"]);
    assert_ne!(run.code, Some(0));
    assert!(run.stderr.contains("'stapler' is not key=value"), "{run:?}");
    let err = user.run(&["company", "show", "Initrode"]).fails();
    assert!(err.contains("no company named Initrode"), "{err}");
}

#[test]
fn interviews_list_show_and_turn_into_feedback() {
    let (server, user) = ready("interviews");
    let token = user.stored_str("token");
    // Interviews are written on the web or through the API.
    let body = r#"{"product":"KEEL","title":"Call with Ann","held_on":"2026-11-02",
        "answers":[{"position":2,"answer":"A spreadsheet, by hand."}]}"#;
    let path = "/api/v1/workspaces/acme/interviews";
    assert_eq!(raw_request(&server, &token, "POST", path, body), 201);
    let table = user.run(&["interview", "list"]).ok();
    for needle in ["DATE", "2026-11-02", "1/6", "Call with Ann"] {
        assert!(table.contains(needle), "{needle} missing from:\n{table}");
    }
    let listed = user.run(&["interview", "list", "--json"]).json();
    let id = listed[0]["id"].as_str().unwrap().to_string();
    let shown = user.run(&["interview", "show", &id]).ok();
    assert!(
        shown.contains("3. How do you solve it today?\n   A spreadsheet, by hand."),
        "{shown}"
    );
    assert!(shown.contains("(not answered)"), "{shown}");
    let made = user.run(&["interview", "feedback", &id]).ok();
    assert!(
        made.starts_with("Created 1 feedback item (0 already in the inbox)."),
        "{made}"
    );
    assert!(made.contains("Q: How do you solve it today?"), "{made}");
    let again = user.run(&["interview", "feedback", &id, "--json"]).json();
    assert_eq!(again["created"].as_array().unwrap().len(), 0);
    assert_eq!(again["already_converted"], 1);
    let inbox = user
        .run(&["feedback", "list", "--tag", "interview", "--json"])
        .json();
    assert_eq!(inbox.as_array().unwrap().len(), 1, "{inbox}");
    let err = user.run(&["interview", "show", "nope"]).fails();
    assert!(err.contains("no such interview"), "{err}");
}

#[test]
fn ideas_add_vote_and_promote() {
    let (_server, user) = ready("ideas");
    let dark = user
        .run(&["idea", "add", "Dark mode", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    let export = user
        .run(&[
            "idea",
            "add",
            "Scheduled exports",
            "--product",
            "KEEL",
            "--source",
            "Brainstorm",
            "--public",
        ])
        .ok()
        .trim()
        .to_string();
    assert_eq!(export.len(), 32, "an id: {export}");
    assert_eq!(
        user.run(&["idea", "vote", &export]).ok().trim(),
        "1 vote: Scheduled exports"
    );
    // Voting again changes nothing; --undo takes it back.
    assert_eq!(
        user.run(&["idea", "vote", &export]).ok().trim(),
        "1 vote: Scheduled exports"
    );
    let listed = user.run(&["idea", "list"]).ok();
    let first = listed.lines().nth(1).unwrap_or_default();
    assert!(
        first.contains("Scheduled exports")
            && first.contains("brainstorm")
            && first.contains("yes"),
        "{listed}"
    );
    assert_eq!(
        user.run(&["idea", "vote", &dark, "--undo"]).ok().trim(),
        "0 votes: Dark mode"
    );
    let json = user
        .run(&["idea", "list", "--sort", "newest", "--json"])
        .json();
    assert_eq!(json[0]["title"], "Scheduled exports");
    assert_eq!(json[1]["votes"], 0);

    let feature = user
        .run(&[
            "idea",
            "promote",
            &export,
            "--title",
            "Exports on a schedule",
        ])
        .ok()
        .trim()
        .to_string();
    let ranked = user.run(&["feature", "list", "--json"]).json();
    assert_eq!(ranked[0]["id"], feature.as_str());
    assert_eq!(ranked[0]["title"], "Exports on a schedule");
    let err = user.run(&["idea", "promote", &export]).fails();
    assert!(err.contains("already promoted"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    let err = user
        .run(&[
            "idea",
            "add",
            "x",
            "--product",
            "KEEL",
            "--source",
            "portal",
        ])
        .fails();
    assert!(err.contains("source"), "{err}");
}

#[test]
fn goals_add_list_and_check_in() {
    let (_server, user) = ready("goals");
    let objective = user
        .run(&["goal", "add", "Happier customers", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    assert_eq!(objective.len(), 32, "an id: {objective}");
    // A deadline long past: all the time has elapsed, so the health does
    // not depend on the day the test runs.
    let kr = user
        .run(&[
            "goal",
            "add",
            "Raise NPS",
            "--product",
            "KEEL",
            "--metric",
            "NPS",
            "--baseline",
            "-10",
            "--target",
            "40",
            "--unit",
            "pts",
            "--deadline",
            "2020-01-21",
            "--owner",
            ADMIN_EMAIL,
            "--parent",
            &objective,
        ])
        .ok()
        .trim()
        .to_string();
    assert_eq!(
        user.run(&[
            "goal",
            "checkin",
            &kr,
            "15",
            "--note",
            "survey",
            "--date",
            "2020-01-05"
        ])
        .ok()
        .trim(),
        "Raise NPS: 15 pts of 40 pts (50%), off track"
    );
    assert_eq!(
        user.run(&["goal", "checkin", &kr, "40", "--date", "2020-01-09"])
            .ok()
            .trim(),
        "Raise NPS: 40 pts of 40 pts (100%), done"
    );

    let listed = user.run(&["goal", "list", "--product", "KEEL"]).ok();
    let lines: Vec<&str> = listed.lines().collect();
    assert!(
        lines[0].contains("HEALTH") && lines[0].contains("PROGRESS"),
        "{listed}"
    );
    assert!(
        lines[1].contains("Happier customers") && lines[1].contains("not started"),
        "{listed}"
    );
    assert!(
        lines[2].contains("- Raise NPS") && lines[2].contains("done") && lines[2].contains("100%"),
        "the key result under its objective: {listed}"
    );
    let json = user.run(&["goal", "list", "--json"]).json();
    assert_eq!(json[1]["parent"], objective.as_str());
    assert_eq!(json[1]["current"], 40.0);
    assert_eq!(json[0]["key_results"][0], kr.as_str());

    let err = user
        .run(&[
            "goal",
            "add",
            "x",
            "--product",
            "KEEL",
            "--deadline",
            "soon",
        ])
        .fails();
    assert!(err.contains("deadline"), "{err}");
    let err = user.run(&["goal", "checkin", "nope", "1"]).fails();
    assert!(err.contains("no such goal"), "{err}");
    let err = user.run(&["goal", "list", "--product", "NOPE"]).fails();
    assert!(err.contains("product"), "{err}");
}

#[test]
fn decisions_add_list_and_show() {
    let (_server, user) = ready("decisions");
    let feature = user
        .run(&["feature", "add", "Fax export", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    let declined = user
        .run(&[
            "decision",
            "add",
            "Do not build fax export",
            "--product",
            "KEEL",
            "--outcome",
            "Declined",
            "--rationale",
            "Nobody faxes any more",
            "--option",
            "Build it",
            "--option",
            "PDF instead",
            "--informed",
            "Support lead",
            "--feature",
            &feature,
            "--date",
            "2026-03-01",
        ])
        .ok()
        .trim()
        .to_string();
    assert_eq!(declined.len(), 32, "an id: {declined}");
    user.run(&[
        "decision",
        "add",
        "Ship the beta",
        "--product",
        "KEEL",
        "--outcome",
        "accepted",
        "--date",
        "2026-04-01",
    ])
    .ok();

    // Latest decided first; a missing rationale is shown as missing.
    let listed = user.run(&["decision", "list", "--product", "KEEL"]).ok();
    let lines: Vec<&str> = listed.lines().collect();
    assert!(
        lines[1].contains("Ship the beta") && lines[1].contains("(rationale missing)"),
        "{listed}"
    );
    assert!(
        lines[2].contains("Do not build fax export") && lines[2].contains("declined"),
        "{listed}"
    );
    let json = user
        .run(&["decision", "list", "--outcome", "declined", "--json"])
        .json();
    assert_eq!(json.as_array().unwrap().len(), 1);
    assert_eq!(json[0]["id"], declined.as_str());
    assert_eq!(
        json[0]["options"],
        serde_json::json!(["Build it", "PDF instead"])
    );

    let shown = user.run(&["decision", "show", &declined]).ok();
    assert!(shown.contains("declined · 2026-03-01 · KEEL"), "{shown}");
    assert!(shown.contains("  - PDF instead"), "{shown}");
    assert!(
        shown.contains("Rationale: Nobody faxes any more"),
        "{shown}"
    );
    assert!(shown.contains("Informed: Support lead"), "{shown}");
    assert!(
        shown.contains(&format!("Feature: {feature} (demand 0 from 0 feedback")),
        "{shown}"
    );

    let err = user
        .run(&[
            "decision",
            "add",
            "x",
            "--product",
            "KEEL",
            "--outcome",
            "maybe",
        ])
        .fails();
    assert!(err.contains("outcome"), "{err}");
    let err = user.run(&["decision", "show", "nope"]).fails();
    assert!(err.contains("no such decision"), "{err}");
}

#[test]
fn releases_list_notes_and_ship() {
    let (server, user) = ready("releases");
    let token = user.stored_str("token");
    let export = user
        .run(&["feature", "add", "CSV export", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    user.run(&[
        "customer",
        "add",
        "Ada Lovelace",
        "--email",
        "ada@example.com",
    ])
    .ok();
    let said = user
        .run(&[
            "feedback",
            "add",
            "Please let me export to CSV",
            "--product",
            "KEEL",
            "--customer",
            "ada@example.com",
        ])
        .ok()
        .trim()
        .to_string();
    user.run(&[
        "feedback",
        "link",
        &said,
        "--feature",
        &export,
        "--importance",
        "important",
    ])
    .ok();
    let body = format!(
        r#"{{"product": "KEEL", "version": "1.4.0", "name": "Autumn", "target_date": "2026-12-01", "features": ["{export}"]}}"#
    );
    assert_eq!(
        raw_request(
            &server,
            &token,
            "POST",
            "/api/v1/workspaces/acme/releases",
            &body
        ),
        201
    );

    let listed = user.run(&["release", "list", "--product", "KEEL"]).ok();
    let row = listed.lines().nth(1).unwrap_or_default();
    for needle in ["KEEL", "1.4.0", "planned", "2026-12-01", "Autumn"] {
        assert!(row.contains(needle), "{needle} missing from:\n{listed}");
    }
    assert_eq!(
        user.run(&["release", "notes", "1.4.0"]).ok(),
        "# Keel 1.4.0 — Autumn\n\nPlanned for 2026-12-01\n\n## New\n\n- CSV export\n"
    );
    let html = user.run(&["release", "notes", "1.4.0", "--html"]).ok();
    assert!(
        html.starts_with("<article class=\"release-notes\">\n<h1>Keel 1.4.0 — Autumn</h1>"),
        "{html}"
    );

    let shipped = user.run(&["release", "ship", "1.4.0", "-p", "KEEL"]).ok();
    assert!(
        shipped.starts_with("Shipped KEEL 1.4.0 (1 feature).\nTell 1 customer:\n\n== Ada Lovelace <ada@example.com>\nHi Ada Lovelace,\n"),
        "{shipped}"
    );
    assert!(shipped.contains("- CSV export\n"), "{shipped}");
    let json = user.run(&["release", "list", "--json"]).json();
    assert_eq!(json[0]["status"], "shipped");

    // Mistakes are one-line errors.
    let err = user.run(&["release", "ship", "1.4.0"]).fails();
    assert!(err.contains("already shipped"), "{err}");
    let err = user.run(&["release", "notes", "9.9"]).fails();
    assert!(err.contains("no release 9.9"), "{err}");
}

/// Like [`raw_request`], but answers the JSON body of a success.
fn raw_json(server: &Server, token: &str, method: &str, path: &str, body: &str) -> Value {
    use std::io::Read;
    let address = server.url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, rest) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 2"), "{response}");
    serde_json::from_str(rest).unwrap_or_else(|_| panic!("not JSON: {response}"))
}

#[test]
fn task_why_shows_story_feature_and_customers() {
    let (server, user) = ready("why");
    let token = user.stored_str("token");
    let feature = user
        .run(&["feature", "add", "CSV export", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    let ws = "/api/v1/workspaces/acme";
    let carla = raw_json(
        &server,
        &token,
        "POST",
        &format!("{ws}/customers"),
        r#"{"name":"Carla"}"#,
    );
    let fb = raw_json(
        &server,
        &token,
        "POST",
        &format!("{ws}/feedback"),
        &format!(
            r#"{{"product":"KEEL","text":"CSV please","source":"email","customer":"{}"}}"#,
            carla["id"].as_str().unwrap()
        ),
    );
    raw_json(
        &server,
        &token,
        "POST",
        &format!("{ws}/feedback/{}/links", fb["id"].as_str().unwrap()),
        &format!(r#"{{"feature":"{feature}","importance":"critical"}}"#),
    );
    let story = raw_json(
        &server,
        &token,
        "POST",
        &format!("{ws}/stories"),
        &format!(
            r#"{{"feature":"{feature}","as_a":"accountant","i_want":"a CSV","so_that":"I close the month",
               "acceptance_criteria":[{{"given":"g","when":"w","then":"t"}}]}}"#
        ),
    );
    let made = raw_json(
        &server,
        &token,
        "POST",
        &format!("{ws}/stories/{}/breakdown", story["id"].as_str().unwrap()),
        "{}",
    );
    let key = made["created"][0]["key"].as_str().unwrap();

    let out = user.run(&["task", "why", key]).ok();
    assert_eq!(
        out,
        format!(
            "Why {key}:\n  Story     As a accountant, I want a CSV so that I close the month\n  \
             Feature   CSV export (idea)\n  Asked by  Carla (1 feedback item)\n"
        )
    );
    let json = user.run(&["task", "why", key, "--json"]).json();
    assert_eq!(json["feature"]["id"], feature.as_str());
    assert_eq!(json["customers"][0]["feedback_count"], 1);

    let plain = user
        .run(&["task", "add", "Plain", "--product", "KEEL"])
        .ok()
        .trim()
        .to_string();
    assert_eq!(
        user.run(&["task", "why", &plain]).ok(),
        format!("Why {plain}:\n  Story     (none)\n  Feature   (none)\n")
    );
    let err = user.run(&["task", "why", "KEEL-999"]).fails();
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn update_prints_the_stakeholder_digest() {
    let (server, user) = ready("update");
    let token = user.stored_str("token");
    let ws = "/api/v1/workspaces/acme";
    raw_json(
        &server,
        &token,
        "POST",
        &format!("{ws}/goals"),
        r#"{"product":"KEEL","title":"Happier customers"}"#,
    );
    for (title, date) in [
        ("Drop IE support", "2026-01-10"),
        ("Later call", "2026-03-01"),
    ] {
        raw_json(
            &server,
            &token,
            "POST",
            &format!("{ws}/decisions"),
            &format!(
                r#"{{"product":"KEEL","title":"{title}","outcome":"accepted","rationale":"Under 1% of use","date":"{date}"}}"#
            ),
        );
    }
    let (nothing_shipped, nothing_planned) = (
        "Nothing shipped in this period.",
        "Nothing planned here yet.",
    );
    assert_eq!(
        user.run(&["update", "--since", "2026-01-01", "--until", "2026-01-31"])
            .ok(),
        format!(
            "# Keel update, 2026-01-01 to 2026-01-31\n\n## Goals\n\n- Happier customers: 0% (not started)\n\n\
             ## Shipped\n\n{nothing_shipped}\n\n## Coming next\n\n### Now\n\n{nothing_planned}\n\n### Next\n\n{nothing_planned}\n\n\
             ## Decisions\n\n- Drop IE support: accepted — why: Under 1% of use\n"
        )
    );
    let html = user
        .run(&[
            "update",
            "--since",
            "2026-01-01",
            "--until",
            "2026-01-31",
            "-p",
            "KEEL",
            "--html",
        ])
        .ok();
    assert!(
        html.starts_with(
            "<article class=\"stakeholder-update\">\n<h1>Keel update, 2026-01-01 to 2026-01-31</h1>"
        ),
        "{html}"
    );
    assert!(!html.contains("Later call"), "{html}");
    let err = user.run(&["update", "--since", "January"]).fails();
    assert!(err.contains("since"), "{err}");
}

#[test]
fn workspace_export_imports_into_another_instance() {
    let (_source, user) = ready("ws-export");
    user.run(&["task", "add", "Fix the login page", "--label", "auth,ui"])
        .ok();
    let dir = TempDir::new("ws-export");
    let file = dir.0.join("acme.json");
    let run = user.run(&[
        "workspace",
        "export",
        "--workspace",
        "acme",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert!(run.stderr.contains("Wrote workspace acme"), "{run:?}");
    assert_eq!(run.ok(), "");
    let document: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(document["format"], "keel-workspace-export");
    assert_eq!(
        document["tables"]["tasks"][0]["title"],
        "Fix the login page"
    );
    let stdout: Value = serde_json::from_str(&user.run(&["workspace", "export"]).ok()).unwrap();
    assert_eq!(stdout["tables"], document["tables"], "stdout without -o");

    // Another instance, with the same admin by email.
    let target = Server::start("ws-import");
    target.setup_admin();
    let other = User::new("ws-import");
    other.login(&target, ADMIN_EMAIL, ADMIN_PASSWORD);
    let out = other
        .run(&["workspace", "import", file.to_str().unwrap()])
        .ok();
    assert!(out.contains("Imported workspace acme"), "{out}");
    let task = other
        .run(&["task", "show", "KEEL-1", "--workspace", "acme", "--json"])
        .json();
    assert_eq!(task["task"]["title"], "Fix the login page");
    assert_eq!(task["task"]["labels"], serde_json::json!(["auth", "ui"]));
    // Twice is refused, with the reason.
    let err = other
        .run(&["workspace", "import", file.to_str().unwrap()])
        .fails();
    assert!(err.contains("workspace.id"), "{err}");
    let err = other
        .run(&["workspace", "import", "/nonexistent.json"])
        .fails();
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn logout_everywhere_ends_every_session_and_token() {
    let server = Server::start("logout-everywhere");
    let admin = server.setup_admin();
    let user = User::new("logout-everywhere");
    user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    let mine = user.stored_str("token");
    // Another computer's token, and the set-up token: all end.
    let other = User::new("logout-everywhere-other");
    other.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    let theirs = other.stored_str("token");

    let out = user.run(&["logout", "--everywhere"]).ok();
    assert!(out.contains("everywhere"), "{out}");
    assert!(out.contains("3 tokens revoked"), "{out}");
    assert!(!user.config.exists(), "credentials file removed");
    for token in [mine, theirs, admin] {
        let err = block_on(server.client(Some(token)).me()).unwrap_err();
        assert_eq!(err.status(), Some(401), "{err}");
    }
    // The other computer finds out on its next command.
    let err = other.run(&["whoami"]).fails();
    assert!(err.contains("keel login"), "{err}");
}

#[test]
fn audit_list_shows_sign_ins_and_role_changes_to_admins_only() {
    let server = Server::start("audit");
    let admin = server.setup_admin();
    block_on(server.client(Some(admin.clone())).create_user(&NewUser {
        email: "bob@example.com".into(),
        name: "Bob".into(),
        password: ADMIN_PASSWORD.into(),
    }))
    .unwrap();
    let user = User::new("audit");
    user.login(&server, ADMIN_EMAIL, ADMIN_PASSWORD);
    user.run(&["workspace", "create", "--name", "Acme", "--slug", "acme"])
        .ok();
    user.run(&["workspace", "use", "acme"]).ok();
    user.run(&["member", "add", "bob@example.com", "--role", "viewer"])
        .ok();
    // A failed sign-in of a member is in the workspace's log, with the
    // email tried and never the password.
    let bad = User::new("audit-bad");
    bad.run_with_stdin(
        &[
            "login",
            "--server",
            &server.url,
            "--email",
            "bob@example.com",
            "--password-stdin",
        ],
        "not the password at all\n",
    )
    .fails();

    let page = user.run(&["audit", "list", "--json"]).json();
    let items = page["items"].as_array().unwrap();
    let actions: Vec<&str> = items
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for want in ["login", "token_created", "role_changed", "login_failed"] {
        assert!(actions.contains(&want), "{want} in {actions:?}");
    }
    assert_eq!(actions[0], "login_failed", "newest first: {actions:?}");
    assert_eq!(items[0]["target"], "bob@example.com");
    assert!(!page.to_string().contains("not the password"), "{page}");
    let role = items
        .iter()
        .find(|e| e["action"] == "role_changed")
        .unwrap();
    assert_eq!(role["workspace"], "acme");
    assert_eq!(role["detail"]["role"], "viewer");

    let table = user.run(&["audit", "list"]).ok();
    assert!(
        table.contains("ACTION") && table.contains("role_changed"),
        "{table}"
    );
    let paged = user.run(&["audit", "list", "--limit", "1"]).ok();
    assert!(paged.contains("--cursor"), "{paged}");
    let all = user.run(&["audit", "list", "--instance", "--json"]).json();
    assert!(all["items"].as_array().unwrap().len() >= items.len());

    // Bob, a viewer, may not read it.
    let bob = User::new("audit-bob");
    bob.login(&server, "bob@example.com", ADMIN_PASSWORD);
    let err = bob.run(&["audit", "list", "-w", "acme"]).fails();
    assert!(err.contains("403"), "{err}");
    let err = bob.run(&["audit", "list", "--instance"]).fails();
    assert!(err.contains("403"), "{err}");
}

#[test]
fn admin_create_user_refuses_a_short_password() {
    let dir = TempDir::new("admin-short-password");
    let user = User::new("admin-short-password");
    let data = dir.0.join("data");
    let err = user
        .run_with_stdin(
            &[
                "admin",
                "create-user",
                "--email",
                "eve@example.com",
                "--name",
                "Eve",
                "--password-stdin",
                "--data-dir",
                data.to_str().unwrap(),
            ],
            "short\n",
        )
        .fails();
    assert!(err.contains("password"), "{err}");
    assert!(err.contains("at least 10 characters"), "{err}");
}
