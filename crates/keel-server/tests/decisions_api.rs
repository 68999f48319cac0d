//! The decision log through the HTTP API, on every configured backend:
//! recording a decision with options, informed people and links; filters;
//! If-Match; 422s naming the fields with nothing written; roles; no links
//! or reads across workspaces; declining a feature recording a decision in
//! the same request; and a declined feature becoming worth another look
//! once its demand grows.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

async fn feature(app: &TestApp, token: &str, title: &str) -> String {
    let f = app
        .post(
            &format!("{WS}/features"),
            token,
            json!({"product": "KEEL", "title": title}),
        )
        .await
        .expect(201)
        .body;
    s(&f["id"])
}

/// A feedback item linked to `feature` with this importance.
async fn evidence(app: &TestApp, token: &str, feature: &str, importance: &str) -> String {
    let fb = app
        .post(
            &format!("{WS}/feedback"),
            token,
            json!({"product": "KEEL", "text": format!("Please, {importance}"), "source": "email"}),
        )
        .await
        .expect(201)
        .body;
    let id = s(&fb["id"]);
    app.post(
        &format!("{WS}/feedback/{id}/links"),
        token,
        json!({"feature": feature, "importance": importance}),
    )
    .await
    .expect(201);
    id
}

#[tokio::test]
async fn record_list_filter_edit_and_delete() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let f = feature(&app, &admin, "Dark mode").await;
        let fb = evidence(&app, &admin, &f, "critical").await;
        let goal = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Retention"}),
            )
            .await
            .expect(201)
            .body;

        let r = app
            .post(
                &format!("{WS}/decisions"),
                &admin,
                json!({"product": "KEEL", "title": "Build dark mode later", "outcome": "deferred",
                       "context": "Q3 is full", "options": ["Now", "Later", "Never"],
                       "rationale": "Capacity", "informed": ["admin@example.com", "Sales team"],
                       "date": "2026-01-15", "features": [f], "goals": [goal["id"]],
                       "feedback": [fb]}),
            )
            .await
            .expect(201);
        assert!(r.header("location").unwrap().ends_with(&s(&r.body["id"])));
        let d = r.body;
        assert_eq!(d["options"], json!(["Now", "Later", "Never"]));
        assert_eq!(d["outcome"], "deferred");
        assert_eq!(d["rationale_missing"], false);
        assert_eq!(d["date"], "2026-01-15");
        assert_eq!(d["decided_by"]["email"], "admin@example.com");
        assert_eq!(d["informed"][0]["user"]["email"], "admin@example.com");
        assert_eq!(
            d["informed"][1],
            json!({"name": "Sales team", "user": null})
        );
        assert_eq!(d["features"][0]["id"], json!(f));
        assert_eq!(d["features"][0]["demand_at_decision"]["score"], json!(3));
        assert_eq!(d["goals"], json!([goal["id"]]));
        assert_eq!(d["feedback"], json!([fb]));
        let path = format!("{WS}/decisions/{}", s(&d["id"]));

        let other = app
            .post(
                &format!("{WS}/decisions"),
                &admin,
                json!({"product": "KEEL", "title": "Use SQLite", "outcome": "accepted",
                       "date": "2026-02-01"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(other["rationale_missing"], true);

        // Latest decided first; filters by outcome and by feature.
        let all = app
            .get(&format!("{WS}/decisions?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        let titles: Vec<&str> = all["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["title"].as_str().unwrap())
            .collect();
        assert_eq!(titles, ["Use SQLite", "Build dark mode later"]);
        let deferred = app
            .get(&format!("{WS}/decisions?outcome=deferred"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(deferred["items"].as_array().unwrap().len(), 1);
        let by_feature = app
            .get(&format!("{WS}/decisions?feature={f}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(by_feature["items"][0]["id"], d["id"]);
        let r = app
            .get(
                &format!("{WS}/decisions?outcome=maybe&product=NOPE"),
                &admin,
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["outcome", "product"]);

        // If-Match; a list given replaces, others stay.
        let r = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"outcome": "declined", "options": ["Later"], "goals": []})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(r.body["version"], json!(2));
        assert_eq!(r.body["options"], json!(["Later"]));
        assert_eq!(r.body["goals"], json!([]));
        assert_eq!(r.body["feedback"], json!([fb]));
        assert_eq!(
            r.body["features"][0]["demand_at_decision"]["score"],
            json!(3),
            "a feature that stays linked keeps its recorded demand"
        );
        assert_eq!(r.body["informed"].as_array().unwrap().len(), 2);
        app.call_with(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"title": "Stale"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);
        assert_eq!(
            app.get(&path, &admin).await.expect(200).body["title"],
            "Build dark mode later"
        );

        app.delete(&path, &admin).await.expect(204);
        app.get(&path, &admin).await.expect(404);
    }
}

#[tokio::test]
async fn validation_roles_and_workspaces() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        let guest = app.user(&admin, "guest@example.com").await;
        app.add_member(&admin, "acme", "guest@example.com", "guest")
            .await;
        app.workspace(&admin, "other").await;
        let theirs = app
            .post(
                "/api/v1/workspaces/other/features",
                &admin,
                json!({"product": "KEEL", "title": "Theirs"}),
            )
            .await
            .expect(201)
            .body;

        let r = app
            .post(
                &format!("{WS}/decisions"),
                &admin,
                json!({"product": "NOPE", "title": " ", "outcome": "maybe", "date": "2026-02-30",
                       "decided_by": "nobody@example.com", "features": [theirs["id"]],
                       "goals": ["nope"], "feedback": ["nope"], "look_again_after": "soon",
                       "options": ["ok", ""]}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(
            fields,
            [
                "date",
                "decided_by",
                "features",
                "feedback",
                "goals",
                "look_again_after",
                "options",
                "outcome",
                "product",
                "title"
            ]
        );
        let all = app
            .get(&format!("{WS}/decisions"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(all["items"], json!([]), "nothing was written");

        let d = app
            .post(
                &format!("{WS}/decisions"),
                &admin,
                json!({"product": "KEEL", "title": "Ours", "outcome": "accepted"}),
            )
            .await
            .expect(201)
            .body;
        let path = format!("{WS}/decisions/{}", s(&d["id"]));
        let r = app
            .patch(&path, &admin, json!({"features": [theirs["id"]]}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["features"]);

        // Viewers read, never write; guests see no decisions.
        app.get(&path, &viewer).await.expect(200);
        app.patch(&path, &viewer, json!({"title": "v"}))
            .await
            .expect(403);
        app.post(
            &format!("{WS}/decisions"),
            &viewer,
            json!({"product": "KEEL", "title": "v", "outcome": "accepted"}),
        )
        .await
        .expect(403);
        app.get(&path, &guest).await.expect(403);

        // Another workspace's decision is not found from here.
        let other = app
            .post(
                "/api/v1/workspaces/other/decisions",
                &admin,
                json!({"product": "KEEL", "title": "Theirs", "outcome": "declined"}),
            )
            .await
            .expect(201)
            .body;
        app.get(&format!("{WS}/decisions/{}", s(&other["id"])), &admin)
            .await
            .expect(404);
        app.delete(&format!("{WS}/decisions/{}", s(&other["id"])), &admin)
            .await
            .expect(404);
    }
}

#[tokio::test]
async fn declining_a_feature_records_a_decision() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let f = feature(&app, &admin, "Fax export").await;
        evidence(&app, &admin, &f, "important").await;
        let fpath = format!("{WS}/features/{f}");

        // A note without declining is refused, and nothing changes.
        let r = app
            .patch(&fpath, &admin, json!({"decision": {"rationale": "why"}}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["decision"]);

        app.patch(
            &fpath,
            &admin,
            json!({"status": "declined",
                   "decision": {"rationale": "Nobody faxes", "context": "Support asked",
                                "informed": ["Support lead"]}}),
        )
        .await
        .expect(200);
        let list = app
            .get(&format!("{WS}/decisions?feature={f}"), &admin)
            .await
            .expect(200)
            .body;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        let d = &items[0];
        assert_eq!(d["outcome"], "declined");
        assert_eq!(d["title"], "Decline: Fax export");
        assert_eq!(d["rationale"], "Nobody faxes");
        assert_eq!(d["context"], "Support asked");
        assert_eq!(d["informed"][0]["name"], "Support lead");
        assert_eq!(d["features"][0]["demand_at_decision"]["score"], json!(2));
        assert_eq!(
            d["features"][0]["demand_at_decision"]["feedback_count"],
            json!(1)
        );

        // Reopened and declined again without a note: recorded, rationale
        // missing. Staying declined records nothing more.
        app.patch(&fpath, &admin, json!({"status": "planned"}))
            .await
            .expect(200);
        app.patch(&fpath, &admin, json!({"status": "declined"}))
            .await
            .expect(200);
        app.patch(&fpath, &admin, json!({"title": "Fax export (PDF)"}))
            .await
            .expect(200);
        let list = app
            .get(
                &format!("{WS}/decisions?feature={f}&outcome=declined"),
                &admin,
            )
            .await
            .expect(200)
            .body;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items
                .iter()
                .filter(|d| d["rationale_missing"] == json!(true))
                .count(),
            1
        );

        // A bad note fails the whole request: the feature stays as it was.
        let g = feature(&app, &admin, "Telex").await;
        let r = app
            .patch(
                &format!("{WS}/features/{g}"),
                &admin,
                json!({"status": "declined", "decision": {"rationale": "a\u{0}b"}}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["decision.rationale"]);
        let still = app
            .get(&format!("{WS}/features/{g}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(still["status"], "idea");
        let none = app
            .get(&format!("{WS}/decisions?feature={g}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(none["items"], json!([]));
    }
}

#[tokio::test]
async fn declined_features_worth_another_look() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let f = feature(&app, &admin, "Offline mode").await;
        evidence(&app, &admin, &f, "important").await;
        evidence(&app, &admin, &f, "important").await;
        app.patch(
            &format!("{WS}/features/{f}"),
            &admin,
            json!({"status": "declined", "decision": {"rationale": "Too costly"}}),
        )
        .await
        .expect(200);
        let look = format!("{WS}/decisions/worth-another-look?product=KEEL");
        let empty = app.get(&look, &admin).await.expect(200).body;
        assert_eq!(empty["items"], json!([]));

        // Score 4 → 5 with one more item: not yet.
        evidence(&app, &admin, &f, "nice_to_have").await;
        let r = app.get(&look, &admin).await.expect(200).body;
        assert_eq!(r["items"], json!([]));
        // Score 4 → 6 (+50 %) with two more items: flagged.
        evidence(&app, &admin, &f, "nice_to_have").await;
        let r = app.get(&look, &admin).await.expect(200).body;
        let items = r["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["feature"], json!(f));
        assert_eq!(items[0]["feature_title"], "Offline mode");
        assert_eq!(items[0]["before"]["score"], json!(4));
        assert_eq!(items[0]["after"]["score"], json!(6));
        assert_eq!(items[0]["after"]["feedback_count"], json!(4));

        // Snoozed until tomorrow: quiet; until today: flagged again.
        let d = s(&items[0]["decision"]);
        let tomorrow = time::OffsetDateTime::now_utc().date() + time::Duration::days(1);
        let today = time::OffsetDateTime::now_utc().date();
        app.patch(
            &format!("{WS}/decisions/{d}"),
            &admin,
            json!({"look_again_after": tomorrow.to_string()}),
        )
        .await
        .expect(200);
        assert_eq!(
            app.get(&look, &admin).await.expect(200).body["items"],
            json!([])
        );
        app.patch(
            &format!("{WS}/decisions/{d}"),
            &admin,
            json!({"look_again_after": today.to_string()}),
        )
        .await
        .expect(200);
        assert_eq!(
            app.get(&look, &admin).await.expect(200).body["items"]
                .as_array()
                .unwrap()
                .len(),
            1
        );

        // Reopened: it has had its look.
        app.patch(
            &format!("{WS}/features/{f}"),
            &admin,
            json!({"status": "planned"}),
        )
        .await
        .expect(200);
        assert_eq!(
            app.get(&look, &admin).await.expect(200).body["items"],
            json!([])
        );
        app.get(
            &format!("{WS}/decisions/worth-another-look?product=NOPE"),
            &admin,
        )
        .await
        .expect(422);
    }
}
