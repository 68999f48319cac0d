//! Releases of a product: create (with an initial scope), read with scope,
//! progress and burn-up, change, delete, and change the scope. Shipping,
//! notes and feature summaries are in [`super::release_ship`].
//!
//! Everyone in the workspace reads; members write. A shipped release's
//! scope is frozen (it is the record of what shipped), and a shipped
//! release cannot be deleted, since its notes feed and calendar refer to it.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    NewRelease, Page, PersonRef, Problem, Release, ReleaseBurnupDay, ReleaseFeature, ReleasePatch,
    ReleaseProgress, ReleaseScopeChange, ReleaseTask,
};
use keel_domain::cycle::{CycleDates, Outcome};
use keel_domain::insight::FeatureType;
use keel_domain::release::{self as rules, NoteKind, ReleaseStatus, ScopeTask};
use keel_domain::task::Status;
use keel_domain::time::{Date, Timestamp};
use keel_domain::values::MAX_LINE_CHARS;
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::releases::{self as store, ReleaseFields};
use keel_store::{Db, repo};
use serde::Deserialize;
use utoipa::IntoParams;

/// Most features or tasks one request may add or remove.
const MAX_SCOPE_PER_CALL: usize = 200;
/// Longest burn-up, in days.
const MAX_BURNUP_DAYS: i64 = 120;

/// A feature's notes section from its stored type (validated on the way in).
pub(crate) fn note_kind(feature_type: &str) -> NoteKind {
    NoteKind::of_feature(
        FeatureType::parse("type", feature_type).unwrap_or(FeatureType::NewCapability),
    )
}

fn ts(s: &str) -> Option<Timestamp> {
    Timestamp::parse("at", s).ok()
}

/// The tasks of a scope, each once (a task put in on its own and also
/// through its feature counts once, from the earlier of the two).
pub(crate) fn scope_tasks(rows: &[store::ScopeTask]) -> Vec<ScopeTask> {
    let mut out: Vec<ScopeTask> = Vec::new();
    for r in rows {
        let (Some(created), Some(added)) = (ts(&r.created_at), ts(&r.added_at)) else {
            continue;
        };
        let added_at = created.max(added);
        let completed = r.completed_at.as_deref().and_then(ts);
        let outcome = match (Status::parse("status", &r.status), completed) {
            (Ok(Status::Done), Some(at)) => Outcome::Done { at },
            (Ok(Status::Canceled), Some(at)) => Outcome::Canceled { at },
            _ => Outcome::Open,
        };
        match out.iter_mut().find(|t| t.task_id == r.task_id) {
            Some(seen) => seen.added_at = seen.added_at.min(added_at),
            None => out.push(ScopeTask {
                task_id: r.task_id.clone(),
                added_at,
                points: r.estimate.unwrap_or(0.0),
                outcome,
            }),
        }
    }
    out
}

/// The days a release's burn-up covers (see [`rules::burnup_days`]).
pub(crate) fn burnup_range(r: &store::Release, today: Date) -> Option<CycleDates> {
    let date = |s: Option<&str>| s.and_then(|d| Date::parse("date", d.get(..10)?).ok());
    rules::burnup_days(
        date(Some(&r.created_at))?,
        date(r.target_date.as_deref()),
        date(r.shipped_at.as_deref()),
        today,
        MAX_BURNUP_DAYS,
    )
}

