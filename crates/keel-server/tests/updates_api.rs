//! The stakeholder update through the HTTP API, on every configured
//! backend: the exact digest of a product for a period (goals, what
//! shipped with how many customers asked, now/next, decisions in the
//! period) with no engineering field in it; the period filter; field
//! errors for bad input; guests refused; no data from another workspace.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

async fn feature(app: &TestApp, token: &str, ws: &str, title: &str, kind: &str) -> String {
    let f = app
        .post(
            &format!("/api/v1/workspaces/{ws}/features"),
            token,
            json!({"product": "KEEL", "title": title, "type": kind,
                   "problem": "ENGINEERING ONLY problem"}),
        )
        .await
        .expect(201)
        .body;
    s(&f["id"])
}

/// Feedback from a new customer `name` linked to `feature`.
async fn asks(app: &TestApp, token: &str, name: &str, feature: &str) {
    let c = app
        .post(
            &format!("{WS}/customers"),
            token,
            json!({"name": name, "email": format!("{name}@example.com")}),
        )
        .await
        .expect(201)
        .body;
    let fb = app
        .post(
            &format!("{WS}/feedback"),
            token,
            json!({"product": "KEEL", "text": "please", "source": "email", "customer": c["id"]}),
        )
        .await
        .expect(201)
        .body;
    app.post(
        &format!("{WS}/feedback/{}/links", s(&fb["id"])),
        token,
        json!({"feature": feature, "importance": "important"}),
    )
    .await
    .expect(201);
}

#[tokio::test]
async fn the_digest_of_a_period() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        app.post(
            &format!("{WS}/goals"),
            &admin,
            json!({"product": "KEEL", "title": "Happier customers"}),
        )
        .await
        .expect(201);

        let export = feature(
            &app,
            &admin,
            "acme",
            "CSV export v2 (streaming)",
            "new_capability",
        )
        .await;
        let debt = feature(&app, &admin, "acme", "Bump sqlx", "tech_debt").await;
        app.call_with(
            "PUT",
            &format!("{WS}/features/{export}/customer-summary"),
            Some(&admin),
            Some(json!({"customer_summary": "Export your board to a CSV file."})),
            &[("if-match", "\"1\"")],
        )
        .await
        .expect(200);
        asks(&app, &admin, "ada", &export).await;
        asks(&app, &admin, "bob", &export).await;
        let r = app
            .post(
                &format!("{WS}/releases"),
                &admin,
                json!({"product": "KEEL", "version": "1.4.0", "features": [export, debt]}),
            )
            .await
            .expect(201);
        let shipped = app
            .post(
                &format!("{WS}/releases/{}/ship", s(&r.body["id"])),
                &admin,
                json!({}),
            )
            .await
            .expect(200)
            .body;
        let today = s(&shipped["shipped_at"])[..10].to_string();

        let sso = feature(&app, &admin, "acme", "SSO via SAML v2", "new_capability").await;
        let mobile = feature(&app, &admin, "acme", "Mobile app", "new_capability").await;
        let moon = feature(&app, &admin, "acme", "Moon base", "new_capability").await;
        let rm = app
            .post(
                &format!("{WS}/roadmaps"),
                &admin,
                json!({"product": "KEEL", "name": "2027"}),
            )
            .await
            .expect(201)
            .body;
        for (f, lane, public) in [
            (&sso, "now", "Single sign-on"),
            (&mobile, "next", ""),
            (&moon, "later", ""),
        ] {
            app.post(
                &format!("{WS}/roadmaps/{}/items", s(&rm["id"])),
                &admin,
                json!({"feature": f, "lane": lane, "public_title": public}),
            )
            .await
            .expect(201);
        }
        for (title, date) in [
            ("Drop IE support", today.as_str()),
            ("Old call", "2020-01-01"),
        ] {
            app.post(
                &format!("{WS}/decisions"),
                &admin,
                json!({"product": "KEEL", "title": title, "outcome": "accepted",
                       "rationale": "Under 1% of use", "date": date}),
            )
            .await
            .expect(201);
        }

        let got = app
            .get(&format!("{WS}/updates?product=KEEL&until={today}"), &admin)
            .await
            .expect(200)
            .body;
        let since = s(&got["since"]);
        assert_eq!(got["product"], "KEEL");
        assert_eq!(got["until"], today.as_str());
        assert!(since < today, "defaults to 14 days before until");
        let expected = format!(
            "# Keel update, {since} to {today}\n\n## Goals\n\n- Happier customers: 0% (not started)\n\n\
             ## Shipped\n\n### 1.4.0, released {today}\n\n\
             - Export your board to a CSV file. (asked for by 2 customers)\n\n\
             ## Coming next\n\n### Now\n\n- Single sign-on\n\n### Next\n\n- Mobile app\n\n\
             ## Decisions\n\n- Drop IE support: accepted — why: Under 1% of use\n"
        );
        assert_eq!(s(&got["markdown"]), expected);
        let html = s(&got["html"]);
        assert!(html.contains("<li>Single sign-on</li>"), "{html}");
        for leak in ["ENGINEERING", "SAML", "sqlx", "Moon", "Old call", "KEEL-"] {
            assert!(!got["markdown"].as_str().unwrap().contains(leak), "{leak}");
            assert!(!html.contains(leak), "{leak}");
        }

        // format picks one rendering.
        let only_md = app
            .get(
                &format!("{WS}/updates?product=KEEL&format=markdown"),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(only_md["html"], "");
        assert!(s(&only_md["markdown"]).starts_with("# Keel update"));

        // A period before anything happened says so in every section.
        let old = app
            .get(
                &format!("{WS}/updates?product=KEEL&since=2019-12-01&until=2019-12-31"),
                &admin,
            )
            .await
            .expect(200)
            .body;
        let md = s(&old["markdown"]);
        assert!(
            md.contains("## Shipped\n\nNothing shipped in this period.\n"),
            "{md}"
        );
        assert!(
            md.contains("## Decisions\n\nNo decisions recorded in this period.\n"),
            "{md}"
        );
        assert!(!md.contains("Drop IE"));
    }
}

