//! Ideas: suggest, vote, back with feedback passages, and promote to a
//! feature with the evidence kept. Guests may suggest and vote (PRODUCT.md
//! roles) but never see who suggested what.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    Feature, Idea, IdeaLink, IdeaPatch, NewIdea, NewIdeaLink, Page, Problem, PromoteIdea,
};
use keel_domain::ids::new_id;
use keel_domain::insight::{FeatureStatus, FeatureType, IdeaSource, IdeaStatus, Importance};
use keel_domain::time::Timestamp;
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::ideas::{self as store, IdeaFields, Voter};
use keel_store::repo::{self, features::FeatureFields};
use keel_store::{Db, Tx};
use serde::Deserialize;
use utoipa::IntoParams;

/// The wire form of an idea; `customer` only for callers who may read
/// customer data.
pub(crate) fn idea(i: &store::Idea, show_customer: bool) -> Idea {
    Idea {
        id: i.id.clone(),
        product: i.product_key.clone(),
        title: i.title.clone(),
        description: i.description.clone(),
        status: i.status.clone(),
        source: i.source.clone(),
        public: i.is_public,
        votes: i.votes,
        voted: i.voted,
        customer: i.customer_id.clone().filter(|_| show_customer),
        feature: i.feature_id.clone(),
        created_at: i.created_at.clone(),
        updated_at: i.updated_at.clone(),
        version: i.version,
    }
}

fn link(l: &store::IdeaLink) -> IdeaLink {
    IdeaLink {
        id: l.id.clone(),
        idea_id: l.idea_id.clone(),
        feedback_id: l.feedback_id.clone(),
        importance: l.importance.clone(),
        excerpt: l.excerpt.clone(),
        created_at: l.created_at.clone(),
    }
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/ideas/{id}", ctx.workspace.slug)
}

/// The caller's voter name.
fn voter(ctx: &WorkspaceCtx) -> String {
    store::user_voter(ctx.user_id())
}

async fn find(db: Db<'_>, ctx: &WorkspaceCtx, id: &str) -> ApiResult<store::Idea> {
    store::get(db, &ctx.workspace.id, id, &voter(ctx))
        .await?
        .ok_or(ApiError::NotFound("no such idea"))
}

/// Checks an idea's editable fields; `current` supplies what a patch
/// leaves out. Promotion has its own route, so `promoted` is refused here.
pub(crate) fn fields(
    errors: &mut ValidationErrors,
    title: Option<&str>,
    description: Option<&str>,
    status: Option<&str>,
    public: Option<bool>,
    current: Option<&store::Idea>,
) -> Option<IdeaFields> {
    let title = errors.check(line(
        "title",
        title.or(current.map(|c| c.title.as_str())).unwrap_or(""),
    ));
    let description = errors.check(body(
        "description",
        description
            .or(current.map(|c| c.description.as_str()))
            .unwrap_or(""),
    ));
    let status = match status {
        Some(s) => match IdeaStatus::parse("status", s.trim()) {
            Ok(IdeaStatus::Promoted) => {
                errors.push(FieldError::new(
                    "status",
                    "an idea becomes promoted through POST …/ideas/{id}/promote",
                ));
                None
            }
            other => errors.check(other).map(|s| s.as_str().to_string()),
        },
        None => Some(
            current
                .map(|c| c.status.clone())
                .unwrap_or_else(|| IdeaStatus::New.as_str().to_string()),
        ),
    };
    Some(IdeaFields {
        title: title?,
        description: description?,
        status: status?,
        is_public: public.or(current.map(|c| c.is_public)).unwrap_or(false),
    })
}

