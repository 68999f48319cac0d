//! User stories under features ("As a … I want … so that …", acceptance
//! criteria as Given/When/Then, technical requirements) and their
//! breakdown into tasks in one action (`keel_domain::story` has the rules).
//! Everyone in the workspace reads; members write.

use crate::AppState;
use crate::api::v1::convert;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use keel_api_types::{
    AcceptanceCriterion, Breakdown, BreakdownResult, CriterionInput, NewStory, Page, Problem,
    Story, StoryPatch, StoryPersona, StoryTaskRef,
};
use keel_domain::ids::new_id;
use keel_domain::story::{self as rules, RawCriterion, StoryStatus};
use keel_domain::task::{Priority, Status, TaskType};
use keel_domain::time::Timestamp;
use keel_domain::values::{estimate, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::stories::{self as store, StoryFields};
use keel_store::repo::tasks::TaskFields;
use keel_store::{Db, repo};
use serde::Deserialize;
use utoipa::IntoParams;

/// The wire form of a story with its tasks.
pub(crate) fn story(s: &store::Story, tasks: &[store::StoryTask]) -> Story {
    Story {
        id: s.id.clone(),
        product: s.product_key.clone(),
        feature: s.feature_id.clone(),
        as_a: s.as_a.clone(),
        persona: s
            .persona_id
            .clone()
            .zip(s.persona_name.clone())
            .map(|(id, name)| StoryPersona { id, name }),
        i_want: s.i_want.clone(),
        so_that: s.so_that.clone(),
        acceptance_criteria: s
            .criteria()
            .into_iter()
            .map(|c| AcceptanceCriterion {
                given: c.given,
                when: c.when,
                then: c.then,
            })
            .collect(),
        technical_requirements: s.technical_requirements.clone(),
        status: s.status.clone(),
        position: s.position,
        tasks: tasks
            .iter()
            .filter(|t| t.story_id == s.id)
            .map(|t| StoryTaskRef {
                id: t.id.clone(),
                key: t.key.clone(),
                title: t.title.clone(),
                status: t.status.clone(),
            })
            .collect(),
        created_at: s.created_at.clone(),
        updated_at: s.updated_at.clone(),
        version: s.version,
    }
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/stories/{id}", ctx.workspace.slug)
}

async fn find(db: Db<'_>, ctx: &WorkspaceCtx, id: &str) -> ApiResult<store::Story> {
    store::get(db, &ctx.workspace.id, id)
        .await?
        .ok_or(ApiError::NotFound("no such story"))
}

/// One story on the wire, its tasks read alongside.
async fn full(db: Db<'_>, s: &store::Story) -> ApiResult<Story> {
    let tasks = store::tasks_of(db, &s.workspace_id, Some(&s.id)).await?;
    Ok(story(s, &tasks))
}

fn raw(c: &[CriterionInput]) -> Vec<RawCriterion<'_>> {
    c.iter()
        .map(|c| RawCriterion {
            given: c.given.as_deref(),
            when: c.when.as_deref(),
            then: c.then.as_deref(),
        })
        .collect()
}

/// The raw values of a create or a patch; `None` keeps the current value.
struct Draft<'a> {
    as_a: Option<&'a str>,
    persona: Option<Option<&'a str>>,
    i_want: Option<&'a str>,
    so_that: Option<&'a str>,
    criteria: Option<&'a [CriterionInput]>,
    technical_requirements: Option<&'a str>,
    status: Option<&'a str>,
}

