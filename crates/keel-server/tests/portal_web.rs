//! The public portal over HTTP, on every configured backend: closed until
//! a product admin opens it; feedback and ideas from a visitor land as
//! `portal` items from the customer their email names (created once);
//! votes count once per email and only on public ideas; nothing private
//! (private ideas, emails, names, feedback) is on the page; the honeypot
//! drops bot submissions; bad input re-renders the form naming the field
//! with nothing written; cross-site posts are refused; each address is
//! rate limited with Retry-After; user text is escaped.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use keel_testkit::{Response, TestApp, backends};
use serde_json::{Value, json};

const WS: &str = "/api/v1/workspaces/acme";
const PORTAL: &str = "/portal/acme/KEEL";

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

/// Posts a form to the portal from `addr` (as a local reverse proxy
/// reports it), with extra headers.
async fn post_from(
    app: &TestApp,
    addr: &str,
    path: &str,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Response {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    let mut req = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", addr);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    app.send(req.body(Body::from(body.join("&"))).unwrap())
        .await
}

async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Response {
    post_from(app, "192.0.2.10", path, fields, &[]).await
}

async fn page(app: &TestApp) -> Response {
    app.send(Request::get(PORTAL).body(Body::empty()).unwrap())
        .await
}

async fn open_portal(app: &TestApp, admin: &str) {
    app.patch(
        &format!("{WS}/products/KEEL"),
        admin,
        json!({"portal_enabled": true, "portal_intro": "Tell us **anything**."}),
    )
    .await
    .expect(200);
}

async fn feedback(app: &TestApp, admin: &str) -> Vec<Value> {
    app.get(&format!("{WS}/feedback?product=KEEL"), admin)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

async fn ideas(app: &TestApp, admin: &str) -> Vec<Value> {
    app.get(&format!("{WS}/ideas?product=KEEL"), admin)
        .await
        .expect(200)
        .body["items"]
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test]
async fn a_portal_is_closed_until_opened_and_shows_only_public_ideas() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let member = app.user(&admin, "member@example.com").await;
        app.add_member(&admin, "acme", "member@example.com", "member")
            .await;

        page(&app).await.expect(404);
        post(
            &app,
            &format!("{PORTAL}/feedback"),
            &[("email", "a@example.com"), ("text", "hi")],
        )
        .await
        .expect(404);
        assert!(
            feedback(&app, &admin).await.is_empty(),
            "nothing written to a closed portal"
        );
        // Opening it is for product admins.
        app.patch(
            &format!("{WS}/products/KEEL"),
            &member,
            json!({"portal_enabled": true}),
        )
        .await
        .expect(403);
        open_portal(&app, &admin).await;

        let public = app
            .post(
                &format!("{WS}/ideas"),
                &admin,
                json!({"product": "KEEL", "title": "Dark <script>alert(1)</script> mode", "public": true}),
            )
            .await
            .expect(201)
            .body;
        app.post(
            &format!("{WS}/ideas"),
            &admin,
            json!({"product": "KEEL", "title": "Secret acquisition plan"}),
        )
        .await
        .expect(201);
        app.post(
            &format!("{WS}/feedback"),
            &admin,
            json!({"product": "KEEL", "text": "Confidential complaint from a big account", "source": "email"}),
        )
        .await
        .expect(201);

        let html = page(&app).await.expect(200).text;
        assert!(
            html.contains("Tell us <strong>anything</strong>."),
            "intro rendered"
        );
        assert!(html.contains(&format!("data-idea=\"{}\"", public["id"].as_str().unwrap())));
        assert!(
            html.contains("Dark &#60;script&#62;alert(1)&#60;/script&#62; mode"),
            "title escaped"
        );
        assert!(!html.contains("<script>alert(1)"));
        assert!(
            !html.contains("Secret acquisition plan"),
            "private ideas stay private"
        );
        assert!(
            !html.contains("Confidential complaint"),
            "feedback is never shown"
        );
        assert!(!html.contains("admin@example.com"));

        // Closing it again closes it at once.
        app.patch(
            &format!("{WS}/products/KEEL"),
            &admin,
            json!({"portal_enabled": false}),
        )
        .await
        .expect(200);
        page(&app).await.expect(404);
        app.finish().await;
    }
}

