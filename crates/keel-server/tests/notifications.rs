//! @mentions and in-app notifications through the HTTP API, on every
//! configured backend: who a comment notifies (active members it mentions,
//! never its author, never outsiders), each person's list (newest first,
//! paginated, with the unread count), marking read, bad input, and that
//! notifications go with their task.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";
const PASSWORD: &str = "correct horse battery";

/// Creates an account with a chosen display name; returns its token.
async fn account(app: &TestApp, admin: &str, email: &str, name: &str) -> String {
    app.post(
        "/api/v1/admin/users",
        admin,
        json!({"email": email, "name": name, "password": PASSWORD}),
    )
    .await
    .expect(201);
    let r = app
        .call(
            "POST",
            "/api/v1/auth/tokens",
            None,
            Some(json!({"email": email, "password": PASSWORD, "name": "test"})),
        )
        .await
        .expect(201);
    r.body["token"].as_str().unwrap().to_string()
}

async fn comment(app: &TestApp, token: &str, key: &str, body: &str) -> Value {
    app.post(
        &format!("{WS}/tasks/{key}/comments"),
        token,
        json!({ "body": body }),
    )
    .await
    .expect(201)
    .body
}

async fn inbox(app: &TestApp, token: &str, query: &str) -> Value {
    app.get(&format!("{WS}/notifications{query}"), token)
        .await
        .expect(200)
        .body
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect()
}

struct People {
    admin: String,
    grace: String,
    linus: String,
    outsider: String,
}

/// `acme` (owner: Admin) with Grace Hopper (member), Linus (viewer), a
/// deactivated member and an outsider; task KEEL-1.
async fn fixture(app: &TestApp) -> People {
    let admin = app.setup_admin().await;
    app.workspace(&admin, "acme").await;
    let grace = account(app, &admin, "grace@example.com", "Grace Hopper").await;
    let linus = account(app, &admin, "linus@example.org", "Linus").await;
    let former = account(app, &admin, "former@example.com", "Former Member").await;
    let outsider = account(app, &admin, "outsider@example.com", "Outsider").await;
    app.add_member(&admin, "acme", "grace@example.com", "member")
        .await;
    app.add_member(&admin, "acme", "linus@example.org", "viewer")
        .await;
    app.add_member(&admin, "acme", "former@example.com", "member")
        .await;
    let former_id = app.get("/api/v1/me", &former).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string();
    app.patch(
        &format!("{WS}/members/{former_id}"),
        &admin,
        json!({"active": false}),
    )
    .await
    .expect(200);
    app.post(
        &format!("{WS}/tasks"),
        &admin,
        json!({"product": "KEEL", "title": "Ship notifications"}),
    )
    .await
    .expect(201);
    People {
        admin,
        grace,
        linus,
        outsider,
    }
}

#[tokio::test]
async fn a_mention_notifies_the_active_members_it_names() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let p = fixture(&app).await;

        let c = comment(
            &app,
            &p.admin,
            "KEEL-1",
            "@Grace Hopper and @linus@example.org, please look. \
             Also @Admin (myself), @outsider and @former — and `@grace` in code.",
        )
        .await;

        let grace = inbox(&app, &p.grace, "").await;
        assert_eq!(grace["unread"], 1, "{grace}");
        assert_eq!(grace["next_cursor"], Value::Null);
        let n = &grace["items"][0];
        assert_eq!(n["kind"], "mention");
        assert_eq!(n["actor"]["email"], "admin@example.com");
        assert_eq!(n["task"], "KEEL-1");
        assert_eq!(n["task_title"], "Ship notifications");
        assert_eq!(n["comment"], c["id"]);
        assert_eq!(n["read_at"], Value::Null);
        assert!(
            n["excerpt"]
                .as_str()
                .unwrap()
                .starts_with("@Grace Hopper and @linus@example.org, please look. Also"),
            "{n}"
        );

        // A viewer cannot comment but can be mentioned.
        assert_eq!(inbox(&app, &p.linus, "").await["unread"], 1);
        // Not the author, not someone outside the workspace.
        let admin = inbox(&app, &p.admin, "").await;
        assert_eq!(admin["unread"], 0);
        assert_eq!(admin["items"], json!([]));
        app.get(&format!("{WS}/notifications"), &p.outsider)
            .await
            .expect(404);

        // Mentioning twice in one comment notifies once; a reply notifies back.
        comment(
            &app,
            &p.grace,
            "KEEL-1",
            "@admin @Admin @admin@example.com ok",
        )
        .await;
        assert_eq!(inbox(&app, &p.admin, "").await["unread"], 1);
        // No mention, no notification.
        comment(&app, &p.grace, "KEEL-1", "email admin@example.com later").await;
        assert_eq!(inbox(&app, &p.admin, "").await["unread"], 1);

        app.finish().await;
    }
}

