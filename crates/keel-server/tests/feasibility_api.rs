//! Technical feasibility through the HTTP API, on every configured backend:
//! `risk` / `risk_note` and `depends_on` / `blocks` on features, each
//! refusal a 422 naming its field with nothing written (a dependency on
//! itself, on another product's or another workspace's feature — the
//! latter indistinguishable from a missing one — and one closing a cycle,
//! named in the message), and the tech-debt list with risk and cost.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

fn message(v: &Value) -> String {
    v["errors"][0]["message"].as_str().unwrap_or("").to_string()
}

#[tokio::test]
async fn risk_is_set_checked_and_cleared() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        let f = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Sharded search",
                       "risk": "high", "risk_note": "  new storage engine  "}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(f["risk"], "high");
        assert_eq!(f["risk_note"], "new storage engine");
        assert_eq!(f["depends_on"], json!([]));
        assert_eq!(f["blocks"], json!([]));
        let path = format!("{WS}/features/{}", id(&f));
        let got = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(got["risk"], "high");

        // Not assessed by default.
        let plain = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Dark mode"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(plain["risk"], Value::Null);
        assert_eq!(plain["risk_note"], "");

        // Bad values: 422 naming the field, nothing written.
        for body in [
            json!({"risk": "extreme"}),
            json!({"risk": ""}),
            json!({"risk": 3}),
        ] {
            let r = app.patch(&path, &admin, body.clone()).await;
            assert!(
                r.status.as_u16() == 422 || r.status.as_u16() == 400,
                "{body}: {}",
                r.text
            );
            if r.status.as_u16() == 422 {
                assert_eq!(r.error_fields(), vec!["risk"], "{body}");
            }
        }
        let r = app
            .patch(
                &path,
                &admin,
                json!({"title": "Renamed", "risk_note": "two\nlines"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["risk_note"]);
        let r = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "x", "risk": "HIGHEST"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["risk"]);
        let after = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(after["title"], "Sharded search");
        assert_eq!(after["risk"], "high");
        assert_eq!(after["version"], f["version"]);

        // A patch without risk keeps it; null clears it.
        let kept = app
            .patch(&path, &admin, json!({"status": "planned"}))
            .await
            .expect(200)
            .body;
        assert_eq!(kept["risk"], "high");
        assert_eq!(kept["risk_note"], "new storage engine");
        let lowered = app
            .patch(&path, &admin, json!({"risk": "low", "risk_note": ""}))
            .await
            .expect(200)
            .body;
        assert_eq!(
            (&lowered["risk"], &lowered["risk_note"]),
            (&json!("low"), &json!(""))
        );
        let cleared = app
            .patch(&path, &admin, json!({"risk": null}))
            .await
            .expect(200)
            .body;
        assert_eq!(cleared["risk"], Value::Null);
        app.finish().await;
    }
}

