//! Features as the target of customer evidence: create, change, list them
//! ranked (by demand or by a score, see [`super::feature_scores`]), and read
//! the quotes and customers behind one.

use super::feature_scores as scores;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    Demand, EvidenceItem, Feature, FeatureCost, FeatureEvidence, FeaturePatch, FeedbackCustomer,
    FeedbackLink, NewFeature, Page, Problem,
};
use keel_domain::feasibility::{self, Cost, Risk};
use keel_domain::ids::new_id;
use keel_domain::insight::{self, Evidence, FeatureStatus, FeatureType, Importance};
use keel_domain::time::Timestamp;
use keel_domain::values::{body, line};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo::feature_scores as scores_store;
use keel_store::repo::features::{self as store, EvidenceRow, FeatureFields};
use keel_store::{Db, repo};
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::IntoParams;

/// The demand of each feature, from evidence rows of many features.
pub(crate) fn demand_by_feature(rows: &[EvidenceRow]) -> BTreeMap<String, Demand> {
    let mut grouped: BTreeMap<String, Vec<Evidence>> = BTreeMap::new();
    for r in rows {
        grouped
            .entry(r.feature_id.clone())
            .or_default()
            .push(evidence(r));
    }
    grouped
        .into_iter()
        .map(|(id, ev)| (id, demand(&insight::Demand::of(&ev))))
        .collect()
}

fn evidence(r: &EvidenceRow) -> Evidence {
    Evidence {
        feedback_id: r.feedback_id.clone(),
        // Stored importances were validated on the way in.
        importance: Importance::parse("importance", &r.importance)
            .unwrap_or(Importance::NiceToHave),
        customer_id: r.customer_id.clone(),
        company_id: r.company_id.clone(),
        company_arr: r.company_arr,
    }
}

fn demand(d: &insight::Demand) -> Demand {
    Demand {
        feedback_count: d.feedback_count,
        customer_count: d.customer_count,
        company_count: d.company_count,
        arr: d.arr,
        score: d.score,
    }
}

pub(crate) fn feature(f: &store::Feature, demand: Demand) -> Feature {
    let (rice, wsjf, scores) = scores::scores_of(f, demand.customer_count.max(0) as u64);
    Feature {
        id: f.id.clone(),
        product: f.product_key.clone(),
        title: f.title.clone(),
        problem: f.problem.clone(),
        status: f.status.clone(),
        feature_type: f.feature_type.clone(),
        demand,
        rice,
        wsjf,
        scores,
        goals: Vec::new(),
        risk: f.risk.clone(),
        risk_note: f.risk_note.clone(),
        depends_on: Vec::new(),
        blocks: Vec::new(),
        cost: Cost::of(f.scores.rice_effort, f.scores.effort_rating).map(|c| FeatureCost {
            amount: c.amount,
            unit: c.unit.as_str().to_string(),
        }),
        created_at: f.created_at.clone(),
        updated_at: f.updated_at.clone(),
        version: f.version,
    }
}

/// A feature of the workspace with its demand, or 404.
pub(crate) async fn load(mut db: Db<'_>, ws: &str, id: &str) -> ApiResult<Feature> {
    let f = store::get(db.re(), ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such feature"))?;
    let rows = store::evidence(db.re(), ws, Some(&f.id)).await?;
    let d = demand_by_feature(&rows).remove(&f.id).unwrap_or_default();
    let mut out = [feature(&f, d)];
    super::feature_goals::attach(db.re(), ws, &mut out).await?;
    super::feature_deps::attach(db, ws, &mut out).await?;
    let [out] = out;
    Ok(out)
}

fn location(ctx: &WorkspaceCtx, id: &str) -> String {
    format!("/api/v1/workspaces/{}/features/{id}", ctx.workspace.slug)
}

/// The risk fields of a request: `risk` absent (keep), `null` (clear) or
/// a value, and the note when given.
#[derive(Debug, Clone, Copy, Default)]
struct RiskInput<'a> {
    risk: Option<Option<&'a str>>,
    note: Option<&'a str>,
}

