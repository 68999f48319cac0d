//! Keel's HTTP server as a library: [`build_router`] turns state into a
//! router, [`serve`] runs it on a listener until a shutdown signal. `main`
//! loads config and calls these; tests pass a port-0 listener or drive the
//! router in-process.

pub mod api;
pub mod error;
pub mod extract;
pub mod import;
pub mod insight;
pub mod live;
pub mod login_limit;
pub mod openapi;
pub mod rate_limit;
mod reply;
mod request_id;
pub mod secrets;
pub mod web;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, Request, header};
use keel_store::Store;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Everything a handler may need: one shared [`AppParts`], so that the
/// clone axum makes for every request (and the `State` extractor makes
/// again) is one reference count, not one per part.
#[derive(Clone)]
pub struct AppState(std::sync::Arc<AppParts>);

/// What [`AppState`] shares.
pub struct AppParts {
    pub store: Store,
    /// Committed events, for WebSocket subscribers.
    pub live: live::LiveBus,
    /// Similar feedback and themes: the model, if any, and its worker.
    pub insight: insight::Insight,
    /// The OpenAPI document, rendered on first request and kept. Not built
    /// at start-up: it walks every route's description, which would make
    /// an idle server touch (and keep resident) most of the binary's code.
    openapi_json: std::sync::OnceLock<axum::body::Bytes>,
    /// Submissions and votes on public portals, per client address.
    pub portal_limiter: rate_limit::RateLimiter,
    /// Failed sign-ins, per account and per client address.
    pub login_limiter: login_limit::LoginLimiter,
    /// A hash to verify against when an account does not exist, made on
    /// first use.
    dummy_hash: tokio::sync::OnceCell<String>,
}

impl std::ops::Deref for AppState {
    type Target = AppParts;

    fn deref(&self) -> &AppParts {
        &self.0
    }
}

impl AppState {
    pub fn new(store: Store) -> Self {
        Self::with_insight(store, insight::Insight::default())
    }

    /// A state whose similar feedback and themes use `insight` (a model).
    pub fn with_insight(store: Store, insight: insight::Insight) -> Self {
        Self(std::sync::Arc::new(AppParts {
            store,
            live: live::LiveBus::default(),
            insight,
            openapi_json: Default::default(),
            // A visitor may send 20 at once, then one every 20 s (180 an hour).
            portal_limiter: rate_limit::RateLimiter::new(20, Duration::from_secs(20)),
            login_limiter: Default::default(),
            dummy_hash: Default::default(),
        }))
    }

    /// Starts background work: on PostgreSQL, the listener that brings
    /// events committed by other instances to this one's subscribers; with
    /// a model, the worker that embeds feedback.
    pub fn start_background(&self) {
        live::spawn_fanout(self.store.clone(), self.live.clone());
        self.insight.spawn_worker(self.store.clone());
    }

    /// The OpenAPI document as JSON, rendered once.
    pub fn openapi_json(&self) -> axum::body::Bytes {
        self.openapi_json
            .get_or_init(|| {
                let doc = openapi::document().to_pretty_json().unwrap_or_default();
                axum::body::Bytes::from(doc)
            })
            .clone()
    }

    /// A real argon2id hash of a random password, so a login for an unknown
    /// email costs as much as one for a known email.
    pub async fn dummy_password_hash(&self) -> Result<String, error::ApiError> {
        self.dummy_hash
            .get_or_try_init(|| async {
                let secret = secrets::new_token().map_err(error::ApiError::Internal)?;
                tokio::task::spawn_blocking(move || secrets::hash_password(&secret))
                    .await
                    .map_err(|e| error::ApiError::Internal(e.to_string()))?
                    .map_err(error::ApiError::Internal)
            })
            .await
            .cloned()
    }
}

/// The complete router: API, OpenAPI document, health check, with request
/// ids, tracing, a body limit and panic catching.
pub fn build_router(state: AppState) -> Router {
    let api = api::serving_router();
    let id_header = HeaderName::from_static("x-request-id");
    api.merge(web::router())
        .with_state(state)
        // Unknown paths get a problem too, not an empty body.
        .fallback(|| async { error::ApiError::NotFound("no such route") })
        .method_not_allowed_fallback(|| async { error::ApiError::MethodNotAllowed })
        // A request's point reads (its token, then the item it asks for)
        // share one SQLite read transaction.
        .layer(axum::middleware::from_fn(
            |request: Request<axum::body::Body>, next: axum::middleware::Next| {
                keel_store::share_point_reads(next.run(request))
            },
        ))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        // Headers on every response: only our own scripts and styles (no
        // inline script, no framing), no MIME sniffing, no referrer leaking
        // to other sites.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(CatchPanicLayer::custom(|_| {
            axum::response::IntoResponse::into_response(error::ApiError::Internal(
                "handler panicked".into(),
            ))
        }))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), path = %web::redacted_path(req.uri().path()), request_id = %id)
            })
            // One line per request, with status and latency, inside the span
            // that carries the request id.
            .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(id_header.clone()))
        .layer(SetRequestIdLayer::new(
            id_header,
            request_id::ProcessRequestIds::new(),
        ))
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets
/// in-flight requests finish (up to `grace`) before returning.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> std::io::Result<()> {
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    // The peer address reaches handlers (the portal's rate limit keys on it).
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, service).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let mut stopped = stop_rx.clone();
    tokio::select! {
        result = server => result,
        _ = async {
            let _ = stopped.wait_for(|s| *s).await;
            tokio::time::sleep(grace).await;
        } => {
            tracing::warn!("in-flight requests did not finish within the grace period");
            Ok(())
        }
    }
}

/// The Content-Security-Policy of every response.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";
