//! First-run set-up, accounts, and personal API tokens.

use super::{PageParams, convert, page_of};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Caller, Json, Query};
use crate::rate_limit::ClientAddr;
use crate::reply;
use crate::secrets;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    CreatedToken, LoggedOut, LogoutAll, Me, NewToken, NewUser, Page, Problem, SetupResponse,
    TokenInfo, User,
};
use keel_domain::ValidationErrors;
use keel_domain::ids::new_id;
use keel_domain::model;
use keel_domain::time::Timestamp;
use keel_domain::values::{Email, Password, line};
use keel_store::repo::audit::{NewEvent, action};
use keel_store::{Tx, repo};
use serde_json::json;
use std::net::IpAddr;

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

/// Creates a token for `user_id` and logs it (`ip`: where the request came
/// from).
pub(crate) async fn issue_token(
    tx: &mut Tx,
    user_id: &str,
    name: &str,
    ip: Option<IpAddr>,
) -> ApiResult<CreatedToken> {
    let token = secrets::new_token().map_err(ApiError::Internal)?;
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    repo::tokens::insert(tx, &id, user_id, name, &secrets::token_hash(&token), &now).await?;
    let ip = ip.map(|a| a.to_string());
    repo::audit::record(
        tx,
        &NewEvent {
            actor_id: Some(user_id),
            action: action::TOKEN_CREATED,
            target: &id,
            ip: ip.as_deref(),
            detail: Some(json!({ "name": name })),
            ..NewEvent::default()
        },
    )
    .await?;
    Ok(CreatedToken { id, token })
}

/// Creates the first account (an instance admin) and a token for it. Only
/// possible while the instance has no account at all.
#[utoipa::path(post, path = "/api/v1/setup", tag = "accounts", request_body = NewUser,
    responses((status = 201, body = SetupResponse), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn setup(
    State(app): State<AppState>,
    addr: ClientAddr,
    Json(body): Json<NewUser>,
) -> ApiResult<Response> {
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
    let token = issue_token(&mut tx, &user.id, "set-up", Some(addr.0)).await?;
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

/// Where a sign-in came from, for the audit log.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Via {
    Api,
    Web,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Api => "api",
            Via::Web => "web",
        }
    }
}

/// [`check_credentials`] under the sign-in limits ([`crate::login_limit`]):
/// refused with 429 while the account or the address is over its failures;
/// a failure is counted and logged (with the email tried, never the
/// password). `email` is as typed; one that is not an email fails like a
/// wrong password.
pub(crate) async fn attempt_login(
    app: &AppState,
    email: &str,
    password: &str,
    addr: IpAddr,
    via: Via,
) -> ApiResult<model::User> {
    if let Err(retry_after_secs) = app.login_limiter.check(email, addr) {
        return Err(ApiError::TooManyLoginFailures { retry_after_secs });
    }
    let result = match Email::parse("email", email) {
        Ok(valid) => check_credentials(app, &valid, password).await,
        Err(_) => Err(ApiError::Unauthorized("the email or password is wrong")),
    };
    if let Err(ApiError::Unauthorized(_)) = &result {
        app.login_limiter.failed(email, addr);
        let tried: String = email.trim().to_lowercase().chars().take(254).collect();
        let ip = addr.to_string();
        let mut tx = app.store.begin().await?;
        repo::audit::record(
            &mut tx,
            &NewEvent {
                action: action::LOGIN_FAILED,
                target: &tried,
                ip: Some(&ip),
                detail: Some(json!({ "via": via.as_str() })),
                ..NewEvent::default()
            },
        )
        .await?;
        tx.commit().await?;
    }
    result
}

/// Logs a successful sign-in in `tx` (the one that creates the session or
/// token).
pub(crate) async fn record_login(
    tx: &mut Tx,
    user_id: &str,
    addr: Option<IpAddr>,
    via: Via,
) -> ApiResult<()> {
    let ip = addr.map(|a| a.to_string());
    repo::audit::record(
        tx,
        &NewEvent {
            actor_id: Some(user_id),
            action: action::LOGIN,
            target: user_id,
            ip: ip.as_deref(),
            detail: Some(json!({ "via": via.as_str() })),
            ..NewEvent::default()
        },
    )
    .await?;
    Ok(())
}

/// Exchanges email and password for a named personal API token. The token
/// is shown only in this response. Failed attempts are limited per account
/// and per client address: over the limit the answer is 429 with
/// `Retry-After` (seconds), whatever the password.
#[utoipa::path(post, path = "/api/v1/auth/tokens", tag = "accounts", request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 401, body = Problem), (status = 422, body = Problem),
        (status = 429, body = Problem, headers(("Retry-After" = u64, description = "Seconds to wait")))))]
