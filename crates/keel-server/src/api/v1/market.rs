//! Market: competitors with their strengths and weaknesses, how each one
//! covers the product's features (the comparison matrix), the SWOT board
//! of a product and market-trend notes.
//!
//! Everyone in the workspace reads them (`Read`: guests too — none of it
//! is personal data); changing them needs `Write`. A matrix cell is set
//! with `PUT …/competitors/{id}/features/{feature}`; a cell never set is
//! "not assessed" (`level: null` in the matrix), not `none`.

use super::page_of;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    Competitor, CompetitorPatch, Coverage, Matrix, MatrixCell, MatrixCompetitor, MatrixRow,
    NewCompetitor, NewSwotItem, NewTrend, Page, Problem, SetCoverage, SwotBoard, SwotItem,
    SwotPatch, Trend, TrendPatch,
};
use keel_domain::ids::new_id;
use keel_domain::market::{
    CoverageLevel, MAX_SWOT_ITEMS_PER_QUADRANT, SwotQuadrant, TrendImpact, note, web_url,
};
use keel_domain::model::{Event, Product};
use keel_domain::time::{Date, Timestamp};
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::market::{
    self as store, CellWrite, CompetitorFields, NewSwotItem as NewRow, TrendFields,
};
use keel_store::{Db, repo};
use serde::Deserialize;
use std::collections::HashMap;
use utoipa::IntoParams;

fn location(ctx: &WorkspaceCtx, kind: &str, id: &str) -> String {
    format!("/api/v1/workspaces/{}/{kind}/{id}", ctx.workspace.slug)
}

/// Publishes a committed event with the item it concerns (none when
/// deleted: there is nothing left to show).
fn publish<T: serde::Serialize>(app: &AppState, ws: &str, event: &Event, item: Option<&T>) {
    app.live
        .publish(ws, event, item.and_then(|i| serde_json::to_value(i).ok()));
}

const NO_PRODUCT: &str = "no product with this key in the workspace";

/// The product named by `key` in `field`, or an error naming the field.
async fn product(
    db: Db<'_>,
    ws: &str,
    errors: &mut ValidationErrors,
    field: &str,
    key: &str,
) -> ApiResult<Option<Product>> {
    let key = key.trim();
    if key.is_empty() {
        errors.push(FieldError::new(field, "must name a product by its key"));
        return Ok(None);
    }
    let found = repo::products::get(db, ws, key).await?;
    if found.is_none() {
        errors.push(FieldError::new(field, NO_PRODUCT));
    }
    Ok(found)
}

/// A required `?product=` of a read: 422 naming it when absent or unknown.
async fn required_product(db: Db<'_>, ws: &str, key: Option<&str>) -> ApiResult<Product> {
    let mut errors = ValidationErrors::new();
    let found = product(db, ws, &mut errors, "product", key.unwrap_or("")).await?;
    errors.into_result()?;
    found.ok_or_else(|| ApiError::field("product", NO_PRODUCT))
}

// ---------------------------------------------------------------------------
// Competitors.

fn coverage(c: store::Cell) -> Coverage {
    Coverage {
        competitor: c.competitor_id,
        feature: c.feature_id,
        feature_title: c.feature_title,
        product: c.product_key,
        level: c.level,
        note: c.note,
        updated_at: c.updated_at,
        version: c.version,
    }
}

pub(crate) fn competitor(c: store::Competitor, features: Option<Vec<store::Cell>>) -> Competitor {
    Competitor {
        id: c.id,
        product: c.product_key,
        name: c.name,
        website: c.website,
        description: c.description,
        strengths: c.strengths,
        weaknesses: c.weaknesses,
        pricing: c.pricing,
        features: features.map(|f| f.into_iter().map(coverage).collect()),
        created_at: c.created_at,
        updated_at: c.updated_at,
        version: c.version,
    }
}

