//! Tasks: create with a per-product key, read by id or key, filtered lists,
//! versioned partial updates with history, delete.

use super::{convert, page_limit};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{NewTask, Page, Problem, Task, TaskPatch};
use keel_domain::ids::new_id;
use keel_domain::model;
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::time::{Date, Timestamp};
use keel_domain::values::{body, estimate, label, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::tasks::{AssigneeFilter, TaskFields, TaskFilter};
use keel_store::{Db, Tx, repo};
use serde::Deserialize;
use utoipa::IntoParams;

/// Most labels one task may carry.
const MAX_LABELS: usize = 20;
/// How deep a chain of parent tasks is followed when checking for cycles.
const MAX_PARENT_DEPTH: usize = 50;

/// Task fields as the client named them, before validation and before
/// references (people, teams, tasks, features) are resolved to ids.
pub(super) struct Draft {
    title: String,
    description: String,
    status: String,
    priority: String,
    task_type: String,
    assignee: Option<String>,
    team: Option<String>,
    estimate: Option<f64>,
    due_date: Option<String>,
    labels: Vec<String>,
    parent: Option<String>,
    feature: Option<String>,
}

impl Draft {
    fn from_new(t: NewTask) -> Self {
        Draft {
            title: t.title,
            description: t.description.unwrap_or_default(),
            status: t.status.unwrap_or_else(|| Status::Todo.as_str().into()),
            priority: t
                .priority
                .unwrap_or_else(|| Priority::NoPriority.as_str().into()),
            task_type: t
                .task_type
                .unwrap_or_else(|| TaskType::Feature.as_str().into()),
            assignee: t.assignee,
            team: t.team,
            estimate: t.estimate,
            due_date: t.due_date,
            labels: t.labels.unwrap_or_default(),
            parent: t.parent,
            feature: t.feature,
        }
    }

    /// The current task with the patch laid over it.
    pub(super) fn from_patch(current: &model::Task, p: TaskPatch) -> Self {
        Draft {
            title: p.title.unwrap_or_else(|| current.title.clone()),
            description: p.description.unwrap_or_else(|| current.description.clone()),
            status: p.status.unwrap_or_else(|| current.status.clone()),
            priority: p.priority.unwrap_or_else(|| current.priority.clone()),
            task_type: p.task_type.unwrap_or_else(|| current.task_type.clone()),
            assignee: p
                .assignee
                .unwrap_or_else(|| current.assignee.as_ref().map(|a| a.id.clone())),
            team: p.team.unwrap_or_else(|| current.team.clone()),
            estimate: p.estimate.unwrap_or(current.estimate),
            due_date: p.due_date.unwrap_or_else(|| current.due_date.clone()),
            labels: p.labels.unwrap_or_else(|| current.labels.clone()),
            parent: p.parent.unwrap_or_else(|| current.parent.clone()),
            feature: p.feature.unwrap_or_else(|| current.feature.clone()),
        }
    }
}

/// Validates every field and resolves references inside `tx`, collecting
/// all errors so the client sees them at once. `task_id` is the task being
/// edited, for the parent-cycle check.
pub(super) async fn resolve(
    mut db: Db<'_>,
    ctx: &WorkspaceCtx,
    d: Draft,
    task_id: Option<&str>,
) -> ApiResult<TaskFields> {
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let title = errors.check(line("title", &d.title));
    let description = errors.check(body("description", &d.description));
    let status = errors.check(Status::parse("status", &d.status));
    let priority = errors.check(Priority::parse("priority", &d.priority));
    let task_type = errors.check(TaskType::parse("type", &d.task_type));
    let estimate = d
        .estimate
        .and_then(|e| errors.check(estimate("estimate", e)));
    let due_date = d
        .due_date
        .as_deref()
        .and_then(|s| errors.check(Date::parse("due_date", s)))
        .map(|d| d.as_string());
    let mut labels = Vec::new();
    for l in &d.labels {
        if let Some(l) = errors.check(label("labels", l))
            && !labels.contains(&l)
        {
            labels.push(l);
        }
    }
    if labels.len() > MAX_LABELS {
        errors.push(FieldError::new(
            "labels",
            format!("at most {MAX_LABELS} labels"),
        ));
    }
    let assignee_id = match d.assignee.as_deref() {
        None => None,
        Some("me") => Some(ctx.user_id().to_string()),
        Some(who) => match repo::workspaces::member(db.re(), ws, who).await? {
            Some(m) if m.active => Some(m.user.id),
            _ => {
                errors.push(FieldError::new(
                    "assignee",
                    "must be a member of this workspace (user id or email)",
                ));
                None
            }
        },
    };
    let team_id = match d.team.as_deref() {
        None => None,
        Some(key) => match repo::products::team(db.re(), ws, key).await? {
            Some(t) => Some(t.id),
            None => {
                errors.push(FieldError::new(
                    "team",
                    "no team with this key in the workspace",
                ));
                None
            }
        },
    };
    let parent_id = match d.parent.as_deref() {
        None => None,
        Some(p) => match repo::tasks::get(db.re(), ws, p).await? {
            Some(parent) => {
                if let Some(own) = task_id
                    && creates_cycle(db.re(), ws, own, &parent).await?
                {
                    errors.push(FieldError::new(
                        "parent",
                        "a task cannot be its own ancestor",
                    ));
                }
                Some(parent.id)
            }
            None => {
                errors.push(FieldError::new(
                    "parent",
                    "no task with this id or key in the workspace",
                ));
                None
            }
        },
    };
    let feature_id = match d.feature.as_deref() {
        None => None,
        Some(f) => {
            if repo::products::feature_exists(db.re(), ws, f).await? {
                Some(f.to_string())
            } else {
                errors.push(FieldError::new(
                    "feature",
                    "no feature with this id in the workspace",
                ));
                None
            }
        }
    };
    match (title, description, status, priority, task_type) {
        (Some(title), Some(description), Some(status), Some(priority), Some(task_type))
            if errors.is_empty() =>
        {
            Ok(TaskFields {
                title,
                description,
                status,
                priority,
                task_type,
                assignee_id,
                team_id,
                estimate,
                due_date,
                labels,
                parent_id,
                feature_id,
                rank: None,
            })
        }
        _ => Err(errors.into()),
    }
}

/// Whether making `parent` the parent of `task_id` would close a loop.
async fn creates_cycle(
    mut db: Db<'_>,
    ws: &str,
    task_id: &str,
    parent: &model::Task,
) -> ApiResult<bool> {
    if parent.id == task_id {
        return Ok(true);
    }
    let mut next = parent.parent.clone();
    for _ in 0..MAX_PARENT_DEPTH {
        let Some(key) = next else { return Ok(false) };
        let Some(t) = repo::tasks::get(db.re(), ws, &key).await? else {
            return Ok(false);
        };
        if t.id == task_id {
            return Ok(true);
        }
        next = t.parent;
    }
    Ok(true)
}

fn location(ctx: &WorkspaceCtx, key: &str) -> String {
    format!("/api/v1/workspaces/{}/tasks/{key}", ctx.workspace.slug)
}

/// Creates a task; its key is the product key and the product's next number.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/tasks", tag = "tasks", request_body = NewTask,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Task), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_task(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewTask>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    // Everything the task refers to is checked before the write, which then
    // holds the SQLite writer only for the statements themselves. Products
    // are never deleted; an assignee, team, parent or feature removed in
    // between makes the insert fail on its foreign key (409), never a
    // dangling reference.
    let product = repo::products::get(app.store.db(), &ctx.workspace.id, &input.product).await?;
    let draft = Draft::from_new(input);
    let fields = resolve(app.store.db(), &ctx, draft, None).await;
    let (product, fields) = match (product, fields) {
        (Some(p), Ok(f)) => (p, f),
        (None, Ok(_)) => {
            return Err(ApiError::field(
                "product",
                "no product with this key in the workspace",
            ));
        }
        (None, Err(ApiError::Validation(mut errs))) => {
            errs.insert(
                0,
                FieldError::new("product", "no product with this key in the workspace"),
            );
            return Err(ApiError::Validation(errs));
        }
        (_, Err(e)) => return Err(e),
    };
    let now = Timestamp::now().to_rfc3339();
    let id = new_id();
    let event =
        repo::tasks::insert_alone(&app.store, &id, &product, &fields, ctx.user_id(), &now).await?;
    // Read back after the commit, from a reader. A change landing in
    // between is returned with its newer version, which is still the truth.
    let task = repo::tasks::get(app.store.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let version = task.version;
    let loc = location(&ctx, &task.key);
    let body = convert::task(task);
    app.live
        .publish(&ctx.workspace.id, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(&body, &loc, version))
}

/// Filters for the task list. `status`, `priority` and `type` accept a
/// comma-separated list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TaskQuery {
    /// Product key.
    pub product: Option<String>,
    pub status: Option<String>,
    /// User id or email, `me`, or `none` for unassigned.
    pub assignee: Option<String>,
    pub priority: Option<String>,
    pub label: Option<String>,
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub task_type: Option<String>,
    /// Team key.
    pub team: Option<String>,
    /// Parent task id or key: its sub-tasks.
    pub parent: Option<String>,
    /// Text in the title or description.
    pub q: Option<String>,
    pub limit: Option<i64>,
    pub cursor: Option<String>,
}

