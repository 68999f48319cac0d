//! Crash safety: a real `keel serve` takes concurrent creates and updates
//! and is killed with SIGKILL at a random moment, then restarted on the same
//! database. Every write that was answered with a 2xx must be there, whole
//! (fields, labels, history), keys must stay gap-free, and a write whose
//! answer was lost may be there or not, but never half. Several kill points
//! per backend, on SQLite and on PostgreSQL.
//!
//! SIGKILL ends the process, not the machine: the OS page cache survives,
//! so this proves that nothing is acknowledged before it is committed and
//! that recovery keeps every commit whole. Power loss is another matter
//! (SQLite runs WAL with `synchronous=NORMAL`, which may lose the last
//! commits then, by design; see `Store::open_sqlite`).
//!
//! The kill delays come from a seed printed at the start; set
//! `KEEL_CRASH_SEED` to replay one. PostgreSQL needs `KEEL_TEST_POSTGRES_URL`;
//! without it the test says loudly that it did not run (and fails under
//! `KEEL_TEST_REQUIRE_POSTGRES=1`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_api_types::{NewProduct, NewTask, NewUser, NewWorkspace, Task, TaskPatch};
use keel_client::{ClientError, KeelClient, ListParams, TaskFilter};
use keel_store::Backend;
use keel_testkit::{TestDb, backends};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Kill points per backend.
const KILL_POINTS: usize = 3;
/// Concurrent writers.
const WRITERS: usize = 4;
/// Most operations one writer attempts per round, whatever the timing.
const MAX_OPS_PER_ROUND: usize = 3000;
/// No new round starts after this much time on one backend.
const BUDGET: Duration = Duration::from_secs(50);
const WS: &str = "crash";
const PRODUCT: &str = "CR";
const LABELS: [&str; 5] = ["alpha", "beta", "gamma", "delta", "epsilon"];

/// A small deterministic generator (SplitMix64): no dependency needed.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

fn seed() -> u64 {
    std::env::var("KEEL_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
        })
}

/// The fields a client sent (and so expects to read back).
#[derive(Debug, Clone, PartialEq)]
struct Fields {
    title: String,
    description: String,
    status: String,
    priority: String,
    task_type: String,
    estimate: Option<f64>,
    due_date: Option<String>,
    labels: Vec<String>,
}

impl Fields {
    fn random(rng: &mut Rng, title: String) -> Fields {
        let labels: Vec<String> = {
            let mut all: Vec<&str> = LABELS.to_vec();
            let n = 1 + rng.below(3) as usize;
            (0..n)
                .map(|_| all.remove(rng.below(all.len() as u64) as usize).to_string())
                .collect()
        };
        Fields {
            description: format!(
                "Why: {} ünïcode ✓\n\n- line {}\n- \"quoted\" <b>not html</b>",
                title,
                rng.below(1000)
            ),
            title,
            status: rng
                .pick(&["backlog", "todo", "in_progress", "in_review", "done"])
                .into(),
            priority: rng
                .pick(&["urgent", "high", "medium", "low", "none"])
                .into(),
            task_type: rng
                .pick(&["feature", "bug", "tech_debt", "spike", "chore"])
                .into(),
            estimate: match rng.below(4) {
                0 => None,
                n => Some(n as f64 * 1.5),
            },
            due_date: match rng.below(3) {
                0 => None,
                n => Some(format!("2027-0{n}-{:02}", 1 + rng.below(28))),
            },
            labels,
        }
    }

    fn of(task: &Task) -> Fields {
        Fields {
            title: task.title.clone(),
            description: task.description.clone(),
            status: task.status.clone(),
            priority: task.priority.clone(),
            task_type: task.task_type.clone(),
            estimate: task.estimate,
            due_date: task.due_date.clone(),
            labels: task.labels.clone(),
        }
    }

    fn new_task(&self) -> NewTask {
        NewTask {
            product: PRODUCT.into(),
            title: self.title.clone(),
            description: Some(self.description.clone()),
            status: Some(self.status.clone()),
            priority: Some(self.priority.clone()),
            task_type: Some(self.task_type.clone()),
            estimate: self.estimate,
            due_date: self.due_date.clone(),
            labels: Some(self.labels.clone()),
            ..Default::default()
        }
    }

    /// A patch that sets every field this test tracks.
    fn patch(&self) -> TaskPatch {
        TaskPatch {
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            status: Some(self.status.clone()),
            priority: Some(self.priority.clone()),
            task_type: Some(self.task_type.clone()),
            estimate: Some(self.estimate),
            due_date: Some(self.due_date.clone()),
            labels: Some(self.labels.clone()),
            ..Default::default()
        }
    }
}

