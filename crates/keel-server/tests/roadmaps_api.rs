//! Roadmaps through the HTTP API, on every configured backend: items in
//! lanes (one per feature, of the roadmap's product), moves between lanes
//! before or after another item with both lanes kept contiguous, the
//! timeline stretch and what stakeholders see, 422s naming the field with
//! nothing written, If-Match, share links (secret shown once, never
//! listed, revoked at once), readers and writers, and no way across
//! workspaces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

async fn feature(app: &TestApp, token: &str, title: &str) -> String {
    let r = app
        .post(
            &format!("{WS}/features"),
            token,
            json!({"product": "KEEL", "title": title}),
        )
        .await
        .expect(201);
    s(&r.body["id"])
}

/// `lane: [feature title, …]` of a roadmap, checking positions are 0..n.
async fn lanes(app: &TestApp, token: &str, path: &str) -> Vec<(String, Vec<String>)> {
    let r = app.get(path, token).await.expect(200).body;
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for lane in ["now", "next", "later"] {
        let items: Vec<&Value> = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["lane"] == lane)
            .collect();
        for (n, i) in items.iter().enumerate() {
            assert_eq!(i["position"], json!(n), "{lane} positions are 0..n");
        }
        out.push((
            lane.to_string(),
            items.iter().map(|i| s(&i["feature_title"])).collect(),
        ));
    }
    out
}

fn l(now: &[&str], next: &[&str], later: &[&str]) -> Vec<(String, Vec<String>)> {
    let v = |x: &[&str]| x.iter().map(|t| t.to_string()).collect::<Vec<_>>();
    vec![
        ("now".into(), v(now)),
        ("next".into(), v(next)),
        ("later".into(), v(later)),
    ]
}

