//! Who is calling: a personal API token in `Authorization: Bearer`, or a
//! browser session cookie. Cookie-authenticated requests that change
//! something must also carry the session's CSRF token in `X-CSRF-Token`
//! and must not come from another site.

use crate::AppState;
use crate::error::ApiError;
use crate::secrets::token_hash;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use keel_domain::model::User;
use keel_domain::time::Timestamp;
use keel_store::repo;

/// Name of the browser session cookie.
pub const SESSION_COOKIE: &str = "keel_session";
/// Header carrying the CSRF token on cookie-authenticated writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A personal API token (its id).
    Token(String),
    /// A browser session: the hash of its id, and its CSRF token.
    Session { id_hash: String, csrf_token: String },
}

/// The authenticated user.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub credential: Credential,
}

impl Caller {
    /// The session's CSRF token, for pages to embed.
    pub fn csrf_token(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { csrf_token, .. } => Some(csrf_token),
            Credential::Token(_) => None,
        }
    }
}

/// The value of one cookie from the `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Compares secrets without stopping at the first difference.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Whether the browser says the request comes from another site. Browsers
/// send `Sec-Fetch-Site` on every request; older ones send `Origin` on
/// cross-origin writes. `Origin: null` (a sandboxed frame, a `data:` page)
/// is never one of our pages, so it counts as another site.
pub fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "cross-site" || site == "same-site";
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split("://").nth(1).unwrap_or(origin);
            origin == "null" || origin_host != host
        }
        (Some(_), None) => true,
        _ => false,
    }
}

/// Looks up the session named by the request's cookie.
pub async fn session_from_cookie(
    app: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Caller>, ApiError> {
    let Some(id) = cookie(headers, SESSION_COOKIE).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let id_hash = token_hash(id);
    let now = Timestamp::now().to_rfc3339();
    Ok(repo::sessions::get(app.store.db(), &id_hash, &now)
        .await?
        .map(|s| Caller {
            user: s.user,
            credential: Credential::Session {
                id_hash,
                csrf_token: s.csrf_token,
            },
        }))
}

/// The bearer token of the request, if it sent an `Authorization` header;
/// 401 for a header that is not a usable bearer token.
pub fn bearer_token(headers: &HeaderMap) -> Result<Option<&str>, ApiError> {
    let Some(header) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    header
        .to_str()
        .ok()
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(Some)
        .ok_or(ApiError::Unauthorized("send Authorization: Bearer <token>"))
}

/// The caller behind an authenticated token (and a note that it was used).
pub fn token_caller(app: &AppState, auth: repo::tokens::Authenticated) -> Caller {
    note_use(app, &auth);
    Caller {
        user: auth.user,
        credential: Credential::Token(auth.token_id),
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        let caller =
            if let Some(token) = bearer_token(&parts.headers)? {
                let auth = repo::tokens::authenticate(app.store.db(), &token_hash(token))
                    .await?
                    .ok_or(ApiError::Unauthorized(
                        "the token is invalid or was revoked",
                    ))?;
                token_caller(app, auth)
            } else {
                let caller = session_from_cookie(app, &parts.headers).await?.ok_or(
                    ApiError::Unauthorized("send Authorization: Bearer <token>, or sign in"),
                )?;
                // Browsers send cookies with cross-site requests too: writes made
                // with a cookie must prove they come from our own pages.
                if !is_safe(&parts.method) {
                    let sent = parts
                        .headers
                        .get(CSRF_HEADER)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("");
                    let expected = caller.csrf_token().unwrap_or_default();
                    if is_cross_site(&parts.headers) || !constant_time_eq(sent, expected) {
                        return Err(ApiError::Forbidden(
                            "missing or wrong CSRF token; reload the page",
                        ));
                    }
                }
                // A WebSocket handshake is a GET, so check where it comes from.
                if parts.headers.contains_key(header::UPGRADE) && is_cross_site(&parts.headers) {
                    return Err(ApiError::Forbidden(
                        "cross-site WebSocket connections are refused",
                    ));
                }
                caller
            };
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}

/// How stale `last_used_at` may get before it is rewritten: often enough to
/// tell a dead token from a live one, rarely enough that reads stay reads.
const TOUCH_EVERY: time::Duration = time::Duration::minutes(10);

/// Updates the token's `last_used_at` in the background when it is stale,
/// so the request never waits for a write.
fn note_use(app: &AppState, auth: &repo::tokens::Authenticated) {
    let now = Timestamp::now();
    let fresh = auth
        .last_used_at
        .as_deref()
        .and_then(|t| Timestamp::parse("last_used_at", t).ok())
        .is_some_and(|t| now.datetime() - t.datetime() < TOUCH_EVERY);
    if fresh {
        return;
    }
    let store = app.store.clone();
    let token_id = auth.token_id.clone();
    tokio::spawn(async move {
        let result = async {
            let mut tx = store.begin().await?;
            repo::tokens::touch(&mut tx, &token_id, &now.to_rfc3339()).await?;
            tx.commit().await
        }
        .await;
        if let Err(err) = result {
            tracing::warn!(%err, "could not record token use");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cookies_and_origins() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; keel_session=abc; b=2"),
        );
        assert_eq!(cookie(&h, "keel_session"), Some("abc"));
        assert_eq!(cookie(&h, "missing"), None);
        h.insert(header::HOST, HeaderValue::from_static("keel.example.com"));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://keel.example.com"),
        );
        assert!(!is_cross_site(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(is_cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(is_cross_site(&h), "a sandboxed frame is not our page");
        h.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(!is_cross_site(&h));
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "ab"));
    }
}
