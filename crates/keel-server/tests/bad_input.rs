//! Bad input never gets a 5xx. Every malformed, mistyped, oversized or
//! nonsensical request gets a 4xx `application/problem+json` with `type`,
//! `title`, `status` and `detail`, names the offending field in
//! `errors[].field` where there is one, and writes nothing: the visible
//! state (lists, items, versions, history, accounts, tokens) is compared
//! before and after every case.
//!
//! Covers POST/PATCH tasks, POST workspaces, products, members, set-up and
//! tokens; bad task keys in paths; list parameters; If-Match.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::Request;
use keel_testkit::{Response, TestApp, backends};
use serde_json::{Map, Value, json};

const PASSWORD: &str = "correct horse battery";
const WS: &str = "/api/v1/workspaces/acme";
const TEN_MB: usize = 10 * 1024 * 1024;

/// What a case must answer.
#[derive(Debug, Clone, Copy)]
enum Want {
    /// Exactly this status, naming this field when given.
    Status(u16, Option<&'static str>),
    /// Some 4xx problem (the exact code is a judgement call, e.g. 400 vs 422
    /// for a body that is JSON but not an object).
    Any4xx,
}

fn status(code: u16) -> Want {
    Want::Status(code, None)
}

fn field(name: &'static str) -> Want {
    Want::Status(422, Some(name))
}

/// A raw request.
fn request(
    method: &str,
    path: &str,
    token: Option<&str>,
    content_type: Option<&str>,
    body: Vec<u8>,
    headers: &[(&str, &str)],
) -> Request<Body> {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.body(Body::from(body)).unwrap()
}

/// One endpoint taking a JSON body, with a body it accepts.
struct Endpoint {
    method: &'static str,
    path: String,
    token: Option<String>,
    valid: Value,
}

impl Endpoint {
    fn with(&self, name: &str, value: Value) -> Value {
        let mut b = self.valid.clone();
        b[name] = value;
        b
    }

    fn without(&self, name: &str) -> Value {
        let mut b = self.valid.clone();
        b.as_object_mut().unwrap().remove(name);
        b
    }

    fn json(&self, body: &Value) -> Request<Body> {
        self.bytes(Some("application/json"), serde_json::to_vec(body).unwrap())
    }

    fn bytes(&self, content_type: Option<&str>, body: Vec<u8>) -> Request<Body> {
        request(
            self.method,
            &self.path,
            self.token.as_deref(),
            content_type,
            body,
            &[],
        )
    }

    fn label(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

/// Runs cases against one app, collecting every failure.
struct Checker<'a> {
    app: &'a TestApp,
    /// A token that may read everything the cases could write to; `None`
    /// before set-up, when only the account count matters.
    reader: Option<String>,
    cases: usize,
    failures: Vec<String>,
}

impl Checker<'_> {
    /// Everything a bad request could have changed, as the reader sees it.
    async fn state(&self) -> Value {
        let mut s = Map::new();
        let users = keel_store::repo::users::count(self.app.db.store.db())
            .await
            .unwrap();
        s.insert("users".into(), json!(users));
        if let Some(token) = &self.reader {
            for path in [
                "/api/v1/workspaces?limit=500".to_string(),
                "/api/v1/auth/tokens?limit=500".to_string(),
                format!("{WS}/members?limit=500"),
                format!("{WS}/products?limit=500"),
                format!("{WS}/teams?limit=500"),
                format!("{WS}/tasks?limit=500"),
                format!("{WS}/tasks/KEEL-1"),
                format!("{WS}/tasks/KEEL-1/comments?limit=500"),
                format!("{WS}/tasks/KEEL-1/activity?limit=500"),
            ] {
                let r = self.app.get(&path, token).await.expect(200);
                let mut body = r.body;
                if let Some(items) = body["items"].as_array_mut() {
                    for item in items {
                        // Using a token may stamp it; that is not a write by the request.
                        if let Some(o) = item.as_object_mut() {
                            o.remove("last_used_at");
                        }
                    }
                }
                assert!(
                    body["next_cursor"].is_null(),
                    "state list {path} has more than one page"
                );
                s.insert(path, body);
            }
        }
        Value::Object(s)
    }

    /// Sends `req` and checks the answer against `want`, and that nothing
    /// changed.
    async fn case(&mut self, label: impl Into<String>, req: Request<Body>, want: Want) -> Response {
        self.cases += 1;
        let label = label.into();
        let before = self.state().await;
        let r = self.app.send(req).await;
        if let Some(problem) = self.judge(&r, want) {
            let text: String = r.text.chars().take(600).collect();
            self.failures
                .push(format!("{label}: {problem}; body: {text}"));
        }
        let after = self.state().await;
        if before != after {
            self.failures.push(format!(
                "{label}: answered {} but changed data:\n{}",
                r.status,
                diff(&before, &after)
            ));
        }
        r
    }

