//! Roadmaps: per product, features placed in now / next / later lanes (a
//! move names the lane and the item to go before or after, like other rank
//! routes) and on the month timeline, with what stakeholders may see of
//! them; and read-only share links (the secret is shown once, only its hash
//! is kept, and revoking stops it at once). Everyone in the workspace reads;
//! writers change roadmaps and make or revoke share links.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::{reply, secrets};
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    CreatedShareLink, NewRoadmap, NewRoadmapItem, NewShareLink, Page, Problem, Roadmap,
    RoadmapItem, RoadmapItemMove, RoadmapItemPatch, RoadmapPatch, ShareLink,
};
use keel_domain::roadmap::{self as rules, Anchor, Lane, Month};
use keel_domain::time::Timestamp;
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo;
use keel_store::repo::roadmaps::{self as store, ItemFields};
use keel_store::{Db, Tx};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;

/// Longest public summary, in characters: a paragraph for stakeholders.
const MAX_SUMMARY: usize = 2_000;

/// The page a share link opens, for its secret.
pub(crate) fn share_path(token: &str) -> String {
    format!("/share/roadmaps/{token}")
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/roadmaps/{id}", ctx.workspace.slug)
}

pub(crate) fn item(i: &store::Item, goals: Vec<String>) -> RoadmapItem {
    RoadmapItem {
        id: i.id.clone(),
        roadmap_id: i.roadmap_id.clone(),
        feature: i.feature_id.clone(),
        feature_title: i.feature_title.clone(),
        feature_status: i.feature_status.clone(),
        lane: i.lane.clone(),
        position: i.position,
        start_month: i.start_month.clone(),
        end_month: i.end_month.clone(),
        public: i.is_public,
        public_title: i.public_title.clone(),
        public_summary: i.public_summary.clone(),
        goals,
        created_at: i.created_at.clone(),
        updated_at: i.updated_at.clone(),
        version: i.version,
    }
}

fn roadmap(r: &store::Roadmap, items: Option<Vec<RoadmapItem>>) -> Roadmap {
    Roadmap {
        id: r.id.clone(),
        product: r.product_key.clone(),
        name: r.name.clone(),
        description: r.description.clone(),
        items,
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
        version: r.version,
    }
}

fn link(l: &store::ShareLink) -> ShareLink {
    ShareLink {
        id: l.id.clone(),
        roadmap_id: l.roadmap_id.clone(),
        label: l.label.clone(),
        created_by: l.created_by.clone(),
        created_at: l.created_at.clone(),
    }
}

/// The roadmap's items with the goals each feature serves; the web page and
/// the share page read them through here too.
pub(crate) async fn items_of(mut db: Db<'_>, r: &store::Roadmap) -> ApiResult<Vec<RoadmapItem>> {
    let rows = store::items(db.re(), &r.workspace_id, &r.id).await?;
    let mut goals: HashMap<String, Vec<String>> = HashMap::new();
    for (feature, goal) in
        repo::feature_goals::links_of_product(db.re(), &r.workspace_id, &r.product_id).await?
    {
        goals.entry(feature).or_default().push(goal);
    }
    Ok(rows
        .iter()
        .map(|i| item(i, goals.remove(&i.feature_id).unwrap_or_default()))
        .collect())
}

/// One roadmap on the wire, with its items.
pub(crate) async fn full(db: Db<'_>, r: &store::Roadmap) -> ApiResult<Roadmap> {
    let items = items_of(db, r).await?;
    Ok(roadmap(r, Some(items)))
}

pub(crate) async fn find(db: Db<'_>, ctx: &WorkspaceCtx, id: &str) -> ApiResult<store::Roadmap> {
    store::get(db, &ctx.workspace.id, id)
        .await?
        .ok_or(ApiError::NotFound("no such roadmap"))
}

async fn find_item(db: Db<'_>, r: &store::Roadmap, id: &str) -> ApiResult<store::Item> {
    store::item(db, &r.workspace_id, &r.id, id)
        .await?
        .ok_or(ApiError::NotFound("no such item on this roadmap"))
}

/// A month field: `None` when absent or null, else parsed.
fn month(errors: &mut ValidationErrors, field: &str, v: Option<&str>) -> Option<Month> {
    v.and_then(|s| errors.check(Month::parse(field, s)))
}

