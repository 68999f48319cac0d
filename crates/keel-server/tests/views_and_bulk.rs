//! What the list view needs from the API, on every configured backend:
//! saved views that only their owner sees, checked and stored in canonical
//! form; bulk edits that change every named task or none, each with its
//! history and its live event; and the list page itself (filters, sort in
//! SQL, grouping with counts, paging).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const WS: &str = "/api/v1/workspaces/acme";

/// Admin (owner of `acme`), plus bob (member) and vera (viewer).
async fn team(app: &TestApp) -> (String, String, String) {
    let admin = app.setup_admin().await;
    app.workspace(&admin, "acme").await;
    let bob = app.user(&admin, "bob@example.com").await;
    app.add_member(&admin, "acme", "bob@example.com", "member")
        .await;
    let vera = app.user(&admin, "vera@example.com").await;
    app.add_member(&admin, "acme", "vera@example.com", "viewer")
        .await;
    (admin, bob, vera)
}

async fn create(app: &TestApp, token: &str, body: Value) -> Value {
    app.post(&format!("{WS}/tasks"), token, body)
        .await
        .expect(201)
        .body
}

#[tokio::test]
async fn views_are_private_checked_and_canonical() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin, bob, vera) = team(&app).await;
        let views = format!("{WS}/views");

        let saved = app
            .post(
                &views,
                &bob,
                json!({"name": "  My bugs ", "product": "KEEL",
                       "query": "?type=bug&assignee=Me&sort=priority&status=todo,in_progress,todo"}),
            )
            .await
            .expect(201);
        let id = saved.body["id"].as_str().unwrap().to_string();
        assert_eq!(saved.body["name"], "My bugs");
        assert_eq!(saved.body["product"], "KEEL");
        assert_eq!(
            saved.body["query"], "status=todo%2Cin_progress&type=bug&assignee=me&sort=priority",
            "stored in canonical form"
        );
        assert_eq!(
            saved.header("location"),
            Some(format!("/api/v1/workspaces/acme/views/{id}").as_str())
        );

        // A viewer may keep views too; each person sees only their own.
        app.post(
            &views,
            &vera,
            json!({"name": "Everything", "product": "KEEL", "query": ""}),
        )
        .await
        .expect(201);
        let bobs = app.get(&views, &bob).await.expect(200);
        assert_eq!(bobs.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(bobs.body["items"][0]["id"], id.as_str());
        let veras = app.get(&views, &vera).await.expect(200);
        assert_eq!(veras.body["items"].as_array().unwrap().len(), 1);
        assert_eq!(veras.body["items"][0]["name"], "Everything");
        let admins = app
            .get(&format!("{views}?product=KEEL"), &admin)
            .await
            .expect(200);
        assert_eq!(
            admins.body["items"],
            json!([]),
            "not even the owner sees them"
        );

        // Nobody else can delete it — it does not exist for them.
        app.delete(&format!("{views}/{id}"), &admin)
            .await
            .expect(404);
        app.delete(&format!("{views}/{id}"), &vera)
            .await
            .expect(404);
        assert_eq!(
            app.get(&views, &bob).await.body["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        // Same name for the same product: 409 naming `name`.
        let clash = app
            .post(
                &views,
                &bob,
                json!({"name": "My bugs", "product": "KEEL", "query": "status=done"}),
            )
            .await
            .expect(409);
        assert_eq!(clash.error_fields(), vec!["name"]);

        // Invalid queries, names and products: 422 naming each field.
        for (body, fields) in [
            (
                json!({"name": "x", "product": "KEEL", "query": "status=doing"}),
                vec!["query"],
            ),
            (
                json!({"name": "x", "product": "KEEL", "query": "colour=red"}),
                vec!["query"],
            ),
            (
                json!({"name": "x", "product": "KEEL", "query": "sort=title"}),
                vec!["query"],
            ),
            (
                json!({"name": "x", "product": "KEEL", "query": "assignee=nobody@example.com"}),
                vec!["query"],
            ),
            (
                json!({"name": " ", "product": "NOPE", "query": "group=label"}),
                vec!["name", "product", "query"],
            ),
        ] {
            let r = app.post(&views, &bob, body.clone()).await.expect(422);
            assert_eq!(r.error_fields(), fields, "{body}");
        }
        app.post(
            &views,
            &bob,
            json!({"name": "x", "product": "KEEL", "query": "", "colour": "red"}),
        )
        .await
        .expect(422);
        app.get(&format!("{views}?product=NOPE"), &bob)
            .await
            .expect(422);

        app.delete(&format!("{views}/{id}"), &bob).await.expect(204);
        app.delete(&format!("{views}/{id}"), &bob).await.expect(404);
        assert_eq!(app.get(&views, &bob).await.body["items"], json!([]));
        app.finish().await;
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn subscribe(app: &TestApp, token: &str) -> Socket {
    let addr = app.listen().await;
    let mut req = format!("ws://{addr}/api/v1/workspaces/acme/events")
        .into_client_request()
        .unwrap();
    req.headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    tokio_tungstenite::connect_async(req).await.unwrap().0
}

/// The next event within `wait`, or `None`.
async fn next_event(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        let msg = tokio::time::timeout(wait, socket.next())
            .await
            .ok()??
            .ok()?;
        if let Message::Text(text) = msg {
            return serde_json::from_str(&text).ok();
        }
    }
}

async fn task(app: &TestApp, token: &str, key: &str) -> Value {
    app.get(&format!("{WS}/tasks/{key}"), token)
        .await
        .expect(200)
        .body
}

async fn history(app: &TestApp, token: &str, key: &str) -> Vec<Value> {
    app.get(&format!("{WS}/tasks/{key}/activity?limit=500"), token)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_edits_are_all_or_nothing_with_history_and_events() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin, bob, vera) = team(&app).await;
        for title in ["One", "Two", "Three"] {
            create(&app, &admin, json!({"product": "KEEL", "title": title})).await;
        }
        let bulk = format!("{WS}/tasks/bulk");
        let before: Vec<Value> = futures_util::future::join_all(
            ["KEEL-1", "KEEL-2", "KEEL-3"].map(|k| task(&app, &admin, k)),
        )
        .await;

        // One unknown task: 422 naming it, and nothing changed.
        let r = app
            .post(
                &bulk,
                &bob,
                json!({"tasks": ["KEEL-1", "KEEL-2", "KEEL-99"], "set": {"status": "done", "priority": "high"}}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["tasks[2]"]);
        assert!(r.text.contains("KEEL-99"), "{}", r.text);
        // A task of another workspace is just as unknown here.
        app.workspace(&admin, "other").await;
        let foreign = app
            .post(
                "/api/v1/workspaces/other/tasks",
                &admin,
                json!({"product": "KEEL", "title": "Elsewhere"}),
            )
            .await
            .expect(201);
        let r = app
            .post(
                &bulk,
                &admin,
                json!({"tasks": [foreign.body["id"], "KEEL-1"], "set": {"status": "done"}}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["tasks[0]"]);
        for (key, old) in ["KEEL-1", "KEEL-2", "KEEL-3"].iter().zip(&before) {
            assert_eq!(&task(&app, &admin, key).await, old, "{key} unchanged");
            assert_eq!(
                history(&app, &admin, key).await.len(),
                1,
                "{key}: created only"
            );
        }

        // Bad values and shapes: 422 naming the field.
        for (body, field) in [
            (json!({"tasks": [], "set": {"status": "done"}}), "tasks"),
            (json!({"tasks": ["KEEL-1"], "set": {}}), "set"),
            (
                json!({"tasks": ["KEEL-1"], "set": {"status": "finished"}}),
                "set.status",
            ),
            (
                json!({"tasks": ["KEEL-1"], "set": {"priority": "p0"}}),
                "set.priority",
            ),
            (
                json!({"tasks": ["KEEL-1"], "set": {"assignee": "nobody@example.com"}}),
                "set.assignee",
            ),
            (
                json!({"tasks": vec!["KEEL-1"; 501], "set": {"status": "done"}}),
                "tasks",
            ),
        ] {
            let r = app.post(&bulk, &bob, body.clone()).await.expect(422);
            assert_eq!(r.error_fields(), vec![field], "{body}");
        }
        app.post(
            &bulk,
            &bob,
            json!({"tasks": ["KEEL-1"], "set": {"status": "done", "title": "x"}}),
        )
        .await
        .expect(422);
        // Viewers may not write.
        app.post(
            &bulk,
            &vera,
            json!({"tasks": ["KEEL-1"], "set": {"status": "done"}}),
        )
        .await
        .expect(403);

        // The real thing: three fields on two tasks (one named twice, by
        // key and by id), one live event and three history rows per task.
        let mut socket = subscribe(&app, &admin).await;
        let id2 = before[1]["id"].as_str().unwrap();
        let r = app
            .post(
                &bulk,
                &bob,
                json!({"tasks": ["KEEL-2", "KEEL-1", id2],
                       "set": {"status": "in_progress", "priority": "urgent", "assignee": "bob@example.com"}}),
            )
            .await
            .expect(200);
        assert_eq!(r.body["changed"], 2);
        let items = r.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "a task named twice is listed once");
        assert_eq!(items[0]["key"], "KEEL-2", "in the order named");
        assert_eq!(items[1]["key"], "KEEL-1");
        for (item, old) in items.iter().zip([&before[1], &before[0]]) {
            assert_eq!(item["status"], "in_progress");
            assert_eq!(item["priority"], "urgent");
            assert_eq!(item["assignee"]["email"], "bob@example.com");
            assert_eq!(item["version"], old["version"].as_i64().unwrap() + 1);
            let key = item["key"].as_str().unwrap();
            let h = history(&app, &admin, key).await;
            let mut fields: Vec<&str> = h
                .iter()
                .filter(|a| a["action"] == "updated")
                .map(|a| a["field"].as_str().unwrap())
                .collect();
            fields.sort();
            assert_eq!(fields, ["assignee", "priority", "status"], "{key}");
            assert!(
                h.iter()
                    .filter(|a| a["action"] == "updated")
                    .all(|a| a["actor"]["email"] == "bob@example.com")
            );
        }
        let mut seen = Vec::new();
        for _ in 0..2 {
            let e = next_event(&mut socket, Duration::from_secs(5))
                .await
                .expect("one event per changed task");
            assert_eq!(e["type"], "updated");
            assert_eq!(e["item"]["status"], "in_progress");
            seen.push(e["key"].as_str().unwrap().to_string());
        }
        seen.sort();
        assert_eq!(seen, ["KEEL-1", "KEEL-2"]);
        assert_eq!(task(&app, &admin, "KEEL-3").await, before[2]);

        // Setting what is already there changes nothing: no version bump,
        // no history, no event. Unassigning with null works.
        let r = app
            .post(
                &bulk,
                &bob,
                json!({"tasks": ["KEEL-1", "KEEL-3"], "set": {"status": "in_progress", "assignee": null}}),
            )
            .await
            .expect(200);
        assert_eq!(r.body["changed"], 2, "KEEL-1 loses bob, KEEL-3 moves");
        assert!(r.body["items"][0]["assignee"].is_null());
        let again = app
            .post(
                &bulk,
                &bob,
                json!({"tasks": ["KEEL-1", "KEEL-3"], "set": {"status": "in_progress"}}),
            )
            .await
            .expect(200);
        assert_eq!(again.body["changed"], 0);
        assert_eq!(again.body["items"], r.body["items"]);
        let mut later = Vec::new();
        while let Some(e) = next_event(&mut socket, Duration::from_millis(500)).await {
            later.push(e["key"].as_str().unwrap().to_string());
        }
        later.sort();
        assert_eq!(later, ["KEEL-1", "KEEL-3"], "no events for no change");
        app.finish().await;
    }
}

/// Tasks of `acme`'s list page, in order, read from the rendered HTML.
fn keys_in(html: &str) -> Vec<String> {
    html.split("data-key=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .map(str::to_string)
        .collect()
}

/// Fetches a page with a browser session (the list is a page, not an API).
async fn page(app: &TestApp, cookie: &str, path: &str) -> String {
    let req = axum::http::Request::builder()
        .uri(path)
        .header("cookie", cookie)
        .body(axum::body::Body::empty())
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status.as_u16(), 200, "{path}: {}", r.text);
    r.text
}

/// Signs in through the login form; returns the session cookie.
async fn sign_in(app: &TestApp, email: &str) -> String {
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "http://localhost")
        .header("host", "localhost")
        .body(axum::body::Body::from(format!(
            "email={}&password=correct+horse+battery&next=%2F",
            email.replace('@', "%40")
        )))
        .unwrap();
    let r = app.send(req).await;
    let cookie = r
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("keel_session="))
        .unwrap_or_else(|| panic!("no session cookie: {} {}", r.status, r.text));
    cookie.split(';').next().unwrap().to_string()
}

