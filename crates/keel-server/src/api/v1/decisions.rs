//! The decision log: record, list, read, change and delete decisions, and
//! list the declined features worth another look
//! (`keel_domain::decisions`, judged on today's UTC date).
//!
//! Declining a feature through its `PATCH` records a decision too, in the
//! same transaction ([`record_decline`]).
//!
//! Reading needs `ReadCustomers`, not just `Read`: a decision's rationale,
//! the demand behind it and the feedback it cites are internal, and guests
//! are often customers. Members and above write.

use super::features::demand_by_feature;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    AnotherLook, AnotherLookList, Decision, DecisionFeature, DecisionPatch, DeclineNote, Demand,
    InformedPerson, NewDecision, Page, PersonRef, Problem,
};
use keel_domain::decisions::{self as rules, Look, Outcome};
use keel_domain::insight;
use keel_domain::model::Event;
use keel_domain::time::{Date, Timestamp};
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::decisions::{self as store, DecisionFields, NewInformed, NewLink};
use keel_store::repo::features as features_store;
use keel_store::{Db, Tx, repo};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::IntoParams;

fn to_domain(d: &Demand) -> insight::Demand {
    insight::Demand {
        feedback_count: d.feedback_count,
        customer_count: d.customer_count,
        company_count: d.company_count,
        arr: d.arr,
        score: d.score,
    }
}

fn to_wire(d: &insight::Demand) -> Demand {
    Demand {
        feedback_count: d.feedback_count,
        customer_count: d.customer_count,
        company_count: d.company_count,
        arr: d.arr,
        score: d.score,
    }
}

/// The wire form of a stored decision with its informed people and links
/// (rows of other decisions are ignored).
pub(crate) fn decision(
    d: &store::Decision,
    informed: &[store::Informed],
    links: &[store::Link],
) -> Decision {
    let decided_by = match (&d.decided_by, &d.decided_by_name, &d.decided_by_email) {
        (Some(id), Some(name), Some(email)) => Some(PersonRef {
            id: id.clone(),
            name: name.clone(),
            email: email.clone(),
        }),
        _ => None,
    };
    let mine = links.iter().filter(|l| l.decision_id == d.id);
    let ids_of = |kind: &str| -> Vec<String> {
        links
            .iter()
            .filter(|l| l.decision_id == d.id && l.kind == kind)
            .map(|l| l.item_id.clone())
            .collect()
    };
    Decision {
        id: d.id.clone(),
        product: d.product_key.clone(),
        title: d.title.clone(),
        context: d.context.clone(),
        options: d.option_list(),
        outcome: d.outcome.clone(),
        rationale: d.rationale.clone(),
        rationale_missing: d.rationale.trim().is_empty(),
        informed: informed
            .iter()
            .filter(|i| i.decision_id == d.id)
            .map(|i| InformedPerson {
                name: i.name.clone(),
                user: match (&i.user_id, &i.email) {
                    (Some(id), Some(email)) => Some(PersonRef {
                        id: id.clone(),
                        name: i.name.clone(),
                        email: email.clone(),
                    }),
                    _ => None,
                },
            })
            .collect(),
        date: d.decided_on.clone(),
        decided_by,
        look_again_after: d.look_again_after.clone(),
        features: mine
            .filter(|l| l.kind == "feature")
            .map(|l| DecisionFeature {
                id: l.item_id.clone(),
                demand_at_decision: l.demand().as_ref().map(to_wire),
            })
            .collect(),
        goals: ids_of("goal"),
        feedback: ids_of("feedback"),
        created_at: d.created_at.clone(),
        updated_at: d.updated_at.clone(),
        version: d.version,
    }
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/decisions/{id}", ctx.workspace.slug)
}

pub(crate) fn today() -> Date {
    Timestamp::now().date()
}

async fn find(db: Db<'_>, ctx: &WorkspaceCtx, id: &str) -> ApiResult<store::Decision> {
    store::get(db, &ctx.workspace.id, id)
        .await?
        .ok_or(ApiError::NotFound("no such decision"))
}

/// One decision on the wire, its lists read alongside.
async fn full(mut db: Db<'_>, d: &store::Decision) -> ApiResult<Decision> {
    let informed = store::informed(db.re(), &d.workspace_id, Some(&d.id)).await?;
    let links = store::links(db, &d.workspace_id, Some(&d.id)).await?;
    Ok(decision(d, &informed, &links))
}

