//! Customer interviews: interview guides (the built-in Discovery guide and
//! the workspace's own), interviews of a product held with a guide, and
//! the action that turns an interview's answers into feedback items.
//!
//! Interviews hold what customers said, so reading them (guides too: they
//! are only useful next to interviews) needs `ReadCustomers` — every role
//! but guest; changing them needs `Write`. Live events (`interview`,
//! `interview_guide`) carry no item, since the stream reaches guests.
//!
//! Turning an interview into feedback creates one item per answered
//! question not converted before, through `repo::feedback::create` — the
//! same store path as `POST …/feedback`, so search indexing (triggers),
//! the suggested sentiment and the embedding worker see it — and links
//! each answer to its item, all in one transaction. Running it again
//! creates nothing for those answers; an answer filled in later is
//! converted then. An answer edited after its conversion leaves its
//! feedback item as it was (triage may have changed it meanwhile).

use super::feedback as feedback_api;
use super::{id_cursor, page_limit, page_of};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    AnswerInput, GuideQuestion, Interview, InterviewAnswer, InterviewCustomer, InterviewFeedback,
    InterviewGuide, InterviewGuidePatch, InterviewGuideRef, InterviewPatch, NewInterview,
    NewInterviewGuide, Page, PersonRef, Problem,
};
use keel_domain::ids::new_id;
use keel_domain::insight::{FeedbackSource, FeedbackStatus};
use keel_domain::interview::{self as rules, DISCOVERY_GUIDE_ID, DISCOVERY_GUIDE_NAME};
use keel_domain::time::{Date, Timestamp};
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors, sentiment};
use keel_store::repo::feedback::FeedbackFields;
use keel_store::repo::interviews::{self as store, InterviewFields, InterviewFilter};
use keel_store::{Db, Tx, repo};
use serde::Deserialize;
use utoipa::IntoParams;

// ---------------------------------------------------------------------------
// Guides.

/// The built-in guide as the API shows it.
pub(crate) fn discovery() -> InterviewGuide {
    InterviewGuide {
        id: DISCOVERY_GUIDE_ID.to_string(),
        name: DISCOVERY_GUIDE_NAME.to_string(),
        builtin: true,
        questions: rules::discovery_guide()
            .into_iter()
            .map(|q| GuideQuestion {
                question: q.question,
                hint: q.hint,
            })
            .collect(),
        created_at: None,
        updated_at: None,
        version: 1,
    }
}

fn guide(g: &store::Guide) -> InterviewGuide {
    InterviewGuide {
        id: g.id.clone(),
        name: g.name.clone(),
        builtin: false,
        questions: g
            .question_list()
            .into_iter()
            .map(|(question, hint)| GuideQuestion { question, hint })
            .collect(),
        created_at: Some(g.created_at.clone()),
        updated_at: Some(g.updated_at.clone()),
        version: g.version,
    }
}

/// Every guide of the workspace: the built-in one first, then theirs by
/// name.
pub(crate) async fn all_guides(db: Db<'_>, ws: &str) -> ApiResult<Vec<InterviewGuide>> {
    let stored = store::list_guides(db, ws).await?;
    Ok(std::iter::once(discovery())
        .chain(stored.iter().map(guide))
        .collect())
}

/// A guide by id (the built-in one included), or `None`.
async fn find_guide(db: Db<'_>, ws: &str, id: &str) -> ApiResult<Option<InterviewGuide>> {
    if id == DISCOVERY_GUIDE_ID {
        return Ok(Some(discovery()));
    }
    Ok(store::get_guide(db, ws, id).await?.map(|g| guide(&g)))
}

/// A stored guide of the workspace, or 404 (409 for the built-in one,
/// which exists but cannot be changed).
async fn stored_guide(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::Guide> {
    if id == DISCOVERY_GUIDE_ID {
        return Err(ApiError::Conflict {
            field: "id".into(),
            message: "the built-in guide cannot be changed; create a guide with its questions"
                .into(),
        });
    }
    store::get_guide(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such interview guide"))
}

/// Checks a guide's questions: 1 to 30, each a single line with an
/// optional hint; errors name `questions[i].question`.
fn questions(errors: &mut ValidationErrors, given: &[GuideQuestion]) -> Vec<(String, String)> {
    if given.is_empty() || given.len() > rules::MAX_QUESTIONS {
        errors.push(FieldError::new(
            "questions",
            format!("give from 1 to {} questions", rules::MAX_QUESTIONS),
        ));
    }
    given
        .iter()
        .enumerate()
        .filter_map(|(i, q)| {
            let question = errors.check(line(&format!("questions[{i}].question"), &q.question));
            let hint = errors.check(rules::hint(&format!("questions[{i}].hint"), &q.hint));
            question.zip(hint)
        })
        .collect()
}

fn guide_location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!(
        "/api/v1/workspaces/{}/interview-guides/{id}",
        ctx.workspace.slug
    )
}

/// Creates an interview guide: a name and its questions in order.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/interview-guides", tag = "interviews", request_body = NewInterviewGuide,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = InterviewGuide), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_guide(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewInterviewGuide>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", &input.name));
    let qs = questions(&mut errors, &input.questions);
    errors.into_result()?;
    let Some(name) = name else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let now = Timestamp::now().to_rfc3339();
    let mut tx = app.store.begin().await?;
    let (created, event) =
        store::create_guide(&mut tx, ws, &name, &qs, ctx.user_id(), &now).await?;
    tx.commit().await?;
    app.live.publish(ws, &event, None);
    Ok(reply::created(
        &guide(&created),
        &guide_location(&ctx, &created.id),
        created.version,
    ))
}