async fn find_competitor(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::Competitor> {
    store::get_competitor(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such competitor"))
}

/// The texts of a competitor, given or kept from `current`.
struct CompetitorTexts<'a> {
    name: Option<&'a str>,
    website: Option<&'a str>,
    description: Option<&'a str>,
    strengths: Option<&'a str>,
    weaknesses: Option<&'a str>,
    pricing: Option<&'a str>,
}

/// Checks a competitor's fields into `errors`; `None` when any is invalid.
fn competitor_fields(
    errors: &mut ValidationErrors,
    t: &CompetitorTexts<'_>,
    product_id: Option<String>,
    current: Option<&store::Competitor>,
) -> Option<CompetitorFields> {
    let keep = |given: Option<&str>, old: fn(&store::Competitor) -> &str| -> String {
        given
            .map(str::to_string)
            .or_else(|| current.map(|c| old(c).to_string()))
            .unwrap_or_default()
    };
    let name = errors.check(line("name", &keep(t.name, |c| &c.name)));
    let website = errors.check(web_url("website", &keep(t.website, |c| &c.website)));
    let description = errors.check(body(
        "description",
        &keep(t.description, |c| &c.description),
    ));
    let strengths = errors.check(body("strengths", &keep(t.strengths, |c| &c.strengths)));
    let weaknesses = errors.check(body("weaknesses", &keep(t.weaknesses, |c| &c.weaknesses)));
    let pricing = errors.check(body("pricing", &keep(t.pricing, |c| &c.pricing)));
    Some(CompetitorFields {
        product_id,
        name: name?,
        website: website?,
        description: description?,
        strengths: strengths?,
        weaknesses: weaknesses?,
        pricing: pricing?,
    })
}

/// Creates a competitor, of one product or (without `product`) of every
/// product. Its name is unique in the workspace (any case).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/competitors", tag = "market", request_body = NewCompetitor,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Competitor), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_competitor(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewCompetitor>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let product_id = match input.product.as_deref() {
        Some(key) => product(app.store.db(), ws, &mut errors, "product", key)
            .await?
            .map(|p| p.id),
        None => None,
    };
    let texts = CompetitorTexts {
        name: Some(&input.name),
        website: input.website.as_deref(),
        description: input.description.as_deref(),
        strengths: input.strengths.as_deref(),
        weaknesses: input.weaknesses.as_deref(),
        pricing: input.pricing.as_deref(),
    };
    let fields = competitor_fields(&mut errors, &texts, product_id, None);
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::field("body", "is invalid"))?;
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    let mut tx = app.store.begin().await?;
    let (created, event) = store::create_competitor(&mut tx, &id, ws, &fields, &now).await?;
    tx.commit().await?;
    let version = created.version;
    let body = competitor(created, Some(Vec::new()));
    publish(&app, ws, &event, Some(&body));
    Ok(reply::created(
        &body,
        &location(&ctx, "competitors", &id),
        version,
    ))
}

/// `?product=&limit=&cursor=` on the competitor list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CompetitorQuery {
    /// Product key: that product's competitors and those of every product.
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's competitors, by name.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/competitors", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), CompetitorQuery),
    responses((status = 200, body = Page<Competitor>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_competitors(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<CompetitorQuery>,
) -> ApiResult<axum::Json<Page<Competitor>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let product_id = match q.product.as_deref() {
        Some(key) => Some(required_product(app.store.db(), ws, Some(key)).await?.id),
        None => None,
    };
    let rows = store::list_competitors(app.store.db(), ws, product_id.as_deref()).await?;
    let items = rows.into_iter().map(|c| competitor(c, None)).collect();
    Ok(axum::Json(page_of(
        items,
        |c: &Competitor| c.id.as_str(),
        q.limit,
        q.cursor.as_deref(),
    )?))
}

/// One competitor, with how it covers each feature assessed so far.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/competitors/{id}", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Competitor id")),
    responses((status = 200, body = Competitor), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_competitor(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let c = find_competitor(app.store.db(), &ctx.workspace.id, &id).await?;
    let cells = store::cells_of_competitor(app.store.db(), &c.id).await?;
    let version = c.version;
    Ok(reply::ok_versioned(&competitor(c, Some(cells)), version))
}

/// Changes a competitor. With `If-Match`, a stale version gets 412 and
/// nothing changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/competitors/{id}", tag = "market", request_body = CompetitorPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Competitor id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Competitor), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_competitor(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<CompetitorPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_competitor(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let product_id = match &patch.product {
        Some(Some(key)) => product(tx.db(), ws, &mut errors, "product", key)
            .await?
            .map(|p| p.id),
        Some(None) => None,
        None => current.product_id.clone(),
    };
    let texts = CompetitorTexts {
        name: patch.name.as_deref(),
        website: patch.website.as_deref(),
        description: patch.description.as_deref(),
        strengths: patch.strengths.as_deref(),
        weaknesses: patch.weaknesses.as_deref(),
        pricing: patch.pricing.as_deref(),
    };
    let fields = competitor_fields(&mut errors, &texts, product_id, Some(&current));
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::field("body", "is invalid"))?;
    let unchanged = CompetitorFields {
        product_id: current.product_id.clone(),
        name: current.name.clone(),
        website: current.website.clone(),
        description: current.description.clone(),
        strengths: current.strengths.clone(),
        weaknesses: current.weaknesses.clone(),
        pricing: current.pricing.clone(),
    };
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = if fields == unchanged {
        (current, None)
    } else {
        let (u, e) = store::update_competitor(&mut tx, &current, &fields, &now).await?;
        (u, Some(e))
    };
    let cells = store::cells_of_competitor(tx.db(), &updated.id).await?;
    tx.commit().await?;
    let version = updated.version;
    let body = competitor(updated, Some(cells));
    if let Some(event) = event {
        publish(&app, ws, &event, Some(&body));
    }
    Ok(reply::ok_versioned(&body, version))
}

