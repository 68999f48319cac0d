//! The market through the HTTP API, on every configured backend:
//! competitors (create, list, change with If-Match, delete), the feature
//! comparison matrix and its cells, the SWOT board (grouped by quadrant,
//! moves between and inside quadrants renumbering both), market trends,
//! validation naming every bad field, events of each change, who may do
//! what, and nothing reachable across workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

async fn ws_id(app: &TestApp, token: &str) -> String {
    app.get(WS, token).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn names(list: &Value, key: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|i| i[key].as_str().unwrap().to_string())
        .collect()
}

async fn feature(app: &TestApp, token: &str, product: &str, title: &str, status: &str) -> String {
    let r = app
        .post(
            &format!("{WS}/features"),
            token,
            json!({"product": product, "title": title, "status": status}),
        )
        .await
        .expect(201);
    id(&r.body)
}

/// The kinds and types of the workspace's events after `seq`.
async fn events_after(app: &TestApp, ws: &str, seq: i64) -> Vec<(String, String)> {
    keel_store::repo::events::after(app.db.store.db(), ws, seq, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.event_type))
        .collect()
}

/// The SWOT board of KEEL.
async fn board(app: &TestApp, token: &str) -> Value {
    app.get(&format!("{WS}/swot?product=KEEL"), token)
        .await
        .expect(200)
        .body
}

async fn latest_seq(app: &TestApp, ws: &str) -> i64 {
    keel_store::repo::events::latest_seq(app.db.store.db(), ws)
        .await
        .unwrap()
}