/// The wire form of a release from its scope rows, progress as of `now`.
pub(crate) fn release(
    r: &store::Release,
    features: &[store::ScopeFeature],
    tasks: &[store::ScopeTask],
    now: Timestamp,
) -> Release {
    let features: Vec<&store::ScopeFeature> =
        features.iter().filter(|f| f.release_id == r.id).collect();
    let task_rows: Vec<store::ScopeTask> = tasks
        .iter()
        .filter(|t| t.release_id == r.id)
        .cloned()
        .collect();
    let scope = scope_tasks(&task_rows);
    let p = rules::progress(&scope, now);
    let today = now.date();
    let burnup = burnup_range(r, today)
        .map(|days| rules::burnup(&days, &scope, today))
        .unwrap_or_default();
    let mut wire_tasks: Vec<ReleaseTask> = Vec::new();
    for t in &task_rows {
        if wire_tasks.iter().any(|w| w.id == t.task_id) {
            continue;
        }
        wire_tasks.push(ReleaseTask {
            id: t.task_id.clone(),
            key: format!("{}-{}", t.product_key, t.number),
            title: t.title.clone(),
            task_type: t.task_type.clone(),
            status: t.status.clone(),
            estimate: t.estimate,
            feature: t.via_feature.clone(),
        });
    }
    let shipped_by = match (&r.shipped_by, &r.shipped_by_name, &r.shipped_by_email) {
        (Some(id), Some(name), Some(email)) => Some(PersonRef {
            id: id.clone(),
            name: name.clone(),
            email: email.clone(),
        }),
        _ => None,
    };
    Release {
        id: r.id.clone(),
        product: r.product_key.clone(),
        version: r.version.clone(),
        name: r.name.clone(),
        target_date: r.target_date.clone(),
        status: r.status.clone(),
        shipped_at: r.shipped_at.clone(),
        shipped_by,
        features: features
            .iter()
            .map(|f| ReleaseFeature {
                id: f.feature_id.clone(),
                title: f.title.clone(),
                feature_type: f.feature_type.clone(),
                status: f.status.clone(),
                customer_summary: f.customer_summary.clone(),
                note_kind: note_kind(&f.feature_type).as_str().to_string(),
            })
            .collect(),
        tasks: wire_tasks,
        progress: ReleaseProgress {
            scope_tasks: p.tally.scope_tasks,
            done_tasks: p.tally.done_tasks,
            scope_points: p.tally.scope_points,
            done_points: p.tally.done_points,
            share: p.share,
        },
        burnup: burnup
            .iter()
            .map(|b| ReleaseBurnupDay {
                date: b.day.as_string(),
                scope_points: b.tally.scope_points,
                done_points: b.tally.done_points,
                scope_tasks: b.tally.scope_tasks,
                done_tasks: b.tally.done_tasks,
            })
            .collect(),
        created_at: r.created_at.clone(),
        updated_at: r.updated_at.clone(),
        revision: r.revision,
    }
}

/// One release with its scope read alongside.
pub(crate) async fn full(mut db: Db<'_>, r: &store::Release) -> ApiResult<Release> {
    let features = store::features(db.re(), &r.workspace_id, Some(&r.id)).await?;
    let tasks = store::tasks(db, &r.workspace_id, Some(&r.id)).await?;
    Ok(release(r, &features, &tasks, Timestamp::now()))
}