/// The workspace's interview guides: the built-in `discovery` guide
/// first, then the workspace's own by name.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/interview-guides", tag = "interviews",
    params(("ws" = String, Path, description = "Workspace slug"), super::PageParams),
    responses((status = 200, body = Page<InterviewGuide>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_guides(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<super::PageParams>,
) -> ApiResult<axum::Json<Page<InterviewGuide>>> {
    ctx.require(Permission::ReadCustomers)?;
    let guides = all_guides(app.store.db(), &ctx.workspace.id).await?;
    Ok(axum::Json(page_of(
        guides,
        |g| g.id.as_str(),
        q.limit,
        q.cursor.as_deref(),
    )?))
}

/// One interview guide (`discovery` is the built-in one).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/interview-guides/{id}", tag = "interviews",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Guide id")),
    responses((status = 200, body = InterviewGuide), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_guide(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::ReadCustomers)?;
    let g = find_guide(app.store.db(), &ctx.workspace.id, &id)
        .await?
        .ok_or(ApiError::NotFound("no such interview guide"))?;
    Ok(reply::ok_versioned(&g, g.version))
}

/// Renames a guide or replaces its questions. Interviews already held keep
/// the questions they were asked. The built-in guide cannot be changed
/// (409). With `If-Match`, a stale version gets 412.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/interview-guides/{id}", tag = "interviews", request_body = InterviewGuidePatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Guide id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = InterviewGuide), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_guide(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<InterviewGuidePatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = stored_guide(tx.db(), ws, &id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let name = errors.check(line("name", patch.name.as_deref().unwrap_or(&current.name)));
    let qs = match &patch.questions {
        Some(given) => questions(&mut errors, given),
        None => current.question_list(),
    };
    errors.into_result()?;
    let Some(name) = name else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    if name == current.name && qs == current.question_list() {
        return Ok(reply::ok_versioned(&guide(&current), current.version));
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update_guide(&mut tx, &current, &name, &qs, &now).await?;
    tx.commit().await?;
    app.live.publish(ws, &event, None);
    Ok(reply::ok_versioned(&guide(&updated), updated.version))
}

/// Deletes a guide. Interviews held with it keep their questions and the
/// guide's name. The built-in guide cannot be deleted (409).
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/interview-guides/{id}", tag = "interviews",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Guide id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem), (status = 412, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_guide(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = stored_guide(tx.db(), ws, &id).await?;
    let now = Timestamp::now().to_rfc3339();
    let event = store::delete_guide(&mut tx, &current, &now).await?;
    tx.commit().await?;
    app.live.publish(ws, &event, None);
    Ok(reply::no_content())
}

// ---------------------------------------------------------------------------
// Interviews.

fn summary(i: &store::Interview) -> Interview {
    Interview {
        id: i.id.clone(),
        product: i.product_key.clone(),
        title: i.title.clone(),
        held_on: i.held_on.clone(),
        customer: i.customer_id.as_ref().map(|id| InterviewCustomer {
            id: id.clone(),
            name: i.customer_name.clone().unwrap_or_default(),
            email: i.customer_email.clone(),
        }),
        interviewer: PersonRef {
            id: i.interviewer_id.clone(),
            name: i.interviewer_name.clone(),
            email: i.interviewer_email.clone(),
        },
        guide: InterviewGuideRef {
            id: i.guide_id.clone(),
            name: i.guide_name.clone(),
        },
        notes: i.notes.clone(),
        question_count: i.question_count,
        answered_count: i.answered_count,
        converted_count: i.converted_count,
        answers: None,
        created_at: i.created_at.clone(),
        updated_at: i.updated_at.clone(),
        version: i.version,
    }
}

/// An interview with its answers.
pub(crate) async fn with_answers(db: Db<'_>, i: &store::Interview) -> ApiResult<Interview> {
    let answers = store::answers(db, &i.id).await?;
    let mut out = summary(i);
    out.answers = Some(
        answers
            .into_iter()
            .map(|a| InterviewAnswer {
                id: a.id,
                position: a.position,
                question: a.question,
                hint: a.hint,
                answer: a.answer,
                feedback_id: a.feedback_id,
            })
            .collect(),
    );
    Ok(out)
}

/// An interview of the workspace, or 404.
pub(crate) async fn find(db: Db<'_>, ws: &str, id: &str) -> ApiResult<store::Interview> {
    store::get(db, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such interview"))
}

async fn lock(tx: &mut Tx, ws: &str, id: &str) -> ApiResult<store::Interview> {
    store::lock(tx, ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such interview"))
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/interviews/{id}", ctx.workspace.slug)
}

/// The customer given by id or email, or an error naming `customer`.
async fn resolve_customer(
    db: Db<'_>,
    ws: &str,
    given: &str,
    errors: &mut ValidationErrors,
) -> ApiResult<Option<String>> {
    let found = repo::feedback::customer_id(db, ws, given.trim()).await?;
    if found.is_none() {
        errors.push(FieldError::new(
            "customer",
            "no customer with this id or email in the workspace",
        ));
    }
    Ok(found)
}

/// Checks answers against `count` questions: `(position, text)` in the
/// order given; errors name `answers[i].position` / `answers[i].answer`.
fn answers_in(
    errors: &mut ValidationErrors,
    given: &[AnswerInput],
    count: usize,
) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for (i, a) in given.iter().enumerate() {
        let position = match usize::try_from(a.position) {
            Ok(p) if p < count => Some(p),
            _ => {
                errors.push(FieldError::new(
                    format!("answers[{i}].position"),
                    format!(
                        "must be the position of a question, from 0 to {}",
                        count.saturating_sub(1)
                    ),
                ));
                None
            }
        };
        if position.is_some_and(|p| out.iter().any(|(q, _)| *q == p)) {
            errors.push(FieldError::new(
                format!("answers[{i}].position"),
                "answers this question twice",
            ));
            continue;
        }
        let text = errors.check(rules::answer(&format!("answers[{i}].answer"), &a.answer));
        if let (Some(p), Some(t)) = (position, text) {
            out.push((p, t));
        }
    }
    out
}

/// Creates an interview: shared by the API handler and the web form.
pub(crate) async fn create(
    app: &AppState,
    ws: &str,
    user_id: &str,
    input: &NewInterview,
) -> ApiResult<store::Interview> {
    let mut errors = ValidationErrors::new();
    let title = errors.check(line("title", &input.title));
    let held_on = match input.held_on.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => errors
            .check(Date::parse("held_on", d))
            .map(|d| d.as_string()),
        _ => Some(Timestamp::now().date().as_string()),
    };
    let notes = errors.check(body("notes", input.notes.as_deref().unwrap_or("")));
    let mut tx = app.store.begin().await?;
    let product = repo::products::get(tx.db(), ws, input.product.trim()).await?;
    if product.is_none() {
        errors.push(FieldError::new(
            "product",
            "no product with this key in the workspace",
        ));
    }
    let customer = match input.customer.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => resolve_customer(tx.db(), ws, c, &mut errors)
            .await?
            .map(Some),
        _ => Some(None),
    };
    let guide_id = input
        .guide
        .as_deref()
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .unwrap_or(DISCOVERY_GUIDE_ID);
    let guide = find_guide(tx.db(), ws, guide_id).await?;
    if guide.is_none() {
        errors.push(FieldError::new(
            "guide",
            "no interview guide with this id in the workspace",
        ));
    }
    let count = guide.as_ref().map_or(0, |g| g.questions.len());
    let given = answers_in(&mut errors, input.answers.as_deref().unwrap_or(&[]), count);
    let (Some(title), Some(held_on), Some(notes), Some(product), Some(customer_id), Some(guide)) =
        (title, held_on, notes, product, customer, guide)
    else {
        return Err(errors.into());
    };
    errors.into_result()?;
    let rows: Vec<(String, String, String)> = guide
        .questions
        .iter()
        .enumerate()
        .map(|(p, q)| {
            let answer = given
                .iter()
                .find(|(at, _)| *at == p)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            (q.question.clone(), q.hint.clone(), answer)
        })
        .collect();
    let fields = InterviewFields {
        customer_id,
        held_on,
        title,
        notes,
    };
    let new = store::NewInterview {
        workspace_id: ws,
        product_id: &product.id,
        interviewer_id: user_id,
        guide_id: Some(&guide.id),
        guide_name: &guide.name,
        answers: &rows,
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, event) = store::create(&mut tx, &new, &fields, &now).await?;
    tx.commit().await?;
    app.live.publish(ws, &event, None);
    Ok(created)
}