/// Lists tasks, newest first, with filters and cursor pagination.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/tasks", tag = "tasks",
    params(("ws" = String, Path, description = "Workspace slug"), TaskQuery),
    responses((status = 200, body = Page<Task>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_tasks(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<TaskQuery>,
) -> ApiResult<axum::Json<Page<Task>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let statuses = super::filter_values(&mut errors, "status", q.status.as_deref(), Status::parse);
    let priorities = super::filter_values(
        &mut errors,
        "priority",
        q.priority.as_deref(),
        Priority::parse,
    );
    let types = super::filter_values(&mut errors, "type", q.task_type.as_deref(), TaskType::parse);
    let limit = errors
        .check(page_limit(q.limit).map_err(|_| FieldError::new("limit", "must be from 1 to 500")));
    let text = errors
        .check(keel_domain::values::text_filter("q", q.q.as_deref()))
        .flatten();
    let db = app.store.db();
    let mut filter = TaskFilter {
        statuses,
        priorities,
        types,
        label: q.label.clone(),
        q: text,
        cursor: errors
            .check(super::id_cursor(q.cursor.as_deref()).map_err(|_| {
                FieldError::new(
                    "cursor",
                    "is not a cursor returned by this list (use next_cursor as given)",
                )
            }))
            .flatten()
            .map(str::to_string),
        limit: limit.unwrap_or(50),
        ..Default::default()
    };
    // A filter naming something that does not exist matches nothing; say so
    // instead of returning an empty page that looks like "no tasks".
    filter.product_id =
        super::product_filter(app.store.db(), ws, q.product.as_deref(), &mut errors).await?;
    filter.assignee = match q.assignee.as_deref() {
        None => None,
        Some("none") => Some(AssigneeFilter::Unassigned),
        Some("me") => Some(AssigneeFilter::User(ctx.user_id().to_string())),
        Some(who) => match repo::workspaces::member(app.store.db(), ws, who).await? {
            Some(m) => Some(AssigneeFilter::User(m.user.id)),
            None => {
                errors.push(FieldError::new(
                    "assignee",
                    "no member with this id or email",
                ));
                None
            }
        },
    };
    if let Some(t) = &q.team {
        match repo::products::team(app.store.db(), ws, t).await? {
            Some(t) => filter.team_id = Some(t.id),
            None => errors.push(FieldError::new(
                "team",
                "no team with this key in the workspace",
            )),
        }
    }
    if let Some(p) = &q.parent {
        match repo::tasks::get(app.store.db(), ws, p).await? {
            Some(t) => filter.parent_id = Some(t.id),
            None => errors.push(FieldError::new(
                "parent",
                "no task with this id or key in the workspace",
            )),
        }
    }
    errors.into_result()?;
    let (tasks, next_cursor) = repo::tasks::list(db, ws, &filter).await?;
    Ok(axum::Json(Page {
        items: tasks.into_iter().map(convert::task).collect(),
        next_cursor,
    }))
}

/// One task, by id or key.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/tasks/{id}", tag = "tasks",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key, e.g. KEEL-42")),
    responses((status = 200, body = Task), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_task(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let task = repo::tasks::get(app.store.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let version = task.version;
    Ok(reply::ok_versioned(&convert::task(task), version))
}

/// Changes some fields of a task. Absent fields stay; `null` clears. With
/// `If-Match`, a stale version gets 412 and nothing changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/tasks/{id}", tag = "tasks", request_body = TaskPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Task), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_task(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<TaskPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let current = repo::tasks::get_for_update(&mut tx, &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let fields = resolve(
        tx.db(),
        &ctx,
        Draft::from_patch(&current, patch),
        Some(&current.id),
    )
    .await?;
    save(&app, &ctx, tx, &current, &fields).await
}

/// Deletes a task. Its key is never given to another task.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/tasks/{id}", tag = "tasks",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_task(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let current = repo::tasks::get_for_update(&mut tx, &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let event = repo::tasks::delete(&mut tx, &current, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    app.live.publish(&ctx.workspace.id, &event, None);
    Ok(reply::no_content())
}

