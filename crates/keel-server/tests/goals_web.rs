//! Goal pages over HTTP, on every configured backend: the product's goals
//! with key results, progress and health; a goal's page with the chart
//! drawn on the server (check-ins, ideal line, dashed forecast), its
//! SMART gaps with why each matters, forms for members only, user text
//! escaped, and no goal of another workspace.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";

#[tokio::test]
async fn goal_pages_show_progress_health_chart_and_smart_gaps() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.user(&admin, "vera@example.com").await;
        app.add_member(&admin, "acme", "vera@example.com", "viewer")
            .await;
        let other = app.user(&admin, "olga@example.com").await;
        app.workspace(&other, "elsewhere").await;

        let objective = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Happier <customers>"}),
            )
            .await
            .expect(201)
            .body;
        let oid = objective["id"].as_str().unwrap().to_string();
        // A deadline long past: the whole time has elapsed, so 30 of 100
        // is off track whatever day the test runs.
        let kr = app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Raise NPS", "metric": "NPS",
                       "baseline": 0, "target": 100, "deadline": "2020-01-21",
                       "owner": "admin@example.com", "parent": oid}),
            )
            .await
            .expect(201)
            .body;
        let kid = kr["id"].as_str().unwrap().to_string();
        for (date, value) in [("2020-01-02", 10.0), ("2020-01-06", 30.0)] {
            app.post(
                &format!("{WS}/goals/{kid}/checkins"),
                &admin,
                json!({"value": value, "date": date, "note": "<b>moved</b>"}),
            )
            .await
            .expect(201);
        }
        let other_goal = app
            .post(
                "/api/v1/workspaces/elsewhere/goals",
                &other,
                json!({"product": "KEEL", "title": "Secret"}),
            )
            .await
            .expect(201)
            .body;

        let owner = app.sign_in("admin@example.com").await;
        let list = app.page(&owner, "/w/acme/p/KEEL/goals").await.expect(200);
        for needle in [
            "data-new-goal-form",
            "data-new-kr-form",
            "Raise NPS",
            "health-off_track",
            "value=\"30\"",
            "not SMART",
            "/w/acme/p/KEEL/goals\" aria-current=\"page\"",
        ] {
            assert!(list.text.contains(needle), "{needle}");
        }
        assert!(
            list.text.contains("Happier &lt;customers&gt;")
                || list.text.contains("Happier &#60;customers&#62;")
        );
        assert!(!list.text.contains("<customers>"));

        let page = app
            .page(&owner, &format!("/w/acme/goals/{kid}"))
            .await
            .expect(200);
        for needle in [
            "class=\"goal-chart goal-chart-wide\"",
            "class=\"actual\"",
            "class=\"ideal\"",
            "class=\"forecast\"",
            "stroke-dasharray=\"6 5\"",
            "data-checkin-form",
            "off track",
            "data-progress>30%",
            "This goal is SMART",
        ] {
            assert!(page.text.contains(needle), "{needle}");
        }
        assert_eq!(page.text.matches("class=\"actual-dot\"").count(), 2 * 2);
        assert!(!page.text.contains("<b>moved</b>"), "notes are escaped");
        // The forecast: 5 a day from 10 on Jan 2 gives 105 on Jan 21.
        assert!(page.text.contains("data-forecast>105<"), "forecast shown");

        // The objective lacks every SMART part: each named with its reason.
        let opage = app
            .page(&owner, &format!("/w/acme/goals/{oid}"))
            .await
            .expect(200);
        for field in ["metric", "target", "deadline", "owner", "baseline"] {
            assert!(
                opage.text.contains(&format!("data-missing=\"{field}\"")),
                "{field}"
            );
        }
        assert!(
            opage
                .text
                .contains("without a deadline progress cannot be judged")
        );
        assert!(opage.text.contains("Nothing to draw yet"));
        assert!(
            opage.text.contains(&format!("/w/acme/goals/{kid}")),
            "its key results"
        );

        // A viewer reads everything, without forms.
        let viewer = app.sign_in("vera@example.com").await;
        let list = app.page(&viewer, "/w/acme/p/KEEL/goals").await.expect(200);
        assert!(list.text.contains("Raise NPS"));
        assert!(!list.text.contains("data-new-goal-form"));
        assert!(!list.text.contains("data-new-kr-form"));
        let page = app
            .page(&viewer, &format!("/w/acme/goals/{kid}"))
            .await
            .expect(200);
        assert!(page.text.contains("goal-chart-wide"));
        assert!(!page.text.contains("data-checkin-form"));
        assert!(!page.text.contains("data-delete-goal"));

        // Nothing crosses workspaces.
        let secret = other_goal["id"].as_str().unwrap();
        app.page(&owner, &format!("/w/acme/goals/{secret}"))
            .await
            .expect(404);
        app.page(&owner, "/w/acme/goals/nope").await.expect(404);
        app.finish().await;
    }
}
