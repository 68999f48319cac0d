//! Initiatives through the HTTP API, on every configured backend: create
//! with goals and features, list by product, PATCH with If-Match replacing
//! the lists, delete keeping goals and features; 422s naming the fields
//! with nothing written, goals and features of another product or
//! workspace refused, readers and writers, and no way across workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

fn sorted(mut ids: Vec<String>) -> Value {
    ids.sort();
    json!(ids)
}

async fn make(app: &TestApp, token: &str, ws: &str, kind: &str, body: Value) -> String {
    let r = app
        .post(&format!("/api/v1/workspaces/{ws}/{kind}"), token, body)
        .await
        .expect(201);
    s(&r.body["id"])
}

#[tokio::test]
async fn initiatives_group_features_toward_goals() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.post(
            &format!("{WS}/products"),
            &admin,
            json!({"name": "Docs", "key": "DOCS"}),
        )
        .await
        .expect(201);
        let g1 = make(
            &app,
            &admin,
            "acme",
            "goals",
            json!({"product": "KEEL", "title": "Faster onboarding"}),
        )
        .await;
        let g2 = make(
            &app,
            &admin,
            "acme",
            "goals",
            json!({"product": "KEEL", "title": "Retention"}),
        )
        .await;
        let f1 = make(
            &app,
            &admin,
            "acme",
            "features",
            json!({"product": "KEEL", "title": "Checklist"}),
        )
        .await;
        let f2 = make(
            &app,
            &admin,
            "acme",
            "features",
            json!({"product": "KEEL", "title": "Templates"}),
        )
        .await;
        let docs_goal = make(
            &app,
            &admin,
            "acme",
            "goals",
            json!({"product": "DOCS", "title": "Docs goal"}),
        )
        .await;
        let docs_feature = make(
            &app,
            &admin,
            "acme",
            "features",
            json!({"product": "DOCS", "title": "Docs feature"}),
        )
        .await;

        // Create: defaults, lists deduplicated and sorted.
        let r = app
            .post(
                &format!("{WS}/initiatives"),
                &admin,
                json!({"product": "KEEL", "title": "Onboarding revamp",
                       "goals": [g1, g1], "features": [f2, f1]}),
            )
            .await
            .expect(201);
        let i = r.body.clone();
        assert_eq!(i["status"], "planned");
        assert_eq!(i["description"], "");
        assert_eq!(i["product"], "KEEL");
        assert_eq!(i["goals"], json!([g1]));
        assert_eq!(i["features"], sorted(vec![f1.clone(), f2.clone()]));
        assert_eq!(i["version"], json!(1));
        let path = format!("{WS}/initiatives/{}", s(&i["id"]));
        assert_eq!(app.get(&path, &admin).await.expect(200).body, i);

        let other = app
            .post(
                &format!("{WS}/initiatives"),
                &admin,
                json!({"product": "DOCS", "title": "Docs push", "status": "in_progress",
                       "description": "Write it down", "features": [docs_feature]}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(other["status"], "in_progress");

        // List: all, or one product's.
        let all = app
            .get(&format!("{WS}/initiatives"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(all["items"].as_array().unwrap().len(), 2);
        let keel = app
            .get(&format!("{WS}/initiatives?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(keel["items"], json!([i]));
        let r = app
            .get(&format!("{WS}/initiatives?product=NOPE"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["product"]);

        // PATCH: lists replaced when given, kept when not; If-Match.
        let p = app
            .patch(
                &path,
                &admin,
                json!({"goals": [g2], "status": "in_progress"}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(p["goals"], json!([g2]));
        assert_eq!(p["features"], i["features"]);
        assert_eq!(p["status"], "in_progress");
        assert_eq!(p["version"], json!(2));
        let p = app
            .patch(&path, &admin, json!({"features": []}))
            .await
            .expect(200)
            .body;
        assert_eq!(p["features"], json!([]));
        assert_eq!(p["goals"], json!([g2]));
        assert_eq!(p["version"], json!(3));
        let same = app
            .patch(
                &path,
                &admin,
                json!({"features": [], "title": "Onboarding revamp"}),
            )
            .await
            .expect(200);
        assert_eq!(
            same.body["version"],
            json!(3),
            "nothing changed, nothing written"
        );
        app.call_with(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"title": "Late"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);
        let r = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"title": "On time"})),
                &[("if-match", "\"3\"")],
            )
            .await
            .expect(200);
        assert_eq!(r.body["title"], "On time");

        // Bad input: 422 naming every field, nothing written.
        let r = app
            .post(
                &format!("{WS}/initiatives"),
                &admin,
                json!({"product": "KEEL", "title": " ", "status": "started",
                       "goals": [docs_goal], "features": ["nope"]}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["features", "goals", "status", "title"]);
        let r = app
            .post(
                &format!("{WS}/initiatives"),
                &admin,
                json!({"product": "NOPE", "title": "x"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["product"]);
        let r = app
            .patch(
                &path,
                &admin,
                json!({"features": [docs_feature], "goals": ["nope"]}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["features", "goals"]);
        let now = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(now["version"], json!(4));
        assert_eq!(now["features"], json!([]));
        assert_eq!(now["goals"], json!([g2]));
        let all = app
            .get(&format!("{WS}/initiatives"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            all["items"].as_array().unwrap().len(),
            2,
            "nothing else was written"
        );

        // Viewers read, never write.
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        app.get(&path, &viewer).await.expect(200);
        app.get(&format!("{WS}/initiatives"), &viewer)
            .await
            .expect(200);
        app.post(
            &format!("{WS}/initiatives"),
            &viewer,
            json!({"product": "KEEL", "title": "v"}),
        )
        .await
        .expect(403);
        app.patch(&path, &viewer, json!({"title": "v"}))
            .await
            .expect(403);
        app.delete(&path, &viewer).await.expect(403);

        // Another workspace: its initiative is not found from here, and its
        // goals and features are not linkable.
        app.workspace(&admin, "other").await;
        let their_goal = make(
            &app,
            &admin,
            "other",
            "goals",
            json!({"product": "KEEL", "title": "Theirs"}),
        )
        .await;
        let their_feature = make(
            &app,
            &admin,
            "other",
            "features",
            json!({"product": "KEEL", "title": "Theirs"}),
        )
        .await;
        let theirs = make(
            &app,
            &admin,
            "other",
            "initiatives",
            json!({"product": "KEEL", "title": "Theirs", "goals": [their_goal]}),
        )
        .await;
        app.get(&format!("{WS}/initiatives/{theirs}"), &admin)
            .await
            .expect(404);
        app.patch(
            &format!("{WS}/initiatives/{theirs}"),
            &admin,
            json!({"title": "x"}),
        )
        .await
        .expect(404);
        app.delete(&format!("{WS}/initiatives/{theirs}"), &admin)
            .await
            .expect(404);
        let r = app
            .patch(
                &path,
                &admin,
                json!({"goals": [their_goal], "features": [their_feature]}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["features", "goals"]);

        // Delete: the initiative goes, its goals and features stay.
        app.patch(&path, &admin, json!({"features": [f1]}))
            .await
            .expect(200);
        app.delete(&path, &admin).await.expect(204);
        app.get(&path, &admin).await.expect(404);
        app.get(&format!("{WS}/goals/{g2}"), &admin)
            .await
            .expect(200);
        app.get(&format!("{WS}/features/{f1}"), &admin)
            .await
            .expect(200);
        let all = app
            .get(&format!("{WS}/initiatives"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(all["items"], json!([other]));
    }
}
