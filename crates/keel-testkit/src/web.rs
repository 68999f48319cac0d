//! Driving the web pages as a browser would, without one: signing in
//! through the login form, reading pages with the session cookie, posting
//! forms with the session's CSRF token.

use crate::{Response, TestApp};
use axum::body::Body;
use axum::http::Request;

/// The password of every account the test kit creates.
const PASSWORD: &str = "correct+horse+battery";

impl TestApp {
    /// Signs `email` in through the login form; the session cookie
    /// (`name=value`) to send with page requests.
    pub async fn sign_in(&self, email: &str) -> String {
        let form = format!("email={}&password={PASSWORD}&next=%2F", form_value(email));
        let r = self
            .send(
                Request::post("/login")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(form))
                    .unwrap(),
            )
            .await
            .expect(303);
        r.header("set-cookie")
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_string()
    }

    /// The session's CSRF token as a page carries it, percent-encoded for
    /// a form body (`csrf=…`).
    pub async fn form_csrf(&self, cookie: &str) -> String {
        // A page every signed-in account may open, whatever its workspaces.
        let page = self.page(cookie, "/workspaces/new").await;
        let token = page
            .text
            .split("name=\"csrf-token\" content=\"")
            .nth(1)
            .and_then(|s| s.split('"').next())
            .unwrap_or_default()
            .to_string();
        form_value(&token)
    }

    /// GETs a page with the session `cookie`.
    pub async fn page(&self, cookie: &str, path: &str) -> Response {
        self.send(
            Request::get(path)
                .header("cookie", cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
    }

    /// POSTs an urlencoded `form` with the session `cookie`.
    pub async fn post_form(&self, cookie: &str, path: &str, form: &str) -> Response {
        self.send(
            Request::post(path)
                .header("cookie", cookie)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(form.to_string()))
                .unwrap(),
        )
        .await
    }
}

/// Percent-encodes a form value.
fn form_value(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
