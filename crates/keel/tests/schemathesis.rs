//! Schemathesis against a live `keel serve`: generated requests (valid and
//! hostile) for every documented operation, checking that none answers 5xx,
//! every response matches the OpenAPI schema, and every status code is one
//! the document lists.
//!
//! Runs on SQLite, and again on PostgreSQL when `KEEL_TEST_POSTGRES_URL`
//! is set (a fresh database that the server migrates), when
//! `KEEL_TEST_SCHEMATHESIS` names the `st` executable or the
//! virtualenv holding it (`.ci/run` makes one). Without it the test says
//! loudly that it did not run, and fails under
//! `KEEL_TEST_REQUIRE_SCHEMATHESIS=1` (as in CI).
//!
//! Before the run it creates one of each kind of item, so path parameters
//! get real ids and the handlers' logic is reached instead of a 404. DELETE
//! operations get ids of separate "victim" items, so deleting does not
//! starve the other operations of data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_store::Backend;
use keel_testkit::{TestDb, backends};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Both schemathesis runs (SQLite, PostgreSQL) must end within this (CI
/// budget; each takes one to two minutes on a 2-core machine).
const RUN_TIMEOUT: Duration = Duration::from_secs(330);

/// Operations left out, each for a reason schemathesis cannot work around:
const EXCLUDED_PATHS: &[&str] = &[
    // Works once, while no account exists; the run needs that account.
    "/api/v1/setup",
    // A WebSocket upgrade; plain HTTP requests only see the 400/426 of a
    // failed handshake (live events have their own tests in live.rs).
    "/api/v1/workspaces/{ws}/events",
];

fn st_executable() -> Option<PathBuf> {
    let raw = std::env::var_os("KEEL_TEST_SCHEMATHESIS")?;
    let p = PathBuf::from(raw);
    if p.is_dir() {
        Some(p.join("bin").join("st"))
    } else {
        Some(p)
    }
}

struct Server {
    child: Child,
    url: String,
    dir: PathBuf,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `keel serve` on a free port: on SQLite in a fresh data dir, or on the
/// PostgreSQL database `database_url`.
fn start_server(database_url: Option<&str>) -> Server {
    let dir = std::env::temp_dir().join(format!("keel-schemathesis-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keel"));
    cmd.args(["serve", "--bind", "127.0.0.1:0"]);
    match database_url {
        Some(url) => cmd.args(["--database-url", url]),
        None => cmd.arg("--data-dir").arg(dir.join("data")),
    };
    let mut child = cmd
        .current_dir(&dir)
        .env("KEEL_LOG", "warn")
        .env_remove("KEEL_DATABASE_URL")
        .env_remove("KEEL_CONFIG_FILE")
        .env_remove("KEEL_MODEL_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first
        .strip_prefix("Keel listening on ")
        .expect("the listening line")
        .trim()
        .to_string();
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    Server { child, url, dir }
}

/// A small blocking JSON client for seeding.
struct Seed {
    http: reqwest::Client,
    rt: tokio::runtime::Runtime,
    base: String,
    token: Option<String>,
}

impl Seed {
    fn send(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .json(&body);
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        self.rt.block_on(async {
            let resp = req.send().await.unwrap();
            let status = resp.status();
            let text = resp.text().await.unwrap();
            assert!(
                status.is_success(),
                "seeding {method} {path}: {status} {text}"
            );
            serde_json::from_str(&text).unwrap_or(Value::Null)
        })
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.send(reqwest::Method::POST, path, body)
    }

    /// Creates an item in the workspace and returns its id.
    fn create(&self, what: &str, body: Value) -> String {
        id_of(&self.post(&format!("/api/v1/workspaces/acme/{what}"), body))
    }
}

fn id_of(v: &Value) -> String {
    v["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {v}"))
        .to_string()
}

/// Path parameter values: for a resource (the first segment after the
/// workspace), the id to use and the one DELETE may destroy.
#[derive(Default)]
struct Ids {
    /// resource → (kept, victim)
    resources: BTreeMap<&'static str, (String, String)>,
    /// "resource/param" → value, for parameters after the first (`stage`,
    /// `item`, `link`, …).
    sub: BTreeMap<String, String>,
}

fn seed(server: &Server) -> (String, Ids) {
    let mut s = Seed {
        http: reqwest::Client::new(),
        rt: tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
        base: server.url.clone(),
        token: None,
    };
    let setup = s.post(
        "/api/v1/setup",
        json!({"email": "admin@example.com", "name": "Admin", "password": "correct horse battery"}),
    );
    let token = setup["token"].as_str().unwrap().to_string();
    s.token = Some(token.clone());
    let mut ids = Ids::default();
    let mut both = |res: &'static str, a: String, b: String| {
        ids.resources.insert(res, (a, b));
    };

    // A second token, so revoking one by id does not cut off the run.
    let spare = s.post("/api/v1/me/tokens", json!({"name": "spare"}));
    both("tokens", id_of(&spare), id_of(&spare));

    s.post(
        "/api/v1/workspaces",
        json!({"name": "Acme", "slug": "acme"}),
    );
    s.post(
        "/api/v1/workspaces/acme/products",
        json!({"name": "Keel", "key": "KEEL", "vision": "Ship what matters"}),
    );
    let member = s.post(
        "/api/v1/admin/users",
        json!({"email": "member@example.com", "name": "Member", "password": "correct horse battery"}),
    );
    s.post(
        "/api/v1/workspaces/acme/members",
        json!({"email": "member@example.com", "role": "member"}),
    );
    s.create("teams", json!({"name": "Core", "key": "core"}));
    s.post(
        "/api/v1/workspaces/acme/products/KEEL/strategy/versions",
        json!({"vision": "Ship what matters", "strategy": "Small bets", "note": "first"}),
    );

    let task = |title: &str| {
        let t = s.post(
            "/api/v1/workspaces/acme/tasks",
            json!({"product": "KEEL", "title": title, "labels": ["api"]}),
        );
        t["key"].as_str().unwrap().to_string()
    };
    let (t1, t2) = (task("Kept task"), task("Task to delete"));
    s.post(
        &format!("/api/v1/workspaces/acme/tasks/{t1}/comments"),
        json!({"body": "A **comment**"}),
    );

    let company = s.create("companies", json!({"name": "Initech", "arr": 120000}));
    // Two of a kind: the first is kept, the second is DELETE's victim;
    // `{n}` in a string of the body becomes 1 or 2 for unique names.
    let pair = |what: &str, body: Value| {
        let nth = |n: &str| serde_json::from_str(&body.to_string().replace("{n}", n)).unwrap();
        (s.create(what, nth("1")), s.create(what, nth("2")))
    };
    let customers = pair(
        "customers",
        json!({"name": "Peter", "email": "peter{n}@initech.test", "company": company}),
    );
    let persona = s.create("personas", json!({"name": "Ops lead"}));
    let f1 = s.create("features", json!({"product": "KEEL", "title": "Dark mode"}));
    let f2 = s.create("features", json!({"product": "KEEL", "title": "Export"}));
    let fb = s.create(
        "feedback",
        json!({"product": "KEEL", "text": "Please add dark mode", "source": "email", "customer": customers.0}),
    );
    let fb2 = s.create(
        "feedback",
        json!({"product": "KEEL", "text": "Export to CSV would help", "source": "sales_call"}),
    );
    let fb_link = id_of(&s.post(
        &format!("/api/v1/workspaces/acme/feedback/{fb}/links"),
        json!({"feature": f1, "importance": "important"}),
    ));
    let goals = pair(
        "goals",
        json!({"product": "KEEL", "title": "Activation", "metric": "activated", "baseline": 10, "target": 50}),
    );
    s.post(
        &format!("/api/v1/workspaces/acme/goals/{}/checkins", goals.0),
        json!({"value": 20}),
    );
    let ideas = pair(
        "ideas",
        json!({"product": "KEEL", "title": "Keyboard shortcuts"}),
    );
    let idea_link = id_of(&s.post(
        &format!("/api/v1/workspaces/acme/ideas/{}/links", ideas.0),
        json!({"feedback": fb2, "importance": "critical"}),
    ));
    let initiatives = pair(
        "initiatives",
        json!({"product": "KEEL", "title": "Onboarding"}),
    );
    let cycle = s.create(
        "cycles",
        json!({"product": "KEEL", "name": "Cycle 1", "start_date": "2026-01-05", "end_date": "2026-01-18"}),
    );
    s.post(
        &format!("/api/v1/workspaces/acme/cycles/{cycle}/tasks"),
        json!({"tasks": [t1]}),
    );
    let releases = pair(
        "releases",
        json!({"product": "KEEL", "version": "1.{n}", "features": [f1]}),
    );
    let roadmaps = pair("roadmaps", json!({"product": "KEEL", "name": "2026"}));
    let rm_item = id_of(&s.post(
        &format!("/api/v1/workspaces/acme/roadmaps/{}/items", roadmaps.0),
        json!({"feature": f1, "lane": "now"}),
    ));
    let share = id_of(&s.post(
        &format!(
            "/api/v1/workspaces/acme/roadmaps/{}/share-links",
            roadmaps.0
        ),
        json!({}),
    ));
    let decisions = pair(
        "decisions",
        json!({"product": "KEEL", "title": "No plugins", "outcome": "declined", "features": [f2]}),
    );
    let stories = pair(
        "stories",
        json!({"feature": f1, "as_a": "night owl", "i_want": "to switch themes {n}", "so_that": "my eyes rest"}),
    );
    let journeys = pair("journeys", json!({"product": "KEEL", "title": "Signup"}));
    let stage = id_of(&s.post(
        &format!("/api/v1/workspaces/acme/journeys/{}/stages", journeys.0),
        json!({"name": "Discover"}),
    ));
    let opportunity = id_of(&s.post(
        &format!(
            "/api/v1/workspaces/acme/journeys/{}/stages/{stage}/opportunities",
            journeys.0
        ),
        json!({"linked_kind": "feature", "linked_id": f1}),
    ));
    let guides = pair(
        "interview-guides",
        json!({"name": "Discovery", "questions": [{"question": "What slows you down?"}]}),
    );
    let interviews = pair(
        "interviews",
        json!({"product": "KEEL", "title": "Call with Peter", "customer": customers.0}),
    );
    let competitors = pair("competitors", json!({"name": "Jira {n}"}));
    let swot = pair(
        "swot",
        json!({"product": "KEEL", "quadrant": "strength", "text": "Fast"}),
    );
    let trends = pair(
        "trends",
        json!({"product": "KEEL", "title": "AI assistants"}),
    );
    let view = s.create(
        "views",
        json!({"name": "Mine", "product": "KEEL", "query": "status=todo"}),
    );
    let my_day = (
        s.create("my-day/items", json!({"task": t1})),
        s.create("my-day/items", json!({"task": t2})),
    );

    let mut both = |res: &'static str, (a, b): (String, String)| {
        ids.resources.insert(res, (a, b));
    };
    both("tasks", (t1.clone(), t2));
    both("companies", (company.clone(), company));
    both("customers", customers);
    both("personas", (persona.clone(), persona));
    both("features", (f1.clone(), f1.clone()));
    both("feedback", (fb.clone(), fb));
    both("goals", goals);
    both("ideas", ideas);
    both("initiatives", initiatives);
    both("cycles", (cycle.clone(), cycle));
    both("releases", releases);
    both("roadmaps", roadmaps);
    both("decisions", decisions);
    both("stories", stories);
    both("journeys", journeys);
    both("interview-guides", guides);
    both("interviews", interviews);
    both("competitors", competitors);
    both("swot", swot);
    both("trends", trends);
    both("views", (view.clone(), view));
    both("my-day", my_day);
    both("products", ("KEEL".into(), "KEEL".into()));
    let member_id = member["id"].as_str().unwrap().to_string();
    for (k, v) in [
        ("members/user", member_id),
        ("feedback/link", fb_link),
        ("ideas/link", idea_link),
        ("roadmaps/item", rm_item),
        ("roadmaps/link", share),
        ("journeys/stage", stage),
        ("journeys/link", opportunity),
        ("journeys/lane", "pain_points".into()),
        ("cycles/task", t1),
        ("competitors/feature", f1),
        ("products/number", "1".into()),
    ] {
        ids.sub.insert(k.to_string(), v);
    }
    (token, ids)
}

