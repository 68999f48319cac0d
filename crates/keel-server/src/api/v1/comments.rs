//! Comments on tasks (an @mention in one notifies that member), and the
//! task history.

use super::{PageParams, convert, page_limit};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{Activity, Comment, NewComment, Page, Problem};
use keel_domain::Permission;
use keel_domain::mention::{Mentionable, mentioned};
use keel_domain::time::Timestamp;
use keel_domain::values::non_empty_body;
use keel_store::repo;

/// Comments on a task (guests may comment too).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/tasks/{id}/comments", tag = "tasks", request_body = NewComment,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key")),
    responses((status = 201, body = Comment), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_comment(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<NewComment>,
) -> ApiResult<Response> {
    ctx.require(Permission::Comment)?;
    let text = non_empty_body("body", &input.body)?;
    let mut tx = app.store.begin().await?;
    let task = repo::tasks::get(tx.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let now = Timestamp::now().to_rfc3339();
    let (comment, event) =
        repo::comments::create(&mut tx, &task, ctx.user_id(), &text, &now).await?;
    let notified = notify_mentioned(&mut tx, &task, ctx.user_id(), &comment, &now).await?;
    tx.commit().await?;
    let location = format!(
        "/api/v1/workspaces/{}/tasks/{}/comments/{}",
        ctx.workspace.slug, task.key, comment.id
    );
    let body = convert::comment(&comment, &task.key);
    app.live
        .publish(&ctx.workspace.id, &event, serde_json::to_value(&body).ok());
    for event in &notified {
        app.live.publish(&ctx.workspace.id, event, None);
    }
    Ok(reply::created(&body, &location, comment.version))
}

/// Notifies the active members a comment @mentions (never its author),
/// inside the comment's transaction. Returns the events to publish.
async fn notify_mentioned(
    tx: &mut keel_store::Tx,
    task: &keel_domain::model::Task,
    author_id: &str,
    comment: &keel_domain::model::Comment,
    now: &str,
) -> ApiResult<Vec<keel_domain::model::Event>> {
    if !comment.body.contains('@') {
        return Ok(Vec::new());
    }
    let members = repo::workspaces::members(tx.db(), &task.workspace_id).await?;
    let people: Vec<Mentionable<'_>> = members
        .iter()
        .filter(|m| m.active)
        .map(|m| Mentionable {
            id: &m.user.id,
            name: &m.user.name,
            email: &m.user.email,
        })
        .collect();
    let mut events = Vec::new();
    for user_id in mentioned(&comment.body, &people) {
        if user_id == author_id {
            continue;
        }
        events.push(
            repo::notifications::create_mention(tx, task, user_id, author_id, &comment.id, now)
                .await?,
        );
    }
    Ok(events)
}

/// One comment of a task: where a new comment's `Location` points.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/tasks/{id}/comments/{comment}", tag = "tasks",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key"),
        ("comment" = String, Path, description = "Comment id")),
    responses((status = 200, body = Comment), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_comment(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, comment_id)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let task = repo::tasks::get(app.store.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let comment = repo::comments::get(app.store.db(), &task.id, &comment_id)
        .await?
        .ok_or(ApiError::NotFound("no such comment on this task"))?;
    Ok(reply::ok_versioned(
        &convert::comment(&comment, &task.key),
        comment.version,
    ))
}

/// A task's comments, oldest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/tasks/{id}/comments", tag = "tasks",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key"), PageParams),
    responses((status = 200, body = Page<Comment>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_comments(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Comment>>> {
    ctx.require(Permission::Read)?;
    let limit = page_limit(page.limit)?;
    let task = repo::tasks::get(app.store.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let (items, next_cursor) = repo::comments::list(
        app.store.db(),
        &task.id,
        super::id_cursor(page.cursor.as_deref())?,
        limit,
    )
    .await?;
    Ok(axum::Json(Page {
        items: items
            .iter()
            .map(|c| convert::comment(c, &task.key))
            .collect(),
        next_cursor,
    }))
}

/// A task's history: who changed which field from what to what, and when.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/tasks/{id}/activity", tag = "tasks",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key"), PageParams),
    responses((status = 200, body = Page<Activity>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_activity(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Activity>>> {
    ctx.require(Permission::Read)?;
    let limit = page_limit(page.limit)?;
    let task = repo::tasks::get(app.store.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let (items, next_cursor) = repo::comments::activity(
        app.store.db(),
        &task.id,
        super::id_cursor(page.cursor.as_deref())?,
        limit,
    )
    .await?;
    Ok(axum::Json(Page {
        items: items.iter().map(convert::activity).collect(),
        next_cursor,
    }))
}