/// Optional one-line text; blank means "none".
fn optional_line(errors: &mut ValidationErrors, field: &str, v: &str) -> Option<String> {
    if v.trim().is_empty() {
        Some(String::new())
    } else {
        errors.check(line(field, v))
    }
}

fn summary(errors: &mut ValidationErrors, v: &str) -> Option<String> {
    if v.chars().count() > MAX_SUMMARY {
        errors.push(FieldError::new(
            "public_summary",
            format!("must be at most {MAX_SUMMARY} characters"),
        ));
        return None;
    }
    errors.check(body("public_summary", v.trim()))
}

/// The raw values of an item's create or patch merged over what it has.
struct ItemDraft<'a> {
    start: Option<Option<&'a str>>,
    end: Option<Option<&'a str>>,
    public: Option<bool>,
    public_title: Option<&'a str>,
    public_summary: Option<&'a str>,
}

/// Checks every field at once; `current` supplies what a patch leaves out.
/// A patch that changes the start without naming the end keeps the end only
/// when it still follows; otherwise the item ends where it starts.
fn item_fields(
    errors: &mut ValidationErrors,
    d: ItemDraft<'_>,
    current: Option<&ItemFields>,
) -> Option<ItemFields> {
    let keep = |f: fn(&ItemFields) -> Option<String>| current.and_then(f);
    let start_text = match d.start {
        Some(v) => v.map(str::to_string),
        None => keep(|c| c.start_month.clone()),
    };
    let mut end_text = match d.end {
        Some(v) => v.map(str::to_string),
        None => keep(|c| c.end_month.clone()),
    };
    if d.start == Some(None) && d.end.is_none() {
        // Unscheduling clears the whole stretch.
        end_text = None;
    }
    let before = errors.0.len();
    let start = month(errors, "start_month", start_text.as_deref());
    let mut end = month(errors, "end_month", end_text.as_deref());
    let parsed = errors.0.len() == before;
    if d.end.is_none() && matches!((start, end), (Some(s), Some(e)) if e < s) {
        // A new start after the kept end: the item ends where it starts.
        end = start;
    }
    let stretch = if parsed {
        errors.check(rules::span(start, end))
    } else {
        None
    };
    let public_title = match d.public_title {
        Some(t) => optional_line(errors, "public_title", t),
        None => Some(current.map(|c| c.public_title.clone()).unwrap_or_default()),
    };
    let public_summary = match d.public_summary {
        Some(t) => summary(errors, t),
        None => Some(
            current
                .map(|c| c.public_summary.clone())
                .unwrap_or_default(),
        ),
    };
    let stretch = stretch?;
    Some(ItemFields {
        start_month: stretch.map(|(s, _)| s.as_string()),
        end_month: stretch.map(|(_, e)| e.as_string()),
        is_public: d.public.unwrap_or(current.is_some_and(|c| c.is_public)),
        public_title: public_title?,
        public_summary: public_summary?,
    })
}