#[tokio::test]
async fn lanes_moves_and_the_timeline() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let r = app
            .post(
                &format!("{WS}/roadmaps"),
                &admin,
                json!({"product": "KEEL", "name": "2027", "description": "What we plan"}),
            )
            .await
            .expect(201);
        assert_eq!(r.body["product"], "KEEL");
        assert_eq!(r.body["items"], json!([]));
        let path = format!("{WS}/roadmaps/{}", s(&r.body["id"]));
        assert_eq!(
            r.header("location").unwrap(),
            path.as_str(),
            "Location names the new roadmap"
        );

        let (a, b, c) = (
            feature(&app, &admin, "Alpha").await,
            feature(&app, &admin, "Beta").await,
            feature(&app, &admin, "Gamma").await,
        );
        let mut ids = Vec::new();
        for (f, lane) in [(&a, "now"), (&b, "later"), (&c, "later")] {
            let i = app
                .post(
                    &format!("{path}/items"),
                    &admin,
                    json!({"feature": f, "lane": lane}),
                )
                .await
                .expect(201)
                .body;
            assert_eq!(
                (i["public"].clone(), i["start_month"].clone()),
                (json!(false), Value::Null)
            );
            ids.push(s(&i["id"]));
        }
        assert_eq!(
            lanes(&app, &admin, &path).await,
            l(&["Alpha"], &[], &["Beta", "Gamma"])
        );

        // One item per feature; a feature of the roadmap's product only.
        let dup = app
            .post(&format!("{path}/items"), &admin, json!({"feature": a}))
            .await
            .expect(409);
        assert_eq!(dup.error_fields(), ["feature"]);
        app.post(
            &format!("{WS}/products"),
            &admin,
            json!({"name": "Other", "key": "OTH"}),
        )
        .await
        .expect(201);
        let other = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "OTH", "title": "Elsewhere"}),
            )
            .await
            .expect(201)
            .body;
        let bad = app
            .post(
                &format!("{path}/items"),
                &admin,
                json!({"feature": other["id"], "lane": "soon", "start_month": "2027-13"}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["feature", "lane", "start_month"]);

        // Gamma from later to now, before Alpha; Beta closes the gap.
        let version = app.get(&path, &admin).await.body["version"].clone();
        let moved = app
            .post(
                &format!("{path}/items/{}/move", ids[2]),
                &admin,
                json!({"lane": "now", "before": ids[0]}),
            )
            .await
            .expect(200)
            .body;
        assert_eq!(
            (moved["lane"].clone(), moved["position"].clone()),
            (json!("now"), json!(0))
        );
        assert_eq!(
            lanes(&app, &admin, &path).await,
            l(&["Gamma", "Alpha"], &[], &["Beta"])
        );
        let after = app.get(&path, &admin).await.body;
        assert!(
            after["version"].as_i64() > version.as_i64(),
            "a move moves the roadmap's version"
        );
        // After an item; then to another lane's end.
        app.post(
            &format!("{path}/items/{}/move", ids[2]),
            &admin,
            json!({"after": ids[0]}),
        )
        .await
        .expect(200);
        assert_eq!(
            lanes(&app, &admin, &path).await,
            l(&["Alpha", "Gamma"], &[], &["Beta"])
        );
        app.post(
            &format!("{path}/items/{}/move", ids[0]),
            &admin,
            json!({"lane": "next"}),
        )
        .await
        .expect(200);
        assert_eq!(
            lanes(&app, &admin, &path).await,
            l(&["Gamma"], &["Alpha"], &["Beta"])
        );
        // An anchor must be in the lane moved to, and not the item itself.
        let bad = app
            .post(
                &format!("{path}/items/{}/move", ids[2]),
                &admin,
                json!({"lane": "later", "before": ids[0]}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["before"]);
        let bad = app
            .post(
                &format!("{path}/items/{}/move", ids[2]),
                &admin,
                json!({"after": ids[2]}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["after"]);
        let bad = app
            .post(
                &format!("{path}/items/{}/move", ids[2]),
                &admin,
                json!({"lane": "never"}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["lane"]);
        assert_eq!(
            lanes(&app, &admin, &path).await,
            l(&["Gamma"], &["Alpha"], &["Beta"])
        );

        // The timeline stretch and what stakeholders see.
        let item = format!("{path}/items/{}", ids[1]);
        let p = app
            .patch(
                &item,
                &admin,
                json!({"start_month": "2027-01", "end_month": "2027-03", "public": true,
                       "public_title": "  Faster exports  ", "public_summary": "Exports in seconds."}),
            )
            .await
            .expect(200);
        assert_eq!(
            (p.body["start_month"].clone(), p.body["end_month"].clone()),
            (json!("2027-01"), json!("2027-03"))
        );
        assert_eq!(p.body["public"], true);
        assert_eq!(p.body["public_title"], "Faster exports");
        let v = p.body["version"].as_i64().unwrap();
        for (body, field) in [
            (json!({"end_month": "2026-12"}), "end_month"),
            (json!({"start_month": "2027-02-01"}), "start_month"),
            (
                json!({"start_month": null, "end_month": "2027-05"}),
                "start_month",
            ),
            (json!({"end_month": "2033-01"}), "end_month"),
            (json!({"public_title": "two\nlines"}), "public_title"),
        ] {
            let bad = app.patch(&item, &admin, body.clone()).await.expect(422);
            assert_eq!(bad.error_fields(), [field], "{body}");
        }
        let same = app.get(&path, &admin).await.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == ids[1].as_str())
            .cloned()
            .unwrap();
        assert_eq!(same["version"], json!(v), "a refused patch writes nothing");
        assert_eq!(same["end_month"], "2027-03");
        // A start after the kept end moves the end with it; null unschedules.
        let p = app
            .patch(&item, &admin, json!({"start_month": "2027-06"}))
            .await
            .expect(200);
        assert_eq!(p.body["end_month"], "2027-06");
        let stale = app
            .call_with(
                "PATCH",
                &item,
                Some(&admin),
                Some(json!({"public": false})),
                &[("if-match", &format!("\"{v}\""))],
            )
            .await;
        assert_eq!(stale.status.as_u16(), 412);
        let p = app
            .patch(&item, &admin, json!({"start_month": null}))
            .await
            .expect(200);
        assert_eq!(
            (p.body["start_month"].clone(), p.body["end_month"].clone()),
            (Value::Null, Value::Null)
        );
        assert_eq!(p.body["public"], true, "absent fields stay");

        // Removing closes the gap and leaves the feature alone.
        app.delete(&format!("{path}/items/{}", ids[2]), &admin)
            .await
            .expect(204);
        assert_eq!(
            lanes(&app, &admin, &path).await,
            l(&[], &["Alpha"], &["Beta"])
        );
        app.get(&format!("{WS}/features/{c}"), &admin)
            .await
            .expect(200);
        app.post(
            &format!("{path}/items"),
            &admin,
            json!({"feature": c, "lane": "next"}),
        )
        .await
        .expect(201);
        assert_eq!(
            lanes(&app, &admin, &path).await,
            l(&[], &["Alpha", "Gamma"], &["Beta"])
        );

        // Renaming, listing by product, deleting.
        let renamed = app
            .patch(&path, &admin, json!({"name": "Plan 2027"}))
            .await
            .expect(200)
            .body;
        assert_eq!(renamed["description"], "What we plan");
        let bad = app
            .patch(&path, &admin, json!({"name": " "}))
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["name"]);
        let list = app
            .get(&format!("{WS}/roadmaps?product=KEEL"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(list["items"].as_array().unwrap().len(), 1);
        assert!(
            list["items"][0].get("items").is_none(),
            "lists leave items out"
        );
        let none = app
            .get(&format!("{WS}/roadmaps?product=OTH"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(none["items"], json!([]));
        app.get(&format!("{WS}/roadmaps?product=NOPE"), &admin)
            .await
            .expect(422);
        app.delete(&path, &admin).await.expect(204);
        app.get(&path, &admin).await.expect(404);
        app.finish().await;
    }
}

#[tokio::test]
async fn share_links_roles_and_workspaces() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        let r = app
            .post(
                &format!("{WS}/roadmaps"),
                &admin,
                json!({"product": "KEEL", "name": "Public plan"}),
            )
            .await
            .expect(201);
        let path = format!("{WS}/roadmaps/{}", s(&r.body["id"]));

        let made = app
            .post(
                &format!("{path}/share-links"),
                &admin,
                json!({"label": "Board"}),
            )
            .await
            .expect(201)
            .body;
        let token = s(&made["token"]);
        assert!(token.len() >= 40, "an unguessable secret");
        assert_eq!(made["url"], format!("/share/roadmaps/{token}"));
        let second = app
            .post(&format!("{path}/share-links"), &admin, json!({}))
            .await
            .expect(201)
            .body;
        assert_ne!(second["token"], made["token"]);
        let list = app
            .get(&format!("{path}/share-links"), &viewer)
            .await
            .expect(200);
        assert_eq!(list.body["items"].as_array().unwrap().len(), 2);
        assert_eq!(list.body["items"][0]["label"], "Board");
        assert!(
            !list.body.to_string().contains(&token),
            "the secret is never listed"
        );
        // Only the hash is stored: the secret itself matches nothing.
        use keel_store::repo::roadmaps::link_by_hash;
        let db = app.db.store.db();
        assert!(
            link_by_hash(db, &keel_server::secrets::token_hash(&token))
                .await
                .unwrap()
                .is_some()
        );
        assert!(
            link_by_hash(app.db.store.db(), &token)
                .await
                .unwrap()
                .is_none()
        );

        // Viewers read; only writers change or share.
        app.get(&path, &viewer).await.expect(200);
        app.post(&format!("{path}/share-links"), &viewer, json!({}))
            .await
            .expect(403);
        app.patch(&path, &viewer, json!({"name": "v"}))
            .await
            .expect(403);
        app.delete(&format!("{path}/share-links/{}", s(&made["id"])), &viewer)
            .await
            .expect(403);

        // Revoking: gone from the list, a second revoke is a 404.
        let revoke = format!("{path}/share-links/{}", s(&made["id"]));
        app.delete(&revoke, &admin).await.expect(204);
        app.delete(&revoke, &admin).await.expect(404);
        let list = app
            .get(&format!("{path}/share-links"), &admin)
            .await
            .expect(200);
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1);

        // Another workspace's roadmap is not found from there.
        app.workspace(&admin, "other").await;
        let id = s(&r.body["id"]);
        app.get(&format!("/api/v1/workspaces/other/roadmaps/{id}"), &admin)
            .await
            .expect(404);
        app.post(
            &format!("/api/v1/workspaces/other/roadmaps/{id}/share-links"),
            &admin,
            json!({}),
        )
        .await
        .expect(404);
        let f = feature(&app, &admin, "Acme only").await;
        let theirs = app
            .post(
                "/api/v1/workspaces/other/roadmaps",
                &admin,
                json!({"product": "KEEL", "name": "Theirs"}),
            )
            .await
            .expect(201)
            .body;
        let bad = app
            .post(
                &format!(
                    "/api/v1/workspaces/other/roadmaps/{}/items",
                    s(&theirs["id"])
                ),
                &admin,
                json!({"feature": f}),
            )
            .await
            .expect(422);
        assert_eq!(bad.error_fields(), ["feature"]);
        app.finish().await;
    }
}