/// Who was informed: each entry a member (by user id or email) or, when
/// it names no member, a free-text name.
async fn informed_field(
    mut db: Db<'_>,
    ws: &str,
    errors: &mut ValidationErrors,
    entries: &[String],
) -> ApiResult<Vec<NewInformed>> {
    if errors
        .check(rules::list_len("informed", entries.len()))
        .is_none()
    {
        return Ok(Vec::new());
    }
    let mut out: Vec<NewInformed> = Vec::new();
    for entry in entries {
        let Some(text) = errors.check(line("informed", entry)) else {
            continue;
        };
        let who = match repo::workspaces::member(db.re(), ws, &text).await? {
            Some(m) if m.active => NewInformed {
                user_id: Some(m.user.id),
                name: m.user.name,
            },
            _ => NewInformed {
                user_id: None,
                name: text,
            },
        };
        // The same person twice says nothing more.
        if !out
            .iter()
            .any(|o| o.user_id.is_some() && o.user_id == who.user_id)
        {
            out.push(who);
        }
    }
    Ok(out)
}

/// The demand of each of the workspace's features now.
async fn demands(db: Db<'_>, ws: &str) -> ApiResult<BTreeMap<String, Demand>> {
    Ok(demand_by_feature(
        &features_store::evidence(db, ws, None).await?,
    ))
}

/// Checks the linked items (each in the workspace, field error otherwise)
/// and keeps each feature's demand: as already recorded when it stays
/// linked, else as it is now.
async fn links_field(
    mut db: Db<'_>,
    ws: &str,
    errors: &mut ValidationErrors,
    lists: [(&str, &str, &[String]); 3],
    existing: &[store::Link],
) -> ApiResult<Vec<NewLink>> {
    let mut now_demand: Option<BTreeMap<String, Demand>> = None;
    let mut out: Vec<NewLink> = Vec::new();
    for (field, kind, ids) in lists {
        if errors.check(rules::list_len(field, ids.len())).is_none() {
            continue;
        }
        for id in ids {
            let id = id.trim();
            if !store::item_exists(db.re(), ws, kind, id).await? {
                errors.push(FieldError::new(
                    field,
                    format!("no {kind} with id {id:?} in this workspace"),
                ));
                continue;
            }
            if out.iter().any(|l| l.kind == kind && l.item_id == id) {
                continue;
            }
            let demand = if kind == "feature" {
                match existing.iter().find(|l| l.kind == kind && l.item_id == id) {
                    Some(kept) if kept.demand().is_some() => kept.demand(),
                    _ => {
                        if now_demand.is_none() {
                            now_demand = Some(demands(db.re(), ws).await?);
                        }
                        Some(to_domain(
                            &now_demand
                                .as_ref()
                                .and_then(|m| m.get(id).cloned())
                                .unwrap_or_default(),
                        ))
                    }
                }
            } else {
                None
            };
            out.push(NewLink {
                kind: kind.to_string(),
                item_id: id.to_string(),
                demand,
            });
        }
    }
    Ok(out)
}

/// A member by user id or email, as the `decided_by` field.
async fn decider(
    db: Db<'_>,
    ws: &str,
    errors: &mut ValidationErrors,
    who: &str,
) -> ApiResult<Option<String>> {
    match repo::workspaces::member(db, ws, who.trim()).await? {
        Some(m) if m.active => Ok(Some(m.user.id)),
        _ => {
            errors.push(FieldError::new(
                "decided_by",
                "must be a member of this workspace (user id or email)",
            ));
            Ok(None)
        }
    }
}

fn date_field(errors: &mut ValidationErrors, field: &str, s: &str) -> Option<String> {
    errors
        .check(Date::parse(field, s.trim()))
        .map(|d| d.as_string())
}

fn options_field(errors: &mut ValidationErrors, options: &[String]) -> Option<Vec<String>> {
    errors.check(rules::list_len("options", options.len()))?;
    let mut out = Vec::new();
    for o in options {
        out.push(errors.check(line("options", o))?);
    }
    Some(out)
}