#[tokio::test]
async fn lists_are_newest_first_paginated_and_marked_read() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let p = fixture(&app).await;
        for i in 1..=5 {
            comment(&app, &p.admin, "KEEL-1", &format!("@grace number {i}")).await;
        }

        let all = inbox(&app, &p.grace, "?limit=500").await;
        let all_ids = ids(&all);
        assert_eq!(all_ids.len(), 5);
        let mut newest_first = all_ids.clone();
        newest_first.sort_by(|a, b| b.cmp(a));
        assert_eq!(all_ids, newest_first, "newest first");
        assert_eq!(all["items"][0]["excerpt"], "@grace number 5");

        let first = inbox(&app, &p.grace, "?limit=2").await;
        assert_eq!(ids(&first), all_ids[..2]);
        assert_eq!(first["unread"], 5, "the count covers every page");
        let cursor = first["next_cursor"].as_str().unwrap();
        let second = inbox(&app, &p.grace, &format!("?limit=2&cursor={cursor}")).await;
        assert_eq!(ids(&second), all_ids[2..4]);
        let cursor = second["next_cursor"].as_str().unwrap();
        let last = inbox(&app, &p.grace, &format!("?limit=2&cursor={cursor}")).await;
        assert_eq!(ids(&last), all_ids[4..]);
        assert_eq!(last["next_cursor"], Value::Null);

        // Mark one read: once.
        let read = format!("{WS}/notifications/read");
        let r = app
            .post(&read, &p.grace, json!({"ids": [all_ids[1]]}))
            .await
            .expect(200);
        assert_eq!(r.body, json!({"marked": 1, "unread": 4}));
        let r = app
            .post(&read, &p.grace, json!({"ids": [all_ids[1]]}))
            .await
            .expect(200);
        assert_eq!(r.body, json!({"marked": 0, "unread": 4}));
        let listed = inbox(&app, &p.grace, "?limit=500").await;
        assert!(listed["items"][1]["read_at"].is_string());
        assert!(listed["items"][0]["read_at"].is_null());
        let unread = inbox(&app, &p.grace, "?unread=true").await;
        assert_eq!(ids(&unread).len(), 4);
        assert!(!ids(&unread).contains(&all_ids[1]));

        // Someone else's notification cannot be marked by id.
        comment(&app, &p.grace, "KEEL-1", "@admin hello").await;
        let admins = ids(&inbox(&app, &p.admin, "").await);
        let r = app
            .post(&read, &p.grace, json!({"ids": admins}))
            .await
            .expect(200);
        assert_eq!(r.body["marked"], 0);
        assert_eq!(inbox(&app, &p.admin, "").await["unread"], 1);

        // All.
        let r = app
            .post(&read, &p.grace, json!({"all": true}))
            .await
            .expect(200);
        assert_eq!(r.body, json!({"marked": 4, "unread": 0}));
        assert_eq!(
            inbox(&app, &p.grace, "?unread=true").await["items"],
            json!([])
        );
        assert_eq!(inbox(&app, &p.admin, "").await["unread"], 1);

        app.finish().await;
    }
}

#[tokio::test]
async fn bad_requests_name_the_field() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let p = fixture(&app).await;
        let read = format!("{WS}/notifications/read");
        let some_id = keel_domain::ids::new_id();
        for (body, field) in [
            (json!({}), "ids"),
            (json!({"ids": []}), "ids"),
            (json!({"all": true, "ids": [some_id]}), "ids"),
            (json!({"ids": ["not-an-id"]}), "ids"),
        ] {
            let r = app.post(&read, &p.grace, body.clone()).await.expect(422);
            assert_eq!(r.error_fields(), vec![field.to_string()], "{body}");
        }
        app.post(&read, &p.grace, json!({"every": true}))
            .await
            .expect(422);
        let too_many: Vec<String> = (0..501).map(|_| keel_domain::ids::new_id()).collect();
        app.post(&read, &p.grace, json!({"ids": too_many}))
            .await
            .expect(422);
        for (query, field) in [
            ("?limit=0", "limit"),
            ("?limit=501", "limit"),
            ("?cursor=garbage", "cursor"),
        ] {
            let r = app
                .get(&format!("{WS}/notifications{query}"), &p.grace)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), vec![field.to_string()], "{query}");
        }
        app.get(&format!("{WS}/notifications?unread=maybe"), &p.grace)
            .await
            .expect(422);
        app.get(&format!("{WS}/notifications?page=2"), &p.grace)
            .await
            .expect(422);
        app.finish().await;
    }
}

#[tokio::test]
async fn notifications_are_per_workspace_and_go_with_their_task() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let p = fixture(&app).await;
        comment(&app, &p.admin, "KEEL-1", "@grace first").await;

        // Grace's notifications in another workspace are another list.
        app.workspace(&p.grace, "second").await;
        let other = app
            .get("/api/v1/workspaces/second/notifications", &p.grace)
            .await
            .expect(200);
        assert_eq!(other.body["items"], json!([]));
        assert_eq!(other.body["unread"], 0);
        // Marking all read there leaves acme's alone.
        app.post(
            "/api/v1/workspaces/second/notifications/read",
            &p.grace,
            json!({"all": true}),
        )
        .await
        .expect(200);
        assert_eq!(inbox(&app, &p.grace, "").await["unread"], 1);

        // Each notification is a live event after its comment's, in the
        // comment's transaction; deleting the task takes them along.
        let ws_id = app.get(WS, &p.admin).await.expect(200).body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let events = keel_store::repo::events::after(app.db.store.db(), &ws_id, 0, 1000)
            .await
            .unwrap();
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        let at = kinds.iter().position(|k| *k == "notification").unwrap();
        assert_eq!(kinds[at - 1], "comment", "{kinds:?}");
        assert_eq!(events[at].key.as_deref(), Some("KEEL-1"));
        assert_eq!(
            events[at].item_id,
            inbox(&app, &p.grace, "").await["items"][0]["id"]
        );

        app.delete(&format!("{WS}/tasks/KEEL-1"), &p.admin)
            .await
            .expect(204);
        let after = inbox(&app, &p.grace, "").await;
        assert_eq!(after["items"], json!([]));
        assert_eq!(after["unread"], 0);
        app.finish().await;
    }
}
