//! Landing: where `/` leads, creating a workspace, a workspace's home and
//! creating a product.

use super::chrome::Chrome;
use super::error::{PageError, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::{products, workspaces};
use crate::error::ApiError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_api_types::{NewProduct, NewWorkspace};
use keel_domain::Permission;
use keel_store::repo;
use serde::Deserialize;

/// `/`: set-up on a new install, else the first workspace.
pub async fn root(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    if repo::users::count(app.store.db()).await? == 0 {
        return Ok(Redirect::to("/setup").into_response());
    }
    let Some(caller) = crate::extract::auth::session_from_cookie(&app, &headers).await? else {
        return Ok(Redirect::to("/login").into_response());
    };
    let all = repo::workspaces::list_for_user(app.store.db(), &caller.user.id).await?;
    Ok(match all.first() {
        Some(a) => Redirect::to(&format!("/w/{}", a.workspace.slug)).into_response(),
        None => Redirect::to("/workspaces/new").into_response(),
    })
}

#[derive(Template)]
#[template(path = "new_workspace.html")]
struct NewWorkspacePage<'a> {
    chrome: Chrome,
    name: &'a str,
    slug: &'a str,
    errors: Vec<(String, String)>,
}

pub async fn new_workspace_page(
    State(app): State<AppState>,
    user: WebUser,
) -> Result<Response, PageError> {
    let chrome = Chrome::for_user(&app, &user, "New workspace").await?;
    page(&NewWorkspacePage {
        chrome,
        name: "",
        slug: "",
        errors: vec![],
    })
}

#[derive(Deserialize)]
pub struct NewWorkspaceForm {
    csrf: String,
    name: String,
    slug: String,
}

/// Field errors of a failed create, for re-rendering the form.
fn field_errors(e: ApiError) -> Result<Vec<(String, String)>, PageError> {
    let problem = e.to_problem();
    if problem.errors.is_empty() {
        return Err(e.into());
    }
    Ok(problem
        .errors
        .into_iter()
        .map(|f| (f.field, f.message))
        .collect())
}

pub async fn new_workspace_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Form(form): Form<NewWorkspaceForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    let body = NewWorkspace {
        name: form.name.clone(),
        slug: form.slug.trim().to_lowercase(),
    };
    match workspaces::create(&app, &user.0.user.id, &body).await {
        Ok(ws) => Ok(Redirect::to(&format!("/w/{}", ws.slug)).into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            let chrome = Chrome::for_user(&app, &user, "New workspace").await?;
            let html = NewWorkspacePage {
                chrome,
                name: &form.name,
                slug: &form.slug,
                errors,
            }
            .render()?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}

#[derive(Template)]
#[template(path = "workspace_home.html")]
struct WorkspaceHomePage<'a> {
    chrome: Chrome,
    name: &'a str,
    key: &'a str,
    errors: Vec<(String, String)>,
}

/// A workspace's home: its first product's board, or a form to create the
/// first product.
pub async fn workspace_home(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
) -> Result<Response, PageError> {
    let (chrome, _) = Chrome::for_workspace(&app, &user, &ws, "Products", "products").await?;
    if let Some(first) = chrome.products.first() {
        return Ok(Redirect::to(&format!("/w/{ws}/p/{}", first.key)).into_response());
    }
    page(&WorkspaceHomePage {
        chrome,
        name: "",
        key: "",
        errors: vec![],
    })
}

#[derive(Deserialize)]
pub struct NewProductForm {
    csrf: String,
    name: String,
    key: String,
}

pub async fn new_product_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path(ws): Path<String>,
    Form(form): Form<NewProductForm>,
) -> Result<Response, PageError> {
    user.check_form(&form.csrf, &headers)?;
    let (chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Products", "products").await?;
    if !access.role.allows(Permission::ManageProducts) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Only owners and admins can create products.".into(),
        ));
    }
    let input = NewProduct {
        name: form.name.clone(),
        key: form.key.trim().to_uppercase(),
        vision: None,
    };
    match products::create(&app, &access.workspace.id, &user.0.user.id, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/w/{ws}/p/{}", p.key)).into_response()),
        Err(e) => {
            let errors = field_errors(e)?;
            let html = WorkspaceHomePage {
                chrome,
                name: &form.name,
                key: &form.key,
                errors,
            }
            .render()?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
        }
    }
}
