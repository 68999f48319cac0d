//! Companies, customers and personas through the HTTP API, on every
//! configured backend: create, list (search, filters, paging), read and
//! change with If-Match; company and persona given by name; validation
//! naming the field; unique company names and customer emails; who may
//! read (guests may not) and no way across workspaces; erasing a customer
//! keeps their feedback without them; the export of one person's data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_string())
        .collect()
}

async fn create(app: &TestApp, token: &str, kind: &str, body: Value) -> Value {
    app.post(&format!("{WS}/{kind}"), token, body)
        .await
        .expect(201)
        .body
}

/// Kinds and types of the events after `seq`.
async fn events_after(app: &TestApp, token: &str, seq: i64) -> Vec<(String, String)> {
    let ws = app.get(WS, token).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string();
    keel_store::repo::events::after(app.db.store.db(), &ws, seq, 1000)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.kind, e.event_type))
        .collect()
}

async fn latest_seq(app: &TestApp, token: &str) -> i64 {
    let ws = app.get(WS, token).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string();
    keel_store::repo::events::latest_seq(app.db.store.db(), &ws)
        .await
        .unwrap()
}

#[tokio::test]
async fn companies_are_created_listed_read_and_changed() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        let before = latest_seq(&app, &admin).await;
        let r = app
            .post(
                &format!("{WS}/companies"),
                &admin,
                json!({"name": "  Acme Corp ", "segment": "enterprise", "plan": "gold", "arr": 120000.5,
                       "attributes": {"region": "EU", "industry": "Logistics"}}),
            )
            .await
            .expect(201);
        let acme = r.body.clone();
        let id = acme["id"].as_str().unwrap().to_string();
        assert_eq!(
            r.header("location"),
            Some(format!("{WS}/companies/{id}").as_str())
        );
        assert_eq!(r.header("etag"), Some("\"1\""));
        assert_eq!(acme["name"], "Acme Corp");
        assert_eq!(acme["segment"], "enterprise");
        assert_eq!(acme["plan"], "gold");
        assert_eq!(acme["arr"], 120000.5);
        assert_eq!(
            acme["attributes"],
            json!({"industry": "Logistics", "region": "EU"})
        );
        assert_eq!(acme["customer_count"], 0);
        assert_eq!(acme["version"], 1);
        assert_eq!(
            events_after(&app, &admin, before).await,
            [("company".to_string(), "created".to_string())]
        );

        // Optional fields default to empty / unknown.
        let globex = create(&app, &admin, "companies", json!({"name": "Globex"})).await;
        assert_eq!(globex["segment"], "");
        assert_eq!(globex["plan"], "");
        assert_eq!(globex["arr"], Value::Null);
        assert_eq!(globex["attributes"], json!({}));
        let initech = create(
            &app,
            &admin,
            "companies",
            json!({"name": "Initech", "arr": 0}),
        )
        .await;
        assert_eq!(initech["arr"], 0.0);

        // The same name in another case clashes, naming the field.
        let dup = app
            .post(
                &format!("{WS}/companies"),
                &admin,
                json!({"name": "ACME corp"}),
            )
            .await
            .expect(409);
        assert_eq!(dup.error_fields(), ["name"]);
        assert_eq!(dup.header("content-type"), Some("application/problem+json"));

        // Every bad field at once.
        let many: serde_json::Map<String, Value> =
            (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
        let bad = app
            .post(
                &format!("{WS}/companies"),
                &admin,
                json!({"name": " ", "segment": "a\nb", "arr": -1, "attributes": many}),
            )
            .await
            .expect(422);
        let mut fields = bad.error_fields();
        fields.sort();
        assert_eq!(fields, ["arr", "attributes", "name", "segment"]);
        let long = app
            .post(
                &format!("{WS}/companies"),
                &admin,
                json!({"name": "Long", "attributes": {"note": "x".repeat(501)}}),
            )
            .await
            .expect(422);
        assert_eq!(long.error_fields(), ["attributes.note"]);
        for (body, field) in [
            (json!({"name": "X", "revenue": 1}), "revenue"),
            (json!({"name": "X", "arr": "lots"}), "arr"),
            (json!({"name": "X", "attributes": {"n": 1}}), "attributes.n"),
        ] {
            let r = app
                .post(&format!("{WS}/companies"), &admin, body.clone())
                .await
                .expect(422);
            assert_eq!(r.error_fields(), [field], "{body}");
        }

        // Lists: newest first, search by name in any case, pages by cursor.
        let all = app
            .get(&format!("{WS}/companies"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&all), ["Initech", "Globex", "Acme Corp"]);
        assert_eq!(all["next_cursor"], Value::Null);
        let found = app
            .get(&format!("{WS}/companies?q=CORP"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&found), ["Acme Corp"]);
        let first = app
            .get(&format!("{WS}/companies?limit=2"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&first), ["Initech", "Globex"]);
        let cursor = first["next_cursor"].as_str().unwrap();
        let second = app
            .get(&format!("{WS}/companies?limit=2&cursor={cursor}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&second), ["Acme Corp"]);
        assert_eq!(second["next_cursor"], Value::Null);
        for (query, field) in [
            ("limit=0", "limit"),
            ("cursor=nope", "cursor"),
            ("sort=name", "sort"),
        ] {
            let r = app
                .get(&format!("{WS}/companies?{query}"), &admin)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), [field], "{query}");
        }

        // Read one.
        let got = app
            .get(&format!("{WS}/companies/{id}"), &admin)
            .await
            .expect(200);
        assert_eq!(got.header("etag"), Some("\"1\""));
        assert_eq!(got.body, acme);
        app.get(&format!("{WS}/companies/{}", "0".repeat(32)), &admin)
            .await
            .expect(404);

        // Change with If-Match; a stale version changes nothing.
        let path = format!("{WS}/companies/{id}");
        let changed = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"plan": "platinum", "arr": null, "attributes": {"region": "US"}})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(changed.header("etag"), Some("\"2\""));
        assert_eq!(changed.body["plan"], "platinum");
        assert_eq!(changed.body["arr"], Value::Null);
        assert_eq!(changed.body["attributes"], json!({"region": "US"}));
        assert_eq!(changed.body["segment"], "enterprise", "absent fields stay");
        let stale = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"name": "Lost update"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(412);
        assert_eq!(
            stale.header("content-type"),
            Some("application/problem+json")
        );
        let now = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(now["name"], "Acme Corp");
        assert_eq!(now["version"], 2);
        // A change to nothing keeps the version.
        let same = app
            .patch(&path, &admin, json!({"plan": "platinum"}))
            .await
            .expect(200);
        assert_eq!(same.body["version"], 2);
        // Renaming onto another company's name clashes.
        let clash = app
            .patch(&path, &admin, json!({"name": "globex"}))
            .await
            .expect(409);
        assert_eq!(clash.error_fields(), ["name"]);
        let bad = app
            .patch(&path, &admin, json!({"arr": -5, "name": ""}))
            .await
            .expect(422);
        let mut fields = bad.error_fields();
        fields.sort();
        assert_eq!(fields, ["arr", "name"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn customers_take_their_company_and_persona_by_name() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let acme = create(
            &app,
            &admin,
            "companies",
            json!({"name": "Acme", "segment": "enterprise", "arr": 1000}),
        )
        .await;
        let globex = create(&app, &admin, "companies", json!({"name": "Globex"})).await;
        let ops = create(
            &app,
            &admin,
            "personas",
            json!({"name": "Ops Olivia", "goals": "Ship on time", "pains": "Manual reports",
                   "jobs": "Plan the week", "description": "Runs operations"}),
        )
        .await;
        assert_eq!(ops["customers"], json!([]));
        assert_eq!(ops["goals"], "Ship on time");

        // Company and persona by name, in any case; the company's segment
        // is taken when none is given; the email is lower-cased.
        let before = latest_seq(&app, &admin).await;
        let r = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "Ana Lopez", "email": "Ana@Acme.test", "company": "acme",
                       "persona": "OPS OLIVIA", "attributes": {"title": "CTO"}}),
            )
            .await
            .expect(201);
        let ana = r.body.clone();
        let ana_id = ana["id"].as_str().unwrap().to_string();
        assert_eq!(
            r.header("location"),
            Some(format!("{WS}/customers/{ana_id}").as_str())
        );
        assert_eq!(r.header("etag"), Some("\"1\""));
        assert_eq!(ana["email"], "ana@acme.test");
        assert_eq!(
            ana["company"],
            json!({"id": acme["id"], "name": "Acme", "arr": 1000.0})
        );
        assert_eq!(
            ana["persona"],
            json!({"id": ops["id"], "name": "Ops Olivia"})
        );
        assert_eq!(ana["segment"], "enterprise");
        assert_eq!(ana["attributes"], json!({"title": "CTO"}));
        assert_eq!(ana["feedback_count"], 0);
        assert_eq!(
            events_after(&app, &admin, before).await,
            [("customer".to_string(), "created".to_string())]
        );
        // By id, with a segment of their own; no email at all.
        let bo = create(
            &app,
            &admin,
            "customers",
            json!({"name": "Bo", "company": acme["id"], "persona": ops["id"], "segment": "SMB"}),
        )
        .await;
        assert_eq!(bo["segment"], "SMB");
        assert_eq!(bo["email"], Value::Null);
        let cy = create(
            &app,
            &admin,
            "customers",
            json!({"name": "Cy", "email": "cy@globex.test", "company": "Globex"}),
        )
        .await;
        assert_eq!(cy["persona"], Value::Null);
        assert_eq!(cy["segment"], "");

        // The same email in another case clashes, naming the field.
        let dup = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "Ana again", "email": "ANA@acme.TEST"}),
            )
            .await
            .expect(409);
        assert_eq!(dup.error_fields(), ["email"]);
        // Unknown company and persona, bad email and name: all at once.
        let bad = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "", "email": "not-an-email", "company": "Nope Inc", "persona": "Nobody"}),
            )
            .await
            .expect(422);
        let mut fields = bad.error_fields();
        fields.sort();
        assert_eq!(fields, ["company", "email", "name", "persona"]);
        let r = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "X", "role": "cto"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["role"]);

        // Counts on the company and the persona; the persona lists its
        // customers by name.
        let got = app
            .get(
                &format!("{WS}/companies/{}", acme["id"].as_str().unwrap()),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(got["customer_count"], 2);
        let persona_path = format!("{WS}/personas/{}", ops["id"].as_str().unwrap());
        let got = app.get(&persona_path, &admin).await.expect(200).body;
        assert_eq!(got["customer_count"], 2);
        assert_eq!(
            got["customers"],
            json!([
                {"id": ana_id, "name": "Ana Lopez", "email": "ana@acme.test"},
                {"id": bo["id"], "name": "Bo", "email": null},
            ])
        );
        let personas = app
            .get(&format!("{WS}/personas?q=olivia"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(names(&personas), ["Ops Olivia"]);
        assert!(
            personas["items"][0].get("customers").is_none(),
            "lists leave the customers out"
        );

        // Filters: company, segment (any case), persona (by name or id),
        // text in the name or the email; newest first.
        let list = |query: &'static str| {
            let app = &app;
            let admin = &admin;
            async move {
                app.get(&format!("{WS}/customers{query}"), admin)
                    .await
                    .expect(200)
                    .body
            }
        };
        let (ana_s, bo_s, cy_s) = (
            ana_id.as_str(),
            bo["id"].as_str().unwrap(),
            cy["id"].as_str().unwrap(),
        );
        assert_eq!(ids(&list("").await), [cy_s, bo_s, ana_s]);
        assert_eq!(ids(&list("?company=ACME").await), [bo_s, ana_s]);
        assert_eq!(ids(&list("?segment=enterprise").await), [ana_s]);
        assert_eq!(ids(&list("?segment=smb").await), [bo_s]);
        assert_eq!(ids(&list("?persona=ops%20olivia").await), [bo_s, ana_s]);
        assert_eq!(ids(&list("?q=GLOBEX.test").await), [cy_s]);
        assert_eq!(ids(&list("?q=lop").await), [ana_s]);
        assert_eq!(ids(&list("?q=100%25").await), Vec::<String>::new());
        let page = list("?limit=2").await;
        assert_eq!(ids(&page), [cy_s, bo_s]);
        let cursor = page["next_cursor"].as_str().unwrap().to_string();
        let rest = app
            .get(&format!("{WS}/customers?limit=2&cursor={cursor}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(ids(&rest), [ana_s]);
        assert_eq!(rest["next_cursor"], Value::Null);
        let r = app
            .get(
                &format!("{WS}/customers?company=Nope&persona=Nobody"),
                &admin,
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["company", "persona"]);

        // Change with If-Match: move Ana to Globex, drop her persona.
        let path = format!("{WS}/customers/{ana_id}");
        let moved = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"company": "globex", "persona": null, "email": "ana@globex.test"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(moved.header("etag"), Some("\"2\""));
        assert_eq!(moved.body["company"]["id"], globex["id"]);
        assert_eq!(moved.body["persona"], Value::Null);
        assert_eq!(moved.body["email"], "ana@globex.test");
        assert_eq!(moved.body["segment"], "enterprise", "absent fields stay");
        assert_eq!(moved.body["attributes"], json!({"title": "CTO"}));
        let stale = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"name": "Lost"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(412);
        assert_eq!(stale.body["status"], 412);
        assert_eq!(
            app.get(&path, &admin).await.expect(200).body["name"],
            "Ana Lopez"
        );
        let r = app
            .patch(&path, &admin, json!({"email": "CY@globex.test"}))
            .await
            .expect(409);
        assert_eq!(r.error_fields(), ["email"]);
        let r = app
            .patch(
                &path,
                &admin,
                json!({"company": "Nope", "persona": "Nobody"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["company", "persona"]);
        let same = app
            .patch(&path, &admin, json!({"company": globex["id"]}))
            .await
            .expect(200);
        assert_eq!(
            same.body["version"], 2,
            "a change to nothing keeps the version"
        );
        let cleared = app
            .patch(
                &path,
                &admin,
                json!({"email": null, "company": null, "segment": ""}),
            )
            .await
            .expect(200);
        assert_eq!(cleared.body["email"], Value::Null);
        assert_eq!(cleared.body["company"], Value::Null);
        assert_eq!(cleared.body["segment"], "");

        // A persona is changed like the others.
        let renamed = app
            .call_with(
                "PATCH",
                &persona_path,
                Some(&admin),
                Some(json!({"name": "Operations Olivia", "pains": "Spreadsheets"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(renamed.body["version"], 2);
        assert_eq!(renamed.body["pains"], "Spreadsheets");
        assert_eq!(renamed.body["goals"], "Ship on time");
        assert_eq!(renamed.body["customers"][0]["name"], "Bo");
        app.call_with(
            "PATCH",
            &persona_path,
            Some(&admin),
            Some(json!({"name": "Stale"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);
        create(&app, &admin, "personas", json!({"name": "Dev Dan"})).await;
        let r = app
            .patch(&persona_path, &admin, json!({"name": "dev dan"}))
            .await
            .expect(409);
        assert_eq!(r.error_fields(), ["name"]);
        let r = app
            .post(
                &format!("{WS}/personas"),
                &admin,
                json!({"name": "x", "goals": "a\u{0}b"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["goals"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn guests_never_read_customers_and_workspaces_stay_apart() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let guest = app.user(&admin, "gus@example.com").await;
        let viewer = app.user(&admin, "vera@example.com").await;
        let outsider = app.user(&admin, "olga@example.com").await;
        app.add_member(&admin, "acme", "gus@example.com", "guest")
            .await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        app.workspace(&outsider, "other").await;

        let company = create(&app, &admin, "companies", json!({"name": "Acme"})).await;
        let persona = create(&app, &admin, "personas", json!({"name": "Ops"})).await;
        let customer = create(
            &app,
            &admin,
            "customers",
            json!({"name": "Ana", "email": "ana@acme.test", "company": "Acme", "persona": "Ops"}),
        )
        .await;
        let items = [
            ("companies", company["id"].as_str().unwrap()),
            ("personas", persona["id"].as_str().unwrap()),
            ("customers", customer["id"].as_str().unwrap()),
        ];
        for (kind, id) in items {
            let reads = [format!("{WS}/{kind}"), format!("{WS}/{kind}/{id}")];
            for path in &reads {
                let r = app.get(path, &guest).await.expect(403);
                assert_eq!(r.header("content-type"), Some("application/problem+json"));
                app.get(path, &viewer).await.expect(200);
                // Not a member: the workspace does not exist for them.
                app.get(path, &outsider).await.expect(404);
            }
            // Viewers read but do not write.
            app.patch(
                &format!("{WS}/{kind}/{id}"),
                &viewer,
                json!({"name": "Renamed"}),
            )
            .await
            .expect(403);
            app.post(&format!("{WS}/{kind}"), &viewer, json!({"name": "New"}))
                .await
                .expect(403);
            // Another workspace's owner cannot reach the item through
            // their own workspace, by id.
            app.get(&format!("/api/v1/workspaces/other/{kind}/{id}"), &outsider)
                .await
                .expect(404);
            app.patch(
                &format!("/api/v1/workspaces/other/{kind}/{id}"),
                &outsider,
                json!({"name": "Hijacked"}),
            )
            .await
            .expect(404);
            let theirs = app
                .get(&format!("/api/v1/workspaces/other/{kind}"), &outsider)
                .await
                .expect(200)
                .body;
            assert_eq!(theirs["items"], json!([]));
        }
        let id = customer["id"].as_str().unwrap();
        app.get(&format!("{WS}/customers/{id}/export"), &guest)
            .await
            .expect(403);
        app.get(
            &format!("/api/v1/workspaces/other/customers/{id}/export"),
            &outsider,
        )
        .await
        .expect(404);
        app.delete(
            &format!("/api/v1/workspaces/other/customers/{id}"),
            &outsider,
        )
        .await
        .expect(404);
        app.delete(&format!("{WS}/customers/{id}"), &viewer)
            .await
            .expect(403);
        // A company or persona of another workspace cannot be named.
        app.post(
            "/api/v1/workspaces/other/companies",
            &outsider,
            json!({"name": "Theirs"}),
        )
        .await
        .expect(201);
        let r = app
            .post(
                "/api/v1/workspaces/other/customers",
                &outsider,
                json!({"name": "Zed", "company": company["id"], "persona": "Ops"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["company", "persona"]);
        // Everything is still there, unchanged.
        let still = app
            .get(&format!("{WS}/customers/{id}"), &admin)
            .await
            .expect(200);
        assert_eq!(still.body, customer);
        app.finish().await;
    }
}

#[tokio::test]
async fn erasing_a_customer_keeps_their_feedback_without_them_and_the_export_has_it_all() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "vera@example.com").await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        create(
            &app,
            &admin,
            "companies",
            json!({"name": "Acme", "arr": 5000, "segment": "enterprise"}),
        )
        .await;
        create(
            &app,
            &admin,
            "personas",
            json!({"name": "Ops", "pains": "Reports"}),
        )
        .await;
        let ana = create(
            &app,
            &admin,
            "customers",
            json!({"name": "Ana", "email": "ana@acme.test", "company": "Acme", "persona": "Ops",
                   "attributes": {"phone": "+1 555 0100"}}),
        )
        .await;
        let bo = create(
            &app,
            &admin,
            "customers",
            json!({"name": "Bo", "email": "bo@acme.test"}),
        )
        .await;
        let ana_id = ana["id"].as_str().unwrap().to_string();

        let feature = create(
            &app,
            &admin,
            "features",
            json!({"product": "KEEL", "title": "CSV export"}),
        )
        .await;
        let feedback = |text: &'static str, who: &'static str, tags: Value| {
            let app = &app;
            let admin = &admin;
            async move {
                create(
                    app,
                    admin,
                    "feedback",
                    json!({"product": "KEEL", "text": text, "source": "interview",
                           "customer": who, "tags": tags, "received_on": "2026-02-03"}),
                )
                .await
            }
        };
        let first = feedback(
            "I need a CSV export for my board meetings",
            "ana@acme.test",
            json!(["export"]),
        )
        .await;
        let second = feedback("Dark mode please", "ana@acme.test", json!([])).await;
        let others = feedback("Faster search", "bo@acme.test", json!([])).await;
        let first_id = first["id"].as_str().unwrap().to_string();
        app.post(
            &format!("{WS}/feedback/{first_id}/links"),
            &admin,
            json!({"feature": feature["id"], "importance": "critical", "excerpt": "a CSV export"}),
        )
        .await
        .expect(201);
        let got = app
            .get(&format!("{WS}/customers/{ana_id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(got["feedback_count"], 2);
        // The items as they are now (linking may have moved them on).
        let read = |item: &Value| {
            let path = format!("{WS}/feedback/{}", item["id"].as_str().unwrap());
            let app = &app;
            let admin = &admin;
            async move { app.get(&path, admin).await.expect(200).body }
        };
        let (first, second, others) =
            (read(&first).await, read(&second).await, read(&others).await);

        // The export: everything stored about Ana, and nothing about Bo.
        let export = app
            .get(&format!("{WS}/customers/{ana_id}/export"), &viewer)
            .await
            .expect(200)
            .body;
        assert_eq!(export["customer"], got);
        assert_eq!(export["company"]["name"], "Acme");
        assert_eq!(export["company"]["arr"], 5000.0);
        assert_eq!(export["persona"]["name"], "Ops");
        assert!(
            export["persona"].get("customers").is_none(),
            "other people are not part of her data"
        );
        assert!(export["exported_at"].as_str().unwrap().ends_with('Z'));
        let items = export["feedback"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0]["id"], first["id"]);
        assert_eq!(
            items[0]["text"],
            "I need a CSV export for my board meetings"
        );
        assert_eq!(items[0]["source"], "interview");
        assert_eq!(items[0]["product"], "KEEL");
        assert_eq!(items[0]["received_on"], "2026-02-03");
        assert_eq!(items[0]["status"], first["status"]);
        assert_eq!(items[0]["tags"], json!(["export"]));
        assert_eq!(items[0]["features"][0]["feature_id"], feature["id"]);
        assert_eq!(items[0]["features"][0]["title"], "CSV export");
        assert_eq!(items[0]["features"][0]["importance"], "critical");
        assert_eq!(items[0]["features"][0]["excerpt"], "a CSV export");
        assert_eq!(items[1]["text"], "Dark mode please");
        assert_eq!(items[1]["features"], json!([]));
        assert_eq!(
            export["features"],
            json!([{"id": feature["id"], "product": "KEEL", "title": "CSV export",
                    "status": feature["status"]}])
        );
        assert!(!export.to_string().contains("bo@acme.test"));
        assert!(!export.to_string().contains("Faster search"));

        // Erasure: a stale If-Match changes nothing; then the person goes,
        // their feedback stays without them, each item's version moves.
        let path = format!("{WS}/customers/{ana_id}");
        app.call_with(
            "DELETE",
            &path,
            Some(&admin),
            None,
            &[("if-match", "\"7\"")],
        )
        .await
        .expect(412);
        app.get(&path, &admin).await.expect(200);
        let before = latest_seq(&app, &admin).await;
        app.delete(&path, &admin).await.expect(204);
        app.get(&path, &admin).await.expect(404);
        app.get(&format!("{path}/export"), &admin).await.expect(404);
        app.delete(&path, &admin).await.expect(404);
        let mut events = events_after(&app, &admin, before).await;
        events.sort();
        assert_eq!(
            events,
            [
                ("customer".to_string(), "deleted".to_string()),
                ("feedback".to_string(), "updated".to_string()),
                ("feedback".to_string(), "updated".to_string()),
            ]
        );
        for (item, text) in [
            (&first, "I need a CSV export for my board meetings"),
            (&second, "Dark mode please"),
        ] {
            let now = app
                .get(
                    &format!("{WS}/feedback/{}", item["id"].as_str().unwrap()),
                    &admin,
                )
                .await
                .expect(200)
                .body;
            assert_eq!(now["customer"], Value::Null);
            assert_eq!(now["text"], text);
            assert_eq!(now["version"], item["version"].as_i64().unwrap() + 1);
        }
        let link_kept = app
            .get(&format!("{WS}/feedback/{first_id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(link_kept["links"][0]["feature_id"], feature["id"]);
        // Nobody else's feedback was touched.
        let theirs = app
            .get(
                &format!("{WS}/feedback/{}", others["id"].as_str().unwrap()),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(theirs["customer"]["id"], bo["id"]);
        assert_eq!(theirs["version"], others["version"]);
        // No trace of her email remains in the customer list; the email
        // is free again.
        let list = app
            .get(&format!("{WS}/customers"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(ids(&list), [bo["id"].as_str().unwrap()]);
        create(
            &app,
            &admin,
            "customers",
            json!({"name": "Ana (new)", "email": "ana@acme.test"}),
        )
        .await;
        let company = app
            .get(&format!("{WS}/companies?q=acme"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(company["items"][0]["customer_count"], 0);
        app.finish().await;
    }
}
