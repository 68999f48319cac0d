//! Customer journey maps: create, list, change and delete maps; add,
//! rename, re-score, move and delete stages; write a cell's text; link a
//! stage's opportunities to features and unlink them. `GET` of one map
//! returns the whole grid.
//!
//! Everyone in the workspace may read maps (`Read`); changing them needs
//! `Write`. Every change moves the map's `version` and appends one
//! `journey` event about the map, whose item is the map without its grid
//! (a persona appears by name only, so guests on the stream learn nothing
//! personal). `If-Match` is honoured on the map's `PATCH`; grid writes
//! never conflict with each other (each touches one stage), so they take
//! none — the map row is locked while one runs.

use super::{id_cursor, page_limit};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    JourneyCell, JourneyCellText, JourneyCells, JourneyMap, JourneyMapPatch, JourneyOpportunity,
    JourneyStage, JourneyStagePatch, NewJourneyMap, NewJourneyOpportunity, NewJourneyStage, Page,
    PersonaRef, Problem,
};
use keel_domain::ids::new_id;
use keel_domain::journey::{self as rules, Emotion, Lane, LinkedKind};
use keel_domain::model::Event;
use keel_domain::time::Timestamp;
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::journeys::{self as store, MapFields, MapFilter};
use keel_store::{Db, Tx, repo};
use serde::Deserialize;
use utoipa::IntoParams;

// ---------------------------------------------------------------------------
// Conversions.

fn summary(m: &store::Map) -> JourneyMap {
    JourneyMap {
        id: m.id.clone(),
        product: m.product_key.clone(),
        persona: match (&m.persona_id, &m.persona_name) {
            (Some(id), Some(name)) => Some(PersonaRef {
                id: id.clone(),
                name: name.clone(),
            }),
            _ => None,
        },
        title: m.title.clone(),
        description: m.description.clone(),
        stage_count: m.stage_count,
        stages: None,
        created_at: m.created_at.clone(),
        updated_at: m.updated_at.clone(),
        version: m.version,
    }
}

fn stage_of(s: &store::Stage, cells: &[store::Cell], links: &[store::Link]) -> JourneyStage {
    let mut texts = JourneyCells::default();
    for c in cells.iter().filter(|c| c.stage_id == s.id) {
        let slot = match Lane::parse("lane", &c.lane) {
            Ok(Lane::Actions) => &mut texts.actions,
            Ok(Lane::Touchpoints) => &mut texts.touchpoints,
            Ok(Lane::Thoughts) => &mut texts.thoughts,
            Ok(Lane::PainPoints) => &mut texts.pain_points,
            Ok(Lane::Opportunities) => &mut texts.opportunities,
            // Never written by Keel.
            Err(_) => continue,
        };
        slot.clone_from(&c.text);
    }
    JourneyStage {
        id: s.id.clone(),
        position: s.position,
        name: s.name.clone(),
        emotion: s.emotion,
        cells: texts,
        opportunity_links: links
            .iter()
            .filter(|l| l.stage_id == s.id)
            .filter_map(opportunity)
            .collect(),
        updated_at: s.updated_at.clone(),
    }
}

/// A link as the API shows it; `None` when what it points to is gone.
fn opportunity(l: &store::Link) -> Option<JourneyOpportunity> {
    Some(JourneyOpportunity {
        id: l.id.clone(),
        linked_kind: l.linked_kind.clone(),
        linked_id: l.linked_id.clone(),
        title: l.title.clone()?,
        status: l.status.clone().unwrap_or_default(),
        product: l.product_key.clone().unwrap_or_default(),
        created_at: l.created_at.clone(),
    })
}

/// A map with its whole grid.
pub(crate) async fn with_grid(mut db: Db<'_>, m: &store::Map) -> ApiResult<JourneyMap> {
    let stages = store::stages(db.re(), &m.id).await?;
    let cells = store::cells(db.re(), &m.id).await?;
    let links = store::links(db, &m.id).await?;
    let mut map = summary(m);
    map.stages = Some(stages.iter().map(|s| stage_of(s, &cells, &links)).collect());
    Ok(map)
}

