//! Ideas through the HTTP API, on every configured backend: suggested by
//! members and guests, one vote per person however often they vote, most
//! voted first, edits with If-Match, validation naming the field with
//! nothing written, feedback passages linked as evidence and carried over
//! when the idea is promoted to a feature (once), search, who sees the
//! customer behind a portal idea, and no way across workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

async fn idea(app: &TestApp, token: &str, title: &str) -> Value {
    app.post(
        &format!("{WS}/ideas"),
        token,
        json!({"product": "KEEL", "title": title}),
    )
    .await
    .expect(201)
    .body
}

async fn titles(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    app.get(&format!("{WS}/ideas?{query}"), token)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| s(&i["title"]))
        .collect()
}

#[tokio::test]
async fn ideas_are_voted_once_per_person_and_ranked_by_votes() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let guest = app.user(&admin, "guest@example.com").await;
        app.add_member(&admin, "acme", "guest@example.com", "guest")
            .await;

        let dark = idea(&app, &admin, "Dark mode").await;
        assert_eq!(dark["status"], "new");
        assert_eq!(dark["source"], "team");
        assert_eq!(dark["public"], false);
        assert_eq!(dark["votes"], 0);
        let export = app
            .post(
                &format!("{WS}/ideas"),
                &guest,
                json!({"product": "KEEL", "title": "CSV export", "description": "For **finance**"}),
            )
            .await
            .expect(201)
            .body;
        // A guest may suggest, but not decide what the portal shows.
        app.post(
            &format!("{WS}/ideas"),
            &guest,
            json!({"product": "KEEL", "title": "Public", "public": true}),
        )
        .await
        .expect(403);

        let export_id = s(&export["id"]);
        let voted = app
            .post(&format!("{WS}/ideas/{export_id}/votes"), &guest, json!({}))
            .await
            .expect(200)
            .body;
        assert_eq!(
            (voted["votes"].clone(), voted["voted"].clone()),
            (json!(1), json!(true))
        );
        // Voting again changes nothing.
        let again = app
            .post(&format!("{WS}/ideas/{export_id}/votes"), &guest, json!({}))
            .await
            .expect(200)
            .body;
        assert_eq!(again["votes"], 1);
        app.post(&format!("{WS}/ideas/{export_id}/votes"), &admin, json!({}))
            .await
            .expect(200);
        assert_eq!(
            titles(&app, &admin, "product=KEEL&sort=votes").await,
            ["CSV export", "Dark mode"]
        );
        assert_eq!(
            titles(&app, &admin, "product=KEEL").await,
            ["CSV export", "Dark mode"],
            "newest first by default"
        );
        let got = app
            .get(&format!("{WS}/ideas/{export_id}"), &admin)
            .await
            .expect(200);
        assert_eq!(got.body["votes"], 2);
        assert_eq!(got.body["voted"], true);
        assert_eq!(got.header("etag"), Some("\"1\""));

        app.call(
            "DELETE",
            &format!("{WS}/ideas/{export_id}/votes"),
            Some(&guest),
            None,
        )
        .await
        .expect(204);
        let back = app
            .get(&format!("{WS}/ideas/{export_id}"), &guest)
            .await
            .expect(200)
            .body;
        assert_eq!(
            (back["votes"].clone(), back["voted"].clone()),
            (json!(1), json!(false))
        );
        let dark_id = s(&dark["id"]);
        app.call(
            "DELETE",
            &format!("{WS}/ideas/{dark_id}/votes"),
            Some(&guest),
            None,
        )
        .await
        .expect(204);
        assert_eq!(
            app.get(&format!("{WS}/ideas/{dark_id}"), &admin).await.body["votes"],
            0,
            "taking back a vote never given changes nothing"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn edits_check_the_version_and_name_bad_fields_without_writing() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        let i = idea(&app, &admin, "Dark mode").await;
        let path = format!("{WS}/ideas/{}", s(&i["id"]));

        let r = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"status": "under_review", "public": true})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(
            (r.body["status"].clone(), r.body["public"].clone()),
            (json!("under_review"), json!(true))
        );
        app.call_with(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"title": "Stale"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);

        let r = app
            .patch(&path, &admin, json!({"status": "promoted", "title": ""}))
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["status", "title"]);
        let r = app
            .post(
                &format!("{WS}/ideas"),
                &admin,
                json!({"product": "NOPE", "title": "x", "source": "portal"}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["product", "source"]);
        app.post(
            &format!("{WS}/ideas"),
            &admin,
            json!({"product": "KEEL", "title": "x", "colour": 1}),
        )
        .await
        .expect(422);
        app.get(&format!("{WS}/ideas?sort=rice"), &admin)
            .await
            .expect(422);
        let current = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(
            (current["title"].clone(), current["version"].clone()),
            (json!("Dark mode"), json!(2))
        );
        assert_eq!(
            titles(&app, &admin, "").await,
            ["Dark mode"],
            "nothing else was written"
        );

        // Viewers read; they neither suggest, vote nor edit.
        app.get(&path, &viewer).await.expect(200);
        app.post(
            &format!("{WS}/ideas"),
            &viewer,
            json!({"product": "KEEL", "title": "v"}),
        )
        .await
        .expect(403);
        app.post(&format!("{path}/votes"), &viewer, json!({}))
            .await
            .expect(403);
        app.patch(&path, &viewer, json!({"title": "v"}))
            .await
            .expect(403);

        app.delete(&path, &admin).await.expect(204);
        app.get(&path, &admin).await.expect(404);
        app.finish().await;
    }
}

