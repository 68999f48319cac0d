//! The feedback inbox and evidence through the HTTP API, on every
//! configured backend: intake with a suggested sentiment, inbox filters and
//! paging, triage with If-Match, duplicates, evidence links from a passage
//! to a feature, the feature's `demand` exactly as API.md defines it, the
//! customers to tell, and who may see what.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

/// The id of workspace `acme`.
async fn ws_id(app: &TestApp, token: &str) -> String {
    app.get(WS, token).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// Companies Acme (ARR 1000) and Globex (ARR 250.5), and customers ana
/// and bo (Acme), cy (Globex), dee (no company). Written straight to the
/// database: this suite is about feedback, not the customer API.
async fn seed_customers(app: &TestApp, token: &str) {
    let ws = ws_id(app, token).await;
    let now = "2026-01-01T00:00:00Z";
    app.db
        .store
        .execute_admin(&format!(
            "INSERT INTO companies (id, workspace_id, name, arr, created_at, updated_at) VALUES
             ('co-acme', '{ws}', 'Acme', 1000, '{now}', '{now}'),
             ('co-globex', '{ws}', 'Globex', 250.5, '{now}', '{now}')"
        ))
        .await
        .unwrap();
    app.db
        .store
        .execute_admin(&format!(
            "INSERT INTO customers (id, workspace_id, name, email, company_id, segment, created_at, updated_at) VALUES
             ('cu-ana', '{ws}', 'Ana', 'ana@acme.test', 'co-acme', 'enterprise', '{now}', '{now}'),
             ('cu-bo', '{ws}', 'Bo', 'bo@acme.test', 'co-acme', 'enterprise', '{now}', '{now}'),
             ('cu-cy', '{ws}', 'Cy', 'cy@globex.test', 'co-globex', 'smb', '{now}', '{now}'),
             ('cu-dee', '{ws}', 'Dee', 'dee@example.test', NULL, 'smb', '{now}', '{now}')"
        ))
        .await
        .unwrap();
}

async fn add(app: &TestApp, token: &str, body: Value) -> Value {
    let mut full = json!({"product": "KEEL", "source": "interview"});
    for (k, v) in body.as_object().unwrap() {
        full[k] = v.clone();
    }
    app.post(&format!("{WS}/feedback"), token, full)
        .await
        .expect(201)
        .body
}

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn feedback_is_taken_in_filtered_and_triaged() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        seed_customers(&app, &admin).await;

        let a = add(
            &app,
            &admin,
            json!({"text": "Export is broken and support was useless", "customer": "ana@acme.test",
                   "tags": ["export", "bug", "export"], "received_on": "2026-02-01"}),
        )
        .await;
        assert_eq!(a["status"], "new");
        assert_eq!(a["sentiment"], "negative", "suggested from the text");
        assert_eq!(a["tags"], json!(["export", "bug"]), "repeats dropped");
        assert_eq!(a["customer"]["name"], "Ana");
        assert_eq!(a["customer"]["company"], "Acme");
        assert_eq!(a["product"], "KEEL");
        let b = add(
            &app,
            &admin,
            json!({"text": "I love the new board", "source": "app_review", "customer": "cu-cy",
                   "received_on": "2026-03-01"}),
        )
        .await;
        assert_eq!(b["sentiment"], "positive");
        let c = add(
            &app,
            &admin,
            json!({"text": "Please add a calendar view", "source": "email", "sentiment": "negative"}),
        )
        .await;
        assert_eq!(c["sentiment"], "negative", "given sentiment wins");
        assert_eq!(c["customer"], Value::Null);
        let (a_id, b_id, c_id) = (
            a["id"].as_str().unwrap(),
            b["id"].as_str().unwrap(),
            c["id"].as_str().unwrap(),
        );

        // Filters.
        let list = |q: &'static str| {
            let app = &app;
            let admin = admin.clone();
            async move {
                app.get(&format!("{WS}/feedback{q}"), &admin)
                    .await
                    .expect(200)
                    .body
            }
        };
        assert_eq!(ids(&list("").await), [c_id, b_id, a_id], "newest first");
        assert_eq!(ids(&list("?tag=export").await), [a_id]);
        assert_eq!(ids(&list("?source=app_review,email").await), [c_id, b_id]);
        assert_eq!(ids(&list("?sentiment=positive").await), [b_id]);
        assert_eq!(ids(&list("?customer=cy%40globex.test").await), [b_id]);
        assert_eq!(ids(&list("?segment=enterprise").await), [a_id]);
        assert_eq!(
            ids(&list("?since=2026-02-15&until=2026-03-31").await),
            [b_id]
        );
        assert_eq!(ids(&list("?q=CALENDAR").await), [c_id], "case-insensitive");
        assert_eq!(
            ids(&list("?q=100%25").await),
            Vec::<String>::new(),
            "% is literal"
        );
        let page = list("?limit=2").await;
        assert_eq!(ids(&page), [c_id, b_id]);
        let next = page["next_cursor"].as_str().unwrap().to_string();
        let rest = app
            .get(&format!("{WS}/feedback?limit=2&cursor={next}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(ids(&rest), [a_id]);
        assert_eq!(rest["next_cursor"], Value::Null);

        // Bad filters name their field.
        for (q, field) in [
            ("?status=open", "status"),
            ("?source=fax", "source"),
            ("?since=yesterday", "since"),
            ("?product=NOPE", "product"),
            ("?customer=nobody%40x.test", "customer"),
            ("?limit=0", "limit"),
            ("?cursor=abc", "cursor"),
        ] {
            let r = app
                .get(&format!("{WS}/feedback{q}"), &admin)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), [field], "{q}");
        }

        // Bad input on create: every bad field named, nothing written.
        let r = app
            .post(
                &format!("{WS}/feedback"),
                &admin,
                json!({"product": "NOPE", "text": "  ", "source": "fax", "customer": "zed@x.test",
                       "sentiment": "meh", "received_on": "2026-13-01", "tags": ["a,b"]}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(
            fields,
            [
                "customer",
                "product",
                "received_on",
                "sentiment",
                "source",
                "tags",
                "text"
            ]
        );
        assert_eq!(ids(&list("").await).len(), 3, "nothing written");

        // Triage with If-Match.
        let path = format!("{WS}/feedback/{a_id}");
        let r = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"status": "triaged"})),
                &[("if-match", "\"7\"")],
            )
            .await
            .expect(412);
        assert_eq!(r.status, 412);
        let t = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"status": "triaged", "tags": ["export"], "customer": null})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200)
            .body;
        assert_eq!(t["status"], "triaged");
        assert_eq!(t["tags"], json!(["export"]));
        assert_eq!(t["customer"], Value::Null);
        assert_eq!(t["version"], 2);
        assert_eq!(
            ids(&list("?tag=bug").await),
            Vec::<String>::new(),
            "tag rows follow"
        );
        assert_eq!(ids(&list("?status=triaged").await), [a_id]);

        // Duplicates: not of itself, not in a cycle, not of a stranger.
        let dup = app
            .patch(
                &format!("{WS}/feedback/{c_id}"),
                &admin,
                json!({"duplicate_of": b_id}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(dup["duplicate_of"], b_id);
        for (target, body) in [
            (b_id, json!({"duplicate_of": c_id})),
            (b_id, json!({"duplicate_of": b_id})),
            (
                b_id,
                json!({"duplicate_of": "0190f2b4-0000-7000-8000-000000000000"}),
            ),
        ] {
            let r = app
                .patch(&format!("{WS}/feedback/{target}"), &admin, body)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), ["duplicate_of"]);
        }
        app.finish().await;
    }
}

