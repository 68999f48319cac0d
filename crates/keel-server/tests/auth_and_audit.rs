//! Authentication hardening and the audit log: failed sign-ins limited per
//! account and per address on both ways in (429 with `Retry-After`), a new
//! session id at every sign-in, expired sessions refused, logging out
//! everywhere (API and page), the password rule on the web set-up, and the
//! audit log — what is recorded, who may read it, paging.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use keel_testkit::{Response, TestApp, backends};
use serde_json::{Value, json};

const PASSWORD: &str = "correct horse battery";

async fn api_login(app: &TestApp, email: &str, password: &str, from: &str) -> Response {
    app.call_with(
        "POST",
        "/api/v1/auth/tokens",
        None,
        Some(json!({"email": email, "password": password, "name": "t"})),
        &[("x-forwarded-for", from)],
    )
    .await
}

/// Posts the login form, with a session cookie the browser already has.
async fn form_login(app: &TestApp, email: &str, password: &str, cookie: Option<&str>) -> Response {
    let body = format!(
        "email={}&password={}&next=%2F",
        email.replace('@', "%40"),
        password.replace(' ', "+")
    );
    let mut req =
        Request::post("/login").header("content-type", "application/x-www-form-urlencoded");
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    app.send(req.body(Body::from(body)).unwrap()).await
}

fn cookie_of(r: &Response) -> String {
    r.header("set-cookie")
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string()
}

/// Whether the cookie still signs in: a page answers 200, not a redirect to
/// the login page.
async fn signed_in(app: &TestApp, cookie: &str) -> bool {
    let r = app.page(cookie, "/workspaces/new").await;
    match r.status.as_u16() {
        200 => true,
        303 => {
            assert!(r.header("location").unwrap().starts_with("/login"));
            false
        }
        other => panic!("unexpected {other}: {}", r.text),
    }
}

async fn audit(app: &TestApp, path: &str, token: &str) -> Vec<Value> {
    let r = app.get(path, token).await.expect(200);
    r.body["items"].as_array().unwrap().clone()
}

fn actions(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn failed_api_sign_ins_are_limited_per_account_and_per_address() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.user(&admin, "bob@example.com").await;

        // Successful sign-ins cost nothing.
        for _ in 0..8 {
            api_login(&app, "bob@example.com", PASSWORD, "192.0.2.1")
                .await
                .expect(201);
        }
        // Five failures for bob, from different addresses…
        for i in 0..5 {
            api_login(
                &app,
                "bob@example.com",
                "wrong password!",
                &format!("192.0.2.{}", 10 + i),
            )
            .await
            .expect(401);
        }
        // …and the account is refused, even with the right password, from
        // anywhere, however the email is typed.
        let r = api_login(&app, " Bob@Example.com", PASSWORD, "192.0.2.99")
            .await
            .expect(429);
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        let wait: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!((1..=15 * 60).contains(&wait), "{wait}");
        assert!(
            r.body["detail"].as_str().unwrap().contains("try again"),
            "{}",
            r.text
        );
        // Others are not affected.
        api_login(&app, "admin@example.com", PASSWORD, "192.0.2.10")
            .await
            .expect(201);

        // Twenty failures from one address, each for another account…
        for i in 0..20 {
            api_login(
                &app,
                &format!("nobody{i}@example.com"),
                "wrong password!",
                "198.51.100.7",
            )
            .await
            .expect(401);
        }
        // …and that address is refused for every account; others are not.
        let r = api_login(&app, "admin@example.com", PASSWORD, "198.51.100.7")
            .await
            .expect(429);
        assert!(r.header("retry-after").is_some());
        api_login(&app, "admin@example.com", PASSWORD, "198.51.100.8")
            .await
            .expect(201);

        // Each failure is in the audit log with the email tried and never
        // the password; refusals over the limit are not.
        let all = audit(&app, "/api/v1/admin/audit?limit=500", &admin).await;
        let failed: Vec<&Value> = all
            .iter()
            .filter(|e| e["action"] == "login_failed")
            .collect();
        assert_eq!(failed.len(), 25);
        assert_eq!(failed.last().unwrap()["target"], "bob@example.com");
        assert_eq!(failed.last().unwrap()["ip"], "192.0.2.10");
        assert!(failed[0]["actor"].is_null());
        assert_eq!(failed[0]["detail"]["via"], "api");
        let text = serde_json::to_string(&all).unwrap();
        assert!(!text.contains("wrong password"), "no password in the log");
        assert!(!text.contains(PASSWORD), "no password in the log");
        app.finish().await;
    }
}

