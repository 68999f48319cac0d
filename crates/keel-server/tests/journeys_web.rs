//! Journey map and persona pages over HTTP, on every configured backend:
//! who sees which page and which controls, the create form (CSRF, 422
//! with the form again, 303 to the editor), and user text escaped in the
//! HTML and in the server-drawn SVG.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";

/// Signs `email` in: the session cookie and its CSRF token for forms.
async fn session(app: &TestApp, email: &str) -> (String, String) {
    let cookie = app.sign_in(email).await;
    let csrf = app.form_csrf(&cookie).await;
    (cookie, csrf)
}

#[tokio::test]
async fn pages_show_what_each_role_may_do_and_escape_user_text() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        for (email, role) in [("vera@example.com", "viewer"), ("gus@example.com", "guest")] {
            app.user(&admin, email).await;
            app.add_member(&admin, "acme", email, role).await;
        }
        app.user(&admin, "olga@example.com").await;
        app.post(
            &format!("{WS}/personas"),
            &admin,
            json!({"name": "Ops <Olivia>", "goals": "- Sleep"}),
        )
        .await
        .expect(201);
        let (owner, csrf) = session(&app, "admin@example.com").await;

        // The create form: CSRF checked, a bad title answers 422 with the
        // form again, a good one goes to the editor.
        let list = "/w/acme/p/KEEL/journeys";
        app.post_form(&owner, list, "csrf=wrong&title=X")
            .await
            .expect(403);
        let bad = app
            .post_form(&owner, list, &format!("csrf={csrf}&title=+&persona="))
            .await
            .expect(422);
        assert!(
            bad.text.contains("title: must not be empty"),
            "{}",
            bad.text
        );
        let made = app
            .post_form(
                &owner,
                list,
                &format!("csrf={csrf}&title=Onboarding&persona=Ops+%3COlivia%3E"),
            )
            .await
            .expect(303);
        let editor = made.header("location").unwrap().to_string();
        let id = editor.rsplit('/').next().unwrap().to_string();
        assert_eq!(editor, format!("/w/acme/journeys/{id}"));
        app.post(
            &format!("{WS}/journeys/{id}/stages"),
            &admin,
            json!({"name": "<script>alert(1)</script>", "emotion": -2}),
        )
        .await
        .expect(201);

        // The owner sees the editor's controls; the curve is drawn.
        let page = app.page(&owner, &editor).await.expect(200);
        for needle in [
            "data-add-stage",
            "data-cell-text",
            "data-emotion=",
            "data-edit-map",
        ] {
            assert!(page.text.contains(needle), "{needle}");
        }
        assert!(
            page.text
                .contains("class=\"emotion-curve emotion-curve-wide\"")
        );
        assert!(page.text.contains("data-emotion=\"-2\""));
        assert!(page.text.contains("Journey of <a href=\"/w/acme/personas/"));
        assert!(
            page.text.contains("Ops &lt;Olivia&gt;") || page.text.contains("Ops &#60;Olivia&#62;")
        );
        assert!(
            !page.text.contains("<script>alert(1)</script>"),
            "escaped everywhere"
        );
        assert!(
            page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
                || page.text.contains("&#60;script&#62;")
        );
        let listed = app.page(&owner, list).await.expect(200);
        assert!(listed.text.contains("Onboarding") && listed.text.contains("1 stage"));

        // A viewer reads the map without controls and reads personas; a
        // guest reads the map but not personas (they list customers).
        let (viewer, _) = session(&app, "vera@example.com").await;
        let (guest, _) = session(&app, "gus@example.com").await;
        for who in [&viewer, &guest] {
            let page = app.page(who, &editor).await.expect(200);
            assert!(!page.text.contains("data-cell-text"));
            assert!(!page.text.contains("data-add-stage"));
            assert!(page.text.contains("emotion-curve-wide"));
            assert!(page.text.contains("\u{2212}2 very negative"));
            let listed = app.page(who, list).await.expect(200);
            assert!(!listed.text.contains("New journey map"));
        }
        let guest_page = app.page(&guest, &editor).await;
        assert!(
            !guest_page.text.contains("/w/acme/personas/"),
            "no link to a page guests may not open"
        );
        app.page(&viewer, "/w/acme/personas").await.expect(200);
        app.page(&guest, "/w/acme/personas").await.expect(403);
        let personas = app.page(&owner, "/w/acme/personas").await.expect(200);
        assert!(personas.text.contains("data-new-persona"));
        let persona_id = personas
            .text
            .split("/w/acme/personas/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let persona = app
            .page(&viewer, &format!("/w/acme/personas/{persona_id}"))
            .await
            .expect(200);
        assert!(persona.text.contains("Onboarding"), "its maps are listed");
        assert!(!persona.text.contains("data-persona-form"));
        app.page(&guest, &format!("/w/acme/personas/{persona_id}"))
            .await
            .expect(403);

        // Someone outside the workspace finds nothing.
        let (outsider, _) = session(&app, "olga@example.com").await;
        app.page(&outsider, &editor).await.expect(404);
        app.page(&owner, "/w/acme/journeys/nope").await.expect(404);
        app.finish().await;
    }
}
