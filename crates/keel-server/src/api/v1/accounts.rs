//! First-run set-up, accounts, and personal API tokens.

use super::{PageParams, convert, page_of};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Json, Query};
use crate::reply;
use crate::secrets;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    CreatedToken, Me, NewToken, NewUser, Page, Problem, SetupResponse, TokenInfo, User,
};
use keel_domain::ValidationErrors;
use keel_domain::ids::new_id;
use keel_domain::model;
use keel_domain::time::Timestamp;
use keel_domain::values::{Email, Password, line};
use keel_store::{Tx, repo};

/// Validated fields of a new account.
pub(crate) struct AccountInput {
    pub email: Email,
    pub name: String,
    pub password: Password,
}

pub(crate) fn validate_new_user(body: &NewUser) -> ApiResult<AccountInput> {
    let mut errors = ValidationErrors::new();
    let email = errors.check(Email::parse("email", &body.email));
    let name = errors.check(line("name", &body.name));
    let password = errors.check(Password::parse("password", &body.password));
    match (email, name, password) {
        (Some(email), Some(name), Some(password)) if errors.is_empty() => Ok(AccountInput {
            email,
            name,
            password,
        }),
        _ => Err(errors.into()),
    }
}

/// Argon2 is deliberately slow; keep it off the async workers.
pub(crate) async fn hash(password: Password) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || secrets::hash_password(password.expose()))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(ApiError::Internal)
}

pub(crate) async fn insert_user(
    tx: &mut Tx,
    input: &AccountInput,
    password_hash: &str,
    is_admin: bool,
) -> ApiResult<model::User> {
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    Ok(repo::users::insert(
        tx,
        repo::users::NewUserRecord {
            id: &id,
            email: input.email.as_str(),
            name: &input.name,
            password_hash,
            is_admin,
            created_at: &now,
        },
    )
    .await?)
}

pub(crate) async fn issue_token(tx: &mut Tx, user_id: &str, name: &str) -> ApiResult<CreatedToken> {
    let token = secrets::new_token().map_err(ApiError::Internal)?;
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    repo::tokens::insert(tx, &id, user_id, name, &secrets::token_hash(&token), &now).await?;
    Ok(CreatedToken { id, token })
}

/// Creates the first account (an instance admin) and a token for it. Only
/// possible while the instance has no account at all.
#[utoipa::path(post, path = "/api/v1/setup", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = SetupResponse), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn setup(State(app): State<AppState>, Json(body): Json<NewUser>) -> ApiResult<Response> {
    let input = validate_new_user(&body)?;
    if repo::users::count(app.store.db()).await? > 0 {
        return Err(already_set_up());
    }
    let password_hash = hash(input.password.clone_secret()).await?;
    let mut tx = app.store.begin().await?;
    repo::users::lock_for_setup(&mut tx).await?;
    if repo::users::count(tx.db()).await? > 0 {
        return Err(already_set_up());
    }
    let user = insert_user(&mut tx, &input, &password_hash, true).await?;
    let token = issue_token(&mut tx, &user.id, "set-up").await?;
    tx.commit().await?;
    let body = SetupResponse {
        user: convert::user(&user),
        token: token.token,
    };
    Ok(reply::created(&body, "/api/v1/me", 1))
}

pub(crate) fn already_set_up() -> ApiError {
    ApiError::Conflict {
        field: "email".into(),
        message: "this instance is already set up; sign in or ask an admin for an account".into(),
    }
}

/// The account with this email and password; 401 otherwise, with the same
/// answer (and about the same time) whether or not the email exists.
pub(crate) async fn check_credentials(
    app: &AppState,
    email: &Email,
    password: &str,
) -> ApiResult<model::User> {
    let creds = repo::users::by_email(app.store.db(), email.as_str()).await?;
    let stored = match &creds {
        Some(c) => c.password_hash.clone(),
        None => app.dummy_password_hash().await?,
    };
    let password = password.to_string();
    let ok = tokio::task::spawn_blocking(move || secrets::verify_password(&password, &stored))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    match (ok, creds) {
        (true, Some(c)) => Ok(c.user),
        _ => Err(ApiError::Unauthorized("the email or password is wrong")),
    }
}