#[tokio::test]
async fn the_login_form_is_limited_too_and_says_so() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.setup_admin().await;
        for _ in 0..5 {
            let r = form_login(&app, "admin@example.com", "wrong password!", None)
                .await
                .expect(401);
            assert!(r.text.contains("The email or password is wrong."));
        }
        let r = form_login(&app, "admin@example.com", PASSWORD, None)
            .await
            .expect(429);
        assert!(r.header("retry-after").is_some());
        assert!(r.text.contains("Too many failed sign-ins"), "{}", r.text);
        assert!(r.text.contains("role=\"alert\""));
        assert!(r.header("set-cookie").is_none(), "no session");
        // The API way in shares the account's budget.
        api_login(&app, "admin@example.com", PASSWORD, "127.0.0.1")
            .await
            .expect(429);
        app.finish().await;
    }
}

#[tokio::test]
async fn sessions_rotate_at_sign_in_and_expire() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        app.setup_admin().await;
        let first = cookie_of(
            &form_login(&app, "admin@example.com", PASSWORD, None)
                .await
                .expect(303),
        );
        assert!(signed_in(&app, &first).await);
        // Signing in again from the same browser: a new id, the old one ends.
        let second = cookie_of(
            &form_login(&app, "admin@example.com", PASSWORD, Some(&first))
                .await
                .expect(303),
        );
        assert_ne!(first, second);
        assert!(!signed_in(&app, &first).await, "the old session is gone");
        assert!(signed_in(&app, &second).await);

        // A session past its expiry is refused.
        app.db
            .store
            .execute_admin("UPDATE sessions SET expires_at = '2000-01-01T00:00:00Z'")
            .await
            .unwrap();
        assert!(!signed_in(&app, &second).await, "expired");
        app.finish().await;
    }
}

#[tokio::test]
async fn logging_out_everywhere_through_the_api() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        let bob = app.user(&admin, "bob@example.com").await;
        let laptop = app.sign_in("bob@example.com").await;
        let phone = app.sign_in("bob@example.com").await;
        let admins_session = app.sign_in("admin@example.com").await;

        app.call("POST", "/api/v1/auth/logout-all", None, Some(json!({})))
            .await
            .expect(401);
        let r = app
            .post("/api/v1/auth/logout-all", &bob, json!({"bogus": true}))
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["bogus"]);

        let r = app
            .post("/api/v1/auth/logout-all", &bob, json!({}))
            .await
            .expect(200);
        assert_eq!(r.body, json!({"sessions_ended": 2, "tokens_revoked": 0}));
        assert!(!signed_in(&app, &laptop).await);
        assert!(!signed_in(&app, &phone).await);
        assert!(
            signed_in(&app, &admins_session).await,
            "others' sessions stay"
        );
        app.get("/api/v1/me", &bob).await.expect(200);

        // With the tokens too: this one included.
        let second = app.user(&admin, "carol@example.com").await;
        let made = app
            .call(
                "POST",
                "/api/v1/auth/tokens",
                None,
                Some(json!({"email": "carol@example.com", "password": PASSWORD, "name": "2"})),
            )
            .await
            .expect(201);
        // A new token's Location answers with it (never its secret), for
        // its owner only.
        let at = made.header("location").unwrap().to_string();
        let token = app.get(&at, &second).await.expect(200);
        assert_eq!(token.body["name"], "2");
        assert!(token.body.get("token").is_none(), "{}", token.text);
        app.get(&at, &bob).await.expect(404);
        // So does a new account's, for instance admins.
        let dave = app
            .post(
                "/api/v1/admin/users",
                &admin,
                json!({"email": "dave@example.com", "name": "Dave", "password": PASSWORD}),
            )
            .await
            .expect(201);
        let at = dave.header("location").unwrap().to_string();
        assert_eq!(app.get(&at, &admin).await.expect(200).body, dave.body);
        app.get(&at, &second).await.expect(403);
        let r = app
            .post(
                "/api/v1/auth/logout-all",
                &second,
                json!({"revoke_tokens": true}),
            )
            .await
            .expect(200);
        assert_eq!(r.body["tokens_revoked"], 2);
        app.get("/api/v1/me", &second).await.expect(401);
        app.get("/api/v1/me", &bob).await.expect(200);

        let log = audit(&app, "/api/v1/admin/audit", &admin).await;
        let out = log.iter().find(|e| e["action"] == "logout_all").unwrap();
        assert_eq!(out["actor"]["email"], "carol@example.com");
        assert_eq!(out["detail"]["tokens_revoked"], 2);
        app.finish().await;
    }
}