/// Checks every field at once, laying the draft over `current` (a patch).
async fn fields(
    db: Db<'_>,
    ctx: &WorkspaceCtx,
    errors: &mut ValidationErrors,
    d: Draft<'_>,
    current: Option<&store::Story>,
) -> ApiResult<Option<StoryFields>> {
    let keep = current.map(StoryFields::of);
    let persona = match d.persona {
        Some(Some(p)) => match repo::personas::find(db, &ctx.workspace.id, p.trim()).await? {
            Some(p) => Some((p.id, p.name)),
            None => {
                errors.push(FieldError::new(
                    "persona",
                    "no persona with this id or name in the workspace",
                ));
                None
            }
        },
        Some(None) => None,
        None => keep
            .as_ref()
            .and_then(|k| k.persona_id.clone())
            .zip(current.and_then(|c| c.persona_name.clone())),
    };
    // Without `as_a`, a new story speaks as its persona.
    let as_a = d
        .as_a
        .map(str::to_string)
        .or_else(|| keep.as_ref().map(|k| k.as_a.clone()))
        .or_else(|| persona.as_ref().map(|(_, name)| name.clone()))
        .unwrap_or_default();
    let i_want = d
        .i_want
        .map(str::to_string)
        .or_else(|| keep.as_ref().map(|k| k.i_want.clone()))
        .unwrap_or_default();
    let so_that = d
        .so_that
        .map(str::to_string)
        .or_else(|| keep.as_ref().map(|k| k.so_that.clone()))
        .unwrap_or_default();
    let tech = d
        .technical_requirements
        .map(str::to_string)
        .or_else(|| keep.as_ref().map(|k| k.technical_requirements.clone()))
        .unwrap_or_default();
    let texts = rules::texts(errors, &as_a, &i_want, &so_that, &tech);
    let criteria = match d.criteria {
        Some(c) => rules::criteria(errors, &raw(c)),
        None => Some(
            keep.as_ref()
                .map(|k| k.criteria.clone())
                .unwrap_or_default(),
        ),
    };
    let status = match d.status {
        Some(s) => errors
            .check(StoryStatus::parse("status", s.trim()))
            .map(|s| s.as_str().to_string()),
        None => Some(
            keep.as_ref()
                .map(|k| k.status.clone())
                .unwrap_or_else(|| StoryStatus::Draft.as_str().to_string()),
        ),
    };
    Ok(match (texts, criteria, status) {
        (Some((as_a, i_want, so_that, technical_requirements)), Some(criteria), Some(status)) => {
            Some(StoryFields {
                as_a,
                persona_id: persona.map(|(id, _)| id),
                i_want,
                so_that,
                criteria,
                technical_requirements,
                status,
            })
        }
        _ => None,
    })
}

