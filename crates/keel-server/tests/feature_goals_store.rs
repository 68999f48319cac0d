//! `repo::feature_goals` on every configured backend: replacing a feature's
//! goals (duplicates ignored), reading both directions and per product, and
//! the links going when the feature or the goal is deleted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_store::repo::feature_goals;
use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

#[tokio::test]
async fn links_both_ways_and_cascade() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let ws_id =
            s(&app.get("/api/v1/workspaces", &admin).await.expect(200).body["items"][0]["id"]);
        let goal = |title: &'static str| {
            let app = &app;
            let admin = &admin;
            async move {
                s(&app
                    .post(
                        &format!("{WS}/goals"),
                        admin,
                        json!({"product": "KEEL", "title": title}),
                    )
                    .await
                    .expect(201)
                    .body["id"])
            }
        };
        let (retention, revenue) = (goal("Retention").await, goal("Revenue").await);
        let feature = |title: &'static str| {
            let app = &app;
            let admin = &admin;
            async move {
                app.post(
                    &format!("{WS}/features"),
                    admin,
                    json!({"product": "KEEL", "title": title}),
                )
                .await
                .expect(201)
                .body
            }
        };
        let export_id = s(&feature("Export").await["id"]);
        let sso = s(&feature("SSO").await["id"]);

        let store = &app.db.store;
        let product_id = keel_store::repo::features::get(store.db(), &ws_id, &export_id)
            .await
            .unwrap()
            .unwrap()
            .product_id;
        let mut tx = store.begin().await.unwrap();
        let ids = [revenue.clone(), retention.clone(), revenue.clone()];
        feature_goals::set_for_feature(&mut tx, &ws_id, &export_id, &ids, "2026-01-01T00:00:00Z")
            .await
            .unwrap();
        feature_goals::set_for_feature(
            &mut tx,
            &ws_id,
            &sso,
            std::slice::from_ref(&retention),
            "2026-01-01T00:00:00Z",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let goals = feature_goals::goals_of_feature(store.db(), &ws_id, &export_id)
            .await
            .unwrap();
        let titles: Vec<&str> = goals.iter().map(|g| g.title.as_str()).collect();
        assert_eq!(titles, ["Retention", "Revenue"]);
        let features = feature_goals::features_of_goal(store.db(), &ws_id, &retention)
            .await
            .unwrap();
        let titles: Vec<&str> = features.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles, ["Export", "SSO"]);
        assert_eq!(features[0].status, "idea");
        let links = feature_goals::links_of_product(store.db(), &ws_id, &product_id)
            .await
            .unwrap();
        assert_eq!(links.len(), 3);
        // Another workspace's id sees nothing.
        assert!(
            feature_goals::goals_of_feature(store.db(), "other", &export_id)
                .await
                .unwrap()
                .is_empty()
        );

        // Replacing shrinks the set; deleting a goal removes its links.
        let mut tx = store.begin().await.unwrap();
        feature_goals::set_for_feature(
            &mut tx,
            &ws_id,
            &export_id,
            std::slice::from_ref(&revenue),
            "2026-01-02T00:00:00Z",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        app.delete(&format!("{WS}/goals/{retention}"), &admin)
            .await
            .expect(204);
        assert!(
            feature_goals::features_of_goal(store.db(), &ws_id, &retention)
                .await
                .unwrap()
                .is_empty()
        );
        let left = feature_goals::links_of_product(store.db(), &ws_id, &product_id)
            .await
            .unwrap();
        assert_eq!(left, [(export_id.clone(), revenue.clone())]);
        app.finish().await;
    }
}