/// Checks the fields of a feature; `current` supplies what a patch leaves out.
fn fields(
    title: Option<&str>,
    problem: Option<&str>,
    status: Option<&str>,
    feature_type: Option<&str>,
    risk: RiskInput<'_>,
    current: Option<&store::Feature>,
) -> Result<FeatureFields, ApiError> {
    let mut errors = ValidationErrors::new();
    let title = errors.check(line(
        "title",
        title.or(current.map(|c| c.title.as_str())).unwrap_or(""),
    ));
    let problem = errors.check(body(
        "problem",
        problem
            .or(current.map(|c| c.problem.as_str()))
            .unwrap_or(""),
    ));
    let status = errors.check(FeatureStatus::parse(
        "status",
        status
            .or(current.map(|c| c.status.as_str()))
            .unwrap_or("idea"),
    ));
    let feature_type = errors.check(FeatureType::parse(
        "type",
        feature_type
            .or(current.map(|c| c.feature_type.as_str()))
            .unwrap_or("new_capability"),
    ));
    let level = match risk.risk {
        Some(Some(r)) => errors
            .check(Risk::parse("risk", r.trim()))
            .map(|r| Some(r.as_str().to_string())),
        Some(None) => Some(None),
        None => Some(current.and_then(|c| c.risk.clone())),
    };
    let note = errors.check(feasibility::risk_note(
        "risk_note",
        risk.note
            .or(current.map(|c| c.risk_note.as_str()))
            .unwrap_or(""),
    ));
    match (title, problem, status, feature_type, level, note) {
        (
            Some(title),
            Some(problem),
            Some(status),
            Some(feature_type),
            Some(risk),
            Some(risk_note),
        ) => Ok(FeatureFields {
            title,
            problem,
            status: status.as_str().to_string(),
            feature_type: feature_type.as_str().to_string(),
            risk,
            risk_note,
        }),
        _ => Err(errors.into()),
    }
}

/// Both checks' results, every field error of both kept.
fn both<A, B>(a: Result<A, ApiError>, b: Result<B, ValidationErrors>) -> Result<(A, B), ApiError> {
    match (a, b) {
        (Ok(a), Ok(b)) => Ok((a, b)),
        (Err(ApiError::Validation(mut errs)), Err(more)) => {
            errs.extend(more.0);
            Err(ApiError::Validation(errs))
        }
        (Err(e), _) => Err(e),
        (Ok(_), Err(more)) => Err(more.into()),
    }
}

