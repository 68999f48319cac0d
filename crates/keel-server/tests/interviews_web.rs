//! Interview pages over HTTP, on every configured backend: guests get 403
//! (interviews are what customers said), viewers read without the forms,
//! outsiders get 404; the create form (CSRF, 422 with what was typed, 303
//! to the interview), saving answers (a stale version refused), "Turn into
//! feedback" with the inbox links, and user text escaped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use keel_testkit::{Response, TestApp, backends};
use serde_json::json;

const WS: &str = "/api/v1/workspaces/acme";

/// The page text with askama's numeric escapes spelled as named ones, so
/// assertions do not depend on which the engine picks.
fn named(mut r: Response) -> Response {
    r.text = r
        .text
        .replace("&#60;", "&lt;")
        .replace("&#62;", "&gt;")
        .replace("&#34;", "&quot;");
    r
}

/// Signs `email` in: the session cookie and its CSRF token for forms.
async fn session(app: &TestApp, email: &str) -> (String, String) {
    let cookie = app.sign_in(email).await;
    let csrf = app.form_csrf(&cookie).await;
    (cookie, csrf)
}

async fn get(app: &TestApp, cookie: &str, path: &str) -> Response {
    named(app.page(cookie, path).await)
}

async fn post_form(app: &TestApp, cookie: &str, path: &str, form: &str) -> Response {
    named(app.post_form(cookie, path, form).await)
}

#[tokio::test]
async fn interview_pages_by_role_forms_and_escaping() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        for (email, role) in [("vera@example.com", "viewer"), ("gus@example.com", "guest")] {
            app.user(&admin, email).await;
            app.add_member(&admin, "acme", email, role).await;
        }
        let outsider = app.user(&admin, "olga@example.com").await;
        app.workspace(&outsider, "other").await;
        let customer = app
            .post(
                &format!("{WS}/customers"),
                &admin,
                json!({"name": "Peter <b>Gibbons</b>"}),
            )
            .await
            .expect(201)
            .body;
        let cid = customer["id"].as_str().unwrap();
        let (owner, csrf) = session(&app, "admin@example.com").await;

        // The list offers the default guide's questions as text areas.
        let list = "/w/acme/p/KEEL/interviews";
        let page = get(&app, &owner, list).await.expect(200);
        assert!(page.text.contains("name=\"answer_5\""), "{}", page.text);
        assert!(page.text.contains("How do you solve it today?"));
        assert!(page.text.contains("Peter &lt;b&gt;Gibbons&lt;/b&gt;"));
        // The inbox links here.
        let inbox = get(&app, &owner, "/w/acme/p/KEEL/feedback")
            .await
            .expect(200);
        assert!(inbox.text.contains("href=\"/w/acme/p/KEEL/interviews\""));

        // CSRF, 422 with what was typed, then 303 to the interview.
        post_form(&app, &owner, list, "csrf=wrong&title=X")
            .await
            .expect(403);
        let bad = post_form(
            &app,
            &owner,
            list,
            &format!("csrf={csrf}&guide=discovery&title=+&held_on=2026-11-02&customer=&answer_2=%3Cscript%3Ekept%3C%2Fscript%3E&notes="),
        )
        .await
        .expect(422);
        assert!(
            bad.text.contains("title: must not be empty"),
            "{}",
            bad.text
        );
        assert!(bad.text.contains("&lt;script&gt;kept&lt;/script&gt;"));
        assert!(!bad.text.contains("<script>kept"));
        let made = post_form(
            &app,
            &owner,
            list,
            &format!("csrf={csrf}&guide=discovery&title=Call+%3Ci%3E1%3C%2Fi%3E&held_on=2026-11-02&customer={cid}&answer_2=A+spreadsheet+%3Cscript%3Ex%3C%2Fscript%3E&notes=n"),
        )
        .await
        .expect(303);
        let at = made.header("location").unwrap().to_string();
        assert!(at.starts_with("/w/acme/interviews/"), "{at}");
        let id = at.rsplit('/').next().unwrap().to_string();
        let one = get(&app, &owner, &at).await.expect(200);
        assert!(one.text.contains("Call &lt;i&gt;1&lt;/i&gt;"));
        assert!(
            one.text
                .contains("A spreadsheet &lt;script&gt;x&lt;/script&gt;")
        );
        assert!(!one.text.contains("<script>x"));

        // Saving: a stale version is refused with the current text shown.
        post_form(
            &app,
            &owner,
            &at,
            &format!("csrf={csrf}&version=1&title=Call+1&held_on=2026-11-02&customer={cid}&answer_3=Hours&notes=n"),
        )
        .await
        .expect(303);
        let stale = post_form(
            &app,
            &owner,
            &at,
            &format!("csrf={csrf}&version=1&title=Lost&held_on=2026-11-02&customer=&notes="),
        )
        .await
        .expect(412);
        assert!(stale.text.contains("someone else saved this interview"));
        let api = app
            .get(&format!("{WS}/interviews/{id}"), &admin)
            .await
            .expect(200)
            .body;
        assert_eq!(api["title"], "Call 1");
        assert_eq!(api["answers"][3]["answer"], "Hours");

        // Turn into feedback: two items, linked in the inbox; then none.
        let conv = format!("{at}/feedback");
        post_form(&app, &owner, &conv, "csrf=wrong")
            .await
            .expect(403);
        let done = post_form(&app, &owner, &conv, &format!("csrf={csrf}"))
            .await
            .expect(200);
        assert!(
            done.text.contains("Created 2 feedback items"),
            "{}",
            done.text
        );
        assert_eq!(
            done.text.matches("/w/acme/p/KEEL/feedback?item=").count(),
            4,
            "two in the banner, two beside the answers"
        );
        let again = post_form(&app, &owner, &conv, &format!("csrf={csrf}"))
            .await
            .expect(200);
        assert!(
            again
                .text
                .contains("every answer is in the inbox already (2)")
        );

        // Viewers read without forms; guests 403; outsiders 404.
        let (viewer, vcsrf) = session(&app, "vera@example.com").await;
        let seen = get(&app, &viewer, &at).await.expect(200);
        assert!(!seen.text.contains("Turn into feedback"));
        assert!(!seen.text.contains("name=\"answer_"));
        assert!(seen.text.contains("Hours"));
        assert!(
            !get(&app, &viewer, list)
                .await
                .expect(200)
                .text
                .contains("Save interview")
        );
        post_form(&app, &viewer, &conv, &format!("csrf={vcsrf}"))
            .await
            .expect(403);
        let (guest, _) = session(&app, "gus@example.com").await;
        get(&app, &guest, &at).await.expect(403);
        get(&app, &guest, list).await.expect(403);
        let (olga, _) = session(&app, "olga@example.com").await;
        get(&app, &olga, &at).await.expect(404);
        get(&app, &olga, &format!("/w/other/interviews/{id}"))
            .await
            .expect(404);
        app.finish().await;
    }
}