/// Exchanges email and password for a named personal API token. The token
/// is shown only in this response.
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 401, body = Problem), (status = 422, body = Problem)))]
pub async fn create_token(
    State(app): State<AppState>,
    Json(body): Json<NewToken>,
) -> ApiResult<Response> {
    let mut errors = ValidationErrors::new();
    let email = errors.check(Email::parse("email", &body.email));
    let name = errors.check(line("name", &body.name));
    if body.password.is_empty() {
        errors.push(keel_domain::FieldError::new(
            "password",
            "must not be empty",
        ));
    }
    let (Some(email), Some(name)) = (email, name) else {
        return Err(errors.into());
    };
    errors.into_result()?;
    let user = check_credentials(&app, &email, &body.password).await?;
    let mut tx = app.store.begin().await?;
    let token = issue_token(&mut tx, &user.id, &name).await?;
    tx.commit().await?;
    let location = format!("/api/v1/auth/tokens/{}", token.id);
    Ok(reply::created(&token, &location, 1))
}

/// The caller's tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "accounts", params(PageParams),
    responses((status = 200, body = Page<TokenInfo>), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list_tokens(
    State(app): State<AppState>,
    caller: Caller,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<TokenInfo>>> {
    let tokens = repo::tokens::list_for_user(app.store.db(), &caller.user.id).await?;
    let items = tokens
        .into_iter()
        .map(|t| TokenInfo {
            id: t.id,
            name: t.name,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        })
        .collect();
    Ok(axum::Json(page_of(
        items,
        |t: &TokenInfo| &t.id,
        page.limit,
        page.cursor.as_deref(),
    )?))
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "accounts",
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn revoke_token(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut tx = app.store.begin().await?;
    repo::tokens::delete(&mut tx, &caller.user.id, &id)
        .await
        .map_err(|_| ApiError::NotFound("no such token"))?;
    tx.commit().await?;
    Ok(reply::no_content())
}

/// A name for a new token, created for the signed-in caller (no password:
/// the caller is already authenticated, e.g. by the browser session).
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenName {
    pub name: String,
}

/// Creates a personal API token for the caller; shown only in this response.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = TokenName,
    responses((status = 201, body = CreatedToken), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_own_token(
    State(app): State<AppState>,
    caller: Caller,
    Json(body): Json<TokenName>,
) -> ApiResult<Response> {
    let name = line("name", &body.name)?;
    let mut tx = app.store.begin().await?;
    let token = issue_token(&mut tx, &caller.user.id, &name).await?;
    tx.commit().await?;
    let location = format!("/api/v1/auth/tokens/{}", token.id);
    Ok(reply::created(&token, &location, 1))
}

/// The authenticated account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    responses((status = 200, body = Me), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn me(caller: Caller) -> axum::Json<Me> {
    let u = caller.user;
    axum::Json(Me {
        id: u.id,
        email: u.email,
        name: u.name,
        is_admin: u.is_admin,
    })
}

/// Creates an account (instance admins only).
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = User), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_user(
    State(app): State<AppState>,
    caller: Caller,
    Json(body): Json<NewUser>,
) -> ApiResult<Response> {
    if !caller.user.is_admin {
        return Err(ApiError::Forbidden(
            "only instance admins can create accounts",
        ));
    }
    let input = validate_new_user(&body)?;
    let password_hash = hash(input.password.clone_secret()).await?;
    let mut tx = app.store.begin().await?;
    let user = insert_user(&mut tx, &input, &password_hash, false).await?;
    tx.commit().await?;
    Ok(reply::created(
        &convert::user(&user),
        &format!("/api/v1/users/{}", user.id),
        1,
    ))
}