/// A release of the workspace, or 404.
pub(crate) async fn find(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::Release> {
    store::get(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such release"))
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/releases/{id}", ctx.workspace.slug)
}

/// Checks version, name and target date; `current` supplies what a patch
/// leaves out.
fn fields(
    errors: &mut ValidationErrors,
    version: Option<&str>,
    name: Option<&str>,
    target_date: Option<Option<&str>>,
    current: Option<&store::Release>,
) -> Option<ReleaseFields> {
    let keep = current.map(ReleaseFields::of);
    let version = match version {
        Some(v) => errors.check(rules::version_label("version", v)),
        None => keep.as_ref().map(|k| k.version.clone()),
    };
    let name = match name {
        Some(n) if n.trim().is_empty() => Some(String::new()),
        Some(n) => errors.check(keel_domain::values::line("name", n)),
        None => Some(keep.as_ref().map(|k| k.name.clone()).unwrap_or_default()),
    };
    let target_date = match target_date {
        Some(Some(d)) => errors
            .check(Date::parse("target_date", d.trim()))
            .map(|d| d.as_string()),
        Some(None) => None,
        None => keep.as_ref().and_then(|k| k.target_date.clone()),
    };
    Some(ReleaseFields {
        version: version?,
        name: name?,
        target_date,
    })
}

/// 409 naming `version` when another release of the product has it.
async fn version_is_free(
    db: Db<'_>,
    ws: &str,
    product_id: &str,
    version: &str,
    except: Option<&str>,
) -> ApiResult<()> {
    match store::by_version(db, ws, product_id, version).await? {
        Some(other) if Some(other.id.as_str()) != except => Err(ApiError::Conflict {
            field: "version".into(),
            message: format!("this product already has a release {version}"),
        }),
        _ => Ok(()),
    }
}

/// Resolves feature ids of the release's product; errors name `field`.
async fn resolve_features(
    db: &mut Db<'_>,
    ws: &str,
    product_id: &str,
    ids: &[String],
    field: &str,
    errors: &mut ValidationErrors,
) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for id in ids {
        match repo::features::get(db.re(), ws, id.trim()).await? {
            Some(f) if f.product_id == product_id => {
                if !out.contains(&f.id) {
                    out.push(f.id);
                }
            }
            Some(f) => errors.push(FieldError::new(
                field,
                format!("{} is a feature of another product", f.id),
            )),
            None => errors.push(FieldError::new(
                field,
                format!("no feature {id} in the workspace"),
            )),
        }
    }
    Ok(out)
}

/// Resolves task keys or ids of the release's product; errors name `field`.
async fn resolve_tasks(
    db: &mut Db<'_>,
    ws: &str,
    product_key: &str,
    names: &[String],
    field: &str,
    errors: &mut ValidationErrors,
) -> ApiResult<Vec<String>> {
    let mut out = Vec::new();
    for name in names {
        match repo::tasks::get(db.re(), ws, name.trim()).await? {
            Some(t) if t.product == product_key => {
                if !out.contains(&t.id) {
                    out.push(t.id);
                }
            }
            Some(t) => errors.push(FieldError::new(
                field,
                format!("{} is not a task of {product_key}", t.key),
            )),
            None => errors.push(FieldError::new(
                field,
                format!("no task {name} in the workspace"),
            )),
        }
    }
    Ok(out)
}

fn too_many(errors: &mut ValidationErrors, field: &str, n: usize) {
    if n > MAX_SCOPE_PER_CALL {
        errors.push(FieldError::new(
            field,
            format!("at most {MAX_SCOPE_PER_CALL} at a time"),
        ));
    }
}

/// Plans a release of a product, with the features (and tasks) in its
/// scope when given.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/releases", tag = "releases", request_body = NewRelease,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Release), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem, description = "The product already has a release with this version"),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_release(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewRelease>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let mut tx = app.store.begin().await?;
    let product = super::product_field(tx.db(), &ws, &input.product, &mut errors).await?;
    let fields = fields(
        &mut errors,
        Some(&input.version),
        input.name.as_deref(),
        Some(input.target_date.as_deref()),
        None,
    );
    let feature_names = input.features.clone().unwrap_or_default();
    let task_names = input.tasks.clone().unwrap_or_default();
    too_many(&mut errors, "features", feature_names.len());
    too_many(&mut errors, "tasks", task_names.len());
    let (mut feature_ids, mut task_ids) = (Vec::new(), Vec::new());
    if let Some(p) = &product {
        let mut db = tx.db();
        feature_ids =
            resolve_features(&mut db, &ws, &p.id, &feature_names, "features", &mut errors).await?;
        task_ids = resolve_tasks(&mut db, &ws, &p.key, &task_names, "tasks", &mut errors).await?;
    }
    errors.into_result()?;
    let (Some(product), Some(fields)) = (product, fields) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    version_is_free(tx.db(), &ws, &product.id, &fields.version, None).await?;
    let now = Timestamp::now().to_rfc3339();
    let (created, event) =
        store::create(&mut tx, &ws, &product.id, &fields, ctx.user_id(), &now).await?;
    for f in &feature_ids {
        store::add_feature(&mut tx, &created, f, &now).await?;
    }
    for t in &task_ids {
        store::add_task(&mut tx, &created, t, &now).await?;
    }
    let body = full(tx.db(), &created).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.revision,
    ))
}

/// `?product=&status=` on the release list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReleaseQuery {
    /// Product key.
    pub product: Option<String>,
    /// planned or shipped.
    pub status: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Every release of the workspace (of one product, with one status when
/// given), newest first, each with scope and progress. The web pages share
/// this.
pub(crate) async fn releases_of(
    app: &AppState,
    ws: &str,
    product: Option<&str>,
    status: Option<&str>,
) -> ApiResult<Vec<Release>> {
    let mut errors = ValidationErrors::new();
    let product_id = super::product_filter(app.store.db(), ws, product, &mut errors).await?;
    let status = status
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| errors.check(ReleaseStatus::parse("status", s)));
    errors.into_result()?;
    let rows = store::list(app.store.db(), ws, product_id.as_deref()).await?;
    let features = store::features(app.store.db(), ws, None).await?;
    let tasks = store::tasks(app.store.db(), ws, None).await?;
    let now = Timestamp::now();
    Ok(rows
        .iter()
        .filter(|r| status.is_none_or(|s| r.status == s.as_str()))
        .map(|r| release(r, &features, &tasks, now))
        .collect())
}

