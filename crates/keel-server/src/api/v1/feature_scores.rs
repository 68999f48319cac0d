//! Prioritization of features: checking the score inputs sent with a
//! feature (every bad one named, e.g. `rice.effort`), computing `scores`
//! per API.md, the ranked orders of the feature list, moving a feature in
//! its product's manual order with a reason, and the score history.

use super::features::{demand_by_feature, feature};
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::extract::{IfMatch, Json, Query, WorkspaceCtx};
use crate::reply;
use axum::extract::{Path, State};
use axum::response::Response;
use keel_api_types::{
    Feature, FeaturePatch, NewFeature, PersonRef, Problem, RankMove, RiceInput, ScoreChange,
    ScoreHistory, Scores, WsjfInput,
};
use keel_domain::scoring::{self, Moscow, Rice, Wsjf};
use keel_domain::time::Timestamp;
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo;
use keel_store::repo::feature_scores::{self as scores_store, Change, ScoreInputs};
use keel_store::repo::features as store;
use std::cmp::Ordering;

/// The most characters a reason may have.
const MAX_REASON: usize = 1000;

/// The RICE and WSJF inputs as stored, and the computed scores.
pub(crate) fn scores_of(
    f: &store::Feature,
    linked_customers: u64,
) -> (Option<RiceInput>, Option<WsjfInput>, Scores) {
    let s = &f.scores;
    let rice = match (s.rice_impact, s.rice_confidence, s.rice_effort) {
        (Some(impact), Some(confidence), Some(effort)) => Some(RiceInput {
            reach: s.rice_reach,
            impact,
            confidence,
            effort,
        }),
        _ => None,
    };
    let wsjf = match (
        s.wsjf_business_value,
        s.wsjf_time_criticality,
        s.wsjf_risk_reduction,
        s.wsjf_job_size,
    ) {
        (Some(business_value), Some(time_criticality), Some(risk_reduction), Some(job_size)) => {
            Some(WsjfInput {
                business_value,
                time_criticality,
                risk_reduction,
                job_size,
            })
        }
        _ => None,
    };
    // Stored inputs were checked on the way in, so these are plain formulas.
    let rice_domain = rice.map(|r| Rice {
        reach: r.reach,
        impact: r.impact,
        confidence: r.confidence,
        effort: r.effort,
    });
    let computed = Scores {
        rice: rice_domain.map(|r| r.score(linked_customers)),
        reach_used: rice_domain.map(|r| r.reach_used(linked_customers)),
        wsjf: wsjf.map(|w| {
            Wsjf {
                business_value: w.business_value,
                time_criticality: w.time_criticality,
                risk_reduction: w.risk_reduction,
                job_size: w.job_size,
            }
            .score()
        }),
        value: s.value_rating,
        effort: s.effort_rating,
        value_effort: scoring::value_effort(s.value_rating, s.effort_rating),
        moscow: s.moscow.clone(),
        manual_rank: f.manual_rank,
    };
    (rice, wsjf, computed)
}

fn check_rice(r: &RiceInput, errors: &mut ValidationErrors) -> Option<Rice> {
    match Rice::parse(r.reach, r.impact, r.confidence, r.effort) {
        Ok(r) => Some(r),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    }
}

fn check_wsjf(w: &WsjfInput, errors: &mut ValidationErrors) -> Option<Wsjf> {
    match Wsjf::parse(
        w.business_value,
        w.time_criticality,
        w.risk_reduction,
        w.job_size,
    ) {
        Ok(w) => Some(w),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    }
}

fn set_rice(s: &mut ScoreInputs, r: Option<Rice>) {
    s.rice_reach = r.and_then(|r| r.reach);
    s.rice_impact = r.map(|r| r.impact);
    s.rice_confidence = r.map(|r| r.confidence);
    s.rice_effort = r.map(|r| r.effort);
}

