//! Goals and OKRs: objectives with key results (a key result is a goal with
//! a `parent`), check-ins, and the computed SMART check, progress, health
//! and forecast (`keel_domain::goals`, judged on today's UTC date).
//! Everyone in the workspace reads; members write.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    Checkin, Goal, GoalPatch, NewCheckin, NewGoal, Page, PersonRef, Problem, Smart,
};
use keel_domain::goals::{self as rules, CheckinPoint, GoalInput, LinkedWork, Measure, SmartInput};
use keel_domain::time::{Date, Timestamp};
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::Db;
use keel_store::repo;
use keel_store::repo::goals::{self as store, GoalFields};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;

/// The inputs of the computations for a stored goal and its check-ins.
pub(crate) fn input(g: &store::Goal, checkins: &[store::Checkin]) -> GoalInput {
    let created = Timestamp::parse("created_at", &g.created_at)
        .map(|t| t.date())
        .unwrap_or_else(|_| Timestamp::now().date());
    GoalInput {
        baseline: g.baseline,
        target: g.target,
        deadline: g
            .deadline
            .as_deref()
            .and_then(|d| Date::parse("deadline", d).ok()),
        created,
        checkins: checkins
            .iter()
            .filter_map(|c| {
                Date::parse("date", &c.checked_on)
                    .ok()
                    .map(|date| CheckinPoint {
                        date,
                        value: c.value,
                    })
            })
            .collect(),
    }
}

/// What each goal of the workspace is measured by when its measure is
/// `linked_features`: its features' statuses, each feature counted once.
pub(crate) async fn linked_work(db: Db<'_>, ws: &str) -> ApiResult<HashMap<String, LinkedWork>> {
    let rows = store::linked_feature_statuses(db, ws).await?;
    let mut by_goal: HashMap<String, Vec<(String, String)>> = HashMap::new();
    for (goal, feature, status) in rows {
        let list = by_goal.entry(goal).or_default();
        if !list.iter().any(|(f, _)| *f == feature) {
            list.push((feature, status));
        }
    }
    Ok(by_goal
        .into_iter()
        .map(|(g, list)| (g, LinkedWork::of(list.iter().map(|(_, s)| s.as_str()))))
        .collect())
}

/// The wire form of a goal, its computed fields judged on `today`;
/// `work` is what a `linked_features` goal is measured by.
pub(crate) fn goal(
    g: &store::Goal,
    checkins: &[store::Checkin],
    key_results: Vec<String>,
    work: LinkedWork,
    today: Date,
) -> Goal {
    let i = input(g, checkins);
    let linked = g.measure == Measure::LinkedFeatures.as_str();
    // Measured by linked work, the metric, baseline and target are the
    // features themselves, so only deadline and owner can be missing.
    let missing = rules::smart_missing(SmartInput {
        metric: linked || !g.metric.is_empty(),
        target: linked || g.target.is_some(),
        deadline: g.deadline.is_some(),
        owner: g.owner_id.is_some(),
        baseline: linked || g.baseline.is_some(),
    });
    let owner = match (&g.owner_id, &g.owner_name, &g.owner_email) {
        (Some(id), Some(name), Some(email)) => Some(PersonRef {
            id: id.clone(),
            name: name.clone(),
            email: email.clone(),
        }),
        _ => None,
    };
    let (baseline, target, current, progress, health, forecast) = if linked {
        (
            Some(0.0),
            Some(work.counted as f64),
            Some(work.shipped as f64),
            rules::linked_progress(work),
            rules::linked_health(work, i.created, i.deadline, today),
            None,
        )
    } else {
        (
            g.baseline,
            g.target,
            rules::current(&i),
            rules::progress(&i),
            rules::health(&i, today),
            rules::forecast(&i),
        )
    };
    Goal {
        id: g.id.clone(),
        product: g.product_key.clone(),
        parent: g.parent_id.clone(),
        title: g.title.clone(),
        measure: g.measure.clone(),
        metric: g.metric.clone(),
        baseline,
        target,
        unit: g.unit.clone(),
        deadline: g.deadline.clone(),
        owner,
        current,
        progress,
        health: health.as_str().to_string(),
        smart: Smart {
            ok: missing.is_empty(),
            missing: missing.into_iter().map(str::to_string).collect(),
        },
        forecast,
        key_results,
        created_at: g.created_at.clone(),
        updated_at: g.updated_at.clone(),
        version: g.version,
    }
}

