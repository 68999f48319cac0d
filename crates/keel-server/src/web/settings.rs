//! Workspace settings: members and their roles, products, and the signed-in
//! person's API tokens (created and revoked through the API by
//! `settings.js`, so a new token is shown once and never re-sent on reload).

use super::chrome::Chrome;
use super::error::{PageError, page};
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_domain::model::{ApiToken, Membership, Product};
use keel_domain::{Permission, Role};
use keel_store::repo;

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Chrome,
    members: Vec<Membership>,
    products: Vec<Product>,
    tokens: Vec<ApiToken>,
    /// Roles the viewer may grant (owners only grant owner).
    grantable: Vec<&'static str>,
    is_instance_admin: bool,
    me: String,
}

async fn render(app: &AppState, user: &WebUser, ws: &str) -> Result<Response, PageError> {
    let (chrome, access) = Chrome::for_workspace(app, user, ws, "Settings", "settings").await?;
    let ws_id = access.workspace.id.as_str();
    let grantable = Role::ALL
        .iter()
        .filter(|r| **r != Role::Owner || access.role.allows(Permission::ManageOwners))
        .map(|r| r.as_str())
        .collect();
    page(&SettingsPage {
        members: repo::workspaces::members(app.store.db(), ws_id).await?,
        products: repo::products::list(app.store.db(), ws_id).await?,
        tokens: repo::tokens::list_for_user(app.store.db(), &user.0.user.id).await?,
        grantable,
        is_instance_admin: user.0.user.is_admin,
        me: user.0.user.id.clone(),
        chrome,
    })
}

pub async fn settings_page(
    State(app): State<AppState>,
    user: WebUser,
    Path(ws): Path<String>,
) -> Result<Response, PageError> {
    render(&app, &user, &ws).await
}