fn set_wsjf(s: &mut ScoreInputs, w: Option<Wsjf>) {
    s.wsjf_business_value = w.map(|w| w.business_value);
    s.wsjf_time_criticality = w.map(|w| w.time_criticality);
    s.wsjf_risk_reduction = w.map(|w| w.risk_reduction);
    s.wsjf_job_size = w.map(|w| w.job_size);
}

/// The inputs given with `POST …/features`.
pub(crate) fn check_new(input: &NewFeature) -> Result<ScoreInputs, ValidationErrors> {
    let patch = FeaturePatch {
        rice: input.rice.map(Some),
        wsjf: input.wsjf.map(Some),
        moscow: input.moscow.clone().map(Some),
        value: input.value.map(Some),
        effort: input.effort.map(Some),
        ..FeaturePatch::default()
    };
    check_patch(&patch, &ScoreInputs::default())
}

/// The inputs after a `PATCH`: absent fields stay, `null` clears.
pub(crate) fn check_patch(
    patch: &FeaturePatch,
    current: &ScoreInputs,
) -> Result<ScoreInputs, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut next = current.clone();
    match &patch.rice {
        Some(Some(r)) => {
            if let Some(r) = check_rice(r, &mut errors) {
                set_rice(&mut next, Some(r));
            }
        }
        Some(None) => set_rice(&mut next, None),
        None => {}
    }
    match &patch.wsjf {
        Some(Some(w)) => {
            if let Some(w) = check_wsjf(w, &mut errors) {
                set_wsjf(&mut next, Some(w));
            }
        }
        Some(None) => set_wsjf(&mut next, None),
        None => {}
    }
    if let Some(m) = &patch.moscow {
        next.moscow = match m {
            Some(m) => errors
                .check(Moscow::parse("moscow", m.trim()))
                .map(|m| m.as_str().to_string()),
            None => None,
        };
    }
    if let Some(v) = patch.value {
        next.value_rating = v.and_then(|v| errors.check(scoring::rating("value", v)));
    }
    if let Some(v) = patch.effort {
        next.effort_rating = v.and_then(|v| errors.check(scoring::rating("effort", v)));
    }
    if let Some(r) = &patch.reason
        && r.trim().chars().count() > MAX_REASON
    {
        errors.push(FieldError::new("reason", "must be at most 1000 characters"));
    }
    errors.into_result()?;
    Ok(next)
}

/// One history change per input that differs, named as on the wire.
pub(crate) fn changes(old: &ScoreInputs, new: &ScoreInputs) -> Vec<Change> {
    fn num(v: Option<f64>) -> Option<String> {
        v.map(|v| v.to_string())
    }
    fn int(v: Option<i64>) -> Option<String> {
        v.map(|v| v.to_string())
    }
    let pairs = [
        ("rice.reach", num(old.rice_reach), num(new.rice_reach)),
        ("rice.impact", num(old.rice_impact), num(new.rice_impact)),
        (
            "rice.confidence",
            num(old.rice_confidence),
            num(new.rice_confidence),
        ),
        ("rice.effort", num(old.rice_effort), num(new.rice_effort)),
        (
            "wsjf.business_value",
            num(old.wsjf_business_value),
            num(new.wsjf_business_value),
        ),
        (
            "wsjf.time_criticality",
            num(old.wsjf_time_criticality),
            num(new.wsjf_time_criticality),
        ),
        (
            "wsjf.risk_reduction",
            num(old.wsjf_risk_reduction),
            num(new.wsjf_risk_reduction),
        ),
        (
            "wsjf.job_size",
            num(old.wsjf_job_size),
            num(new.wsjf_job_size),
        ),
        ("value", int(old.value_rating), int(new.value_rating)),
        ("effort", int(old.effort_rating), int(new.effort_rating)),
        ("moscow", old.moscow.clone(), new.moscow.clone()),
    ];
    pairs
        .into_iter()
        .filter(|(_, o, n)| o != n)
        .map(|(field, old_value, new_value)| Change {
            field: field.to_string(),
            old_value,
            new_value,
        })
        .collect()
}