    fn judge(&self, r: &Response, want: Want) -> Option<String> {
        let code = r.status.as_u16();
        match want {
            Want::Status(expected, _) if code != expected => {
                return Some(format!("expected {expected}, got {code}"));
            }
            Want::Any4xx if !(400..500).contains(&code) => {
                return Some(format!("expected a 4xx, got {code}"));
            }
            _ => {}
        }
        let ct = r.header("content-type").unwrap_or("");
        if ct != "application/problem+json" {
            return Some(format!(
                "{code} with content-type {ct:?}, not application/problem+json"
            ));
        }
        for key in ["type", "title", "detail"] {
            if r.body[key].as_str().is_none_or(str::is_empty) {
                return Some(format!("problem without a `{key}`"));
            }
        }
        if r.body["status"].as_u64() != Some(u64::from(code)) {
            return Some(format!(
                "problem `status` {} is not the HTTP status {code}",
                r.body["status"]
            ));
        }
        if let Want::Status(_, Some(name)) = want {
            let fields = r.error_fields();
            let names_it = fields.iter().any(|f| {
                f == name
                    || f.starts_with(&format!("{name}["))
                    || f.starts_with(&format!("{name}."))
            });
            if !names_it {
                return Some(format!(
                    "errors[].field should name `{name}`, got {fields:?}"
                ));
            }
        }
        None
    }

