//! Live events over a real WebSocket: a write reaches subscribers with the
//! item, a reconnect with `?after=` replays exactly what was missed, and on
//! PostgreSQL a write through one instance reaches a subscriber of another.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use keel_store::Backend;
use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(addr: SocketAddr, token: &str, query: &str) -> Result<Socket, u16> {
    let mut req = format!("ws://{addr}/api/v1/workspaces/acme/events{query}")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    match tokio_tungstenite::connect_async(req).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => Err(res.status().as_u16()),
        Err(e) => panic!("connect failed: {e}"),
    }
}

/// The next event, within a bounded wait.
async fn next_event(socket: &mut Socket) -> Value {
    let deadline = Duration::from_secs(5);
    loop {
        let msg = tokio::time::timeout(deadline, socket.next())
            .await
            .expect("no event within 5 s")
            .unwrap()
            .unwrap();
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).unwrap();
        }
    }
}

async fn create(app: &TestApp, token: &str, title: &str) -> Value {
    app.post(
        "/api/v1/workspaces/acme/tasks",
        token,
        json!({"product": "KEEL", "title": title}),
    )
    .await
    .expect(201)
    .body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_reach_subscribers_and_reconnects_replay() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let addr = app.listen().await;

        let mut socket = connect(addr, &admin, "").await.unwrap();
        let task = create(&app, &admin, "Live one").await;
        let e = next_event(&mut socket).await;
        assert_eq!(e["type"], "created");
        assert_eq!(e["kind"], "task");
        assert_eq!(e["key"], "KEEL-1");
        assert_eq!(e["id"], task["id"]);
        assert_eq!(e["item"]["title"], "Live one");
        let first_seq = e["seq"].as_i64().unwrap();

        app.patch(
            "/api/v1/workspaces/acme/tasks/KEEL-1",
            &admin,
            json!({"status": "in_progress"}),
        )
        .await
        .expect(200);
        let e = next_event(&mut socket).await;
        assert_eq!(
            (e["type"].as_str(), e["seq"].as_i64()),
            (Some("updated"), Some(first_seq + 1))
        );
        assert_eq!(e["item"]["status"], "in_progress");
        drop(socket);

        // While disconnected: a comment, a new task, a delete.
        app.post(
            "/api/v1/workspaces/acme/tasks/KEEL-1/comments",
            &admin,
            json!({"body": "missed?"}),
        )
        .await
        .expect(201);
        create(&app, &admin, "Missed").await;
        app.delete("/api/v1/workspaces/acme/tasks/KEEL-2", &admin)
            .await
            .expect(204);

        let mut socket = connect(addr, &admin, &format!("?after={}", first_seq + 1))
            .await
            .unwrap();
        let mut replayed = Vec::new();
        for _ in 0..3 {
            let e = next_event(&mut socket).await;
            replayed.push((
                e["seq"].as_i64().unwrap(),
                e["kind"].as_str().unwrap().to_string(),
                e["type"].as_str().unwrap().to_string(),
            ));
        }
        assert_eq!(
            replayed,
            vec![
                (first_seq + 2, "comment".into(), "created".into()),
                (first_seq + 3, "task".into(), "created".into()),
                (first_seq + 4, "task".into(), "deleted".into()),
            ],
            "{backend:?}"
        );
        // Then live again, with no duplicate and no gap.
        create(&app, &admin, "After").await;
        let e = next_event(&mut socket).await;
        assert_eq!(e["seq"].as_i64(), Some(first_seq + 5));
        app.finish().await;
    }
}

/// The next message that is not a ping: an event, or `None` when the
/// server closed the socket (with the close code).
async fn next_event_or_close(socket: &mut Socket) -> Result<Value, Option<u16>> {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("nothing within 5 s");
        match msg {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
            None | Some(Err(_)) => return Err(None),
            Some(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscribers_see_what_their_role_may_read_while_they_may() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let guest = app.user(&admin, "gus@example.com").await;
        app.add_member(&admin, "acme", "gus@example.com", "guest")
            .await;
        let member = app.user(&admin, "mia@example.com").await;
        app.add_member(&admin, "acme", "mia@example.com", "member")
            .await;
        let addr = app.listen().await;
        let mut as_guest = connect(addr, &guest, "").await.unwrap();
        let mut as_member = connect(addr, &member, "").await.unwrap();

        // Feedback is customer data: the guest hears of it, without it.
        app.post(
            "/api/v1/workspaces/acme/feedback",
            &admin,
            json!({"product": "KEEL", "text": "Export is broken for Globex", "source": "email"}),
        )
        .await
        .expect(201);
        let e = next_event_or_close(&mut as_guest).await.unwrap();
        assert_eq!(
            (e["kind"].as_str(), e["item"].is_null()),
            (Some("feedback"), true)
        );
        // The member may read it. (An event read back from the table, as
        // when the socket is still catching up or the event came through
        // NOTIFY first, carries no item for kinds other than tasks.)
        let e = next_event_or_close(&mut as_member).await.unwrap();
        assert_eq!(e["kind"], "feedback");
        assert!(
            e["item"].is_null() || e["item"]["text"] == "Export is broken for Globex",
            "{e}"
        );
        // A task is for every reader.
        create(&app, &admin, "Visible to all").await;
        let e = next_event_or_close(&mut as_guest).await.unwrap();
        assert_eq!(e["item"]["title"], "Visible to all");
        next_event_or_close(&mut as_member).await.unwrap();

        // The member is removed; the guest's token is revoked. Once the
        // last check is stale, the next event closes their sockets instead.
        app.patch(
            "/api/v1/workspaces/acme/members/mia@example.com",
            &admin,
            json!({"active": false}),
        )
        .await
        .expect(200);
        let tokens = app.get("/api/v1/auth/tokens", &guest).await.expect(200);
        let token_id = tokens.body["items"][0]["id"].as_str().unwrap().to_string();
        app.delete(&format!("/api/v1/auth/tokens/{token_id}"), &guest)
            .await
            .expect(204);
        tokio::time::sleep(keel_server::api::v1::events::RECHECK_EVERY).await;
        create(&app, &admin, "Secret after removal").await;
        for socket in [&mut as_member, &mut as_guest] {
            assert_eq!(next_event_or_close(socket).await.err(), Some(Some(1008)));
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn outsiders_cannot_subscribe() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        let eve = app.user(&admin, "eve@example.com").await;
        app.workspace(&admin, "acme").await;
        let addr = app.listen().await;
        assert_eq!(connect(addr, &eve, "").await.err(), Some(404));
        assert_eq!(connect(addr, "keel_bogus", "").await.err(), Some(401));
        assert_eq!(connect(addr, &admin, "?after=-1").await.err(), Some(422));
        app.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_fan_out_between_instances_on_postgres() {
    if !backends().contains(&Backend::Postgres) {
        return; // backends() has already warned loudly
    }
    let app = TestApp::new(Backend::Postgres).await;
    let admin = app.setup_admin().await;
    app.workspace(&admin, "acme").await;
    let instance_b = app.another_instance().await;
    let mut socket = connect(instance_b, &admin, "").await.unwrap();
    // Written through instance A (the in-process router).
    create(&app, &admin, "From A").await;
    let e = next_event(&mut socket).await;
    assert_eq!(e["key"], "KEEL-1");
    assert_eq!(
        e["item"]["title"], "From A",
        "instance B loads the item for its subscribers"
    );
    app.finish().await;
}
