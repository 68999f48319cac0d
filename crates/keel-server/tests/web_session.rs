//! Browser sessions over HTTP: the cookie's flags (HttpOnly, SameSite=Lax,
//! Secure behind HTTPS), CSRF on cookie-authenticated writes, and pages
//! that send signed-out visitors to the login page.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use keel_testkit::{TestApp, backends};
use serde_json::json;

async fn login(app: &TestApp, https: bool) -> keel_testkit::Response {
    let mut req =
        Request::post("/login").header("content-type", "application/x-www-form-urlencoded");
    if https {
        req = req.header("x-forwarded-proto", "https");
    }
    app.send(
        req.body(Body::from(
            "email=admin%40example.com&password=correct+horse+battery&next=%2F",
        ))
        .unwrap(),
    )
    .await
}

#[tokio::test]
async fn session_cookies_and_csrf() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;

        let plain = login(&app, false).await.expect(303);
        let cookie = plain.header("set-cookie").unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
            "{cookie}"
        );
        assert!(
            !cookie.contains("Secure"),
            "not Secure over plain HTTP: {cookie}"
        );
        let secure = login(&app, true).await.expect(303);
        assert!(
            secure.header("set-cookie").unwrap().contains("; Secure"),
            "Secure behind HTTPS"
        );

        // The cookie authenticates reads; writes also need the CSRF token.
        let session = cookie.split(';').next().unwrap().to_string();
        let page = app
            .send(
                Request::get("/w/acme/p/KEEL")
                    .header("cookie", &session)
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .expect(200);
        let csrf = page
            .text
            .split("name=\"csrf-token\" content=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_string();
        assert!(!csrf.is_empty());
        let task = json!({"product": "KEEL", "title": "from the browser"}).to_string();
        let post = |headers: Vec<(&'static str, String)>| {
            let mut req = Request::post("/api/v1/workspaces/acme/tasks")
                .header("content-type", "application/json")
                .header("cookie", &session);
            for (k, v) in headers {
                req = req.header(k, v);
            }
            req.body(Body::from(task.clone())).unwrap()
        };
        app.send(post(vec![])).await.expect(403);
        app.send(post(vec![("x-csrf-token", "wrong".into())]))
            .await
            .expect(403);
        app.send(post(vec![
            ("x-csrf-token", csrf.clone()),
            ("sec-fetch-site", "cross-site".into()),
        ]))
        .await
        .expect(403);
        app.send(post(vec![("x-csrf-token", csrf.clone())]))
            .await
            .expect(201);

        // Signed out: pages redirect to the login page, the API says 401.
        let page = app
            .send(Request::get("/w/acme/p/KEEL").body(Body::empty()).unwrap())
            .await
            .expect(303);
        assert!(page.header("location").unwrap().starts_with("/login?next="));
        let bogus = app
            .send(
                Request::get("/w/acme/p/KEEL")
                    .header("cookie", "keel_session=forged")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        assert_eq!(bogus.status.as_u16(), 303);
        // Every response carries the security headers.
        let csp = page.header("content-security-policy").unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        app.finish().await;
    }
}