#[tokio::test]
async fn bad_input_roles_and_workspaces() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.workspace(&admin, "other").await;
        let viewer = app.user(&admin, "viewer@example.com").await;
        app.add_member(&admin, "acme", "viewer@example.com", "viewer")
            .await;
        let guest = app.user(&admin, "guest@example.com").await;
        app.add_member(&admin, "acme", "guest@example.com", "guest")
            .await;

        for (query, field) in [
            ("", "product"),
            ("product=NOPE", "product"),
            ("product=KEEL&since=2026-13-01", "since"),
            ("product=KEEL&until=yesterday", "until"),
            ("product=KEEL&since=2026-02-01&until=2026-01-01", "since"),
            ("product=KEEL&format=pdf", "format"),
        ] {
            let r = app
                .get(&format!("{WS}/updates?{query}"), &admin)
                .await
                .expect(422);
            assert_eq!(r.error_fields(), vec![field.to_string()], "{query}");
        }

        // Viewers read it; guests may be customers and do not.
        app.get(&format!("{WS}/updates?product=KEEL"), &viewer)
            .await
            .expect(200);
        app.get(&format!("{WS}/updates?product=KEEL"), &guest)
            .await
            .expect(403);

        // Another workspace's decisions never show up.
        app.post(
            "/api/v1/workspaces/other/decisions",
            &admin,
            json!({"product": "KEEL", "title": "Secret of other", "outcome": "accepted",
                   "date": "2026-01-10"}),
        )
        .await
        .expect(201);
        let got = app
            .get(
                &format!("{WS}/updates?product=KEEL&since=2026-01-01&until=2026-01-31"),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert!(!s(&got["markdown"]).contains("Secret"));
    }
}