/// `schemathesis.toml`: the workspace for every path, and real ids per
/// operation (by exact name, e.g. `PATCH /api/v1/workspaces/{ws}/goals/{id}`).
fn config(doc: &Value, ids: &Ids) -> String {
    let mut out = String::from("[parameters]\n\"path.ws\" = \"acme\"\n");
    let paths = doc["paths"].as_object().unwrap();
    for (path, ops) in paths {
        let Some(rest) = path
            .strip_prefix("/api/v1/workspaces/{ws}/")
            .or_else(|| path.strip_prefix("/api/v1/auth/"))
        else {
            continue;
        };
        let segments: Vec<&str> = rest.split('/').collect();
        // `my-day/items/{id}` is the one resource named by two segments.
        let resource = if rest.starts_with("my-day/") {
            "my-day"
        } else {
            segments[0]
        };
        let params: Vec<&str> = segments
            .iter()
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .collect();
        if params.is_empty() {
            continue;
        }
        for method in ops.as_object().unwrap().keys() {
            let delete = method == "delete";
            let mut values = Vec::new();
            for (i, p) in params.iter().enumerate() {
                let value = if i == 0 && matches!(*p, "id" | "key") {
                    ids.resources.get(resource).map(|(keep, victim)| {
                        // Only a DELETE of the item itself destroys it.
                        if delete && params.len() == 1 {
                            victim.clone()
                        } else {
                            keep.clone()
                        }
                    })
                } else {
                    ids.sub.get(&format!("{resource}/{p}")).cloned()
                };
                if let Some(v) = value {
                    values.push((p.to_string(), v));
                }
            }
            if values.is_empty() {
                continue;
            }
            let name = format!("{} {path}", method.to_uppercase());
            writeln!(out, "\n[[operations]]\ninclude-name = {name:?}").unwrap();
            writeln!(out, "[operations.parameters]").unwrap();
            for (p, v) in values {
                writeln!(out, "\"path.{p}\" = {v:?}").unwrap();
            }
        }
    }
    out
}