/// Deletes a competitor and its column of the matrix.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/competitors/{id}", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Competitor id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_competitor(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_competitor(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let event = store::delete_competitor(&mut tx, &current, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    publish::<Competitor>(&app, ws, &event, None);
    Ok(reply::no_content())
}

/// Says how a competitor covers one feature (`has`, `partial`, `none`),
/// with a note: a cell of the matrix. Setting what is already there
/// changes nothing. The feature must be of the competitor's product when
/// it has one.
#[utoipa::path(put, path = "/api/v1/workspaces/{ws}/competitors/{id}/features/{feature}", tag = "market",
    request_body = SetCoverage,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Competitor id"),
        ("feature" = String, Path, description = "Feature id")),
    responses((status = 200, body = Coverage), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn set_coverage(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, feature_id)): Path<(String, String, String)>,
    Json(input): Json<SetCoverage>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let competitor = find_competitor(tx.db(), ws, &id).await?;
    let feature = repo::features::get(tx.db(), ws, &feature_id)
        .await?
        .ok_or(ApiError::NotFound("no such feature"))?;
    let mut errors = ValidationErrors::new();
    if competitor
        .product_id
        .as_ref()
        .is_some_and(|p| *p != feature.product_id)
    {
        errors.push(FieldError::new(
            "feature",
            "belongs to another product than the competitor",
        ));
    }
    let level = errors.check(CoverageLevel::parse("level", &input.level));
    let note = errors.check(note("note", input.note.as_deref().unwrap_or("")));
    errors.into_result()?;
    let (Some(level), Some(note)) = (level, note) else {
        return Err(ApiError::field("body", "is invalid"));
    };
    let now = Timestamp::now().to_rfc3339();
    let cell_id = new_id();
    let (cell, event) = store::set_cell(
        &mut tx,
        &CellWrite {
            id: &cell_id,
            workspace_id: ws,
            competitor_id: &competitor.id,
            feature_id: &feature.id,
            level: level.as_str(),
            note: &note,
            now: &now,
        },
    )
    .await?;
    tx.commit().await?;
    if let Some(event) = event {
        // The event names the competitor; its item would be a cell, not a
        // competitor, so clients re-read what they show.
        publish::<Competitor>(&app, ws, &event, None);
    }
    let version = cell.version;
    Ok(reply::ok_versioned(&coverage(cell), version))
}

/// `?product=` of the matrix.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MatrixQuery {
    /// Product key (required).
    pub product: Option<String>,
}

/// The comparison matrix of a product: its features (rows, by title) ×
/// its competitors and those of every product (columns, by name). Each
/// cell has a level (`null`: not assessed) and a note; `us` is where the
/// feature stands with us (its status).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/competitors/matrix", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), MatrixQuery),
    responses((status = 200, body = Matrix), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_matrix(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<MatrixQuery>,
) -> ApiResult<axum::Json<Matrix>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let product = required_product(app.store.db(), ws, q.product.as_deref()).await?;
    Ok(axum::Json(matrix(app.store.db(), ws, &product).await?))
}

