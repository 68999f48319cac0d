//! Releases through the HTTP API, on every configured backend: a release
//! with features that customers asked for, progress over its tasks, notes
//! in customer language (exact Markdown and HTML), shipping once with the
//! customers to notify and their drafted messages, the features shipped,
//! scope changes, 409/412/422s naming the field with nothing written, and
//! no way across workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

async fn feature(app: &TestApp, token: &str, title: &str, kind: &str) -> String {
    let f = app
        .post(
            &format!("{WS}/features"),
            token,
            json!({"product": "KEEL", "title": title, "type": kind, "problem": "ENGINEERING ONLY problem"}),
        )
        .await
        .expect(201)
        .body;
    s(&f["id"])
}

async fn customer(app: &TestApp, token: &str, name: &str, email: &str) -> String {
    let c = app
        .post(
            &format!("{WS}/customers"),
            token,
            json!({"name": name, "email": email}),
        )
        .await
        .expect(201)
        .body;
    s(&c["id"])
}

/// Feedback from `customer` linked to `feature`.
async fn asks(app: &TestApp, token: &str, customer: &str, feature: &str, text: &str) {
    let fb = app
        .post(
            &format!("{WS}/feedback"),
            token,
            json!({"product": "KEEL", "text": text, "source": "email", "customer": customer}),
        )
        .await
        .expect(201)
        .body;
    app.post(
        &format!("{WS}/feedback/{}/links", s(&fb["id"])),
        token,
        json!({"feature": feature, "importance": "important"}),
    )
    .await
    .expect(201);
}

async fn task(app: &TestApp, token: &str, body: Value) -> String {
    let t = app
        .post(&format!("{WS}/tasks"), token, body)
        .await
        .expect(201)
        .body;
    s(&t["key"])
}

