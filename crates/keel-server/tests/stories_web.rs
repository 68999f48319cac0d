//! The task page's "Why" section and the feature page's stories section,
//! over HTTP on every backend: a task made from a story shows the story,
//! a link to its feature, the feature's goals and the customers who asked
//! (escaped: a `<script>` in a story stays text); guests see the chain
//! without customers; a plain task has no Why section; the feature page
//! carries the stories section and its form only for writers.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";
const HOSTILE: &str = "<script>alert(1)</script>";

fn s(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

#[tokio::test]
async fn the_task_page_shows_why_and_the_feature_page_its_stories() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        app.user(&admin, "guest@example.com").await;
        app.add_member(&admin, "acme", "guest@example.com", "guest")
            .await;
        let ws_id =
            s(&app.get("/api/v1/workspaces", &admin).await.expect(200).body["items"][0]["id"]);
        let feature = s(&app
            .post(
                &format!("{WS}/features"),
                &admin,
                json!({"product": "KEEL", "title": "Invoice export"}),
            )
            .await
            .expect(201)
            .body["id"]);
        let goal = s(&app
            .post(
                &format!("{WS}/goals"),
                &admin,
                json!({"product": "KEEL", "title": "Close books in a day"}),
            )
            .await
            .expect(201)
            .body["id"]);
        {
            let mut tx = app.db.store.begin().await.unwrap();
            keel_store::repo::feature_goals::set_for_feature(
                &mut tx,
                &ws_id,
                &feature,
                std::slice::from_ref(&goal),
                "2026-01-01T00:00:00Z",
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        let carla = s(&app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "Carla Count"}),
            )
            .await
            .expect(201)
            .body["id"]);
        let fb = app
            .post(
                &format!("{WS}/feedback"),
                &admin,
                json!({"product": "KEEL", "text": "CSV please", "source": "email", "customer": carla}),
            )
            .await
            .expect(201)
            .body;
        app.post(
            &format!("{WS}/feedback/{}/links", s(&fb["id"])),
            &admin,
            json!({"feature": feature, "importance": "critical"}),
        )
        .await
        .expect(201);
        let story = app
            .post(
                &format!("{WS}/stories"),
                &admin,
                json!({"feature": feature, "as_a": "accountant", "i_want": HOSTILE,
                       "acceptance_criteria": [{"given": "g", "when": "w", "then": "t"}]}),
            )
            .await
            .expect(201)
            .body;
        let made = app
            .post(
                &format!("{WS}/stories/{}/breakdown", s(&story["id"])),
                &admin,
                json!({}),
            )
            .await
            .expect(200)
            .body;
        let key = s(&made["created"][0]["key"]);

        let cookie = app.sign_in("admin@example.com").await;
        let html = app
            .page(&cookie, &format!("/w/acme/t/{key}"))
            .await
            .expect(200)
            .text;
        assert!(html.contains("data-task-why"), "the Why section is there");
        assert!(!html.contains(HOSTILE), "story text is escaped");
        assert!(html.contains("As a accountant, I want &#60;script&#62;alert(1)&#60;/script&#62;"));
        assert!(html.contains(&format!("href=\"/w/acme/features/{feature}\"")));
        assert!(html.contains("Close books in a day"));
        assert!(html.contains(&format!("href=\"/w/acme/customers/{carla}\"")));
        assert!(html.contains("Carla Count"));

        // Guests see the chain, not the customers.
        let guest = app.sign_in("guest@example.com").await;
        let html = app
            .page(&guest, &format!("/w/acme/t/{key}"))
            .await
            .expect(200)
            .text;
        assert!(html.contains("data-task-why"));
        assert!(html.contains("Close books in a day"));
        assert!(!html.contains("Carla Count"));

        // A task with no story and no feature has no Why section.
        let plain = app
            .post(
                &format!("{WS}/tasks"),
                &admin,
                json!({"product": "KEEL", "title": "Plain"}),
            )
            .await
            .expect(201)
            .body;
        let html = app
            .page(&cookie, &format!("/w/acme/t/{}", s(&plain["key"])))
            .await
            .expect(200)
            .text;
        assert!(!html.contains("data-task-why"));

        // The feature page carries the stories section; only writers get
        // the form.
        let html = app
            .page(&cookie, &format!("/w/acme/features/{feature}"))
            .await
            .expect(200)
            .text;
        assert!(html.contains(&format!("data-stories=\"{feature}\"")));
        assert!(html.contains("data-story-form"));
        let html = app
            .page(&guest, &format!("/w/acme/features/{feature}"))
            .await
            .expect(200)
            .text;
        assert!(html.contains(&format!("data-stories=\"{feature}\"")));
        assert!(!html.contains("data-story-form"));
    }
}
