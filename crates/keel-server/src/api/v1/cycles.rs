//! Cycles (sprints): create and change them, put tasks of their product in
//! and out of scope, read progress and the burn-up series. Scope changes
//! are recorded with their time, never overwritten, so the burn-up of any
//! past day can be replayed (see `keel_domain::cycle`).

use super::{convert, page_of};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    Burnup, BurnupDay, Cycle, CyclePatch, CycleTasks, NewCycle, Page, Problem, Task, WorkAmount,
};
use keel_domain::cycle::{self as rules, CycleDates, Outcome, ScopeSpan, Tally};
use keel_domain::ids::new_id;
use keel_domain::task::Status;
use keel_domain::time::{Date, Timestamp};
use keel_domain::values::line;
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::cycles::{self as store, NewCycle as NewRow, ScopeRow};
use keel_store::repo::tasks::{MAX_UNPAGED, TaskFilter};
use keel_store::{Db, repo};
use serde::Deserialize;
use utoipa::IntoParams;

/// Most tasks one request may add or remove.
const MAX_TASKS_PER_CALL: usize = 200;

/// The burn-up spans of one cycle's scope rows. Rows whose times do not
/// parse (never written by Keel) are skipped.
pub(crate) fn spans(rows: &[ScopeRow]) -> Vec<ScopeSpan> {
    rows.iter()
        .filter_map(|r| {
            let completed = r
                .completed_at
                .as_deref()
                .and_then(|t| Timestamp::parse("completed_at", t).ok());
            let outcome = match (Status::parse("status", &r.status), completed) {
                (Ok(Status::Done), Some(at)) => Outcome::Done { at },
                (Ok(Status::Canceled), Some(at)) => Outcome::Canceled { at },
                _ => Outcome::Open,
            };
            Some(ScopeSpan {
                task_id: r.task_id.clone(),
                added_at: Timestamp::parse("added_at", &r.added_at).ok()?,
                removed_at: match &r.removed_at {
                    Some(t) => Some(Timestamp::parse("removed_at", t).ok()?),
                    None => None,
                },
                points: r.estimate.unwrap_or(0.0),
                outcome,
            })
        })
        .collect()
}

fn amount(tasks: i64, points: f64) -> WorkAmount {
    WorkAmount { tasks, points }
}

/// The stored dates of a cycle (always valid: the API checks them).
pub(crate) fn dates_of(c: &store::Cycle) -> Option<CycleDates> {
    let start = Date::parse("start_date", &c.start_date).ok()?;
    let end = Date::parse("end_date", &c.end_date).ok()?;
    CycleDates::new(start, end).ok()
}

/// A cycle with its scope and progress now.
pub(crate) fn cycle(c: &store::Cycle, rows: &[ScopeRow]) -> Cycle {
    let now = Timestamp::now();
    let tally: Tally = rules::tally_at(&spans(rows), now);
    let phase = dates_of(c).map_or("active", |d| d.phase(now.date()).as_str());
    Cycle {
        id: c.id.clone(),
        name: c.name.clone(),
        product: c.product_key.clone(),
        start_date: c.start_date.clone(),
        end_date: c.end_date.clone(),
        phase: phase.to_string(),
        scope: amount(tally.scope_tasks, tally.scope_points),
        progress: amount(tally.done_tasks, tally.done_points),
        created_at: c.created_at.clone(),
        updated_at: c.updated_at.clone(),
        version: c.version,
    }
}

/// The burn-up series of a cycle.
pub(crate) fn burnup(c: &store::Cycle, rows: &[ScopeRow]) -> Burnup {
    let days = match dates_of(c) {
        Some(dates) => rules::burnup(&dates, &spans(rows), Timestamp::now().date())
            .into_iter()
            .map(|b| BurnupDay {
                date: b.day.as_string(),
                scope: amount(b.tally.scope_tasks, b.tally.scope_points),
                done: amount(b.tally.done_tasks, b.tally.done_points),
            })
            .collect(),
        None => Vec::new(),
    };
    Burnup {
        start_date: c.start_date.clone(),
        end_date: c.end_date.clone(),
        days,
    }
}