/// A map of the workspace, or 404.
pub(crate) async fn find(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::Map> {
    store::get(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such journey map"))
}

/// A map of the workspace, locked for a grid write, or 404.
async fn lock(tx: &mut Tx, ws: &str, id: &str) -> ApiResult<store::Map> {
    store::lock(tx, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such journey map"))
}

/// A stage of a map (in its order), or 404.
fn stage_in<'a>(stages: &'a [store::Stage], id: &str) -> ApiResult<&'a store::Stage> {
    stages
        .iter()
        .find(|s| s.id == id)
        .ok_or(ApiError::NotFound("no such stage in this journey map"))
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/journeys/{id}", ctx.workspace.slug)
}

/// Publishes committed events with the map (without its grid) as item.
fn publish(app: &AppState, ws: &str, event: &Event, map: Option<&store::Map>) {
    let item = map.and_then(|m| serde_json::to_value(summary(m)).ok());
    app.live.publish(ws, event, item);
}

/// The persona named by id or name, or an error naming `persona`.
async fn resolve_persona(
    db: Db<'_>,
    ws: &str,
    name: &str,
    errors: &mut ValidationErrors,
) -> ApiResult<Option<String>> {
    let found = repo::personas::find(db, ws, name.trim()).await?;
    if found.is_none() {
        errors.push(FieldError::new(
            "persona",
            "no persona with this id or name in the workspace",
        ));
    }
    Ok(found.map(|p| p.id))
}

// ---------------------------------------------------------------------------
// Maps.

/// Creates a map: shared by the API handler and the web form.
pub(crate) async fn create(
    app: &AppState,
    ws: &str,
    user_id: &str,
    input: &NewJourneyMap,
) -> ApiResult<store::Map> {
    let mut errors = ValidationErrors::new();
    let title = errors.check(line("title", &input.title));
    let description = errors.check(body(
        "description",
        input.description.as_deref().unwrap_or(""),
    ));
    let mut tx = app.store.begin().await?;
    let product = super::product_field(tx.db(), ws, &input.product, &mut errors).await?;
    let persona = match input.persona.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => resolve_persona(tx.db(), ws, p, &mut errors)
            .await?
            .map(Some),
        _ => Some(None),
    };
    let (Some(title), Some(description), Some(product), Some(persona_id)) =
        (title, description, product, persona)
    else {
        return Err(errors.into());
    };
    let fields = MapFields {
        title,
        description,
        persona_id,
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, event) =
        store::create(&mut tx, &new_id(), ws, &product.id, &fields, user_id, &now).await?;
    tx.commit().await?;
    publish(app, ws, &event, Some(&created));
    Ok(created)
}

