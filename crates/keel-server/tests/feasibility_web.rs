//! Feasibility on the web, on every configured backend: the feature page
//! shows risk, cost, "Depends on" (flagging what has not shipped while the
//! feature is planned) and "Blocks"; its plain forms set the risk and add
//! or remove a dependency with the CSRF token, a cycle refused with 422
//! and nothing written; viewers get no forms; the tech-debt view lists
//! tech-debt items high risk first with cost and linked tasks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";

/// Whether `html` has `text` (written with `&lt;`/`&gt;`) escaped either
/// way askama may escape it.
fn escaped(html: &str, text: &str) -> bool {
    html.contains(text) || html.contains(&text.replace("&lt;", "&#60;").replace("&gt;", "&#62;"))
}

#[tokio::test]
async fn feature_page_shows_and_edits_risk_and_dependencies() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.user(&admin, "vera@example.com").await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;

        let post = |title: &str, extra: serde_json::Value| {
            let mut body = json!({"product": "KEEL", "title": title});
            for (k, v) in extra.as_object().unwrap() {
                body[k] = v.clone();
            }
            body
        };
        let base = app
            .post(
                &format!("{WS}/features"),
                &admin,
                post("Search <index>", json!({"status": "planned"})),
            )
            .await
            .expect(201)
            .body;
        let base_id = base["id"].as_str().unwrap().to_string();
        let top = app
            .post(
                &format!("{WS}/features"),
                &admin,
                post(
                    "Saved searches",
                    json!({"status": "in_progress", "risk": "high",
                           "risk_note": "<b>new</b> infra", "depends_on": [base_id],
                           "type": "tech_debt", "effort": 4}),
                ),
            )
            .await
            .expect(201)
            .body;
        let top_id = top["id"].as_str().unwrap().to_string();
        let spare = app
            .post(&format!("{WS}/features"), &admin, post("Spare", json!({})))
            .await
            .expect(201)
            .body;
        let spare_id = spare["id"].as_str().unwrap().to_string();

        let owner = app.sign_in("admin@example.com").await;
        let page = app
            .page(&owner, &format!("/w/acme/features/{top_id}"))
            .await
            .expect(200);
        for needle in [
            "data-feasibility",
            "risk-high",
            "4 of 10 (effort rating)",
            "the effort on this feature",
            "data-held-back",
            "not shipped yet",
            "data-risk-form",
            "data-dep-form",
            &format!("value=\"{spare_id}\""),
            "/w/acme/p/KEEL/tech-debt",
        ] {
            assert!(page.text.contains(needle), "{needle}");
        }
        assert!(escaped(&page.text, "&lt;b&gt;new&lt;/b&gt; infra"));
        assert!(escaped(&page.text, "Search &lt;index&gt;"));
        assert!(!page.text.contains("<b>new</b>"));
        // Blocks on the other end.
        let base_page = app
            .page(&owner, &format!("/w/acme/features/{base_id}"))
            .await
            .expect(200);
        let blocks = base_page.text.split("data-blocks").nth(1).unwrap();
        assert!(blocks.contains("Saved searches"));

        // Forms: risk set, dependency added then removed.
        let csrf = app.form_csrf(&owner).await;
        let r = app
            .post_form(
                &owner,
                &format!("/w/acme/features/{spare_id}/risk"),
                &format!("csrf={csrf}&risk=medium&risk_note=legacy+code"),
            )
            .await
            .expect(303);
        assert!(r.header("location").unwrap().contains(&spare_id));
        let got = app
            .get(&format!("{WS}/features/{spare_id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(
            (&got["risk"], &got["risk_note"]),
            (&json!("medium"), &json!("legacy code"))
        );
        app.post_form(
            &owner,
            &format!("/w/acme/features/{spare_id}/dependencies"),
            &format!("csrf={csrf}&add={top_id}"),
        )
        .await
        .expect(303);
        let spare_page = app
            .page(&owner, &format!("/w/acme/features/{spare_id}"))
            .await
            .expect(200);
        let deps = spare_page.text.split("data-depends-on").nth(1).unwrap();
        let deps = deps.split("data-blocks").next().unwrap();
        assert!(deps.contains("Saved searches"));

        // A cycle (base → spare → top → base) is refused on the page.
        let refused = app
            .post_form(
                &owner,
                &format!("/w/acme/features/{base_id}/dependencies"),
                &format!("csrf={csrf}&add={spare_id}"),
            )
            .await
            .expect(422);
        assert!(
            refused.text.contains("dependency cycle"),
            "{}",
            refused.text
        );
        let base_now = app
            .get(&format!("{WS}/features/{base_id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(base_now["depends_on"], json!([]));
        // A bad risk is refused too.
        app.post_form(
            &owner,
            &format!("/w/acme/features/{spare_id}/risk"),
            &format!("csrf={csrf}&risk=enormous"),
        )
        .await
        .expect(422);

        app.post_form(
            &owner,
            &format!("/w/acme/features/{spare_id}/dependencies"),
            &format!("csrf={csrf}&remove={top_id}"),
        )
        .await
        .expect(303);
        let got = app
            .get(&format!("{WS}/features/{spare_id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(got["depends_on"], json!([]));

        // Without the CSRF token: refused.
        app.post_form(
            &owner,
            &format!("/w/acme/features/{spare_id}/dependencies"),
            &format!("csrf=nope&add={top_id}"),
        )
        .await
        .expect(403);

        // A viewer sees risk and dependencies, no forms, and cannot post.
        let viewer = app.sign_in("vera@example.com").await;
        let seen = app
            .page(&viewer, &format!("/w/acme/features/{top_id}"))
            .await
            .expect(200);
        assert!(seen.text.contains("risk-high"));
        assert!(escaped(&seen.text, "Search &lt;index&gt;"));
        assert!(!seen.text.contains("data-dep-form"));
        assert!(!seen.text.contains("data-risk-form"));
        let vcsrf = app.form_csrf(&viewer).await;
        app.post_form(
            &viewer,
            &format!("/w/acme/features/{spare_id}/risk"),
            &format!("csrf={vcsrf}&risk=low"),
        )
        .await
        .expect(403);

        // The features list shows the risk; the tech-debt view lists the
        // tech-debt items with cost and risk.
        let list = app
            .page(&owner, "/w/acme/p/KEEL/features")
            .await
            .expect(200);
        assert!(list.text.contains("risk-high"));
        assert!(list.text.contains("data-tech-debt-link"));
        let only = app
            .page(&owner, "/w/acme/p/KEEL/features?type=tech_debt")
            .await
            .expect(200);
        assert!(only.text.contains("Saved searches"));
        assert!(!only.text.contains(">Spare<"));
        let task = app
            .post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": "Move the index", "feature": top_id}),
            )
            .await
            .expect(201)
            .body;
        let view = app
            .page(&owner, "/w/acme/p/KEEL/tech-debt")
            .await
            .expect(200);
        assert!(view.text.contains("Saved searches"));
        assert!(view.text.contains("4 of 10 (effort rating)"));
        assert!(view.text.contains(task["key"].as_str().unwrap()));
        assert!(!view.text.contains(">Spare<"));
        app.finish().await;
    }
}

/// People adding dependencies to one feature at the same moment each see
/// their dependency land: the form's one addition is not lost to another
/// form's write of the whole list.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dependencies_added_at_once_all_land() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let mut ids = Vec::new();
        for title in ["Target", "A", "B", "C", "D", "E", "F"] {
            let f = app
                .post(
                    &format!("{WS}/features"),
                    &admin,
                    json!({"product": "KEEL", "title": title}),
                )
                .await
                .expect(201)
                .body;
            ids.push(f["id"].as_str().unwrap().to_string());
        }
        let (target, wanted) = ids.split_first().unwrap();
        let owner = app.sign_in("admin@example.com").await;
        let csrf = app.form_csrf(&owner).await;
        let path = format!("/w/acme/features/{target}/dependencies");
        let forms: Vec<String> = wanted
            .iter()
            .map(|id| format!("csrf={csrf}&add={id}"))
            .collect();
        let adds = forms.iter().map(|form| app.post_form(&owner, &path, form));
        for r in futures_util::future::join_all(adds).await {
            r.expect(303);
        }
        let got = app
            .get(&format!("{WS}/features/{target}"), &admin)
            .await
            .expect(200)
            .body;
        let mut landed: Vec<String> = got["depends_on"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d.as_str().unwrap().to_string())
            .collect();
        landed.sort();
        let mut wanted = wanted.to_vec();
        wanted.sort();
        assert_eq!(
            landed, wanted,
            "{backend:?}: a dependency added at once was lost"
        );
        app.finish().await;
    }
}
