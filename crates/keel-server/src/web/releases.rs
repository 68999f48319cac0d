//! Releases on the web: a product's releases, `/w/{ws}/p/{product}/releases`
//! (each with its progress, and a form to plan one), and one release,
//! `/w/{ws}/releases/{id}`: its scope with a picker to add features,
//! progress, the burn-up (drawn by [`super::burnup`] like a cycle's), the
//! release notes as customers will read them, and a Ship button. Once
//! shipped, the page lists the customers who asked for what shipped, each
//! with a drafted message to copy.
//!
//! Everyone who may read the workspace sees releases and notes; customers
//! to notify are shown only to roles that may read customers.
//! `releases.js` writes through the JSON API.

use super::burnup::{self, Chart};
use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::release_ship::{customers_to_notify, notes_of};
use crate::api::v1::releases::{self as api, burnup_range};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{CustomerToNotify, Release};
use keel_domain::Permission;
use keel_domain::model::Product;
use keel_domain::release_notes;
use keel_domain::time::Timestamp;
use keel_store::repo;
use keel_store::repo::releases as store;

/// A percentage for a progress bar, 0 to 100.
fn percent(share: Option<f64>) -> i64 {
    (share.unwrap_or(0.0) * 100.0).round().clamp(0.0, 100.0) as i64
}

/// A release as the list shows it.
pub struct ReleaseRow {
    pub release: Release,
    pub percent: i64,
    /// "shipped YYYY-MM-DD", the target date, or a dash.
    pub when: String,
}

/// When a release shipped, else when it is meant to.
fn when(r: &Release) -> String {
    match (&r.shipped_at, &r.target_date) {
        (Some(at), _) => format!("shipped {}", at.get(..10).unwrap_or(at)),
        (None, Some(d)) => d.clone(),
        (None, None) => "—".to_string(),
    }
}

#[derive(Template)]
#[template(path = "releases.html")]
struct ReleasesPage {
    chrome: Chrome,
    product: Product,
    releases: Vec<ReleaseRow>,
}

pub async fn releases_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Releases", "releases").await?;
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} releases", product.name);
    let releases = api::releases_of(&app, ws_id, Some(&product.key), None)
        .await
        .map_err(|_| not_found("product"))?
        .into_iter()
        .map(|release| ReleaseRow {
            percent: percent(release.progress.share),
            when: when(&release),
            release,
        })
        .collect();
    page(&ReleasesPage {
        chrome,
        product,
        releases,
    })
}

/// A feature of the product that may be added to the scope.
pub struct Candidate {
    pub id: String,
    pub title: String,
}

#[derive(Template)]
#[template(path = "release.html")]
struct ReleasePage {
    chrome: Chrome,
    product_name: String,
    release: Release,
    /// `YYYY-MM-DD HH:MM UTC` of the ship time.
    shipped_label: String,
    percent: i64,
    in_points: bool,
    candidates: Vec<Candidate>,
    notes_html: String,
    notes_markdown: String,
    customers: Vec<CustomerToNotify>,
    can_see_customers: bool,
    chart_title: String,
    chart_desc: String,
    wide: Option<Chart>,
    narrow: Option<Chart>,
}

pub async fn release_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, id)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Release", "releases").await?;
    let ws_id = access.workspace.id.as_str();
    let stored = store::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("release"))?;
    chrome.product = stored.product_key.clone();
    chrome.title = format!("{} {}", stored.product_name, stored.version);
    let release = api::full(app.store.db(), &stored)
        .await
        .map_err(|_| not_found("release"))?;
    let notes = notes_of(app.store.db(), &stored)
        .await
        .map_err(|_| not_found("release"))?;
    let can_see_customers = access.role.allows(Permission::ReadCustomers);
    let customers = if can_see_customers && stored.status == "shipped" {
        let rows = store::asked_for(app.store.db(), ws_id, &stored.id).await?;
        customers_to_notify(&rows, &stored.product_name, &stored.version)
    } else {
        Vec::new()
    };
    let candidates = repo::features::list(app.store.db(), ws_id, Some(&stored.product_id), &[])
        .await?
        .into_iter()
        .filter(|f| f.status != "shipped" && f.status != "declined")
        .filter(|f| !release.features.iter().any(|r| r.id == f.id))
        .map(|f| Candidate {
            id: f.id,
            title: f.title,
        })
        .collect();

    // Measured in points when any task is estimated, else in tasks.
    let in_points = release.progress.scope_points > 0.0;
    let today = Timestamp::now().date();
    let days = burnup_range(&stored, today)
        .map(|r| r.days())
        .unwrap_or_default();
    let values: Vec<(f64, f64)> = release
        .burnup
        .iter()
        .map(|b| {
            if in_points {
                (b.scope_points, b.done_points)
            } else {
                (b.scope_tasks as f64, b.done_tasks as f64)
            }
        })
        .collect();
    let unit = if in_points { "points" } else { "tasks" };
    let chart_desc = match values.last() {
        Some((scope, done)) => format!("{done} of {scope} {unit} done so far."),
        None => "Nothing to draw yet.".to_string(),
    };
    let (wide, narrow) = if days.len() >= 2 && !values.is_empty() {
        (
            Some(burnup::build(&days, &values, today, burnup::WIDE)),
            Some(burnup::build(&days, &values, today, burnup::NARROW)),
        )
    } else {
        (None, None)
    };
    page(&ReleasePage {
        chrome,
        product_name: stored.product_name.clone(),
        shipped_label: release
            .shipped_at
            .as_deref()
            .and_then(|at| Some(format!("{} {} UTC", at.get(..10)?, at.get(11..16)?)))
            .unwrap_or_default(),
        percent: percent(release.progress.share),
        in_points,
        candidates,
        notes_html: release_notes::html(&notes),
        notes_markdown: release_notes::markdown(&notes),
        customers,
        can_see_customers,
        chart_title: format!(
            "Burn-up of {} {} in {unit}",
            stored.product_name, stored.version
        ),
        chart_desc,
        wide,
        narrow,
        release,
    })
}