pub(crate) fn checkin(c: &store::Checkin) -> Checkin {
    Checkin {
        id: c.id.clone(),
        goal_id: c.goal_id.clone(),
        value: c.value,
        note: c.note.clone(),
        date: c.checked_on.clone(),
        created_at: c.created_at.clone(),
    }
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/goals/{id}", ctx.workspace.slug)
}

fn today() -> Date {
    Timestamp::now().date()
}

async fn find(db: Db<'_>, ctx: &WorkspaceCtx, id: &str) -> ApiResult<store::Goal> {
    store::get(db, &ctx.workspace.id, id)
        .await?
        .ok_or(ApiError::NotFound("no such goal"))
}

/// One goal on the wire: its check-ins and key results read alongside.
async fn full(db: &keel_store::Store, g: &store::Goal) -> ApiResult<Goal> {
    let checkins = store::checkins(db.db(), &g.workspace_id, &g.id).await?;
    let krs = store::list(db.db(), &g.workspace_id, Some(&g.product_id))
        .await?
        .into_iter()
        .filter(|k| k.parent_id.as_deref() == Some(g.id.as_str()))
        .map(|k| k.id)
        .collect();
    let work = linked_work(db.db(), &g.workspace_id)
        .await?
        .remove(&g.id)
        .unwrap_or_default();
    Ok(goal(g, &checkins, krs, work, today()))
}

/// A number field: finite and bounded.
fn number(errors: &mut ValidationErrors, field: &str, v: Option<f64>) -> Option<f64> {
    v.and_then(|v| errors.check(rules::value(field, v)))
}

/// The raw values of a create or a patch merged over the current goal.
struct Draft<'a> {
    title: Option<&'a str>,
    metric: Option<&'a str>,
    baseline: Option<Option<f64>>,
    target: Option<Option<f64>>,
    unit: Option<&'a str>,
    deadline: Option<Option<&'a str>>,
    owner: Option<Option<&'a str>>,
    parent: Option<Option<&'a str>>,
    measure: Option<&'a str>,
}

/// Checks every field at once; `current` supplies what a patch leaves out
/// and `product_id` is the goal's product (a parent must share it).
async fn fields(
    mut db: Db<'_>,
    ws: &str,
    errors: &mut ValidationErrors,
    d: Draft<'_>,
    product_id: Option<&str>,
    current: Option<&store::Goal>,
) -> ApiResult<Option<GoalFields>> {
    let keep = current.map(GoalFields::of);
    let title = errors.check(line(
        "title",
        d.title.or(current.map(|c| c.title.as_str())).unwrap_or(""),
    ));
    let metric = match d.metric {
        Some(m) if m.trim().is_empty() => Some(String::new()),
        Some(m) => errors.check(line("metric", m)),
        None => Some(keep.as_ref().map(|k| k.metric.clone()).unwrap_or_default()),
    };
    let unit = match d.unit {
        Some(u) if u.trim().is_empty() => Some(String::new()),
        Some(u) => errors.check(line("unit", u)),
        None => Some(keep.as_ref().map(|k| k.unit.clone()).unwrap_or_default()),
    };
    let baseline = match d.baseline {
        Some(v) => number(errors, "baseline", v),
        None => keep.as_ref().and_then(|k| k.baseline),
    };
    let target = match d.target {
        Some(v) => number(errors, "target", v),
        None => keep.as_ref().and_then(|k| k.target),
    };
    let deadline = match d.deadline {
        Some(Some(s)) => errors
            .check(Date::parse("deadline", s.trim()))
            .map(|d| d.as_string()),
        Some(None) => None,
        None => keep.as_ref().and_then(|k| k.deadline.clone()),
    };
    let owner_id = match d.owner {
        Some(Some(who)) => match repo::workspaces::member(db.re(), ws, who.trim()).await? {
            Some(m) if m.active => Some(m.user.id),
            _ => {
                errors.push(FieldError::new(
                    "owner",
                    "must be a member of this workspace (user id or email)",
                ));
                None
            }
        },
        Some(None) => None,
        None => keep.as_ref().and_then(|k| k.owner_id.clone()),
    };
    let parent_id = match d.parent {
        Some(Some(p)) => parent(db.re(), ws, errors, p.trim(), product_id, current).await?,
        Some(None) => None,
        None => keep.as_ref().and_then(|k| k.parent_id.clone()),
    };
    let measure = match d.measure {
        Some(m) => errors
            .check(Measure::parse("measure", m))
            .map(|m| m.as_str().to_string()),
        None => Some(keep.as_ref().map_or_else(
            || Measure::Manual.as_str().to_string(),
            |k| k.measure.clone(),
        )),
    };
    Ok(title
        .zip(metric)
        .zip(unit)
        .zip(measure)
        .map(|(((title, metric), unit), measure)| GoalFields {
            parent_id,
            title,
            metric,
            baseline,
            target,
            unit,
            deadline,
            owner_id,
            measure,
        }))
}