/// The task named by `key` as a drop neighbour of `current`: same product,
/// not itself.
async fn neighbour(
    tx: &mut Tx,
    ws: &str,
    current: &model::Task,
    field: &str,
    key: Option<&str>,
) -> ApiResult<Option<model::Task>> {
    let Some(key) = key else { return Ok(None) };
    match repo::tasks::get(tx.db(), ws, key).await? {
        Some(t) if t.id == current.id => {
            Err(ApiError::field(field, "cannot place a task next to itself"))
        }
        Some(t) if t.product == current.product => Ok(Some(t)),
        Some(_) => Err(ApiError::field(field, "must be a task of the same product")),
        None => Err(ApiError::field(
            field,
            "no task with this id or key in the workspace",
        )),
    }
}

/// Smallest distance kept between neighbouring ranks before renumbering.
const MIN_RANK_GAP: f64 = 1e-6;

/// The rank that puts a task right after `after` or right before `before`
/// (neither: keep `current`). `None` when the neighbours are too close and
/// the product's ranks must be spread out first.
async fn rank_between(
    mut db: Db<'_>,
    product_id: &str,
    current: f64,
    after: Option<&model::Task>,
    before: Option<&model::Task>,
) -> ApiResult<Option<f64>> {
    let (low, high) = match (after, before) {
        (Some(a), _) => (
            Some(a.rank),
            repo::tasks::next_rank_after(db.re(), product_id, a.rank).await?,
        ),
        (None, Some(b)) => (
            repo::tasks::prev_rank_before(db.re(), product_id, b.rank).await?,
            Some(b.rank),
        ),
        (None, None) => return Ok(Some(current)),
    };
    let rank = match (low, high) {
        (Some(l), Some(h)) => (l + h) / 2.0,
        (Some(l), None) => l + repo::tasks::RANK_STEP,
        (None, Some(h)) => h - repo::tasks::RANK_STEP,
        (None, None) => current,
    };
    let too_close = low.is_some_and(|l| rank - l < MIN_RANK_GAP)
        || high.is_some_and(|h| h - rank < MIN_RANK_GAP);
    Ok(if too_close { None } else { Some(rank) })
}

