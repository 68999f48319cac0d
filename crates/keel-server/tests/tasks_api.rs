//! The task journey through the HTTP API, on every configured backend:
//! create, read by key and id, filter, paginate, update with history and
//! optimistic concurrency, comment, delete; plus tokens and set-up rules.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";

#[tokio::test]
async fn task_lifecycle() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let bob = app.user(&admin, "bob@example.com").await;
        app.add_member(&admin, "acme", "bob@example.com", "member")
            .await;
        app.post(
            &format!("{WS}/teams"),
            &admin,
            json!({"key": "eng", "name": "Engineering"}),
        )
        .await
        .expect(201);

        let created = app
            .post(
                &format!("{WS}/tasks"),
                &bob,
                json!({"product": "KEEL", "title": "  Ship the board  ", "description": "**bold**", "status": "todo",
                       "priority": "high", "type": "bug", "assignee": "bob@example.com", "team": "eng", "estimate": 3,
                       "due_date": "2026-12-01", "labels": ["ui", "ui", "web"]}),
            )
            .await
            .expect(201);
        let t = &created.body;
        assert_eq!(t["key"], "KEEL-1");
        assert_eq!(t["title"], "Ship the board", "titles are trimmed");
        assert_eq!(t["type"], "bug");
        assert_eq!(t["assignee"]["email"], "bob@example.com");
        assert_eq!(t["team"], "eng");
        assert_eq!(t["estimate"], 3.0);
        assert_eq!(
            t["labels"],
            json!(["ui", "web"]),
            "labels are de-duplicated"
        );
        assert_eq!(t["version"], 1);
        assert_eq!(
            created.header("location"),
            Some("/api/v1/workspaces/acme/tasks/KEEL-1")
        );
        assert_eq!(created.header("etag"), Some("\"1\""));
        let id = t["id"].as_str().unwrap().to_string();

        // Read by key and by id.
        let by_key = app
            .get(&format!("{WS}/tasks/KEEL-1"), &admin)
            .await
            .expect(200);
        let by_id = app
            .get(&format!("{WS}/tasks/{id}"), &admin)
            .await
            .expect(200);
        assert_eq!(by_key.body, by_id.body);

        // Sub-task.
        let sub = app
            .post(
                &format!("{WS}/tasks"),
                &bob,
                json!({"product": "KEEL", "title": "Sub", "parent": "KEEL-1"}),
            )
            .await
            .expect(201);
        assert_eq!(sub.body["key"], "KEEL-2");
        assert_eq!(sub.body["parent"], "KEEL-1");
        let subs = app
            .get(&format!("{WS}/tasks?parent=KEEL-1"), &bob)
            .await
            .expect(200);
        assert_eq!(subs.body["items"].as_array().unwrap().len(), 1);
        // A task cannot become its own ancestor.
        let cycle = app
            .patch(
                &format!("{WS}/tasks/KEEL-1"),
                &bob,
                json!({"parent": "KEEL-2"}),
            )
            .await
            .expect(422);
        assert_eq!(cycle.error_fields(), vec!["parent"]);

        // Update with If-Match, then a stale If-Match changes nothing.
        let updated = app
            .call_with(
                "PATCH",
                &format!("{WS}/tasks/KEEL-1"),
                Some(&bob),
                Some(json!({"status": "done", "assignee": null, "labels": ["web"]})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(updated.body["status"], "done");
        assert!(updated.body["assignee"].is_null());
        assert!(
            updated.body["completed_at"].is_string(),
            "closing a task stamps completed_at"
        );
        assert_eq!(updated.body["version"], 2);
        let stale = app
            .call_with(
                "PATCH",
                &format!("{WS}/tasks/KEEL-1"),
                Some(&bob),
                Some(json!({"title": "lost update"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(412);
        assert_eq!(stale.body["status"], 412);
        let after = app
            .get(&format!("{WS}/tasks/KEEL-1"), &bob)
            .await
            .expect(200);
        assert_eq!(after.body["title"], "Ship the board");
        assert_eq!(after.body["version"], 2);

        // A no-op patch changes neither version nor history.
        let same = app
            .patch(
                &format!("{WS}/tasks/KEEL-1"),
                &bob,
                json!({"status": "done"}),
            )
            .await
            .expect(200);
        assert_eq!(same.body["version"], 2);

        // History names field, old and new value, and who.
        let history = app
            .get(&format!("{WS}/tasks/KEEL-1/activity"), &admin)
            .await
            .expect(200);
        let entries = history.body["items"].as_array().unwrap();
        assert_eq!(entries[0]["action"], "created");
        let changed: Vec<(String, String, String)> = entries
            .iter()
            .filter(|e| e["action"] == "updated")
            .map(|e| {
                (
                    e["field"].as_str().unwrap().to_string(),
                    e["from"].as_str().unwrap_or("").to_string(),
                    e["to"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert!(
            changed.contains(&("status".into(), "todo".into(), "done".into())),
            "{changed:?}"
        );
        assert!(
            changed.contains(&("assignee".into(), "bob@example.com".into(), "".into())),
            "{changed:?}"
        );
        assert!(
            changed.contains(&("labels".into(), "ui, web".into(), "web".into())),
            "{changed:?}"
        );
        assert!(entries.iter().all(|e| e["actor"]["email"].is_string()));

        // Comments; a new one's Location answers with it.
        let created = app
            .post(
                &format!("{WS}/tasks/KEEL-1/comments"),
                &bob,
                json!({"body": "Looks good @admin"}),
            )
            .await
            .expect(201);
        let at = created.header("location").unwrap().to_string();
        let followed = app.get(&at, &admin).await.expect(200);
        assert_eq!(followed.body, created.body);
        assert_eq!(followed.header("etag"), created.header("etag"));
        app.get(&at.replace("KEEL-1", "KEEL-2"), &admin)
            .await
            .expect(404);
        let comments = app
            .get(&format!("{WS}/tasks/KEEL-1/comments"), &admin)
            .await
            .expect(200);
        assert_eq!(comments.body["items"][0]["body"], "Looks good @admin");
        assert_eq!(
            comments.body["items"][0]["author"]["email"],
            "bob@example.com"
        );

        // Delete; the key is never reused.
        app.delete(&format!("{WS}/tasks/KEEL-2"), &bob)
            .await
            .expect(204);
        app.get(&format!("{WS}/tasks/KEEL-2"), &bob)
            .await
            .expect(404);
        let next = app
            .post(
                &format!("{WS}/tasks"),
                &bob,
                json!({"product": "KEEL", "title": "Next"}),
            )
            .await
            .expect(201);
        assert_eq!(next.body["key"], "KEEL-3");
        app.finish().await;
    }
}

#[tokio::test]
async fn lists_filter_and_paginate() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        for i in 0..120 {
            let status = ["todo", "in_progress", "done"][i % 3];
            let labels = if i % 4 == 0 { json!(["ux"]) } else { json!([]) };
            let assignee = if i % 5 == 0 { json!("me") } else { json!(null) };
            app.post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": format!("Task {i} 50%_off"), "status": status, "labels": labels, "assignee": assignee}),
            )
            .await
            .expect(201);
        }
        // Walk every page; each task appears exactly once, newest first.
        let mut seen = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("{WS}/tasks?limit=50&cursor={c}"),
                None => format!("{WS}/tasks?limit=50"),
            };
            let page = app.get(&path, &admin).await.expect(200);
            for t in page.body["items"].as_array().unwrap() {
                seen.push(t["number"].as_i64().unwrap());
            }
            match page.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, (1..=120).rev().collect::<Vec<_>>());

        let count = |path: String| {
            let app = &app;
            let admin = admin.clone();
            async move {
                app.get(&path, &admin).await.expect(200).body["items"]
                    .as_array()
                    .unwrap()
                    .len()
            }
        };
        assert_eq!(count(format!("{WS}/tasks?status=done&limit=500")).await, 40);
        assert_eq!(
            count(format!("{WS}/tasks?status=done,todo&limit=500")).await,
            80
        );
        assert_eq!(count(format!("{WS}/tasks?label=ux&limit=500")).await, 30);
        assert_eq!(count(format!("{WS}/tasks?assignee=me&limit=500")).await, 24);
        assert_eq!(
            count(format!("{WS}/tasks?assignee=none&limit=500")).await,
            96
        );
        assert_eq!(
            count(format!(
                "{WS}/tasks?assignee=admin@example.com&status=todo&limit=500"
            ))
            .await,
            8
        );
        assert_eq!(
            count(format!("{WS}/tasks?q=task%2011&limit=500")).await,
            11,
            "case-insensitive substring"
        );
        assert_eq!(
            count(format!("{WS}/tasks?q=50%25_&limit=500")).await,
            120,
            "LIKE wildcards match literally"
        );
        assert_eq!(count(format!("{WS}/tasks?q=5x%25&limit=500")).await, 0);
        assert_eq!(count(format!("{WS}/tasks?product=KEEL&limit=10")).await, 10);
        for bad in ["garbage", "KEEL-1"] {
            let r = app
                .get(&format!("{WS}/tasks?cursor={bad}"), &admin)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), vec!["cursor"]);
        }
        let r = app
            .get("/api/v1/workspaces?cursor=nope", &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["cursor"]);
        let unknown = app
            .get(&format!("{WS}/tasks?product=NOPE"), &admin)
            .await
            .expect(422);
        assert_eq!(unknown.error_fields(), vec!["product"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn workspaces_are_isolated() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        let eve = app.user(&admin, "eve@example.com").await;
        app.workspace(&admin, "acme").await;
        app.workspace(&eve, "evil").await;
        let t = app
            .post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": "Secret"}),
            )
            .await
            .expect(201);
        let id = t.body["id"].as_str().unwrap();
        // Eve is not a member of acme: everything there is 404 for her.
        app.get(&format!("{WS}/tasks/KEEL-1"), &eve)
            .await
            .expect(404);
        app.get(WS, &eve).await.expect(404);
        app.patch(
            &format!("{WS}/tasks/KEEL-1"),
            &eve,
            json!({"title": "pwned"}),
        )
        .await
        .expect(404);
        // Addressing acme's task through her own workspace finds nothing either.
        app.get(&format!("/api/v1/workspaces/evil/tasks/{id}"), &eve)
            .await
            .expect(404);
        app.get("/api/v1/workspaces/evil/tasks/KEEL-1", &eve)
            .await
            .expect(404);
        let list = app
            .get("/api/v1/workspaces/evil/tasks", &eve)
            .await
            .expect(200);
        assert!(list.body["items"].as_array().unwrap().is_empty());
        let mine = app.get("/api/v1/workspaces", &eve).await.expect(200);
        let slugs: Vec<&str> = mine.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["slug"].as_str().unwrap())
            .collect();
        assert_eq!(slugs, vec!["evil"]);
        // Deactivated members lose access but keep their history.
        app.add_member(&admin, "acme", "eve@example.com", "member")
            .await;
        app.post(
            &format!("{WS}/tasks/KEEL-1/comments"),
            &eve,
            json!({"body": "hi"}),
        )
        .await
        .expect(201);
        app.patch(
            &format!("{WS}/members/eve@example.com"),
            &admin,
            json!({"active": false}),
        )
        .await
        .expect(200);
        app.get(&format!("{WS}/tasks/KEEL-1"), &eve)
            .await
            .expect(404);
        let comments = app
            .get(&format!("{WS}/tasks/KEEL-1/comments"), &admin)
            .await
            .expect(200);
        assert_eq!(
            comments.body["items"][0]["author"]["email"],
            "eve@example.com"
        );
        // The last owner cannot be demoted.
        let last = app
            .patch(
                &format!("{WS}/members/admin@example.com"),
                &admin,
                json!({"role": "member"}),
            )
            .await
            .expect(409);
        assert_eq!(last.error_fields(), vec!["role"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn accounts_and_tokens() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        // Set-up only works once.
        app.call(
            "POST",
            "/api/v1/setup",
            None,
            Some(
                json!({"email": "x@example.com", "name": "X", "password": "correct horse battery"}),
            ),
        )
        .await
        .expect(409);
        let me = app.get("/api/v1/me", &admin).await.expect(200);
        assert_eq!(me.body["email"], "admin@example.com");
        assert!(me.body.get("password_hash").is_none());
        // Wrong password and unknown email look the same.
        let wrong = app.call("POST", "/api/v1/auth/tokens", None, Some(json!({"email": "admin@example.com", "password": "nope nope nope", "name": "t"}))).await.expect(401);
        let unknown = app
            .call(
                "POST",
                "/api/v1/auth/tokens",
                None,
                Some(
                    json!({"email": "who@example.com", "password": "nope nope nope", "name": "t"}),
                ),
            )
            .await
            .expect(401);
        assert_eq!(wrong.body["detail"], unknown.body["detail"]);
        // A new token works; revoking it stops it at once.
        let created = app.call("POST", "/api/v1/auth/tokens", None, Some(json!({"email": "admin@example.com", "password": "correct horse battery", "name": "laptop"}))).await.expect(201);
        let token = created.body["token"].as_str().unwrap().to_string();
        let token_id = created.body["id"].as_str().unwrap().to_string();
        app.get("/api/v1/me", &token).await.expect(200);
        let listed = app.get("/api/v1/auth/tokens", &token).await.expect(200);
        assert!(listed.text.contains("laptop"));
        assert!(!listed.text.contains(&token), "secrets are never listed");
        // Use is recorded in the background, off the request's path.
        let mut last_used = serde_json::Value::Null;
        for _ in 0..100 {
            let listed = app.get("/api/v1/auth/tokens", &token).await.expect(200);
            let mine = listed.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["id"] == token_id.as_str())
                .cloned()
                .unwrap();
            last_used = mine["last_used_at"].clone();
            if last_used.is_string() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        assert!(last_used.is_string(), "last_used_at is recorded");
        app.delete(&format!("/api/v1/auth/tokens/{token_id}"), &token)
            .await
            .expect(204);
        app.get("/api/v1/me", &token).await.expect(401);
        app.get("/api/v1/me", "keel_not-a-real-token")
            .await
            .expect(401);
        app.call("GET", "/api/v1/me", None, None).await.expect(401);
        // Only instance admins create accounts.
        let bob = app.user(&admin, "bob@example.com").await;
        app.post(
            "/api/v1/admin/users",
            &bob,
            json!({"email": "c@example.com", "name": "C", "password": "correct horse battery"}),
        )
        .await
        .expect(403);
        let dup = app.post("/api/v1/admin/users", &admin, json!({"email": "BOB@example.com", "name": "B", "password": "correct horse battery"})).await.expect(409);
        assert_eq!(dup.error_fields(), vec!["email"]);
        let short = app
            .post(
                "/api/v1/admin/users",
                &admin,
                json!({"email": "d@example.com", "name": "D", "password": "short"}),
            )
            .await
            .expect(422);
        assert_eq!(short.error_fields(), vec!["password"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn moving_tasks_keeps_a_shared_order() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        for i in 1..=4 {
            app.post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": format!("t{i}")}),
            )
            .await
            .expect(201);
        }
        let order = |status: &'static str| {
            let app = &app;
            let admin = admin.clone();
            async move {
                let r = app
                    .get(&format!("{WS}/tasks?status={status}&limit=500"), &admin)
                    .await
                    .expect(200);
                let mut items: Vec<(f64, String)> = r.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|t| {
                        (
                            t["rank"].as_f64().unwrap(),
                            t["key"].as_str().unwrap().to_string(),
                        )
                    })
                    .collect();
                items.sort_by(|a, b| a.0.total_cmp(&b.0));
                items.into_iter().map(|(_, k)| k).collect::<Vec<_>>()
            }
        };
        assert_eq!(
            order("todo").await,
            ["KEEL-1", "KEEL-2", "KEEL-3", "KEEL-4"]
        );
        app.post(
            &format!("{WS}/tasks/KEEL-4/move"),
            &admin,
            json!({"after": "KEEL-1"}),
        )
        .await
        .expect(200);
        assert_eq!(
            order("todo").await,
            ["KEEL-1", "KEEL-4", "KEEL-2", "KEEL-3"]
        );
        let moved = app
            .post(
                &format!("{WS}/tasks/KEEL-3/move"),
                &admin,
                json!({"status": "in_progress"}),
            )
            .await
            .expect(200);
        assert_eq!(moved.body["status"], "in_progress");
        app.post(
            &format!("{WS}/tasks/KEEL-2/move"),
            &admin,
            json!({"status": "in_progress", "before": "KEEL-3"}),
        )
        .await
        .expect(200);
        assert_eq!(order("in_progress").await, ["KEEL-2", "KEEL-3"]);
        assert_eq!(order("todo").await, ["KEEL-1", "KEEL-4"]);
        // Keep dropping into the same gap until the ranks must be spread out
        // again; the order stays right throughout.
        for _ in 0..40 {
            app.post(
                &format!("{WS}/tasks/KEEL-4/move"),
                &admin,
                json!({"before": "KEEL-1"}),
            )
            .await
            .expect(200);
            app.post(
                &format!("{WS}/tasks/KEEL-1/move"),
                &admin,
                json!({"before": "KEEL-4"}),
            )
            .await
            .expect(200);
        }
        assert_eq!(order("todo").await, ["KEEL-1", "KEEL-4"]);
        // Status history is kept for moves; the position alone is not history.
        let history = app
            .get(&format!("{WS}/tasks/KEEL-3/activity"), &admin)
            .await
            .expect(200);
        let fields: Vec<&str> = history.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|e| e["field"].as_str())
            .collect();
        assert_eq!(fields, ["status"]);
        let bad = app
            .post(
                &format!("{WS}/tasks/KEEL-1/move"),
                &admin,
                json!({"after": "KEEL-1"}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), vec!["after"]);
        let bad = app
            .post(
                &format!("{WS}/tasks/KEEL-1/move"),
                &admin,
                json!({"status": "nope"}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), vec!["status"]);
        app.finish().await;
    }
}