/// The workspace's releases, newest first, with scope and progress.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/releases", tag = "releases",
    params(("ws" = String, Path, description = "Workspace slug"), ReleaseQuery),
    responses((status = 200, body = Page<Release>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_releases(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<ReleaseQuery>,
) -> ApiResult<axum::Json<Page<Release>>> {
    ctx.require(Permission::Read)?;
    let items = releases_of(
        &app,
        &ctx.workspace.id,
        q.product.as_deref(),
        q.status.as_deref(),
    )
    .await?;
    let page = super::page_of(items, |r| &r.id, q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(page))
}

/// One release with its scope, progress and burn-up.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/releases/{id}", tag = "releases",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Release id")),
    responses((status = 200, body = Release), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_release(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let r = find(app.store.db(), &ctx.workspace.id, &id).await?;
    Ok(reply::ok_versioned(
        &full(app.store.db(), &r).await?,
        r.revision,
    ))
}

/// Changes a release's version, name or target date (`null` clears the
/// date). With `If-Match` (its `revision`), a stale one gets 412.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/releases/{id}", tag = "releases", request_body = ReleasePatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Release id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Release), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_release(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<ReleasePatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ws, &id).await?;
    if expected.is_some_and(|v| v != current.revision) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let fields = fields(
        &mut errors,
        patch.version.as_deref(),
        patch.name.as_deref(),
        patch.target_date.as_ref().map(|d| d.as_deref()),
        Some(&current),
    );
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::Internal("validated fields missing".into()))?;
    // A PATCH that changes nothing keeps the revision and writes nothing.
    if fields == ReleaseFields::of(&current) {
        let body = full(tx.db(), &current).await?;
        return Ok(reply::ok_versioned(&body, current.revision));
    }
    version_is_free(
        tx.db(),
        &ws,
        &current.product_id,
        &fields.version,
        Some(&current.id),
    )
    .await?;
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &fields, &now).await?;
    let body = full(tx.db(), &updated).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::ok_versioned(&body, updated.revision))
}

fn frozen() -> ApiError {
    ApiError::Conflict {
        field: "status".into(),
        message: "this release has shipped; it stays as the record of what shipped".into(),
    }
}

/// Deletes a planned release (its features and tasks stay). A shipped
/// release cannot be deleted: 409.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/releases/{id}", tag = "releases",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Release id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem),
        (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_release(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ctx.workspace.id, &id).await?;
    if current.status == ReleaseStatus::Shipped.as_str() {
        return Err(frozen());
    }
    let event = store::delete(&mut tx, &current, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    app.live.publish(&ctx.workspace.id, &event, None);
    Ok(reply::no_content())
}

/// Adds and removes features and tasks of the release's product, all in
/// one transaction; ones already in (or not in) the scope are ignored.
/// A shipped release's scope is frozen: 409.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/releases/{id}/scope", tag = "releases", request_body = ReleaseScopeChange,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Release id")),
    responses((status = 200, body = Release), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn change_scope(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<ReleaseScopeChange>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ws, &id).await?;
    if current.status == ReleaseStatus::Shipped.as_str() {
        return Err(frozen());
    }
    let mut errors = ValidationErrors::new();
    for (field, list) in [
        ("add_features", &input.add_features),
        ("remove_features", &input.remove_features),
        ("add_tasks", &input.add_tasks),
        ("remove_tasks", &input.remove_tasks),
    ] {
        too_many(&mut errors, field, list.len());
        if list.iter().any(|s| s.chars().count() > MAX_LINE_CHARS) {
            errors.push(FieldError::new(field, "names an item that cannot exist"));
        }
    }
    errors.into_result()?;
    let mut errors = ValidationErrors::new();
    let (pid, pkey) = (current.product_id.clone(), current.product_key.clone());
    let mut db = tx.db();
    let add_f = resolve_features(
        &mut db,
        &ws,
        &pid,
        &input.add_features,
        "add_features",
        &mut errors,
    )
    .await?;
    let rm_f = resolve_features(
        &mut db,
        &ws,
        &pid,
        &input.remove_features,
        "remove_features",
        &mut errors,
    )
    .await?;
    let add_t = resolve_tasks(
        &mut db,
        &ws,
        &pkey,
        &input.add_tasks,
        "add_tasks",
        &mut errors,
    )
    .await?;
    let rm_t = resolve_tasks(
        &mut db,
        &ws,
        &pkey,
        &input.remove_tasks,
        "remove_tasks",
        &mut errors,
    )
    .await?;
    errors.into_result()?;
    let now = Timestamp::now().to_rfc3339();
    let mut changed = false;
    for f in &add_f {
        changed |= store::add_feature(&mut tx, &current, f, &now).await?;
    }
    for f in &rm_f {
        changed |= store::remove_feature(&mut tx, &current.id, f).await?;
    }
    for t in &add_t {
        changed |= store::add_task(&mut tx, &current, t, &now).await?;
    }
    for t in &rm_t {
        changed |= store::remove_task(&mut tx, &current.id, t).await?;
    }
    if !changed {
        let body = full(tx.db(), &current).await?;
        return Ok(reply::ok_versioned(&body, current.revision));
    }
    let (updated, event) = store::touched(&mut tx, &current, &now).await?;
    let body = full(tx.db(), &updated).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::ok_versioned(&body, updated.revision))
}
