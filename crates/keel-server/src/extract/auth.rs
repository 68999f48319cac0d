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
        let (token_id, user) = repo::tokens::authenticate(app.store.db(), &token_hash(token))
            .await?
            .ok_or(ApiError::Unauthorized(
                "the token is invalid or was revoked",
            ))?;
        let caller = Caller { user, token_id };
        parts.extensions.insert(caller.clone());
        Ok(caller)
    }
}
