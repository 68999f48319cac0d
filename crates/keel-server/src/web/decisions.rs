//! The decision log on the web, `/w/{ws}/p/{product}/decisions`: the
//! declined features worth another look on top, a form to record a
//! decision with the options considered, and the log itself, filtered by
//! outcome. A feature's page lists its decisions and offers "Decline…"
//! (`feature_decisions.html`, with [`of_feature`]).
//!
//! Like the API, the log is shown to roles that may read customers: its
//! rationale and the demand behind it are internal. `decisions.js` writes
//! through the JSON API.

use super::chrome::Chrome;
use super::error::{PageError, not_found, page};
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::decisions::{another_look_of, decisions_of, today};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use keel_api_types::{AnotherLook, Decision};
use keel_domain::Permission;
use keel_domain::decisions::Outcome;
use keel_store::repo;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A decision as the log shows it, with `(id, title)` of each linked
/// feature still there.
type DecisionRow = (Decision, Vec<(String, String)>);

#[derive(Template)]
#[template(path = "decisions.html")]
struct DecisionsPage {
    chrome: Chrome,
    product_name: String,
    rows: Vec<DecisionRow>,
    look: Vec<AnotherLook>,
    /// The outcome filtered by, or empty for all.
    outcome: String,
    outcomes: Vec<&'static str>,
    today: String,
}

/// `?outcome=` on the page.
#[derive(Debug, Deserialize)]
pub struct LogQuery {
    pub outcome: Option<String>,
}

pub async fn decisions_page(
    State(app): State<AppState>,
    user: WebUser,
    Path((ws, product_key)): Path<(String, String)>,
    Query(q): Query<LogQuery>,
) -> Result<Response, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(&app, &user, &ws, "Decisions", "decisions").await?;
    if !access.role.allows(Permission::ReadCustomers) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "The decision log is not shown to guests.".into(),
        ));
    }
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, &product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} decisions", product.name);
    // An unknown outcome in the address shows everything rather than an
    // error page: it can only come from a hand-edited URL.
    let outcome = q
        .outcome
        .as_deref()
        .and_then(|o| Outcome::parse("outcome", o).ok())
        .map(|o| o.as_str().to_string())
        .unwrap_or_default();
    let decisions = decisions_of(
        &app,
        ws_id,
        Some(&product.key),
        Some(outcome.as_str()),
        None,
    )
    .await?;
    let titles: BTreeMap<String, String> =
        repo::features::list(app.store.db(), ws_id, Some(&product.id), &[])
            .await?
            .into_iter()
            .map(|f| (f.id, f.title))
            .collect();
    let rows = decisions
        .into_iter()
        .map(|decision| {
            let features = decision
                .features
                .iter()
                .filter_map(|f| titles.get(&f.id).map(|t| (f.id.clone(), t.clone())))
                .collect();
            (decision, features)
        })
        .collect();
    let look = another_look_of(&app, ws_id, Some(&product.key), today()).await?;
    page(&DecisionsPage {
        chrome,
        product_name: product.name,
        rows,
        look,
        outcome,
        outcomes: Outcome::ALL.iter().map(Outcome::as_str).collect(),
        today: today().as_string(),
    })
}

/// The decisions about one feature, latest first; none for roles that may
/// not read the log.
pub(crate) async fn of_feature(
    app: &AppState,
    access: &keel_domain::model::WorkspaceAccess,
    feature_id: &str,
) -> Result<Vec<Decision>, PageError> {
    if !access.role.allows(Permission::ReadCustomers) {
        return Ok(Vec::new());
    }
    Ok(decisions_of(app, &access.workspace.id, None, None, Some(feature_id)).await?)
}