/// Records a decision (with `options`, `informed` and links to features,
/// goals and feedback of the same workspace).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/decisions", tag = "decisions", request_body = NewDecision,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Decision), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_decision(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewDecision>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let mut tx = app.store.begin().await?;
    let product = super::product_field(tx.db(), &ws, &input.product, &mut errors).await?;
    let title = errors.check(line("title", &input.title));
    let outcome = errors.check(Outcome::parse("outcome", input.outcome.trim()));
    let context = errors.check(body("context", input.context.as_deref().unwrap_or("")));
    let rationale = errors.check(body("rationale", input.rationale.as_deref().unwrap_or("")));
    let options = options_field(&mut errors, input.options.as_deref().unwrap_or(&[]));
    let decided_on = match input.date.as_deref() {
        Some(d) => date_field(&mut errors, "date", d),
        None => Some(today().as_string()),
    };
    let look_again_after = match input.look_again_after.as_deref() {
        Some(d) => date_field(&mut errors, "look_again_after", d).map(Some),
        None => Some(None),
    };
    let decided_by = match input.decided_by.as_deref() {
        Some(who) => decider(tx.db(), &ws, &mut errors, who).await?,
        None => Some(ctx.user_id().to_string()),
    };
    let informed = informed_field(
        tx.db(),
        &ws,
        &mut errors,
        input.informed.as_deref().unwrap_or(&[]),
    )
    .await?;
    let empty: Vec<String> = Vec::new();
    let links = links_field(
        tx.db(),
        &ws,
        &mut errors,
        [
            (
                "features",
                "feature",
                input.features.as_ref().unwrap_or(&empty),
            ),
            ("goals", "goal", input.goals.as_ref().unwrap_or(&empty)),
            (
                "feedback",
                "feedback",
                input.feedback.as_ref().unwrap_or(&empty),
            ),
        ],
        &[],
    )
    .await?;
    errors.into_result()?;
    let (
        Some(product),
        Some(title),
        Some(outcome),
        Some(context),
        Some(rationale),
        Some(options),
        Some(decided_on),
        Some(look_again_after),
    ) = (
        product,
        title,
        outcome,
        context,
        rationale,
        options,
        decided_on,
        look_again_after,
    )
    else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let fields = DecisionFields {
        title,
        context,
        options,
        outcome: outcome.as_str().to_string(),
        rationale,
        decided_on,
        decided_by,
        look_again_after,
        informed,
        links,
    };
    let now = Timestamp::now().to_rfc3339();
    let (created, event) =
        store::create(&mut tx, &ws, &product.id, &fields, ctx.user_id(), &now).await?;
    let body = full(tx.db(), &created).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// `?product=&outcome=&feature=` on the decision list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct DecisionQuery {
    /// Product key.
    pub product: Option<String>,
    /// accepted, declined or deferred.
    pub outcome: Option<String>,
    /// Decisions linked to this feature id.
    pub feature: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's decisions, latest decided first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/decisions", tag = "decisions",
    params(("ws" = String, Path, description = "Workspace slug"), DecisionQuery),
    responses((status = 200, body = Page<Decision>), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_decisions(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<DecisionQuery>,
) -> ApiResult<axum::Json<Page<Decision>>> {
    ctx.require(Permission::ReadCustomers)?;
    let items = decisions_of(
        &app,
        &ctx.workspace.id,
        q.product.as_deref(),
        q.outcome.as_deref(),
        q.feature.as_deref(),
    )
    .await?;
    let page = super::page_of(items, |d| &d.id, q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(page))
}

/// The workspace's decisions by product, outcome and linked feature (each
/// optional); the web pages share this.
pub(crate) async fn decisions_of(
    app: &AppState,
    ws: &str,
    product: Option<&str>,
    outcome: Option<&str>,
    feature: Option<&str>,
) -> ApiResult<Vec<Decision>> {
    let db = app.store.db();
    let mut errors = ValidationErrors::new();
    let product_id = super::product_filter(app.store.db(), ws, product, &mut errors).await?;
    let outcome = match outcome.map(str::trim).filter(|o| !o.is_empty()) {
        Some(o) => errors
            .check(Outcome::parse("outcome", o))
            .map(|o| o.as_str()),
        None => None,
    };
    let feature = feature.map(str::trim).filter(|f| !f.is_empty());
    errors.into_result()?;
    let filter = store::Filter {
        product_id: product_id.as_deref(),
        outcome,
        feature_id: feature,
    };
    let rows = store::list(db, ws, &filter).await?;
    let informed = store::informed(app.store.db(), ws, None).await?;
    let links = store::links(app.store.db(), ws, None).await?;
    Ok(rows
        .iter()
        .map(|d| decision(d, &informed, &links))
        .collect())
}

/// One decision.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/decisions/{id}", tag = "decisions",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Decision id")),
    responses((status = 200, body = Decision), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_decision(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::ReadCustomers)?;
    let d = find(app.store.db(), &ctx, &id).await?;
    Ok(reply::ok_versioned(
        &full(app.store.db(), &d).await?,
        d.version,
    ))
}

/// Changes a decision; a list given replaces the old one (a feature that
/// stays linked keeps the demand recorded when it was first linked).
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/decisions/{id}", tag = "decisions", request_body = DecisionPatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Decision id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Decision), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_decision(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<DecisionPatch>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let (updated, body) = update(&app, &ctx.workspace.id, &id, expected, &patch).await?;
    Ok(reply::ok_versioned(&body, updated.version))
}