#[tokio::test]
async fn submissions_land_in_the_inbox_from_the_customer_their_email_names() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        open_portal(&app, &admin).await;

        let r = post(
            &app,
            &format!("{PORTAL}/feedback"),
            &[
                ("email", "Ada@Example.com"),
                ("name", "Ada"),
                ("text", "Exports fail on big files"),
                ("website", ""),
            ],
        )
        .await
        .expect(303);
        assert_eq!(
            r.header("location"),
            Some("/portal/acme/KEEL?thanks=feedback")
        );
        post(
            &app,
            &format!("{PORTAL}/ideas"),
            &[
                ("email", "ada@example.com"),
                ("title", "Scheduled exports"),
                ("description", "Every Monday"),
            ],
        )
        .await
        .expect(303);

        let items = feedback(&app, &admin).await;
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["source"], "portal");
        assert_eq!(items[0]["status"], "new");
        assert_eq!(items[0]["text"], "Exports fail on big files");
        let customers = app
            .get(&format!("{WS}/customers"), &admin)
            .await
            .expect(200)
            .body;
        let customers = customers["items"].as_array().unwrap();
        assert_eq!(
            customers.len(),
            1,
            "one customer for both submissions: {customers:?}"
        );
        assert_eq!(customers[0]["email"], "ada@example.com");
        assert_eq!(customers[0]["name"], "Ada");
        assert_eq!(items[0]["customer"]["id"], customers[0]["id"]);

        let ideas = ideas(&app, &admin).await;
        assert_eq!(ideas.len(), 1);
        assert_eq!(ideas[0]["source"], "portal");
        assert_eq!(
            ideas[0]["public"], false,
            "the team decides what the portal shows"
        );
        assert_eq!(ideas[0]["customer"], customers[0]["id"]);
        let html = page(&app).await.expect(200).text;
        assert!(!html.contains("Scheduled exports"));
        app.finish().await;
    }
}

#[tokio::test]
async fn votes_count_once_per_email_and_only_on_public_ideas() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        open_portal(&app, &admin).await;
        let public = app
            .post(
                &format!("{WS}/ideas"),
                &admin,
                json!({"product": "KEEL", "title": "Dark mode", "public": true}),
            )
            .await
            .expect(201)
            .body;
        let private = app
            .post(
                &format!("{WS}/ideas"),
                &admin,
                json!({"product": "KEEL", "title": "Private"}),
            )
            .await
            .expect(201)
            .body;
        let vote = |id: &Value| format!("{PORTAL}/ideas/{}/vote", id.as_str().unwrap());

        post(&app, &vote(&public["id"]), &[("email", "a@example.com")])
            .await
            .expect(303);
        // A name given later replaces the stand-in the vote made, once.
        for (name, text) in [("Ann", "hi"), ("Not Ann", "again")] {
            post(
                &app,
                &format!("{PORTAL}/feedback"),
                &[("email", "a@example.com"), ("name", name), ("text", text)],
            )
            .await
            .expect(303);
        }
        let people = app.get(&format!("{WS}/customers"), &admin).await.body;
        assert_eq!(people["items"][0]["name"], "Ann", "{people}");
        post(&app, &vote(&public["id"]), &[("email", "A@example.com")])
            .await
            .expect(303);
        post(&app, &vote(&public["id"]), &[("email", "b@example.com")])
            .await
            .expect(303);
        post(&app, &vote(&private["id"]), &[("email", "a@example.com")])
            .await
            .expect(404);
        post(
            &app,
            &format!("{PORTAL}/ideas/nope/vote"),
            &[("email", "a@example.com")],
        )
        .await
        .expect(404);
        let r = post(&app, &vote(&public["id"]), &[("email", "not an email")])
            .await
            .expect(422);
        assert!(
            r.text
                .contains("To vote, your email must be an email address"),
            "{}",
            r.text
        );

        let got = app
            .get(
                &format!("{WS}/ideas/{}", public["id"].as_str().unwrap()),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(got["votes"], 2, "one vote per email, whatever its case");
        let got = app
            .get(
                &format!("{WS}/ideas/{}", private["id"].as_str().unwrap()),
                &admin,
            )
            .await
            .expect(200)
            .body;
        assert_eq!(got["votes"], 0);
        let html = page(&app).await.text;
        assert!(html.contains("<strong data-votes>2</strong>"), "{html}");
        app.finish().await;
    }
}