#[tokio::test]
async fn logging_out_everywhere_from_the_settings_page() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let here = app.sign_in("admin@example.com").await;
        let there = app.sign_in("admin@example.com").await;
        let settings = app.page(&here, "/w/acme/settings").await.expect(200);
        assert!(settings.text.contains("action=\"/logout-all\""));
        assert!(settings.text.contains("/w/acme/settings/audit"));

        // Without the CSRF token: refused, nothing ends.
        app.post_form(&here, "/logout-all", "csrf=nope")
            .await
            .expect(403);
        assert!(signed_in(&app, &there).await);

        let csrf = app.form_csrf(&here).await;
        let r = app
            .post_form(&here, "/logout-all", &format!("csrf={csrf}"))
            .await
            .expect(303);
        assert_eq!(r.header("location"), Some("/login"));
        assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
        assert!(!signed_in(&app, &here).await);
        assert!(!signed_in(&app, &there).await);
        app.get("/api/v1/me", &admin).await.expect(200);

        // Ticked, the tokens end as well.
        let again = app.sign_in("admin@example.com").await;
        let csrf = app.form_csrf(&again).await;
        app.post_form(&again, "/logout-all", &format!("csrf={csrf}&tokens=on"))
            .await
            .expect(303);
        app.get("/api/v1/me", &admin).await.expect(401);
        app.finish().await;
    }
}

#[tokio::test]
async fn web_set_up_enforces_the_password_rule() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let r = app
            .send(
                Request::post("/setup")
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(
                        "name=Ada&email=ada%40example.com&password=short",
                    ))
                    .unwrap(),
            )
            .await
            .expect(422);
        assert!(r.text.contains("at least 10 characters"), "{}", r.text);
        // Nothing was created: set-up is still open.
        app.setup_admin().await;
        app.finish().await;
    }
}