/// Creates a feature of a product, with its score inputs when given.
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/features", tag = "features", request_body = NewFeature,
    params(("ws" = String, Path, description = "Workspace slug")),
    responses((status = 201, body = Feature), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_feature(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Json(input): Json<NewFeature>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let product = repo::products::get(app.store.db(), &ws, input.product.trim()).await?;
    let checked = fields(
        Some(&input.title),
        input.problem.as_deref(),
        input.status.as_deref(),
        input.feature_type.as_deref(),
        RiskInput {
            risk: Some(input.risk.as_deref()),
            note: input.risk_note.as_deref(),
        },
        None,
    );
    let checked = both(checked, scores::check_new(&input));
    let (product, (fields, score_inputs)) = match (product, checked) {
        (Some(p), Ok(f)) => (p, f),
        (None, result) => {
            let mut errors = match result {
                Err(ApiError::Validation(errs)) => errs,
                _ => Vec::new(),
            };
            errors.insert(
                0,
                FieldError::new("product", "no product with this key in the workspace"),
            );
            return Err(ApiError::Validation(errors));
        }
        (_, Err(e)) => return Err(e),
    };
    let mut errors = ValidationErrors::new();
    let goal_ids = match &input.goals {
        Some(ids) => {
            super::feature_goals::check(app.store.db(), &ws, Some(&product.id), ids, &mut errors)
                .await?
        }
        None => None,
    };
    // A new feature has nothing depending on it yet, so its dependencies
    // cannot close a cycle: only where they point is checked.
    let dep_ids = match &input.depends_on {
        Some(ids) => {
            super::feature_deps::check(app.store.db(), &ws, &product.id, None, ids, &mut errors)
                .await?
        }
        None => None,
    };
    errors.into_result()?;
    let mut goal_ids = goal_ids.unwrap_or_default();
    let mut dep_ids = dep_ids.unwrap_or_default();
    let now = Timestamp::now().to_rfc3339();
    let mut tx = app.store.begin().await?;
    let (created, event) =
        store::create(&mut tx, &new_id(), &ws, &product.id, &fields, &now).await?;
    super::feature_goals::set(&mut tx, &ws, &created.id, &goal_ids, &now).await?;
    super::feature_deps::set(&mut tx, &ws, &created.id, &dep_ids, &now).await?;
    let changes = scores::changes(&created.scores, &score_inputs);
    let created = if changes.is_empty() {
        created
    } else {
        scores_store::write(&mut tx, &created.id, &score_inputs).await?;
        scores_store::append_history(
            &mut tx,
            &ws,
            &created.id,
            &changes,
            "",
            &ctx.caller.user.id,
            &now,
        )
        .await?;
        store::get(tx.db(), &ws, &created.id)
            .await?
            .ok_or(ApiError::NotFound("no such feature"))?
    };
    tx.commit().await?;
    let mut body = feature(&created, Demand::default());
    // Listed by id, as every read returns them.
    goal_ids.sort();
    body.goals = goal_ids;
    dep_ids.sort();
    body.depends_on = dep_ids;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    Ok(reply::created(
        &body,
        &location(&ctx, &created.id),
        created.version,
    ))
}

/// `?product=&status=&sort=` on the feature list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeatureQuery {
    /// Product key.
    pub product: Option<String>,
    /// One status or several, comma-separated.
    pub status: Option<String>,
    /// new_capability, improvement or tech_debt (e.g. `tech_debt` for the
    /// tech-debt items, each with its `risk` and `cost`).
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub feature_type: Option<String>,
    /// `newest` (default), `title`, `demand` (score, then ARR), `rice`,
    /// `wsjf`, `value_effort` (highest first, unscored last, ties newest
    /// first) or `manual` (the product's order set by hand).
    pub sort: Option<String>,
    /// 1 to 500, default 50.
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The workspace's features with their demand, ranked.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/features", tag = "features",
    params(("ws" = String, Path, description = "Workspace slug"), FeatureQuery),
    responses((status = 200, body = Page<Feature>), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_features(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<FeatureQuery>,
) -> ApiResult<axum::Json<Page<Feature>>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let product_id = match q.product.as_deref() {
        Some(key) => match repo::products::get(app.store.db(), ws, key.trim()).await? {
            Some(p) => Some(p.id),
            None => {
                errors.push(FieldError::new(
                    "product",
                    "no product with this key in the workspace",
                ));
                None
            }
        },
        None => None,
    };
    let statuses = super::filter_values(
        &mut errors,
        "status",
        q.status.as_deref(),
        FeatureStatus::parse,
    );
    let feature_type = q
        .feature_type
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .and_then(|t| errors.check(FeatureType::parse("type", t)));
    let sort = q.sort.as_deref().unwrap_or("newest");
    if !scores::SORTS.contains(&sort) {
        errors.push(FieldError::new(
            "sort",
            format!("must be one of {}", scores::SORTS.join(", ")),
        ));
    }
    errors.into_result()?;
    let rows = store::list_typed(
        app.store.db(),
        ws,
        product_id.as_deref(),
        &statuses,
        feature_type.map(|t| t.as_str()),
    )
    .await?;
    let mut demands = demand_by_feature(&store::evidence(app.store.db(), ws, None).await?);
    let mut items: Vec<Feature> = rows
        .iter()
        .map(|f| feature(f, demands.remove(&f.id).unwrap_or_default()))
        .collect();
    super::feature_goals::attach(app.store.db(), ws, &mut items).await?;
    super::feature_deps::attach(app.store.db(), ws, &mut items).await?;
    scores::sort(&mut items, sort);
    Ok(axum::Json(super::page_of(
        items,
        |f| f.id.as_str(),
        q.limit,
        q.cursor.as_deref(),
    )?))
}

/// One feature with its demand.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/features/{id}", tag = "features",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feature id")),
    responses((status = 200, body = Feature), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_feature(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    ctx.require(Permission::Read)?;
    let f = load(app.store.db(), &ctx.workspace.id, &id).await?;
    let version = f.version;
    Ok(reply::ok_versioned(&f, version))
}

/// Changes a feature and its score inputs (each changed input appends a
/// score history row with `reason`). With `If-Match`, a stale version gets
/// 412.
#[utoipa::path(patch, path = "/api/v1/workspaces/{ws}/features/{id}", tag = "features", request_body = FeaturePatch,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feature id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Feature), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_feature(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<FeaturePatch>,
) -> ApiResult<Response> {
    let body = apply_patch(&app, &ctx, &id, expected, &patch).await?;
    let version = body.version;
    Ok(reply::ok_versioned(&body, version))
}

/// Changes a feature as `PATCH` does (the web's risk and dependency forms
/// use it too): everything checked first, then written in one
/// transaction, or nothing.
pub(crate) async fn apply_patch(
    app: &AppState,
    ctx: &WorkspaceCtx,
    id: &str,
    expected: Option<i64>,
    patch: &FeaturePatch,
) -> ApiResult<Feature> {
    apply(app, ctx, id, expected, patch, None).await
}

/// One dependency added to or removed from a feature's list.
pub(crate) enum DependencyChange<'a> {
    Add(&'a str),
    Remove(&'a str),
}

/// Adds or removes one dependency of a feature (the web page's forms).
/// The list it changes is read inside the write, under the product's
/// lock, so two people adding at once each keep their addition.
pub(crate) async fn change_dependency(
    app: &AppState,
    ctx: &WorkspaceCtx,
    id: &str,
    change: DependencyChange<'_>,
) -> ApiResult<Feature> {
    apply(app, ctx, id, None, &FeaturePatch::default(), Some(change)).await
}

async fn apply(
    app: &AppState,
    ctx: &WorkspaceCtx,
    id: &str,
    expected: Option<i64>,
    patch: &FeaturePatch,
    dependency: Option<DependencyChange<'_>>,
) -> ApiResult<Feature> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut tx = app.store.begin().await?;
    let mut current = store::get(tx.db(), &ws, id)
        .await?
        .ok_or(ApiError::NotFound("no such feature"))?;
    if dependency.is_some() || patch.depends_on.is_some() {
        // Dependencies change under the product's lock (see
        // `feature_deps::check_acyclic`); taken before the feature is
        // read for good, so that it is read as the last change left it.
        repo::guard::lock(&mut tx, repo::guard::Locked::Product, &current.product_id).await?;
        current = store::get(tx.db(), &ws, &current.id)
            .await?
            .ok_or(ApiError::NotFound("no such feature"))?;
    }
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    let fields = fields(
        patch.title.as_deref(),
        patch.problem.as_deref(),
        patch.status.as_deref(),
        patch.feature_type.as_deref(),
        RiskInput {
            risk: patch.risk.as_ref().map(|r| r.as_deref()),
            note: patch.risk_note.as_deref(),
        },
        Some(&current),
    );
    let (fields, score_inputs) = both(fields, scores::check_patch(patch, &current.scores))?;
    // Declining records a decision in the decision log, in this transaction.
    let declining = fields.status == "declined" && current.status != "declined";
    if patch.decision.is_some() && !declining {
        return Err(ApiError::field(
            "decision",
            "only with status declined, on a feature not declined yet",
        ));
    }
    let mut errors = ValidationErrors::new();
    let goal_ids = match &patch.goals {
        Some(ids) => {
            super::feature_goals::check(tx.db(), &ws, Some(&current.product_id), ids, &mut errors)
                .await?
        }
        None => None,
    };
    let depends_on = match dependency {
        Some(change) => {
            let mut ids: Vec<String> =
                repo::feature_dependencies::depends_on(tx.db(), &ws, &current.id)
                    .await?
                    .into_iter()
                    .map(|d| d.id)
                    .collect();
            match change {
                DependencyChange::Remove(gone) => ids.retain(|d| d != gone),
                DependencyChange::Add(new) if !ids.iter().any(|d| d == new) => {
                    ids.push(new.to_string())
                }
                DependencyChange::Add(_) => {}
            }
            Some(ids)
        }
        None => patch.depends_on.clone(),
    };
    let dep_ids = match &depends_on {
        Some(ids) => {
            let ok = super::feature_deps::check(
                tx.db(),
                &ws,
                &current.product_id,
                Some(&current.id),
                ids,
                &mut errors,
            )
            .await?;
            match ok {
                Some(ids) => {
                    let acyclic = super::feature_deps::check_acyclic(
                        &mut tx,
                        &ws,
                        &current.product_id,
                        &current.id,
                        &ids,
                    )
                    .await?;
                    errors.check(acyclic).map(|()| ids)
                }
                None => None,
            }
        }
        None => None,
    };
    errors.into_result()?;
    let now = Timestamp::now().to_rfc3339();
    let (updated, event) = store::update(&mut tx, &current, &fields, &now).await?;
    if let Some(ids) = &dep_ids {
        super::feature_deps::set(&mut tx, &ws, &updated.id, ids, &now).await?;
    }
    let decided = match declining {
        true => Some(
            super::decisions::record_decline(&mut tx, ctx, &updated, patch.decision.as_ref(), &now)
                .await?,
        ),
        false => None,
    };
    if let Some(ids) = &goal_ids {
        super::feature_goals::set(&mut tx, &ws, &updated.id, ids, &now).await?;
    }
    let changes = scores::changes(&current.scores, &score_inputs);
    let updated = if changes.is_empty() {
        updated
    } else {
        scores_store::write(&mut tx, &updated.id, &score_inputs).await?;
        let reason = patch.reason.as_deref().unwrap_or("").trim();
        scores_store::append_history(
            &mut tx,
            &ws,
            &updated.id,
            &changes,
            reason,
            &ctx.caller.user.id,
            &now,
        )
        .await?;
        store::get(tx.db(), &ws, &updated.id)
            .await?
            .ok_or(ApiError::NotFound("no such feature"))?
    };
    let rows = store::evidence(tx.db(), &ws, Some(&updated.id)).await?;
    let d = demand_by_feature(&rows)
        .remove(&updated.id)
        .unwrap_or_default();
    let mut out = [feature(&updated, d)];
    super::feature_goals::attach(tx.db(), &ws, &mut out).await?;
    super::feature_deps::attach(tx.db(), &ws, &mut out).await?;
    tx.commit().await?;
    let [body] = out;
    app.live
        .publish(&ws, &event, serde_json::to_value(&body).ok());
    if let Some(decided) = decided {
        app.live.publish(&ws, &decided, None);
    }
    Ok(body)
}

pub(crate) fn customer_of(r: &EvidenceRow) -> Option<FeedbackCustomer> {
    Some(FeedbackCustomer {
        id: r.customer_id.clone()?,
        name: r.customer_name.clone().unwrap_or_default(),
        email: r.customer_email.clone(),
        company: r.company_name.clone(),
        segment: r.customer_segment.clone().unwrap_or_default(),
    })
}

/// The evidence behind a feature: every linked quote with who said it,
/// the demand they add up to, and the customers to tell when it ships.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/features/{id}/evidence", tag = "features",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feature id")),
    responses((status = 200, body = FeatureEvidence), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_feature_evidence(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
) -> ApiResult<axum::Json<FeatureEvidence>> {
    ctx.require(Permission::ReadCustomers)?;
    let ws = ctx.workspace.id.as_str();
    let f = store::get(app.store.db(), ws, &id)
        .await?
        .ok_or(ApiError::NotFound("no such feature"))?;
    let rows = store::evidence(app.store.db(), ws, Some(&f.id)).await?;
    let d = demand_by_feature(&rows).remove(&f.id).unwrap_or_default();
    let mut customers: Vec<FeedbackCustomer> = Vec::new();
    for r in &rows {
        if let Some(c) = customer_of(r)
            && !customers.iter().any(|k| k.id == c.id)
        {
            customers.push(c);
        }
    }
    let items = rows
        .iter()
        .map(|r| EvidenceItem {
            link: FeedbackLink {
                id: r.link_id.clone(),
                feedback_id: r.feedback_id.clone(),
                feature_id: r.feature_id.clone(),
                feature_title: r.feature_title.clone(),
                importance: r.importance.clone(),
                excerpt: r.excerpt.clone(),
                created_at: r.created_at.clone(),
            },
            feedback_text: r.feedback_text.clone(),
            customer: customer_of(r),
            company_arr: r.company_arr,
        })
        .collect();
    Ok(axum::Json(FeatureEvidence {
        demand: d,
        items,
        customers_to_notify: customers,
    }))
}
