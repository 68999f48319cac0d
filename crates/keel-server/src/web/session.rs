//! Signing in and out of the browser, first-run set-up, and the extractor
//! that sends signed-out visitors to the login page.

use super::chrome::Chrome;
use super::error::{PageError, page};
use crate::AppState;
use crate::api::v1::accounts;
use crate::error::ApiError;
use crate::extract::auth::{Caller, SESSION_COOKIE, is_cross_site, session_from_cookie};
use crate::rate_limit::ClientAddr;
use crate::secrets;
use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use keel_api_types::NewUser;
use keel_domain::time::Timestamp;
use keel_store::repo;
use serde::Deserialize;
use std::net::IpAddr;

/// How long a browser session lasts.
const SESSION_DAYS: i64 = 30;

/// A signed-in browser user.
pub struct WebUser(pub Caller);

impl WebUser {
    pub fn csrf(&self) -> &str {
        self.0.csrf_token().unwrap_or_default()
    }

    /// Checks the CSRF token of a submitted form.
    pub fn check_form(&self, sent: &str, headers: &HeaderMap) -> Result<(), PageError> {
        if is_cross_site(headers) || !crate::extract::auth::constant_time_eq(sent, self.csrf()) {
            return Err(PageError::Status(
                StatusCode::FORBIDDEN,
                "The form expired; reload the page and try again.".into(),
            ));
        }
        Ok(())
    }
}

impl FromRequestParts<AppState> for WebUser {
    type Rejection = PageError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        match session_from_cookie(app, &parts.headers).await? {
            Some(caller) => Ok(WebUser(caller)),
            None => Err(PageError::SignIn { next }),
        }
    }
}

/// `Set-Cookie` for a session: HttpOnly (no script can read it),
/// SameSite=Lax (not sent on cross-site subrequests), Secure when the page
/// was served over HTTPS (directly or behind a proxy that says so).
fn session_cookie(value: &str, max_age_secs: i64, headers: &HeaderMap) -> HeaderValue {
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        == Some("https");
    let secure = if https { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Starts a new session (a fresh id every time: no fixation; the session
/// the browser had, if any, is deleted), logs the sign-in, and redirects.
async fn sign_in(
    app: &AppState,
    user_id: &str,
    headers: &HeaderMap,
    addr: IpAddr,
    to: &str,
) -> Result<Response, PageError> {
    let id = secrets::new_token().map_err(ApiError::Internal)?;
    let csrf = secrets::new_token().map_err(ApiError::Internal)?;
    let now = Timestamp::now();
    let expires = Timestamp::from_datetime(now.datetime() + time::Duration::days(SESSION_DAYS));
    let mut tx = app.store.begin().await?;
    // The session being replaced, if any, ends here.
    if let Some(old) = crate::extract::auth::cookie(headers, SESSION_COOKIE) {
        repo::sessions::delete(&mut tx, &secrets::token_hash(old)).await?;
    }
    repo::sessions::create(
        &mut tx,
        &secrets::token_hash(&id),
        user_id,
        &csrf,
        &now.to_rfc3339(),
        &expires.to_rfc3339(),
    )
    .await?;
    accounts::record_login(&mut tx, user_id, Some(addr), accounts::Via::Web).await?;
    tx.commit().await?;
    let mut res = Redirect::to(to).into_response();
    res.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(&id, SESSION_DAYS * 86_400, headers),
    );
    Ok(res)
}

/// Only local paths are followed after login, never another site.
/// Browsers drop tabs and newlines from URLs (`/<TAB>/evil.example` is
/// `//evil.example`) and read `\` as `/`, so a path holding either, or any
/// other control character or space, is refused too.
fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_control() || c.is_whitespace()) =>
        {
            n
        }
        _ => "/",
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage<'a> {
    chrome: Chrome,
    email: &'a str,
    next: &'a str,
    error: Option<&'a str>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_page(
    State(app): State<AppState>,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    if repo::users::count(app.store.db()).await? == 0 {
        return Ok(Redirect::to("/setup").into_response());
    }
    page(&LoginPage {
        chrome: Chrome::bare("Sign in"),
        email: "",
        next: safe_next(q.next.as_deref()),
        error: None,
    })
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

/// Checks the form under the sign-in limits: a wrong email or password is
/// 401 with the form again; too many failures is 429 with `Retry-After`.
pub async fn login_submit(
    State(app): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, PageError> {
    if is_cross_site(&headers) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Sign in from Keel's own page.".into(),
        ));
    }
    let next = safe_next(form.next.as_deref());
    let attempt = accounts::attempt_login(
        &app,
        &form.email,
        &form.password,
        addr.0,
        accounts::Via::Web,
    )
    .await;
    let (status, error, retry_after) = match attempt {
        Ok(user) => return sign_in(&app, &user.id, &headers, addr.0, next).await,
        Err(ApiError::Unauthorized(_)) => (
            StatusCode::UNAUTHORIZED,
            "The email or password is wrong.".to_string(),
            None,
        ),
        Err(ApiError::TooManyLoginFailures { retry_after_secs }) => (
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "Too many failed sign-ins for this account or from this address. \
                 Try again in {}.",
                wait_words(retry_after_secs)
            ),
            Some(retry_after_secs),
        ),
        Err(e) => return Err(e.into()),
    };
    let body = LoginPage {
        chrome: Chrome::bare("Sign in"),
        email: &form.email,
        next,
        error: Some(error.as_str()),
    }
    .render()?;
    let mut res = (status, axum::response::Html(body)).into_response();
    if let Some(secs) = retry_after {
        res.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    Ok(res)
}

