//! A product's ideas on the web, `/w/{ws}/p/{product}/ideas`: most voted
//! first, with where each came from (team, brainstorm, portal), a vote
//! button, and for members the actions that move an idea on — show it on
//! the portal, mark it under review or declined, promote it to a feature.
//! Product admins open or close the public portal here.
//!
//! Every role that may read the workspace sees the list; who suggested a
//! portal idea is customer data and is shown only to roles that may read
//! customers. `ideas.js` writes through the JSON API.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::markdown;
use super::session::WebUser;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_domain::Permission;
use keel_domain::model::Product;
use keel_store::repo;
use keel_store::repo::ideas::{self, IdeaFilter};

/// An idea as the page shows it.
pub struct IdeaRow {
    pub idea: ideas::Idea,
    pub description_html: String,
    /// The customer who suggested it, for roles that may see customers.
    pub customer: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "ideas.html")]
struct IdeasPage {
    chrome: Chrome,
    product: Product,
    ideas: Vec<IdeaRow>,
    can_manage_portal: bool,
}

pub async fn ideas_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) = Chrome::for_workspace(&app, &user, &ws, "Ideas", "ideas").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} ideas", product.name);
    let filter = IdeaFilter {
        product_id: Some(product.id.clone()),
        by_votes: true,
        ..Default::default()
    };
    let voter = ideas::user_voter(&user.0.user.id);
    let rows = ideas::list(app.store.db(), ws_id, &filter, &voter).await?;
    let show_customers = access.role.allows(Permission::ReadCustomers);
    let out = rows
        .into_iter()
        .map(|idea| IdeaRow {
            description_html: markdown::render(&idea.description),
            customer: match (&idea.customer_id, &idea.customer_name, show_customers) {
                (Some(id), Some(name), true) => Some((id.clone(), name.clone())),
                _ => None,
            },
            idea,
        })
        .collect();
    page(&IdeasPage {
        chrome,
        can_manage_portal: access.role.allows(Permission::ManageProducts),
        product,
        ideas: out,
    })
}