#[tokio::test]
async fn plan_notes_and_ship_closing_the_loop() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        let export = feature(&app, &admin, "CSV export v2 (streaming)", "new_capability").await;
        let board = feature(&app, &admin, "Faster board", "improvement").await;
        let elsewhere = feature(&app, &admin, "Dark mode", "new_capability").await;
        let s1 = app
            .call_with(
                "PUT",
                &format!("{WS}/features/{export}/customer-summary"),
                Some(&admin),
                Some(json!({"customer_summary": "  Export your board to a CSV file. "})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200)
            .body;
        assert_eq!(
            s1,
            json!({"feature": export, "customer_summary": "Export your board to a CSV file.",
                   "note_kind": "new", "version": 2})
        );

        let ada = customer(&app, &admin, "Ada Lovelace", "ada@example.com").await;
        let bob = customer(&app, &admin, "Bob", "bob@example.com").await;
        let cy = customer(&app, &admin, "Cy", "cy@example.com").await;
        asks(&app, &admin, &ada, &export, "Need CSV").await;
        asks(&app, &admin, &ada, &board, "Board is slow").await;
        asks(&app, &admin, &bob, &board, "Board takes ages").await;
        asks(&app, &admin, &bob, &board, "Still slow").await;
        asks(&app, &admin, &cy, &elsewhere, "Dark please").await;

        let done = task(
            &app,
            &admin,
            json!({"product": "KEEL", "title": "Stream rows", "feature": export, "estimate": 3}),
        )
        .await;
        task(
            &app,
            &admin,
            json!({"product": "KEEL", "title": "Cache lanes", "feature": board, "estimate": 1}),
        )
        .await;
        let bug = task(
            &app,
            &admin,
            json!({"product": "KEEL", "title": "Import no longer fails on empty rows",
                   "type": "bug", "description": "SECRET stack trace", "estimate": 1}),
        )
        .await;
        let chore = task(
            &app,
            &admin,
            json!({"product": "KEEL", "title": "Bump sqlx", "type": "chore"}),
        )
        .await;
        app.patch(
            &format!("{WS}/tasks/{done}"),
            &admin,
            json!({"status": "done"}),
        )
        .await
        .expect(200);

        let r = app
            .post(
                &format!("{WS}/releases"),
                &admin,
                json!({"product": "KEEL", "version": "1.4.0", "name": "Autumn",
                       "target_date": "2026-12-01", "features": [export, board],
                       "tasks": [bug, chore]}),
            )
            .await
            .expect(201);
        let id = s(&r.body["id"]);
        let path = format!("{WS}/releases/{id}");
        assert_eq!(r.header("location"), Some(path.as_str()));
        assert_eq!(r.header("etag"), Some("\"1\""));
        let body = r.body;
        assert_eq!(
            (&body["version"], &body["status"], &body["revision"]),
            (&json!("1.4.0"), &json!("planned"), &json!(1))
        );
        let kinds: Vec<(String, String)> = body["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (s(&f["title"]), s(&f["note_kind"])))
            .collect();
        assert_eq!(
            kinds,
            [
                ("CSV export v2 (streaming)".to_string(), "new".to_string()),
                ("Faster board".to_string(), "improved".to_string())
            ]
        );
        // 4 tasks, 5 points: 3 done by points.
        assert_eq!(
            body["progress"],
            json!({"scope_tasks": 4, "done_tasks": 1, "scope_points": 5.0,
                   "done_points": 3.0, "share": 0.6})
        );
        assert!(!body["burnup"].as_array().unwrap().is_empty());

        // Notes: customer summary, else title; the loose bug by title; the
        // chore, task descriptions and feature problems never.
        let md = app
            .get(&format!("{path}/notes"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(md["format"], "markdown");
        assert_eq!(
            s(&md["text"]),
            "# Keel 1.4.0 — Autumn\n\nPlanned for 2026-12-01\n\n## New\n\n- Export your board to a CSV file.\n\n## Improved\n\n- Faster board\n\n## Fixed\n\n- Import no longer fails on empty rows\n"
        );
        let html = app
            .get(&format!("{path}/notes?format=html"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            s(&html["text"]),
            "<article class=\"release-notes\">\n<h1>Keel 1.4.0 — Autumn</h1>\n<p>Planned for 2026-12-01</p>\n<h2>New</h2>\n<ul>\n<li>Export your board to a CSV file.</li>\n</ul>\n<h2>Improved</h2>\n<ul>\n<li>Faster board</li>\n</ul>\n<h2>Fixed</h2>\n<ul>\n<li>Import no longer fails on empty rows</li>\n</ul>\n</article>\n"
        );
        let bad = app
            .get(&format!("{path}/notes?format=pdf"), &admin)
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["format"]);

        // Ship: customers who asked, once each, by name, with a message.
        let shipped = app
            .post(&format!("{path}/ship"), &admin, json!({}))
            .await
            .expect(200)
            .body;
        assert_eq!(shipped["status"], "shipped");
        assert_eq!(shipped["shipped_by"]["email"], "admin@example.com");
        assert!(shipped["shipped_at"].is_string());
        let customers = shipped["customers_to_notify"].as_array().unwrap();
        assert_eq!(customers.len(), 2, "{customers:?}");
        assert_eq!(
            customers[0],
            json!({"id": ada, "name": "Ada Lovelace", "email": "ada@example.com",
                   "features": ["Export your board to a CSV file.", "Faster board"],
                   "feature_ids": [export, board],
                   "message": "Hi Ada Lovelace,\n\nYou asked us for these, and they are now available in Keel 1.4.0:\n\n- Export your board to a CSV file.\n- Faster board\n\nThank you for telling us what you needed — it shaped this release.\n"})
        );
        assert_eq!(customers[1]["name"], "Bob");
        assert_eq!(customers[1]["features"], json!(["Faster board"]));
        assert!(s(&customers[1]["message"]).starts_with("Hi Bob,\n\nYou asked us for this,"));
        for f in [&export, &board] {
            let got = app
                .get(&format!("{WS}/features/{f}"), &admin)
                .await
                .expect(200)
                .body;
            assert_eq!(got["status"], "shipped");
        }
        let other = app
            .get(&format!("{WS}/features/{elsewhere}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(other["status"], "idea", "a feature outside the release");
        let md = app
            .get(&format!("{path}/notes"), &admin)
            .await
            .expect(200)
            .body;
        let today = &s(&shipped["shipped_at"])[..10];
        assert!(
            s(&md["text"]).starts_with(&format!("# Keel 1.4.0 — Autumn\n\nReleased {today}\n")),
            "{md}"
        );

        // Once: shipping again, changing the scope or deleting is refused.
        let before = app.get(&path, &admin).await.expect(200).body;
        let again = app
            .post(&format!("{path}/ship"), &admin, json!({}))
            .await
            .expect(409);
        assert_eq!(again.error_fields(), ["status"]);
        app.post(
            &format!("{path}/scope"),
            &admin,
            json!({"add_features": [elsewhere]}),
        )
        .await
        .expect(409);
        app.delete(&path, &admin).await.expect(409);
        assert_eq!(app.get(&path, &admin).await.expect(200).body, before);
        app.finish().await;
    }
}

#[tokio::test]
async fn scope_edits_lists_and_checks() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.post(
            "/api/v1/workspaces/acme/products",
            &admin,
            json!({"name": "Other", "key": "OTH"}),
        )
        .await
        .expect(201);
        let a = feature(&app, &admin, "Alpha", "tech_debt").await;
        let r = app
            .post(
                &format!("{WS}/releases"),
                &admin,
                json!({"product": "KEEL", "version": "2.0"}),
            )
            .await
            .expect(201)
            .body;
        let path = format!("{WS}/releases/{}", s(&r["id"]));
        assert_eq!(r["progress"]["share"], Value::Null, "no tasks yet");
        assert_eq!(r["target_date"], Value::Null);

        // Every bad field at once, nothing written.
        let bad = app
            .post(
                &format!("{WS}/releases"),
                &admin,
                json!({"product": "NOPE", "version": "1 0", "target_date": "tomorrow"}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["product", "version", "target_date"]);
        let bad = app
            .post(
                &format!("{WS}/releases"),
                &admin,
                json!({"product": "KEEL", "version": "3.0", "features": ["nope"], "tasks": ["KEEL-99"]}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["features", "tasks"]);
        let dup = app
            .post(
                &format!("{WS}/releases"),
                &admin,
                json!({"product": "KEEL", "version": " 2.0 "}),
            )
            .await
            .expect(409);
        assert_eq!(dup.error_fields(), ["version"]);
        // The same version in another product is fine.
        app.post(
            &format!("{WS}/releases"),
            &admin,
            json!({"product": "OTH", "version": "2.0"}),
        )
        .await
        .expect(201);

        // Scope: add a feature, a feature of another product is refused.
        let other_feature = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "OTH", "title": "Theirs"}),
            )
            .await
            .expect(201)
            .body;
        let refused = app
            .post(
                &format!("{path}/scope"),
                &admin,
                json!({"add_features": [a, other_feature["id"]]}),
            )
            .await
            .expect(422);
        assert_eq!(refused.error_fields(), ["add_features"]);
        let got = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(got["features"], json!([]), "nothing written");
        let t = task(&app, &admin, json!({"product": "KEEL", "title": "Loose"})).await;
        let added = app
            .post(
                &format!("{path}/scope"),
                &admin,
                json!({"add_features": [a], "add_tasks": [t]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(added["features"][0]["note_kind"], "fixed");
        assert_eq!(added["tasks"][0]["key"], json!(t));
        assert_eq!(added["revision"], json!(2));
        // Adding what is already there changes nothing.
        let same = app
            .post(
                &format!("{path}/scope"),
                &admin,
                json!({"add_features": [a]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(same["revision"], json!(2));
        let removed = app
            .post(
                &format!("{path}/scope"),
                &admin,
                json!({"remove_tasks": [t]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(removed["tasks"], json!([]));

        // PATCH: If-Match, null clears, a taken version is a conflict.
        app.call_with(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"name": "Stale"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);
        let p = app
            .patch(
                &path,
                &admin,
                json!({"name": "Big one", "target_date": "2027-01-31"}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(
            (&p["name"], &p["target_date"]),
            (&json!("Big one"), &json!("2027-01-31"))
        );
        let p = app
            .patch(&path, &admin, json!({"target_date": null}))
            .await
            .expect(200)
            .body;
        assert_eq!(p["target_date"], Value::Null);
        app.post(
            &format!("{WS}/releases"),
            &admin,
            json!({"product": "KEEL", "version": "2.1"}),
        )
        .await
        .expect(201);
        app.patch(&path, &admin, json!({"version": "2.1"}))
            .await
            .expect(409);

        // Lists: by product and status.
        let keel = app
            .get(&format!("{WS}/releases?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        let versions: Vec<String> = keel["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| s(&r["version"]))
            .collect();
        assert_eq!(versions, ["2.1", "2.0"], "newest first");
        let shipped = app
            .get(&format!("{WS}/releases?status=shipped"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(shipped["items"], json!([]));
        app.get(&format!("{WS}/releases?product=NOPE"), &admin)
            .await
            .expect(422);

        // A summary over one line is refused, naming the field.
        let long = app
            .call(
                "PUT",
                &format!("{WS}/features/{a}/customer-summary"),
                Some(&admin),
                Some(json!({"customer_summary": "x".repeat(501)})),
            )
            .await
            .expect(422);
        assert_eq!(long.error_fields(), ["customer_summary"]);

        // Another workspace sees nothing; a planned release can be deleted.
        let outsider = app.user(&admin, "out@example.com").await;
        app.workspace(&outsider, "other").await;
        let rid = s(&r["id"]);
        for p in [
            format!("/api/v1/workspaces/other/releases/{rid}"),
            format!("/api/v1/workspaces/other/releases/{rid}/notes"),
        ] {
            app.get(&p, &outsider).await.expect(404);
        }
        app.post(
            &format!("/api/v1/workspaces/other/releases/{rid}/ship"),
            &outsider,
            json!({}),
        )
        .await
        .expect(404);
        app.get(&path, &outsider).await.expect(404);
        app.delete(&path, &admin).await.expect(204);
        app.get(&path, &admin).await.expect(404);
        app.finish().await;
    }
}

#[tokio::test]
async fn public_feeds_only_with_the_portal_open() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let f = feature(&app, &admin, "Dark <mode> & more", "new_capability").await;
        let shipped = app
            .post(
                &format!("{WS}/releases"),
                &admin,
                json!({"product": "KEEL", "version": "1.0", "features": [f]}),
            )
            .await
            .expect(201)
            .body;
        app.post(
            &format!("{WS}/releases/{}/ship", s(&shipped["id"])),
            &admin,
            json!({}),
        )
        .await
        .expect(200);
        app.post(
            &format!("{WS}/releases"),
            &admin,
            json!({"product": "KEEL", "version": "1.1", "target_date": "2030-02-03"}),
        )
        .await
        .expect(201);
        let atom = "/portal/acme/KEEL/releases.atom";
        let ics = "/portal/acme/KEEL/releases.ics";

        // Closed portal: nothing to see, as for the portal itself.
        app.call("GET", atom, None, None).await.expect(404);
        app.call("GET", ics, None, None).await.expect(404);
        app.patch(
            &format!("{WS}/products/KEEL"),
            &admin,
            json!({"portal_enabled": true}),
        )
        .await
        .expect(200);

        let feed = app.call("GET", atom, None, None).await.expect(200);
        assert_eq!(
            feed.header("content-type"),
            Some("application/atom+xml; charset=utf-8")
        );
        let xml = feed.text;
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"), "{xml}");
        assert!(xml.ends_with("</entry>\n</feed>\n"), "{xml}");
        assert_eq!(
            xml.matches("<entry>").count(),
            1,
            "shipped releases only: {xml}"
        );
        assert!(xml.contains("<title>Keel 1.0</title>"), "{xml}");
        // The notes' HTML, itself escaped, goes in as escaped text.
        assert!(
            xml.contains("&lt;li&gt;Dark &amp;lt;mode&amp;gt; &amp;amp; more&lt;/li&gt;"),
            "{xml}"
        );
        assert!(!xml.contains("<li>"), "no raw markup: {xml}");

        let cal = app.call("GET", ics, None, None).await.expect(200);
        assert_eq!(
            cal.header("content-type"),
            Some("text/calendar; charset=utf-8")
        );
        let text = cal.text;
        assert!(
            text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
            "{text}"
        );
        assert!(text.ends_with("END:VCALENDAR\r\n"), "{text}");
        assert_eq!(text.matches("BEGIN:VEVENT\r\n").count(), 2, "{text}");
        assert!(
            text.contains("DTSTART;VALUE=DATE:20300203\r\nSUMMARY:Keel 1.1 planned\r\n"),
            "{text}"
        );
        assert!(text.contains("SUMMARY:Keel 1.0 released\r\n"), "{text}");
        assert!(!text.contains('\n') || text.split("\r\n").all(|l| !l.contains('\n')));
        // Another product key, or an unknown workspace: 404.
        app.call("GET", "/portal/acme/NOPE/releases.atom", None, None)
            .await
            .expect(404);
        app.call("GET", "/portal/nope/KEEL/releases.ics", None, None)
            .await
            .expect(404);
        app.finish().await;
    }
}