/// The matrix of `product` (shared with the market page).
pub(crate) async fn matrix(mut db: Db<'_>, ws: &str, product: &Product) -> ApiResult<Matrix> {
    let competitors = store::list_competitors(db.re(), ws, Some(&product.id)).await?;
    let mut features = repo::features::list(db.re(), ws, Some(&product.id), &[]).await?;
    features.sort_by(|a, b| {
        a.title
            .to_lowercase()
            .cmp(&b.title.to_lowercase())
            .then(a.id.cmp(&b.id))
    });
    let mut cells: HashMap<(String, String), store::Cell> =
        store::cells_of_product(db, ws, &product.id)
            .await?
            .into_iter()
            .map(|c| ((c.competitor_id.clone(), c.feature_id.clone()), c))
            .collect();
    let rows = features
        .into_iter()
        .map(|f| MatrixRow {
            cells: competitors
                .iter()
                .map(|c| {
                    let cell = cells.remove(&(c.id.clone(), f.id.clone()));
                    MatrixCell {
                        competitor: c.id.clone(),
                        level: cell.as_ref().map(|x| x.level.clone()),
                        note: cell.map(|x| x.note).unwrap_or_default(),
                    }
                })
                .collect(),
            feature: f.id,
            title: f.title,
            us: f.status,
        })
        .collect();
    Ok(Matrix {
        product: product.key.clone(),
        competitors: competitors
            .into_iter()
            .map(|c| MatrixCompetitor {
                id: c.id,
                name: c.name,
                product: c.product_key,
            })
            .collect(),
        rows,
    })
}

// ---------------------------------------------------------------------------
// SWOT.

fn swot(s: store::SwotItem) -> SwotItem {
    SwotItem {
        id: s.id,
        product: s.product_key,
        quadrant: s.quadrant,
        text: s.text,
        position: s.position,
        created_at: s.created_at,
        updated_at: s.updated_at,
        version: s.version,
    }
}

async fn find_swot(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::SwotItem> {
    store::get_swot(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such SWOT item"))
}

fn position(field: &str, p: i64) -> Result<i64, FieldError> {
    if p >= 0 {
        Ok(p)
    } else {
        Err(FieldError::new(field, "must be 0 or more"))
    }
}

/// Refuses a move into a quadrant that is full.
async fn room_in(
    db: Db<'_>,
    errors: &mut ValidationErrors,
    product_id: &str,
    quadrant: &str,
) -> ApiResult<()> {
    if store::quadrant_ids(db, product_id, quadrant).await?.len() >= MAX_SWOT_ITEMS_PER_QUADRANT {
        errors.push(FieldError::new(
            "quadrant",
            format!("already holds {MAX_SWOT_ITEMS_PER_QUADRANT} items"),
        ));
    }
    Ok(())
}

/// Adds an item to a quadrant of a product's SWOT board.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/swot", tag = "market", request_body = NewSwotItem,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = SwotItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_swot(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewSwotItem>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let mut errors = ValidationErrors::new();
    let product = product(tx.db(), ws, &mut errors, "product", &input.product).await?;
    let quadrant = errors.check(SwotQuadrant::parse("quadrant", &input.quadrant));
    let text = errors.check(line("text", &input.text));
    let at = match input.position {
        Some(p) => errors.check(position("position", p)).map(Some),
        None => Some(None),
    };
    if let (Some(p), Some(q)) = (&product, quadrant) {
        room_in(tx.db(), &mut errors, &p.id, q.as_str()).await?;
    }
    errors.into_result()?;
    let (Some(product), Some(quadrant), Some(text), Some(at)) = (product, quadrant, text, at)
    else {
        return Err(ApiError::field("body", "is invalid"));
    };
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = store::create_swot(
        &mut tx,
        &NewRow {
            id: &id,
            workspace_id: ws,
            product_id: &product.id,
            quadrant: quadrant.as_str(),
            text: &text,
            position: at,
            now: &now,
        },
    )
    .await?;
    tx.commit().await?;
    let version = created.version;
    let body = swot(created);
    publish(&app, ws, &event, Some(&body));
    Ok(reply::created(&body, &location(&ctx, "swot", &id), version))
}

/// `?product=` of the SWOT board.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SwotQuery {
    /// Product key (required).
    pub product: Option<String>,
}

/// A product's SWOT board: the items of each quadrant in board order.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/swot", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), SwotQuery),
    responses((status = 200, body = SwotBoard), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_swot_board(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<SwotQuery>,
) -> ApiResult<axum::Json<SwotBoard>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let product = required_product(app.store.db(), ws, q.product.as_deref()).await?;
    Ok(axum::Json(swot_board(app.store.db(), ws, &product).await?))
}