/// Writes a story under a feature, after its other stories.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/stories", tag = "stories", request_body = NewStory,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Story), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_story(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewStory>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let mut tx = app.store.begin().await?;
    let feature = repo::features::get(tx.db(), &ws, input.feature.trim()).await?;
    if feature.is_none() {
        errors.push(FieldError::new(
            "feature",
            "no feature with this id in the workspace",
        ));
    }
    let draft = Draft {
        as_a: input.as_a.as_deref(),
        persona: Some(input.persona.as_deref()),
        i_want: Some(&input.i_want),
        so_that: input.so_that.as_deref(),
        criteria: Some(input.acceptance_criteria.as_deref().unwrap_or(&[])),
        technical_requirements: input.technical_requirements.as_deref(),
        status: input.status.as_deref(),
    };
    let fields = fields(tx.db(), &ctx, &mut errors, draft, None).await?;
    errors.into_result()?;
    let (Some(feature), Some(fields)) = (feature, fields) else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = store::create(
        &mut tx,
        &ws,
        &feature.product_id,
        &feature.id,
        &fields,
        ctx.user_id(),
        &now,
    )
    .await?;
    tx.commit().await?;
    let body = story(&created, &[]);
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// `?feature=&product=` on the story list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StoryQuery {
    /// Feature id.
    pub feature: Option<String>,
    /// Product key.
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's stories, by feature and in each feature's order.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/stories", tag = "stories",
    params(("ws" = String, Path, description = "Workspace slug"), StoryQuery),
    responses((status = 200, body = Page<Story>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_stories(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<StoryQuery>,
) -> ApiResult<axum::Json<Page<Story>>> {
    ctx.require(Permission::Read)?;
    let items = stories_of(
        &app,
        &ctx,
        q.feature
            .as_deref()
            .map(str::trim)
            .filter(|f| !f.is_empty()),
        q.product.as_deref(),
    )
    .await?;
    let page = super::page_of(items, |s| &s.id, q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(page))
}

/// The stories of a feature and/or product, with their tasks; a filter
/// naming nothing is a 422. The web page shares this.
pub(crate) async fn stories_of(
    app: &AppState,
    ctx: &WorkspaceCtx,
    feature: Option<&str>,
    product: Option<&str>,
) -> ApiResult<Vec<Story>> {
    let ws = ctx.workspace.id.as_str();
    let db = || app.store.db();
    let mut errors = ValidationErrors::new();
    if let Some(f) = feature
        && repo::features::get(db(), ws, f).await?.is_none()
    {
        errors.push(FieldError::new(
            "feature",
            "no feature with this id in the workspace",
        ));
    }
    let product_id = super::product_filter(db(), ws, product, &mut errors).await?;
    errors.into_result()?;
    let rows = store::list(db(), ws, feature, product_id.as_deref()).await?;
    let tasks = store::tasks_of(db(), ws, None).await?;
    Ok(rows.iter().map(|s| story(s, &tasks)).collect())
}

/// One story with its acceptance criteria and tasks.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/stories/{id}", tag = "stories",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Story id")),
    responses((status = 200, body = Story), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_story(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let s = find(app.store.db(), &ctx, &id).await?;
    Ok(reply::ok_versioned(
        &full(app.store.db(), &s).await?,
        s.version,
    ))
}

/// Edits a story; `acceptance_criteria` replaces the list whole,
/// `position` moves it among its feature's stories.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/stories/{id}", tag = "stories", request_body = StoryPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Story id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Story), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_story(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<StoryPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let mut tx = app.store.begin().await?;
    let mut current = find(tx.db(), &ctx, &id).await?;
    if patch.position.is_some() {
        // A move renumbers the feature's stories from what it reads: under
        // the feature's lock, as creating and deleting a story are, taken
        // before anything of this story is written; read again after it.
        repo::guard::lock(&mut tx, repo::guard::Locked::Feature, &current.feature_id).await?;
        current = find(tx.db(), &ctx, &current.id).await?;
    }
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let draft = Draft {
        as_a: patch.as_a.as_deref(),
        persona: patch.persona.as_ref().map(|p| p.as_deref()),
        i_want: patch.i_want.as_deref(),
        so_that: patch.so_that.as_deref(),
        criteria: patch.acceptance_criteria.as_deref(),
        technical_requirements: patch.technical_requirements.as_deref(),
        status: patch.status.as_deref(),
    };
    let fields = fields(tx.db(), &ctx, &mut errors, draft, Some(&current)).await?;
    let siblings = store::list(tx.db(), &ctx.workspace.id, Some(&current.feature_id), None)
        .await?
        .len();
    let position = patch
        .position
        .and_then(|p| errors.check(rules::clamp_position(p, siblings)));
    errors.into_result()?;
    let fields = fields.ok_or_else(|| ApiError::Internal("validated fields missing".into()))?;
    let now = Timestamp::now().to_rfc3339();
    let mut events = Vec::new();
    let mut updated = current.clone();
    // A PATCH that changes nothing keeps the version and writes nothing.
    if fields != StoryFields::of(&current) {
        let (s, event) = store::update(&mut tx, &updated, &fields, &now).await?;
        updated = s;
        events.push(event);
    }
    if let Some(p) = position.filter(|&p| p as i64 != updated.position) {
        let (s, event) = store::move_to(&mut tx, &updated, p, &now).await?;
        updated = s;
        events.push(event);
    }
    if !events.is_empty() {
        tx.commit().await?;
        for event in &events {
            app.live.publish(&ctx.workspace.id, event, None);
        }
    }
    Ok(reply::ok_versioned(
        &full(app.store.db(), &updated).await?,
        updated.version,
    ))
}

/// Deletes a story; its tasks stay, unlinked.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/stories/{id}", tag = "stories",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Story id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_story(
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

/// A task to write in a breakdown, and the criterion it comes from.
struct Planned {
    fields: TaskFields,
    criterion: Option<String>,
}

fn planned(
    title: String,
    description: String,
    task_type: TaskType,
    estimate: Option<f64>,
    feature_id: &str,
    criterion: Option<String>,
) -> Planned {
    Planned {
        fields: TaskFields {
            title,
            description,
            status: Status::Todo,
            priority: Priority::NoPriority,
            task_type,
            assignee_id: None,
            team_id: None,
            estimate,
            due_date: None,
            labels: Vec::new(),
            parent_id: None,
            feature_id: Some(feature_id.to_string()),
            rank: None,
        },
        criterion,
    }
}

/// The tasks named in the request, checked (`tasks[1].title`).
fn named_tasks(
    errors: &mut ValidationErrors,
    tasks: &[keel_api_types::BreakdownTask],
    s: &store::Story,
    narrative: &str,
) -> Vec<Planned> {
    if tasks.len() > rules::MAX_BREAKDOWN_TASKS {
        errors.push(FieldError::new(
            "tasks",
            format!("at most {} tasks at once", rules::MAX_BREAKDOWN_TASKS),
        ));
        return Vec::new();
    }
    let mut out = Vec::new();
    for (i, t) in tasks.iter().enumerate() {
        let title = errors.check(line(&format!("tasks[{i}].title"), &t.title));
        let est = t
            .estimate
            .and_then(|e| errors.check(estimate(&format!("tasks[{i}].estimate"), e)));
        let task_type = match t.task_type.as_deref() {
            Some(ty) => errors.check(TaskType::parse(&format!("tasks[{i}].type"), ty.trim())),
            None => Some(TaskType::Feature),
        };
        if let (Some(title), Some(task_type)) = (title, task_type) {
            let description = format!("Part of the story: {narrative}");
            out.push(planned(
                title,
                description,
                task_type,
                est,
                &s.feature_id,
                None,
            ));
        }
    }
    out
}

/// Breaks a story down into tasks in one transaction: the tasks given,
/// or else one per acceptance criterion that has no task yet (criteria
/// broken down before are skipped, so repeating the call creates nothing
/// new). Every task is linked to the story and to its feature.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/stories/{id}/breakdown", tag = "stories", request_body = Breakdown,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Story id")),
    responses((status = 200, body = BreakdownResult), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn break_down(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Json(input): Json<Breakdown>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let product = {
        let s = find(app.store.db(), &ctx, &id).await?;
        repo::products::get(app.store.db(), &ws, &s.product_id)
            .await?
            .ok_or(ApiError::NotFound("no such story"))?
    };
    let mut tx = app.store.begin().await?;
    // Read again inside the transaction: the criteria and the tasks already
    // made from them must be the ones the skip rule sees as it writes.
    let s = find(tx.db(), &ctx, &id).await?;
    let narrative = rules::narrative(&s.as_a, &s.i_want, &s.so_that);
    let mut errors = ValidationErrors::new();
    let criteria = s.criteria();
    let (plan, skipped) = match input.tasks.as_deref().filter(|t| !t.is_empty()) {
        Some(tasks) => (named_tasks(&mut errors, tasks, &s, &narrative), Vec::new()),
        None => {
            let done: Vec<String> = store::tasks_of(tx.db(), &ws, Some(&s.id))
                .await?
                .into_iter()
                .filter_map(|t| t.criterion)
                .collect();
            let todo = rules::criteria_to_break_down(&criteria, &done);
            let skipped = (0..criteria.len()).filter(|i| !todo.contains(i)).collect();
            let plan = todo
                .iter()
                .map(|&i| {
                    let c = &criteria[i];
                    planned(
                        c.task_title(),
                        c.task_description(&narrative),
                        TaskType::Feature,
                        None,
                        &s.feature_id,
                        Some(c.key()),
                    )
                })
                .collect();
            (plan, skipped)
        }
    };
    errors.into_result()?;
    let now = Timestamp::now().to_rfc3339();
    let mut made = Vec::new();
    for p in &plan {
        let task_id = new_id();
        let event =
            repo::tasks::insert(&mut tx, &task_id, &product, &p.fields, ctx.user_id(), &now)
                .await?;
        store::link_task(&mut tx, &task_id, &s.id, p.criterion.as_deref()).await?;
        made.push((task_id, event));
    }
    tx.commit().await?;
    let mut created = Vec::new();
    for (task_id, event) in &made {
        let task = repo::tasks::get(app.store.db(), &ws, task_id)
            .await?
            .ok_or(ApiError::NotFound("no such task"))?;
        let body = convert::task(task);
        app.live
            .publish(&ws, event, serde_json::to_value(&body).ok());
        created.push(body);
    }
    let s = find(app.store.db(), &ctx, &id).await?;
    let body = BreakdownResult {
        created,
        skipped_criteria: skipped,
        story: full(app.store.db(), &s).await?,
    };
    Ok(axum::Json(body).into_response())
}