#[tokio::test]
async fn evidence_adds_up_to_demand_and_the_people_to_tell() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        seed_customers(&app, &admin).await;
        let feature = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Calendar view", "problem": "Dates are hard to see"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(feature["status"], "idea");
        assert_eq!(feature["type"], "new_capability");
        assert_eq!(
            feature["demand"],
            json!({"feedback_count": 0, "customer_count": 0, "company_count": 0, "arr": 0.0, "score": 0})
        );
        let fid = feature["id"].as_str().unwrap().to_string();
        let other = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Dark mode"}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();

        // Ana and Bo (both Acme, ARR 1000), Cy (Globex, 250.5), and Ana again.
        let said = [
            (
                "ana@acme.test",
                "I need a calendar to see due dates at a glance",
                "critical",
            ),
            (
                "bo@acme.test",
                "A monthly view of deadlines would help our team",
                "important",
            ),
            ("cy@globex.test", "calendar please", "nice_to_have"),
            (
                "ana@acme.test",
                "Still waiting for that calendar!",
                "important",
            ),
        ];
        let mut feedback_ids = Vec::new();
        for (who, text, importance) in said {
            let f = add(&app, &admin, json!({"text": text, "customer": who})).await;
            let id = f["id"].as_str().unwrap().to_string();
            let link = app
                .post(
                    &format!("{WS}/feedback/{id}/links"),
                    &admin,
                    json!({"feature": fid, "importance": importance}),
                )
                .await
                .expect(201)
                .body;
            assert_eq!(
                link["excerpt"], text,
                "the whole text when no passage is given"
            );
            feedback_ids.push(id);
        }
        // A passage must be part of the text; one link per feature.
        let first = &feedback_ids[0];
        let r = app
            .post(
                &format!("{WS}/feedback/{first}/links"),
                &admin,
                json!({"feature": other, "importance": "important", "excerpt": "not in the text"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["excerpt"]);
        let passage = app
            .post(
                &format!("{WS}/feedback/{first}/links"),
                &admin,
                json!({"feature": other, "importance": "important", "excerpt": "see due dates"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(passage["excerpt"], "see due dates");
        assert_eq!(passage["feature_title"], "Dark mode");
        app.post(
            &format!("{WS}/feedback/{first}/links"),
            &admin,
            json!({"feature": fid, "importance": "critical"}),
        )
        .await
        .expect(409);
        let r = app
            .post(
                &format!("{WS}/feedback/{first}/links"),
                &admin,
                json!({"feature": "nope", "importance": "huge"}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["feature", "importance"]);

        // Linking moved new feedback to `linked` and shows on the item.
        let f0 = app
            .get(&format!("{WS}/feedback/{first}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(f0["status"], "linked");
        assert_eq!(f0["links"].as_array().unwrap().len(), 2);

        // demand (API.md): 4 feedback, 3 customers, 2 companies, ARR 1000 +
        // 250.5 (Acme once), score 3 + 2 + 1 + 2.
        let got = app
            .get(&format!("{WS}/features/{fid}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            got["demand"],
            json!({"feedback_count": 4, "customer_count": 3, "company_count": 2, "arr": 1250.5, "score": 8})
        );
        let evidence = app
            .get(&format!("{WS}/features/{fid}/evidence"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(evidence["items"].as_array().unwrap().len(), 4);
        assert_eq!(evidence["items"][0]["customer"]["company"], "Acme");
        let mut tell: Vec<&str> = evidence["customers_to_notify"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["email"].as_str().unwrap())
            .collect();
        tell.sort();
        assert_eq!(tell, ["ana@acme.test", "bo@acme.test", "cy@globex.test"]);

        // Ranked by demand; removing a link lowers it.
        let ranked = app
            .get(&format!("{WS}/features?sort=demand"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(ranked["items"][0]["id"], fid.as_str());
        assert_eq!(ranked["items"][1]["demand"]["score"], 2);
        let link_id = f0["links"][0]["id"].as_str().unwrap();
        app.delete(&format!("{WS}/feedback/{first}/links/{link_id}"), &admin)
            .await
            .expect(204);
        app.delete(&format!("{WS}/feedback/{first}/links/{link_id}"), &admin)
            .await
            .expect(404);
        let got = app
            .get(&format!("{WS}/features/{fid}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(got["demand"]["score"], 5);
        assert_eq!(
            got["demand"]["customer_count"], 3,
            "Ana still asked once more"
        );

        // Feature validation and If-Match.
        let r = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "NOPE", "title": "", "status": "done", "type": "x"}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["product", "status", "title", "type"]);
        let p = app
            .call_with(
                "PATCH",
                &format!("{WS}/features/{fid}"),
                Some(&admin),
                Some(json!({"status": "planned"})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200)
            .body;
        assert_eq!(p["status"], "planned");
        assert_eq!(p["demand"]["score"], 5);
        app.call_with(
            "PATCH",
            &format!("{WS}/features/{fid}"),
            Some(&admin),
            Some(json!({"status": "shipped"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);
        app.finish().await;
    }
}

#[tokio::test]
async fn guests_submit_but_never_read_customers_feedback() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        seed_customers(&app, &admin).await;
        let guest = app.user(&admin, "gus@example.com").await;
        let viewer = app.user(&admin, "vera@example.com").await;
        app.add_member(&admin, "acme", "gus@example.com", "guest")
            .await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        let theirs = add(
            &app,
            &admin,
            json!({"text": "Secret customer pain", "customer": "ana@acme.test"}),
        )
        .await;
        let id = theirs["id"].as_str().unwrap();

        let mine = add(
            &app,
            &guest,
            json!({"text": "I would like a dark theme", "source": "portal"}),
        )
        .await;
        assert_eq!(mine["status"], "new");
        let r = app
            .post(
                &format!("{WS}/feedback"),
                &guest,
                json!({"product": "KEEL", "text": "x", "source": "email", "customer": "ana@acme.test"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["customer"]);
        app.get(&format!("{WS}/feedback"), &guest).await.expect(403);
        app.get(&format!("{WS}/feedback/{id}"), &guest)
            .await
            .expect(403);
        app.patch(
            &format!("{WS}/feedback/{id}"),
            &guest,
            json!({"status": "archived"}),
        )
        .await
        .expect(403);

        // Viewers read but neither submit nor triage.
        app.get(&format!("{WS}/feedback/{id}"), &viewer)
            .await
            .expect(200);
        app.post(
            &format!("{WS}/feedback"),
            &viewer,
            json!({"product": "KEEL", "text": "x", "source": "email"}),
        )
        .await
        .expect(403);
        app.patch(
            &format!("{WS}/feedback/{id}"),
            &viewer,
            json!({"status": "archived"}),
        )
        .await
        .expect(403);

        // Another workspace's owner sees nothing of it.
        let stranger = app.user(&admin, "sam@example.com").await;
        app.workspace(&stranger, "other").await;
        app.get(
            &format!("/api/v1/workspaces/other/feedback/{id}"),
            &stranger,
        )
        .await
        .expect(404);
        app.get(&format!("{WS}/feedback/{id}"), &stranger)
            .await
            .expect(404);
        app.finish().await;
    }
}

#[tokio::test]
async fn bulk_triage_is_all_or_nothing() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let mut ids = Vec::new();
        for n in 0..3 {
            let f = add(
                &app,
                &admin,
                json!({"text": format!("Item {n}"), "tags": ["old"]}),
            )
            .await;
            ids.push(f["id"].as_str().unwrap().to_string());
        }
        let done = app
            .post(
                &format!("{WS}/feedback/bulk"),
                &admin,
                json!({"ids": ids, "status": "archived", "add_tags": ["q3", "q3"], "remove_tags": ["old"]}),
            )
            .await
            .expect(200)
            .body;
        for item in done["items"].as_array().unwrap() {
            assert_eq!(item["status"], "archived");
            assert_eq!(item["tags"], json!(["q3"]));
            assert_eq!(item["version"], 2);
        }
        let page = app
            .get(&format!("{WS}/feedback?tag=q3"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(page["items"].as_array().unwrap().len(), 3);

        // One unknown id: nothing changes.
        let mut with_bad = ids.clone();
        with_bad.push("0190f2b4-0000-7000-8000-000000000000".into());
        let r = app
            .post(
                &format!("{WS}/feedback/bulk"),
                &admin,
                json!({"ids": with_bad, "status": "new"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["ids"]);
        let page = app
            .get(&format!("{WS}/feedback?status=archived"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            page["items"].as_array().unwrap().len(),
            3,
            "nothing reopened"
        );
        // Another workspace's owner naming acme's ids: unknown there.
        let stranger = app.user(&admin, "sam@example.com").await;
        app.workspace(&stranger, "other").await;
        let r = app
            .post(
                "/api/v1/workspaces/other/feedback/bulk",
                &stranger,
                json!({"ids": [ids[0]], "status": "new"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["ids"]);
        let still = app
            .get(&format!("{WS}/feedback/{}", ids[0]), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(still["status"], "archived");
        for (body, field) in [
            (json!({"ids": [], "status": "new"}), "ids"),
            (json!({"ids": [ids[0]]}), "status"),
            (json!({"ids": [ids[0]], "status": "closed"}), "status"),
        ] {
            let r = app
                .post(&format!("{WS}/feedback/bulk"), &admin, body)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), [field]);
        }
        app.finish().await;
    }
}