/// Creates a journey map of a product, optionally for one persona (by id
/// or name). It starts without stages.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/journeys", tag = "journeys", request_body = NewJourneyMap,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = JourneyMap), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_journey(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewJourneyMap>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let created = create(&app, &ctx.workspace.id, ctx.user_id(), &input).await?;
    let body = with_grid(app.store.db(), &created).await?;
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// `?product=&persona=&q=&limit=&cursor=` on the map list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct JourneyQuery {
    /// Product key.
    pub product: Option<String>,
    /// Persona id or name.
    pub persona: Option<String>,
    /// Text in the title (any case).
    pub q: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's journey maps, newest first (without their grids).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/journeys", tag = "journeys",
    params(("ws" = String, Path, description = "Workspace slug"), JourneyQuery),
    responses((status = 200, body = Page<JourneyMap>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_journeys(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<JourneyQuery>,
) -> ApiResult<axum::Json<Page<JourneyMap>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let limit = errors
        .check(page_limit(q.limit).map_err(|_| FieldError::new("limit", "must be from 1 to 500")))
        .unwrap_or(50);
    let cursor = errors
        .check(id_cursor(q.cursor.as_deref()).map_err(|_| {
            FieldError::new(
                "cursor",
                "is not a cursor returned by this list (use next_cursor as given)",
            )
        }))
        .flatten()
        .map(str::to_string);
    let product_id =
        super::product_filter(app.store.db(), ws, q.product.as_deref(), &mut errors).await?;
    let persona_id = match q.persona.as_deref().map(str::trim) {
        Some(p) if !p.is_empty() => resolve_persona(app.store.db(), ws, p, &mut errors).await?,
        _ => None,
    };
    let text = errors
        .check(keel_domain::values::text_filter("q", q.q.as_deref()))
        .flatten();
    errors.into_result()?;
    let filter = MapFilter {
        product_id,
        persona_id,
        q: text,
        cursor,
        limit,
    };
    let (items, next_cursor) = store::list(app.store.db(), ws, &filter).await?;
    Ok(axum::Json(Page {
        items: items.iter().map(summary).collect(),
        next_cursor,
    }))
}

/// One journey map with its whole grid: stages in order, each with its
/// emotion, its text in every lane and its linked opportunities.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/journeys/{id}", tag = "journeys",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id")),
    responses((status = 200, body = JourneyMap), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_journey(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let m = find(app.store.db(), &ctx.workspace.id, &id).await?;
    let body = with_grid(app.store.db(), &m).await?;
    Ok(reply::ok_versioned(&body, m.version))
}

/// Changes a map's title, description or persona. With `If-Match`, a
/// stale version (the map or its grid changed since) gets 412 and nothing
/// changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/journeys/{id}", tag = "journeys", request_body = JourneyMapPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = JourneyMap), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_journey(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<JourneyMapPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let title = errors.check(line(
        "title",
        patch.title.as_deref().unwrap_or(&current.title),
    ));
    let description = errors.check(body(
        "description",
        patch.description.as_deref().unwrap_or(&current.description),
    ));
    let persona = match &patch.persona {
        Some(Some(p)) if !p.trim().is_empty() => resolve_persona(tx.db(), ws, p, &mut errors)
            .await?
            .map(Some),
        Some(_) => Some(None),
        None => Some(current.persona_id.clone()),
    };
    let (Some(title), Some(description), Some(persona_id)) = (title, description, persona) else {
        return Err(errors.into());
    };
    let fields = MapFields {
        title,
        description,
        persona_id,
    };
    let unchanged = MapFields {
        title: current.title.clone(),
        description: current.description.clone(),
        persona_id: current.persona_id.clone(),
    };
    if fields == unchanged {
        let body = with_grid(tx.db(), &current).await?;
        return Ok(reply::ok_versioned(&body, current.version));
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &fields, &now).await?;
    let body = with_grid(tx.db(), &updated).await?;
    tx.commit().await?;
    publish(&app, ws, &event, Some(&updated));
    Ok(reply::ok_versioned(&body, updated.version))
}

/// Deletes a map with its stages, cells and links.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/journeys/{id}", tag = "journeys",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_journey(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = lock(&mut tx, ws, &id).await?;
    let now = Timestamp::now().to_rfc3339();
    let event = store::delete(&mut tx, &current, &now).await?;
    tx.commit().await?;
    publish(&app, ws, &event, None);
    Ok(reply::no_content())
}

// ---------------------------------------------------------------------------
// Stages.

/// Records a grid change on a locked map: its version moves and the
/// event is appended (published once the caller commits).
async fn touch(tx: &mut Tx, map: &store::Map) -> ApiResult<(store::Map, Event)> {
    let now = Timestamp::now().to_rfc3339();
    Ok(store::touch(tx, map, &now).await?)
}

/// The stage as it now is, inside the transaction.
async fn stage_now(tx: &mut Tx, map_id: &str, stage_id: &str) -> ApiResult<JourneyStage> {
    let stages = store::stages(tx.db(), map_id).await?;
    let cells = store::cells(tx.db(), map_id).await?;
    let links = store::links(tx.db(), map_id).await?;
    let s = stage_in(&stages, stage_id)?;
    Ok(stage_of(s, &cells, &links))
}

