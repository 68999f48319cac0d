//! The stakeholder update page on every configured backend: the digest of
//! a chosen period in an editable text box and as generated HTML, hostile
//! text escaped, a bad date named on the page, and guests kept out.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";

#[tokio::test]
async fn the_update_page_shows_the_period_digest() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.post(
            &format!("{WS}/decisions"),
            &admin,
            json!({"product": "KEEL", "title": "No <script>x</script> plugins", "outcome": "declined",
                   "rationale": "Focus", "date": "2026-01-10"}),
        )
        .await
        .expect(201);
        app.post(
            &format!("{WS}/decisions"),
            &admin,
            json!({"product": "KEEL", "title": "Older call", "outcome": "accepted", "date": "2025-12-01"}),
        )
        .await
        .expect(201);
        let owner = app.sign_in("admin@example.com").await;

        let page = app
            .page(
                &owner,
                "/w/acme/p/KEEL/update?since=2026-01-01&until=2026-01-31",
            )
            .await
            .expect(200);
        assert!(
            page.text.contains("update, 2026-01-01 to 2026-01-31"),
            "{}",
            page.text
        );
        assert!(page.text.contains("data-update-markdown"));
        assert!(page.text.contains("value=\"2026-01-01\""));
        assert!(!page.text.contains("<script>x"), "hostile text is escaped");
        assert!(page.text.contains("plugins"));
        assert!(!page.text.contains("Older call"), "outside the period");
        assert!(page.text.contains("aria-current=\"page\">Update"));

        let bad = app
            .page(&owner, "/w/acme/p/KEEL/update?since=2026-13-01")
            .await
            .expect(200);
        assert!(bad.text.contains("role=\"alert\""));
        assert!(bad.text.contains("since:"));
        assert!(!bad.text.contains("data-update-markdown"));

        app.user(&admin, "gus@example.com").await;
        app.add_member(&admin, "acme", "gus@example.com", "guest")
            .await;
        let guest = app.sign_in("gus@example.com").await;
        app.page(&guest, "/w/acme/p/KEEL/update").await.expect(403);
        app.page(&owner, "/w/acme/p/NOPE/update").await.expect(404);
        app.finish().await;
    }
}