/// Records an interview of a product, held with a guide (the built-in
/// `discovery` guide when none is named): the guide's questions are
/// copied into the interview, with the answers given by position. The
/// interviewer is the caller.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/interviews", tag = "interviews", request_body = NewInterview,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Interview), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_interview(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewInterview>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let created = create(&app, &ctx.workspace.id, ctx.user_id(), &input).await?;
    let body = with_answers(app.store.db(), &created).await?;
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// `?product=&customer=&limit=&cursor=` on the interview list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InterviewQuery {
    /// Product key.
    pub product: Option<String>,
    /// Customer id or email.
    pub customer: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's interviews, newest first (without their answers).
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/interviews", tag = "interviews",
    params(("ws" = String, Path, description = "Workspace slug"), InterviewQuery),
    responses((status = 200, body = Page<Interview>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_interviews(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<InterviewQuery>,
) -> ApiResult<axum::Json<Page<Interview>>> {
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.as_str();
    let limit = page_limit(q.limit)?;
    let cursor = id_cursor(q.cursor.as_deref())?.map(str::to_string);
    let mut errors = ValidationErrors::new();
    let product_id = match q.product.as_deref().map(str::trim) {
        Some(key) if !key.is_empty() => match repo::products::get(app.store.db(), ws, key).await? {
            Some(p) => Some(p.id),
            None => {
                errors.push(FieldError::new(
                    "product",
                    "no product with this key in the workspace",
                ));
                None
            }
        },
        _ => None,
    };
    let customer_id = match q.customer.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => resolve_customer(app.store.db(), ws, c, &mut errors).await?,
        _ => None,
    };
    errors.into_result()?;
    let filter = InterviewFilter {
        product_id,
        customer_id,
        cursor,
        limit,
    };
    let (items, next_cursor) = store::list(app.store.db(), ws, &filter).await?;
    Ok(axum::Json(Page {
        items: items.iter().map(summary).collect(),
        next_cursor,
    }))
}

/// One interview with its questions and answers.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/interviews/{id}", tag = "interviews",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Interview id")),
    responses((status = 200, body = Interview), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_interview(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::ReadCustomers)?;
    let i = find(app.store.db(), &ctx.workspace.id, &id).await?;
    let body = with_answers(app.store.db(), &i).await?;
    Ok(reply::ok_versioned(&body, i.version))
}

/// Changes an interview's title, date, customer, notes or answers (by
/// position). An answer already turned into feedback may still be edited;
/// its feedback item stays as it is. With `If-Match`, a stale version gets
/// 412 and nothing changes.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/interviews/{id}", tag = "interviews", request_body = InterviewPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Interview id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Interview), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_interview(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<InterviewPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let (updated, body) = update(&app, &ctx.workspace.id, &id, expected, patch).await?;
    Ok(reply::ok_versioned(&body, updated.version))
}