/// Adds a stage with its name and emotion (−2 to +2, default 0), after
/// the last one or at `position`. A map holds at most 30 stages. The
/// `ETag` is the map's new version.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/journeys/{id}/stages", tag = "journeys", request_body = NewJourneyStage,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id")),
    responses((status = 201, body = JourneyStage), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_stage(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<NewJourneyStage>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", &input.name));
    let emotion = errors.check(Emotion::parse("emotion", input.emotion.unwrap_or(0)));
    let position = match input.position {
        Some(p) => errors.check(rules::position("position", p)).map(Some),
        None => Some(None),
    };
    let mut tx = app.store.begin().await?;
    let map = lock(&mut tx, ws, &id).await?;
    let stages = store::stages(tx.db(), &map.id).await?;
    if stages.len() >= rules::MAX_STAGES {
        errors.push(FieldError::new(
            "name",
            format!(
                "a journey map holds at most {} stages; delete one first",
                rules::MAX_STAGES
            ),
        ));
    }
    let (Some(name), Some(emotion), Some(position), true) =
        (name, emotion, position, errors.is_empty())
    else {
        return Err(errors.into());
    };
    let stage_id = new_id();
    let at = rules::insert_at(stages.len(), position);
    let mut order: Vec<String> = stages.iter().map(|s| s.id.clone()).collect();
    order.insert(at, stage_id.clone());
    let now = Timestamp::now().to_rfc3339();
    store::insert_stage(
        &mut tx,
        &stage_id,
        &map.id,
        at as i64,
        &name,
        emotion.value(),
        &now,
    )
    .await?;
    store::set_positions(&mut tx, &order).await?;
    let (updated, event) = touch(&mut tx, &map).await?;
    let body = stage_now(&mut tx, &map.id, &stage_id).await?;
    tx.commit().await?;
    publish(&app, ws, &event, Some(&updated));
    let loc = format!("{}/stages/{stage_id}", location(&ctx, &map.id));
    Ok(reply::created(&body, &loc, updated.version))
}

/// Renames a stage, sets its emotion (−2 to +2) or moves it to
/// `position` (0 = first; past the end = last). A change of nothing
/// leaves the map's version alone. The `ETag` is the map's version, and
/// `If-Match` is checked against it: a stage is a part of its map.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}", tag = "journeys",
    request_body = JourneyStagePatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id"),
        ("stage" = String, Path, description = "Stage id"),
        ("If-Match" = Option<String>, Header, description = "The map's ETag last seen")),
    responses((status = 200, body = JourneyStage), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_stage(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, stage_id)): Path<(String, String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<JourneyStagePatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let name = patch.name.as_deref().map(|n| errors.check(line("name", n)));
    let emotion = patch
        .emotion
        .map(|e| errors.check(Emotion::parse("emotion", e)));
    let position = patch
        .position
        .map(|p| errors.check(rules::position("position", p)));
    let mut tx = app.store.begin().await?;
    let map = lock(&mut tx, ws, &id).await?;
    let stages = store::stages(tx.db(), &map.id).await?;
    let current = stage_in(&stages, &stage_id)?.clone();
    if expected.is_some_and(|v| v != map.version) {
        return Err(ApiError::PreconditionFailed);
    }
    errors.into_result()?;
    let name = name.flatten().unwrap_or_else(|| current.name.clone());
    let emotion = emotion.flatten().map_or(current.emotion, |e| e.value());
    let ids: Vec<String> = stages.iter().map(|s| s.id.clone()).collect();
    let order = match position.flatten() {
        Some(to) => rules::move_stage(&ids, &current.id, to).unwrap_or_else(|| ids.clone()),
        None => ids.clone(),
    };
    if name == current.name && emotion == current.emotion && order == ids {
        let body = stage_now(&mut tx, &map.id, &current.id).await?;
        return Ok(reply::ok_versioned(&body, map.version));
    }
    let now = Timestamp::now().to_rfc3339();
    if name != current.name || emotion != current.emotion {
        store::update_stage(&mut tx, &current.id, &name, emotion, &now).await?;
    }
    store::set_positions(&mut tx, &order).await?;
    let (updated, event) = touch(&mut tx, &map).await?;
    let body = stage_now(&mut tx, &map.id, &current.id).await?;
    tx.commit().await?;
    publish(&app, ws, &event, Some(&updated));
    Ok(reply::ok_versioned(&body, updated.version))
}

