//! Closing the loop: shipping a release (its features become `shipped`,
//! and the answer lists the customers who asked for them, each with a
//! drafted message), its release notes in customer language, and the
//! customer-facing summary of a feature that the notes are written from.
//!
//! Notes are read by everyone in the workspace (they are written for
//! customers); the customers to notify are personal data, but only
//! members may ship and members may read customers.

use super::releases::{find, full, note_kind};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    CustomerSummary, CustomerSummaryInput, CustomerToNotify, Problem, ReleaseNotes, ShippedRelease,
};
use keel_domain::release::{NoteKind, ReleaseStatus};
use keel_domain::release_notes::{self as notes, NoteItem, Notes};
use keel_domain::task::TaskType;
use keel_domain::time::Timestamp;
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::Db;
use keel_store::repo;
use keel_store::repo::releases::{self as store, AskedFor};
use serde::Deserialize;
use utoipa::IntoParams;

/// What the notes of a release say: its features by customer summary (else
/// title) in the section of their type, and bugs put in on their own by
/// title under "Fixed". Task descriptions and feature problems never go in.
pub(crate) async fn notes_of(mut db: Db<'_>, r: &store::Release) -> ApiResult<Notes> {
    let features = store::features(db.re(), &r.workspace_id, Some(&r.id)).await?;
    let tasks = store::tasks(db, &r.workspace_id, Some(&r.id)).await?;
    let mut items: Vec<NoteItem> = features
        .iter()
        .map(|f| NoteItem {
            kind: note_kind(&f.feature_type),
            text: notes::item_text(&f.customer_summary, &f.title),
        })
        .collect();
    items.extend(
        tasks
            .iter()
            .filter(|t| t.via_feature.is_none() && t.status != "canceled")
            .filter_map(|t| {
                let kind = TaskType::parse("type", &t.task_type)
                    .ok()
                    .and_then(NoteKind::of_task)?;
                Some(NoteItem {
                    kind,
                    text: notes::item_text("", &t.title),
                })
            }),
    );
    let shipped_on = r.shipped_at.as_deref().map(|s| &s[..s.len().min(10)]);
    Ok(Notes {
        product: r.product_name.clone(),
        version: r.version.clone(),
        name: r.name.clone(),
        date_line: notes::date_line(shipped_on, r.target_date.as_deref()),
        items,
    })
}

/// Groups (customer, feature) rows into one entry per customer, each with
/// the customer-facing texts of what they asked for and a drafted message.
pub(crate) fn customers_to_notify(
    rows: &[AskedFor],
    product: &str,
    version: &str,
) -> Vec<CustomerToNotify> {
    let mut out: Vec<CustomerToNotify> = Vec::new();
    for r in rows {
        let text = notes::item_text(&r.customer_summary, &r.feature_title);
        let entry = match out.iter_mut().position(|c| c.id == r.customer_id) {
            Some(i) => &mut out[i],
            None => {
                out.push(CustomerToNotify {
                    id: r.customer_id.clone(),
                    name: r.customer_name.clone(),
                    email: r.customer_email.clone(),
                    features: Vec::new(),
                    feature_ids: Vec::new(),
                    message: String::new(),
                });
                let last = out.len() - 1;
                &mut out[last]
            }
        };
        if !entry.feature_ids.contains(&r.feature_id) {
            entry.feature_ids.push(r.feature_id.clone());
            entry.features.push(text);
        }
    }
    for c in &mut out {
        c.message = notes::drafted_message(&c.name, product, version, &c.features);
    }
    out
}

/// Ships a release, once: in one transaction it becomes `shipped` (when and
/// by whom recorded) and every feature in its scope becomes `shipped`. The
/// answer lists the distinct customers with feedback linked to those
/// features, each with the features they asked for and a drafted message.
/// A release that has already shipped: 409, nothing changed.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/releases/{id}/ship", tag = "releases",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Release id")),
    responses((status = 200, body = ShippedRelease), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The release has already shipped")),
    security(("bearer" = [])))]