/// Suggests an idea for a product. Guests may suggest; making it public
/// on the portal takes a member.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/ideas", tag = "ideas", request_body = NewIdea,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Idea), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_idea(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewIdea>,
) -> ApiResult<Response> {
    ctx.require(Permission::Comment)?;
    if input.public.is_some() {
        ctx.require(Permission::Write)?;
    }
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let product = super::product_field(app.store.db(), &ws, &input.product, &mut errors).await?;
    let source = match input.source.as_deref().map(str::trim) {
        None => Some(IdeaSource::Team),
        Some(s) => match IdeaSource::parse("source", s) {
            Ok(IdeaSource::Portal) => {
                errors.push(FieldError::new(
                    "source",
                    "portal ideas come from the public portal; use team or brainstorm",
                ));
                None
            }
            other => errors.check(other),
        },
    };
    let fields = fields(
        &mut errors,
        Some(&input.title),
        input.description.as_deref(),
        None,
        input.public,
        None,
    );
    errors.into_result()?;
    let (Some(product), Some(source), Some(fields)) = (product, source, fields) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let mut tx = app.store.begin().await?;
    let (created, event) = store::create(
        &mut tx,
        &new_id(),
        &ws,
        &product.id,
        &fields,
        source.as_str(),
        store::Author::User(ctx.user_id()),
        &now,
    )
    .await?;
    tx.commit().await?;
    let show = ctx.role.allows(Permission::ReadCustomers);
    let body = idea(&created, show);
    app.live.publish(
        &ws,
        &event,
        serde_json::to_value(idea(&created, false)).ok(),
    );
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// `?product=&status=&sort=&public=` on the idea list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct IdeaQuery {
    /// Product key.
    pub product: Option<String>,
    /// One status or several, comma-separated.
    pub status: Option<String>,
    /// `votes` (most first) or `newest` (default).
    pub sort: Option<String>,
    /// `true`: only ideas shown on the portal.
    pub public: Option<bool>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's ideas, newest or most voted first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/ideas", tag = "ideas",
    params(("ws" = String, Path, description = "Workspace slug"), IdeaQuery),
    responses((status = 200, body = Page<Idea>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_ideas(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<IdeaQuery>,
) -> ApiResult<axum::Json<Page<Idea>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let product_id =
        super::product_filter(app.store.db(), ws, q.product.as_deref(), &mut errors).await?;
    let statuses = super::filter_values(
        &mut errors,
        "status",
        q.status.as_deref(),
        IdeaStatus::parse,
    );
    let by_votes = match q.sort.as_deref().unwrap_or("newest") {
        "votes" => true,
        "newest" => false,
        _ => {
            errors.push(FieldError::new("sort", "must be votes or newest"));
            false
        }
    };
    errors.into_result()?;
    let filter = store::IdeaFilter {
        product_id,
        statuses,
        public_only: q.public.unwrap_or(false),
        by_votes,
    };
    let rows = store::list(app.store.db(), ws, &filter, &voter(&ctx)).await?;
    let show = ctx.role.allows(Permission::ReadCustomers);
    let items: Vec<Idea> = rows.iter().map(|i| idea(i, show)).collect();
    let page = super::page_of(items, |i| &i.id, q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(page))
}

/// One idea with its vote count.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/ideas/{id}", tag = "ideas",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id")),
    responses((status = 200, body = Idea), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_idea(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let i = find(app.store.db(), &ctx, &id).await?;
    let show = ctx.role.allows(Permission::ReadCustomers);
    Ok(reply::ok_versioned(&idea(&i, show), i.version))
}

/// Edits an idea: title, description, status (not `promoted`), public.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/ideas/{id}", tag = "ideas", request_body = IdeaPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Idea), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_idea(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<IdeaPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ctx, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let fields = fields(
        &mut errors,
        patch.title.as_deref(),
        patch.description.as_deref(),
        patch.status.as_deref(),
        patch.public,
        Some(&current),
    );
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::Internal("validated fields missing".into()))?;
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &fields, &now).await?;
    tx.commit().await?;
    publish(&app, &ctx, &updated, &event);
    let updated = find(app.store.db(), &ctx, &updated.id).await?;
    let show = ctx.role.allows(Permission::ReadCustomers);
    Ok(reply::ok_versioned(&idea(&updated, show), updated.version))
}

fn publish(app: &AppState, ctx: &WorkspaceCtx, i: &store::Idea, event: &keel_domain::model::Event) {
    app.live.publish(
        &ctx.workspace.id,
        event,
        serde_json::to_value(idea(i, false)).ok(),
    );
}

/// Deletes an idea and its votes and evidence links (the feedback stays).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/ideas/{id}", tag = "ideas",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_idea(
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

async fn set_vote(app: &AppState, ctx: &WorkspaceCtx, id: &str, on: bool) -> ApiResult<Response> {
    ctx.require(Permission::Comment)?;
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), ctx, id).await?;
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) =
        store::set_vote(&mut tx, &current, &Voter::user(ctx.user_id()), on, &now).await?;
    tx.commit().await?;
    if let Some(event) = event {
        publish(app, ctx, &updated, &event);
    }
    let show = ctx.role.allows(Permission::ReadCustomers);
    Ok(reply::ok_versioned(&idea(&updated, show), updated.version))
}

/// Votes for an idea (once per person; voting again changes nothing).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/ideas/{id}/votes", tag = "ideas",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id")),
    responses((status = 200, body = Idea), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn vote(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    set_vote(&app, &ctx, &id, true).await
}

/// Takes the caller's vote back (a vote never given: nothing changes).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/ideas/{id}/votes", tag = "ideas",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn unvote(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    set_vote(&app, &ctx, &id, false).await?;
    Ok(reply::no_content())
}