#[tokio::test]
async fn promoting_an_idea_carries_its_evidence_to_the_new_feature() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let company = app
            .post(
                &format!("{WS}/companies"),
                &admin,
                json!({"name": "Initech", "arr": 50000}),
            )
            .await
            .expect(201)
            .body;
        let customer = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "Peter", "email": "peter@initech.example", "company": company["id"]}),
            )
            .await
            .expect(201)
            .body;
        let fb = app
            .post(
                &format!("{WS}/feedback"),
                &admin,
                json!({"product": "KEEL", "text": "We export to CSV by hand every Friday. It takes hours.",
                       "source": "email", "customer": customer["id"]}),
            )
            .await
            .expect(201)
            .body;
        let i = idea(&app, &admin, "One-click CSV export").await;
        let path = format!("{WS}/ideas/{}", s(&i["id"]));

        let link = app
            .post(
                &format!("{path}/links"),
                &admin,
                json!({"feedback": fb["id"], "importance": "critical", "excerpt": "It takes hours."}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(link["excerpt"], "It takes hours.");
        let r = app
            .post(
                &format!("{path}/links"),
                &admin,
                json!({"feedback": fb["id"], "importance": "critical"}),
            )
            .await
            .expect(409);
        assert_eq!(r.error_fields(), ["feedback"]);
        let r = app
            .post(
                &format!("{path}/links"),
                &admin,
                json!({"feedback": fb["id"], "importance": "huge", "excerpt": "not in the text"}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["excerpt", "importance"]);
        let linked = app
            .get(&format!("{WS}/feedback/{}", s(&fb["id"])), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(linked["status"], "linked");
        // A link removed before promotion is not carried over.
        let other = app
            .post(
                &format!("{WS}/feedback"),
                &admin,
                json!({"product": "KEEL", "text": "Exports are fine for us", "source": "email"}),
            )
            .await
            .expect(201)
            .body;
        let removed = app
            .post(
                &format!("{path}/links"),
                &admin,
                json!({"feedback": other["id"], "importance": "nice_to_have"}),
            )
            .await
            .expect(201)
            .body;
        let links = app
            .get(&format!("{path}/links"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(links["items"].as_array().unwrap().len(), 2);
        app.delete(&format!("{path}/links/{}", s(&removed["id"])), &admin)
            .await
            .expect(204);
        app.delete(&format!("{path}/links/{}", s(&removed["id"])), &admin)
            .await
            .expect(404);
        let links = app
            .get(&format!("{path}/links"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(links["items"].as_array().unwrap().len(), 1);

        let feature = app
            .post(
                &format!("{path}/promote"),
                &admin,
                json!({"type": "improvement"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(feature["title"], "One-click CSV export");
        assert_eq!(feature["type"], "improvement");
        assert_eq!(feature["status"], "under_consideration");
        assert_eq!(
            feature["demand"],
            json!({"feedback_count": 1, "customer_count": 1, "company_count": 1, "arr": 50000.0, "score": 3})
        );
        let evidence = app
            .get(
                &format!("{WS}/features/{}/evidence", s(&feature["id"])),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(
            evidence["items"][0]["link"]["excerpt"], "It takes hours.",
            "{evidence}"
        );

        let promoted = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(promoted["status"], "promoted");
        assert_eq!(promoted["feature"], feature["id"]);
        app.post(&format!("{path}/promote"), &admin, json!({}))
            .await
            .expect(409);
        let features = app.get(&format!("{WS}/features"), &admin).await.body;
        assert_eq!(
            features["items"].as_array().unwrap().len(),
            1,
            "promoted once"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn ideas_are_searchable_and_stay_in_their_workspace() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let other = app.user(&admin, "other@example.com").await;
        app.workspace(&other, "globex").await;
        let i = app
            .post(
                &format!("{WS}/ideas"),
                &admin,
                json!({"product": "KEEL", "title": "Offline mode", "description": "Work on the train without signal"}),
            )
            .await
            .expect(201)
            .body;
        let hits = app
            .get(&format!("{WS}/search?q=train&kind=idea"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(hits["items"][0]["kind"], "idea", "{hits}");
        assert_eq!(hits["items"][0]["id"], i["id"]);
        assert_eq!(hits["items"][0]["title"], "Offline mode");

        let path = format!("/api/v1/workspaces/globex/ideas/{}", s(&i["id"]));
        app.get(&path, &other).await.expect(404);
        app.patch(&path, &other, json!({"title": "x"}))
            .await
            .expect(404);
        app.post(&format!("{path}/votes"), &other, json!({}))
            .await
            .expect(404);
        app.post(&format!("{path}/promote"), &other, json!({}))
            .await
            .expect(404);
        app.get(&format!("{WS}/ideas/{}", s(&i["id"])), &other)
            .await
            .expect(404);
        app.finish().await;
    }
}