/// Applies a patch to an interview: shared by the API handler and the web
/// page. `expected` is the version the caller last saw (If-Match).
pub(crate) async fn update(
    app: &AppState,
    ws: &str,
    id: &str,
    expected: Option<i64>,
    patch: InterviewPatch,
) -> ApiResult<(store::Interview, Interview)> {
    let mut tx = app.store.begin().await?;
    let current = lock(&mut tx, ws, id).await?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let mut errors = ValidationErrors::new();
    let title = errors.check(line(
        "title",
        patch.title.as_deref().unwrap_or(&current.title),
    ));
    let held_on = match patch.held_on.as_deref() {
        Some(d) => errors
            .check(Date::parse("held_on", d.trim()))
            .map(|d| d.as_string()),
        None => Some(current.held_on.clone()),
    };
    let notes = errors.check(body(
        "notes",
        patch.notes.as_deref().unwrap_or(&current.notes),
    ));
    let customer = match &patch.customer {
        Some(Some(c)) if !c.trim().is_empty() => resolve_customer(tx.db(), ws, c, &mut errors)
            .await?
            .map(Some),
        Some(_) => Some(None),
        None => Some(current.customer_id.clone()),
    };
    let stored = store::answers(tx.db(), &current.id).await?;
    let given = answers_in(
        &mut errors,
        patch.answers.as_deref().unwrap_or(&[]),
        stored.len(),
    );
    let (Some(title), Some(held_on), Some(notes), Some(customer_id)) =
        (title, held_on, notes, customer)
    else {
        return Err(errors.into());
    };
    errors.into_result()?;
    let changed_answers: Vec<(String, String)> = given
        .into_iter()
        .filter_map(|(p, text)| {
            let a = stored.get(p)?;
            (a.answer != text).then(|| (a.id.clone(), text))
        })
        .collect();
    let fields = InterviewFields {
        customer_id,
        held_on,
        title,
        notes,
    };
    let unchanged = InterviewFields {
        customer_id: current.customer_id.clone(),
        held_on: current.held_on.clone(),
        title: current.title.clone(),
        notes: current.notes.clone(),
    };
    if fields == unchanged && changed_answers.is_empty() {
        let body = with_answers(tx.db(), &current).await?;
        return Ok((current, body));
    }
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) =
        store::update(&mut tx, &current, &fields, &changed_answers, &now).await?;
    let body = with_answers(tx.db(), &updated).await?;
    tx.commit().await?;
    app.live.publish(ws, &event, None);
    Ok((updated, body))
}