pub async fn ship_release(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ws, &id).await?;
    let already = || ApiError::Conflict {
        field: "status".into(),
        message: "this release has already shipped".into(),
    };
    if current.status == ReleaseStatus::Shipped.as_str() {
        return Err(already());
    }
    let now = Timestamp::now().to_rfc3339();
    let Some((shipped, events)) = store::ship(&mut tx, &current, ctx.user_id(), &now).await? else {
        return Err(already());
    };
    let asked = store::asked_for(tx.db(), &ws, &shipped.id).await?;
    let release = full(tx.db(), &shipped).await?;
    tx.commit().await?;
    let body = ShippedRelease {
        customers_to_notify: customers_to_notify(&asked, &shipped.product_name, &shipped.version),
        release,
    };
    for (i, event) in events.iter().enumerate() {
        // The release's own event carries it; feature events carry ids.
        let item = (i == 0)
            .then(|| serde_json::to_value(&body.release).ok())
            .flatten();
        app.live.publish(&ws, event, item);
    }
    Ok(reply::ok_versioned(&body, shipped.revision))
}

/// `?format=` of the notes.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct NotesQuery {
    /// `markdown` (default) or `html` (a fragment, every text escaped).
    pub format: Option<String>,
}

/// The release notes, generated in customer language: grouped New /
/// Improved / Fixed, each feature by its customer summary (else title),
/// bugs put in on their own by title.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/releases/{id}/notes", tag = "releases",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Release id"), NotesQuery),
    responses((status = 200, body = ReleaseNotes), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn release_notes(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Query(q): Query<NotesQuery>,
) -> ApiResult<axum::Json<ReleaseNotes>> {
    ctx.require(Permission::Read)?;
    let format = q.format.as_deref().map(str::trim).unwrap_or("markdown");
    if !matches!(format, "markdown" | "html") {
        return Err(ApiError::field("format", "must be one of markdown, html"));
    }
    let r = find(app.store.db(), &ctx.workspace.id, &id).await?;
    let n = notes_of(app.store.db(), &r).await?;
    let text = if format == "html" {
        notes::html(&n)
    } else {
        notes::markdown(&n)
    };
    Ok(axum::Json(ReleaseNotes {
        format: format.to_string(),
        text,
    }))
}

async fn summary_of(db: Db<'_>, ws: &str, id: &str) -> ApiResult<CustomerSummary> {
    let mut db = db;
    let f = repo::features::get(db.re(), ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such feature"))?;
    let summary = store::customer_summary(db, ws, &f.id)
        .await?
        .unwrap_or_default();
    Ok(CustomerSummary {
        feature: f.id.clone(),
        customer_summary: summary,
        note_kind: note_kind(&f.feature_type).as_str().to_string(),
        version: f.version,
    })
}

/// A feature's customer-facing summary and the notes section it goes in.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/features/{id}/customer-summary", tag = "features",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feature id")),
    responses((status = 200, body = CustomerSummary), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_customer_summary(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let s = summary_of(app.store.db(), &ctx.workspace.id, &id).await?;
    let version = s.version;
    Ok(reply::ok_versioned(&s, version))
}

/// Sets what a feature means to customers, in one line of their words
/// (empty: release notes use the title). Moves the feature's version;
/// with `If-Match` (the feature's ETag), a stale one gets 412.
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/features/{id}/customer-summary", tag = "features",
    request_body = CustomerSummaryInput,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feature id"),
        ("If-Match" = Option<String>, Header, description = "The feature's ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = CustomerSummary), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn put_customer_summary(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(input): Json<CustomerSummaryInput>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let text = input.customer_summary.trim();
    let summary = if text.is_empty() {
        Some(String::new())
    } else {
        errors.check(keel_domain::values::line("customer_summary", text))
    };
    let mut tx = app.store.begin().await?;
    let current = summary_of(tx.db(), &ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    errors.into_result()?;
    let summary = summary.ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new("customer_summary", "is invalid")])
    })?;
    if summary == current.customer_summary {
        return Ok(reply::ok_versioned(&current, current.version));
    }
    let now = Timestamp::now().to_rfc3339();
    let event = store::set_customer_summary(
        &mut tx,
        &ws,
        &current.feature,
        current.version,
        &summary,
        &now,
    )
    .await?;
    let updated = summary_of(tx.db(), &ws, &current.feature).await?;
    tx.commit().await?;
    // Feature events elsewhere carry a whole feature; this one carries none
    // rather than a different shape, so listeners re-read the feature.
    app.live.publish(&ws, &event, None);
    Ok(reply::ok_versioned(&updated, updated.version))
}