/// Applies a patch to a decision of workspace `ws` (the caller has checked
/// the role): the API's PATCH and the decisions page's snooze form share
/// it. `expected` is the version the editor saw; another one is a
/// `PreconditionFailed`, nothing changed.
pub(crate) async fn update(
    app: &AppState,
    ws: &str,
    id: &str,
    expected: Option<i64>,
    patch: &DecisionPatch,
) -> ApiResult<(store::Decision, Decision)> {
    let ws = ws.to_string();
    let mut tx = app.store.begin().await?;
    let current = store::get(tx.db(), &ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such decision"))?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let old_informed = store::informed(tx.db(), &ws, Some(&current.id)).await?;
    let old_links = store::links(tx.db(), &ws, Some(&current.id)).await?;
    let mut errors = ValidationErrors::new();
    let title = errors.check(line(
        "title",
        patch.title.as_deref().unwrap_or(&current.title),
    ));
    let outcome = errors.check(Outcome::parse(
        "outcome",
        patch.outcome.as_deref().unwrap_or(&current.outcome).trim(),
    ));
    let context = errors.check(body(
        "context",
        patch.context.as_deref().unwrap_or(&current.context),
    ));
    let rationale = errors.check(body(
        "rationale",
        patch.rationale.as_deref().unwrap_or(&current.rationale),
    ));
    let options = match &patch.options {
        Some(o) => options_field(&mut errors, o),
        None => Some(current.option_list()),
    };
    let decided_on = match patch.date.as_deref() {
        Some(d) => date_field(&mut errors, "date", d),
        None => Some(current.decided_on.clone()),
    };
    let look_again_after = match &patch.look_again_after {
        Some(Some(d)) => date_field(&mut errors, "look_again_after", d).map(Some),
        Some(None) => Some(None),
        None => Some(current.look_again_after.clone()),
    };
    let decided_by = match &patch.decided_by {
        Some(Some(who)) => decider(tx.db(), &ws, &mut errors, who).await?,
        Some(None) => None,
        None => current.decided_by.clone(),
    };
    let informed = match &patch.informed {
        Some(list) => informed_field(tx.db(), &ws, &mut errors, list).await?,
        None => old_informed
            .iter()
            .map(|i| NewInformed {
                user_id: i.user_id.clone(),
                name: i.name.clone(),
            })
            .collect(),
    };
    let kept = |kind: &str| -> Vec<String> {
        old_links
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.item_id.clone())
            .collect()
    };
    let (features, goals, feedback) = (
        patch.features.clone().unwrap_or_else(|| kept("feature")),
        patch.goals.clone().unwrap_or_else(|| kept("goal")),
        patch.feedback.clone().unwrap_or_else(|| kept("feedback")),
    );
    let links = links_field(
        tx.db(),
        &ws,
        &mut errors,
        [
            ("features", "feature", &features),
            ("goals", "goal", &goals),
            ("feedback", "feedback", &feedback),
        ],
        &old_links,
    )
    .await?;
    errors.into_result()?;
    let (
        Some(title),
        Some(outcome),
        Some(context),
        Some(rationale),
        Some(options),
        Some(decided_on),
        Some(look_again_after),
    ) = (
        title,
        outcome,
        context,
        rationale,
        options,
        decided_on,
        look_again_after,
    )
    else {
        return Err(ApiError::Internal("validated fields missing".into()));
    };
    let fields = DecisionFields {
        title,
        context,
        options,
        outcome: outcome.as_str().to_string(),
        rationale,
        decided_on,
        decided_by,
        look_again_after,
        informed,
        links,
    };
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &fields, &now).await?;
    let body = full(tx.db(), &updated).await?;
    tx.commit().await?;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok((updated, body))
}

/// Deletes a decision.
#[utoipa::path(delete, path = "/api/v1/workspaces/{ws}/decisions/{id}", tag = "decisions",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Decision id")),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_decision(
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

/// `?product=` on the worth-another-look list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AnotherLookQuery {
    /// Product key.
    pub product: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Declined features whose demand has grown enough since the decision
