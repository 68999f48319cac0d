//! Bulk edits: the same status, priority and/or assignee on many tasks in
//! one transaction — all of them change or none does. Each task goes
//! through the single-task path (`resolve` + `repo::tasks::update`), so it
//! gets the same validation, its own history entries and its own live
//! event, published after the commit.

use super::convert;
use super::tasks::{Draft, resolve};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, WorkspaceCtx};
use axum::extract::State;
use keel_api_types::{BulkTaskResult, BulkTaskUpdate, Problem, TaskPatch};
use keel_domain::task::{Priority, Status};
use keel_domain::time::Timestamp;
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo;

/// Most tasks one bulk edit may name.
pub const MAX_BULK_TASKS: usize = 500;

/// Sets the same fields on up to 500 tasks (ids or keys), all or nothing.
/// A task named twice is changed once. Errors name the field (`set.status`)
/// or the task (`tasks[3]`), and then nothing has changed.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/tasks/bulk", tag = "tasks", request_body = BulkTaskUpdate,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 200, body = BulkTaskResult), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn bulk_update_tasks(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<BulkTaskUpdate>,
) -> ApiResult<axum::Json<BulkTaskResult>> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let set = input.set;
    let mut errors = ValidationErrors::new();
    if input.tasks.is_empty() {
        errors.push(FieldError::new("tasks", "name at least one task"));
    } else if input.tasks.len() > MAX_BULK_TASKS {
        errors.push(FieldError::new(
            "tasks",
            format!("at most {MAX_BULK_TASKS} tasks at a time"),
        ));
    }
    if set.status.is_none() && set.priority.is_none() && set.assignee.is_none() {
        errors.push(FieldError::new(
            "set",
            "set at least one of status, priority, assignee",
        ));
    }
    if let Some(s) = &set.status {
        errors.check(Status::parse("set.status", s));
    }
    if let Some(p) = &set.priority {
        errors.check(Priority::parse("set.priority", p));
    }
    if let Some(Some(who)) = &set.assignee
        && who != "me"
        && !repo::workspaces::member(app.store.db(), &ws, who)
            .await?
            .is_some_and(|m| m.active)
    {
        errors.push(FieldError::new(
            "set.assignee",
            "must be a member of this workspace (user id or email), or null to unassign",
        ));
    }
    errors.into_result()?;

    let mut tx = app.store.begin().await?;
    // Find every task first (unlocked), report all the unknown ones at
    // once, then lock them in id order: two bulk edits over the same tasks
    // then wait for each other instead of deadlocking.
    let mut ids: Vec<String> = Vec::with_capacity(input.tasks.len());
    let mut unknown = ValidationErrors::new();
    for (i, name) in input.tasks.iter().enumerate() {
        match repo::tasks::get(tx.db(), &ws, name.trim()).await? {
            Some(t) => ids.push(t.id),
            None => unknown.push(FieldError::new(
                format!("tasks[{i}]"),
                format!("{name}: no task with this id or key in the workspace"),
            )),
        }
    }
    unknown.into_result()?;
    let mut order: Vec<&String> = ids.iter().collect();
    order.sort();
    order.dedup();
    let now = Timestamp::now().to_rfc3339();
    let mut changed = Vec::new();
    let mut results = std::collections::HashMap::new();
    // Every task locked first, in id order, before any is updated: an
    // update appends an event, which holds the workspace's counter row, and
    // a single-task write holding the next task would wait for that row
    // while this waited for its task (a deadlock on PostgreSQL).
    let mut locked = Vec::with_capacity(order.len());
    for id in order {
        locked.push(
            repo::tasks::get_for_update(&mut tx, &ws, id)
                .await?
                .ok_or(ApiError::NotFound("no such task"))?,
        );
    }
    for current in locked {
        let id = &current.id;
        let patch = TaskPatch {
            status: set.status.clone(),
            priority: set.priority.clone(),
            assignee: set.assignee.clone(),
            ..Default::default()
        };
        let fields = match resolve(
            tx.db(),
            &ctx,
            Draft::from_patch(&current, patch),
            Some(&current.id),
        )
        .await
        {
            Ok(f) => f,
            Err(ApiError::Validation(errs)) => {
                let at = ids.iter().position(|x| x == id).unwrap_or(0);
                return Err(ApiError::Validation(
                    errs.into_iter()
                        .map(|e| {
                            FieldError::new(
                                format!("tasks[{at}]"),
                                format!("{}: {} {}", current.key, e.field, e.message),
                            )
                        })
                        .collect(),
                ));
            }
            Err(e) => return Err(e),
        };
        // A task that already has these values is left alone: updating it
        // would bump its version with nothing to show in its history.
        let unchanged = fields.status.as_str() == current.status
            && fields.priority.as_str() == current.priority
            && fields.assignee_id.as_deref() == current.assignee.as_ref().map(|a| a.id.as_str());
        if unchanged {
            results.insert(current.id.clone(), current);
            continue;
        }
        let (task, event) =
            repo::tasks::update(&mut tx, &current, &fields, ctx.user_id(), &now).await?;
        if let Some(event) = event {
            changed.push((event, task.id.clone()));
        }
        results.insert(task.id.clone(), task);
    }
    tx.commit().await?;

    let mut items = Vec::with_capacity(ids.len());
    let mut seen = std::collections::HashSet::new();
    for id in &ids {
        if seen.insert(id)
            && let Some(task) = results.get(id)
        {
            items.push(convert::task(task.clone()));
        }
    }
    for (event, id) in &changed {
        let body = items.iter().find(|t| t.id == *id);
        app.live.publish(
            &ctx.workspace.id,
            event,
            body.and_then(|b| serde_json::to_value(b).ok()),
        );
    }
    Ok(axum::Json(BulkTaskResult {
        changed: changed.len() as i64,
        items,
    }))
}
