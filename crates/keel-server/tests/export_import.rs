//! The full workspace export: a workspace rich in data, exported, imported
//! into an empty instance and exported again gives the same document
//! (people's ids aside: the importing instance's admin is matched by email,
//! so their id there is another). A bad document is refused whole, naming
//! what is wrong; a second import of the same workspace is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

/// POSTs and expects a 2xx; returns the body.
async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = app.post(path, token, body).await;
    assert!(
        r.status.is_success(),
        "POST {path}: {} {}",
        r.status,
        r.text
    );
    r.body
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

/// A workspace with a bit of everything, written through the API.
/// Returns the admin's token.
async fn seed(app: &TestApp) -> String {
    let admin = app.setup_admin().await;
    let bob = app.user(&admin, "bob@example.com").await;
    app.workspace(&admin, "acme").await;
    app.add_member(&admin, "acme", "bob@example.com", "member")
        .await;
    post(
        app,
        &admin,
        &format!("{WS}/teams"),
        json!({"key": "eng", "name": "Engineering"}),
    )
    .await;
    let persona = post(
        app,
        &admin,
        &format!("{WS}/personas"),
        json!({"name": "Ops Olivia", "goals": "Fewer pages at night"}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/companies"),
        json!({"name": "Acme Corp", "segment": "enterprise", "arr": 120000.5}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/customers"),
        json!({"name": "Ana Lopez", "email": "ana@acme.test", "company": "Acme Corp"}),
    )
    .await;

    // Goals with a key result and check-ins.
    let objective = post(
        app,
        &admin,
        &format!("{WS}/goals"),
        json!({"product": "KEEL", "title": "Happier customers"}),
    )
    .await;
    let kr = post(
        app,
        &admin,
        &format!("{WS}/goals"),
        json!({"product": "KEEL", "title": "Raise NPS", "metric": "NPS", "baseline": 0,
               "target": 100, "unit": "points", "owner": "bob@example.com",
               "parent": id(&objective)}),
    )
    .await;
    for (value, date) in [(json!(10.5), "2026-01-01"), (json!(20), "2026-02-01")] {
        post(
            app,
            &admin,
            &format!("{WS}/goals/{}/checkins", id(&kr)),
            json!({"value": value, "date": date, "note": "monthly"}),
        )
        .await;
    }

    // Features with scores and goals.
    let feature = post(
        app,
        &admin,
        &format!("{WS}/features"),
        json!({"product": "KEEL", "title": "Zebra export", "problem": "Finance needs spreadsheets",
               "rice": {"reach": 1000, "impact": 2, "confidence": 0.8, "effort": 4},
               "moscow": "must", "value": 8, "effort": 2, "goals": [id(&kr)]}),
    )
    .await;
    let other = post(
        app,
        &admin,
        &format!("{WS}/features"),
        json!({"product": "KEEL", "title": "Dark mode", "risk": "high",
               "risk_note": "Touches every page", "depends_on": [id(&feature)]}),
    )
    .await;

    // Tasks with labels, a sub-task, comments (a mention notifies bob).
    let parent = post(
        app,
        &admin,
        &format!("{WS}/tasks"),
        json!({"product": "KEEL", "title": "Ship the quokka board", "description": "**bold**",
               "labels": ["ui", "q3"], "estimate": 3.5, "feature": id(&feature),
               "team": "eng", "assignee": "bob@example.com"}),
    )
    .await;
    post(
        app,
        &bob,
        &format!("{WS}/tasks"),
        json!({"product": "KEEL", "title": "Sub-task", "parent": parent["key"]}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/tasks/KEEL-1/comments"),
        json!({"body": "Looks good @bob"}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/cycles"),
        json!({"name": "Sprint 1", "product": "KEEL", "start_date": "2026-01-05", "end_date": "2026-01-16"}),
    )
    .await;

    // Feedback linked to a feature.
    let fb = post(
        app,
        &admin,
        &format!("{WS}/feedback"),
        json!({"product": "KEEL", "text": "We need a walrus export", "source": "email",
               "customer": "ana@acme.test"}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/feedback/{}/links", id(&fb)),
        json!({"feature": id(&feature), "importance": "important"}),
    )
    .await;

    // A decision, a release, a roadmap, a story, a journey, an idea.
    post(
        app,
        &admin,
        &format!("{WS}/decisions"),
        json!({"product": "KEEL", "title": "Dark mode later", "outcome": "deferred",
               "options": ["Now", "Later"], "rationale": "Capacity",
               "informed": ["bob@example.com", "Sales team"], "date": "2026-01-15",
               "features": [id(&other)], "goals": [id(&kr)], "feedback": [id(&fb)]}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/releases"),
        json!({"product": "KEEL", "version": "1.4.0", "name": "Autumn",
               "target_date": "2026-12-01", "features": [id(&feature)], "tasks": ["KEEL-2"]}),
    )
    .await;
    let roadmap = post(
        app,
        &admin,
        &format!("{WS}/roadmaps"),
        json!({"product": "KEEL", "name": "2027", "description": "What we plan"}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/roadmaps/{}/items", id(&roadmap)),
        json!({"feature": id(&feature), "lane": "now"}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/roadmaps/{}/share-links", id(&roadmap)),
        json!({"label": "board"}),
    )
    .await;
    post(
        app,
        &admin,
        &format!("{WS}/stories"),
        json!({"feature": id(&feature), "as_a": "finance lead", "i_want": "a CSV",
               "persona": id(&persona)}),
    )
    .await;
    let journey = post(
        app,
        &admin,
        &format!("{WS}/journeys"),
        json!({"product": "KEEL", "title": "Onboarding", "persona": id(&persona)}),
    )
    .await;
    let stage = post(
        app,
        &admin,
        &format!("{WS}/journeys/{}/stages", id(&journey)),
        json!({"name": "Sign up", "emotion": -2}),
    )
    .await;
    app.call(
        "PUT",
        &format!(
            "{WS}/journeys/{}/stages/{}/cells/pain_points",
            id(&journey),
            id(&stage)
        ),
        Some(&admin),
        Some(json!({"text": "Too many fields"})),
    )
    .await
    .expect(200);
    let idea = post(
        app,
        &admin,
        &format!("{WS}/ideas"),
        json!({"product": "KEEL", "title": "Otter mode", "description": "For **finance**"}),
    )
    .await;
    for token in [&admin, &bob] {
        post(
            app,
            token,
            &format!("{WS}/ideas/{}/votes", id(&idea)),
            json!({}),
        )
        .await;
    }
    post(
        app,
        &admin,
        &format!("{WS}/competitors"),
        json!({"name": "Rival", "website": "https://rival.example"}),
    )
    .await;
    admin
}

async fn export(app: &TestApp, token: &str) -> Value {
    let r = app.get(&format!("{WS}/export"), token).await.expect(200);
    assert!(
        r.header("content-disposition")
            .is_some_and(|d| d.starts_with("attachment")),
        "a download"
    );
    r.body
}

/// The document without `exported_at`, each person's id replaced by
/// their email (ids of people already on the importing instance differ;
/// every other id is kept).
fn comparable(doc: &Value) -> Value {
    let mut text = doc.to_string();
    for u in doc["users"].as_array().unwrap() {
        let (id, email) = (u["id"].as_str().unwrap(), u["email"].as_str().unwrap());
        text = text.replace(id, &format!("person:{email}"));
    }
    // Booleans as SQLite stores them, so documents of both backends compare.
    let text = text.replace(":true", ":1").replace(":false", ":0");
    let mut v: Value = serde_json::from_str(&text).unwrap();
    v.as_object_mut().unwrap().remove("exported_at");
    // Rows keyed by a person's id sort by that id: re-sort after renaming.
    v["users"]
        .as_array_mut()
        .unwrap()
        .sort_by_cached_key(|r| r.to_string());
    for rows in v["tables"].as_object_mut().unwrap().values_mut() {
        rows.as_array_mut()
            .unwrap()
            .sort_by_cached_key(|r| r.to_string());
    }
    v
}

fn count(doc: &Value, table: &str) -> usize {
    doc["tables"][table].as_array().unwrap().len()
}

/// The `action` event of `acme`'s audit log.
async fn audit_event(app: &TestApp, token: &str, action: &str) -> Value {
    let log = app
        .get("/api/v1/workspaces/acme/audit", token)
        .await
        .expect(200)
        .body;
    log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == action)
        .unwrap_or_else(|| panic!("no {action} event in the audit log: {log}"))
        .clone()
}

#[tokio::test]
async fn export_import_export_gives_the_same_document() {
    let mut from_sqlite = None;
    for backend in backends() {
        let source = TestApp::new(backend).await;
        let admin = seed(&source).await;
        // Nothing secret leaves.
        let first = export(&source, &admin).await;
        let text = first.to_string();
        for secret in ["password_hash", "token_hash", "$argon2", "csrf_token"] {
            assert!(
                !text.contains(secret),
                "{backend:?}: {secret} in the export"
            );
        }
        assert_eq!(first["format"], "keel-workspace-export");
        assert_eq!(first["version"], 1);
        // The export is in the workspace's audit log, with who and how much.
        let event = audit_event(&source, &admin, "export").await;
        assert!(event["detail"]["rows"].as_u64().unwrap() > 10, "{event}");
        assert_eq!(
            first["schema_level"],
            keel_store::MIGRATIONS.last().unwrap().0
        );
        for (table, at_least) in [
            ("tasks", 2),
            ("task_labels", 2),
            ("comments", 1),
            ("activity", 1),
            ("notifications", 1),
            ("features", 2),
            ("feature_goals", 1),
            ("feature_dependencies", 1),
            ("feedback", 1),
            ("feedback_links", 1),
            ("customers", 1),
            ("companies", 1),
            ("goals", 2),
            ("goal_checkins", 2),
            ("decisions", 1),
            ("decision_informed", 2),
            ("releases", 1),
            ("release_features", 1),
            ("roadmaps", 1),
            ("roadmap_items", 1),
            ("stories", 1),
            ("journey_maps", 1),
            ("journey_stages", 1),
            ("journey_cells", 1),
            ("ideas", 1),
            ("idea_votes", 2),
            ("cycles", 1),
            ("memberships", 2),
            ("events", 1),
        ] {
            assert!(
                count(&first, table) >= at_least,
                "{backend:?}: {table} has {} rows",
                count(&first, table)
            );
        }
        assert!(first["tables"].get("roadmap_share_links").is_none());
        assert_eq!(first["users"].as_array().unwrap().len(), 2);
        assert_eq!(
            comparable(&export(&source, &admin).await),
            comparable(&first),
            "{backend:?}: two exports of the same data differ"
        );
        let bob = source
            .call(
                "POST",
                "/api/v1/auth/tokens",
                None,
                Some(json!({"email": "bob@example.com", "password": "correct horse battery", "name": "t"})),
            )
            .await
            .expect(201);
        source
            .get(&format!("{WS}/export"), bob.body["token"].as_str().unwrap())
            .await
            .expect(403);

        // An empty instance: its admin is admin@example.com too.
        let target = TestApp::new(backend).await;
        let target_admin = target.setup_admin().await;
        let users_before = keel_store::repo::users::count(target.db.store.db())
            .await
            .unwrap();

        // Broken documents are refused whole, naming what is wrong.
        let mut bad_column = first.clone();
        bad_column["tables"]["tasks"][1]["colour"] = json!("red");
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, bad_column)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["tables.tasks[1].colour"], "{}", r.text);
        let mut bad_level = first.clone();
        bad_level["schema_level"] = json!(1);
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, bad_level)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["schema_level"]);
        let mut bad_table = first.clone();
        bad_table["tables"]["sessions"] = json!([]);
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, bad_table)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["tables.sessions"]);
        let mut bad_value = first.clone();
        bad_value["tables"]["goal_checkins"][0]["value"] = json!("ten");
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, bad_value)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["tables.goal_checkins[0].value"]);
        let mut dangling = first.clone();
        dangling["tables"]["tasks"][0]["product_id"] = json!("f".repeat(32));
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, dangling)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["tables.tasks[0].product_id"]);
        let mut elsewhere = first.clone();
        elsewhere["tables"]["tasks"][0]["workspace_id"] = json!("0".repeat(32));
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, elsewhere)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["tables.tasks[0].workspace_id"]);
        // Values the API would refuse, and required values left out.
        for (table, column, value) in [
            ("tasks", "status", json!("bogus")),
            ("tasks", "due_date", json!("not-a-date")),
            ("tasks", "estimate", json!(-5)),
            ("tasks", "title", json!(null)),
            ("competitors", "website", json!("javascript:alert(1)")),
        ] {
            let mut broken = first.clone();
            broken["tables"][table][0][column] = value;
            let r = target
                .post("/api/v1/workspaces/import", &target_admin, broken)
                .await
                .expect(422);
            assert_eq!(
                r.error_fields(),
                [format!("tables.{table}[0].{column}")],
                "{}",
                r.text
            );
        }
        let mut missing = first.clone();
        missing["tables"]["tasks"][0]
            .as_object_mut()
            .unwrap()
            .remove("created_by");
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, missing)
            .await
            .expect(422);
        assert_eq!(
            r.error_fields(),
            ["tables.tasks[0].created_by"],
            "{}",
            r.text
        );
        target
            .call_with(
                "POST",
                "/api/v1/workspaces/import",
                Some(&target_admin),
                None,
                &[("content-type", "application/json")],
            )
            .await
            .expect(400);
        target
            .send(
                axum::http::Request::builder()
                    .method("POST")
                    .uri("/api/v1/workspaces/import")
                    .header("authorization", format!("Bearer {target_admin}"))
                    .header("content-type", "text/plain")
                    .body(axum::body::Body::from(first.to_string()))
                    .unwrap(),
            )
            .await
            .expect(415);
        let r = target
            .get("/api/v1/workspaces", &target_admin)
            .await
            .expect(200);
        assert_eq!(
            r.body["items"],
            json!([]),
            "{backend:?}: nothing was written"
        );
        assert_eq!(
            keel_store::repo::users::count(target.db.store.db())
                .await
                .unwrap(),
            users_before,
            "{backend:?}: no account was created"
        );

        // Only instance admins import.
        let carol = target.user(&target_admin, "carol@example.com").await;
        target
            .post("/api/v1/workspaces/import", &carol, first.clone())
            .await
            .expect(403);

        // The real thing.
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, first.clone())
            .await
            .expect(201);
        assert_eq!(r.body["slug"], "acme");
        assert_eq!(r.body["role"], "owner");
        // Recorded with the import, saying who and how much.
        let event = audit_event(&target, &target_admin, "import").await;
        assert!(event["detail"]["rows"].as_u64().unwrap() > 10, "{event}");
        let second = export(&target, &target_admin).await;
        let (a, b) = (comparable(&first), comparable(&second));
        for (table, rows) in a["tables"].as_object().unwrap() {
            assert_eq!(
                rows, &b["tables"][table],
                "{backend:?}: table {table} differs after the round trip"
            );
        }
        assert_eq!(a, b, "{backend:?}: the documents differ");

        // Search was rebuilt by the triggers.
        for (q, title) in [
            ("quokka", "Ship the quokka board"),
            ("zebra", "Zebra export"),
            ("walrus", "We need a walrus export"),
            ("otter", "Otter mode"),
        ] {
            let r = target
                .get(&format!("{WS}/search?q={q}"), &target_admin)
                .await
                .expect(200);
            let text = r.body["items"].to_string();
            assert!(
                text.contains(title),
                "{backend:?}: search for {q} after import: {text}"
            );
        }
        // Bob came along without a password: he cannot sign in.
        target
            .call(
                "POST",
                "/api/v1/auth/tokens",
                None,
                Some(json!({"email": "bob@example.com", "password": "correct horse battery", "name": "t"})),
            )
            .await
            .expect(401);

        // The same workspace twice: refused, nothing changed.
        let r = target
            .post("/api/v1/workspaces/import", &target_admin, first.clone())
            .await
            .expect(409);
        assert!(r.text.contains("workspace.id"), "{}", r.text);
        assert_eq!(
            comparable(&export(&target, &target_admin).await),
            comparable(&second)
        );

        if backend == keel_store::Backend::Sqlite {
            from_sqlite = Some(first);
        }
        source.finish().await;
        target.finish().await;
    }

    // A document moves between the databases: SQLite's into PostgreSQL.
    if let (Some(first), true) = (
        from_sqlite,
        backends().contains(&keel_store::Backend::Postgres),
    ) {
        let target = TestApp::new(keel_store::Backend::Postgres).await;
        let admin = target.setup_admin().await;
        target
            .post("/api/v1/workspaces/import", &admin, first.clone())
            .await
            .expect(201);
        let second = export(&target, &admin).await;
        assert_eq!(comparable(&first), comparable(&second));
        let r = target
            .get(&format!("{WS}/search?q=quokka"), &admin)
            .await
            .expect(200);
        assert!(
            r.body["items"]
                .to_string()
                .contains("Ship the quokka board")
        );
        target.finish().await;
    }
}

/// Every table of the live schema is exported or left out with a reason.
#[tokio::test]
async fn every_table_is_exported_or_excluded_on_purpose() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let unlisted = keel_store::export::unlisted_tables(app.db.store.db())
            .await
            .unwrap();
        assert!(
            unlisted.is_empty(),
            "{backend:?}: tables neither in keel_store::export::TABLES nor NOT_EXPORTED: {unlisted:?}"
        );
        app.finish().await;
    }
}
