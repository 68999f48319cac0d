//! The decision log on the web, `/w/{ws}/p/{product}/decisions`: the
//! declined features worth another look on top, a form to record a
//! decision with the options considered, and the log itself, filtered by
//! outcome. A feature's page lists its decisions and offers "Decline…"
//! (`feature_decisions.html`, with [`of_feature`]).
//!
//! Like the API, the log is shown to roles that may read customers: its
//! rationale and the demand behind it are internal. `decisions.js` writes
//! through the JSON API; "Snooze" on a worth-another-look item is a plain
//! form posted here ([`snooze_submit`]), which sets the decision's
//! `look_again_after` as a PATCH of the API would.

use super::chrome::Chrome;
use super::error::{PageError, not_found};
use super::plan_forms::field;
use super::session::WebUser;
use crate::AppState;
use crate::api::v1::decisions::{another_look_of, decisions_of, today};
use crate::error::ApiError;
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use keel_api_types::{AnotherLook, Decision, DecisionPatch};
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
    /// `(decision id, message)` of a refused snooze.
    snooze_error: Option<(String, String)>,
}

impl DecisionsPage {
    /// The refused snooze's message for `decision`, or `""`.
    fn snooze_error_of(&self, decision: &str) -> &str {
        match &self.snooze_error {
            Some((d, m)) if d == decision => m,
            _ => "",
        }
    }
}

/// Longest snooze, in days.
const MAX_SNOOZE_DAYS: i64 = 3650;

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
    let html = render(&app, &user, &ws, &product_key, q.outcome.as_deref(), None).await?;
    Ok(Html(html).into_response())
}

async fn render(
    app: &AppState,
    user: &WebUser,
    ws: &str,
    product_key: &str,
    outcome: Option<&str>,
    snooze_error: Option<(String, String)>,
) -> Result<String, PageError> {
    let (mut chrome, access) =
        Chrome::for_workspace(app, user, ws, "Decisions", "decisions").await?;
    if !access.role.allows(Permission::ReadCustomers) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "The decision log is not shown to guests.".into(),
        ));
    }
    let ws_id = access.workspace.id.as_str();
    let product = repo::products::get(app.store.db(), ws_id, product_key)
        .await?
        .ok_or_else(|| not_found("product"))?;
    chrome.product = product.key.clone();
    chrome.title = format!("{} decisions", product.name);
    // An unknown outcome in the address shows everything rather than an
    // error page: it can only come from a hand-edited URL.
    let outcome = outcome
        .and_then(|o| Outcome::parse("outcome", o).ok())
        .map(|o| o.as_str().to_string())
        .unwrap_or_default();
    let decisions =
        decisions_of(app, ws_id, Some(&product.key), Some(outcome.as_str()), None).await?;
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
    let look = another_look_of(app, ws_id, Some(&product.key), today()).await?;
    Ok(DecisionsPage {
        chrome,
        product_name: product.name,
        rows,
        look,
        outcome,
        outcomes: Outcome::ALL.iter().map(Outcome::as_str).collect(),
        today: today().as_string(),
        snooze_error,
    }
    .render()?)
}

/// `POST /w/{ws}/decisions/{id}/snooze`: stop flagging the decision's
/// features as worth another look until a day (`until`) or for a number of
/// days (`days`); back to the decision's product's log.
pub async fn snooze_submit(
    State(app): State<AppState>,
    user: WebUser,
    headers: HeaderMap,
    Path((ws, id)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    user.check_form(field(&form, "csrf"), &headers)?;
    let (_, access) = Chrome::for_workspace(&app, &user, &ws, "Decisions", "decisions").await?;
    let ws_id = access.workspace.id.as_str();
    if !access.role.allows(Permission::ReadCustomers) {
        return Err(not_found("decision"));
    }
    let decision = repo::decisions::get(app.store.db(), ws_id, &id)
        .await?
        .ok_or_else(|| not_found("decision"))?;
    if !access.role.allows(Permission::Write) {
        return Err(PageError::Status(
            StatusCode::FORBIDDEN,
            "Your role in this workspace cannot snooze decisions.".into(),
        ));
    }
    let product = decision.product_key.clone();
    let until = match snooze_until(field(&form, "until"), field(&form, "days")) {
        Ok(d) => d,
        Err(message) => {
            return refused(&app, &user, &ws, &product, &id, message).await;
        }
    };
    let patch = DecisionPatch {
        look_again_after: Some(Some(until)),
        ..DecisionPatch::default()
    };
    let expected = field(&form, "version").parse::<i64>().ok();
    match crate::api::v1::decisions::update(&app, ws_id, &decision.id, expected, &patch).await {
        Ok(_) => Ok(Redirect::to(&format!("/w/{ws}/p/{product}/decisions")).into_response()),
        Err(ApiError::Validation(errors)) => {
            let message = errors
                .into_iter()
                .map(|e| format!("{}: {}", e.field, e.message))
                .collect::<Vec<_>>()
                .join("; ");
            refused(&app, &user, &ws, &product, &id, message).await
        }
        Err(ApiError::PreconditionFailed) => {
            let message = "someone else changed this decision since you opened the page; \
                           look again and snooze it again if it still applies"
                .to_string();
            let html = render(&app, &user, &ws, &product, None, Some((id, message))).await?;
            Ok((StatusCode::PRECONDITION_FAILED, Html(html)).into_response())
        }
        Err(e) => Err(e.into()),
    }
}

/// The log again with the snooze's error beside its item.
async fn refused(
    app: &AppState,
    user: &WebUser,
    ws: &str,
    product: &str,
    id: &str,
    message: String,
) -> Result<Response, PageError> {
    let html = render(
        app,
        user,
        ws,
        product,
        None,
        Some((id.to_string(), message)),
    )
    .await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response())
}

/// The day the snooze ends, `YYYY-MM-DD`: `until` when given (after
/// today), else today plus `days` (1 to [`MAX_SNOOZE_DAYS`]).
fn snooze_until(until: &str, days: &str) -> Result<String, String> {
    let today = today();
    let until = until.trim();
    if !until.is_empty() {
        return match keel_domain::time::Date::parse("until", until) {
            Ok(d) if d > today => Ok(d.as_string()),
            Ok(_) => Err("until: must be a day after today".into()),
            Err(e) => Err(format!("until: {}", e.message)),
        };
    }
    match days.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_SNOOZE_DAYS).contains(&n) => today
            .add_days(n)
            .map(|d| d.as_string())
            .ok_or_else(|| "days: too far ahead".to_string()),
        Ok(_) => Err(format!("days: must be from 1 to {MAX_SNOOZE_DAYS}")),
        Err(_) if days.trim().is_empty() => {
            Err("until: choose a day, or a number of days".to_string())
        }
        Err(_) => Err("days: must be a whole number".into()),
    }
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
