//! The stakeholder update of one product over a period
//! (`keel_domain::stakeholder_update`): goals, releases shipped in the
//! period, the roadmap's now and next lanes, and decisions dated in it.
//!
//! Reading needs `ReadCustomers`, like the decision log: decisions and
//! how many customers asked are internal, and guests are often customers.
//! Only customer-facing fields are handed to the digest (goal titles,
//! customer summaries, public roadmap titles, decision outcomes); tech-debt
//! features are left out of "Shipped" since they mean nothing to a
//! customer.

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{Query, WorkspaceCtx};
use axum::extract::State;
use keel_api_types::{Problem, StakeholderUpdate};
use keel_domain::stakeholder_update::{self as digest, Update};
use keel_domain::time::{Date, Timestamp};
use keel_domain::{FieldError, Permission, ValidationErrors};
use keel_store::repo;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use utoipa::IntoParams;

/// How many days back the period starts when `since` is not given.
pub const DEFAULT_DAYS: i64 = 14;

/// `?product=&since=&until=&format=` on the update.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UpdateQuery {
    /// Product key (required).
    pub product: Option<String>,
    /// First day, YYYY-MM-DD; default 14 days before `until`.
    pub since: Option<String>,
    /// Last day (included), YYYY-MM-DD; default today (UTC).
    pub until: Option<String>,
    /// `markdown` or `html` to get only that one; both when not given.
    pub format: Option<String>,
}

/// The generated stakeholder update of a product for a period.
#[utoipa::path(get, path = "/api/v1/workspaces/{ws}/updates", tag = "updates",
    params(("ws" = String, Path, description = "Workspace slug"), UpdateQuery),
    responses((status = 200, body = StakeholderUpdate), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn stakeholder_update(
    State(app): State<AppState>,
    ctx: WorkspaceCtx,
    Query(q): Query<UpdateQuery>,
) -> ApiResult<axum::Json<StakeholderUpdate>> {
    ctx.require(Permission::ReadCustomers)?;
    Ok(axum::Json(
        update_of(&app, &ctx, &q, Timestamp::now().date()).await?,
    ))
}

/// Parses an optional date field, pushing an error naming it when bad.
fn date_field(field: &str, value: Option<&str>, errors: &mut ValidationErrors) -> Option<Date> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .and_then(|s| errors.check(Date::parse(field, s)))
}

/// The update for `q`, `today` closing the period by default; the web page
/// shares this.
pub(crate) async fn update_of(
    app: &AppState,
    ctx: &WorkspaceCtx,
    q: &UpdateQuery,
    today: Date,
) -> ApiResult<StakeholderUpdate> {
    let ws = ctx.workspace.id.as_str();
    let mut errors = ValidationErrors::new();
    let product = match q
        .product
        .as_deref()
        .map(str::trim)
        .filter(|k| !k.is_empty())
    {
        Some(key) => super::product_field(app.store.db(), ws, key, &mut errors).await?,
        None => {
            errors.push(FieldError::new("product", "is required"));
            None
        }
    };
    let until_given = q.until.as_deref().is_some_and(|s| !s.trim().is_empty());
    let until = date_field("until", q.until.as_deref(), &mut errors);
    let since = date_field("since", q.since.as_deref(), &mut errors);
    let format = q.format.as_deref().map(str::trim).filter(|f| !f.is_empty());
    if let Some(f) = format
        && f != "markdown"
        && f != "html"
    {
        errors.push(FieldError::new("format", "must be markdown or html"));
    }
    let until = match (until, until_given) {
        (Some(d), _) => Some(d),
        (None, false) => Some(today),
        (None, true) => None,
    };
    let since = match (
        since,
        q.since.as_deref().is_some_and(|s| !s.trim().is_empty()),
    ) {
        (Some(d), _) => Some(d),
        (None, false) => until.and_then(|u| u.add_days(-DEFAULT_DAYS)),
        (None, true) => None,
    };
    if let (Some(s), Some(u)) = (since, until)
        && s > u
    {
        errors.push(FieldError::new("since", "must not be after until"));
    }
    errors.into_result()?;
    let (Some(product), Some(since), Some(until)) = (product, since, until) else {
        unreachable!("errors returned above when any is missing")
    };
    let (since_s, until_s) = (since.as_string(), until.as_string());
    let in_period = |day: &str| day >= since_s.as_str() && day <= until_s.as_str();

    // Goals: objectives only; key results are detail for the goal page.
    let goals = super::goals::goals_of(app, ctx, Some(&product.key))
        .await?
        .into_iter()
        .filter(|g| g.parent.is_none())
        .map(|g| digest::GoalLine {
            title: g.title,
            progress: g.progress.unwrap_or(0.0),
            health: g.health,
        })
        .collect();

    // Releases shipped in the period, oldest first.
    let mut releases: Vec<_> = repo::releases::list(app.store.db(), ws, Some(&product.id))
        .await?
        .into_iter()
        .filter_map(|r| {
            let day = r.shipped_at.as_deref()?.get(..10)?.to_string();
            in_period(&day).then_some((day, r))
        })
        .collect();
    releases.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.version.cmp(&b.1.version)));
    let mut shipped = Vec::new();
    for (day, r) in releases {
        let mut askers: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for a in repo::releases::asked_for(app.store.db(), ws, &r.id).await? {
            askers
                .entry(a.feature_id)
                .or_default()
                .insert(a.customer_id);
        }
        let features = repo::releases::features(app.store.db(), ws, Some(&r.id))
            .await?
            .into_iter()
            .filter(|f| f.feature_type != "tech_debt")
            .map(|f| digest::ShippedFeature {
                customers: askers.get(&f.feature_id).map_or(0, |s| s.len() as u32),
                title: f.title,
                customer_summary: f.customer_summary,
            })
            .collect();
        shipped.push(digest::ShippedRelease {
            version: r.version,
            shipped_on: day,
            features,
        });
    }

    // Now and next of every roadmap of the product, each feature once.
    let mut coming: Vec<digest::NextItem> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut lanes = Vec::new();
    for rm in repo::roadmaps::list(app.store.db(), ws, Some(&product.id)).await? {
        lanes.extend(repo::roadmaps::items(app.store.db(), ws, &rm.id).await?);
    }
    for lane in ["now", "next"] {
        for i in lanes.iter().filter(|i| i.lane == lane) {
            if i.feature_status == "shipped" || !seen.insert(i.feature_id.clone()) {
                continue;
            }
            coming.push(digest::NextItem {
                lane: i.lane.clone(),
                public_title: i.public_title.clone(),
                title: i.feature_title.clone(),
            });
        }
    }

    // Decisions dated in the period, oldest first.
    let filter = repo::decisions::Filter {
        product_id: Some(&product.id),
        ..Default::default()
    };
    let mut decisions: Vec<_> = repo::decisions::list(app.store.db(), ws, &filter)
        .await?
        .into_iter()
        .filter(|d| in_period(&d.decided_on))
        .collect();
    decisions.reverse();
    let decisions = decisions
        .into_iter()
        .map(|d| digest::DecisionLine {
            title: d.title,
            outcome: d.outcome,
            rationale: d.rationale,
        })
        .collect();

    let u = Update {
        product: product.name.clone(),
        since: since_s.clone(),
        until: until_s.clone(),
        goals,
        shipped,
        coming,
        decisions,
    };
    Ok(StakeholderUpdate {
        product: product.key,
        since: since_s,
        until: until_s,
        markdown: if format == Some("html") {
            String::new()
        } else {
            digest::markdown(&u)
        },
        html: if format == Some("markdown") {
            String::new()
        } else {
            digest::html(&u)
        },
    })
}