/// Checks a parent objective: in the workspace, of the same product, not a
/// key result itself, and not the goal or a goal that has key results.
async fn parent(
    mut db: Db<'_>,
    ws: &str,
    errors: &mut ValidationErrors,
    id: &str,
    product_id: Option<&str>,
    current: Option<&store::Goal>,
) -> ApiResult<Option<String>> {
    let Some(p) = store::get(db.re(), ws, id).await? else {
        errors.push(FieldError::new(
            "parent",
            "no goal with this id in the workspace",
        ));
        return Ok(None);
    };
    let problem = if p.parent_id.is_some() {
        Some("is a key result; a key result's parent must be an objective")
    } else if product_id.is_some_and(|pid| pid != p.product_id) {
        Some("belongs to another product")
    } else if current.is_some_and(|c| c.id == p.id) {
        Some("a goal cannot be its own parent")
    } else {
        None
    };
    if let Some(msg) = problem {
        errors.push(FieldError::new("parent", msg));
        return Ok(None);
    }
    if let Some(c) = current {
        let has_krs = store::list(db.re(), ws, Some(&c.product_id))
            .await?
            .iter()
            .any(|k| k.parent_id.as_deref() == Some(c.id.as_str()));
        if has_krs {
            errors.push(FieldError::new(
                "parent",
                "this goal has key results, so it stays an objective",
            ));
            return Ok(None);
        }
    }
    Ok(Some(p.id))
}

