//! A product's vision and strategy with every edit kept:
//! `/products/{key}/strategy` (the current version),
//! `/strategy/versions` (history, and saving a new version) and
//! `/strategy/compare?from=&to=` (what changed, line by line).
//!
//! Writing the strategy is team work, so members may do it (`Write`); the
//! product's own settings stay with product admins. A save names the
//! version it started from (`base`) so two people editing at once do not
//! silently overwrite each other: the second gets 409 and the diff.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    DiffLine, NewStrategyVersion, Page, PersonRef, Problem, StrategyComparison, StrategyVersion,
};
use keel_domain::model::Product;
use keel_domain::text_diff::line_diff;
use keel_domain::time::Timestamp;
use keel_domain::values::body;
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::strategy::{self as store, NewVersion};
use keel_store::{Db, Store, StoreError, repo};
use serde::Deserialize;
use utoipa::IntoParams;

/// The note on a version recorded from a vision that was not yet versioned.
pub(crate) const KEPT_NOTE: &str = "The vision as it was before this edit";

/// The most characters a change note may have.
const MAX_NOTE_CHARS: usize = 1_000;

async fn product(db: Db<'_>, ctx: &WorkspaceCtx, key: &str) -> ApiResult<Product> {
    repo::products::get(db, &ctx.workspace.id, key)
        .await?
        .ok_or(ApiError::NotFound("no such product"))
}

/// A stored version on the wire.
fn wire(product: &Product, v: &store::StrategyVersion) -> StrategyVersion {
    StrategyVersion {
        product: product.key.clone(),
        number: v.number,
        vision: v.vision.clone(),
        strategy: v.strategy.clone(),
        note: v.note.clone(),
        author: Some(PersonRef {
            id: v.author_id.clone(),
            name: v.author_name.clone(),
            email: v.author_email.clone(),
        }),
        created_at: Some(v.created_at.clone()),
    }
}

/// Version 0: the product as it is before any version was saved.
fn initial(product: &Product) -> StrategyVersion {
    StrategyVersion {
        product: product.key.clone(),
        number: 0,
        vision: product.vision.clone(),
        strategy: String::new(),
        note: String::new(),
        author: None,
        created_at: None,
    }
}

/// The current version of `product` (version 0 when none was saved).
pub(crate) async fn current(db: Db<'_>, ws: &str, product: &Product) -> ApiResult<StrategyVersion> {
    Ok(match store::latest(db, ws, &product.id).await? {
        Some(v) => wire(product, &v),
        None => initial(product),
    })
}

/// Saved version `number` of `product`.
async fn version(
    db: Db<'_>,
    ws: &str,
    product: &Product,
    number: i64,
) -> ApiResult<StrategyVersion> {
    store::get(db, ws, &product.id, number)
        .await?
        .map(|v| wire(product, &v))
        .ok_or(ApiError::NotFound("no such version"))
}

