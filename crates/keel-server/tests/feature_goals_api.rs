//! Features ↔ goals through the HTTP API, on every configured backend:
//! `goals` on feature POST and PATCH (a whole set) and on every feature
//! read; a goal of another product or workspace is a 422 on `goals` with
//! nothing written; and a goal measured by `linked_features`, whose
//! progress is the share of its features shipped (declined not counted).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn features_link_goals_and_goals_measure_linked_work() {
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
        let other = app.user(&admin, "olga@example.com").await;
        app.workspace(&other, "elsewhere").await;

        // A goal measured by the share of its features shipped.
        let goal = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Ship the onboarding revamp",
                       "measure": "linked_features", "owner": "admin@example.com",
                       "deadline": "2020-02-01"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(goal["measure"], "linked_features");
        assert_eq!(goal["health"], "not_started");
        assert_eq!(goal["progress"], Value::Null);
        assert_eq!(goal["smart"], json!({"ok": true, "missing": []}));
        let gid = id(&goal);
        let manual = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Raise NPS"}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(manual["measure"], "manual");
        let mid = id(&manual);
        let foreign_product = id(&app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "OTH", "title": "Other product's goal"}),
            )
            .await
            .expect(201)
            .body);
        let foreign_ws = id(&app
            .post(
                "/api/v1/workspaces/elsewhere/goals",
                &other,
                json!({"product": "KEEL", "title": "Secret"}),
            )
            .await
            .expect(201)
            .body);

        // POST with goals: returned sorted by id, and on every read.
        let a = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Checklist", "status": "shipped",
                       "goals": [mid, gid, gid]}),
            )
            .await
            .expect(201)
            .body;
        let mut both = vec![gid.clone(), mid.clone()];
        both.sort();
        assert_eq!(a["goals"], json!(both));
        let fa = format!("{WS}/features/{}", id(&a));
        assert_eq!(
            app.get(&fa, &admin).await.expect(200).body["goals"],
            json!(both)
        );
        let listed = app
            .get(&format!("{WS}/features?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(listed["items"][0]["goals"], json!(both));

        let b = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Tour", "status": "planned",
                       "goals": [gid]}),
            )
            .await
            .expect(201)
            .body;
        let c = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Mascot", "status": "declined",
                       "goals": [gid]}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(c["goals"], json!([gid]));

        // 1 of 2 shipped (the declined one does not count); a deadline
        // long past makes half done off track.
        let g = app
            .get(&format!("{WS}/goals/{gid}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(g["progress"], json!(0.5));
        assert_eq!(g["current"], json!(1.0));
        assert_eq!(g["target"], json!(2.0));
        assert_eq!(g["health"], "off_track");
        assert_eq!(g["forecast"], Value::Null);

        // PATCH replaces the set; shipping the second finishes the goal.
        let fb = format!("{WS}/features/{}", id(&b));
        let patched = app
            .patch(
                &fb,
                &admin,
                json!({"status": "shipped", "goals": [gid, mid]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(patched["goals"], json!(both));
        let g = app
            .get(&format!("{WS}/goals/{gid}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(g["progress"], json!(1.0));
        assert_eq!(g["health"], "done");
        let listed = app
            .get(&format!("{WS}/goals?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        let in_list = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == gid.as_str())
            .unwrap()
            .clone();
        assert_eq!(in_list["health"], "done");
        let cleared = app
            .patch(&fa, &admin, json!({"goals": []}))
            .await
            .expect(200)
            .body;
        assert_eq!(cleared["goals"], json!([]));
        // A patch without goals leaves them.
        let kept = app
            .patch(&fb, &admin, json!({"title": "Product tour"}))
            .await
            .expect(200)
            .body;
        assert_eq!(kept["goals"], json!(both));

        // Goals of another product or workspace, or none: 422 on goals,
        // nothing written.
        for bad in [&foreign_product, &foreign_ws, &"nope".to_string()] {
            let r = app
                .post(
                    &format!("{WS}/features"),
                    &admin,
                    json!({"product": "KEEL", "title": "Bad link", "goals": [bad]}),
                )
                .await
                .expect(422);
            assert_eq!(r.error_fields(), vec!["goals"], "{bad}");
            let r = app
                .patch(&fb, &admin, json!({"title": "Renamed", "goals": [bad]}))
                .await
                .expect(422);
            assert_eq!(r.error_fields(), vec!["goals"]);
        }
        let after = app.get(&fb, &admin).await.expect(200).body;
        assert_eq!(after["title"], "Product tour");
        assert_eq!(after["goals"], json!(both));
        let all = app
            .get(&format!("{WS}/features?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(all["items"].as_array().unwrap().len(), 3);

        // The measure is checked, and can be switched back.
        let r = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "x", "measure": "vibes"}),
            )
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["measure"]);
        let back = app
            .patch(
                &format!("{WS}/goals/{gid}"),
                &admin,
                json!({"measure": "manual"}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(back["measure"], "manual");
        assert_eq!(back["health"], "not_started");
        app.finish().await;
    }
}