/// Sets a goal (an objective, or a key result with `parent`).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/goals", tag = "goals", request_body = NewGoal,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Goal), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_goal(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewGoal>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let mut tx = app.store.begin().await?;
    let product = super::product_field(tx.db(), &ws, &input.product, &mut errors).await?;
    let draft = Draft {
        title: Some(&input.title),
        metric: input.metric.as_deref(),
        baseline: Some(input.baseline),
        target: Some(input.target),
        unit: input.unit.as_deref(),
        deadline: Some(input.deadline.as_deref()),
        owner: Some(input.owner.as_deref()),
        parent: Some(input.parent.as_deref()),
        measure: input.measure.as_deref(),
    };
    let pid = product.as_ref().map(|p| p.id.clone());
    let fields = fields(tx.db(), &ws, &mut errors, draft, pid.as_deref(), None).await?;
    errors.into_result()?;
    let (Some(product), Some(fields)) = (product, fields) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, event) =
        store::create(&mut tx, &ws, &product.id, &fields, ctx.user_id(), &now).await?;
    tx.commit().await?;
    let body = goal(&created, &[], Vec::new(), LinkedWork::default(), today());
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// `?product=` on the goal list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GoalQuery {
    /// Product key.
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's goals, oldest first, each objective listing its key
/// results' ids.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/goals", tag = "goals",
    params(("ws" = String, Path, description = "Workspace slug"), GoalQuery),
    responses((status = 200, body = Page<Goal>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_goals(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<GoalQuery>,
) -> ApiResult<axum::Json<Page<Goal>>> {
    ctx.require(Permission::Read)?;
    let items = goals_of(&app, &ctx, q.product.as_deref()).await?;
    let page = super::page_of(items, |g| &g.id, q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(page))
}

/// Every goal of the workspace (of one product when a key is given) with
/// computed fields; the web page shares this.
pub(crate) async fn goals_of(
    app: &AppState,
    ctx: &WorkspaceCtx,
    product: Option<&str>,
) -> ApiResult<Vec<Goal>> {
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let product_id = match product {
        Some(key) => super::product_field(app.store.db(), ws, key, &mut errors)
            .await?
            .map(|p| p.id),
        None => None,
    };
    errors.into_result()?;
    let rows = store::list(app.store.db(), ws, product_id.as_deref()).await?;
    let checkins = store::checkins_of_product(app.store.db(), ws, product_id.as_deref()).await?;
    let mut work = linked_work(app.store.db(), ws).await?;
    let today = today();
    Ok(rows
        .iter()
        .map(|g| {
            let mine: Vec<store::Checkin> = checkins
                .iter()
                .filter(|c| c.goal_id == g.id)
                .cloned()
                .collect();
            let krs = rows
                .iter()
                .filter(|k| k.parent_id.as_deref() == Some(g.id.as_str()))
                .map(|k| k.id.clone())
                .collect();
            goal(g, &mine, krs, work.remove(&g.id).unwrap_or_default(), today)
        })
        .collect())
}

/// One goal with progress, health, SMART check and forecast.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/goals/{id}", tag = "goals",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Goal id")),
    responses((status = 200, body = Goal), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_goal(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let g = find(app.store.db(), &ctx, &id).await?;
    Ok(reply::ok_versioned(&full(&app.store, &g).await?, g.version))
}

/// Edits a goal; `null` clears baseline, target, deadline, owner or parent.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/goals/{id}", tag = "goals", request_body = GoalPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Goal id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Goal), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_goal(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<GoalPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let updated = update(&app, &ctx.workspace.id, &id, expected, &patch).await?;
    Ok(reply::ok_versioned(
        &full(&app.store, &updated).await?,
        updated.version,
    ))
}

/// Applies a patch to a goal of workspace `ws` (the caller has checked
/// the role): the API's PATCH and the goal page's edit form share it.
/// `expected` is the version the editor saw; another one is a
/// `PreconditionFailed`, nothing changed.
pub(crate) async fn update(
    app: &AppState,
    ws: &str,
    id: &str,
    expected: Option<i64>,
    patch: &GoalPatch,
) -> ApiResult<store::Goal> {
    let mut tx = app.store.begin().await?;
    let current = store::get(tx.db(), ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such goal"))?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let draft = Draft {
        title: patch.title.as_deref(),
        metric: patch.metric.as_deref(),
        baseline: patch.baseline,
        target: patch.target,
        unit: patch.unit.as_deref(),
        deadline: patch.deadline.as_ref().map(|d| d.as_deref()),
        owner: patch.owner.as_ref().map(|o| o.as_deref()),
        parent: patch.parent.as_ref().map(|p| p.as_deref()),
        measure: patch.measure.as_deref(),
    };
    let product_id = current.product_id.clone();
    let fields = fields(
        tx.db(),
        ws,
        &mut errors,
        draft,
        Some(&product_id),
        Some(&current),
    )
    .await?;
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::Internal("validated fields missing".into()))?;
    // A PATCH that changes nothing keeps the version and writes nothing.
    if fields == GoalFields::of(&current) {
        return Ok(current);
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &fields, &now).await?;
    tx.commit().await?;
    app.live.publish(ws, &event, None);
    Ok(updated)
}

/// Deletes a goal with its check-ins (and, for an objective, its key
/// results).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/goals/{id}", tag = "goals",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Goal id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_goal(
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

/// Records a measured value; the goal's version moves with it.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/goals/{id}/checkins", tag = "goals", request_body = NewCheckin,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Goal id")),
    responses((status = 201, body = Checkin), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_checkin(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<NewCheckin>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ctx, &id).await?;
    let mut errors = ValidationErrors::new();
    let value = errors.check(rules::value("value", input.value));
    let note = errors.check(body("note", input.note.as_deref().unwrap_or("")));
    let date = match input.date.as_deref() {
        Some(d) => errors.check(Date::parse("date", d.trim())),
        None => Some(today()),
    };
    errors.into_result()?;
    let (Some(value), Some(note), Some(date)) = (value, note, date) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, goal, event) = store::add_checkin(
        &mut tx,
        &current,
        value,
        &note,
        &date.as_string(),
        ctx.user_id(),
        &now,
    )
    .await?;
    tx.commit().await?;
    app.live.publish(&ctx.workspace.id, &event, None);
    Ok(reply::created(
        &checkin(&created),
        &format!("{}/checkins", location(&ctx, &goal.id)),
        goal.version,
    ))
}

/// A goal's check-ins by date.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/goals/{id}/checkins", tag = "goals",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Goal id")),
    responses((status = 200, body = Page<Checkin>), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_checkins(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Page<Checkin>>> {
    ctx.require(Permission::Read)?;
    let g = find(app.store.db(), &ctx, &id).await?;
    let rows = store::checkins(app.store.db(), &ctx.workspace.id, &g.id).await?;
    Ok(axum::Json(Page {
        items: rows.iter().map(checkin).collect(),
        next_cursor: None,
    }))
}