#[tokio::test]
async fn bots_bad_input_and_other_sites_write_nothing() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        open_portal(&app, &admin).await;

        // The honeypot: looks accepted, is dropped.
        let r = post(
            &app,
            &format!("{PORTAL}/feedback"),
            &[
                ("email", "bot@example.com"),
                ("text", "Buy cheap watches"),
                ("website", "http://spam.example"),
            ],
        )
        .await
        .expect(303);
        assert_eq!(
            r.header("location"),
            Some("/portal/acme/KEEL?thanks=feedback")
        );
        post(
            &app,
            &format!("{PORTAL}/ideas"),
            &[
                ("email", "bot@example.com"),
                ("title", "Spam"),
                ("website", "x"),
            ],
        )
        .await
        .expect(303);

        // Bad input: the form again, naming the fields, keeping what was typed.
        let r = post(
            &app,
            &format!("{PORTAL}/feedback"),
            &[("email", "nope"), ("text", "   "), ("name", "Grace")],
        )
        .await
        .expect(422);
        assert!(
            r.text.contains("Email must be an email address"),
            "{}",
            r.text
        );
        assert!(r.text.contains("Text "), "{}", r.text);
        assert!(r.text.contains("value=\"Grace\""));
        let r = post(
            &app,
            &format!("{PORTAL}/ideas"),
            &[("email", "g@example.com"), ("title", "")],
        )
        .await
        .expect(422);
        assert!(r.text.contains("Idea "), "{}", r.text);

        // Another site cannot post on a visitor's behalf.
        post_from(
            &app,
            "192.0.2.10",
            &format!("{PORTAL}/feedback"),
            &[("email", "x@example.com"), ("text", "forged")],
            &[("sec-fetch-site", "cross-site")],
        )
        .await
        .expect(403);

        assert!(feedback(&app, &admin).await.is_empty());
        assert!(ideas(&app, &admin).await.is_empty());
        let customers = app.get(&format!("{WS}/customers"), &admin).await.body;
        assert_eq!(
            customers["items"],
            json!([]),
            "no customer made from refused input"
        );
        app.finish().await;
    }
}

#[tokio::test]
async fn each_address_is_rate_limited_with_retry_after() {
    // The limiter lives in the server's memory; one backend shows it.
    let backend = backends().into_iter().next().unwrap();
    let app = TestApp::new(backend).await;
    let admin = app.setup_admin().await;
    app.workspace(&admin, "acme").await;
    open_portal(&app, &admin).await;
    let send = |addr: &'static str, n: usize| {
        let app = &app;
        async move {
            post_from(
                app,
                addr,
                &format!("{PORTAL}/feedback"),
                &[
                    ("email", "flood@example.com"),
                    ("text", &format!("message {n}")),
                ],
                &[],
            )
            .await
        }
    };
    let mut accepted = 0;
    let mut limited = None;
    for n in 0..40 {
        let r = send("198.51.100.7", n).await;
        match r.status.as_u16() {
            303 => accepted += 1,
            429 => {
                limited = Some(r);
                break;
            }
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    let limited = limited.expect("the flood was limited");
    assert_eq!(accepted, 20, "a burst of 20 is allowed");
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=20).contains(&wait), "Retry-After {wait}");
    assert!(limited.text.contains("Too many submissions"));
    // Another address is not held back by this one.
    send("198.51.100.8", 99).await.expect(303);
    assert_eq!(feedback(&app, &admin).await.len(), 21);
    app.finish().await;
}