/// The product's vision and strategy as they are now.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products/{key}/strategy", tag = "strategy",
    params(("ws" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Product key or id")),
    responses((status = 200, body = StrategyVersion), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_strategy(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, key)): Path<(String, String)>,
) -> ApiResult<axum::Json<StrategyVersion>> {
    ctx.require(Permission::Read)?;
    let p = product(app.store.db(), &ctx, &key).await?;
    Ok(axum::Json(
        current(app.store.db(), &ctx.workspace.id, &p).await?,
    ))
}

/// Every saved version, newest first, a page at a time (the cursor is a
/// version number).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products/{key}/strategy/versions", tag = "strategy",
    params(("ws" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Product key or id"),
        super::PageParams),
    responses((status = 200, body = Page<StrategyVersion>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_versions(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, key)): Path<(String, String)>,
    Query(page): Query<super::PageParams>,
) -> ApiResult<axum::Json<Page<StrategyVersion>>> {
    ctx.require(Permission::Read)?;
    let p = product(app.store.db(), &ctx, &key).await?;
    let versions = history(app.store.db(), &ctx.workspace.id, &p).await?;
    Ok(axum::Json(super::page_by(
        versions,
        |v| v.number.to_string(),
        page.limit,
        page.cursor.as_deref(),
    )?))
}

/// The saved versions, newest first; the web page shares it.
pub(crate) async fn history(db: Db<'_>, ws: &str, p: &Product) -> ApiResult<Vec<StrategyVersion>> {
    let saved = store::list(db, ws, &p.id).await?;
    Ok(saved.iter().map(|v| wire(p, v)).collect())
}

/// Saves a new version of the vision and strategy; fields left out keep
/// the current text. The product's `vision` follows.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/products/{key}/strategy/versions", tag = "strategy",
    request_body = NewStrategyVersion,
    params(("ws" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Product key or id")),
    responses((status = 201, body = StrategyVersion), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn create_version(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, key)): Path<(String, String)>,
    Json(input): Json<NewStrategyVersion>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let p = product(tx.db(), &ctx, &key).await?;
    let now = current(tx.db(), ws, &p).await?;
    let mut errors = ValidationErrors::new();
    let vision = errors.check(body(
        "vision",
        input.vision.as_deref().unwrap_or(&now.vision),
    ));
    let strategy = errors.check(body(
        "strategy",
        input.strategy.as_deref().unwrap_or(&now.strategy),
    ));
    let note = input.note.as_deref().unwrap_or("").trim().to_string();
    if note.chars().count() > MAX_NOTE_CHARS || note.chars().any(char::is_control) {
        errors.push(FieldError::new(
            "note",
            format!("must be one line of at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    if input.base.is_some_and(|b| b < 0) {
        errors.push(FieldError::new(
            "base",
            "must be a version number (0 or more)",
        ));
    }
    let (Some(vision), Some(strategy)) = (vision, strategy) else {
        return Err(errors.into());
    };
    errors.into_result()?;
    if input.base.is_some_and(|b| b != now.number) {
        return Err(stale(now.number));
    }
    let stamp = Timestamp::now().to_rfc3339();
    if now.number == 0 && !now.vision.is_empty() {
        // A product from before versions were kept: its vision becomes the
        // first version, so the comparison shows what this save changed.
        store::record(
            &mut tx,
            ws,
            &p.id,
            &NewVersion {
                vision: &now.vision,
                strategy: "",
                note: KEPT_NOTE,
                author_id: &ctx.caller.user.id,
            },
            &stamp,
        )
        .await?;
    }
    let (saved, event) = store::save(
        &mut tx,
        ws,
        &p.id,
        &NewVersion {
            vision: &vision,
            strategy: &strategy,
            note: &note,
            author_id: &ctx.caller.user.id,
        },
        &stamp,
    )
    .await
    .map_err(|e| match e {
        // Another save took this number between our read and write.
        StoreError::Conflict(_) => stale(now.number + 1),
        other => other.into(),
    })?;
    tx.commit().await?;
    let body = wire(&p, &saved);
    app.live
        .publish(ws, &event, serde_json::to_value(&body).ok());
    let location = format!(
        "/api/v1/workspaces/{}/products/{}/strategy/versions/{}",
        ctx.workspace.slug, p.key, saved.number
    );
    Ok(reply::created(&body, &location, saved.number))
}

fn stale(latest: i64) -> ApiError {
    ApiError::Conflict {
        field: "base".into(),
        message: format!(
            "version {latest} was saved meanwhile; compare with it and save again from it"
        ),
    }
}

/// One version.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products/{key}/strategy/versions/{number}", tag = "strategy",
    params(("ws" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Product key or id"),
        ("number" = i64, Path, description = "Version number")),
    responses((status = 200, body = StrategyVersion), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_version(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, key, number)): Path<(String, String, String)>,
) -> ApiResult<axum::Json<StrategyVersion>> {
    ctx.require(Permission::Read)?;
    let p = product(app.store.db(), &ctx, &key).await?;
    let number: i64 = number
        .parse()
        .map_err(|_| ApiError::NotFound("no such version"))?;
    Ok(axum::Json(
        version(app.store.db(), &ctx.workspace.id, &p, number).await?,
    ))
}

/// `?from=&to=` of a comparison.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// The older version's number; the one before `to` when left out (an
    /// empty text before version 1).
    pub from: Option<i64>,
    /// The newer version's number; the current one when left out.
    pub to: Option<i64>,
}

/// What changed from one version to another, line by line.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/products/{key}/strategy/compare", tag = "strategy",
    params(("ws" = String, Path, description = "Workspace slug"), ("key" = String, Path, description = "Product key or id"), CompareQuery),
    responses((status = 200, body = StrategyComparison), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn compare(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, key)): Path<(String, String)>,
    Query(q): Query<CompareQuery>,
) -> ApiResult<axum::Json<StrategyComparison>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let p = product(app.store.db(), &ctx, &key).await?;
    Ok(axum::Json(
        comparison(&app.store, ws, &p, q.from, q.to).await?,
    ))
}

/// Compares versions `from` and `to` (current when `None`); the web page
/// shares it.
pub(crate) async fn comparison(
    store: &Store,
    ws: &str,
    p: &Product,
    from: Option<i64>,
    to: Option<i64>,
) -> ApiResult<StrategyComparison> {
    let to = match to {
        Some(n) => version(store.db(), ws, p, n).await?,
        None => current(store.db(), ws, p).await?,
    };
    let from = match from {
        Some(n) => version(store.db(), ws, p, n).await?,
        None if to.number > 1 => version(store.db(), ws, p, to.number - 1).await?,
        None => StrategyVersion {
            vision: String::new(),
            ..initial(p)
        },
    };
    let lines = |old: &str, new: &str| -> Vec<DiffLine> {
        line_diff(old, new)
            .into_iter()
            .map(|l| DiffLine {
                change: l.change.as_str().to_string(),
                text: l.text,
            })
            .collect()
    };
    Ok(StrategyComparison {
        vision: lines(&from.vision, &to.vision),
        strategy: lines(&from.strategy, &to.strategy),
        from,
        to,
    })
}
