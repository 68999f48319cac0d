//! The search results page, the feedback link search hits use, and the
//! feedback import page, over HTTP on every backend: hits of every kind
//! linking to their pages, matched words marked, user text escaped (a
//! `<script>` in feedback stays text), guests finding no customer data,
//! outsiders and signed-out visitors kept out, bad queries answered with
//! the page rather than a 5xx, and the import page only for those who may
//! import.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use keel_testkit::{TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";
const HOSTILE: &str = "<script>alert(1)</script>";

/// The page with askama's numeric entities spelled as names, so checks
/// read as HTML is usually written.
fn named_entities(html: &str) -> String {
    html.replace("&#38;", "&amp;")
        .replace("&#60;", "&lt;")
        .replace("&#62;", "&gt;")
}

/// The kinds of the hits a results page lists, in order.
fn kinds(html: &str) -> Vec<String> {
    html.split("class=\"search-hit card\" data-kind=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn search_page_finds_every_kind_escaped_and_by_role() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.user(&admin, "guest@example.com").await;
        app.add_member(&admin, "acme", "guest@example.com", "guest")
            .await;
        let outsider = app.user(&admin, "out@example.com").await;
        app.workspace(&outsider, "other").await;

        let task = app
            .post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": "Roadmap export to PDF"}),
            )
            .await
            .expect(201)
            .body;
        let feature = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Export everything"}),
            )
            .await
            .expect(201)
            .body;
        let company = app
            .post(
                &format!("{WS}/companies"),
                &admin,
                json!({"name": "Export Masters"}),
            )
            .await
            .expect(201)
            .body;
        let customer = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "Ella Export", "email": "ella@export.test"}),
            )
            .await
            .expect(201)
            .body;
        let feedback = app
            .post(
                &format!("{WS}/feedback"),
                &admin,
                json!({"product": "KEEL", "text": format!("The export {HOSTILE} breaks"),
                    "source": "support"}),
            )
            .await
            .expect(201)
            .body;
        let feedback_id = feedback["id"].as_str().unwrap();
        // Another workspace's feedback, never found from acme.
        app.post(
            "/api/v1/workspaces/other/feedback",
            &outsider,
            json!({"product": "KEEL", "text": "export elsewhere", "source": "support"}),
        )
        .await
        .expect(201);

        let owner = app.sign_in("admin@example.com").await;
        let r = app
            .page(&owner, "/w/acme/search?q=export")
            .await
            .expect(200);
        let html = &named_entities(&r.text);
        let mut found = kinds(html);
        found.sort();
        assert_eq!(
            found,
            ["company", "customer", "feature", "feedback", "task"],
            "{html}"
        );
        assert!(html.contains(&format!(
            "href=\"/w/acme/t/{}\"",
            task["key"].as_str().unwrap()
        )));
        assert!(html.contains(&format!(
            "href=\"/w/acme/features/{}\"",
            feature["id"].as_str().unwrap()
        )));
        assert!(html.contains(&format!(
            "href=\"/w/acme/p/KEEL/feedback?status=all&amp;item={feedback_id}\""
        )));
        assert!(html.contains(&format!(
            "href=\"/w/acme/customers/{}\"",
            customer["id"].as_str().unwrap()
        )));
        assert!(html.contains(&format!(
            "href=\"/w/acme/companies/{}\"",
            company["id"].as_str().unwrap()
        )));
        assert!(html.contains("<mark>export</mark>") || html.contains("<mark>Export</mark>"));
        // The feedback's markup is text, in its title and its snippet.
        assert!(!html.contains(HOSTILE), "unescaped user text: {html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(!html.contains("elsewhere"));

        // Only the kinds asked for.
        let r = app
            .page(&owner, "/w/acme/search?q=export&kind=task,feature")
            .await
            .expect(200);
        let mut found = kinds(&r.text);
        found.sort();
        assert_eq!(found, ["feature", "task"]);

        // A guest: tasks and features, no customer data, not even asked
        // for by kind, and no customer kinds to pick.
        let guest = app.sign_in("guest@example.com").await;
        let r = app
            .page(&guest, "/w/acme/search?q=export")
            .await
            .expect(200);
        let mut found = kinds(&r.text);
        found.sort();
        assert_eq!(found, ["feature", "task"]);
        assert!(!r.text.contains("Ella Export"));
        assert!(!r.text.contains("Export Masters"));
        assert!(!r.text.contains("value=\"customer\""));
        for kind in ["customer", "company", "feedback", "persona"] {
            let r = app
                .page(&guest, &format!("/w/acme/search?q=export&kind={kind}"))
                .await
                .expect(200);
            assert!(kinds(&r.text).is_empty(), "guest found {kind}s");
            assert!(!r.text.contains("Ella Export"));
        }

        // Mistakes and hostile text: the page with the reason, never a 5xx.
        let r = app
            .page(&owner, "/w/acme/search?q=export&kind=bogus")
            .await
            .expect(200);
        assert!(r.text.contains("role=\"alert\""));
        let long = "x".repeat(10_000);
        app.page(&owner, &format!("/w/acme/search?q={long}"))
            .await
            .expect(200);
        for q in ["%22%27*-:()", "%3Cscript%3E", "%00", "+"] {
            app.page(&owner, &format!("/w/acme/search?q={q}"))
                .await
                .expect(200);
        }
        let r = app.page(&owner, "/w/acme/search").await.expect(200);
        assert!(kinds(&r.text).is_empty());
        let r = app
            .page(&owner, "/w/acme/search?q=%3Cb%3Ezzz")
            .await
            .expect(200);
        assert!(!r.text.contains("<b>zzz"));

        // Outsiders get a 404; signed-out visitors sign in first.
        let out = app.sign_in("out@example.com").await;
        app.page(&out, "/w/acme/search?q=export").await.expect(404);
        let r = app
            .send(
                Request::get("/w/acme/search?q=export")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .expect(303);
        assert!(r.header("location").unwrap().starts_with("/login?next="));
        app.finish().await;
    }
}