/// Makes a roadmap for a product.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/roadmaps", tag = "roadmaps", request_body = NewRoadmap,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Roadmap), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_roadmap(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewRoadmap>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let mut tx = app.store.begin().await?;
    let product = super::product_field(tx.db(), &ws, &input.product, &mut errors).await?;
    let name = errors.check(line("name", &input.name));
    let description = errors.check(body(
        "description",
        input.description.as_deref().unwrap_or(""),
    ));
    errors.into_result()?;
    let (Some(product), Some(name), Some(description)) = (product, name, description) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = store::create(
        &mut tx,
        &ws,
        &product.id,
        &name,
        &description,
        ctx.user_id(),
        &now,
    )
    .await?;
    tx.commit().await?;
    let body = roadmap(&created, Some(Vec::new()));
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// `?product=` on the roadmap list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RoadmapQuery {
    /// Product key.
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's roadmaps, oldest first, without their items.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/roadmaps", tag = "roadmaps",
    params(("ws" = String, Path, description = "Workspace slug"), RoadmapQuery),
    responses((status = 200, body = Page<Roadmap>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_roadmaps(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<RoadmapQuery>,
) -> ApiResult<axum::Json<Page<Roadmap>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let product =
        super::product_filter(app.store.db(), ws, q.product.as_deref(), &mut errors).await?;
    errors.into_result()?;
    let rows = store::list(app.store.db(), ws, product.as_deref()).await?;
    let items = rows.iter().map(|r| roadmap(r, None)).collect();
    let page = super::page_of(items, |r: &Roadmap| &r.id, q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(page))
}

/// One roadmap with its items, lane by lane.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/roadmaps/{id}", tag = "roadmaps",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id")),
    responses((status = 200, body = Roadmap), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_roadmap(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let r = find(app.store.db(), &ctx, &id).await?;
    Ok(reply::ok_versioned(
        &full(app.store.db(), &r).await?,
        r.version,
    ))
}

/// Renames or redescribes a roadmap.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/roadmaps/{id}", tag = "roadmaps", request_body = RoadmapPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Roadmap), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_roadmap(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<RoadmapPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ctx, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", patch.name.as_deref().unwrap_or(&current.name)));
    let description = errors.check(body(
        "description",
        patch.description.as_deref().unwrap_or(&current.description),
    ));
    errors.into_result()?;
    let (Some(name), Some(description)) = (name, description) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    // A PATCH that changes nothing keeps the version and writes nothing.
    let updated = if name == current.name && description == current.description {
        current
    } else {
        let now = Timestamp::now().to_rfc3339();
        let (updated, event) = store::update(&mut tx, &current, &name, &description, &now).await?;
        tx.commit().await?;
        app.live.publish(&ctx.workspace.id, &event, None);
        updated
    };
    Ok(reply::ok_versioned(
        &full(app.store.db(), &updated).await?,
        updated.version,
    ))
}

/// Deletes a roadmap with its items and share links (which stop working).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/roadmaps/{id}", tag = "roadmaps",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_roadmap(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ctx, &id).await?;
    let event = store::delete(&mut tx, &current, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    app.live.publish(&ctx.workspace.id, &event, None);
    Ok(reply::no_content())
}

/// Places a feature of the roadmap's product on it, last in its lane (one
/// item per feature: a second is a 409 naming `feature`).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/roadmaps/{id}/items", tag = "roadmaps", request_body = NewRoadmapItem,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id")),
    responses((status = 201, body = RoadmapItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_item(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<NewRoadmapItem>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    lock_items(&mut tx, &id).await?;
    let r = find(tx.db(), &ctx, &id).await?;
    let mut errors = ValidationErrors::new();
    let feature = match repo::features::get(tx.db(), &ws, input.feature.trim()).await? {
        Some(f) if f.product_id == r.product_id => Some(f),
        Some(_) => {
            errors.push(FieldError::new(
                "feature",
                "must be a feature of the roadmap's product",
            ));
            None
        }
        None => {
            errors.push(FieldError::new(
                "feature",
                "no such feature in the workspace",
            ));
            None
        }
    };
    let lane = errors.check(Lane::parse(
        "lane",
        input.lane.as_deref().unwrap_or("later"),
    ));
    let draft = ItemDraft {
        start: Some(input.start_month.as_deref()),
        end: Some(input.end_month.as_deref()),
        public: input.public,
        public_title: input.public_title.as_deref(),
        public_summary: input.public_summary.as_deref(),
    };
    let fields = item_fields(&mut errors, draft, None);
    errors.into_result()?;
    let (Some(feature), Some(lane), Some(fields)) = (feature, lane, fields) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    if store::item_of_feature(tx.db(), &ws, &r.id, &feature.id)
        .await?
        .is_some()
    {
        return Err(ApiError::Conflict {
            field: "feature".into(),
            message: "this feature is already on the roadmap".into(),
        });
    }
    let now = Timestamp::now().to_rfc3339();
    let created = store::add_item(&mut tx, &r, &feature.id, lane.as_str(), &fields, &now).await?;
    let (r, event) = store::touch(&mut tx, &r, &now).await?;
    tx.commit().await?;
    app.live.publish(&ws, &event, None);
    let goals = goals_of(app.store.db(), &r, &created.feature_id).await?;
    Ok(reply::created(
        &item(&created, goals),
        &format!("{}/items/{}", location(&ctx, &r.id), created.id),
        created.version,
    ))
}

async fn goals_of(db: Db<'_>, r: &store::Roadmap, feature: &str) -> ApiResult<Vec<String>> {
    Ok(
        repo::feature_goals::links_of_product(db, &r.workspace_id, &r.product_id)
            .await?
            .into_iter()
            .filter(|(f, _)| f == feature)
            .map(|(_, g)| g)
            .collect(),
    )
}

/// Schedules an item, or changes what stakeholders see of it.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/roadmaps/{id}/items/{item}", tag = "roadmaps", request_body = RoadmapItemPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id"),
        ("item" = String, Path, description = "Item id"),
        ("If-Match" = Option<String>, Header, description = "The item's ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = RoadmapItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_item(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, item_id)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<RoadmapItemPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    lock_items(&mut tx, &id).await?;
    let r = find(tx.db(), &ctx, &id).await?;
    let current = find_item(tx.db(), &r, &item_id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let draft = ItemDraft {
        start: patch.start_month.as_ref().map(|v| v.as_deref()),
        end: patch.end_month.as_ref().map(|v| v.as_deref()),
        public: patch.public,
        public_title: patch.public_title.as_deref(),
        public_summary: patch.public_summary.as_deref(),
    };
    let was = ItemFields::of(&current);
    let fields = item_fields(&mut errors, draft, Some(&was));
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::Internal("validated fields missing".into()))?;
    let updated = if fields == was {
        current
    } else {
        let now = Timestamp::now().to_rfc3339();
        let updated = store::update_item(&mut tx, &ws, &current, &fields, &now).await?;
        let (_, event) = store::touch(&mut tx, &r, &now).await?;
        tx.commit().await?;
        app.live.publish(&ws, &event, None);
        updated
    };
    let goals = goals_of(app.store.db(), &r, &updated.feature_id).await?;
    Ok(reply::ok_versioned(&item(&updated, goals), updated.version))
}

/// Moves an item within its lane or to another: right before or after
/// another item of the lane it goes to, or last there. Both lanes are
/// renumbered from 0; only the moved item's version changes.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/roadmaps/{id}/items/{item}/move", tag = "roadmaps", request_body = RoadmapItemMove,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id"),
        ("item" = String, Path, description = "Item id")),
    responses((status = 200, body = RoadmapItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn move_item(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, item_id)): Path<(String, String, String)>,
    Json(input): Json<RoadmapItemMove>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    lock_items(&mut tx, &id).await?;
    let r = find(tx.db(), &ctx, &id).await?;
    let current = find_item(tx.db(), &r, &item_id).await?;
    let mut errors = ValidationErrors::new();
    let lane = errors.check(Lane::parse(
        "lane",
        input.lane.as_deref().unwrap_or(&current.lane),
    ));
    let (field, anchor_id, after) = match (&input.before, &input.after) {
        (Some(b), None) => ("before", Some(b.trim().to_string()), false),
        (None, Some(a)) => ("after", Some(a.trim().to_string()), true),
        (None, None) => ("before", None, false),
        (Some(_), Some(_)) => {
            errors.push(FieldError::new(
                "before",
                "give before or after (an item id), not both",
            ));
            ("before", None, false)
        }
    };
    if let (Some(a), Some(lane)) = (&anchor_id, lane) {
        match store::item(tx.db(), &ws, &r.id, a).await? {
            Some(t) if t.id == current.id => errors.push(FieldError::new(
                field,
                "must be another item than the one moved",
            )),
            Some(t) if t.lane != lane.as_str() => errors.push(FieldError::new(
                field,
                "must be an item of the lane the item moves to",
            )),
            Some(_) => {}
            None => errors.push(FieldError::new(field, "no such item on this roadmap")),
        }
    }
    errors.into_result()?;
    let lane = lane.ok_or_else(|| ApiError::Internal("validated lane missing".into()))?;
    let anchor = match (&anchor_id, after) {
        (Some(a), true) => Anchor::After(a),
        (Some(a), false) => Anchor::Before(a),
        (None, _) => Anchor::End,
    };
    let target = store::lane_order(&mut tx, &r.id, lane.as_str()).await?;
    let order = rules::place(&target, &current.id, anchor);
    if order == target && current.lane == lane.as_str() {
        // Already there: nothing to write.
        tx.commit().await?;
        let goals = goals_of(app.store.db(), &r, &current.feature_id).await?;
        return Ok(reply::ok_versioned(&item(&current, goals), current.version));
    }
    let now = Timestamp::now().to_rfc3339();
    store::arrange(
        &mut tx,
        &r.id,
        lane.as_str(),
        &order,
        Some(&current.id),
        &now,
    )
    .await?;
    if current.lane != lane.as_str() {
        let left = store::lane_order(&mut tx, &r.id, &current.lane).await?;
        store::arrange(&mut tx, &r.id, &current.lane, &left, None, &now).await?;
    }
    let (_, event) = store::touch(&mut tx, &r, &now).await?;
    let moved = find_item(tx.db(), &r, &current.id).await?;
    tx.commit().await?;
    app.live.publish(&ws, &event, None);
    let goals = goals_of(app.store.db(), &r, &moved.feature_id).await?;
    Ok(reply::ok_versioned(&item(&moved, goals), moved.version))
}

/// Holds the roadmap until the transaction ends: its items' writes read
/// a lane's order and renumber it, so on PostgreSQL two of them at once
/// would place items on the same position or undo each other's moves.
async fn lock_items(tx: &mut Tx, roadmap_id: &str) -> ApiResult<()> {
    repo::guard::lock(tx, repo::guard::Locked::Roadmap, roadmap_id).await?;
    Ok(())
}

/// Takes a feature off the roadmap (the feature stays).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/roadmaps/{id}/items/{item}", tag = "roadmaps",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id"),
        ("item" = String, Path, description = "Item id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_item(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, item_id)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    lock_items(&mut tx, &id).await?;
    let r = find(tx.db(), &ctx, &id).await?;
    let current = find_item(tx.db(), &r, &item_id).await?;
    store::remove_item(&mut tx, &current).await?;
    let (_, event) = store::touch(&mut tx, &r, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    app.live.publish(&ctx.workspace.id, &event, None);
    Ok(reply::no_content())
}

/// Makes a read-only share link: the answer is the only place its secret
/// and URL appear (only a hash is stored). The page shows public items only.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/roadmaps/{id}/share-links", tag = "roadmaps", request_body = NewShareLink,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id")),
    responses((status = 201, body = CreatedShareLink), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_share_link(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<NewShareLink>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut errors = ValidationErrors::new();
    let label = optional_line(&mut errors, "label", input.label.as_deref().unwrap_or(""));
    errors.into_result()?;
    let label = label.unwrap_or_default();
    let token = secrets::new_token().map_err(ApiError::Internal)?;
    let mut tx = app.store.begin().await?;
    let r = find(tx.db(), &ctx, &id).await?;
    let now = Timestamp::now().to_rfc3339();
    let made = store::create_link(
        &mut tx,
        &r,
        &secrets::token_hash(&token),
        &label,
        ctx.user_id(),
        &now,
    )
    .await?;
    tx.commit().await?;
    let body = CreatedShareLink {
        id: made.id.clone(),
        roadmap_id: made.roadmap_id.clone(),
        label: made.label.clone(),
        created_by: made.created_by.clone(),
        created_at: made.created_at.clone(),
        url: share_path(&token),
        token,
    };
    Ok(reply::created(
        &body,
        &format!("{}/share-links/{}", location(&ctx, &r.id), made.id),
        1,
    ))
}

/// The roadmap's share links that work, without their secrets.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/roadmaps/{id}/share-links", tag = "roadmaps",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id")),
    responses((status = 200, body = Page<ShareLink>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_share_links(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Page<ShareLink>>> {
    ctx.require(Permission::Read)?;
    let r = find(app.store.db(), &ctx, &id).await?;
    let rows = store::links(app.store.db(), &ctx.workspace.id, &r.id).await?;
    Ok(axum::Json(Page {
        items: rows.iter().map(link).collect(),
        next_cursor: None,
    }))
}

/// Revokes a share link: it stops working at once.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/roadmaps/{id}/share-links/{link}", tag = "roadmaps",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Roadmap id"),
        ("link" = String, Path, description = "Share link id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn revoke_share_link(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, link_id)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let r = find(tx.db(), &ctx, &id).await?;
    let l = store::link(tx.db(), &ctx.workspace.id, &r.id, &link_id)
        .await?
        .ok_or(ApiError::NotFound("no such share link"))?;
    store::delete_link(&mut tx, &l).await?;
    tx.commit().await?;
    Ok(reply::no_content())
}
