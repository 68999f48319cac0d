//! Products (each with its task-key prefix) and teams.

use super::{PageParams, convert, page_of};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{NewProduct, NewTeam, Page, Problem, Product, ProductPatch, Team};
use keel_domain::ids::new_id;
use keel_domain::time::Timestamp;
use keel_domain::values::{ProductKey, body, line, team_key};
use keel_domain::{Permission, ValidationErrors};
use keel_store::repo;
use keel_store::repo::strategy::NewVersion;

/// Validates and creates a product in the workspace (API and pages); the
/// caller has checked the permission. A vision given at creation is the
/// first version of the product's vision and strategy, by `author_id`.
pub(crate) async fn create(
    app: &AppState,
    workspace_id: &str,
    author_id: &str,
    input: &NewProduct,
) -> ApiResult<keel_domain::model::Product> {
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", &input.name));
    let key = errors.check(ProductKey::parse("key", &input.key));
    let vision = errors.check(body("vision", input.vision.as_deref().unwrap_or("")));
    let (Some(name), Some(key), Some(vision)) = (name, key, vision) else {
        return Err(errors.into());
    };
    let now = Timestamp::now().to_rfc3339();
    let mut tx = app.store.begin().await?;
    let p = repo::products::create(
        &mut tx,
        &new_id(),
        workspace_id,
        key.as_str(),
        &name,
        &vision,
        &now,
    )
    .await?;
    if !vision.is_empty() {
        let first = NewVersion {
            vision: &vision,
            strategy: "",
            note: "Created with the product",
            author_id,
        };
        repo::strategy::record(&mut tx, workspace_id, &p.id, &first, &now).await?;
    }
    tx.commit().await?;
    Ok(p)
}

/// Creates a product. Its key prefixes every task key and never changes.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/products", tag = "products", request_body = NewProduct,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Product), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_product(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewProduct>,
) -> ApiResult<Response> {
    ctx.require(Permission::ManageProducts)?;
    let p = create(&app, &ctx.workspace.id, &ctx.caller.user.id, &input).await?;
    let location = format!(
        "/api/v1/workspaces/{}/products/{}",
        ctx.workspace.slug, p.key
    );
    Ok(reply::created(&convert::product(&p), &location, p.version))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products", tag = "products",
    params(("ws" = String, Path, description = "Workspace slug"), PageParams),
    responses((status = 200, body = Page<Product>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_products(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Product>>> {
    ctx.require(Permission::Read)?;
    let items = repo::products::list(app.store.db(), &ctx.workspace.id)
        .await?
        .iter()
        .map(convert::product)
        .collect();
    Ok(axum::Json(page_of(
        items,
        |p: &Product| &p.key,
        page.limit,
        page.cursor.as_deref(),
    )?))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products/{key}", tag = "products",
    params(("ws" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Product key or id")),
    responses((status = 200, body = Product), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_product(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, key)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let p = repo::products::get(app.store.db(), &ctx.workspace.id, &key)
        .await?
        .ok_or(ApiError::NotFound("no such product"))?;
    Ok(reply::ok_versioned(&convert::product(&p), p.version))
}

#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/products/{key}", tag = "products", request_body = ProductPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Product key or id")),
    responses((status = 200, body = Product), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn update_product(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, key)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<ProductPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::ManageProducts)?;
    let mut tx = app.store.begin().await?;
    let current = repo::products::get(tx.db(), &ctx.workspace.id, &key)
        .await?
        .ok_or(ApiError::NotFound("no such product"))?;
    let mut errors = ValidationErrors::new();
    let name = match &patch.name {
        Some(n) => errors.check(line("name", n)),
        None => Some(current.name.clone()),
    };
    let vision = match &patch.vision {
        Some(v) => errors.check(body("vision", v.as_deref().unwrap_or(""))),
        None => Some(current.vision.clone()),
    };
    let portal_intro = match &patch.portal_intro {
        Some(v) => errors.check(body("portal_intro", v)),
        None => Some(current.portal_intro.clone()),
    };
    let (Some(name), Some(vision), Some(portal_intro)) = (name, vision, portal_intro) else {
        return Err(errors.into());
    };
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let now = Timestamp::now().to_rfc3339();
    if vision != current.vision {
        // The vision's history lives with the strategy's: a changed vision
        // is a new version, the strategy carried over unchanged.
        let before = super::strategy::current(tx.db(), &ctx.workspace.id, &current).await?;
        if before.number == 0 && !before.vision.is_empty() {
            let kept = NewVersion {
                vision: &before.vision,
                strategy: "",
                note: super::strategy::KEPT_NOTE,
                author_id: &ctx.caller.user.id,
            };
            repo::strategy::record(&mut tx, &ctx.workspace.id, &current.id, &kept, &now).await?;
        }
        let next = NewVersion {
            vision: &vision,
            strategy: &before.strategy,
            note: "",
            author_id: &ctx.caller.user.id,
        };
        repo::strategy::record(&mut tx, &ctx.workspace.id, &current.id, &next, &now).await?;
    }
    let p = repo::products::update(
        &mut tx,
        &current.id,
        &repo::products::ProductFields {
            name,
            vision,
            portal_enabled: patch.portal_enabled.unwrap_or(current.portal_enabled),
            portal_intro,
        },
        Some(current.version),
        &now,
    )
    .await?;
    tx.commit().await?;
    Ok(reply::ok_versioned(&convert::product(&p), p.version))
}

/// Creates a team (engineering, design, support …) for assignment and filters.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/teams", tag = "products", request_body = NewTeam,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Team), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_team(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewTeam>,
) -> ApiResult<Response> {
    ctx.require(Permission::ManageProducts)?;
    let mut errors = ValidationErrors::new();
    let key = errors.check(team_key("key", &input.key));
    let name = errors.check(line("name", &input.name));
    let (Some(key), Some(name)) = (key, name) else {
        return Err(errors.into());
    };
    let mut tx = app.store.begin().await?;
    let t = repo::products::create_team(
        &mut tx,
        &new_id(),
        &ctx.workspace.id,
        &key,
        &name,
        &Timestamp::now().to_rfc3339(),
    )
    .await?;
    tx.commit().await?;
    let location = format!("/api/v1/workspaces/{}/teams/{}", ctx.workspace.slug, t.key);
    Ok(reply::created(&convert::team(&t), &location, t.version))
}

#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/teams", tag = "products",
    params(("ws" = String, Path, description = "Workspace slug"), PageParams),
    responses((status = 200, body = Page<Team>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_teams(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(page): Query<PageParams>,
) -> ApiResult<axum::Json<Page<Team>>> {
    ctx.require(Permission::Read)?;
    let items = repo::products::teams(app.store.db(), &ctx.workspace.id)
        .await?
        .iter()
        .map(convert::team)
        .collect();
    Ok(axum::Json(page_of(
        items,
        |t: &Team| &t.key,
        page.limit,
        page.cursor.as_deref(),
    )?))
}