#[tokio::test]
async fn the_audit_log_records_and_who_may_read_it() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        let owner = app.user(&admin, "owner@example.com").await;
        let helper = app.user(&admin, "helper@example.com").await;
        let viewer = app.user(&admin, "viewer@example.com").await;
        let member = app.user(&admin, "member@example.com").await;
        let outsider = app.user(&admin, "outsider@example.com").await;
        app.workspace(&owner, "acme").await;
        app.workspace(&outsider, "other").await;
        app.add_member(&owner, "acme", "helper@example.com", "admin")
            .await;
        app.add_member(&owner, "acme", "viewer@example.com", "viewer")
            .await;
        app.add_member(&owner, "acme", "member@example.com", "member")
            .await;
        app.patch(
            "/api/v1/workspaces/acme/members/member@example.com",
            &owner,
            json!({"role": "viewer"}),
        )
        .await
        .expect(200);
        app.patch(
            "/api/v1/workspaces/acme/members/viewer@example.com",
            &owner,
            json!({"active": false}),
        )
        .await
        .expect(200);
        let token = app
            .post("/api/v1/me/tokens", &helper, json!({"name": "ci"}))
            .await
            .expect(201);
        let token_id = token.body["id"].as_str().unwrap().to_string();
        app.delete(&format!("/api/v1/auth/tokens/{token_id}"), &helper)
            .await
            .expect(204);

        let log = audit(&app, "/api/v1/workspaces/acme/audit?limit=500", &owner).await;
        let acts = actions(&log);
        assert_eq!(acts[0], "token_revoked", "newest first: {acts:?}");
        assert_eq!(log[0]["target"], token_id.as_str());
        assert_eq!(log[0]["actor"]["email"], "helper@example.com");
        assert!(log[0]["workspace"].is_null(), "an instance event");
        assert_eq!(acts[1], "token_created");
        assert_eq!(log[1]["detail"]["name"], "ci");
        let changes: Vec<&Value> = log
            .iter()
            .filter(|e| e["action"] == "role_changed")
            .collect();
        assert_eq!(changes.len(), 5, "3 added, 1 role, 1 deactivated: {acts:?}");
        assert_eq!(changes[0]["detail"]["change"], "deactivated");
        assert_eq!(changes[1]["detail"]["change"], "role");
        assert_eq!(changes[1]["detail"]["from"], "member");
        assert_eq!(changes[1]["detail"]["to"], "viewer");
        assert_eq!(changes[1]["workspace"], "acme");
        assert_eq!(changes[1]["actor"]["email"], "owner@example.com");
        assert_eq!(changes[4]["detail"]["change"], "added");
        assert_eq!(changes[4]["detail"]["role"], "admin");
        // Members' sign-ins are in; a non-member's are not.
        let logins: Vec<&str> = log
            .iter()
            .filter(|e| e["action"] == "login")
            .map(|e| e["actor"]["email"].as_str().unwrap())
            .collect();
        assert!(logins.contains(&"owner@example.com"), "{logins:?}");
        assert!(!logins.contains(&"outsider@example.com"), "{logins:?}");
        assert!(log.iter().all(|e| e["ip"] == "127.0.0.1"), "{log:?}");

        // The instance's log has everything, the outsider too.
        let all = audit(&app, "/api/v1/admin/audit?limit=500", &admin).await;
        assert!(all.len() > log.len());
        assert!(
            all.iter()
                .any(|e| e["actor"]["email"] == "outsider@example.com")
        );

        // Paging: newest first, a page at a time, with the same events.
        let mut paged = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let path = match &cursor {
                Some(c) => format!("/api/v1/workspaces/acme/audit?limit=4&cursor={c}"),
                None => "/api/v1/workspaces/acme/audit?limit=4".to_string(),
            };
            let r = app.get(&path, &owner).await.expect(200);
            paged.extend(r.body["items"].as_array().unwrap().clone());
            match r.body["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => break,
            }
        }
        assert_eq!(paged, log);
        let r = app
            .get("/api/v1/workspaces/acme/audit?cursor=nope", &owner)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["cursor"]);
        let r = app
            .get("/api/v1/workspaces/acme/audit?limit=0", &owner)
            .await
            .expect(422);
        assert_eq!(r.error_fields(), vec!["limit"]);

        // Who may read: owners and admins; not viewers or members (403),
        // not outsiders (404), not without a token (401); the instance's
        // log is for instance admins only.
        app.get("/api/v1/workspaces/acme/audit", &helper)
            .await
            .expect(200);
        app.get("/api/v1/workspaces/acme/audit", &member)
            .await
            .expect(403);
        app.get("/api/v1/workspaces/acme/audit", &outsider)
            .await
            .expect(404);
        app.get("/api/v1/workspaces/acme/audit", &viewer)
            .await
            .expect(404);
        app.call("GET", "/api/v1/workspaces/acme/audit", None, None)
            .await
            .expect(401);
        app.get("/api/v1/admin/audit", &owner).await.expect(403);
        app.call("GET", "/api/v1/admin/audit", None, None)
            .await
            .expect(401);

        // The page: owners and admins read it, others are refused.
        let page_owner = app.sign_in("owner@example.com").await;
        let page = app
            .page(&page_owner, "/w/acme/settings/audit")
            .await
            .expect(200);
        assert!(page.text.contains("data-audit-action=\"role_changed\""));
        assert!(page.text.contains("data-audit-action=\"token_revoked\""));
        assert!(page.text.contains("Audit log"));
        let page_member = app.sign_in("member@example.com").await;
        app.page(&page_member, "/w/acme/settings/audit")
            .await
            .expect(403);
        let page_outsider = app.sign_in("outsider@example.com").await;
        app.page(&page_outsider, "/w/acme/settings/audit")
            .await
            .expect(404);
        app.finish().await;
    }
}

#[tokio::test]
async fn an_export_can_be_recorded_in_its_transaction() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = app.setup_admin().await;
        app.workspace(&admin, "acme").await;
        let me = app.get("/api/v1/me", &admin).await.expect(200);
        let ws = app.get("/api/v1/workspaces/acme", &admin).await.expect(200);
        let (me, ws) = (
            me.body["id"].as_str().unwrap(),
            ws.body["id"].as_str().unwrap(),
        );
        // Rolled back: not recorded.
        let mut tx = app.db.store.begin().await.unwrap();
        keel_store::repo::audit::record_export(&mut tx, ws, me, "customer:x", None, None)
            .await
            .unwrap();
        drop(tx);
        let mut tx = app.db.store.begin().await.unwrap();
        keel_store::repo::audit::record_export(
            &mut tx,
            ws,
            me,
            "customer:y",
            Some("203.0.113.5"),
            Some(json!({"format": "json"})),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let log = audit(&app, "/api/v1/workspaces/acme/audit", &admin).await;
        let exports: Vec<&Value> = log.iter().filter(|e| e["action"] == "export").collect();
        assert_eq!(exports.len(), 1);
        assert_eq!(exports[0]["target"], "customer:y");
        assert_eq!(exports[0]["workspace"], "acme");
        assert_eq!(exports[0]["detail"]["format"], "json");
        app.finish().await;
    }
}
