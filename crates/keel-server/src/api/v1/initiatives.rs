//! Initiatives: a product's features grouped toward one or more of its
//! goals. `goals` and `features` are whole sets, replaced in the write that
//! changes the initiative; each must belong to the initiative's product, or
//! it is a field error naming the list, never a link. Everyone in the
//! workspace reads; members write.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{Initiative, InitiativePatch, NewInitiative, Page, Problem};
use keel_domain::initiatives::InitiativeStatus;
use keel_domain::time::Timestamp;
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::Db;
use keel_store::repo::features;
use keel_store::repo::initiatives::{self as store, InitiativeFields};
use serde::Deserialize;
use utoipa::IntoParams;

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/initiatives/{id}", ctx.workspace.slug)
}

async fn find(db: Db<'_>, ctx: &WorkspaceCtx, id: &str) -> ApiResult<store::Initiative> {
    store::get(db, &ctx.workspace.id, id)
        .await?
        .ok_or(ApiError::NotFound("no such initiative"))
}

/// The wire form of an initiative, its links read alongside.
async fn full(db: Db<'_>, i: &store::Initiative) -> ApiResult<Initiative> {
    let (goals, features) = store::links_of(db, &i.workspace_id, &i.id).await?;
    Ok(Initiative {
        id: i.id.clone(),
        product: i.product_key.clone(),
        title: i.title.clone(),
        description: i.description.clone(),
        status: i.status.clone(),
        goals,
        features,
        created_at: i.created_at.clone(),
        updated_at: i.updated_at.clone(),
        version: i.version,
    })
}

/// Checks `ids` are features of `product_id` in the workspace; the ids to
/// link (trimmed, duplicates dropped), or `None` with errors pushed.
async fn check_features(
    mut db: Db<'_>,
    ws: &str,
    product_id: Option<&str>,
    ids: &[String],
    errors: &mut ValidationErrors,
) -> ApiResult<Option<Vec<String>>> {
    let mut out: Vec<String> = Vec::with_capacity(ids.len());
    let mut ok = true;
    for id in ids.iter().map(|i| i.trim()) {
        if out.iter().any(|o| o == id) {
            continue;
        }
        match features::get(db.re(), ws, id).await? {
            Some(f) if product_id.is_none_or(|p| p == f.product_id) => out.push(f.id),
            Some(_) => {
                ok = false;
                errors.push(FieldError::new(
                    "features",
                    format!("feature {id} belongs to another product"),
                ));
            }
            None => {
                ok = false;
                errors.push(FieldError::new(
                    "features",
                    format!("no feature {id} in this workspace"),
                ));
            }
        }
    }
    Ok(ok.then_some(out))
}

/// Checks title, description and status; `current` supplies what a patch
/// leaves out.
fn fields(
    errors: &mut ValidationErrors,
    title: Option<&str>,
    description: Option<&str>,
    status: Option<&str>,
    current: Option<&store::Initiative>,
) -> Option<InitiativeFields> {
    let title = errors.check(line(
        "title",
        title.or(current.map(|c| c.title.as_str())).unwrap_or(""),
    ));
    let description = match description {
        Some(d) => errors.check(body("description", d)),
        None => Some(current.map(|c| c.description.clone()).unwrap_or_default()),
    };
    let status = match status {
        Some(s) => errors
            .check(InitiativeStatus::parse("status", s.trim()))
            .map(|s| s.as_str().to_string()),
        None => Some(current.map_or_else(
            || InitiativeStatus::Planned.as_str().to_string(),
            |c| c.status.clone(),
        )),
    };
    title
        .zip(description)
        .zip(status)
        .map(|((title, description), status)| InitiativeFields {
            title,
            description,
            status,
        })
}

