//! Journey map and persona pages over HTTP, on every configured backend:
//! who sees which page and which controls, the create form (CSRF, 422
//! with the form again, 303 to the editor), and user text escaped in the
//! HTML and in the server-drawn SVG.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use keel_testkit::{Response, TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";

/// Signs `email` in; returns the session cookie and the page's CSRF token.
async fn session(app: &TestApp, email: &str) -> (String, String) {
    let form = format!(
        "email={}&password=correct+horse+battery&next=%2F",
        email.replace('@', "%40")
    );
    let r = app
        .send(
            Request::post("/login")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form))
                .unwrap(),
        )
        .await
        .expect(303);
    let cookie = r
        .header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = get(app, &cookie, "/w/acme/my-day").await;
    let csrf = page
        .text
        .split("name=\"csrf-token\" content=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or_default()
        .to_string();
    (cookie, enc(&csrf))
}

/// Percent-encodes a form value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Response {
    app.send(
        Request::get(path)
            .header("cookie", cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

async fn post_form(app: &TestApp, cookie: &str, path: &str, form: &str) -> Response {
    app.send(
        Request::post(path)
            .header("cookie", cookie)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(form.to_string()))
            .unwrap(),
    )
    .await
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
        post_form(&app, &owner, list, "csrf=wrong&title=X")
            .await
            .expect(403);
        let bad = post_form(&app, &owner, list, &format!("csrf={csrf}&title=+&persona="))
            .await
            .expect(422);
        assert!(
            bad.text.contains("title: must not be empty"),
            "{}",
            bad.text
        );
        let made = post_form(
            &app,
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
        let page = get(&app, &owner, &editor).await.expect(200);
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
        let listed = get(&app, &owner, list).await.expect(200);
        assert!(listed.text.contains("Onboarding") && listed.text.contains("1 stage"));

        // A viewer reads the map without controls and reads personas; a
        // guest reads the map but not personas (they list customers).
        let (viewer, _) = session(&app, "vera@example.com").await;
        let (guest, _) = session(&app, "gus@example.com").await;
        for who in [&viewer, &guest] {
            let page = get(&app, who, &editor).await.expect(200);
            assert!(!page.text.contains("data-cell-text"));
            assert!(!page.text.contains("data-add-stage"));
            assert!(page.text.contains("emotion-curve-wide"));
            assert!(page.text.contains("\u{2212}2 very negative"));
            let listed = get(&app, who, list).await.expect(200);
            assert!(!listed.text.contains("New journey map"));
        }
        let guest_page = get(&app, &guest, &editor).await;
        assert!(
            !guest_page.text.contains("/w/acme/personas/"),
            "no link to a page guests may not open"
        );
        get(&app, &viewer, "/w/acme/personas").await.expect(200);
        get(&app, &guest, "/w/acme/personas").await.expect(403);
        let personas = get(&app, &owner, "/w/acme/personas").await.expect(200);
        assert!(personas.text.contains("data-new-persona"));
        let persona_id = personas
            .text
            .split("/w/acme/personas/")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap()
            .to_string();
        let persona = get(&app, &viewer, &format!("/w/acme/personas/{persona_id}"))
            .await
            .expect(200);
        assert!(persona.text.contains("Onboarding"), "its maps are listed");
        assert!(!persona.text.contains("data-persona-form"));
        get(&app, &guest, &format!("/w/acme/personas/{persona_id}"))
            .await
            .expect(403);

        // Someone outside the workspace finds nothing.
        let (outsider, _) = session(&app, "olga@example.com").await;
        get(&app, &outsider, &editor).await.expect(404);
        get(&app, &owner, "/w/acme/journeys/nope").await.expect(404);
        app.finish().await;
    }
}
