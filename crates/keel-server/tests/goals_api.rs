//! Goals and OKRs through the HTTP API, on every configured backend: an
//! objective with key results, the SMART check, check-ins moving progress,
//! health and forecast (back-dated so the values do not depend on today),
//! If-Match, 422s naming the fields with nothing written, readers and
//! writers, and no way across workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

#[tokio::test]
async fn objectives_key_results_and_check_ins() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        let objective = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Happier customers"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(objective["smart"]["ok"], false);
        assert_eq!(
            objective["smart"]["missing"],
            json!(["metric", "target", "deadline", "owner", "baseline"])
        );
        assert_eq!(objective["health"], "not_started");
        assert_eq!(objective["progress"], Value::Null);
        let oid = s(&objective["id"]);

        let kr = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Raise NPS", "metric": "NPS",
                       "baseline": 0, "target": 100, "unit": "points",
                       "deadline": "2020-01-21", "owner": "admin@example.com",
                       "parent": oid}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(kr["smart"], json!({"ok": true, "missing": []}));
        assert_eq!(kr["health"], "not_started");
        assert_eq!(kr["progress"], json!(0.0));
        assert_eq!(kr["parent"], json!(oid));
        assert_eq!(kr["owner"]["email"], "admin@example.com");
        let path = format!("{WS}/goals/{}", s(&kr["id"]));

        let c = app
            .post(
                &format!("{path}/checkins"),
                &admin,
                json!({"value": 0, "date": "2020-01-01", "note": "start"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(
            (c["value"].clone(), c["date"].clone()),
            (json!(0.0), json!("2020-01-01"))
        );
        let g = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(g["forecast"], Value::Null, "one check-in has no trend");
        app.post(
            &format!("{path}/checkins"),
            &admin,
            json!({"value": 10, "date": "2020-01-11"}),
        )
        .await
        .expect(201);
        let g = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(g["current"], json!(10.0));
        assert_eq!(g["progress"], json!(0.1));
        // The deadline has passed with a tenth done.
        assert_eq!(g["health"], "off_track");
        // 1 a day from 0 on 2020-01-01 reaches 20 on the deadline.
        assert_eq!(g["forecast"], json!(20.0));
        assert_eq!(g["version"], json!(3), "each check-in moves the version");

        let list = app
            .get(&format!("{path}/checkins"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(list["items"].as_array().unwrap().len(), 2);

        app.post(&format!("{path}/checkins"), &admin, json!({"value": 120}))
            .await
            .expect(201);
        let g = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(
            (g["progress"].clone(), g["health"].clone()),
            (json!(1.0), json!("done"))
        );

        // The objective lists its key result; the product list has both.
        let o = app
            .get(&format!("{WS}/goals/{oid}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(o["key_results"], json!([kr["id"]]));
        let all = app
            .get(&format!("{WS}/goals?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(all["items"].as_array().unwrap().len(), 2);

        // Deleting the objective takes its key results.
        app.delete(&format!("{WS}/goals/{oid}"), &admin)
            .await
            .expect(204);
        app.get(&path, &admin).await.expect(404);
    }
}

#[tokio::test]
async fn edits_validation_roles_and_workspaces() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        let g = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Grow", "target": 10}),
            )
            .await
            .expect(201)
            .body;
        let path = format!("{WS}/goals/{}", s(&g["id"]));

        let r = app
            .call_with(
                "PATCH",
                &path,
                Some(&admin),
                Some(json!({"metric": "Signups", "target": null})),
                &[("if-match", "\"1\"")],
            )
            .await
            .expect(200);
        assert_eq!(
            (r.body["metric"].clone(), r.body["target"].clone()),
            (json!("Signups"), Value::Null)
        );
        assert_eq!(r.body["version"], json!(2));
        app.call_with(
            "PATCH",
            &path,
            Some(&admin),
            Some(json!({"title": "Stale"})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(412);
        // Nothing changes: the version stays.
        let same = app
            .patch(&path, &admin, json!({"metric": "Signups"}))
            .await
            .expect(200);
        assert_eq!(same.body["version"], json!(2));

        let r = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "NOPE", "title": "", "deadline": "2020-02-30",
                       "owner": "nobody@example.com", "parent": "nope"}),
            )
            .await
            .expect(422);
        let mut fields = r.error_fields();
        fields.sort();
        assert_eq!(fields, ["deadline", "owner", "parent", "product", "title"]);
        app.post(
            &format!("{WS}/goals"),
            &admin,
            json!({"product": "KEEL", "title": "x", "target": 1e300}),
        )
        .await
        .expect(422);
        let r = app
            .post(
                &format!("{path}/checkins"),
                &admin,
                json!({"value": 1, "date": "soon"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["date"]);
        let r = app
            .patch(&path, &admin, json!({"parent": s(&g["id"])}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), ["parent"]);
        let all = app
            .get(&format!("{WS}/goals"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            all["items"].as_array().unwrap().len(),
            1,
            "nothing else was written"
        );
        let checkins = app
            .get(&format!("{path}/checkins"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(checkins["items"], json!([]));

        // Viewers read, never write.
        app.get(&path, &viewer).await.expect(200);
        app.post(&format!("{path}/checkins"), &viewer, json!({"value": 1}))
            .await
            .expect(403);
        app.patch(&path, &viewer, json!({"title": "v"}))
            .await
            .expect(403);

        // Another workspace's goal is not found from here.
        app.workspace(&admin, "other").await;
        let theirs = app
            .post(
                "/api/v1/workspaces/other/goals",
                &admin,
                json!({"product": "KEEL", "title": "Theirs"}),
            )
            .await
            .expect(201)
            .body;
        app.get(&format!("{WS}/goals/{}", s(&theirs["id"])), &admin)
            .await
            .expect(404);
        app.post(
            &format!("{WS}/goals/{}/checkins", s(&theirs["id"])),
            &admin,
            json!({"value": 1}),
        )
        .await
        .expect(404);
        app.patch(&path, &admin, json!({"parent": s(&theirs["id"])}))
            .await
            .expect(422);
    }
}