/// A cycle of the workspace, or 404.
pub(crate) async fn find(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::Cycle> {
    store::get(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such cycle"))
}

/// The tasks in a cycle's scope now, in board order.
pub(crate) async fn scope_tasks(
    mut db: Db<'_>,
    ws: &str,
    c: &store::Cycle,
) -> ApiResult<Vec<keel_domain::model::Task>> {
    let ids = store::task_ids(db.re(), &c.id).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let filter = TaskFilter {
        product_id: Some(c.product_id.clone()),
        by_rank: true,
        limit: MAX_UNPAGED,
        ..Default::default()
    };
    let (tasks, _) = repo::tasks::list(db, ws, &filter).await?;
    Ok(tasks.into_iter().filter(|t| ids.contains(&t.id)).collect())
}

fn parse_dates(errors: &mut ValidationErrors, start: &str, end: &str) -> Option<CycleDates> {
    let start = errors.check(Date::parse("start_date", start));
    let end = errors.check(Date::parse("end_date", end));
    match (start, end) {
        (Some(s), Some(e)) => errors.check(CycleDates::new(s, e)),
        _ => None,
    }
}

/// Validates and creates a cycle (API and the page's form); the caller has
/// checked the permission.
pub(crate) async fn create(
    app: &AppState,
    ctx_ws: &str,
    actor_id: &str,
    input: &NewCycle,
) -> ApiResult<store::Cycle> {
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", &input.name));
    let product = super::product_field(app.store.db(), ctx_ws, &input.product, &mut errors).await?;
    let dates = parse_dates(&mut errors, &input.start_date, &input.end_date);
    let (Some(name), Some(product), Some(dates)) = (name, product, dates) else {
        return Err(errors.into());
    };
    let mut tx = app.store.begin().await?;
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = store::create(
        &mut tx,
        &NewRow {
            id: &id,
            workspace_id: ctx_ws,
            product_id: &product.id,
            name: &name,
            start_date: &dates.start().as_string(),
            end_date: &dates.end().as_string(),
            actor_id,
            now: &now,
        },
    )
    .await?;
    tx.commit().await?;
    let body = cycle(&created, &[]);
    app.live
        .publish(ctx_ws, &event, serde_json::to_value(&body).ok());
    Ok(created)
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/cycles/{id}", ctx.workspace.slug)
}

/// Creates a cycle of a product; the end date must be after the start.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/cycles", tag = "cycles", request_body = NewCycle,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Cycle), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_cycle(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewCycle>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let c = create(&app, &ctx.workspace.id, ctx.user_id(), &input).await?;
    Ok(reply::created(
        &cycle(&c, &[]),
        &location(&ctx, &c.id),
        c.version,
    ))
}

/// `?product=&limit=&cursor=` on the cycle list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CycleQuery {
    /// Only cycles of this product (key).
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's cycles, latest start first, with scope and progress.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/cycles", tag = "cycles",
    params(("ws" = String, Path, description = "Workspace slug"), CycleQuery),
    responses((status = 200, body = Page<Cycle>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_cycles(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<CycleQuery>,
) -> ApiResult<axum::Json<Page<Cycle>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let product_id = match &q.product {
        Some(key) => Some(
            repo::products::get(app.store.db(), ws, key)
                .await?
                .ok_or_else(|| {
                    ApiError::field("product", "no product with this key in the workspace")
                })?
                .id,
        ),
        None => None,
    };
    Ok(axum::Json(page_of(
        list(app.store.db(), ws, product_id.as_deref()).await?,
        |c| c.id.as_str(),
        q.limit,
        q.cursor.as_deref(),
    )?))
}

/// The workspace's cycles as the API shows them.
pub(crate) async fn list(
    mut db: Db<'_>,
    ws: &str,
    product_id: Option<&str>,
) -> ApiResult<Vec<Cycle>> {
    let cycles = store::list(db.re(), ws, product_id).await?;
    let rows = store::scope_of_workspace(db, ws).await?;
    Ok(cycles
        .iter()
        .map(|c| {
            let mine: Vec<ScopeRow> = rows
                .iter()
                .filter(|r| r.cycle_id == c.id)
                .cloned()
                .collect();
            cycle(c, &mine)
        })
        .collect())
}

/// One cycle with its scope and progress.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/cycles/{id}", tag = "cycles",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Cycle id")),
    responses((status = 200, body = Cycle), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_cycle(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let c = find(app.store.db(), &ctx.workspace.id, &id).await?;
    let rows = store::scope(app.store.db(), &c.id).await?;
    Ok(reply::ok_versioned(&cycle(&c, &rows), c.version))
}

/// Renames a cycle or changes its dates (the end stays after the start).
/// With `If-Match`, a stale version gets 412 and nothing changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/cycles/{id}", tag = "cycles", request_body = CyclePatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Cycle id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Cycle), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_cycle(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<CyclePatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", patch.name.as_deref().unwrap_or(&current.name)));
    let dates = parse_dates(
        &mut errors,
        patch.start_date.as_deref().unwrap_or(&current.start_date),
        patch.end_date.as_deref().unwrap_or(&current.end_date),
    );
    let (Some(name), Some(dates)) = (name, dates) else {
        return Err(errors.into());
    };
    let (start, end) = (dates.start().as_string(), dates.end().as_string());
    let rows = store::scope(tx.db(), &current.id).await?;
    if name == current.name && start == current.start_date && end == current.end_date {
        return Ok(reply::ok_versioned(
            &cycle(&current, &rows),
            current.version,
        ));
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &name, &start, &end, &now).await?;
    tx.commit().await?;
    let body = cycle(&updated, &rows);
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::ok_versioned(&body, updated.version))
}

/// The tasks in the cycle's scope now, in board order (one page: all).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/cycles/{id}/tasks", tag = "cycles",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Cycle id")),
    responses((status = 200, body = Page<Task>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_cycle_tasks(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Page<Task>>> {
    ctx.require(Permission::Read)?;
    let c = find(app.store.db(), &ctx.workspace.id, &id).await?;
    let tasks = scope_tasks(app.store.db(), &ctx.workspace.id, &c).await?;
    Ok(axum::Json(Page {
        items: tasks.into_iter().map(convert::task).collect(),
        next_cursor: None,
    }))
}

/// Resolves the named tasks to ids of the cycle's product, collecting every
/// bad name.
async fn resolve_tasks(
    db: &mut Db<'_>,
    ws: &str,
    c: &store::Cycle,
    names: &[String],
) -> ApiResult<Vec<String>> {
    if names.is_empty() {
        return Err(ApiError::field("tasks", "name at least one task"));
    }
    if names.len() > MAX_TASKS_PER_CALL {
        return Err(ApiError::field(
            "tasks",
            format!("at most {MAX_TASKS_PER_CALL} tasks at a time"),
        ));
    }
    let mut errors = ValidationErrors::new();
    let mut ids = Vec::new();
    for name in names {
        match repo::tasks::get(db.re(), ws, name.trim()).await? {
            Some(t) if t.product == c.product_key => {
                if !ids.contains(&t.id) {
                    ids.push(t.id);
                }
            }
            Some(t) => errors.push(FieldError::new(
                "tasks",
                format!("{} is not a task of {}", t.key, c.product_key),
            )),
            None => errors.push(FieldError::new(
                "tasks",
                format!("no task {name} in the workspace"),
            )),
        }
    }
    errors.into_result()?;
    Ok(ids)
}

async fn change_scope(
    app: &AppState,
    ctx: &WorkspaceCtx,
    id: &str,
    names: &[String],
    add: bool,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ws, id).await?;
    let ids = resolve_tasks(&mut tx.db(), &ws, &current, names).await?;
    let now = Timestamp::now().to_rfc3339();
    let mut changed = false;
    for task_id in &ids {
        changed |= if add {
            store::add_task(&mut tx, &current.id, task_id, &new_id(), &now).await?
        } else {
            store::remove_task(&mut tx, &current.id, task_id, &now).await?
        };
    }
    if !changed {
        let rows = store::scope(tx.db(), &current.id).await?;
        return Ok(reply::ok_versioned(
            &cycle(&current, &rows),
            current.version,
        ));
    }
    let (updated, event) = store::touched(&mut tx, &current, &now).await?;
    let rows = store::scope(tx.db(), &current.id).await?;
    tx.commit().await?;
    let body = cycle(&updated, &rows);
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::ok_versioned(&body, updated.version))
}

/// Puts tasks of the cycle's product into its scope (tasks already in it
/// stay as they are). Answers with the cycle's new scope and progress.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/cycles/{id}/tasks", tag = "cycles", request_body = CycleTasks,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Cycle id")),
    responses((status = 200, body = Cycle), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_cycle_tasks(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<CycleTasks>,
) -> ApiResult<Response> {
    change_scope(&app, &ctx, &id, &input.tasks, true).await
}

/// Takes a task out of the cycle's scope (a task not in it is ignored);
/// the burn-up keeps the time it spent in it.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/cycles/{id}/tasks/{task}", tag = "cycles",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Cycle id"),
        ("task" = String, Path, description = "Task key or id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn remove_cycle_task(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, task)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    change_scope(&app, &ctx, &id, &[task], false).await?;
    Ok(reply::no_content())
}

/// The burn-up series: for each day from the start up to today, the scope
/// and the completed work at the end of that day (UTC).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/cycles/{id}/burnup", tag = "cycles",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Cycle id")),
    responses((status = 200, body = Burnup), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_burnup(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Burnup>> {
    ctx.require(Permission::Read)?;
    let c = find(app.store.db(), &ctx.workspace.id, &id).await?;
    let rows = store::scope(app.store.db(), &c.id).await?;
    Ok(axum::Json(burnup(&c, &rows)))
}