fn fetch_openapi(url: &str) -> Value {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        reqwest::get(format!("{url}/api/v1/openapi.json"))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    })
}

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| default.to_string())
}

fn run_schemathesis(
    st: &Path,
    server: &Server,
    token: &str,
    config_dir: &Path,
    deadline: Instant,
) -> (bool, String) {
    let mut cmd = Command::new(st);
    cmd.current_dir(config_dir)
        .arg("run")
        .arg(format!("{}/api/v1/openapi.json", server.url))
        .args(["--header", &format!("Authorization: Bearer {token}")])
        .args([
            "--checks",
            "not_a_server_error,response_schema_conformance,status_code_conformance,\
             content_type_conformance",
        ])
        // Few examples per operation and a fixed seed keep the run short
        // and repeatable; both can be raised for a longer hunt (README).
        .args([
            "--max-examples",
            &env_or("KEEL_SCHEMATHESIS_MAX_EXAMPLES", "10"),
        ])
        .args(["--seed", &env_or("KEEL_SCHEMATHESIS_SEED", "20261126")])
        .args(["--workers", "2", "--request-timeout", "20", "--no-color"])
        .args(["--generation-database", "none"]);
    for p in EXCLUDED_PATHS {
        cmd.args(["--exclude-path", p]);
    }
    // More flags for a hunt by hand, e.g. `--checks all` or `--phases fuzzing`.
    if let Ok(extra) = std::env::var("KEEL_SCHEMATHESIS_ARGS") {
        cmd.args(extra.split_whitespace());
    }
    let mut timeout = deadline.saturating_duration_since(Instant::now());
    if std::env::var_os("KEEL_SCHEMATHESIS_MAX_EXAMPLES").is_some()
        || std::env::var_os("KEEL_SCHEMATHESIS_ARGS").is_some()
    {
        // A deliberately longer hunt gets the time it asks for.
        timeout = Duration::from_secs(3 * 3600);
    }
    let out_path = config_dir.join("st-output.txt");
    let out = std::fs::File::create(&out_path).unwrap();
    let mut child = cmd
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .env("PYTHONUNBUFFERED", "1")
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", st.display()));
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let output = std::fs::read_to_string(&out_path).unwrap_or_default();
    match status {
        Some(s) => (s.success(), output),
        None => (
            false,
            format!("schemathesis did not finish within {timeout:?}\n{output}"),
        ),
    }
}