pub async fn create_token(
    State(app): State<AppState>,
    addr: ClientAddr,
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
    let user = attempt_login(&app, email.as_str(), &body.password, addr.0, Via::Api).await?;
    let mut tx = app.store.begin().await?;
    record_login(&mut tx, &user.id, Some(addr.0), Via::Api).await?;
    let token = issue_token(&mut tx, &user.id, &name, Some(addr.0)).await?;
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
    let items = tokens.into_iter().map(token_info).collect();
    Ok(axum::Json(page_of(
        items,
        |t: &TokenInfo| &t.id,
        page.limit,
        page.cursor.as_deref(),
    )?))
}

/// One of the caller's tokens (never its secret): where a new token's
/// `Location` points.
#[utoipa::path(get, path = "/api/v1/auth/tokens/{id}", tag = "accounts",
    params(("id" = String, Path, description = "Token id")),
    responses((status = 200, body = TokenInfo), (status = 401, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_token(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<TokenInfo>> {
    let token = repo::tokens::list_for_user(app.store.db(), &caller.user.id)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(ApiError::NotFound("no such token"))?;
    Ok(axum::Json(token_info(token)))
}

/// A token as its owner sees it: never its secret.
fn token_info(t: keel_domain::model::ApiToken) -> TokenInfo {
    TokenInfo {
        id: t.id,
        name: t.name,
        created_at: t.created_at,
        last_used_at: t.last_used_at,
    }
}

/// Revokes one of the caller's tokens; it stops working at once.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "accounts",
    params(("id" = String, Path, description = "Token id")),
    responses((status = 204), (status = 401, body = Problem), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn revoke_token(
    State(app): State<AppState>,
    caller: Caller,
    addr: ClientAddr,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let mut tx = app.store.begin().await?;
    repo::tokens::delete(&mut tx, &caller.user.id, &id)
        .await
        .map_err(|_| ApiError::NotFound("no such token"))?;
    let ip = addr.0.to_string();
    repo::audit::record(
        &mut tx,
        &NewEvent {
            actor_id: Some(&caller.user.id),
            action: action::TOKEN_REVOKED,
            target: &id,
            ip: Some(&ip),
            ..NewEvent::default()
        },
    )
    .await?;
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
    addr: ClientAddr,
    Json(body): Json<TokenName>,
) -> ApiResult<Response> {
    let name = line("name", &body.name)?;
    let mut tx = app.store.begin().await?;
    let token = issue_token(&mut tx, &caller.user.id, &name, Some(addr.0)).await?;
    tx.commit().await?;
    let location = format!("/api/v1/auth/tokens/{}", token.id);
    Ok(reply::created(&token, &location, 1))
}

/// Ends every browser session of `user_id` and, when asked, revokes every
/// API token, logging it in the same transaction.
pub(crate) async fn logout_everywhere(
    app: &AppState,
    user_id: &str,
    revoke_tokens: bool,
    addr: IpAddr,
    via: Via,
) -> ApiResult<LoggedOut> {
    let mut tx = app.store.begin().await?;
    let sessions_ended = repo::sessions::delete_all_for_user(&mut tx, user_id).await?;
    let tokens_revoked = if revoke_tokens {
        repo::tokens::delete_all_for_user(&mut tx, user_id).await?
    } else {
        0
    };
    let ip = addr.to_string();
    repo::audit::record(
        &mut tx,
        &NewEvent {
            actor_id: Some(user_id),
            action: action::LOGOUT_ALL,
            target: user_id,
            ip: Some(&ip),
            detail: Some(json!({
                "via": via.as_str(),
                "sessions_ended": sessions_ended,
                "tokens_revoked": tokens_revoked,
            })),
            ..NewEvent::default()
        },
    )
    .await?;
    tx.commit().await?;
    Ok(LoggedOut {
        sessions_ended,
        tokens_revoked,
    })
}

/// Logs the caller out everywhere: ends all their browser sessions, on
/// every device; with `revoke_tokens`, also revokes all their API tokens
/// (this request's own included).
#[utoipa::path(post, path = "/api/v1/auth/logout-all", tag = "accounts", request_body = LogoutAll,
    responses((status = 200, body = LoggedOut), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn logout_all(
    State(app): State<AppState>,
    caller: Caller,
    addr: ClientAddr,
    Json(body): Json<LogoutAll>,
) -> ApiResult<axum::Json<LoggedOut>> {
    let out =
        logout_everywhere(&app, &caller.user.id, body.revoke_tokens, addr.0, Via::Api).await?;
    Ok(axum::Json(out))
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

/// An account, by id (instance admins only): where a new account's
/// `Location` points.
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "accounts",
    params(("id" = String, Path, description = "User id")),
    responses((status = 200, body = User), (status = 401, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_user(
    State(app): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<axum::Json<User>> {
    if !caller.user.is_admin {
        return Err(ApiError::Forbidden(
            "only instance admins can read accounts",
        ));
    }
    let user = repo::users::by_id_or_email(app.store.db(), &id)
        .await?
        .filter(|u| u.id == id)
        .ok_or(ApiError::NotFound("no such account"))?;
    Ok(axum::Json(convert::user(&user)))
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
        &format!("/api/v1/admin/users/{}", user.id),
        1,
    ))
}