/// The SWOT board of `product` (shared with the market page).
pub(crate) async fn swot_board(db: Db<'_>, ws: &str, product: &Product) -> ApiResult<SwotBoard> {
    let mut board = SwotBoard {
        product: product.key.clone(),
        strengths: Vec::new(),
        weaknesses: Vec::new(),
        opportunities: Vec::new(),
        threats: Vec::new(),
    };
    for item in store::list_swot(db, ws, &product.id).await? {
        let column = match SwotQuadrant::parse("quadrant", &item.quadrant) {
            Ok(SwotQuadrant::Strength) => &mut board.strengths,
            Ok(SwotQuadrant::Weakness) => &mut board.weaknesses,
            Ok(SwotQuadrant::Opportunity) => &mut board.opportunities,
            Ok(SwotQuadrant::Threat) => &mut board.threats,
            // Stored quadrants were checked on the way in.
            Err(_) => continue,
        };
        column.push(swot(item));
    }
    Ok(board)
}

/// One SWOT item.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/swot/{id}", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "SWOT item id")),
    responses((status = 200, body = SwotItem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_swot(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let s = find_swot(app.store.db(), &ctx.workspace.id, &id).await?;
    let version = s.version;
    Ok(reply::ok_versioned(&swot(s), version))
}

/// Changes a SWOT item's text, or moves it: to another `quadrant` (last
/// there, unless `position` is given) or to `position` in its quadrant.
/// The quadrants it leaves and joins are renumbered from 0.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/swot/{id}", tag = "market", request_body = SwotPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "SWOT item id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = SwotItem), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_swot(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<SwotPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_swot(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let text = errors.check(line("text", patch.text.as_deref().unwrap_or(&current.text)));
    let quadrant = errors.check(SwotQuadrant::parse(
        "quadrant",
        patch.quadrant.as_deref().unwrap_or(&current.quadrant),
    ));
    let at = match patch.position {
        Some(p) => errors.check(position("position", p)).map(Some),
        None => Some(None),
    };
    if let Some(q) = quadrant
        && q.as_str() != current.quadrant
    {
        room_in(tx.db(), &mut errors, &current.product_id, q.as_str()).await?;
    }
    errors.into_result()?;
    let (Some(text), Some(quadrant), Some(at)) = (text, quadrant, at) else {
        return Err(ApiError::field("body", "is invalid"));
    };
    let quadrant = quadrant.as_str();
    let same_place = quadrant == current.quadrant && at.is_none_or(|p| p == current.position);
    if text == current.text && same_place {
        let version = current.version;
        return Ok(reply::ok_versioned(&swot(current), version));
    }
    let now = Timestamp::now().to_rfc3339();
    let moving = if same_place { None } else { at };
    let (updated, event) =
        store::update_swot(&mut tx, &current, quadrant, &text, moving, &now).await?;
    tx.commit().await?;
    let version = updated.version;
    let body = swot(updated);
    publish(&app, ws, &event, Some(&body));
    Ok(reply::ok_versioned(&body, version))
}

/// Deletes a SWOT item; its quadrant closes the gap.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/swot/{id}", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "SWOT item id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_swot(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_swot(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let event = store::delete_swot(&mut tx, &current, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    publish::<SwotItem>(&app, ws, &event, None);
    Ok(reply::no_content())
}

// ---------------------------------------------------------------------------
// Trends.

pub(crate) fn trend(t: store::Trend) -> Trend {
    Trend {
        id: t.id,
        product: t.product_key,
        title: t.title,
        body: t.body,
        source_url: t.source_url,
        observed_on: t.observed_on,
        impact: t.impact,
        created_at: t.created_at,
        updated_at: t.updated_at,
        version: t.version,
    }
}