/// "40 seconds", "3 minutes": how long to wait, for people.
fn wait_words(secs: u64) -> String {
    match secs {
        0..=1 => "a second".to_string(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

pub async fn logout(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    if let crate::extract::auth::Credential::Session { id_hash, .. } = &user.0.credential {
        let mut tx = app.store.begin().await?;
        repo::sessions::delete(&mut tx, id_hash.as_str()).await?;
        tx.commit().await?;
    }
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, &headers));
    Ok(res)
}

#[derive(Deserialize)]
pub struct LogoutAllForm {
    pub csrf: String,
    /// A checkbox: also revoke every API token.
    pub tokens: Option<String>,
}

/// "Sign out everywhere": ends every session of the signed-in person, this
/// one included (and, when ticked, every API token), then shows the login
/// page.
pub async fn logout_all(
    State(app): State<AppState>,
    user: WebUser,
    addr: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LogoutAllForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    accounts::logout_everywhere(
        &app,
        &user.0.user.id,
        form.tokens.is_some(),
        addr.0,
        accounts::Via::Web,
    )
    .await?;
    let mut res = Redirect::to("/login").into_response();
    res.headers_mut()
        .insert(header::SET_COOKIE, session_cookie("", 0, &headers));
    Ok(res)
}

/// A form whose only field is the CSRF token.
#[derive(Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage<'a> {
    chrome: Chrome,
    name: &'a str,
    email: &'a str,
    errors: Vec<(String, String)>,
}

pub async fn setup_page(State(app): State<AppState>) -> Result<Response, PageError> {
    if repo::users::count(app.store.db()).await? > 0 {
        return Ok(Redirect::to("/login").into_response());
    }
    page(&SetupPage {
        chrome: Chrome::bare("Set up Keel"),
        name: "",
        email: "",
        errors: vec![],
    })
}

#[derive(Deserialize)]
pub struct SetupForm {
    name: String,
    email: String,
    password: String,
}

pub async fn setup_submit(
    State(app): State<AppState>,
    addr: ClientAddr,
    headers: HeaderMap,
    Form(form): Form<SetupForm>,
) -> Result<Response, PageError> {
    if is_cross_site(&headers) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Set up Keel from its own page.".into(),
        ));
    }
    let body = NewUser {
        email: form.email.clone(),
        name: form.name.clone(),
        password: form.password.clone(),
    };
    let rerender = |errors: Vec<(String, String)>| -> Result<Response, PageError> {
        let body = SetupPage {
            chrome: Chrome::bare("Set up Keel"),
            name: &form.name,
            email: &form.email,
            errors,
        }
        .render()?;
        Ok((StatusCode::UNPROCESSABLE_ENTITY, axum::response::Html(body)).into_response())
    };
    let input = match accounts::validate_new_user(&body) {
        Ok(i) => i,
        Err(ApiError::Validation(errs)) => {
            return rerender(errs.into_iter().map(|e| (e.field, e.message)).collect());
        }
        Err(e) => return Err(e.into()),
    };
    if repo::users::count(app.store.db()).await? > 0 {
        return Ok(Redirect::to("/login").into_response());
    }
    let password_hash = accounts::hash(input.password.clone_secret()).await?;
    let mut tx = app.store.begin().await?;
    repo::users::lock_for_setup(&mut tx).await?;
    if repo::users::count(tx.db()).await? > 0 {
        return Ok(Redirect::to("/login").into_response());
    }
    let user = accounts::insert_user(&mut tx, &input, &password_hash, true).await?;
    tx.commit().await?;
    sign_in(&app, &user.id, &headers, addr.0, "/workspaces/new").await
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed() {
        for good in ["/", "/w/acme", "/w/acme/p/KEEL/list?q=a%20b"] {
            assert_eq!(safe_next(Some(good)), good);
        }
        for bad in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "https://evil.example",
            "evil",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