#[test]
fn schemathesis_finds_no_server_errors_and_no_schema_mismatches() {
    let Some(st) = st_executable() else {
        eprintln!(
            "WARNING: schemathesis tests DID NOT RUN: set KEEL_TEST_SCHEMATHESIS to the `st` \
             executable or its virtualenv (`.ci/run` creates one)"
        );
        assert!(
            std::env::var("KEEL_TEST_REQUIRE_SCHEMATHESIS").as_deref() != Ok("1"),
            "KEEL_TEST_REQUIRE_SCHEMATHESIS=1 but KEEL_TEST_SCHEMATHESIS is not set"
        );
        return;
    };
    assert!(
        st.exists(),
        "KEEL_TEST_SCHEMATHESIS: {} does not exist",
        st.display()
    );

    let deadline = Instant::now() + RUN_TIMEOUT;
    for backend in backends() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let db = match backend {
            Backend::Sqlite => None,
            Backend::Postgres => Some(rt.block_on(TestDb::empty(Backend::Postgres))),
        };
        let server = start_server(db.as_ref().map(TestDb::url).as_deref());
        run_against(&st, &server, backend, deadline);
        drop(server);
        if let Some(db) = db {
            rt.block_on(db.finish());
        }
    }
}

fn run_against(st: &Path, server: &Server, backend: Backend, deadline: Instant) {
    let (token, ids) = seed(server);
    let doc = fetch_openapi(&server.url);
    let config_dir = server.dir.join("st");
    std::fs::create_dir_all(&config_dir).unwrap();
    let config = config(&doc, &ids);
    std::fs::write(config_dir.join("schemathesis.toml"), &config).unwrap();

    let (ok, output) = run_schemathesis(st, server, &token, &config_dir, deadline);
    // The summary at the end says which operations failed and how to
    // reproduce each (a curl line per failure).
    println!("== schemathesis on {backend:?}\n{output}");
    assert!(
        ok,
        "schemathesis found problems on {backend:?} (output above)"
    );
    assert!(
        output.contains(" passed"),
        "schemathesis ran no test case on {backend:?}:\n{output}"
    );
}
