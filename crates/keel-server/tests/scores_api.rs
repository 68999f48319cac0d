//! Prioritization of features through the HTTP API, on every configured
//! backend: RICE and WSJF exactly per API.md (reach from the linked
//! customers when not given), value/effort and MoSCoW, the ranked list by
//! each score with unscored features last, the manual order moved with a
//! reason, the score history, 422s naming the field with nothing written,
//! If-Match 412, and who may score.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

async fn feature(app: &TestApp, token: &str, body: Value) -> Value {
    let mut full = json!({"product": "KEEL"});
    for (k, v) in body.as_object().unwrap() {
        full[k] = v.clone();
    }
    app.post(&format!("{WS}/features"), token, full)
        .await
        .expect(201)
        .body
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect()
}

async fn list(app: &TestApp, token: &str, sort: &str) -> Vec<String> {
    titles(
        &app.get(&format!("{WS}/features?product=KEEL&sort={sort}"), token)
            .await
            .expect(200)
            .body,
    )
}

/// Three customers, each saying something linked to `feature` (one of
/// them twice: reach counts distinct customers).
async fn link_customers(app: &TestApp, token: &str, feature: &str) {
    let ws = app.get(WS, token).await.expect(200).body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let now = "2026-01-01T00:00:00Z";
    app.db
        .store
        .execute_admin(&format!(
            "INSERT INTO customers (id, workspace_id, name, email, segment, created_at, updated_at) VALUES
             ('cu-ana', '{ws}', 'Ana', 'ana@acme.test', '', '{now}', '{now}'),
             ('cu-bo', '{ws}', 'Bo', 'bo@acme.test', '', '{now}', '{now}'),
             ('cu-cy', '{ws}', 'Cy', 'cy@globex.test', '', '{now}', '{now}')"
        ))
        .await
        .unwrap();
    for who in [
        "ana@acme.test",
        "bo@acme.test",
        "cy@globex.test",
        "ana@acme.test",
    ] {
        let f = app
            .post(
                &format!("{WS}/feedback"),
                token,
                json!({"product": "KEEL", "source": "interview", "text": "need it", "customer": who}),
            )
            .await
            .expect(201)
            .body;
        app.post(
            &format!("{WS}/feedback/{}/links", id(&f)),
            token,
            json!({"feature": feature, "importance": "important"}),
        )
        .await
        .expect(201);
    }
}

