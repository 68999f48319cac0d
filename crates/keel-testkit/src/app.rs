//! The real router, driven in-process.

use crate::TestDb;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use keel_store::Backend;
use serde_json::{Value, json};
use tower::ServiceExt;

pub struct TestApp {
    pub db: TestDb,
    pub router: Router,
}

/// A response with its body parsed as JSON when it is JSON.
#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Response {
    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `field` of each entry in a problem's `errors`.
    pub fn error_fields(&self) -> Vec<String> {
        self.body["errors"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e["field"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl TestApp {
    pub async fn new(backend: Backend) -> TestApp {
        Self::with_insight(backend, keel_server::insight::Insight::default()).await
    }

    /// An app whose similar feedback and themes use `insight` (a model).
    pub async fn with_insight(backend: Backend, insight: keel_server::insight::Insight) -> TestApp {
        let db = TestDb::new(backend).await;
        let state = keel_server::AppState::with_insight(db.store.clone(), insight);
        state.start_background();
        let router = keel_server::build_router(state);
        TestApp { db, router }
    }

    /// Serves the router on a free loopback port (for WebSocket tests) and
    /// returns the address. The server stops when the test's runtime ends.
    pub async fn listen(&self) -> std::net::SocketAddr {
        serve_on_loopback(self.router.clone()).await
    }

    /// A second instance on the same database, with its own connection
    /// pool and event bus, served on its own port — as a second `keel serve`
    /// would be.
    pub async fn another_instance(&self) -> std::net::SocketAddr {
        let store = keel_store::Store::open(
            &self.db.url(),
            &keel_store::StoreOptions {
                max_connections: 4,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let state = keel_server::AppState::new(store);
        state.start_background();
        serve_on_loopback(keel_server::build_router(state)).await
    }

    pub async fn finish(self) {
        self.db.finish().await;
    }

    /// Sends a raw request.
    pub async fn send(&self, req: Request<Body>) -> Response {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Response {
            status,
            headers,
            body,
            text,
        }
    }

    /// Sends a JSON request (`body` `None` sends no body).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        self.call_with(method, path, token, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Response {
        let mut req = Request::builder()
            .method(Method::from_bytes(method.as_bytes()).unwrap())
            .uri(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        self.send(req).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.call("GET", path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Response {
        self.call("POST", path, Some(token), Some(body)).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: Value) -> Response {
        self.call("PATCH", path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.call("DELETE", path, Some(token), None).await
    }

    /// Runs first-run set-up; returns the admin's token.
    pub async fn setup_admin(&self) -> String {
        let r = self
            .call("POST", "/api/v1/setup", None, Some(json!({"email": "admin@example.com", "name": "Admin", "password": "correct horse battery"})))
            .await
            .expect(201);
        r.body["token"].as_str().unwrap().to_string()
    }

    /// Creates an account through the admin API and returns a token for it.
    pub async fn user(&self, admin_token: &str, email: &str) -> String {
        self.post("/api/v1/admin/users", admin_token, json!({"email": email, "name": email.split('@').next().unwrap(), "password": "correct horse battery"}))
            .await
            .expect(201);
        let r = self
            .call(
                "POST",
                "/api/v1/auth/tokens",
                None,
                Some(json!({"email": email, "password": "correct horse battery", "name": "test"})),
            )
            .await
            .expect(201);
        r.body["token"].as_str().unwrap().to_string()
    }

    /// Creates workspace `slug` owned by `token`'s user, with product `KEEL`.
    pub async fn workspace(&self, token: &str, slug: &str) {
        self.post(
            "/api/v1/workspaces",
            token,
            json!({"name": slug, "slug": slug}),
        )
        .await
        .expect(201);
        self.post(
            &format!("/api/v1/workspaces/{slug}/products"),
            token,
            json!({"name": "Keel", "key": "KEEL"}),
        )
        .await
        .expect(201);
    }

    /// Adds `email` to the workspace with `role`.
    pub async fn add_member(&self, owner_token: &str, slug: &str, email: &str, role: &str) {
        self.post(
            &format!("/api/v1/workspaces/{slug}/members"),
            owner_token,
            json!({"email": email, "role": role}),
        )
        .await
        .expect(201);
    }
}

async fn serve_on_loopback(router: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
        let _ = axum::serve(listener, service).await;
    });
    addr
}