#[tokio::test]
async fn the_list_page_filters_sorts_groups_and_pages() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin, _bob, _vera) = team(&app).await;
        for (title, status, priority, due, assignee) in [
            (
                "Alpha",
                "todo",
                "low",
                Some("2026-03-01"),
                Some("bob@example.com"),
            ),
            ("Beta", "in_progress", "urgent", None, None),
            (
                "Gamma",
                "todo",
                "high",
                Some("2026-01-15"),
                Some("bob@example.com"),
            ),
            ("Delta", "done", "none", Some("2026-02-01"), None),
            ("<b>Epsilon</b>", "backlog", "medium", None, None),
        ] {
            create(
                &app,
                &admin,
                json!({"product": "KEEL", "title": title, "status": status, "priority": priority,
                       "due_date": due, "assignee": assignee, "labels": ["web"]}),
            )
            .await;
        }
        let cookie = sign_in(&app, "admin@example.com").await;
        let list = "/w/acme/p/KEEL/list";

        let html = page(&app, &cookie, list).await;
        assert_eq!(
            keys_in(&html),
            ["KEEL-5", "KEEL-4", "KEEL-3", "KEEL-2", "KEEL-1"],
            "newest key first by default"
        );
        assert!(
            html.contains("Epsilon") && !html.contains("<b>Epsilon"),
            "titles are escaped"
        );
        assert!(html.contains("href=\"/w/acme/t/KEEL-3\""));

        let html = page(&app, &cookie, &format!("{list}?sort=priority")).await;
        assert_eq!(
            keys_in(&html),
            ["KEEL-2", "KEEL-3", "KEEL-5", "KEEL-1", "KEEL-4"],
            "urgent first, none last"
        );
        let html = page(&app, &cookie, &format!("{list}?sort=due")).await;
        assert_eq!(
            keys_in(&html)[..3],
            ["KEEL-3", "KEEL-4", "KEEL-1"],
            "earliest due first"
        );
        let html = page(&app, &cookie, &format!("{list}?sort=due&dir=desc")).await;
        assert_eq!(
            keys_in(&html),
            ["KEEL-1", "KEEL-4", "KEEL-3", "KEEL-5", "KEEL-2"],
            "latest due first, no due date still last"
        );
        let html = page(&app, &cookie, &format!("{list}?sort=status")).await;
        assert_eq!(keys_in(&html)[0], "KEEL-5", "backlog first");

        let html = page(
            &app,
            &cookie,
            &format!("{list}?assignee=bob%40example.com&sort=key&dir=asc"),
        )
        .await;
        assert_eq!(keys_in(&html), ["KEEL-1", "KEEL-3"]);
        let html = page(
            &app,
            &cookie,
            &format!("{list}?status=todo,in_progress&q=ta"),
        )
        .await;
        assert_eq!(
            keys_in(&html),
            ["KEEL-2"],
            "Beta is the only open one with 'ta'"
        );

        let html = page(&app, &cookie, &format!("{list}?group=status&sort=priority")).await;
        assert_eq!(
            keys_in(&html),
            ["KEEL-5", "KEEL-3", "KEEL-1", "KEEL-2", "KEEL-4"],
            "by status, then by priority"
        );
        let groups: Vec<&str> = html
            .split("class=\"group-name\">")
            .skip(1)
            .filter_map(|s| s.split('<').next())
            .collect();
        assert_eq!(groups, ["Backlog", "Todo", "In progress", "Done"]);
        assert!(
            html.contains("<span class=\"group-name\">Todo</span> <span class=\"count\">2</span>")
        );
        let html = page(&app, &cookie, &format!("{list}?group=assignee")).await;
        let groups: Vec<&str> = html
            .split("class=\"group-name\">")
            .skip(1)
            .filter_map(|s| s.split('<').next())
            .collect();
        assert_eq!(groups, ["bob", "Unassigned"], "unassigned last");

        // A stale bookmark with nonsense still shows the list.
        let html = page(
            &app,
            &cookie,
            &format!("{list}?status=doing&sort=nope&page=x"),
        )
        .await;
        assert_eq!(keys_in(&html).len(), 5);
        app.finish().await;
    }
}

