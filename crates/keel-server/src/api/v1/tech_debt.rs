//! The tech-debt capacity budget of a cycle: read the target share and the
//! actual share of done estimate points on tech debt, and set the target.
//! The rules (what counts as tech debt, the standing) are
//! `keel_domain::tech_debt`'s; this module only loads and stores.

use super::cycles::find;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{Problem, TechDebtBudget, TechDebtTarget};
use keel_domain::insight::FeatureType;
use keel_domain::task::TaskType;
use keel_domain::tech_debt::{self as rules, Budget, DoneWork};
use keel_domain::time::Timestamp;
use keel_domain::{Permission, ValidationErrors};
use keel_store::Db;
use keel_store::repo::{self, tech_debt as store};

/// The budget of a cycle as stored now.
pub(crate) async fn budget(
    mut db: Db<'_>,
    cycle: &repo::cycles::Cycle,
) -> ApiResult<TechDebtBudget> {
    let target = store::target(db.re(), &cycle.id).await?;
    let done: Vec<DoneWork> = store::done_work(db, &cycle.id)
        .await?
        .into_iter()
        .map(|r| DoneWork {
            points: r.estimate.unwrap_or(0.0),
            tech_debt: r.task_type == TaskType::TechDebt.as_str()
                || r.feature_type.as_deref() == Some(FeatureType::TechDebt.as_str()),
        })
        .collect();
    let b = Budget::of(target, &done);
    Ok(TechDebtBudget {
        cycle: cycle.id.clone(),
        target: b.target,
        actual: b.actual,
        tech_debt_points: b.tech_debt_points,
        done_points: b.done_points,
        standing: b.standing.as_str().to_string(),
        version: cycle.version,
    })
}

/// A cycle's tech-debt budget: the target share and the actual share of
/// done estimate points on tech debt (tasks of type `tech_debt`, or of a
/// feature of type `tech_debt`).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/cycles/{id}/tech-debt", tag = "cycles",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Cycle id")),
    responses((status = 200, body = TechDebtBudget), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_tech_debt(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let c = find(app.store.db(), &ctx.workspace.id, &id).await?;
    let body = budget(app.store.db(), &c).await?;
    Ok(reply::ok_versioned(&body, c.version))
}

/// Sets a cycle's tech-debt target share (0–1; `null` clears it). With
/// `If-Match`, a stale version gets 412 and nothing changes.
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/cycles/{id}/tech-debt", tag = "cycles", request_body = TechDebtTarget,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Cycle id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = TechDebtBudget), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn put_tech_debt(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(input): Json<TechDebtTarget>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let target = input
        .target
        .and_then(|t| errors.check(rules::target("target", t)));
    errors.into_result()?;
    let mut tx = app.store.begin().await?;
    // Held until the commit, so that of two requests with the same
    // `If-Match` the second reads the first's version and gets 412.
    repo::guard::lock(&mut tx, repo::guard::Locked::Cycle, &id).await?;
    let current = find(tx.db(), &ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    if store::target(tx.db(), &current.id).await? == target {
        // Nothing changes: no new version, no event.
        let body = budget(tx.db(), &current).await?;
        tx.commit().await?;
        return Ok(reply::ok_versioned(&body, current.version));
    }
    store::set_target(&mut tx, &current.id, target).await?;
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = repo::cycles::touched(&mut tx, &current, &now).await?;
    let body = budget(tx.db(), &updated).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::ok_versioned(&body, updated.version))
}