/// Moves a task: a new status and/or a place right after or before another
/// task of the same product — what dropping a card on a board does. The new
/// order is stored, so everyone sees the same board.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/tasks/{id}/move", tag = "tasks", request_body = keel_api_types::TaskMove,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen")),
    responses((status = 200, body = Task), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn move_task(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(input): Json<keel_api_types::TaskMove>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    if input.after.is_some() && input.before.is_some() {
        return Err(ApiError::field(
            "before",
            "give either after or before, not both",
        ));
    }
    let mut tx = app.store.begin().await?;
    let found = repo::tasks::get(tx.db(), &ws, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let product_id = repo::tasks::product_id_of(tx.db(), &found.id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    // A move ranks the task between neighbours it reads, and may renumber
    // every rank of the product: one move per product at a time, so that
    // two moves into one gap do not get one rank. The product is locked
    // before any task, as renumbering locks them all.
    repo::guard::lock(&mut tx, repo::guard::Locked::Product, &product_id).await?;
    let current = repo::tasks::get_for_update(&mut tx, &ws, &found.id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let after = neighbour(&mut tx, &ws, &current, "after", input.after.as_deref()).await?;
    let before = neighbour(&mut tx, &ws, &current, "before", input.before.as_deref()).await?;
    let rank = match rank_between(
        tx.db(),
        &product_id,
        current.rank,
        after.as_ref(),
        before.as_ref(),
    )
    .await?
    {
        Some(r) => r,
        None => {
            // Too close to fit between: spread the ranks out, re-read the
            // neighbours' new ranks and place again.
            repo::tasks::renumber_ranks(&mut tx, &product_id).await?;
            let after = neighbour(&mut tx, &ws, &current, "after", input.after.as_deref()).await?;
            let before =
                neighbour(&mut tx, &ws, &current, "before", input.before.as_deref()).await?;
            let own = repo::tasks::rank_of(tx.db(), &ws, &current.id)
                .await?
                .unwrap_or(current.rank);
            rank_between(tx.db(), &product_id, own, after.as_ref(), before.as_ref())
                .await?
                .unwrap_or(own)
        }
    };
    // Renumbering bumped nothing's version, but the row may have a new rank:
    // read it again so the update's version check sees the current row.
    let current = repo::tasks::get_for_update(&mut tx, &ws, &current.id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let mut draft = Draft::from_patch(&current, TaskPatch::default());
    if let Some(status) = input.status {
        draft.status = status;
    }
    let mut fields = resolve(tx.db(), &ctx, draft, Some(&current.id)).await?;
    fields.rank = Some(rank);
    save(&app, &ctx, tx, &current, &fields).await
}

/// Writes `fields` over `current`, commits, tells live subscribers, and
/// answers with the task. A write that changes nothing is rolled back and
/// answers with the task as it was (same version, no history, no event).
async fn save(
    app: &AppState,
    ctx: &WorkspaceCtx,
    mut tx: Tx,
    current: &model::Task,
    fields: &TaskFields,
) -> ApiResult<Response> {
    let (task, event) = repo::tasks::update(
        &mut tx,
        current,
        fields,
        ctx.user_id(),
        &Timestamp::now().to_rfc3339(),
    )
    .await?;
    let version = task.version;
    let body = convert::task(task);
    if let Some(event) = event {
        tx.commit().await?;
        app.live
            .publish(&ctx.workspace.id, &event, serde_json::to_value(&body).ok());
    }
    Ok(reply::ok_versioned(&body, version))
}