    /// The cases every JSON-body endpoint shares: broken JSON, wrong
    /// content types, unknown and missing fields, oversize bodies.
    async fn common(&mut self, ep: &Endpoint, required: &[&'static str], big: &'static str) {
        let l = ep.label();
        let valid = serde_json::to_vec(&ep.valid).unwrap();
        let truncated = valid[..valid.len() - 3].to_vec();
        self.case(
            format!("{l} truncated JSON"),
            ep.bytes(Some("application/json"), truncated),
            status(400),
        )
        .await;
        self.case(
            format!("{l} unquoted keys"),
            ep.bytes(Some("application/json"), b"{title: 1}".to_vec()),
            status(400),
        )
        .await;
        let mut trailing = serde_json::to_vec(&ep.valid).unwrap();
        trailing.extend_from_slice(b" {}");
        self.case(
            format!("{l} trailing data"),
            ep.bytes(Some("application/json"), trailing),
            status(400),
        )
        .await;
        self.case(
            format!("{l} empty body"),
            ep.bytes(Some("application/json"), Vec::new()),
            status(400),
        )
        .await;
        for not_object in ["[]", "null", "42", "\"text\"", "true"] {
            self.case(
                format!("{l} body {not_object}"),
                ep.bytes(Some("application/json"), not_object.as_bytes().to_vec()),
                Want::Any4xx,
            )
            .await;
        }
        let mut invalid_utf8 = b"{\"name\": \"".to_vec();
        invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
        invalid_utf8.extend_from_slice(b"\"}");
        self.case(
            format!("{l} invalid UTF-8"),
            ep.bytes(Some("application/json"), invalid_utf8),
            status(400),
        )
        .await;
        let valid = serde_json::to_vec(&ep.valid).unwrap();
        for ct in [
            Some("text/plain"),
            None,
            Some("application/x-www-form-urlencoded"),
            Some("application/jsonx"),
            Some(""),
        ] {
            self.case(
                format!("{l} content-type {ct:?}"),
                ep.bytes(ct, valid.clone()),
                status(415),
            )
            .await;
        }
        self.case(
            format!("{l} unknown field"),
            ep.json(&ep.with("colour", json!("red"))),
            field("colour"),
        )
        .await;
        for name in required {
            self.case(
                format!("{l} without {name}"),
                ep.json(&ep.without(name)),
                field(name),
            )
            .await;
            self.case(
                format!("{l} {name} null"),
                ep.json(&ep.with(name, Value::Null)),
                field(name),
            )
            .await;
        }
        let huge = ep.with(big, json!("x".repeat(TEN_MB)));
        self.case(format!("{l} 10 MB {big}"), ep.json(&huge), status(413))
            .await;
        self.case(
            format!("{l} 10 MB of garbage"),
            ep.bytes(Some("application/json"), vec![b'['; TEN_MB]),
            status(413),
        )
        .await;
    }

    /// A string field given the wrong type, or empty, or only spaces.
    async fn text_field(&mut self, ep: &Endpoint, name: &'static str) {
        let l = ep.label();
        for (what, v) in [
            ("a number", json!(5)),
            ("an object", json!({"a": 1})),
            ("a list", json!(["a"])),
            ("a boolean", json!(true)),
        ] {
            self.case(
                format!("{l} {name} {what}"),
                ep.json(&ep.with(name, v)),
                field(name),
            )
            .await;
        }
        for (what, v) in [("empty", ""), ("whitespace", " \t ")] {
            self.case(
                format!("{l} {name} {what}"),
                ep.json(&ep.with(name, json!(v))),
                field(name),
            )
            .await;
        }
    }

    /// A single-line field: at most 500 characters, no line breaks.
    async fn line_field(&mut self, ep: &Endpoint, name: &'static str) {
        let l = ep.label();
        self.case(
            format!("{l} {name} of 501 chars"),
            ep.json(&ep.with(name, json!("x".repeat(501)))),
            field(name),
        )
        .await;
        self.case(
            format!("{l} {name} of 501 multibyte chars"),
            ep.json(&ep.with(name, json!("é".repeat(501)))),
            field(name),
        )
        .await;
        self.case(
            format!("{l} {name} with a newline"),
            ep.json(&ep.with(name, json!("a\nb"))),
            field(name),
        )
        .await;
        self.case(
            format!("{l} {name} with NUL"),
            ep.json(&ep.with(name, json!("a\u{0}b"))),
            field(name),
        )
        .await;
    }

    /// An enumerated field given values outside its vocabulary.
    async fn enum_field(&mut self, ep: &Endpoint, name: &'static str) {
        let l = ep.label();
        for v in [
            json!("bogus"),
            json!(""),
            json!("TODO"),
            json!(" todo"),
            json!(3),
            json!(["todo"]),
        ] {
            self.case(
                format!("{l} {name} {v}"),
                ep.json(&ep.with(name, v.clone())),
                field(name),
            )
            .await;
        }
    }

    /// The task fields besides the text ones, shared by create and update.
    async fn task_fields(&mut self, ep: &Endpoint) {
        let l = ep.label();
        self.text_field(ep, "title").await;
        self.line_field(ep, "title").await;
        for name in ["status", "priority", "type"] {
            self.enum_field(ep, name).await;
        }
        let bad: [(&'static str, Value); 27] = [
            ("estimate", json!("big")),
            ("estimate", json!("3")),
            ("estimate", json!(-1)),
            ("estimate", json!(1001)),
            ("estimate", json!({"points": 3})),
            ("estimate", json!([3])),
            ("labels", json!({"ui": true})),
            ("labels", json!("ui")),
            ("labels", json!([1])),
            ("labels", json!([""])),
            ("labels", json!(["a,b"])),
            ("labels", json!(["x".repeat(51)])),
            (
                "labels",
                json!((0..21).map(|i| format!("l{i}")).collect::<Vec<_>>()),
            ),
            ("due_date", json!("2026-02-30")),
            ("due_date", json!("2026-13-01")),
            ("due_date", json!("26-01-01")),
            ("due_date", json!("tomorrow")),
            ("due_date", json!("")),
            ("due_date", json!(20260101)),
            ("assignee", json!("nobody@example.com")),
            ("assignee", json!("")),
            ("parent", json!("KEEL-999")),
            ("parent", json!("KEEL-0")),
            ("team", json!("nope")),
            ("feature", json!("nope")),
            ("description", json!(5)),
            ("description", json!("x".repeat(100_001))),
        ];
        for (name, v) in bad {
            let shown: String = v.to_string().chars().take(40).collect();
            self.case(
                format!("{l} {name} {shown}"),
                ep.json(&ep.with(name, v.clone())),
                field(name),
            )
            .await;
        }
        self.case(
            format!("{l} description with NUL"),
            ep.json(&ep.with("description", json!("a\u{0}b"))),
            field("description"),
        )
        .await;
        // Numbers JSON can write but f64 cannot hold.
        for raw in ["1e309", "-1e309", "1e999999"] {
            let body = serde_json::to_string(&ep.with("estimate", json!(0)))
                .unwrap()
                .replace("\"estimate\":0", &format!("\"estimate\":{raw}"));
            assert!(body.contains(raw), "{body}");
            self.case(
                format!("{l} estimate {raw}"),
                ep.bytes(Some("application/json"), body.into_bytes()),
                field("estimate"),
            )
            .await;
        }
        for raw in ["NaN", "Infinity", "-Infinity"] {
            let body = serde_json::to_string(&ep.with("estimate", json!(0)))
                .unwrap()
                .replace("\"estimate\":0", &format!("\"estimate\":{raw}"));
            self.case(
                format!("{l} estimate {raw}"),
                ep.bytes(Some("application/json"), body.into_bytes()),
                status(400),
            )
            .await;
        }
    }
}

/// The keys whose values differ, for a readable failure.
fn diff(before: &Value, after: &Value) -> String {
    let (Some(b), Some(a)) = (before.as_object(), after.as_object()) else {
        return format!("before {before}\nafter {after}");
    };
    let keys: std::collections::BTreeSet<&String> = b.keys().chain(a.keys()).collect();
    keys.into_iter()
        .filter(|k| b.get(*k) != a.get(*k))
        .map(|k| {
            let show = |v: Option<&Value>| {
                v.map(|v| v.to_string().chars().take(800).collect::<String>())
                    .unwrap_or_default()
            };
            format!(
                "  {k}:\n    before {}\n    after  {}",
                show(b.get(k)),
                show(a.get(k))
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `acme` owned by the instance admin, with product KEEL, team `eng`, task
/// KEEL-1 with some fields set, and `bob@example.com`, an account that is
/// not a member. Returns the admin's token.
async fn fixture(app: &TestApp) -> String {
    let admin = app.setup_admin().await;
    app.workspace(&admin, "acme").await;
    app.user(&admin, "bob@example.com").await;
    app.post(
        &format!("{WS}/teams"),
        &admin,
        json!({"key": "eng", "name": "Engineering"}),
    )
    .await
    .expect(201);
    app.post(
        &format!("{WS}/tasks"),
        &admin,
        json!({"product": "KEEL", "title": "Original", "description": "Keep me", "status": "todo", "priority": "high",
               "type": "bug", "estimate": 3, "due_date": "2026-12-01", "labels": ["ui"], "team": "eng"}),
    )
    .await
    .expect(201);
    admin
}

fn finish(backend: keel_store::Backend, checker: Checker<'_>) {
    assert!(
        checker.failures.is_empty(),
        "{backend:?}: {} of {} bad-input cases failed:\n{}",
        checker.failures.len(),
        checker.cases,
        checker.failures.join("\n")
    );
}

#[tokio::test]
async fn bad_task_bodies() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = fixture(&app).await;
        let mut c = Checker {
            app: &app,
            reader: Some(admin.clone()),
            cases: 0,
            failures: Vec::new(),
        };

        let create = Endpoint {
            method: "POST",
            path: format!("{WS}/tasks"),
            token: Some(admin.clone()),
            valid: json!({"product": "KEEL", "title": "Valid"}),
        };
        c.common(&create, &["product", "title"], "title").await;
        c.task_fields(&create).await;
        c.text_field(&create, "product").await;
        c.case(
            "POST tasks product unknown",
            create.json(&create.with("product", json!("NOPE"))),
            field("product"),
        )
        .await;
        c.case(
            "POST tasks product lower-case",
            create.json(&create.with("product", json!("keel"))),
            field("product"),
        )
        .await;
        let r = c
            .case(
                "POST tasks several bad fields",
                create
                    .json(&json!({"product": "KEEL", "title": "", "status": "x", "estimate": -1})),
                field("title"),
            )
            .await;
        for name in ["status", "estimate"] {
            if !r.error_fields().iter().any(|f| f == name) {
                c.failures.push(format!("POST tasks several bad fields: every bad field should be named, missing {name}: {}", r.text));
            }
        }

        let update = Endpoint {
            method: "PATCH",
            path: format!("{WS}/tasks/KEEL-1"),
            token: Some(admin.clone()),
            valid: json!({"title": "Changed"}),
        };
        c.common(&update, &[], "title").await;
        c.task_fields(&update).await;
        c.case(
            "PATCH task product (not changeable)",
            update.json(&update.with("product", json!("KEEL"))),
            field("product"),
        )
        .await;
        c.case(
            "PATCH task key",
            update.json(&update.with("key", json!("KEEL-9"))),
            field("key"),
        )
        .await;
        c.case(
            "PATCH task version",
            update.json(&update.with("version", json!(7))),
            field("version"),
        )
        .await;
        c.case(
            "PATCH task own parent",
            update.json(&update.with("parent", json!("KEEL-1"))),
            field("parent"),
        )
        .await;

        // The task is exactly as created.
        let t = app
            .get(&format!("{WS}/tasks/KEEL-1"), &admin)
            .await
            .expect(200);
        assert_eq!(
            (t.body["title"].as_str(), t.body["version"].as_i64()),
            (Some("Original"), Some(1)),
            "{backend:?}"
        );
        finish(backend, c);
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_workspace_product_and_member_bodies() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = fixture(&app).await;
        let mut c = Checker {
            app: &app,
            reader: Some(admin.clone()),
            cases: 0,
            failures: Vec::new(),
        };

        let workspace = Endpoint {
            method: "POST",
            path: "/api/v1/workspaces".into(),
            token: Some(admin.clone()),
            valid: json!({"name": "Globex", "slug": "globex"}),
        };
        c.common(&workspace, &["name", "slug"], "name").await;
        c.text_field(&workspace, "name").await;
        c.line_field(&workspace, "name").await;
        c.text_field(&workspace, "slug").await;
        for slug in [
            "Globex",
            "glo bex",
            "-globex",
            "globex-",
            "g",
            "glo_bex",
            "globex/x",
            "../etc",
            "globé",
            &"g".repeat(41),
        ] {
            c.case(
                format!("POST workspaces slug {slug:?}"),
                workspace.json(&workspace.with("slug", json!(slug))),
                field("slug"),
            )
            .await;
        }
        c.case(
            "POST workspaces slug taken",
            workspace.json(&workspace.with("slug", json!("acme"))),
            Want::Status(409, Some("slug")),
        )
        .await;

        let product = Endpoint {
            method: "POST",
            path: format!("{WS}/products"),
            token: Some(admin.clone()),
            valid: json!({"name": "Rocket", "key": "ROCK", "vision": "Fly"}),
        };
        c.common(&product, &["name", "key"], "name").await;
        c.text_field(&product, "name").await;
        c.line_field(&product, "name").await;
        c.text_field(&product, "key").await;
        for key in [
            "rock",
            "R",
            "1ROCK",
            "ROCK-1",
            "RO CK",
            "ROCKETSHIPS",
            "RÖCK",
        ] {
            c.case(
                format!("POST products key {key:?}"),
                product.json(&product.with("key", json!(key))),
                field("key"),
            )
            .await;
        }
        c.case(
            "POST products key taken",
            product.json(&product.with("key", json!("KEEL"))),
            Want::Status(409, Some("key")),
        )
        .await;
        for (what, v) in [
            ("a number", json!(5)),
            ("an object", json!({})),
            ("too long", json!("x".repeat(100_001))),
            ("with NUL", json!("a\u{0}b")),
        ] {
            c.case(
                format!("POST products vision {what}"),
                product.json(&product.with("vision", v)),
                field("vision"),
            )
            .await;
        }

        let member = Endpoint {
            method: "POST",
            path: format!("{WS}/members"),
            token: Some(admin.clone()),
            valid: json!({"email": "bob@example.com", "role": "member"}),
        };
        c.common(&member, &["email", "role"], "email").await;
        c.text_field(&member, "email").await;
        c.text_field(&member, "role").await;
        for role in ["superuser", "Owner", "OWNER", " member", "members", "root"] {
            c.case(
                format!("POST members role {role:?}"),
                member.json(&member.with("role", json!(role))),
                field("role"),
            )
            .await;
        }
        for email in [
            "nobody@example.com",
            "not-an-email",
            "@example.com",
            &format!("{}@example.com", "b".repeat(300)),
        ] {
            c.case(
                format!("POST members email {email:?}"),
                member.json(&member.with("email", json!(email))),
                field("email"),
            )
            .await;
        }
        c.case(
            "POST members already a member",
            member.json(&member.with("email", json!("admin@example.com"))),
            Want::Status(409, Some("email")),
        )
        .await;

        finish(backend, c);
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_setup_and_token_bodies() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        // Set-up on an instance with no account: nothing may create one.
        let mut c = Checker {
            app: &app,
            reader: None,
            cases: 0,
            failures: Vec::new(),
        };
        let setup = Endpoint {
            method: "POST",
            path: "/api/v1/setup".into(),
            token: None,
            valid: json!({"email": "admin@example.com", "name": "Admin", "password": PASSWORD}),
        };
        c.common(&setup, &["email", "name", "password"], "name")
            .await;
        c.text_field(&setup, "email").await;
        c.text_field(&setup, "name").await;
        c.line_field(&setup, "name").await;
        c.text_field(&setup, "password").await;
        c.case(
            "POST setup short password",
            setup.json(&setup.with("password", json!("short"))),
            field("password"),
        )
        .await;
        c.case(
            "POST setup password of 1001",
            setup.json(&setup.with("password", json!("p".repeat(1001)))),
            field("password"),
        )
        .await;
        c.case(
            "POST setup bad email",
            setup.json(&setup.with("email", json!("admin"))),
            field("email"),
        )
        .await;
        let failures = std::mem::take(&mut c.failures);
        let cases = c.cases;

        // Tokens, once set up.
        let admin = app.setup_admin().await;
        let mut c = Checker {
            app: &app,
            reader: Some(admin.clone()),
            cases,
            failures,
        };
        app.workspace(&admin, "acme").await;
        app.post(
            &format!("{WS}/tasks"),
            &admin,
            json!({"product": "KEEL", "title": "Original"}),
        )
        .await
        .expect(201);
        c.case(
            "POST setup again",
            setup.json(&setup.with("email", json!("second@example.com"))),
            Want::Status(409, None),
        )
        .await;
        let tokens = Endpoint {
            method: "POST",
            path: "/api/v1/auth/tokens".into(),
            token: None,
            valid: json!({"email": "admin@example.com", "password": PASSWORD, "name": "laptop"}),
        };
        c.common(&tokens, &["email", "password", "name"], "password")
            .await;
        c.text_field(&tokens, "email").await;
        c.text_field(&tokens, "name").await;
        c.line_field(&tokens, "name").await;
        c.case(
            "POST auth/tokens wrong password",
            tokens.json(&tokens.with("password", json!("wrong horse battery"))),
            status(401),
        )
        .await;
        c.case(
            "POST auth/tokens unknown email",
            tokens.json(&tokens.with("email", json!("nobody@example.com"))),
            status(401),
        )
        .await;
        c.case(
            "POST auth/tokens empty password",
            tokens.json(&tokens.with("password", json!(""))),
            field("password"),
        )
        .await;
        c.case(
            "POST auth/tokens password a number",
            tokens.json(&tokens.with("password", json!(12345678901_i64))),
            field("password"),
        )
        .await;
        c.case(
            "POST auth/tokens bad email",
            tokens.json(&tokens.with("email", json!("admin"))),
            field("email"),
        )
        .await;
        finish(backend, c);
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_task_keys_in_the_path() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = fixture(&app).await;
        let mut c = Checker {
            app: &app,
            reader: Some(admin.clone()),
            cases: 0,
            failures: Vec::new(),
        };
        let long_number = format!("KEEL-{}", "9".repeat(5000));
        let long_junk = "x".repeat(10_000);
        let keys = [
            "KEEL-0",
            "KEEL--1",
            "KEEL-abc",
            "KEEL-1x",
            "KEEL-",
            "keel-1",
            "KEEL-99999999999999999999",
            "KEEL-999",
            "NOPE-1",
            "%20KEEL-1",
            "KEEL-1%00",
            "%00",
            "%FF",
            "%C3%28",
            "..",
            "..%2F..%2Fetc%2Fpasswd",
            "%2E%2E%2F%2E%2E%2Fetc",
            "0190c0de00007000800000000000000",
            "0190c0de000070008000000000000000",
            "'%20OR%201=1--",
            long_number.as_str(),
            long_junk.as_str(),
        ];
        for key in keys {
            let shown: String = key.chars().take(40).collect();
            let path = format!("{WS}/tasks/{key}");
            for (method, body) in [
                ("GET", None),
                ("PATCH", Some(json!({"title": "Hijacked"}))),
                ("DELETE", None),
            ] {
                let (ct, bytes) = match &body {
                    Some(b) => (Some("application/json"), serde_json::to_vec(b).unwrap()),
                    None => (None, Vec::new()),
                };
                let req = request(method, &path, Some(&admin), ct, bytes, &[]);
                c.case(format!("{method} tasks/{shown}"), req, status(404))
                    .await;
            }
            let req = request(
                "POST",
                &format!("{path}/comments"),
                Some(&admin),
                Some("application/json"),
                br#"{"body":"hi"}"#.to_vec(),
                &[],
            );
            c.case(format!("POST tasks/{shown}/comments"), req, status(404))
                .await;
        }
        // Paths that leave the route altogether must still get a problem.
        for path in [
            format!("{WS}/tasks/../../etc"),
            format!("{WS}/tasks/KEEL-1/../../../etc/passwd"),
            format!("{WS}/tasks/KEEL-1/nope"),
            format!("{WS}/nope"),
            "/api/v1/nope".to_string(),
        ] {
            for method in ["GET", "PATCH", "DELETE"] {
                let req = request(
                    method,
                    &path,
                    Some(&admin),
                    Some("application/json"),
                    br#"{"title":"Hijacked"}"#.to_vec(),
                    &[],
                );
                c.case(format!("{method} {path}"), req, status(404)).await;
            }
        }
        // A method the route does not have.
        for (method, path) in [
            ("PUT", format!("{WS}/tasks/KEEL-1")),
            ("POST", format!("{WS}/tasks/KEEL-1")),
            ("DELETE", format!("{WS}/tasks")),
            ("PUT", "/api/v1/workspaces".to_string()),
        ] {
            let req = request(
                method,
                &path,
                Some(&admin),
                Some("application/json"),
                br#"{"title":"Hijacked"}"#.to_vec(),
                &[],
            );
            c.case(format!("{method} {path}"), req, status(405)).await;
        }
        finish(backend, c);
        app.finish().await;
    }
}

#[tokio::test]
async fn bad_list_parameters() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = fixture(&app).await;
        let mut c = Checker {
            app: &app,
            reader: Some(admin.clone()),
            cases: 0,
            failures: Vec::new(),
        };
        let lists = [
            "/api/v1/workspaces".to_string(),
            "/api/v1/auth/tokens".to_string(),
            format!("{WS}/members"),
            format!("{WS}/products"),
            format!("{WS}/teams"),
            format!("{WS}/tasks"),
            format!("{WS}/tasks/KEEL-1/comments"),
            format!("{WS}/tasks/KEEL-1/activity"),
        ];
        for list in &lists {
            for (query, want) in [
                ("limit=0", field("limit")),
                ("limit=501", field("limit")),
                ("limit=-1", field("limit")),
                ("limit=abc", field("limit")),
                ("limit=1.5", field("limit")),
                ("limit=", field("limit")),
                ("limit=99999999999999999999", field("limit")),
                ("limit=1&limit=2", Want::Any4xx),
                ("colour=red", field("colour")),
                ("limit=5&colour=red", field("colour")),
                ("%FF=1", Want::Any4xx),
            ] {
                let req = request(
                    "GET",
                    &format!("{list}?{query}"),
                    Some(&admin),
                    None,
                    Vec::new(),
                    &[],
                );
                c.case(format!("GET {list}?{query}"), req, want).await;
            }
            // A cursor this list never issued.
            for cursor in ["garbage", "%FF", "'%20OR%201=1--", &"z".repeat(5000)] {
                let shown: String = cursor.chars().take(20).collect();
                let req = request(
                    "GET",
                    &format!("{list}?cursor={cursor}"),
                    Some(&admin),
                    None,
                    Vec::new(),
                    &[],
                );
                c.case(format!("GET {list}?cursor={shown}"), req, field("cursor"))
                    .await;
            }
        }
        for (query, name) in [
            ("status=bogus", "status"),
            ("status=todo,bogus", "status"),
            ("priority=bogus", "priority"),
            ("type=bogus", "type"),
            ("product=NOPE", "product"),
            ("assignee=nobody@example.com", "assignee"),
            ("team=nope", "team"),
            ("parent=KEEL-0", "parent"),
            ("parent=KEEL-999", "parent"),
        ] {
            let req = request(
                "GET",
                &format!("{WS}/tasks?{query}"),
                Some(&admin),
                None,
                Vec::new(),
                &[],
            );
            c.case(format!("GET tasks?{query}"), req, field(name)).await;
        }
        finish(backend, c);
        app.finish().await;
    }
}

#[tokio::test]
async fn if_match() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = fixture(&app).await;
        let mut c = Checker {
            app: &app,
            reader: Some(admin.clone()),
            cases: 0,
            failures: Vec::new(),
        };
        let task = format!("{WS}/tasks/KEEL-1");
        let body = br#"{"title":"Changed"}"#.to_vec();
        let before = app.get(&task, &admin).await.expect(200);
        assert_eq!(before.header("etag"), Some("\"1\""));
        let garbage = [
            "banana",
            "\"banana\"",
            "W/\"x\"",
            "\"1",
            "\"-\"",
            "1.0",
            "\"1\" \"2\"",
            "",
            "99999999999999999999999",
        ];
        for value in garbage {
            let req = request(
                "PATCH",
                &task,
                Some(&admin),
                Some("application/json"),
                body.clone(),
                &[("if-match", value)],
            );
            c.case(
                format!("PATCH task If-Match {value:?}"),
                req,
                Want::Status(422, Some("If-Match")),
            )
            .await;
            let req = request(
                "DELETE",
                &task,
                Some(&admin),
                None,
                Vec::new(),
                &[("if-match", value)],
            );
            c.case(
                format!("DELETE task If-Match {value:?}"),
                req,
                Want::Status(422, Some("If-Match")),
            )
            .await;
        }
        let non_ascii = Request::builder()
            .method("PATCH")
            .uri(&task)
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", "application/json")
            .header(
                "if-match",
                axum::http::HeaderValue::from_bytes(b"\"\xff\"").unwrap(),
            )
            .body(Body::from(body.clone()))
            .unwrap();
        c.case(
            "PATCH task If-Match non-ASCII",
            non_ascii,
            Want::Status(422, Some("If-Match")),
        )
        .await;

        // A stale version: 412 and the task unchanged, for PATCH and DELETE.
        for stale in ["\"0\"", "\"2\"", "W/\"7\"", "\"-1\""] {
            let req = request(
                "PATCH",
                &task,
                Some(&admin),
                Some("application/json"),
                body.clone(),
                &[("if-match", stale)],
            );
            c.case(
                format!("PATCH task stale If-Match {stale}"),
                req,
                status(412),
            )
            .await;
            let req = request(
                "DELETE",
                &task,
                Some(&admin),
                None,
                Vec::new(),
                &[("if-match", stale)],
            );
            c.case(
                format!("DELETE task stale If-Match {stale}"),
                req,
                status(412),
            )
            .await;
        }
        let after = app.get(&task, &admin).await.expect(200);
        if before.body != after.body {
            c.failures.push(format!(
                "garbage or stale If-Match changed the task:\n  before {}\n  after  {}",
                before.text, after.text
            ));
        }
        // Bad body with a good If-Match: still nothing written.
        let req = request(
            "PATCH",
            &task,
            Some(&admin),
            Some("application/json"),
            br#"{"title":""}"#.to_vec(),
            &[("if-match", "\"1\"")],
        );
        c.case(
            "PATCH task empty title with current If-Match",
            req,
            field("title"),
        )
        .await;
        // Other versioned items honour If-Match the same way.
        for (path, patch) in [
            (WS.to_string(), json!({"name": "Renamed"})),
            (format!("{WS}/products/KEEL"), json!({"name": "Renamed"})),
        ] {
            for value in ["\"99\"", "banana"] {
                let want = if value == "banana" {
                    Want::Status(422, Some("If-Match"))
                } else {
                    status(412)
                };
                let req = request(
                    "PATCH",
                    &path,
                    Some(&admin),
                    Some("application/json"),
                    serde_json::to_vec(&patch).unwrap(),
                    &[("if-match", value)],
                );
                c.case(format!("PATCH {path} If-Match {value}"), req, want)
                    .await;
            }
        }
        // The current version still works afterwards.
        let req = request(
            "PATCH",
            &task,
            Some(&admin),
            Some("application/json"),
            body,
            &[("if-match", "\"1\"")],
        );
        let ok = app.send(req).await;
        if ok.status != 200 || ok.body["title"] != "Changed" {
            c.failures.push(format!(
                "PATCH with the current If-Match: {} {}",
                ok.status, ok.text
            ));
        }
        finish(backend, c);
        app.finish().await;
    }
}

/// NUL characters where the server looks something up by name (PostgreSQL
/// refuses NUL in text, so an unchecked one becomes a database error).
#[tokio::test]
async fn nul_characters_in_lookups() {
    for backend in backends() {
        let app = TestApp::new(backend).await;
        let admin = fixture(&app).await;
        let mut c = Checker {
            app: &app,
            reader: Some(admin.clone()),
            cases: 0,
            failures: Vec::new(),
        };
        let create = Endpoint {
            method: "POST",
            path: format!("{WS}/tasks"),
            token: Some(admin.clone()),
            valid: json!({"product": "KEEL", "title": "Valid"}),
        };
        let update = Endpoint {
            method: "PATCH",
            path: format!("{WS}/tasks/KEEL-1"),
            token: Some(admin.clone()),
            valid: json!({"title": "Changed"}),
        };
        for (ep, name) in [
            (&create, "product"),
            (&create, "assignee"),
            (&create, "parent"),
            (&create, "team"),
            (&create, "feature"),
            (&update, "assignee"),
            (&update, "parent"),
            (&update, "team"),
            (&update, "feature"),
        ] {
            c.case(
                format!("{} {name} with NUL", ep.label()),
                ep.json(&ep.with(name, json!("KE\u{0}EL"))),
                field(name),
            )
            .await;
        }
        let member = Endpoint {
            method: "POST",
            path: format!("{WS}/members"),
            token: Some(admin.clone()),
            valid: json!({"email": "bob@example.com", "role": "member"}),
        };
        c.case(
            "POST members email with NUL",
            member.json(&member.with("email", json!("bob\u{0}@example.com"))),
            field("email"),
        )
        .await;
        let tokens = Endpoint {
            method: "POST",
            path: "/api/v1/auth/tokens".into(),
            token: None,
            valid: json!({"email": "admin@example.com", "password": PASSWORD, "name": "laptop"}),
        };
        c.case(
            "POST auth/tokens email with NUL",
            tokens.json(&tokens.with("email", json!("admin\u{0}@example.com"))),
            Want::Any4xx,
        )
        .await;
        c.case(
            "POST auth/tokens password with NUL",
            tokens.json(&tokens.with("password", json!("correct\u{0}horse"))),
            Want::Any4xx,
        )
        .await;
        for path in [
            "/api/v1/workspaces/ac%00me".to_string(),
            "/api/v1/workspaces/ac%00me/tasks".to_string(),
            format!("{WS}/products/KE%00EL"),
            format!("{WS}/tasks/KEEL-1%00/comments"),
        ] {
            let req = request("GET", &path, Some(&admin), None, Vec::new(), &[]);
            c.case(format!("GET {path}"), req, status(404)).await;
        }
        for path in [
            format!("{WS}/members/bob%00@example.com"),
            format!("{WS}/products/KE%00EL"),
        ] {
            let req = request(
                "PATCH",
                &path,
                Some(&admin),
                Some("application/json"),
                br#"{"name":"x"}"#.to_vec(),
                &[],
            );
            c.case(format!("PATCH {path}"), req, Want::Any4xx).await;
        }
        let req = request(
            "DELETE",
            "/api/v1/auth/tokens/ab%00c",
            Some(&admin),
            None,
            Vec::new(),
            &[],
        );
        c.case("DELETE auth/tokens/ab%00c", req, status(404)).await;
        for (query, name) in [
            ("product=KE%00EL", "product"),
            ("assignee=a%00b", "assignee"),
            ("team=e%00ng", "team"),
            ("parent=KEEL-1%00", "parent"),
        ] {
            let req = request(
                "GET",
                &format!("{WS}/tasks?{query}"),
                Some(&admin),
                None,
                Vec::new(),
                &[],
            );
            c.case(format!("GET tasks?{query}"), req, field(name)).await;
        }
        for (query, name) in [
            ("label=u%00i", "label"),
            ("q=a%00b", "q"),
            ("cursor=%00", "cursor"),
        ] {
            let req = request(
                "GET",
                &format!("{WS}/tasks?{query}"),
                Some(&admin),
                None,
                Vec::new(),
                &[],
            );
            c.case(format!("GET tasks?{query}"), req, field(name)).await;
        }
        finish(backend, c);
        app.finish().await;
    }
}