#[tokio::test]
async fn competitors_and_the_comparison_matrix() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let ws = ws_id(&app, &admin).await;
        app.post(
            &format!("{WS}/products"),
            &admin,
            json!({"name": "Mobile", "key": "MOB"}),
        )
        .await
        .expect(201);
        let seq = latest_seq(&app, &ws).await;

        // Create: one of KEEL, one of every product, one of MOB.
        let r = app
            .post(
                &format!("{WS}/competitors"),
                &admin,
                json!({"name": " Linear ", "product": "KEEL", "website": "https://linear.app",
                       "strengths": "Fast, **keyboard** first", "weaknesses": "No roadmap evidence",
                       "pricing": "$8 per seat", "description": "Issue tracker"}),
            )
            .await
            .expect(201);
        let linear = r.body.clone();
        assert_eq!(linear["name"], "Linear", "trimmed");
        assert_eq!(linear["product"], "KEEL");
        assert_eq!(linear["website"], "https://linear.app");
        assert_eq!(linear["strengths"], "Fast, **keyboard** first");
        assert_eq!(linear["version"], 1);
        assert_eq!(linear["features"], json!([]));
        assert_eq!(
            r.header("location").unwrap(),
            format!("{WS}/competitors/{}", id(&linear))
        );
        assert_eq!(r.header("etag"), Some("\"1\""));
        let jira = app
            .post(
                &format!("{WS}/competitors"),
                &admin,
                json!({"name": "Jira"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(
            jira["product"],
            Value::Null,
            "a competitor of every product"
        );
        assert_eq!(jira["website"], "");
        let mobile_only = app
            .post(
                &format!("{WS}/competitors"),
                &admin,
                json!({"name": "Asana", "product": "MOB"}),
            )
            .await
            .expect(201)
            .body;

        // Names are unique in the workspace, any case.
        let r = app
            .post(
                &format!("{WS}/competitors"),
                &admin,
                json!({"name": "LINEAR"}),
            )
            .await
            .expect(409);
        assert_eq!(r.error_fields(), ["name"]);

        // Every bad field named at once; nothing written.
        let r = app
            .post(
                &format!("{WS}/competitors"),
                &admin,
                json!({"name": " ", "product": "NOPE", "website": "javascript:alert(1)",
                       "strengths": "x".repeat(100_001)}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["name", "product", "strengths", "website"]);
        let r = app
            .post(
                &format!("{WS}/competitors"),
                &admin,
                json!({"name": "X", "colour": "red"}),
            )
            .await
            .expect(422);
        assert_eq!(r.status, 422, "unknown fields are errors");

        // Lists: by name; a product's list has its own and the shared ones.
        let all = app
            .get(&format!("{WS}/competitors"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&all["items"], "name"), ["Asana", "Jira", "Linear"]);
        assert!(
            all["items"][0].get("features").is_none(),
            "lists leave it out"
        );
        let keel = app
            .get(&format!("{WS}/competitors?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&keel["items"], "name"), ["Jira", "Linear"]);
        let page = app
            .get(&format!("{WS}/competitors?limit=2"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&page["items"], "name"), ["Asana", "Jira"]);
        let next = page["next_cursor"].as_str().unwrap().to_string();
        let rest = app
            .get(&format!("{WS}/competitors?limit=2&cursor={next}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&rest["items"], "name"), ["Linear"]);
        let r = app
            .get(&format!("{WS}/competitors?product=NOPE"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["product"]);

        // The matrix: features of KEEL by title × KEEL's competitors by name.
        let export = feature(&app, &admin, "KEEL", "PDF export", "shipped").await;
        let calendar = feature(&app, &admin, "KEEL", "Calendar view", "planned").await;
        let offline = feature(&app, &admin, "MOB", "Offline mode", "idea").await;
        let path = |c: &Value, f: &str| format!("{WS}/competitors/{}/features/{f}", id(c));
        let cell = app
            .call(
                "PUT",
                &path(&linear, &export),
                Some(&admin),
                Some(json!({"level": "partial", "note": " PNG only "})),
            )
            .await
            .expect(200);
        assert_eq!(cell.body["level"], "partial");
        assert_eq!(cell.body["note"], "PNG only");
        assert_eq!(cell.body["feature_title"], "PDF export");
        assert_eq!(cell.body["product"], "KEEL");
        assert_eq!(cell.body["version"], 1);
        // The same again changes nothing; another level is a new version.
        let same = app
            .call(
                "PUT",
                &path(&linear, &export),
                Some(&admin),
                Some(json!({"level": "partial", "note": "PNG only"})),
            )
            .await
            .expect(200);
        assert_eq!(same.body["version"], 1);
        let changed = app
            .call(
                "PUT",
                &path(&linear, &export),
                Some(&admin),
                Some(json!({"level": "has"})),
            )
            .await
            .expect(200);
        assert_eq!(changed.body["version"], 2);
        assert_eq!(changed.body["note"], "", "an absent note is empty");
        app.call(
            "PUT",
            &path(&jira, &calendar),
            Some(&admin),
            Some(json!({"level": "none", "note": "Plugin only"})),
        )
        .await
        .expect(200);
        // A shared competitor covers any product's feature; a product's
        // competitor only its own product's.
        app.call(
            "PUT",
            &path(&jira, &offline),
            Some(&admin),
            Some(json!({"level": "has"})),
        )
        .await
        .expect(200);
        let r = app
            .call(
                "PUT",
                &path(&linear, &offline),
                Some(&admin),
                Some(json!({"level": "has"})),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["feature"]);
        let r = app
            .call(
                "PUT",
                &path(&linear, &calendar),
                Some(&admin),
                Some(json!({"level": "maybe", "note": "x".repeat(2_001)})),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["level", "note"]);
        let r = app
            .call(
                "PUT",
                &path(&linear, "0190a0a0a0a0a0a0a0a0a0a0a0a0a0a0"),
                Some(&admin),
                Some(json!({"level": "has"})),
            )
            .await
            .expect(404);
        assert_eq!(r.status, 404);

        let m = app
            .get(&format!("{WS}/competitors/matrix?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(m["product"], "KEEL");
        assert_eq!(names(&m["competitors"], "name"), ["Jira", "Linear"]);
        assert_eq!(m["competitors"][0]["product"], Value::Null);
        assert_eq!(m["competitors"][1]["product"], "KEEL");
        assert_eq!(names(&m["rows"], "title"), ["Calendar view", "PDF export"]);
        assert_eq!(
            m["rows"][0],
            json!({"feature": calendar, "title": "Calendar view", "us": "planned", "cells": [
                {"competitor": id(&jira), "level": "none", "note": "Plugin only"},
                {"competitor": id(&linear), "level": null, "note": ""},
            ]})
        );
        assert_eq!(
            m["rows"][1],
            json!({"feature": export, "title": "PDF export", "us": "shipped", "cells": [
                {"competitor": id(&jira), "level": null, "note": ""},
                {"competitor": id(&linear), "level": "has", "note": ""},
            ]})
        );
        let mob = app
            .get(&format!("{WS}/competitors/matrix?product=MOB"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&mob["competitors"], "name"), ["Asana", "Jira"]);
        assert_eq!(mob["rows"][0]["cells"][1]["level"], "has");
        for q in ["", "?product=NOPE", "?product="] {
            let r = app
                .get(&format!("{WS}/competitors/matrix{q}"), &admin)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), ["product"], "{q}");
        }

        // One competitor shows its coverage.
        let one = app
            .get(&format!("{WS}/competitors/{}", id(&jira)), &admin)
            .await
            .expect(200);
        assert_eq!(one.header("etag"), Some("\"1\""));
        assert_eq!(
            names(&one.body["features"], "feature_title"),
            ["Calendar view", "Offline mode"]
        );

        // PATCH with If-Match: stale → 412 and nothing changed.
        let lpath = format!("{WS}/competitors/{}", id(&linear));
        app.call_with(
            "PATCH",
            &lpath,
            Some(&admin),
            Some(json!({"weaknesses": "Stale"})),
            &[("if-match", "\"9\"")],
        )
        .await
        .expect(412);
        let p = app
            .call_with(
                "PATCH",
                &lpath,
                Some(&admin),
                Some(json!({"weaknesses": "No discovery", "product": null, "website": ""})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(p.body["weaknesses"], "No discovery");
        assert_eq!(p.body["product"], Value::Null);
        assert_eq!(p.body["website"], "");
        assert_eq!(p.body["strengths"], "Fast, **keyboard** first", "kept");
        assert_eq!(p.body["version"], 2);
        assert_eq!(p.header("etag"), Some("\"2\""));
        let again = app
            .patch(&lpath, &admin, json!({"weaknesses": "No discovery"}))
            .await
            .expect(200);
        assert_eq!(again.body["version"], 2, "a PATCH that changes nothing");
        let r = app
            .patch(
                &lpath,
                &admin,
                json!({"name": "jira", "website": "ftp://x"}),
            )
            .await;
        assert_eq!(
            r.status, 422,
            "every field is checked before the name clash"
        );
        assert_eq!(r.error_fields(), ["website"]);
        let r = app
            .patch(&lpath, &admin, json!({"name": "jira"}))
            .await
            .expect(409);
        assert_eq!(r.error_fields(), ["name"]);

        // Deleting a competitor takes its column with it.
        app.call_with(
            "DELETE",
            &format!("{WS}/competitors/{}", id(&jira)),
            Some(&admin),
            None,
            &[("if-match", "\"5\"")],
        )
        .await
        .expect(412);
        app.delete(&format!("{WS}/competitors/{}", id(&jira)), &admin)
            .await
            .expect(204);
        app.get(&format!("{WS}/competitors/{}", id(&jira)), &admin)
            .await
            .expect(404);
        let m = app
            .get(&format!("{WS}/competitors/matrix?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&m["competitors"], "name"), ["Linear"]);
        assert_eq!(m["rows"][0]["cells"].as_array().unwrap().len(), 1);
        app.delete(&format!("{WS}/competitors/{}", id(&mobile_only)), &admin)
            .await
            .expect(204);

        // One event per change that changed something.
        let events = events_after(&app, &ws, seq).await;
        let competitor_events: Vec<&str> = events
            .iter()
            .filter(|(k, _)| k == "competitor")
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            competitor_events,
            [
                "created", "created", "created", // three competitors
                "updated", "updated", "updated", "updated", // four cells written
                "updated", // the PATCH
                "deleted", "deleted",
            ]
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn the_swot_board_keeps_its_order() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let ws = ws_id(&app, &admin).await;
        let seq = latest_seq(&app, &ws).await;
        let add = |quadrant: &'static str, text: &'static str, position: Option<i64>| {
            let (app, admin) = (&app, admin.clone());
            async move {
                let mut body = json!({"product": "KEEL", "quadrant": quadrant, "text": text});
                if let Some(p) = position {
                    body["position"] = json!(p);
                }
                let r = app
                    .post(&format!("{WS}/swot"), &admin, body)
                    .await
                    .expect(201);
                assert_eq!(
                    r.header("location").unwrap(),
                    format!("{WS}/swot/{}", id(&r.body))
                );
                r.body
            }
        };
        let fast = add("strength", "Fast board", None).await;
        let cli = add("strength", "A real CLI", None).await;
        let selfhost = add("strength", "Self-hosted", Some(0)).await;
        let docs = add("weakness", "Thin docs", None).await;
        add("opportunity", "Teams leaving Jira", None).await;
        let threat = add("threat", "Linear adds roadmaps", None).await;
        assert_eq!(selfhost["position"], 0);

        let b = board(&app, &admin).await;
        assert_eq!(b["product"], "KEEL");
        assert_eq!(
            names(&b["strengths"], "text"),
            ["Self-hosted", "Fast board", "A real CLI"]
        );
        let positions: Vec<i64> = b["strengths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["position"].as_i64().unwrap())
            .collect();
        assert_eq!(positions, [0, 1, 2]);
        assert_eq!(names(&b["weaknesses"], "text"), ["Thin docs"]);
        assert_eq!(names(&b["opportunities"], "text"), ["Teams leaving Jira"]);
        assert_eq!(names(&b["threats"], "text"), ["Linear adds roadmaps"]);

        // Move inside a quadrant.
        let path = |v: &Value| format!("{WS}/swot/{}", id(v));
        let moved = app
            .patch(&path(&cli), &admin, json!({"position": 0}))
            .await
            .expect(200)
            .body;
        assert_eq!(moved["position"], 0);
        assert_eq!(moved["version"], 2);
        let b = board(&app, &admin).await;
        assert_eq!(
            names(&b["strengths"], "text"),
            ["A real CLI", "Self-hosted", "Fast board"]
        );

        // Move to another quadrant (last there, or where asked): both
        // quadrants renumbered.
        let moved = app
            .call_with(
                "PATCH",
                &path(&fast),
                Some(&admin),
                Some(
                    json!({"quadrant": "weakness", "position": 0, "text": "Fast board, slow sync"}),
                ),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200)
            .body;
        assert_eq!(moved["quadrant"], "weakness");
        assert_eq!(moved["text"], "Fast board, slow sync");
        let b = board(&app, &admin).await;
        assert_eq!(
            names(&b["strengths"], "text"),
            ["A real CLI", "Self-hosted"]
        );
        assert_eq!(
            names(&b["weaknesses"], "text"),
            ["Fast board, slow sync", "Thin docs"]
        );
        for q in ["strengths", "weaknesses"] {
            let positions: Vec<i64> = b[q]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["position"].as_i64().unwrap())
                .collect();
            assert_eq!(positions, [0, 1], "{q}");
        }
        app.patch(&path(&threat), &admin, json!({"quadrant": "weakness"}))
            .await
            .expect(200);
        let b = board(&app, &admin).await;
        assert_eq!(
            names(&b["weaknesses"], "text"),
            ["Fast board, slow sync", "Thin docs", "Linear adds roadmaps"]
        );
        assert_eq!(b["threats"], json!([]));

        // Stale If-Match: 412, nothing moved.
        app.call_with(
            "PATCH",
            &path(&docs),
            Some(&admin),
            Some(json!({"quadrant": "threat"})),
            &[("if-match", "\"7\"")],
        )
        .await
        .expect(412);
        let one = app.get(&path(&docs), &admin).await.expect(200);
        assert_eq!(one.body["quadrant"], "weakness");
        assert_eq!(one.header("etag"), Some("\"1\""));
        // Nothing to change: same version.
        let same = app
            .patch(
                &path(&docs),
                &admin,
                json!({"text": "Thin docs", "quadrant": "weakness"}),
            )
            .await
            .expect(200);
        assert_eq!(same.body["version"], 1);

        // Bad input names each field.
        let r = app
            .post(
                &format!("{WS}/swot"),
                &admin,
                json!({"product": "NOPE", "quadrant": "risk", "text": "", "position": -1}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["position", "product", "quadrant", "text"]);
        let r = app
            .patch(
                &path(&docs),
                &admin,
                json!({"quadrant": "risk", "text": "a\nb"}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["quadrant", "text"]);
        for q in ["", "?product=NOPE"] {
            let r = app.get(&format!("{WS}/swot{q}"), &admin).await.expect(422);
            assert_eq!(r.error_fields(), ["product"], "{q}");
        }

        // Delete closes the gap.
        app.delete(&path(&moved), &admin).await.expect(204);
        app.get(&path(&moved), &admin).await.expect(404);
        let b = board(&app, &admin).await;
        assert_eq!(
            names(&b["weaknesses"], "text"),
            ["Thin docs", "Linear adds roadmaps"]
        );
        assert_eq!(b["weaknesses"][1]["position"], 1);

        let kinds: Vec<String> = events_after(&app, &ws, seq)
            .await
            .into_iter()
            .filter(|(k, _)| k == "swot")
            .map(|(_, t)| t)
            .collect();
        assert_eq!(
            kinds.len(),
            6 + 3 + 1,
            "six created, three moves, one delete"
        );
        assert_eq!(kinds.last().unwrap(), "deleted");
        app.finish().await;
    }
}

#[tokio::test]
async fn market_trends() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let ai = app
            .post(
                &format!("{WS}/trends"),
                &admin,
                json!({"product": "KEEL", "title": "AI triage everywhere", "body": "Every tool *summarises*",
                       "source_url": "https://example.com/report", "observed_on": "2026-03-01", "impact": "high"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(ai["impact"], "high");
        assert_eq!(ai["observed_on"], "2026-03-01");
        assert_eq!(ai["product"], "KEEL");
        let plain = app
            .post(
                &format!("{WS}/trends"),
                &admin,
                json!({"product": "KEEL", "title": "Self-hosting is back"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(plain["impact"], "medium", "the default");
        assert_eq!(plain["source_url"], "");
        assert_eq!(plain["body"], "");
        assert_eq!(plain["observed_on"].as_str().unwrap().len(), 10, "today");
        let old = app
            .post(
                &format!("{WS}/trends"),
                &admin,
                json!({"product": "KEEL", "title": "Remote work", "observed_on": "2020-04-01", "impact": "low"}),
            )
            .await
            .expect(201)
            .body;

        let list = app
            .get(&format!("{WS}/trends?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            names(&list["items"], "title"),
            [
                "Self-hosting is back",
                "AI triage everywhere",
                "Remote work"
            ],
            "most recently observed first"
        );
        let r = app
            .post(
                &format!("{WS}/trends"),
                &admin,
                json!({"product": "NOPE", "title": "", "source_url": "example.com",
                       "observed_on": "2026-02-30", "impact": "huge"}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(
            fields,
            ["impact", "observed_on", "product", "source_url", "title"]
        );
        let r = app
            .get(&format!("{WS}/trends?product=NOPE"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["product"]);

        let path = format!("{WS}/trends/{}", id(&old));
        app.call_with(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"impact": "high"})),
            &[("if-match", "\"2\"")],
        )
        .await
        .expect(412);
        let p = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"impact": "high", "observed_on": "2026-04-01", "source_url": "http://x.io"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(p.body["impact"], "high");
        assert_eq!(p.body["title"], "Remote work", "kept");
        assert_eq!(p.header("etag"), Some("\"2\""));
        let r = app
            .patch(&path, &admin, json!({"observed_on": "soon"}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["observed_on"]);
        assert_eq!(
            app.get(&path, &admin).await.expect(200).body["observed_on"],
            "2026-04-01"
        );
        app.delete(&path, &admin).await.expect(204);
        app.get(&path, &admin).await.expect(404);
        let list = app
            .get(&format!("{WS}/trends"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);
        app.finish().await;
    }
}

#[tokio::test]
async fn roles_and_workspaces_apart() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "vi@example.com").await;
        app.add_member(&admin, "acme", "vi@example.com", "viewer")
            .await;
        let guest = app.user(&admin, "gus@example.com").await;
        app.add_member(&admin, "acme", "gus@example.com", "guest")
            .await;
        let member = app.user(&admin, "mo@example.com").await;
        app.add_member(&admin, "acme", "mo@example.com", "member")
            .await;

        let c = app
            .post(
                &format!("{WS}/competitors"),
                &member,
                json!({"name": "Linear", "product": "KEEL"}),
            )
            .await
            .expect(201)
            .body;
        let f = feature(&app, &member, "KEEL", "Roadmap", "idea").await;
        let s = app
            .post(
                &format!("{WS}/swot"),
                &member,
                json!({"product": "KEEL", "quadrant": "threat", "text": "Price war"}),
            )
            .await
            .expect(201)
            .body;
        let t = app
            .post(
                &format!("{WS}/trends"),
                &member,
                json!({"product": "KEEL", "title": "Consolidation"}),
            )
            .await
            .expect(201)
            .body;
        let cpath = format!("{WS}/competitors/{}", id(&c));
        let spath = format!("{WS}/swot/{}", id(&s));
        let tpath = format!("{WS}/trends/{}", id(&t));

        // Viewers and guests read everything of the market …
        for who in [&viewer, &guest] {
            for path in [
                format!("{WS}/competitors"),
                cpath.clone(),
                format!("{WS}/competitors/matrix?product=KEEL"),
                format!("{WS}/swot?product=KEEL"),
                spath.clone(),
                format!("{WS}/trends"),
                tpath.clone(),
            ] {
                app.get(&path, who).await.expect(200);
            }
            // … and change none of it.
            app.post(&format!("{WS}/competitors"), who, json!({"name": "Nope"}))
                .await
                .expect(403);
            app.patch(&cpath, who, json!({"name": "Nope"}))
                .await
                .expect(403);
            app.call(
                "PUT",
                &format!("{cpath}/features/{f}"),
                Some(who),
                Some(json!({"level": "has"})),
            )
            .await
            .expect(403);
            app.delete(&cpath, who).await.expect(403);
            app.post(
                &format!("{WS}/swot"),
                who,
                json!({"product": "KEEL", "quadrant": "threat", "text": "x"}),
            )
            .await
            .expect(403);
            app.patch(&spath, who, json!({"quadrant": "strength"}))
                .await
                .expect(403);
            app.delete(&spath, who).await.expect(403);
            app.post(
                &format!("{WS}/trends"),
                who,
                json!({"product": "KEEL", "title": "x"}),
            )
            .await
            .expect(403);
            app.patch(&tpath, who, json!({"title": "x"}))
                .await
                .expect(403);
            app.delete(&tpath, who).await.expect(403);
        }
        assert_eq!(
            app.get(&spath, &admin).await.expect(200).body["version"],
            1,
            "refused writes changed nothing"
        );

        // Another workspace's owner: acme's items do not exist for them,
        // through their own slug or acme's.
        let stranger = app.user(&admin, "stranger@example.com").await;
        app.workspace(&stranger, "other").await;
        let other = "/api/v1/workspaces/other";
        for path in [
            format!("{other}/competitors/{}", id(&c)),
            format!("{other}/swot/{}", id(&s)),
            format!("{other}/trends/{}", id(&t)),
            cpath.clone(),
            format!("{WS}/competitors/matrix?product=KEEL"),
        ] {
            app.get(&path, &stranger).await.expect(404);
        }
        app.patch(
            &format!("{other}/competitors/{}", id(&c)),
            &stranger,
            json!({"name": "Mine"}),
        )
        .await
        .expect(404);
        app.call(
            "PUT",
            &format!("{other}/competitors/{}/features/{f}", id(&c)),
            Some(&stranger),
            Some(json!({"level": "has"})),
        )
        .await
        .expect(404);
        app.delete(&format!("{other}/swot/{}", id(&s)), &stranger)
            .await
            .expect(404);
        app.delete(&format!("{other}/trends/{}", id(&t)), &stranger)
            .await
            .expect(404);
        // Their own competitor cannot rate acme's feature.
        let theirs = app
            .post(
                &format!("{other}/competitors"),
                &stranger,
                json!({"name": "Linear"}),
            )
            .await
            .expect(201)
            .body;
        app.call(
            "PUT",
            &format!("{other}/competitors/{}/features/{f}", id(&theirs)),
            Some(&stranger),
            Some(json!({"level": "has"})),
        )
        .await
        .expect(404);
        // And their lists hold only their own.
        let list = app
            .get(&format!("{other}/competitors"), &stranger)
            .await
            .expect(200)
            .body;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        let board = app
            .get(&format!("{other}/swot?product=KEEL"), &stranger)
            .await
            .expect(200)
            .body;
        assert_eq!(board["threats"], json!([]));
        let trends = app
            .get(&format!("{other}/trends"), &stranger)
            .await
            .expect(200)
            .body;
        assert_eq!(trends["items"], json!([]));
        app.finish().await;
    }
}

/// A page of the workspace's competitors, two at a time.
async fn competitors_page(app: &TestApp, token: &str, cursor: Option<&str>) -> Value {
    let after = cursor.map(|c| format!("&cursor={c}")).unwrap_or_default();
    app.get(&format!("{WS}/competitors?limit=2{after}"), token)
        .await
        .expect(200)
        .body
}

/// A cursor outlives the item it ended on: paging on after that item is
/// deleted gives the items that followed it, not an error.
#[tokio::test]
async fn paging_goes_on_after_the_cursor_item_is_deleted() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let mut made = Vec::new();
        for name in ["Asana", "Basecamp", "ClickUp", "Jira", "Linear"] {
            let r = app
                .post(&format!("{WS}/competitors"), &admin, json!({"name": name}))
                .await
                .expect(201);
            made.push(id(&r.body));
        }
        let first = competitors_page(&app, &admin, None).await;
        assert_eq!(names(&first["items"], "name"), ["Asana", "Basecamp"]);
        // The page's last item goes.
        app.delete(&format!("{WS}/competitors/{}", made[1]), &admin)
            .await
            .expect(204);
        let next = competitors_page(&app, &admin, first["next_cursor"].as_str()).await;
        assert_eq!(names(&next["items"], "name"), ["ClickUp", "Jira"], "{next}");
        // An item before the cursor's goes: the next page starts after the
        // cursor's item wherever it now stands.
        app.delete(&format!("{WS}/competitors/{}", made[0]), &admin)
            .await
            .expect(204);
        let last = competitors_page(&app, &admin, next["next_cursor"].as_str()).await;
        assert_eq!(names(&last["items"], "name"), ["Linear"], "{last}");
        assert_eq!(last["next_cursor"], Value::Null);
        app.finish().await;
    }
}