#[tokio::test]
async fn dependencies_are_checked_and_acyclic() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.post(
            &format!("{WS}/products"),
            &admin,
            json!({"name": "Other", "key": "OTH"}),
        )
        .await
        .expect(201);
        let olga = app.user(&admin, "olga@example.com").await;
        app.workspace(&olga, "elsewhere").await;

        let new = |title: &str, product: &str| json!({"product": product, "title": title, "status": "planned"});
        let mut ids = Vec::new();
        for title in ["Auth", "Billing", "Checkout"] {
            let f = app
                .post(&format!("{WS}/features"), &admin, new(title, "KEEL"))
                .await
                .expect(201)
                .body;
            ids.push(id(&f));
        }
        let (a, b, c) = (ids[0].clone(), ids[1].clone(), ids[2].clone());
        let path = |x: &str| format!("{WS}/features/{x}");
        let other_product = id(&app
            .post(&format!("{WS}/features"), &admin, new("Reports", "OTH"))
            .await
            .expect(201)
            .body);
        let other_ws = id(&app
            .post(
                "/api/v1/workspaces/elsewhere/features",
                &olga,
                new("Secret", "KEEL"),
            )
            .await
            .expect(201)
            .body);

        // POST with depends_on; duplicates dropped; the reverse on GET.
        let d = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Dashboard", "depends_on": [c, a, a]}),
            )
            .await
            .expect(201)
            .body;
        let mut both = vec![a.clone(), c.clone()];
        both.sort();
        assert_eq!(d["depends_on"], json!(both));
        let dd = id(&d);
        assert_eq!(
            app.get(&path(&a), &admin).await.expect(200).body["blocks"],
            json!([dd])
        );

        // PATCH: b depends on a, c on b (a chain a ← b ← c).
        let pb = app
            .patch(&path(&b), &admin, json!({"depends_on": [a]}))
            .await
            .expect(200)
            .body;
        assert_eq!(pb["depends_on"], json!([a]));
        app.patch(&path(&c), &admin, json!({"depends_on": [b]}))
            .await
            .expect(200);
        let got_b = app.get(&path(&b), &admin).await.expect(200).body;
        assert_eq!(got_b["blocks"], json!([c]));
        assert_eq!(got_b["depends_on"], json!([a]));
        // The list carries them too.
        let listed = app
            .get(&format!("{WS}/features?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        let in_list = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == b.as_str())
            .unwrap()
            .clone();
        assert_eq!(in_list["depends_on"], json!([a]));
        assert_eq!(in_list["blocks"], json!([c]));

        // A cycle (a → c → b → a) is refused, named, and nothing written,
        // not even the other fields of the patch.
        let before_a = app.get(&path(&a), &admin).await.expect(200).body;
        let r = app
            .patch(
                &path(&a),
                &admin,
                json!({"title": "Auth v2", "depends_on": [c]}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["depends_on"]);
        let msg = message(&r.body);
        assert!(msg.contains("cycle"), "{msg}");
        for part in ["Auth", "Checkout", "Billing", a.as_str(), c.as_str()] {
            assert!(msg.contains(part), "{part} missing in {msg}");
        }
        assert_eq!(app.get(&path(&a), &admin).await.expect(200).body, before_a);
        // Two-step cycle too.
        let r = app
            .patch(&path(&a), &admin, json!({"depends_on": [b]}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["depends_on"]);

        // On itself, another product's, another workspace's, a missing one:
        // 422 on depends_on; another workspace reads like a missing one.
        let on_missing = app
            .patch(
                &path(&b),
                &admin,
                json!({"depends_on": ["01NOSUCHFEATURE"]}),
            )
            .await
            .expect(422);
        for bad in [&b, &other_product, &other_ws] {
            let r = app
                .patch(&path(&b), &admin, json!({"depends_on": [bad]}))
                .await
                .expect(422);
            assert_eq!(r.error_fields(), vec!["depends_on"], "{bad}");
            if bad != &b {
                let r2 = app
                    .post(
                        &format!("{WS}/features"),
                        &admin,
                        json!({"product": "KEEL", "title": "Bad", "depends_on": [bad]}),
                    )
                    .await
                    .expect(422);
                assert_eq!(r2.error_fields(), vec!["depends_on"]);
            }
        }
        let foreign = app
            .patch(&path(&b), &admin, json!({"depends_on": [other_ws]}))
            .await
            .expect(422);
        assert_eq!(
            message(&foreign.body).replace(&other_ws, "X"),
            message(&on_missing.body).replace("01NOSUCHFEATURE", "X")
        );
        assert_eq!(
            app.get(&path(&b), &admin).await.expect(200).body["depends_on"],
            json!([a])
        );
        let all = app
            .get(&format!("{WS}/features?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(all["items"].as_array().unwrap().len(), 4);

        // The other workspace cannot read or link ours.
        app.get(&path(&a), &olga).await.expect(404);
        let r = app
            .patch(
                &format!("/api/v1/workspaces/elsewhere/features/{other_ws}"),
                &olga,
                json!({"depends_on": [a]}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["depends_on"]);

        // Replacing b's dependencies breaks the chain; then a may depend on c.
        app.patch(&path(&b), &admin, json!({"depends_on": []}))
            .await
            .expect(200);
        let pa = app
            .patch(&path(&a), &admin, json!({"depends_on": [c]}))
            .await
            .expect(200)
            .body;
        assert_eq!(pa["depends_on"], json!([c]));
        app.finish().await;
    }
}

#[tokio::test]
async fn tech_debt_list_carries_risk_and_cost() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.post(
            &format!("{WS}/features"),
            &admin,
            json!({"product": "KEEL", "title": "Drop the old ORM", "type": "tech_debt",
                   "risk": "high", "rice": {"impact": 1, "confidence": 0.5, "effort": 2.5}}),
        )
        .await
        .expect(201);
        app.post(
            &format!("{WS}/features"),
            &admin,
            json!({"product": "KEEL", "title": "Flaky tests", "type": "tech_debt",
                   "effort": 3}),
        )
        .await
        .expect(201);
        app.post(
            &format!("{WS}/features"),
            &admin,
            json!({"product": "KEEL", "title": "Emoji reactions"}),
        )
        .await
        .expect(201);
        let list = app
            .get(
                &format!("{WS}/features?product=KEEL&type=tech_debt"),
                &admin,
            )
            .await
            .expect(200)
            .body;
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        let orm = items
            .iter()
            .find(|f| f["title"] == "Drop the old ORM")
            .unwrap();
        assert_eq!(orm["risk"], "high");
        assert_eq!(orm["cost"], json!({"amount": 2.5, "unit": "person_months"}));
        let flaky = items.iter().find(|f| f["title"] == "Flaky tests").unwrap();
        assert_eq!(flaky["risk"], Value::Null);
        assert_eq!(
            flaky["cost"],
            json!({"amount": 3.0, "unit": "effort_points"})
        );
        let r = app
            .get(&format!("{WS}/features?type=debt"), &admin)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["type"]);
        app.finish().await;
    }
}