#[tokio::test]
async fn long_lists_page_by_500() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let (admin, _bob, _vera) = team(&app).await;
        let ws_id = app.get(WS, &admin).await.body["id"]
            .as_str()
            .unwrap()
            .to_string();
        // 1,203 tasks straight through the store (the API would take long).
        let store = &app.db.store;
        let product = keel_store::repo::products::get(store.db(), &ws_id, "KEEL")
            .await
            .unwrap()
            .unwrap();
        let me = app.get("/api/v1/me", &admin).await.body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let mut tx = store.begin().await.unwrap();
        for i in 0..1203 {
            let fields = keel_store::repo::tasks::TaskFields {
                title: format!("Task {i}"),
                description: String::new(),
                status: keel_domain::task::Status::ALL[i % 6],
                priority: keel_domain::task::Priority::ALL[i % 5],
                task_type: keel_domain::task::TaskType::Feature,
                assignee_id: None,
                team_id: None,
                estimate: None,
                due_date: None,
                labels: vec![],
                parent_id: None,
                feature_id: None,
                rank: None,
            };
            keel_store::repo::tasks::create(
                &mut tx,
                &keel_domain::ids::new_id(),
                &product,
                &fields,
                &me,
                &keel_domain::time::Timestamp::now().to_rfc3339(),
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let cookie = sign_in(&app, "admin@example.com").await;
        let list = "/w/acme/p/KEEL/list";
        let first = page(&app, &cookie, &format!("{list}?sort=key&dir=asc")).await;
        let keys = keys_in(&first);
        assert_eq!(keys.len(), 500);
        assert_eq!(keys[0], "KEEL-1");
        assert!(first.contains("1–500 of 1,203"));
        let next = first
            .split("rel=\"next\"")
            .next()
            .and_then(|s| s.rsplit("href=\"").next())
            .unwrap();
        assert!(
            next.starts_with("?dir=asc&") && next.contains("page=2\""),
            "next page link: {next}"
        );
        let third = page(&app, &cookie, &format!("{list}?sort=key&dir=asc&page=3")).await;
        let keys = keys_in(&third);
        assert_eq!(keys.len(), 203);
        assert_eq!(keys[0], "KEEL-1001");
        assert_eq!(keys[202], "KEEL-1203");
        assert!(!third.contains("rel=\"next\""));
        let past = page(&app, &cookie, &format!("{list}?sort=key&dir=asc&page=9")).await;
        assert!(keys_in(&past).is_empty());
        assert!(past.contains("past the end"), "a page past the end says so");
        // Grouped counts cover every page, not just this one.
        let grouped = page(&app, &cookie, &format!("{list}?group=status")).await;
        assert!(
            grouped.contains(
                "<span class=\"group-name\">Backlog</span> <span class=\"count\">201</span>"
            ),
            "1,203 tasks over 6 statuses: backlog has 201"
        );
        app.finish().await;
    }
}
