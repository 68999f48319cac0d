//! Saved list views: a person's named list queries. Private: every call
//! sees and deletes only the caller's own views (someone else's view is a
//! 404, as if it did not exist). Any member may keep views, whatever their
//! role, since a view changes nothing but the caller's own shortcuts.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query, WorkspaceCtx};
use crate::web::list_query::ListQuery;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use keel_api_types::{NewSavedView, Problem, SavedView, SavedViewList};
use keel_domain::ids::new_id;
use keel_domain::time::Timestamp;
use keel_domain::values::line;
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo;
use keel_store::repo::views::{MAX_PER_PERSON, NewView};
use serde::Deserialize;
use utoipa::IntoParams;

/// Longest view name, in characters.
const MAX_NAME_CHARS: usize = 100;

fn wire(v: repo::views::SavedView) -> SavedView {
    SavedView {
        id: v.id,
        name: v.name,
        product: v.product_key,
        query: v.query,
        created_at: v.created_at,
    }
}

/// `?product=` on the view list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ViewQuery {
    /// Product key: only the views of this product.
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The caller's saved views in the workspace, by product and name.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/views", tag = "views",
    params(("ws" = String, Path, description = "Workspace slug"), ViewQuery),
    responses((status = 200, body = SavedViewList), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_views(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<ViewQuery>,
) -> ApiResult<axum::Json<SavedViewList>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let product_id = match &q.product {
        None => None,
        Some(key) => Some(
            repo::products::get(app.store.db(), ws, key)
                .await?
                .ok_or_else(|| {
                    ApiError::field("product", "no product with this key in the workspace")
                })?
                .id,
        ),
    };
    let views = repo::views::list(app.store.db(), ws, ctx.user_id(), product_id.as_deref()).await?;
    let page = super::page_of(
        views.into_iter().map(wire).collect(),
        |v: &SavedView| &v.id,
        q.limit,
        q.cursor.as_deref(),
    )?;
    Ok(axum::Json(SavedViewList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// Saves a view of a product's list. `query` is checked like the list page
/// reads it — every parameter known, every value valid, a person named in
/// `assignee` a member — and stored in its canonical form.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/views", tag = "views", request_body = NewSavedView,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = SavedView), (status = 400, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_view(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewSavedView>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", &input.name).and_then(|n| {
        if n.chars().count() > MAX_NAME_CHARS {
            Err(FieldError::new(
                "name",
                format!("must be at most {MAX_NAME_CHARS} characters"),
            ))
        } else {
            Ok(n)
        }
    }));
    let product = super::product_field(app.store.db(), ws, &input.product, &mut errors).await?;
    let query = errors.check(ListQuery::parse(&input.query));
    if let Some(q) = &query
        && !matches!(q.assignee.as_str(), "" | "me" | "none")
        && repo::workspaces::member(app.store.db(), ws, &q.assignee)
            .await?
            .is_none()
    {
        errors.push(FieldError::new(
            "query",
            "assignee: no member with this id or email",
        ));
    }
    errors.into_result()?;
    let (Some(name), Some(product), Some(query)) = (name, product, query) else {
        return Err(ApiError::Internal("validated view fields missing".into()));
    };
    let mut tx = app.store.begin().await?;
    if repo::views::count(tx.db(), ws, ctx.user_id()).await? >= MAX_PER_PERSON {
        return Err(ApiError::field(
            "name",
            format!("you already keep {MAX_PER_PERSON} views in this workspace; delete one first"),
        ));
    }
    let id = new_id();
    let view = repo::views::create(
        &mut tx,
        &NewView {
            id: &id,
            workspace_id: ws,
            user_id: ctx.user_id(),
            product_id: &product.id,
            name: &name,
            query: &query.canonical(),
            now: &Timestamp::now().to_rfc3339(),
        },
    )
    .await?;
    tx.commit().await?;
    let location = format!("/api/v1/workspaces/{}/views/{id}", ctx.workspace.slug);
    let mut response = (StatusCode::CREATED, axum::Json(wire(view))).into_response();
    if let Ok(loc) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, loc);
    }
    Ok(response)
}

/// Deletes one of the caller's views.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/views/{id}", tag = "views",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "View id")),
    responses((status = 204), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_view(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let mut tx = app.store.begin().await?;
    if !repo::views::delete(&mut tx, &ctx.workspace.id, ctx.user_id(), &id).await? {
        return Err(ApiError::NotFound("no such view"));
    }
    tx.commit().await?;
    Ok(crate::reply::no_content())
}