/// Starts an initiative of a product, with the goals it moves and the
/// features it groups.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/initiatives", tag = "initiatives",
    request_body = NewInitiative,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Initiative), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_initiative(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewInitiative>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let (created, body) = create(&app, &ctx.workspace.id, ctx.user_id(), &input).await?;
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// Starts an initiative in workspace `ws` for `actor` (the caller has
/// checked the role): the API and the goals page's form share it.
pub(crate) async fn create(
    app: &AppState,
    ws: &str,
    actor: &str,
    input: &NewInitiative,
) -> ApiResult<(store::Initiative, Initiative)> {
    let ws = ws.to_string();
    let mut errors = ValidationErrors::new();
    let mut tx = app.store.begin().await?;
    let product = super::product_field(tx.db(), &ws, &input.product, &mut errors).await?;
    let pid = product.as_ref().map(|p| p.id.clone());
    let fields = fields(
        &mut errors,
        Some(&input.title),
        input.description.as_deref(),
        input.status.as_deref(),
        None,
    );
    // Without a product the lists cannot be judged; the product error says why.
    let (goals, features) = match &pid {
        Some(p) => (
            super::feature_goals::check(
                tx.db(),
                &ws,
                Some(p),
                input.goals.as_deref().unwrap_or_default(),
                &mut errors,
            )
            .await?,
            check_features(
                tx.db(),
                &ws,
                Some(p),
                input.features.as_deref().unwrap_or_default(),
                &mut errors,
            )
            .await?,
        ),
        None => (None, None),
    };
    errors.into_result()?;
    let (Some(product), Some(fields), Some(goals), Some(features)) =
        (product, fields, goals, features)
    else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = store::create(&mut tx, &ws, &product.id, &fields, actor, &now).await?;
    store::set_goals(&mut tx, &created, &goals).await?;
    store::set_features(&mut tx, &created, &features).await?;
    let body = full(tx.db(), &created).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok((created, body))
}

/// `?product=` on the initiative list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InitiativeQuery {
    /// Product key.
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's initiatives, oldest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/initiatives", tag = "initiatives",
    params(("ws" = String, Path, description = "Workspace slug"), InitiativeQuery),
    responses((status = 200, body = Page<Initiative>), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_initiatives(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<InitiativeQuery>,
) -> ApiResult<axum::Json<Page<Initiative>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let product_id =
        super::product_filter(app.store.db(), ws, q.product.as_deref(), &mut errors).await?;
    errors.into_result()?;
    let rows = store::list(app.store.db(), ws, product_id.as_deref()).await?;
    let goal_links = store::goal_links(app.store.db(), ws).await?;
    let feature_links = store::feature_links(app.store.db(), ws).await?;
    let items = rows
        .iter()
        .map(|i| {
            let mut features: Vec<String> = feature_links
                .iter()
                .filter(|l| l.initiative_id == i.id)
                .map(|l| l.feature_id.clone())
                .collect();
            features.sort();
            Initiative {
                id: i.id.clone(),
                product: i.product_key.clone(),
                title: i.title.clone(),
                description: i.description.clone(),
                status: i.status.clone(),
                goals: goal_links
                    .iter()
                    .filter(|(iid, _)| *iid == i.id)
                    .map(|(_, g)| g.clone())
                    .collect(),
                features,
                created_at: i.created_at.clone(),
                updated_at: i.updated_at.clone(),
                version: i.version,
            }
        })
        .collect();
    let page = super::page_of(items, |i| &i.id, q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(page))
}

/// One initiative with its goals and features.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/initiatives/{id}", tag = "initiatives",
    params(("ws" = String, Path, description = "Workspace slug"),
        ("id" = String, Path, description = "Initiative id")),
    responses((status = 200, body = Initiative), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_initiative(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let i = find(app.store.db(), &ctx, &id).await?;
    Ok(reply::ok_versioned(
        &full(app.store.db(), &i).await?,
        i.version,
    ))
}

/// Edits an initiative; `goals` and `features`, when given, replace the
/// lists.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/initiatives/{id}", tag = "initiatives",
    request_body = InitiativePatch,
    params(("ws" = String, Path, description = "Workspace slug"),
        ("id" = String, Path, description = "Initiative id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Initiative), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_initiative(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<InitiativePatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let updated = update(&app, &ctx.workspace.id, &id, expected, &patch).await?;
    Ok(reply::ok_versioned(
        &full(app.store.db(), &updated).await?,
        updated.version,
    ))
}

/// Applies a patch to an initiative of workspace `ws` (the caller has
/// checked the role): the API's PATCH and the goals page's edit form share
/// it. `expected` is the version the editor saw; another one is a
/// `PreconditionFailed`, nothing changed.
pub(crate) async fn update(
    app: &AppState,
    ws: &str,
    id: &str,
    expected: Option<i64>,
    patch: &InitiativePatch,
) -> ApiResult<store::Initiative> {
    let ws = ws.to_string();
    let mut tx = app.store.begin().await?;
    let current = store::get(tx.db(), &ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such initiative"))?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let fields = fields(
        &mut errors,
        patch.title.as_deref(),
        patch.description.as_deref(),
        patch.status.as_deref(),
        Some(&current),
    );
    let pid = Some(current.product_id.as_str());
    let goals = match &patch.goals {
        Some(ids) => super::feature_goals::check(tx.db(), &ws, pid, ids, &mut errors).await?,
        None => None,
    };
    let features = match &patch.features {
        Some(ids) => check_features(tx.db(), &ws, pid, ids, &mut errors).await?,
        None => None,
    };
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::Internal("validated fields missing".into()))?;
    let (old_goals, old_features) = store::links_of(tx.db(), &ws, &current.id).await?;
    let same = |new: &Option<Vec<String>>, old: &[String]| {
        new.as_ref().is_none_or(|n| {
            let mut n = n.clone();
            n.sort();
            n == old
        })
    };
    let unchanged = fields.title == current.title
        && fields.description == current.description
        && fields.status == current.status
        && same(&goals, &old_goals)
        && same(&features, &old_features);
    // A PATCH that changes nothing keeps the version and writes nothing.
    if unchanged {
        return Ok(current);
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &fields, &now).await?;
    if let Some(ids) = &goals {
        store::set_goals(&mut tx, &updated, ids).await?;
    }
    if let Some(ids) = &features {
        store::set_features(&mut tx, &updated, ids).await?;
    }
    tx.commit().await?;
    app.live.publish(&ws, &event, None);
    Ok(updated)
}

/// Deletes an initiative; its goals and features stay.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/initiatives/{id}", tag = "initiatives",
    params(("ws" = String, Path, description = "Workspace slug"),
        ("id" = String, Path, description = "Initiative id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_initiative(
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
