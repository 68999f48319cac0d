//! Who is calling: a personal API token in `Authorization: Bearer`.

use crate::AppState;
use crate::error::ApiError;
use crate::secrets::token_hash;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use keel_domain::model::User;
use keel_store::repo;

/// The authenticated user, and the token they used.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub token_id: String,
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
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .ok_or(ApiError::Unauthorized("send Authorization: Bearer <token>"))?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(ApiError::Unauthorized("send Authorization: Bearer <token>"))?;
        let auth = repo::tokens::authenticate(app.store.db(), &token_hash(token))
            .await?
            .ok_or(ApiError::Unauthorized(
                "the token is invalid or was revoked",
            ))?;
        note_use(app, &auth);
        let caller = Caller {
            user: auth.user,
            token_id: auth.token_id,
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
    let now = keel_domain::time::Timestamp::now();
    let fresh = auth
        .last_used_at
        .as_deref()
        .and_then(|t| keel_domain::time::Timestamp::parse("last_used_at", t).ok())
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
