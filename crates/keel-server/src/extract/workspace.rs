//! The workspace named in the path, and the caller's role in it. Resolved
//! once per request; handlers then state the permission they need.
//!
//! A caller who is not an active member gets 404, exactly as for a
//! workspace that does not exist, so slugs and ids leak nothing.

use crate::AppState;
use crate::error::ApiError;
use crate::extract::Caller;
use crate::extract::auth::{bearer_token, token_caller};
use crate::secrets::token_hash;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use keel_domain::model::Workspace;
use keel_domain::{Permission, Role};
use keel_store::repo;

pub struct WorkspaceCtx {
    pub caller: Caller,
    pub workspace: Workspace,
    pub role: Role,
}

impl WorkspaceCtx {
    /// Fails with 403 unless the caller's role allows `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), ApiError> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "your role in this workspace does not allow this",
            ))
        }
    }

    pub fn user_id(&self) -> &str {
        &self.caller.user.id
    }
}

impl FromRequestParts<AppState> for WorkspaceCtx {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Token requests (the API's hot path) resolve the token and the
        // membership in one query; sessions take the general path.
        if parts.extensions.get::<Caller>().is_none()
            && let Some(token) = bearer_token(&parts.headers)?
        {
            let token_hash = token_hash(token);
            let slug = workspace_slug(parts, app).await?;
            let (auth, access) =
                repo::tokens::authenticate_for_workspace(app.store.db(), &token_hash, &slug)
                    .await?
                    .ok_or(ApiError::Unauthorized(
                        "the token is invalid or was revoked",
                    ))?;
            let caller = token_caller(app, auth);
            parts.extensions.insert(caller.clone());
            let access = access.ok_or(ApiError::NotFound("no such workspace"))?;
            return Ok(WorkspaceCtx {
                caller,
                workspace: access.workspace,
                role: access.role,
            });
        }
        let caller = Caller::from_request_parts(parts, app).await?;
        let slug = workspace_slug(parts, app).await?;
        let access = repo::workspaces::access(app.store.db(), &slug, &caller.user.id)
            .await?
            .ok_or(ApiError::NotFound("no such workspace"))?;
        Ok(WorkspaceCtx {
            caller,
            workspace: access.workspace,
            role: access.role,
        })
    }
}

/// The `{ws}` path parameter; 404 when it is missing or cannot name a
/// workspace.
async fn workspace_slug(parts: &mut Parts, app: &AppState) -> Result<String, ApiError> {
    let params = RawPathParams::from_request_parts(parts, app)
        .await
        .map_err(|_| ApiError::NotFound("no such workspace"))?;
    // No slug, key or id has a NUL, and PostgreSQL cannot look one up.
    if params.iter().any(|(_, value)| value.contains('\0')) {
        return Err(ApiError::NotFound("no such item"));
    }
    params
        .iter()
        .find(|(name, _)| *name == "ws")
        .map(|(_, value)| value.to_string())
        .ok_or(ApiError::NotFound("no such workspace"))
}
