//! A task's "why": the chain above it — the story it serves, that story's
//! (or the task's own) feature, the goals the feature moves, and the
//! customers whose feedback asked for it. Shared by the API route and the
//! task detail page.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::WorkspaceCtx;
use axum::extract::{Path, State};
use keel_api_types::{Problem, TaskWhy, WhyCustomer, WhyFeature, WhyGoal, WhyStory};
use keel_domain::Permission;
use keel_domain::model::Task;
use keel_domain::story::narrative;
use keel_store::{Db, StoreResult, repo};

/// The chain above `task`. `see_customers` is false for roles that may not
/// read customers (guests): the customer list is then empty.
pub(crate) async fn why_of(
    mut db: Db<'_>,
    workspace_id: &str,
    task: &Task,
    see_customers: bool,
) -> StoreResult<TaskWhy> {
    let story = repo::stories::story_of_task(db.re(), workspace_id, &task.id).await?;
    // The task's own feature wins; a task made from a story has the story's.
    let feature_id = task
        .feature
        .clone()
        .or_else(|| story.as_ref().map(|s| s.feature_id.clone()));
    let feature = match &feature_id {
        Some(f) => repo::features::get(db.re(), workspace_id, f).await?,
        None => None,
    };
    let (goals, customers) = match &feature {
        Some(f) => {
            let goals = repo::feature_goals::goals_of_feature(db.re(), workspace_id, &f.id).await?;
            let customers = if see_customers {
                repo::task_why::customers_of_feature(db.re(), workspace_id, &f.id).await?
            } else {
                Vec::new()
            };
            (goals, customers)
        }
        None => (Vec::new(), Vec::new()),
    };
    Ok(TaskWhy {
        task: task.key.clone(),
        story: story.map(|s| WhyStory {
            narrative: narrative(&s.as_a, &s.i_want, &s.so_that),
            id: s.id,
            as_a: s.as_a,
            i_want: s.i_want,
            so_that: s.so_that,
        }),
        feature: feature.map(|f| WhyFeature {
            id: f.id,
            title: f.title,
            status: f.status,
        }),
        goals: goals
            .into_iter()
            .map(|g| WhyGoal {
                id: g.id,
                title: g.title,
            })
            .collect(),
        customers: customers
            .into_iter()
            .map(|c| WhyCustomer {
                id: c.id,
                name: c.name,
                company: c.company_name,
                feedback_count: c.feedback_count,
            })
            .collect(),
    })
}

/// Why this task exists: its story, feature, the goals that feature moves
/// and the customers who asked (not shown to guests).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/tasks/{id}/why", tag = "stories",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Task id or key, e.g. KEEL-42")),
    responses((status = 200, body = TaskWhy), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn task_why(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<TaskWhy>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let task = repo::tasks::get(app.store.db(), ws, &id)
        .await?
        .ok_or(ApiError::NotFound("no such task"))?;
    let see = ctx.role.allows(Permission::ReadCustomers);
    Ok(axum::Json(why_of(app.store.db(), ws, &task, see).await?))
}
