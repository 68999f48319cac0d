//! The feedback inbox: take feedback in, triage it (status, tags,
//! sentiment, duplicates), and link passages of it to features as evidence.
//!
//! Anyone in the workspace but a viewer may submit feedback (guests are
//! often customers); reading it needs `ReadCustomers`, since it is personal
//! data; triage needs `Write`.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    Feedback, FeedbackBulk, FeedbackCustomer, FeedbackLink, FeedbackPatch, NewFeedback,
    NewFeedbackLink, Page, Problem,
};
use keel_domain::ids::new_id;
use keel_domain::insight::{FeedbackSource, FeedbackStatus, Importance, Sentiment};
use keel_domain::time::{Date, Timestamp};
use keel_domain::values::{body, label};
use keel_domain::{FieldError, Permission, ValidationErrors, sentiment};
use keel_store::repo::feedback::{self as store, FeedbackFields, FeedbackFilter, Link};
use keel_store::{Db, repo};
use serde::Deserialize;
use utoipa::IntoParams;

/// Most tags on one feedback item.
const MAX_TAGS: usize = 20;
/// Longest feedback text, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

fn link(l: &Link) -> FeedbackLink {
    FeedbackLink {
        id: l.id.clone(),
        feedback_id: l.feedback_id.clone(),
        feature_id: l.feature_id.clone(),
        feature_title: l.feature_title.clone(),
        importance: l.importance.clone(),
        excerpt: l.excerpt.clone(),
        created_at: l.created_at.clone(),
    }
}

/// The wire form of a feedback item, with its links (from `links`, which
/// may hold other items' links too).
pub(crate) fn feedback(f: &store::Feedback, links: &[Link]) -> Feedback {
    let customer = f.customer_id.as_ref().map(|id| FeedbackCustomer {
        id: id.clone(),
        name: f.customer_name.clone().unwrap_or_default(),
        email: f.customer_email.clone(),
        company: f.company_name.clone(),
        segment: f.customer_segment.clone().unwrap_or_default(),
    });
    Feedback {
        id: f.id.clone(),
        product: f.product_key.clone(),
        text: f.text.clone(),
        source: f.source.clone(),
        customer,
        status: f.status.clone(),
        sentiment: f.sentiment.clone(),
        tags: f.tag_list(),
        received_on: f.received_on.clone(),
        duplicate_of: f.duplicate_of.clone(),
        links: links
            .iter()
            .filter(|l| l.feedback_id == f.id)
            .map(link)
            .collect(),
        created_at: f.created_at.clone(),
        updated_at: f.updated_at.clone(),
        version: f.version,
    }
}

/// Feedback items in wire form, with their links, in the given order.
pub(crate) async fn with_links(
    db: Db<'_>,
    ws: &str,
    items: &[store::Feedback],
) -> ApiResult<Vec<Feedback>> {
    let ids: Vec<String> = items.iter().map(|f| f.id.clone()).collect();
    let links = store::links_of(db, ws, &ids).await?;
    Ok(items.iter().map(|f| feedback(f, &links)).collect())
}

