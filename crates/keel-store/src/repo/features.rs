//! Features: what a product may build, and the target of customer evidence.
//! Here they are created, changed (versioned, with an event) and read with
//! their evidence; their score inputs, manual rank and score history are in
//! [`scores`](super::feature_scores).

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::model::Event;

/// The event kind of feature changes.
pub const KIND: &str = "feature";

/// A feature as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Feature {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub title: String,
    pub problem: String,
    pub status: String,
    pub feature_type: String,
    /// low, medium or high; `None` = not assessed.
    pub risk: Option<String>,
    pub risk_note: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[sqlx(flatten)]
    pub scores: super::feature_scores::ScoreInputs,
    pub manual_rank: Option<i64>,
}

const SELECT: &str = "SELECT f.id, f.workspace_id, f.product_id, p.key AS product_key, f.title,
    f.problem, f.status, f.feature_type, f.risk, f.risk_note, f.created_at, f.updated_at, f.version,
    f.rice_reach, f.rice_impact, f.rice_confidence, f.rice_effort, f.wsjf_business_value,
    f.wsjf_time_criticality, f.wsjf_risk_reduction, f.wsjf_job_size, f.value_rating,
    f.effort_rating, f.moscow, f.manual_rank
    FROM features f JOIN products p ON p.id = f.product_id";

/// Validated values written on create and update.
#[derive(Debug, Clone)]
pub struct FeatureFields {
    pub title: String,
    pub problem: String,
    pub status: String,
    pub feature_type: String,
    pub risk: Option<String>,
    pub risk_note: String,
}

pub async fn create(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    product_id: &str,
    fields: &FeatureFields,
    now: &str,
) -> StoreResult<(Feature, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO features (id, workspace_id, product_id, title, problem, status, feature_type,
            risk, risk_note, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
    ).bind(id).bind(workspace_id).bind(product_id).bind(&fields.title).bind(&fields.problem)
     .bind(&fields.status).bind(&fields.feature_type).bind(&fields.risk).bind(&fields.risk_note)
     .bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, id, None, now).await?;
    let feature = get(tx.db(), workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((feature, event))
}

/// A feature of the workspace, by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Feature>> {
    let row: Option<Feature> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE f.workspace_id = $1 AND f.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's features, newest first, of one product and with one of
/// the statuses when given.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
    statuses: &[String],
) -> StoreResult<Vec<Feature>> {
    list_typed(db, workspace_id, product_id, statuses, None).await
}

/// [`list`], of one feature type when given (`tech_debt` for the
/// tech-debt view).
pub async fn list_typed(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
    statuses: &[String],
    feature_type: Option<&str>,
) -> StoreResult<Vec<Feature>> {
    let mut sql = format!("{SELECT} WHERE f.workspace_id = $1");
    let mut binds = vec![workspace_id.to_string()];
    if let Some(p) = product_id {
        binds.push(p.to_string());
        sql.push_str(&format!(" AND f.product_id = ${}", binds.len()));
    }
    if !statuses.is_empty() {
        let parts: Vec<String> = statuses
            .iter()
            .map(|s| {
                binds.push(s.clone());
                format!("f.status = ${}", binds.len())
            })
            .collect();
        sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
    }
    if let Some(t) = feature_type {
        binds.push(t.to_string());
        sql.push_str(&format!(" AND f.feature_type = ${}", binds.len()));
    }
    sql.push_str(" ORDER BY f.id DESC");
    let rows: Vec<Feature> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(c).await
    })?;
    Ok(rows)
}

/// Writes new values over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Feature,
    fields: &FeatureFields,
    now: &str,
) -> StoreResult<(Feature, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE features SET title = $3, problem = $4, status = $5, feature_type = $6,
            risk = $7, risk_note = $8, updated_at = $9, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.title).bind(&fields.problem)
     .bind(&fields.status).bind(&fields.feature_type).bind(&fields.risk).bind(&fields.risk_note)
     .bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    let feature = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((feature, event))
}

/// One evidence link with the feedback, customer and company behind it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EvidenceRow {
    pub link_id: String,
    pub feedback_id: String,
    pub feature_id: String,
    pub feature_title: String,
    pub importance: String,
    pub excerpt: String,
    pub created_at: String,
    pub feedback_text: String,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_segment: Option<String>,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    pub company_arr: Option<f64>,
}

const EVIDENCE: &str =
    "SELECT l.id AS link_id, l.feedback_id, l.feature_id, f.title AS feature_title,
    l.importance, l.excerpt, l.created_at, fb.text AS feedback_text,
    cu.id AS customer_id, cu.name AS customer_name, cu.email AS customer_email,
    cu.segment AS customer_segment, co.id AS company_id, co.name AS company_name,
    co.arr AS company_arr
    FROM feedback_links l
    JOIN features f ON f.id = l.feature_id
    JOIN feedback fb ON fb.id = l.feedback_id
    LEFT JOIN customers cu ON cu.id = fb.customer_id
    LEFT JOIN companies co ON co.id = cu.company_id";

/// The evidence of one feature (or of every feature of the workspace, for
/// lists ranked by demand), oldest first.
pub async fn evidence(
    db: Db<'_>,
    workspace_id: &str,
    feature_id: Option<&str>,
) -> StoreResult<Vec<EvidenceRow>> {
    let rows: Vec<EvidenceRow> = match feature_id {
        Some(id) => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{EVIDENCE} WHERE l.workspace_id = $1 AND l.feature_id = $2 ORDER BY l.id"
        ))).bind(workspace_id).bind(id).fetch_all(c).await)?,
        None => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{EVIDENCE} WHERE l.workspace_id = $1 ORDER BY l.id"
        ))).bind(workspace_id).fetch_all(c).await)?,
    };
    Ok(rows)
}