/// Promotes an idea to a feature of its product: the feature takes the
/// idea's title and description unless others are given, and every
/// feedback passage linked to the idea becomes evidence for the feature,
/// all in one transaction.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/ideas/{id}/promote", tag = "ideas", request_body = PromoteIdea,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id")),
    responses((status = 201, body = Feature), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn promote_idea(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<PromoteIdea>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ctx, &id).await?;
    if current.feature_id.is_some() {
        return Err(ApiError::Conflict {
            field: "id".into(),
            message: "this idea was already promoted to a feature".into(),
        });
    }
    let mut errors = ValidationErrors::new();
    let title = errors.check(line(
        "title",
        input.title.as_deref().unwrap_or(&current.title),
    ));
    let problem = errors.check(body(
        "problem",
        input.problem.as_deref().unwrap_or(&current.description),
    ));
    let feature_type = errors.check(FeatureType::parse(
        "type",
        input.feature_type.as_deref().unwrap_or("new_capability"),
    ));
    errors.into_result()?;
    let (Some(title), Some(problem), Some(feature_type)) = (title, problem, feature_type) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let fields = FeatureFields {
        title,
        problem,
        status: FeatureStatus::UnderConsideration.as_str().to_string(),
        feature_type: feature_type.as_str().to_string(),
        risk: None,
        risk_note: String::new(),
    };
    let now = Timestamp::now().to_rfc3339();
    let feature_id = new_id();
    let (created, feature_event) = repo::features::create(
        &mut tx,
        &feature_id,
        &ws,
        &current.product_id,
        &fields,
        &now,
    )
    .await?;
    let (promoted, idea_event) =
        store::promote(&mut tx, &current, &feature_id, ctx.user_id(), &now).await?;
    let body = feature_with_demand(&mut tx, &ws, &created).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &feature_event, serde_json::to_value(&body).ok());
    publish(&app, &ctx, &promoted, &idea_event);
    let loc = format!(
        "/api/v1/workspaces/{}/features/{}",
        ctx.workspace.slug, created.id
    );
    Ok(reply::created(&body, &loc, created.version))
}

async fn feature_with_demand(
    tx: &mut Tx,
    ws: &str,
    f: &repo::features::Feature,
) -> ApiResult<Feature> {
    let rows = repo::features::evidence(tx.db(), ws, Some(&f.id)).await?;
    let d = super::features::demand_by_feature(&rows)
        .remove(&f.id)
        .unwrap_or_default();
    Ok(super::features::feature(f, d))
}

/// Links a passage of a feedback item to the idea as evidence; the
/// excerpt must be part of the feedback text (the whole text when absent).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/ideas/{id}/links", tag = "ideas", request_body = NewIdeaLink,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id")),
    responses((status = 201, body = IdeaLink), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_idea_link(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<NewIdeaLink>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ctx, &id).await?;
    let mut errors = ValidationErrors::new();
    let importance = errors.check(Importance::parse("importance", input.importance.trim()));
    let feedback = repo::feedback::get(tx.db(), &ws, input.feedback.trim()).await?;
    let excerpt = match &feedback {
        None => {
            errors.push(FieldError::new(
                "feedback",
                "no feedback with this id in the workspace",
            ));
            None
        }
        Some(f) if f.product_id != current.product_id => {
            errors.push(FieldError::new(
                "feedback",
                "the feedback belongs to another product than the idea",
            ));
            None
        }
        Some(f) => errors.check(super::feedback::excerpt_of(
            &f.text,
            input.excerpt.as_deref(),
        )),
    };
    errors.into_result()?;
    let (Some(importance), Some(feedback), Some(excerpt)) = (importance, feedback, excerpt) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = store::add_link(
        &mut tx,
        &current,
        &feedback.id,
        importance.as_str(),
        &excerpt,
        ctx.user_id(),
        &now,
    )
    .await?;
    tx.commit().await?;
    app.live.publish(&ws, &event, None);
    let loc = format!("{}/links/{}", location(&ctx, &current.id), created.id);
    Ok(reply::created(&link(&created), &loc, current.version))
}

/// Removes an evidence link from an idea (the feedback stays as it is).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/ideas/{id}/links/{link}", tag = "ideas",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id"),
        ("link" = String, Path, description = "Link id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_idea_link(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id, link_id)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let current = find(tx.db(), &ctx, &id).await?;
    let now = Timestamp::now().to_rfc3339();
    let event = store::remove_link(&mut tx, &current, &link_id, &now)
        .await
        .map_err(|e| match e {
            keel_store::StoreError::NotFound => ApiError::NotFound("no such link"),
            e => e.into(),
        })?;
    tx.commit().await?;
    app.live.publish(&ctx.workspace.id, &event, None);
    Ok(reply::no_content())
}

/// The feedback passages behind an idea, oldest first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/ideas/{id}/links", tag = "ideas",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Idea id")),
    responses((status = 200, body = Page<IdeaLink>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_idea_links(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<Page<IdeaLink>>> {
    ctx.require(Permission::ReadCustomers)?;
    let current = find(app.store.db(), &ctx, &id).await?;
    let rows = store::links(app.store.db(), &ctx.workspace.id, &current.id).await?;
    Ok(axum::Json(Page {
        items: rows.iter().map(link).collect(),
        next_cursor: None,
    }))
}