#[tokio::test]
async fn scores_follow_the_formulas_and_rank_the_list() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        // RICE with reach given: 1000 × 2 × 0.8 ÷ 4 = 400.
        let a = feature(
            &app,
            &admin,
            json!({"title": "A", "rice": {"reach": 1000, "impact": 2, "confidence": 0.8, "effort": 4},
                   "wsjf": {"business_value": 8, "time_criticality": 5, "risk_reduction": 3, "job_size": 4},
                   "moscow": "must", "value": 8, "effort": 2}),
        )
        .await;
        assert_eq!(a["scores"]["rice"], 400.0);
        assert_eq!(a["scores"]["reach_used"], 1000.0);
        assert_eq!(a["scores"]["wsjf"], 4.0);
        assert_eq!(a["scores"]["value"], 8);
        assert_eq!(a["scores"]["effort"], 2);
        assert_eq!(a["scores"]["value_effort"], 4.0);
        assert_eq!(a["scores"]["moscow"], "must");
        assert_eq!(a["rice"]["impact"], 2.0, "inputs are echoed");
        assert_eq!(a["wsjf"]["job_size"], 4.0);

        // RICE without reach: the distinct customers behind it (3).
        let b = feature(
            &app,
            &admin,
            json!({"title": "B", "rice": {"impact": 3, "confidence": 0.5, "effort": 0.5},
                   "wsjf": {"business_value": 1, "time_criticality": 2, "risk_reduction": 3, "job_size": 0.5}}),
        )
        .await;
        assert_eq!(b["scores"]["rice"], 0.0, "no customers yet");
        link_customers(&app, &admin, &id(&b)).await;
        let b = app
            .get(&format!("{WS}/features/{}", id(&b)), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(b["demand"]["customer_count"], 3);
        assert_eq!(b["scores"]["reach_used"], 3.0);
        assert_eq!(b["scores"]["rice"], 9.0); // 3 × 3 × 0.5 ÷ 0.5
        assert_eq!(b["scores"]["wsjf"], 12.0); // (1 + 2 + 3) ÷ 0.5
        assert_eq!(b["rice"]["reach"], Value::Null);

        let c = feature(&app, &admin, json!({"title": "C", "value": 3, "effort": 9})).await;
        assert_eq!(c["scores"]["rice"], Value::Null);
        assert_eq!(c["scores"]["value_effort"], 1.0 / 3.0);
        let d = feature(&app, &admin, json!({"title": "D"})).await;
        assert_eq!(
            d["scores"],
            json!({"rice": null, "wsjf": null, "value": null, "effort": null, "value_effort": null,
                   "moscow": null, "reach_used": null, "manual_rank": null})
        );

        // Ranked lists: highest first, unscored last (newest first among them).
        assert_eq!(list(&app, &admin, "rice").await, ["A", "B", "D", "C"]);
        assert_eq!(list(&app, &admin, "wsjf").await, ["B", "A", "D", "C"]);
        assert_eq!(
            list(&app, &admin, "value_effort").await,
            ["A", "C", "D", "B"]
        );
        assert_eq!(list(&app, &admin, "demand").await[0], "B");
        let r = app
            .get(&format!("{WS}/features?sort=best"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["sort"]);

        // PATCH changes one input, `null` clears one, absent ones stay.
        let r = app
            .patch(
                &format!("{WS}/features/{}", id(&a)),
                &admin,
                json!({"rice": {"reach": 1000, "impact": 2, "confidence": 0.8, "effort": 8},
                       "moscow": null, "reason": "design review doubled the estimate"}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(r["scores"]["rice"], 200.0);
        assert_eq!(r["scores"]["moscow"], Value::Null);
        assert_eq!(r["scores"]["wsjf"], 4.0);
        let h = app
            .get(&format!("{WS}/features/{}/score-history", id(&a)), &admin)
            .await
            .expect(200)
            .body;
        let last: Vec<&Value> = h["items"]
            .as_array()
            .unwrap()
            .iter()
            .rev()
            .take(2)
            .collect();
        assert_eq!(last[1]["field"], "rice.effort");
        assert_eq!(last[1]["old_value"], "4");
        assert_eq!(last[1]["new_value"], "8");
        assert_eq!(last[1]["reason"], "design review doubled the estimate");
        assert_eq!(last[1]["by"]["email"], "admin@example.com");
        assert_eq!(last[0]["field"], "moscow");
        assert_eq!(last[0]["old_value"], "must");
        assert_eq!(last[0]["new_value"], Value::Null);
        // Creation recorded each input given (value, effort, rice, wsjf, moscow).
        assert_eq!(h["items"].as_array().unwrap().len(), 11 + 2);
        assert_eq!(h["next_cursor"], Value::Null);
        // A page at a time: the pages join up to the whole history.
        let history = format!("{WS}/features/{}/score-history", id(&a));
        let first = app
            .get(&format!("{history}?limit=10"), &admin)
            .await
            .expect(200)
            .body;
        let cursor = first["next_cursor"].as_str().unwrap().to_string();
        let rest = app
            .get(&format!("{history}?limit=10&cursor={cursor}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(rest["next_cursor"], Value::Null);
        let joined: Vec<Value> = [
            first["items"].as_array().unwrap().clone(),
            rest["items"].as_array().unwrap().clone(),
        ]
        .concat();
        assert_eq!(&joined, h["items"].as_array().unwrap());

        // The same values again: no new history.
        app.patch(
            &format!("{WS}/features/{}", id(&a)),
            &admin,
            json!({"value": 8}),
        )
        .await
        .expect(200);
        let again = app
            .get(&format!("{WS}/features/{}/score-history", id(&a)), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(again["items"], h["items"]);
        app.finish().await;
    }
}

#[tokio::test]
async fn invalid_inputs_are_refused_naming_the_field_and_nothing_is_written() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let f = feature(&app, &admin, json!({"title": "Calendar", "value": 5})).await;
        let url = format!("{WS}/features/{}", id(&f));
        let cases = [
            (
                json!({"rice": {"impact": 1, "confidence": 0.5, "effort": 0}}),
                vec!["rice.effort"],
            ),
            (
                json!({"rice": {"impact": 1.5, "confidence": 0.5, "effort": 1}}),
                vec!["rice.impact"],
            ),
            (
                json!({"rice": {"impact": 1, "confidence": 1.2, "effort": 1}}),
                vec!["rice.confidence"],
            ),
            (
                json!({"rice": {"reach": -3, "impact": 1, "confidence": 80, "effort": -1}}),
                vec!["rice.reach", "rice.confidence", "rice.effort"],
            ),
            (
                json!({"wsjf": {"business_value": -1, "time_criticality": 1, "risk_reduction": 1, "job_size": 0}}),
                vec!["wsjf.business_value", "wsjf.job_size"],
            ),
            (json!({"moscow": "may"}), vec!["moscow"]),
            (json!({"value": 0, "effort": 11}), vec!["value", "effort"]),
            (
                json!({"title": "", "moscow": "won't"}),
                vec!["title", "moscow"],
            ),
        ];
        for (body, fields) in cases {
            let r = app.patch(&url, &admin, body.clone()).await.expect(422);
            assert_eq!(r.error_fields(), fields, "{body}");
            let mut create = body.clone();
            create["product"] = json!("KEEL");
            if create.get("title").is_none() {
                create["title"] = json!("New");
            }
            let r = app
                .post(&format!("{WS}/features"), &admin, create)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), fields, "{body}");
        }
        let after = app.get(&url, &admin).await.expect(200).body;
        assert_eq!(after, f, "nothing written");
        let h = app
            .get(&format!("{url}/score-history"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(h["items"].as_array().unwrap().len(), 1);
        let all = app
            .get(&format!("{WS}/features"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(all["items"].as_array().unwrap().len(), 1);

        // A stale If-Match is refused before anything is written.
        let r = app
            .call_with(
                "PATCH",
                &url,
                Some(&admin),
                Some(json!({"value": 9})),
                &[("if-match", "\"99\"")],
            )
            .await;
        assert_eq!(r.status, 412);
        let r = app
            .call_with(
                "POST",
                &format!("{url}/rank"),
                Some(&admin),
                Some(json!({"before": id(&f), "reason": "x"})),
                &[("if-match", "\"99\"")],
            )
            .await;
        assert_eq!(r.status, 412);
        assert_eq!(app.get(&url, &admin).await.expect(200).body, f);
        app.finish().await;
    }
}

#[tokio::test]
async fn the_manual_order_moves_with_reasons_in_the_history() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "vi@example.com").await;
        app.add_member(&admin, "acme", "vi@example.com", "viewer")
            .await;
        let a = feature(&app, &admin, json!({"title": "A"})).await;
        let b = feature(&app, &admin, json!({"title": "B"})).await;
        let c = feature(&app, &admin, json!({"title": "C"})).await;
        // Never ordered by hand: demand order (all zero: newest first).
        assert_eq!(list(&app, &admin, "manual").await, ["C", "B", "A"]);

        let rank = |f: &Value| format!("{WS}/features/{}/rank", id(f));
        let r = app
            .post(&rank(&a), &admin, json!({"before": id(&c), "reason": "  "}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["reason"]);
        let r = app
            .post(
                &rank(&a),
                &admin,
                json!({"before": id(&c), "after": id(&b), "reason": "x"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["before"]);
        let r = app
            .post(&rank(&a), &admin, json!({"after": "nope", "reason": "x"}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["after"]);
        // Regression (schemathesis): an empty id was a 500 (a panic).
        for (body, name) in [
            (json!({"before": null, "after": "", "reason": "x"}), "after"),
            (json!({"after": "  ", "reason": "x"}), "after"),
            (json!({"before": "", "reason": "x"}), "before"),
        ] {
            let r = app.post(&rank(&a), &admin, body).await.expect(422);
            assert_eq!(r.error_fields(), [name]);
        }
        app.post(&rank(&a), &viewer, json!({"before": id(&c), "reason": "x"}))
            .await
            .expect(403);
        assert_eq!(list(&app, &admin, "manual").await, ["C", "B", "A"]);

        let moved = app
            .post(
                &rank(&a),
                &admin,
                json!({"before": id(&c), "reason": "Acme renewal depends on it"}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(moved["scores"]["manual_rank"], 1);
        assert_eq!(moved["version"], a["version"].as_i64().unwrap() + 1);
        assert_eq!(list(&app, &admin, "manual").await, ["A", "C", "B"]);
        app.post(
            &rank(&c),
            &admin,
            json!({"after": id(&b), "reason": "blocked by the API change"}),
        )
        .await
        .expect(200);
        assert_eq!(list(&app, &admin, "manual").await, ["A", "B", "C"]);
        // A feature created since comes last until it is moved.
        feature(&app, &admin, json!({"title": "D"})).await;
        assert_eq!(list(&app, &admin, "manual").await, ["A", "B", "C", "D"]);

        let h = app
            .get(&format!("{WS}/features/{}/score-history", id(&a)), &viewer)
            .await
            .expect(200)
            .body;
        assert_eq!(
            h["items"][0],
            json!({"id": h["items"][0]["id"], "field": "manual_rank", "old_value": "3",
                   "new_value": "1", "reason": "Acme renewal depends on it",
                   "by": h["items"][0]["by"], "created_at": h["items"][0]["created_at"]})
        );
        let h = app
            .get(&format!("{WS}/features/{}/score-history", id(&c)), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(h["items"][0]["old_value"], "2");
        assert_eq!(h["items"][0]["new_value"], "3");
        assert_eq!(h["items"][0]["reason"], "blocked by the API change");

        // Viewers read scores but never change them.
        app.patch(
            &format!("{WS}/features/{}", id(&a)),
            &viewer,
            json!({"value": 3}),
        )
        .await
        .expect(403);
        // Another product's feature is no anchor.
        app.post(
            &format!("{WS}/products"),
            &admin,
            json!({"name": "Other", "key": "OTH"}),
        )
        .await
        .expect(201);
        let o = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "OTH", "title": "O"}),
            )
            .await
            .expect(201)
            .body;
        let r = app
            .post(&rank(&a), &admin, json!({"after": id(&o), "reason": "x"}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["after"]);
        app.finish().await;
    }
}
