//! The share page of a roadmap, `/share/roadmaps/{token}`, and the goals a
//! roadmap's items serve, on every configured backend: no login needed;
//! only public items, in their public words (escaped), with lane and
//! timeline; nothing internal; `noindex`, `no-referrer`, `no-store` and the
//! default CSP; a revoked, unknown or deleted-roadmap link is the same 404;
//! and no write through it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use keel_testkit::{Response, TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

async fn visit(app: &TestApp, url: &str) -> Response {
    app.send(Request::get(url).body(Body::empty()).unwrap())
        .await
}

#[tokio::test]
async fn share_page_shows_only_public_items() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let map = app
            .post(
                &format!("{WS}/roadmaps"),
                &admin,
                json!({"product": "KEEL", "name": "Plan", "description": "Internal notes"}),
            )
            .await
            .expect(201)
            .body;
        let path = format!("{WS}/roadmaps/{}", s(&map["id"]));
        let add = |title: &'static str, body: Value| {
            let app = &app;
            let admin = admin.clone();
            let path = path.clone();
            async move {
                let f = app
                    .post(
                        &format!("{WS}/features"),
                        &admin,
                        json!({"product": "KEEL", "title": title, "problem": "secret problem"}),
                    )
                    .await
                    .expect(201)
                    .body;
                let mut b = body;
                b["feature"] = f["id"].clone();
                app.post(&format!("{path}/items"), &admin, b)
                    .await
                    .expect(201)
                    .body
            }
        };
        add(
            "Internal codename Falcon",
            json!({"lane": "now", "public": true, "public_title": "<script>alert(1)</script> Faster search",
                   "public_summary": "Results in under a second.", "start_month": "2027-01", "end_month": "2027-02"}),
        )
        .await;
        add("Shown as it is", json!({"lane": "later", "public": true})).await;
        add("Hidden refactor", json!({"lane": "next"})).await;

        let link = app
            .post(
                &format!("{path}/share-links"),
                &admin,
                json!({"label": "Board"}),
            )
            .await
            .expect(201)
            .body;
        let url = s(&link["url"]);
        let page = visit(&app, &url).await.expect(200);
        let html = &page.text;
        assert!(
            html.contains("&#60;script&#62;alert(1)&#60;/script&#62; Faster search"),
            "escaped"
        );
        assert!(!html.contains("<script>alert(1)"));
        assert!(html.contains("Results in under a second."));
        assert!(
            html.contains("Shown as it is"),
            "no public title: the feature's"
        );
        assert!(html.contains("Jan 2027 – Feb 2027"));
        for private in [
            "Internal codename Falcon",
            "Hidden refactor",
            "Internal notes",
            "secret problem",
            "Board",
            "admin@example.com",
        ] {
            assert!(!html.contains(private), "{private} must not show");
        }
        assert_eq!(html.matches("data-shared-item").count(), 2);
        assert_eq!(
            html.matches("data-bar").count(),
            1,
            "one scheduled public item on the timeline"
        );
        assert_eq!(page.header("x-robots-tag"), Some("noindex, nofollow"));
        assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(page.header("cache-control"), Some("no-store"));
        assert!(
            page.header("content-security-policy")
                .unwrap()
                .contains("script-src 'self'")
        );
        let quarters = visit(&app, &format!("{url}?scale=quarter"))
            .await
            .expect(200);
        assert!(quarters.text.contains("Q1 2027"));

        // The link writes nothing.
        let post = app
            .send(Request::post(&url).body(Body::empty()).unwrap())
            .await;
        assert_eq!(post.status.as_u16(), 405);

        // Unknown, revoked, and a deleted roadmap's links: one 404.
        let unknown = visit(&app, "/share/roadmaps/keel_nothing-here")
            .await
            .expect(404);
        app.delete(&format!("{path}/share-links/{}", s(&link["id"])), &admin)
            .await
            .expect(204);
        let revoked = visit(&app, &url).await.expect(404);
        assert_eq!(revoked.text, unknown.text, "a 404 that does not say which");
        let again = app
            .post(&format!("{path}/share-links"), &admin, json!({}))
            .await
            .expect(201)
            .body;
        visit(&app, &s(&again["url"])).await.expect(200);
        app.delete(&path, &admin).await.expect(204);
        let gone = visit(&app, &s(&again["url"])).await.expect(404);
        assert_eq!(gone.text, unknown.text);
        app.finish().await;
    }
}

#[tokio::test]
async fn items_carry_the_goals_their_features_serve() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let goal = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Win enterprise"}),
            )
            .await
            .expect(201)
            .body;
        let f = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "SSO"}),
            )
            .await
            .expect(201)
            .body;
        let ws_id = s(&app.get(WS, &admin).await.expect(200).body["id"]);
        let mut tx = app.db.store.begin().await.unwrap();
        keel_store::repo::feature_goals::set_for_feature(
            &mut tx,
            &ws_id,
            &s(&f["id"]),
            &[s(&goal["id"])],
            "2027-01-01T00:00:00Z",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let map = app
            .post(
                &format!("{WS}/roadmaps"),
                &admin,
                json!({"product": "KEEL", "name": "Plan"}),
            )
            .await
            .expect(201)
            .body;
        let path = format!("{WS}/roadmaps/{}", s(&map["id"]));
        let item = app
            .post(
                &format!("{path}/items"),
                &admin,
                json!({"feature": f["id"]}),
            )
            .await
            .expect(201)
            .body;
        assert_eq!(item["goals"], json!([goal["id"]]));
        assert_eq!(item["lane"], "later", "later unless told");
        let read = app.get(&path, &admin).await.expect(200).body;
        assert_eq!(read["items"][0]["goals"], json!([goal["id"]]));
        app.finish().await;
    }
}