/// Deletes a stage with its cells and links; the stages after it move up.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}", tag = "journeys",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id"),
        ("stage" = String, Path, description = "Stage id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_stage(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, stage_id)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let map = lock(&mut tx, ws, &id).await?;
    let stages = store::stages(tx.db(), &map.id).await?;
    let doomed = stage_in(&stages, &stage_id)?.id.clone();
    store::delete_stage(&mut tx, &doomed).await?;
    let rest: Vec<String> = stages
        .iter()
        .filter(|s| s.id != doomed)
        .map(|s| s.id.clone())
        .collect();
    store::set_positions(&mut tx, &rest).await?;
    let (updated, event) = touch(&mut tx, &map).await?;
    tx.commit().await?;
    publish(&app, ws, &event, Some(&updated));
    Ok(reply::no_content())
}

// ---------------------------------------------------------------------------
// Cells.

/// Writes the text of one stage in one lane (`actions`, `touchpoints`,
/// `thoughts`, `pain_points`, `opportunities`); `""` blanks it. Writing
/// the text it already has changes nothing. The `ETag` is the map's
/// version.
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}/cells/{lane}", tag = "journeys",
    request_body = JourneyCellText,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id"),
        ("stage" = String, Path, description = "Stage id"),
        ("lane" = String, Path, description = "actions, touchpoints, thoughts, pain_points or opportunities")),
    responses((status = 200, body = JourneyCell), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn put_cell(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, stage_id, lane)): Path<(String, String, String, String)>,
    Json(input): Json<JourneyCellText>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let lane = errors.check(Lane::parse("lane", &lane));
    let text = errors.check(rules::cell_text("text", &input.text));
    let mut tx = app.store.begin().await?;
    let map = lock(&mut tx, ws, &id).await?;
    let stages = store::stages(tx.db(), &map.id).await?;
    let stage = stage_in(&stages, &stage_id)?.id.clone();
    let (Some(lane), Some(text)) = (lane, text) else {
        return Err(errors.into());
    };
    // The same text again (or blank for a cell never written) changes
    // nothing.
    let existing = store::cell(tx.db(), &stage, lane.as_str()).await?;
    if existing
        .as_ref()
        .map_or(text.is_empty(), |c| c.text == text)
    {
        let body = JourneyCell {
            stage,
            lane: lane.as_str().to_string(),
            text,
            updated_at: existing.map_or_else(|| map.updated_at.clone(), |c| c.updated_at),
        };
        return Ok(reply::ok_versioned(&body, map.version));
    }
    let now = Timestamp::now().to_rfc3339();
    let written = store::put_cell(
        &mut tx,
        &new_id(),
        &map.id,
        &stage,
        lane.as_str(),
        &text,
        &now,
    )
    .await?;
    let (updated, event) = touch(&mut tx, &map).await?;
    tx.commit().await?;
    publish(&app, ws, &event, Some(&updated));
    let body = JourneyCell {
        stage: written.stage_id,
        lane: written.lane,
        text: written.text,
        updated_at: written.updated_at,
    };
    Ok(reply::ok_versioned(&body, updated.version))
}

// ---------------------------------------------------------------------------
// Opportunity links.