/// What the clients know about one task.
#[derive(Debug, Clone)]
struct Tracked {
    writer: usize,
    /// The last acknowledged state and its version.
    acked: Fields,
    version: i64,
    /// An update sent whose answer never came: it may or may not be in.
    pending: Option<Fields>,
    /// Titles the task had, each of which must have left a history entry.
    titles: Vec<String>,
    /// Changed in the current round: its history is checked after restart.
    touched: bool,
}

#[derive(Default)]
struct Ledger {
    tasks: BTreeMap<String, Tracked>,
    /// Creates sent whose answer never came, by title (titles are unique).
    unanswered: HashMap<String, (usize, Fields)>,
    /// Anything a live server answered that it should not have.
    failures: Vec<String>,
    acked_creates: usize,
    acked_updates: usize,
}

/// One running `keel serve`; killed (SIGKILL) when dropped.
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

enum Db {
    Sqlite { dir: PathBuf },
    Postgres { db: TestDb },
}

impl Db {
    /// This backend's scratch directory (the SQLite data lives inside).
    fn root(&self) -> PathBuf {
        let name = match self {
            Db::Sqlite { .. } => "sqlite",
            Db::Postgres { .. } => "postgres",
        };
        std::env::temp_dir().join(format!("keel-crash-test-{}-{name}", std::process::id()))
    }

    fn start(&self) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_keel"));
        cmd.args(["serve", "--bind", "127.0.0.1:0"])
            .env("KEEL_LOG", "warn")
            .env_remove("KEEL_DATA_DIR")
            .env_remove("KEEL_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        match self {
            Db::Sqlite { dir } => cmd.arg("--data-dir").arg(dir),
            Db::Postgres { db } => cmd.arg("--database-url").arg(db.url()),
        };
        // Run from a directory of its own: no stray keel.toml is read.
        cmd.current_dir(self.root()).env_remove("KEEL_CONFIG_FILE");
        let mut child = cmd.spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("Keel listening on ") {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let mut server = Server {
            child,
            url: String::new(),
        };
        server.url = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("keel serve did not start within 60 s");
        server
    }
}

fn is_lost_answer(err: &ClientError) -> bool {
    matches!(
        err,
        ClientError::Transport { .. } | ClientError::Timeout { .. }
    )
}

/// One writer: creates tasks and updates its own (with If-Match), noting
/// each request before it is sent and each answer when it comes, until the
/// server stops answering.
async fn writer(
    client: KeelClient,
    ledger: Arc<Mutex<Ledger>>,
    stop: Arc<AtomicBool>,
    id: usize,
    round: usize,
    mut rng: Rng,
) {
    let mut mine: Vec<String> = ledger
        .lock()
        .unwrap()
        .tasks
        .iter()
        .filter(|(_, t)| t.writer == id)
        .map(|(k, _)| k.clone())
        .collect();
    for op in 0..MAX_OPS_PER_ROUND {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        if mine.is_empty() || rng.below(5) < 3 {
            let fields = Fields::random(&mut rng, format!("w{id} r{round} c{op}"));
            ledger
                .lock()
                .unwrap()
                .unanswered
                .insert(fields.title.clone(), (id, fields.clone()));
            match client.create_task(WS, &fields.new_task()).await {
                Ok(task) => {
                    let mut l = ledger.lock().unwrap();
                    l.unanswered.remove(&fields.title);
                    if Fields::of(&task) != fields {
                        l.failures.push(format!(
                            "{} answered with other fields than sent: {task:?} vs {fields:?}",
                            task.key
                        ));
                    }
                    l.acked_creates += 1;
                    l.tasks.insert(
                        task.key.clone(),
                        Tracked {
                            writer: id,
                            titles: vec![fields.title.clone()],
                            acked: fields,
                            version: task.version,
                            pending: None,
                            touched: true,
                        },
                    );
                    mine.push(task.key);
                }
                Err(e) if is_lost_answer(&e) => return,
                Err(e) => {
                    let mut l = ledger.lock().unwrap();
                    l.unanswered.remove(&fields.title);
                    l.failures.push(format!("create {}: {e}", fields.title));
                    return;
                }
            }
        } else {
            let key = mine[rng.below(mine.len() as u64) as usize].clone();
            let fields = Fields::random(&mut rng, format!("w{id} r{round} u{op}"));
            let version = {
                let mut l = ledger.lock().unwrap();
                let t = l.tasks.get_mut(&key).unwrap();
                t.pending = Some(fields.clone());
                t.touched = true;
                t.version
            };
            match client
                .update_task(WS, &key, &fields.patch(), Some(version))
                .await
            {
                Ok(task) => {
                    let mut l = ledger.lock().unwrap();
                    if Fields::of(&task) != fields || task.version != version + 1 {
                        l.failures.push(format!(
                            "update of {key} answered {task:?}, sent {fields:?} at version {version}"
                        ));
                    }
                    l.acked_updates += 1;
                    let t = l.tasks.get_mut(&key).unwrap();
                    t.pending = None;
                    t.titles.push(fields.title.clone());
                    t.acked = fields;
                    t.version = task.version;
                }
                Err(e) if is_lost_answer(&e) => return,
                Err(e) => {
                    let mut l = ledger.lock().unwrap();
                    l.tasks.get_mut(&key).unwrap().pending = None;
                    l.failures
                        .push(format!("update {key} at version {version}: {e}"));
                    return;
                }
            }
        }
    }
}

