//! The tech-debt budget of a cycle through the HTTP API, on every
//! configured backend: the actual share counts done estimate points of the
//! scope on tasks of type tech_debt and on tasks of a tech_debt feature
//! (not open tasks, not other work); the target is a share 0–1, refused
//! by field otherwise, guarded by If-Match, writable by members only.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

async fn task(app: &TestApp, token: &str, title: &str, extra: Value) -> String {
    let mut body = json!({"product": "KEEL", "title": title});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    app.post(&format!("{WS}/tasks"), token, body)
        .await
        .expect(201)
        .body["key"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_budget_compares_done_tech_debt_points_with_the_target() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;

        let debt_feature = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Retire the old importer", "type": "tech_debt"}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let keys = vec![
            // Tech debt by its type.
            task(&app, &admin, "Upgrade sqlx", json!({"type": "tech_debt", "estimate": 3.0, "status": "done"})).await,
            // Tech debt by its feature.
            task(&app, &admin, "Delete importer v1", json!({"type": "feature", "estimate": 5.0, "status": "done", "feature": debt_feature})).await,
            // Other work.
            task(&app, &admin, "Export button", json!({"type": "feature", "estimate": 2.0, "status": "done"})).await,
            // Not done: does not count yet.
            task(&app, &admin, "Rewrite the sync", json!({"type": "tech_debt", "estimate": 10.0})).await,
        ];
        // Done tech debt outside the cycle does not count either.
        task(
            &app,
            &admin,
            "Elsewhere",
            json!({"type": "tech_debt", "estimate": 7.0, "status": "done"}),
        )
        .await;

        let cycle = app
            .post(
                &format!("{WS}/cycles"),
                &admin,
                json!({"name": "Cycle 1", "product": "KEEL", "start_date": "2026-01-05", "end_date": "2026-01-16"}),
            )
            .await
            .expect(201)
            .body;
        let id = cycle["id"].as_str().unwrap();
        let path = format!("{WS}/cycles/{id}/tech-debt");
        let b = app.get(&path, &viewer).await.expect(200).body;
        // No target and nothing done yet.
        assert_eq!(b["standing"], "no_target");
        assert_eq!(b["target"], Value::Null);
        assert_eq!(b["actual"], Value::Null);

        app.post(
            &format!("{WS}/cycles/{id}/tasks"),
            &admin,
            json!({"tasks": keys}),
        )
        .await
        .expect(200);
        let b = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(b["done_points"], 10.0);
        assert_eq!(b["tech_debt_points"], 8.0);
        assert_eq!(b["actual"], 0.8);
        assert_eq!(b["standing"], "no_target");
        let version = b["version"].as_i64().unwrap();

        // Refused by field, nothing changed.
        for bad in [json!(1.5), json!(-0.1)] {
            let r = app
                .call("PUT", &path, Some(&admin), Some(json!({"target": bad})))
                .await
                .expect(422);
            assert_eq!(r.error_fields(), ["target"]);
        }
        // Viewers read, never write.
        app.call("PUT", &path, Some(&viewer), Some(json!({"target": 0.2})))
            .await
            .expect(403);

        let b = app
            .call("PUT", &path, Some(&admin), Some(json!({"target": 0.2})))
            .await
            .expect(200)
            .body;
        assert_eq!(b["target"], 0.2);
        assert_eq!(b["standing"], "over");
        assert_eq!(b["version"].as_i64().unwrap(), version + 1);
        // The cycle itself carries the new version.
        let c = app
            .get(&format!("{WS}/cycles/{id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(c["version"].as_i64().unwrap(), version + 1);

        // A stale If-Match changes nothing.
        let stale = format!("\"{version}\"");
        app.call_with(
            "PUT",
            &path,
            Some(&admin),
            Some(json!({"target": 0.8})),
            &[("if-match", &stale)],
        )
        .await
        .expect(412);
        let fresh = format!("\"{}\"", version + 1);
        let b = app
            .call_with(
                "PUT",
                &path,
                Some(&admin),
                Some(json!({"target": 0.8})),
                &[("if-match", &fresh)],
            )
            .await
            .expect(200)
            .body;
        assert_eq!(b["standing"], "on_target");

        // Cleared.
        let b = app
            .call("PUT", &path, Some(&admin), Some(json!({"target": null})))
            .await
            .expect(200)
            .body;
        assert_eq!(
            (b["target"].clone(), b["standing"].clone()),
            (Value::Null, json!("no_target"))
        );

        // Another workspace's member does not see it.
        let stranger = app.user(&admin, "stranger@example.com").await;
        app.get(&path, &stranger).await.expect(404);
        app.finish().await;
    }
}
