//! Scale-out on PostgreSQL with two real `keel serve` processes on one
//! database: both start at once on an empty database (migrations are safe
//! in parallel), a change made through instance A reaches a WebSocket
//! subscriber of instance B, and killing A leaves B serving.
//!
//! Needs `KEEL_TEST_POSTGRES_URL`; without it the test says loudly that it
//! did not run (and fails under `KEEL_TEST_REQUIRE_POSTGRES=1`, as in CI).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use keel_api_types::{NewProduct, NewTask, NewUser, NewWorkspace};
use keel_client::KeelClient;
use keel_store::Backend;
use keel_testkit::{TestDb, backends};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

struct Instance {
    child: Child,
    url: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `keel serve` on `database_url` and a free port.
fn start(database_url: &str) -> std::sync::mpsc::Receiver<Instance> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_keel"))
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database-url",
            database_url,
        ])
        .env("KEEL_LOG", "warn")
        .env_remove("KEEL_DATA_DIR")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut child = Some(child);
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let (Some(url), Some(child)) =
                (line.strip_prefix("Keel listening on "), child.take())
            {
                let _ = tx.send(Instance {
                    child,
                    url: url.trim().to_string(),
                });
            }
        }
    });
    rx
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_live_events_and_survive_each_other() {
    if !backends().contains(&Backend::Postgres) {
        return; // backends() has said loudly that PostgreSQL did not run
    }
    let db = TestDb::empty(Backend::Postgres).await;
    let url = db.url();
    // Both start at once on an empty database: both try to migrate.
    let (a, b) = (start(&url), start(&url));
    let a = a
        .recv_timeout(Duration::from_secs(60))
        .expect("instance A did not start");
    let b = b
        .recv_timeout(Duration::from_secs(60))
        .expect("instance B did not start");

    let anon = KeelClient::new(&a.url, None).unwrap();
    let setup = anon
        .setup(&NewUser {
            email: "ada@example.com".into(),
            name: "Ada".into(),
            password: "correct horse battery".into(),
        })
        .await
        .unwrap();
    let via_a = KeelClient::new(&a.url, Some(setup.token.clone())).unwrap();
    let via_b = KeelClient::new(&b.url, Some(setup.token.clone())).unwrap();
    via_a
        .create_workspace(&NewWorkspace {
            name: "Acme".into(),
            slug: "acme".into(),
        })
        .await
        .unwrap();
    via_b
        .create_product(
            "acme",
            &NewProduct {
                name: "Keel".into(),
                key: "KEEL".into(),
                vision: None,
            },
        )
        .await
        .unwrap();

    // Subscribe on B, write through A.
    let ws_url = format!(
        "{}/api/v1/workspaces/acme/events",
        b.url.replace("http://", "ws://")
    );
    let mut req = ws_url.into_client_request().unwrap();
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", setup.token).parse().unwrap(),
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    let sent = Instant::now();
    let task = via_a
        .create_task(
            "acme",
            &NewTask {
                product: "KEEL".into(),
                title: "Made on A".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let event = loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("instance B's subscriber got nothing within 5 s")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = msg {
            break serde_json::from_str::<serde_json::Value>(&text).unwrap();
        }
    };
    eprintln!("A → B live event after {:?}", sent.elapsed());
    assert_eq!(event["key"], task.key);
    assert_eq!(event["item"]["title"], "Made on A");

    // Killing A leaves B serving reads and writes.
    drop(a);
    via_b.health().await.unwrap();
    let t2 = via_b
        .create_task(
            "acme",
            &NewTask {
                product: "KEEL".into(),
                title: "Made on B".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(t2.key, "KEEL-2");
    drop(socket);
    drop(b);
    db.finish().await;
}