/// Every task of the product, by key.
async fn all_tasks(client: &KeelClient, label: Option<&str>) -> BTreeMap<String, Task> {
    let mut out = BTreeMap::new();
    let mut page = ListParams::limit(500);
    loop {
        let filter = TaskFilter {
            product: Some(PRODUCT.into()),
            label: label.map(str::to_string),
            page: page.clone(),
            ..Default::default()
        };
        let got = client.list_tasks(WS, &filter).await.unwrap();
        for t in got.items {
            out.insert(t.key.clone(), t);
        }
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

/// After a restart: checks what the database holds against what the
/// clients were told, and folds writes whose answer was lost (but that did
/// commit) into the ledger so the next round builds on the truth.
async fn verify(client: &KeelClient, ledger: &mut Ledger, round: usize) -> String {
    let found = all_tasks(client, None).await;
    let mut numbers: Vec<i64> = found.values().map(|t| t.number).collect();
    numbers.sort_unstable();
    let expected: Vec<i64> = (1..=numbers.len() as i64).collect();
    assert_eq!(
        numbers, expected,
        "round {round}: task numbers are not gap-free 1..=n"
    );

    let (mut lost_updates_in, mut lost_creates_in) = (0, 0);
    for (key, t) in ledger.tasks.iter_mut() {
        let task = found
            .get(key)
            .unwrap_or_else(|| panic!("round {round}: acknowledged task {key} is gone"));
        let now = Fields::of(task);
        if now == t.acked && task.version == t.version {
            t.pending = None;
            continue;
        }
        match t.pending.take() {
            Some(p) if now == p && task.version == t.version + 1 => {
                lost_updates_in += 1;
                t.titles.push(p.title.clone());
                t.acked = p;
                t.version = task.version;
            }
            pending => panic!(
                "round {round}: {key} at version {} holds {now:?}; acknowledged was version {} {:?}, unanswered update {pending:?}",
                task.version, t.version, t.acked
            ),
        }
    }
    for (key, task) in &found {
        if ledger.tasks.contains_key(key) {
            continue;
        }
        // Not acknowledged: it must be exactly one of the unanswered
        // creates, whole.
        let (writer, fields) = ledger.unanswered.remove(&task.title).unwrap_or_else(|| {
            panic!("round {round}: {key} exists but no client sent it: {task:?}")
        });
        assert_eq!(
            Fields::of(task),
            fields,
            "round {round}: {key} (an unanswered create) is not what was sent"
        );
        lost_creates_in += 1;
        ledger.tasks.insert(
            key.clone(),
            Tracked {
                writer,
                titles: vec![fields.title.clone()],
                acked: fields,
                version: task.version,
                pending: None,
                touched: true,
            },
        );
    }
    let lost_creates_out = ledger.unanswered.len();
    ledger.unanswered.clear();

    // Labels live twice (on the task, and one row each for filtering):
    // both must agree for every task.
    for label in LABELS {
        let with: HashSet<String> = all_tasks(client, Some(label)).await.into_keys().collect();
        let expect: HashSet<String> = found
            .iter()
            .filter(|(_, t)| t.labels.iter().any(|l| l == label))
            .map(|(k, _)| k.clone())
            .collect();
        assert_eq!(
            with, expect,
            "round {round}: the label filter {label} disagrees with the tasks' labels"
        );
    }

    // History: a `created` entry, and one `title` entry per change made.
    let mut checked = 0;
    for (key, t) in ledger.tasks.iter_mut().filter(|(_, t)| t.touched) {
        let history = client
            .list_activity(WS, key, &ListParams::limit(500))
            .await
            .unwrap()
            .items;
        assert!(
            history.iter().any(|a| a.action == "created"),
            "round {round}: {key} has no `created` history entry"
        );
        let titles: Vec<&str> = history
            .iter()
            .filter(|a| a.action == "updated" && a.field.as_deref() == Some("title"))
            .filter_map(|a| a.to.as_deref())
            .collect();
        assert_eq!(
            titles,
            t.titles[1..].iter().map(String::as_str).collect::<Vec<_>>(),
            "round {round}: {key}'s title history differs from the acknowledged updates"
        );
        t.touched = false;
        checked += 1;
    }
    format!(
        "{} tasks; unanswered writes found committed: {lost_creates_in} creates, {lost_updates_in} updates; \
         unanswered creates not committed: {lost_creates_out}; history checked on {checked} tasks",
        found.len()
    )
}

async fn crash_and_recover(backend: Backend) {
    let started = Instant::now();
    let seed = seed();
    eprintln!("crash test on {backend:?}: KEEL_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let db = match backend {
        Backend::Sqlite => {
            let dir = std::env::temp_dir().join(format!(
                "keel-crash-test-{}-sqlite/data",
                std::process::id()
            ));
            Db::Sqlite { dir }
        }
        Backend::Postgres => Db::Postgres {
            db: TestDb::empty(Backend::Postgres).await,
        },
    };
    remove_dir(&db.root());
    std::fs::create_dir_all(db.root()).unwrap();

    let mut server = db.start();
    let setup = KeelClient::new(&server.url, None)
        .unwrap()
        .setup(&NewUser {
            email: "ada@example.com".into(),
            name: "Ada".into(),
            password: "correct horse battery".into(),
        })
        .await
        .unwrap();
    let token = setup.token;
    let client = KeelClient::new(&server.url, Some(token.clone())).unwrap();
    client
        .create_workspace(&NewWorkspace {
            name: "Crash".into(),
            slug: WS.into(),
        })
        .await
        .unwrap();
    client
        .create_product(
            WS,
            &NewProduct {
                name: "Crash".into(),
                key: PRODUCT.into(),
                vision: None,
            },
        )
        .await
        .unwrap();

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut rounds = 0;
    // At least KILL_POINTS; a few more while the machine is quick.
    loop {
        let quick = started.elapsed() < BUDGET / 3;
        if rounds >= KILL_POINTS + 2 || (rounds >= KILL_POINTS && !quick) {
            break;
        }
        assert!(
            started.elapsed() < BUDGET,
            "{backend:?}: only {rounds} kill points within {BUDGET:?}"
        );
        let client = KeelClient::new(&server.url, Some(token.clone())).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                tokio::spawn(writer(
                    client.clone(),
                    ledger.clone(),
                    stop.clone(),
                    w,
                    rounds,
                    Rng(seed ^ ((rounds * WRITERS + w + 1) as u64).wrapping_mul(0x1234_5678_9abc)),
                ))
            })
            .collect();
        let delay = Duration::from_millis(200 + rng.below(1300));
        tokio::time::sleep(delay).await;
        // `Child::kill` is SIGKILL on unix: no shutdown, no flush.
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        for w in writers {
            tokio::time::timeout(Duration::from_secs(20), w)
                .await
                .expect("a writer did not stop within 20 s of the kill")
                .unwrap();
        }
        let (creates, updates, failures) = {
            let l = ledger.lock().unwrap();
            (l.acked_creates, l.acked_updates, l.failures.clone())
        };
        assert!(failures.is_empty(), "live server errors: {failures:#?}");
        drop(server);

        server = db.start();
        let client = KeelClient::new(&server.url, Some(token.clone())).unwrap();
        let report = {
            let mut l = std::mem::take(&mut *ledger.lock().unwrap());
            let report = verify(&client, &mut l, rounds).await;
            *ledger.lock().unwrap() = l;
            report
        };
        eprintln!(
            "{backend:?} kill point {} after {delay:?} (acknowledged so far: {creates} creates, {updates} updates): {report}",
            rounds + 1
        );
        rounds += 1;
    }
    let (creates, updates) = {
        let l = ledger.lock().unwrap();
        (l.acked_creates, l.acked_updates)
    };
    assert!(creates > 0 && updates > 0, "the load never got going");
    drop(server);
    remove_dir(&db.root());
    if let Db::Postgres { db } = db {
        db.finish().await;
    }
    eprintln!(
        "{backend:?}: {rounds} kill points in {:?}",
        started.elapsed()
    );
}

fn remove_dir(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_keeps_every_acknowledged_write_through_sigkill() {
    crash_and_recover(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_keeps_every_acknowledged_write_through_sigkill() {
    if !backends().contains(&Backend::Postgres) {
        return; // backends() has said loudly that PostgreSQL did not run
    }
    crash_and_recover(Backend::Postgres).await;
}