#[tokio::test]
async fn feedback_link_goes_to_its_inbox() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.user(&admin, "guest@example.com").await;
        app.add_member(&admin, "acme", "guest@example.com", "guest")
            .await;
        let outsider = app.user(&admin, "out@example.com").await;
        app.workspace(&outsider, "other").await;
        let id = app
            .post(
                &format!("{WS}/feedback"),
                &admin,
                json!({"product": "KEEL", "text": "Dark mode please", "source": "support"}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();
        let theirs = app
            .post(
                "/api/v1/workspaces/other/feedback",
                &outsider,
                json!({"product": "KEEL", "text": "Theirs", "source": "support"}),
            )
            .await
            .expect(201)
            .body["id"]
            .as_str()
            .unwrap()
            .to_string();

        let owner = app.sign_in("admin@example.com").await;
        let r = app
            .page(&owner, &format!("/w/acme/feedback/{id}"))
            .await
            .expect(303);
        assert_eq!(
            r.header("location").unwrap(),
            format!("/w/acme/p/KEEL/feedback?status=all&item={id}")
        );
        app.page(&owner, &format!("/w/acme/feedback/{theirs}"))
            .await
            .expect(404);
        app.page(&owner, "/w/acme/feedback/nope").await.expect(404);
        let guest = app.sign_in("guest@example.com").await;
        app.page(&guest, &format!("/w/acme/feedback/{id}"))
            .await
            .expect(403);
        app.finish().await;
    }
}

#[tokio::test]
async fn import_page_for_those_who_may_import() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        for (email, role) in [
            ("viewer@example.com", "viewer"),
            ("guest@example.com", "guest"),
        ] {
            app.user(&admin, email).await;
            app.add_member(&admin, "acme", email, role).await;
        }
        let owner = app.sign_in("admin@example.com").await;
        let r = app
            .page(&owner, "/w/acme/p/KEEL/feedback/import")
            .await
            .expect(200);
        assert!(r.text.contains("data-feedback-import"));
        assert!(r.text.contains("type=\"file\""));
        assert!(r.text.contains("href=\"/w/acme/p/KEEL/feedback\""));
        // The inbox links to it for those who may import.
        let inbox = app
            .page(&owner, "/w/acme/p/KEEL/feedback")
            .await
            .expect(200);
        assert!(
            inbox
                .text
                .contains("href=\"/w/acme/p/KEEL/feedback/import\"")
        );
        app.page(&owner, "/w/acme/p/NOPE/feedback/import")
            .await
            .expect(404);

        for email in ["viewer@example.com", "guest@example.com"] {
            let cookie = app.sign_in(email).await;
            app.page(&cookie, "/w/acme/p/KEEL/feedback/import")
                .await
                .expect(403);
            let inbox = app
                .page(&cookie, "/w/acme/p/KEEL/feedback")
                .await
                .expect(200);
            assert!(!inbox.text.contains("/feedback/import"), "{email}");
        }
        let r = app
            .send(
                Request::get("/w/acme/p/KEEL/feedback/import")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .expect(303);
        assert!(r.header("location").unwrap().starts_with("/login?next="));
        app.finish().await;
    }
}