/// Demand order: score, then ARR, then newest.
pub(crate) fn demand_order(a: &Feature, b: &Feature) -> Ordering {
    b.demand
        .score
        .cmp(&a.demand.score)
        .then(b.demand.arr.total_cmp(&a.demand.arr))
        .then(b.id.cmp(&a.id))
}

/// The product's manual order: ranked features by rank, then the features
/// never ranked (created since the last move) in demand order.
pub(crate) fn manual_order(a: &Feature, b: &Feature) -> Ordering {
    match (a.scores.manual_rank, b.scores.manual_rank) {
        (Some(x), Some(y)) => x.cmp(&y).then(b.id.cmp(&a.id)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => demand_order(a, b),
    }
}

/// The sorts of `GET …/features`.
pub(crate) const SORTS: &[&str] = &[
    "newest",
    "title",
    "demand",
    "rice",
    "wsjf",
    "value_effort",
    "manual",
];

/// Sorts a list by one of [`SORTS`]; unscored features last.
pub(crate) fn sort(items: &mut [Feature], sort: &str) {
    let by = |score: fn(&Feature) -> Option<f64>| {
        move |a: &Feature, b: &Feature| {
            scoring::rank_order((score(a), a.id.as_str()), (score(b), b.id.as_str()))
        }
    };
    match sort {
        "demand" => items.sort_by(demand_order),
        "title" => items.sort_by_key(|f| f.title.to_lowercase()),
        "rice" => items.sort_by(by(|f| f.scores.rice)),
        "wsjf" => items.sort_by(by(|f| f.scores.wsjf)),
        "value_effort" => items.sort_by(by(|f| f.scores.value_effort)),
        "manual" => items.sort_by(manual_order),
        _ => {}
    }
}

/// Moves a feature right before or after another of its product in the
/// manual order. The reason is kept in the score history with the old and
/// new place (1 = first).
#[utoipa::path(post, path = "/api/v1/workspaces/{ws}/features/{id}/rank", tag = "features", request_body = RankMove,
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feature id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last seen, e.g. \"3\"")),
    responses((status = 200, body = Feature), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 412, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn rank_feature(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    IfMatch(expected): IfMatch,
    Json(input): Json<RankMove>,
) -> ApiResult<Response> {
    ctx.require(Permission::Write)?;
    let ws = ctx.workspace.id.clone();
    let mut errors = ValidationErrors::new();
    let reason = input.reason.trim().to_string();
    if reason.is_empty() {
        errors.push(FieldError::new(
            "reason",
            "say why this feature moves: the reason is kept with the rank",
        ));
    } else if reason.chars().count() > MAX_REASON {
        errors.push(FieldError::new("reason", "must be at most 1000 characters"));
    }
    let (field, target_id, after) = match (&input.before, &input.after) {
        (Some(b), None) => ("before", b.trim().to_string(), false),
        (None, Some(a)) => ("after", a.trim().to_string(), true),
        _ => {
            errors.push(FieldError::new(
                "before",
                "give either before or after (a feature id), not both",
            ));
            ("before", String::new(), false)
        }
    };
    // `"after": ""` named no feature: without this it moved past the end
    // of the list and the handler panicked (found by schemathesis).
    if target_id.is_empty() && input.before.is_some() != input.after.is_some() {
        errors.push(FieldError::new(field, "must be a feature id"));
    }
    let mut tx = app.store.begin().await?;
    let found = store::get(tx.db(), &ws, &id)
        .await?
        .ok_or(ApiError::NotFound("no such feature"))?;
    // A move renumbers the whole product's list from what it reads: one
    // move of the product at a time, each reading what the last wrote.
    repo::guard::lock(&mut tx, repo::guard::Locked::Product, &found.product_id).await?;
    let current = store::get(tx.db(), &ws, &found.id)
        .await?
        .ok_or(ApiError::NotFound("no such feature"))?;
    if expected.is_some_and(|v| v != current.version) {
        return Err(ApiError::PreconditionFailed);
    }
    if !target_id.is_empty() {
        match store::get(tx.db(), &ws, &target_id).await? {
            Some(t) if t.id == current.id => errors.push(FieldError::new(
                field,
                "must be another feature than the one moved",
            )),
            Some(t) if t.product_id != current.product_id => errors.push(FieldError::new(
                field,
                "must be a feature of the same product",
            )),
            Some(_) => {}
            None => errors.push(FieldError::new(field, "no such feature in the workspace")),
        }
    }
    errors.into_result()?;

    let rows = store::list(tx.db(), &ws, Some(&current.product_id), &[]).await?;
    let mut demands = demand_by_feature(&store::evidence(tx.db(), &ws, None).await?);
    let mut order: Vec<Feature> = rows
        .iter()
        .map(|f| feature(f, demands.remove(&f.id).unwrap_or_default()))
        .collect();
    order.sort_by(manual_order);
    let old_place = order.iter().position(|f| f.id == current.id).unwrap_or(0);
    let moved = order.remove(old_place);
    let at = order
        .iter()
        .position(|f| f.id == target_id)
        .unwrap_or(order.len());
    let new_place = if after { at + 1 } else { at };
    order.insert(new_place, moved);
    let ranked: Vec<(String, Option<i64>)> = order
        .iter()
        .map(|f| (f.id.clone(), f.scores.manual_rank))
        .collect();
    let unchanged = ranked
        .iter()
        .enumerate()
        .all(|(i, (_, r))| *r == Some(i as i64 + 1));
    if unchanged {
        // Already there: nothing to write, no history.
        tx.commit().await?;
        let f = super::features::load(app.store.db(), &ws, &current.id).await?;
        let version = f.version;
        return Ok(reply::ok_versioned(&f, version));
    }
    let now = Timestamp::now().to_rfc3339();
    scores_store::renumber(&mut tx, &current.product_id, &ranked).await?;
    let event = scores_store::touch(&mut tx, &current, &now).await?;
    let change = Change {
        field: "manual_rank".to_string(),
        old_value: Some((old_place + 1).to_string()),
        new_value: Some((new_place + 1).to_string()),
    };
    scores_store::append_history(
        &mut tx,
        &ws,
        &current.id,
        &[change],
        &reason,
        &ctx.caller.user.id,
        &now,
    )
    .await?;
    let f = super::features::load(tx.db(), &ws, &current.id).await?;
    tx.commit().await?;
    app.live.publish(&ws, &event, serde_json::to_value(&f).ok());
    let version = f.version;
    Ok(reply::ok_versioned(&f, version))
}

/// Every change of a feature's score inputs and manual rank, oldest first:
/// who, when, old → new, and why.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/features/{id}/score-history", tag = "features",
    params(("ws" = String, Path, description = "Workspace slug"), ("id" = String, Path, description = "Feature id"),
        super::PageParams),
    responses((status = 200, body = ScoreHistory), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_score_history(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Path((_ws, id)): Path<(String, String)>,
    Query(page): Query<super::PageParams>,
) -> ApiResult<axum::Json<ScoreHistory>> {
    ctx.require(Permission::Read)?;
    let ws = ctx.workspace.id.as_str();
    let f = store::get(app.store.db(), ws, &id)
        .await?
        .ok_or(ApiError::NotFound("no such feature"))?;
    let rows = scores_store::history(app.store.db(), ws, &f.id).await?;
    let changes = rows
        .into_iter()
        .map(|r| ScoreChange {
            id: r.id,
            field: r.field,
            old_value: r.old_value,
            new_value: r.new_value,
            reason: r.reason,
            by: PersonRef {
                id: r.actor_id,
                name: r.actor_name,
                email: r.actor_email,
            },
            created_at: r.created_at,
        })
        .collect();
    let page = super::page_of(
        changes,
        |c: &ScoreChange| &c.id,
        page.limit,
        page.cursor.as_deref(),
    )?;
    Ok(axum::Json(ScoreHistory {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
