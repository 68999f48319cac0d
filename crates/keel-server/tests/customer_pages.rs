//! The customer and company pages over HTTP, on every backend: who sees
//! them (every role but guest; outsiders get a 404), who gets the edit
//! controls (roles that may write), what a customer's page shows (what
//! they said, what shipped for them, their data download), that user text
//! stays text, and that one workspace's people cannot be reached through
//! another's address.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";
const HOSTILE: &str = "<script>alert(1)</script>";

#[tokio::test]
async fn customer_pages_by_role() {
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
        let outsider = app.user(&admin, "out@example.com").await;
        app.workspace(&outsider, "other").await;

        let company = app
            .post(
                &format!("{WS}/companies"),
                &admin,
                json!({"name": "Initech", "segment": "enterprise", "plan": "Gold", "arr": 250000}),
            )
            .await
            .expect(201)
            .body;
        let customer = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": format!("Peter {HOSTILE}"), "email": "peter@initech.test",
                    "company": "Initech", "attributes": {"note": HOSTILE}}),
            )
            .await
            .expect(201)
            .body;
        let said = app
            .post(
                &format!("{WS}/feedback"),
                &admin,
                json!({"product": "KEEL", "text": "We need SSO", "source": "sales_call",
                    "customer": "peter@initech.test"}),
            )
            .await
            .expect(201)
            .body;
        let feature = app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Single sign-on"}),
            )
            .await
            .expect(201)
            .body;
        app.post(
            &format!("{WS}/feedback/{}/links", said["id"].as_str().unwrap()),
            &admin,
            json!({"feature": feature["id"], "importance": "critical"}),
        )
        .await
        .expect(201);
        app.patch(
            &format!("{WS}/features/{}", feature["id"].as_str().unwrap()),
            &admin,
            json!({"status": "shipped"}),
        )
        .await
        .expect(200);
        // Someone in another workspace, to reach through acme's address.
        let elsewhere = app
            .post(
                "/api/v1/workspaces/other/customers",
                &outsider,
                json!({"name": "Elsewhere"}),
            )
            .await
            .expect(201)
            .body;

        let customer_page = format!("/w/acme/customers/{}", customer["id"].as_str().unwrap());
        let company_page = format!("/w/acme/companies/{}", company["id"].as_str().unwrap());
        let pages = [
            "/w/acme/customers",
            "/w/acme/companies",
            customer_page.as_str(),
            company_page.as_str(),
        ];

        // The owner: everything, with the controls.
        let owner = app.sign_in("admin@example.com").await;
        let list = app.page(&owner, "/w/acme/customers").await.expect(200);
        assert!(list.text.contains("data-new-customer"));
        let escaped = list.text.split("Peter ").nth(1).unwrap_or_default();
        assert!(
            escaped.starts_with("&#60;script&#62;"),
            "escaped: {escaped:.40}"
        );
        assert!(!list.text.contains(HOSTILE), "user text is never markup");
        let one = app.page(&owner, &customer_page).await.expect(200);
        for needle in [
            "data-customer-form",
            "data-delete-customer",
            "data-delete-dialog",
            "We need SSO",
            "Shipped for them",
            "Initech (ARR 250k)",
            "note=&#60;script&#62;",
        ] {
            assert!(one.text.contains(needle), "{needle} missing");
        }
        assert!(!one.text.contains(HOSTILE));
        // The inbox link: `&` is escaped in the attribute, as it should be.
        assert!(one.text.contains(&format!(
            "/w/acme/p/KEEL/feedback?status=all&#38;item={}",
            said["id"].as_str().unwrap()
        )));
        assert!(one.text.contains(&format!(
            "/api/v1/workspaces/acme/customers/{}/export",
            customer["id"].as_str().unwrap()
        )));
        let co = app.page(&owner, &company_page).await.expect(200);
        assert!(co.text.contains("data-company-form"));
        assert!(co.text.contains("Single sign-on"));
        assert!(co.text.contains("demand 3 in all"));
        // Filters: by company (an unknown one is ignored) and segment.
        let filtered = app
            .page(
                &owner,
                &format!(
                    "/w/acme/customers?company={}",
                    company["id"].as_str().unwrap()
                ),
            )
            .await
            .expect(200);
        assert!(filtered.text.contains("Peter &#60;script&#62;"));
        let other_segment = app
            .page(&owner, "/w/acme/customers?segment=smb")
            .await
            .expect(200);
        assert!(!other_segment.text.contains("Peter &#60;script&#62;"));
        app.page(&owner, "/w/acme/customers?company=nope")
            .await
            .expect(200);
        // No way into another workspace's people, nor to made-up ones.
        app.page(
            &owner,
            &format!("/w/acme/customers/{}", elsewhere["id"].as_str().unwrap()),
        )
        .await
        .expect(404);
        app.page(&owner, "/w/acme/companies/nope").await.expect(404);

        // A viewer reads, without the controls.
        let viewer = app.sign_in("viewer@example.com").await;
        for path in pages {
            let r = app.page(&viewer, path).await.expect(200);
            for control in [
                "data-new-customer",
                "data-new-company",
                "data-customer-form",
                "data-company-form",
                "data-delete-customer",
            ] {
                assert!(
                    !r.text.contains(control),
                    "{control} shown to a viewer on {path}"
                );
            }
            assert!(r.text.contains("href=\"/w/acme/customers\""), "nav link");
        }

        // A guest sees none of it, not even the links.
        let guest = app.sign_in("guest@example.com").await;
        for path in pages {
            let r = app.page(&guest, path).await.expect(403);
            assert!(!r.text.contains("Peter"), "{path}");
        }
        let home = app.page(&guest, "/w/acme/my-day").await.expect(200);
        assert!(!home.text.contains("/w/acme/customers"));
        assert!(!home.text.contains("/w/acme/companies"));

        // Outsiders do not learn the workspace exists.
        let out = app.sign_in("out@example.com").await;
        for path in pages {
            app.page(&out, path).await.expect(404);
        }
        app.finish().await;
    }
}