async fn find_trend(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::Trend> {
    store::get_trend(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such trend"))
}

/// The texts of a trend, given or kept from `current`.
struct TrendTexts<'a> {
    title: Option<&'a str>,
    body: Option<&'a str>,
    source_url: Option<&'a str>,
    observed_on: Option<&'a str>,
    impact: Option<&'a str>,
}

fn trend_fields(
    errors: &mut ValidationErrors,
    t: &TrendTexts<'_>,
    current: Option<&store::Trend>,
) -> Option<TrendFields> {
    let keep = |given: Option<&str>, old: fn(&store::Trend) -> &str, default: &str| -> String {
        given
            .map(str::to_string)
            .or_else(|| current.map(|c| old(c).to_string()))
            .unwrap_or_else(|| default.to_string())
    };
    let today = Timestamp::now().date().as_string();
    let title = errors.check(line("title", &keep(t.title, |c| &c.title, "")));
    let text = errors.check(body("body", &keep(t.body, |c| &c.body, "")));
    let source_url = errors.check(web_url(
        "source_url",
        &keep(t.source_url, |c| &c.source_url, ""),
    ));
    let observed_on = errors.check(Date::parse(
        "observed_on",
        &keep(t.observed_on, |c| &c.observed_on, &today),
    ));
    let impact = errors.check(TrendImpact::parse(
        "impact",
        &keep(t.impact, |c| &c.impact, TrendImpact::Medium.as_str()),
    ));
    Some(TrendFields {
        title: title?,
        body: text?,
        source_url: source_url?,
        observed_on: observed_on?.as_string(),
        impact: impact?.as_str().to_string(),
    })
}

/// Notes a market trend for a product.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/trends", tag = "market", request_body = NewTrend,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Trend), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_trend(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewTrend>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let product = product(app.store.db(), ws, &mut errors, "product", &input.product).await?;
    let texts = TrendTexts {
        title: Some(&input.title),
        body: input.body.as_deref(),
        source_url: input.source_url.as_deref(),
        observed_on: input.observed_on.as_deref(),
        impact: input.impact.as_deref(),
    };
    let fields = trend_fields(&mut errors, &texts, None);
    errors.into_result()?;
    let (Some(product), Some(fields)) = (product, fields) else {
        return Err(ApiError::field("body", "is invalid"));
    };
    let id = new_id();
    let now = Timestamp::now().to_rfc3339();
    let mut tx = app.store.begin().await?;
    let (created, event) =
        store::create_trend(&mut tx, &id, ws, &product.id, &fields, &now).await?;
    tx.commit().await?;
    let version = created.version;
    let body = trend(created);
    publish(&app, ws, &event, Some(&body));
    Ok(reply::created(
        &body,
        &location(&ctx, "trends", &id),
        version,
    ))
}

/// `?product=&limit=&cursor=` on the trend list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TrendQuery {
    /// Product key.
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's market trends, most recently observed first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/trends", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), TrendQuery),
    responses((status = 200, body = Page<Trend>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_trends(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<TrendQuery>,
) -> ApiResult<axum::Json<Page<Trend>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let product_id = match q.product.as_deref() {
        Some(key) => Some(required_product(app.store.db(), ws, Some(key)).await?.id),
        None => None,
    };
    let rows = store::list_trends(app.store.db(), ws, product_id.as_deref()).await?;
    Ok(axum::Json(page_of(
        rows.into_iter().map(trend).collect(),
        |t: &Trend| t.id.as_str(),
        q.limit,
        q.cursor.as_deref(),
    )?))
}

/// One market trend.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/trends/{id}", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Trend id")),
    responses((status = 200, body = Trend), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_trend(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let t = find_trend(app.store.db(), &ctx.workspace.id, &id).await?;
    let version = t.version;
    Ok(reply::ok_versioned(&trend(t), version))
}

/// Changes a market trend. With `If-Match`, a stale version gets 412.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/trends/{id}", tag = "market", request_body = TrendPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Trend id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Trend), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_trend(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<TrendPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_trend(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let texts = TrendTexts {
        title: patch.title.as_deref(),
        body: patch.body.as_deref(),
        source_url: patch.source_url.as_deref(),
        observed_on: patch.observed_on.as_deref(),
        impact: patch.impact.as_deref(),
    };
    let fields = trend_fields(&mut errors, &texts, Some(&current));
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::field("body", "is invalid"))?;
    let unchanged = TrendFields {
        title: current.title.clone(),
        body: current.body.clone(),
        source_url: current.source_url.clone(),
        observed_on: current.observed_on.clone(),
        impact: current.impact.clone(),
    };
    if fields == unchanged {
        let version = current.version;
        return Ok(reply::ok_versioned(&trend(current), version));
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update_trend(&mut tx, &current, &fields, &now).await?;
    tx.commit().await?;
    let version = updated.version;
    let body = trend(updated);
    publish(&app, ws, &event, Some(&body));
    Ok(reply::ok_versioned(&body, version))
}

/// Deletes a market trend.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/trends/{id}", tag = "market",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Trend id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_trend(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = find_trend(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let event = store::delete_trend(&mut tx, &current, &Timestamp::now().to_rfc3339()).await?;
    tx.commit().await?;
    publish::<Trend>(&app, ws, &event, None);
    Ok(reply::no_content())
}