/// (score up by half and two more feedback items; see docs/API-DESIGN.md),
/// with the demand then and now, most grown first.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/decisions/worth-another-look", tag = "decisions",
    params(("ws" = String, Path, description = "Workspace slug"), AnotherLookQuery),
    responses((status = 200, body = AnotherLookList), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn worth_another_look(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<AnotherLookQuery>,
) -> ApiResult<axum::Json<AnotherLookList>> {
    ctx.require(Permission::ReadCustomers)?;
    let items = another_look_of(&app, &ctx.workspace.id, q.product.as_deref(), today()).await?;
    let page = super::page_by(
        items,
        |a| format!("{}.{}", a.decision, a.feature),
        q.limit,
        q.cursor.as_deref(),
    )?;
    Ok(axum::Json(AnotherLookList {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// The worth-another-look list judged on `today`; the web page shares it.
pub(crate) async fn another_look_of(
    app: &AppState,
    ws: &str,
    product: Option<&str>,
    today: Date,
) -> ApiResult<Vec<AnotherLook>> {
    let mut errors = ValidationErrors::new();
    let product_id = super::product_filter(app.store.db(), ws, product, &mut errors).await?;
    errors.into_result()?;
    let filter = store::Filter {
        product_id: product_id.as_deref(),
        outcome: Some(Outcome::Declined.as_str()),
        feature_id: None,
    };
    let declined = store::list(app.store.db(), ws, &filter).await?;
    let links = store::links(app.store.db(), ws, None).await?;
    let now = demands(app.store.db(), ws).await?;
    let mut out: Vec<AnotherLook> = Vec::new();
    for d in &declined {
        let snooze = d
            .look_again_after
            .as_deref()
            .and_then(|s| Date::parse("look_again_after", s).ok());
        for l in links
            .iter()
            .filter(|l| l.decision_id == d.id && l.kind == "feature")
        {
            let Some(before) = l.demand() else { continue };
            // One entry per feature: the latest decision about it speaks.
            if out.iter().any(|o| o.feature == l.item_id) {
                continue;
            }
            let Some(f) = features_store::get(app.store.db(), ws, &l.item_id).await? else {
                continue;
            };
            if f.status != "declined" {
                continue;
            }
            let after = now.get(&f.id).cloned().unwrap_or_default();
            if rules::another_look(&before, &to_domain(&after), snooze, today) == Look::Flagged {
                out.push(AnotherLook {
                    decision: d.id.clone(),
                    decision_title: d.title.clone(),
                    date: d.decided_on.clone(),
                    feature: f.id.clone(),
                    feature_title: f.title.clone(),
                    product: f.product_key.clone(),
                    before: to_wire(&before),
                    after,
                });
            }
        }
    }
    out.sort_by_key(|o| std::cmp::Reverse(o.after.score - o.before.score));
    Ok(out)
}

/// Records the decision of declining `feature` (its status just set to
/// `declined`) in the caller's transaction, with the feature's demand now.
/// Without a note the rationale stays empty and shows as missing.
pub(crate) async fn record_decline(
    tx: &mut Tx,
    ctx: &WorkspaceCtx,
    feature: &features_store::Feature,
    note: Option<&DeclineNote>,
    now: &str,
) -> ApiResult<Event> {
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let rationale = errors.check(body(
        "decision.rationale",
        note.map(|n| n.rationale.as_str()).unwrap_or(""),
    ));
    let context = errors.check(body(
        "decision.context",
        note.and_then(|n| n.context.as_deref()).unwrap_or(""),
    ));
    let informed = informed_field(
        tx.db(),
        ws,
        &mut errors,
        note.and_then(|n| n.informed.as_deref()).unwrap_or(&[]),
    )
    .await?;
    errors.into_result()?;
    let demand =
        demand_by_feature(&features_store::evidence(tx.db(), ws, Some(&feature.id)).await?)
            .remove(&feature.id)
            .unwrap_or_default();
    let fields = DecisionFields {
        title: format!("Decline: {}", feature.title)
            .chars()
            .take(keel_domain::values::MAX_LINE_CHARS)
            .collect(),
        context: context.unwrap_or_default(),
        options: Vec::new(),
        outcome: Outcome::Declined.as_str().to_string(),
        rationale: rationale.unwrap_or_default(),
        decided_on: today().as_string(),
        decided_by: Some(ctx.user_id().to_string()),
        look_again_after: None,
        informed,
        links: vec![NewLink {
            kind: "feature".into(),
            item_id: feature.id.clone(),
            demand: Some(to_domain(&demand)),
        }],
    };
    let (_, event) =
        store::create(tx, ws, &feature.product_id, &fields, ctx.user_id(), now).await?;
    Ok(event)
}