/// A feedback item of the workspace, or 404.
pub(crate) async fn find(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::Feedback> {
    store::get(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such feedback"))
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/feedback/{id}", ctx.workspace.slug)
}

/// Checks feedback text: non-empty after trimming, at most
/// [`MAX_TEXT_CHARS`].
pub(crate) fn text(field: &str, s: &str) -> Result<String, FieldError> {
    let t = body(field, s.trim())?;
    if t.is_empty() {
        return Err(FieldError::new(field, "must not be empty"));
    }
    if t.chars().count() > MAX_TEXT_CHARS {
        return Err(FieldError::new(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(t)
}

/// Checks tags (label rules), dropping repeats.
pub(crate) fn tags(errors: &mut ValidationErrors, given: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in given {
        if let Some(t) = errors.check(label("tags", t))
            && !out.contains(&t)
        {
            out.push(t);
        }
    }
    if out.len() > MAX_TAGS {
        errors.push(FieldError::new("tags", format!("at most {MAX_TAGS} tags")));
    }
    out
}

/// Resolves a customer given by id or email.
async fn customer(
    db: Db<'_>,
    ws: &str,
    errors: &mut ValidationErrors,
    given: Option<&str>,
) -> ApiResult<Option<String>> {
    let Some(given) = given.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    let found = store::customer_id(db, ws, given).await?;
    if found.is_none() {
        errors.push(FieldError::new(
            "customer",
            "no customer with this id or email in the workspace",
        ));
    }
    Ok(found)
}

/// Adds feedback to a product's inbox. Sentiment is suggested from the
/// text unless given.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/feedback", tag = "feedback", request_body = NewFeedback,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Feedback), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_feedback(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewFeedback>,
) -> ApiResult<Response> {
    ctx.require(Permission::Comment)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let product = super::product_field(app.store.db(), &ws, &input.product, &mut errors).await?;
    let text = errors.check(text("text", &input.text));
    let source = errors.check(FeedbackSource::parse("source", &input.source));
    // Guests may not name someone else as the author: their feedback is
    // theirs, and they cannot look customers up.
    let customer_given = input.customer.as_deref();
    let customer_id = if customer_given.is_some() && !ctx.role.allows(Permission::ReadCustomers) {
        errors.push(FieldError::new(
            "customer",
            "your role cannot attribute feedback to a customer",
        ));
        None
    } else {
        customer(app.store.db(), &ws, &mut errors, customer_given).await?
    };
    let tags = tags(&mut errors, input.tags.as_deref().unwrap_or(&[]));
    let sentiment = match input.sentiment.as_deref() {
        Some(s) => errors.check(Sentiment::parse("sentiment", s)),
        None => text.as_deref().map(sentiment::suggest),
    };
    let received_on = match input.received_on.as_deref() {
        Some(d) => errors
            .check(Date::parse("received_on", d))
            .map(|d| d.as_string()),
        None => Some(Timestamp::now().date().as_string()),
    };
    errors.into_result()?;
    let (Some(product), Some(text), Some(source), Some(sentiment), Some(received_on)) =
        (product, text, source, sentiment, received_on)
    else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let fields = FeedbackFields {
        text,
        source: source.as_str().to_string(),
        customer_id,
        status: FeedbackStatus::New.as_str().to_string(),
        sentiment: sentiment.as_str().to_string(),
        tags,
        received_on,
        duplicate_of: None,
    };
    let now = Timestamp::now().to_rfc3339();
    let mut tx = app.store.begin().await?;
    let (created, event) = store::create(
        &mut tx,
        &new_id(),
        &ws,
        &product.id,
        &fields,
        Some(ctx.user_id()),
        &now,
    )
    .await?;
    tx.commit().await?;
    app.insight.feedback_changed();
    let body = feedback(&created, &[]);
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// Inbox filters. `status`, `source` and `sentiment` accept a
/// comma-separated list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeedbackQuery {
    /// Product key.
    pub product: Option<String>,
    pub status: Option<String>,
    pub source: Option<String>,
    pub sentiment: Option<String>,
    pub tag: Option<String>,
    /// Customer id or email.
    pub customer: Option<String>,
    /// The customer's segment.
    pub segment: Option<String>,
    /// Received on or after, `YYYY-MM-DD`.
    pub since: Option<String>,
    /// Received on or before, `YYYY-MM-DD`.
    pub until: Option<String>,
    /// Text in the feedback.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// The inbox: feedback newest first, filtered, cursor-paginated.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/feedback", tag = "feedback",
    params(("ws" = String, Path, description = "Workspace slug"), FeedbackQuery),
    responses((status = 200, body = Page<Feedback>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_feedback(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<FeedbackQuery>,
) -> ApiResult<axum::Json<Page<Feedback>>> {
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let limit = super::page_limit(q.limit)?;
    let cursor = super::id_cursor(q.cursor.as_deref())?.map(str::to_string);
    let product_id =
        super::product_filter(app.store.db(), ws, q.product.as_deref(), &mut errors).await?;
    let statuses = super::filter_values(
        &mut errors,
        "status",
        q.status.as_deref(),
        FeedbackStatus::parse,
    );
    let sources = super::filter_values(
        &mut errors,
        "source",
        q.source.as_deref(),
        FeedbackSource::parse,
    );
    let sentiments = super::filter_values(
        &mut errors,
        "sentiment",
        q.sentiment.as_deref(),
        Sentiment::parse,
    );
    let customer_id = customer(app.store.db(), ws, &mut errors, q.customer.as_deref()).await?;
    let since = q
        .since
        .as_deref()
        .and_then(|d| errors.check(Date::parse("since", d)))
        .map(|d| d.as_string());
    let until = q
        .until
        .as_deref()
        .and_then(|d| errors.check(Date::parse("until", d)))
        .map(|d| d.as_string());
    let text = errors
        .check(keel_domain::values::text_filter("q", q.q.as_deref()))
        .flatten();
    errors.into_result()?;
    let filter = FeedbackFilter {
        product_id,
        statuses,
        sources,
        sentiments,
        tag: q
            .tag
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()),
        customer_id,
        segment: q.segment.filter(|s| !s.trim().is_empty()),
        since,
        until,
        q: text,
        cursor,
        limit,
    };
    let (rows, next_cursor) = store::list(app.store.db(), ws, &filter).await?;
    Ok(axum::Json(Page {
        items: with_links(app.store.db(), ws, &rows).await?,
        next_cursor,
    }))
}

/// One feedback item with its links.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/feedback/{id}", tag = "feedback",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feedback id")),
    responses((status = 200, body = Feedback), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_feedback(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.as_str();
    let f = find(app.store.db(), ws, &id).await?;
    let body = with_links(app.store.db(), ws, std::slice::from_ref(&f)).await?;
    Ok(reply::ok_versioned(&body[0], f.version))
}

/// Triage: status, tags, sentiment, source, customer, text, duplicate.
/// With `If-Match`, a stale version gets 412 and nothing changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/feedback/{id}", tag = "feedback", request_body = FeedbackPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feedback id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Feedback), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_feedback(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<FeedbackPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let (fields, text_changed) = patched(&mut tx.db(), &ws, &current, patch).await?;
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &fields, &now).await?;
    let links = store::links_of(tx.db(), &ws, std::slice::from_ref(&updated.id)).await?;
    tx.commit().await?;
    if text_changed {
        app.insight.feedback_changed();
    }
    let body = feedback(&updated, &links);
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::ok_versioned(&body, updated.version))
}

/// The fields of `current` with the patch applied and checked, and whether
/// the text changed.
pub(crate) async fn patched(
    db: &mut Db<'_>,
    ws: &str,
    current: &store::Feedback,
    patch: FeedbackPatch,
) -> ApiResult<(FeedbackFields, bool)> {
    let mut errors = ValidationErrors::new();
    let new_text = match patch.text.as_deref() {
        Some(t) => errors.check(text("text", t)),
        None => Some(current.text.clone()),
    };
    let source = errors.check(FeedbackSource::parse(
        "source",
        patch.source.as_deref().unwrap_or(&current.source),
    ));
    let status = errors.check(FeedbackStatus::parse(
        "status",
        patch.status.as_deref().unwrap_or(&current.status),
    ));
    let sentiment = errors.check(Sentiment::parse(
        "sentiment",
        patch.sentiment.as_deref().unwrap_or(&current.sentiment),
    ));
    let tags = match &patch.tags {
        Some(t) => tags(&mut errors, t),
        None => current.tag_list(),
    };
    let received_on = match patch.received_on.as_deref() {
        Some(d) => errors
            .check(Date::parse("received_on", d))
            .map(|d| d.as_string()),
        None => Some(current.received_on.clone()),
    };
    let customer_id = match patch.customer {
        None => current.customer_id.clone(),
        Some(None) => None,
        Some(Some(c)) => customer(db.re(), ws, &mut errors, Some(&c)).await?,
    };
    let duplicate_of = match patch.duplicate_of {
        None => current.duplicate_of.clone(),
        Some(None) => None,
        Some(Some(d)) if d == current.id => {
            errors.push(FieldError::new(
                "duplicate_of",
                "feedback cannot duplicate itself",
            ));
            None
        }
        Some(Some(d)) => match store::get(db.re(), ws, d.trim()).await? {
            Some(original) if original.duplicate_of.as_deref() == Some(current.id.as_str()) => {
                errors.push(FieldError::new(
                    "duplicate_of",
                    "that feedback is already marked as a duplicate of this one",
                ));
                None
            }
            Some(original) => Some(original.id),
            None => {
                errors.push(FieldError::new(
                    "duplicate_of",
                    "no feedback with this id in the workspace",
                ));
                None
            }
        },
    };
    errors.into_result()?;
    let (Some(new_text), Some(source), Some(status), Some(sentiment), Some(received_on)) =
        (new_text, source, status, sentiment, received_on)
    else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let text_changed = new_text != current.text;
    Ok((
        FeedbackFields {
            text: new_text,
            source: source.as_str().to_string(),
            customer_id,
            status: status.as_str().to_string(),
            sentiment: sentiment.as_str().to_string(),
            tags,
            received_on,
            duplicate_of,
        },
        text_changed,
    ))
}

/// The passage a link quotes: the given excerpt (trimmed) when it is part
/// of the feedback text, the whole text when none is given.
pub(crate) fn excerpt_of(text: &str, given: Option<&str>) -> Result<String, FieldError> {
    match given.map(str::trim) {
        None | Some("") => Ok(text.to_string()),
        Some(e) if text.contains(e) => Ok(e.to_string()),
        Some(_) => Err(FieldError::new(
            "excerpt",
            "must be a passage of the feedback text, exactly as written",
        )),
    }
}

/// Links a passage of the feedback to a feature as evidence. The excerpt
/// must be part of the feedback text (the whole text when absent).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/feedback/{id}/links", tag = "feedback", request_body = NewFeedbackLink,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feedback id")),
    responses((status = 201, body = FeedbackLink), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_link(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<NewFeedbackLink>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ws, &id).await?;
    let mut errors = ValidationErrors::new();
    let importance = errors.check(Importance::parse("importance", input.importance.trim()));
    let feature = repo::features::get(tx.db(), &ws, input.feature.trim()).await?;
    match &feature {
        None => errors.push(FieldError::new(
            "feature",
            "no feature with this id in the workspace",
        )),
        Some(f) if f.product_id != current.product_id => errors.push(FieldError::new(
            "feature",
            "the feature belongs to another product than the feedback",
        )),
        Some(_) => {}
    }
    let excerpt = errors
        .check(excerpt_of(&current.text, input.excerpt.as_deref()))
        .unwrap_or_default();
    errors.into_result()?;
    let (Some(importance), Some(feature)) = (importance, feature) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, updated, event) = store::add_link(
        &mut tx,
        &current,
        &feature.id,
        importance.as_str(),
        &excerpt,
        ctx.user_id(),
        &now,
    )
    .await?;
    let links = store::links_of(tx.db(), &ws, std::slice::from_ref(&updated.id)).await?;
    tx.commit().await?;
    let body = feedback(&updated, &links);
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    let loc = format!("{}/links/{}", location(&ctx, &current.id), created.id);
    Ok(reply::created(&link(&created), &loc, updated.version))
}

/// Removes an evidence link.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/feedback/{id}/links/{link}", tag = "feedback",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feedback id"),
        ("link" = String, Path, description = "Link id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_link(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, link_id)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ws, &id).await?;
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::remove_link(&mut tx, &current, &link_id, &now)
        .await
        .map_err(|e| match e {
            keel_store::StoreError::NotFound => ApiError::NotFound("no such link"),
            e => e.into(),
        })?;
    let links = store::links_of(tx.db(), &ws, std::slice::from_ref(&updated.id)).await?;
    tx.commit().await?;
    let body = feedback(&updated, &links);
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::no_content())
}

/// Most items one bulk change may touch.
const MAX_BULK: usize = 200;

/// One change (status, sentiment, tags added or removed) to many feedback
/// items in one transaction: every item changes, or none does.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/feedback/bulk", tag = "feedback", request_body = FeedbackBulk,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = Page<Feedback>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn bulk_update_feedback(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<FeedbackBulk>,
) -> ApiResult<axum::Json<Page<Feedback>>> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    if input.ids.is_empty() || input.ids.len() > MAX_BULK {
        errors.push(FieldError::new(
            "ids",
            format!("name from 1 to {MAX_BULK} feedback items"),
        ));
    }
    let add = tags(&mut errors, input.add_tags.as_deref().unwrap_or(&[]));
    let remove: Vec<String> = input
        .remove_tags
        .unwrap_or_default()
        .iter()
        .map(|t| t.trim().to_string())
        .collect();
    if input.status.is_none() && input.sentiment.is_none() && add.is_empty() && remove.is_empty() {
        errors.push(FieldError::new(
            "status",
            "say what to change: status, sentiment, add_tags or remove_tags",
        ));
    }
    errors.into_result()?;
    let mut tx = app.store.begin().await?;
    let now = Timestamp::now().to_rfc3339();
    let mut done = Vec::new();
    for id in &input.ids {
        let Some(current) = store::get(tx.db(), &ws, id.trim()).await? else {
            return Err(ApiError::field(
                "ids",
                format!("no feedback {id} in the workspace"),
            ));
        };
        let mut tags_now = current.tag_list();
        tags_now.retain(|t| !remove.contains(t));
        for t in &add {
            if !tags_now.contains(t) {
                tags_now.push(t.clone());
            }
        }
        let patch = FeedbackPatch {
            status: input.status.clone(),
            sentiment: input.sentiment.clone(),
            tags: Some(tags_now),
            ..Default::default()
        };
        let (fields, _) = patched(&mut tx.db(), &ws, &current, patch).await?;
        done.push(store::update(&mut tx, &current, &fields, &now).await?);
    }
    let ids: Vec<String> = done.iter().map(|(f, _)| f.id.clone()).collect();
    let links = store::links_of(tx.db(), &ws, &ids).await?;
    tx.commit().await?;
    let mut items = Vec::new();
    for (f, event) in &done {
        let body = feedback(f, &links);
        app.live
            .publish(&ws, event, serde_json::to_value(&body).ok());
        items.push(body);
    }
    Ok(axum::Json(Page {
        items,
        next_cursor: None,
    }))
}