/// Deletes an interview with its answers. Feedback made from it stays in
/// the inbox.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/interviews/{id}", tag = "interviews",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Interview id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_interview(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.as_str();
    let mut tx = app.store.begin().await?;
    let current = lock(&mut tx, ws, &id).await?;
    let now = Timestamp::now().to_rfc3339();
    let event = store::delete(&mut tx, &current, &now).await?;
    tx.commit().await?;
    app.live.publish(ws, &event, None);
    Ok(reply::no_content())
}

/// Turns an interview into feedback: shared by the API handler and the
/// web page. Returns what was created, how many answers had been
/// converted before, and the interview as it now is.
pub(crate) async fn convert(
    app: &AppState,
    ws: &str,
    user_id: &str,
    id: &str,
) -> ApiResult<InterviewFeedback> {
    let mut tx = app.store.begin().await?;
    let current = lock(&mut tx, ws, id).await?;
    let todo = store::unconverted(&mut tx, &current.id).await?;
    let now = Timestamp::now().to_rfc3339();
    let mut made = Vec::new();
    for a in &todo {
        let text = feedback_api::text("text", &rules::feedback_text(&a.question, &a.answer))
            .map_err(|e| ApiError::Validation(vec![e]))?;
        let fields = FeedbackFields {
            text,
            source: FeedbackSource::Interview.as_str().to_string(),
            customer_id: current.customer_id.clone(),
            status: FeedbackStatus::New.as_str().to_string(),
            // From what the customer said, not from the question.
            sentiment: sentiment::suggest(&a.answer).as_str().to_string(),
            tags: vec![rules::FEEDBACK_TAG.to_string()],
            received_on: current.held_on.clone(),
            duplicate_of: None,
        };
        let (created, event) = repo::feedback::create(
            &mut tx,
            &new_id(),
            ws,
            &current.product_id,
            &fields,
            Some(user_id),
            &now,
        )
        .await?;
        store::link_feedback(&mut tx, &a.id, &created.id).await?;
        made.push((created, event));
    }
    let (interview, interview_event) = if made.is_empty() {
        (current, None)
    } else {
        let (i, e) = store::touch(&mut tx, &current, &now).await?;
        (i, Some(e))
    };
    let body = with_answers(tx.db(), &interview).await?;
    tx.commit().await?;
    let mut created = Vec::new();
    for (f, event) in &made {
        let item = feedback_api::feedback(f, &[]);
        app.live
            .publish(ws, event, serde_json::to_value(&item).ok());
        created.push(item);
    }
    if let Some(event) = interview_event {
        app.live.publish(ws, &event, None);
        // Wakes the embedding worker for the new items.
        app.insight.feedback_changed();
    }
    let already_converted = interview.converted_count - created.len() as i64;
    Ok(InterviewFeedback {
        created,
        already_converted,
        interview: body,
    })
}

/// Turns the interview's answers into feedback items of its product: one
/// per answered question not converted before (source `interview`, tag
/// `interview`, the interview's customer, received on the day it was held,
/// the question quoted on the text's first line), in one transaction.
/// Running it again creates nothing for answers already converted; an
/// answer filled in since is converted. Answers 200 either way.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/interviews/{id}/feedback", tag = "interviews",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Interview id")),
    responses((status = 200, body = InterviewFeedback), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn interview_feedback(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let out = convert(&app, &ctx.workspace.id, ctx.user_id(), &id).await?;
    let version = out.interview.version;
    Ok(reply::ok_versioned(&out, version))
}