/// Links a stage's opportunities to a feature or an idea of the map's
/// product (`linked_kind: "feature"` or `"idea"`). Linking the same item
/// twice is a 409 naming `linked_id`. The `ETag` is the map's version.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}/opportunities", tag = "journeys",
    request_body = NewJourneyOpportunity,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id"),
        ("stage" = String, Path, description = "Stage id")),
    responses((status = 201, body = JourneyOpportunity), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_opportunity(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, stage_id)): Path<(String, String, String)>,
    Json(input): Json<NewJourneyOpportunity>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let kind = errors.check(LinkedKind::parse("linked_kind", input.linked_kind.trim()));
    let mut tx = app.store.begin().await?;
    let map = lock(&mut tx, ws, &id).await?;
    let stages = store::stages(tx.db(), &map.id).await?;
    let stage = stage_in(&stages, &stage_id)?.id.clone();
    let target = match kind {
        Some(LinkedKind::Feature) => {
            let f = repo::features::get(tx.db(), ws, input.linked_id.trim()).await?;
            match f {
                None => {
                    errors.push(FieldError::new(
                        "linked_id",
                        "no feature with this id in the workspace",
                    ));
                    None
                }
                Some(f) if f.product_id != map.product_id => {
                    errors.push(FieldError::new(
                        "linked_id",
                        "the feature belongs to another product than the journey map",
                    ));
                    None
                }
                Some(f) => Some(f.id),
            }
        }
        Some(LinkedKind::Idea) => {
            let i = repo::ideas::get(tx.db(), ws, input.linked_id.trim(), "").await?;
            match i {
                None => {
                    errors.push(FieldError::new(
                        "linked_id",
                        "no idea with this id in the workspace",
                    ));
                    None
                }
                Some(i) if i.product_id != map.product_id => {
                    errors.push(FieldError::new(
                        "linked_id",
                        "the idea belongs to another product than the journey map",
                    ));
                    None
                }
                Some(i) => Some(i.id),
            }
        }
        None => None,
    };
    let (Some(kind), Some(target)) = (kind, target) else {
        return Err(errors.into());
    };
    let links = store::links(tx.db(), &map.id).await?;
    let here: Vec<&store::Link> = links.iter().filter(|l| l.stage_id == stage).collect();
    if here
        .iter()
        .any(|l| l.linked_kind == kind.as_str() && l.linked_id == target)
    {
        return Err(ApiError::Conflict {
            field: "linked_id".into(),
            message: "this stage's opportunities are already linked to it".into(),
        });
    }
    if here.len() >= rules::MAX_LINKS_PER_STAGE {
        return Err(ApiError::field(
            "linked_id",
            format!(
                "a stage links at most {} opportunities",
                rules::MAX_LINKS_PER_STAGE
            ),
        ));
    }
    let now = Timestamp::now().to_rfc3339();
    // The opportunities cell is created blank the first time it is linked.
    let cell = match store::cell(tx.db(), &stage, Lane::Opportunities.as_str()).await? {
        Some(c) => c,
        None => {
            store::put_cell(
                &mut tx,
                &new_id(),
                &map.id,
                &stage,
                Lane::Opportunities.as_str(),
                "",
                &now,
            )
            .await?
        }
    };
    let link_id = new_id();
    store::insert_link(
        &mut tx,
        &link_id,
        ws,
        &map.id,
        &cell.id,
        kind.as_str(),
        &target,
        ctx.user_id(),
        &now,
    )
    .await?;
    let loc = format!(
        "{}/stages/{stage}/opportunities/{link_id}",
        location(&ctx, &map.id)
    );
    let (updated, event) = touch(&mut tx, &map).await?;
    let body = store::link(tx.db(), &map.id, &link_id)
        .await?
        .as_ref()
        .and_then(opportunity)
        .ok_or(ApiError::NotFound("no such link"))?;
    tx.commit().await?;
    publish(&app, ws, &event, Some(&updated));
    Ok(reply::created(&body, &loc, updated.version))
}

/// Unlinks one of a stage's opportunities.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/journeys/{id}/stages/{stage}/opportunities/{link}", tag = "journeys",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Journey map id"),
        ("stage" = String, Path, description = "Stage id"), ("link" = String, Path, description = "Link id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_opportunity(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, stage_id, link_id)): Path<(String, String, String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let map = lock(&mut tx, ws, &id).await?;
    let stages = store::stages(tx.db(), &map.id).await?;
    let stage = stage_in(&stages, &stage_id)?.id.clone();
    let link = store::link(tx.db(), &map.id, &link_id)
        .await?
        .filter(|l| l.stage_id == stage)
        .ok_or(ApiError::NotFound("no such link on this stage"))?;
    store::delete_link(&mut tx, &map.id, &link.id).await?;
    let (updated, event) = touch(&mut tx, &map).await?;
    tx.commit().await?;
    publish(&app, ws, &event, Some(&updated));
    Ok(reply::no_content())
}
