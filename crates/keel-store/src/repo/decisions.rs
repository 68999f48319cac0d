//! The decision log: decisions with the people told about them and the
//! features, goals and feedback they are about.
//!
//! A decision's informed people and links are replaced as a whole on every
//! write, in the same transaction as the decision row and its `decision`
//! event. A feature link keeps the feature's demand at the time it was
//! linked (the "before" of *worth another look*); rewriting the links keeps
//! the demand already recorded for a feature that stays linked.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::ids::new_id;
use keel_domain::insight::Demand;
use keel_domain::model::Event;

/// The event kind of decision changes.
pub const KIND: &str = "decision";

/// A decision as stored, with its product key and who decided.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Decision {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub title: String,
    pub context: String,
    /// JSON array of strings.
    pub options: String,
    pub outcome: String,
    pub rationale: String,
    pub decided_on: String,
    pub decided_by: Option<String>,
    pub decided_by_name: Option<String>,
    pub decided_by_email: Option<String>,
    pub look_again_after: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl Decision {
    /// The options considered (an unreadable column reads as none).
    pub fn option_list(&self) -> Vec<String> {
        serde_json::from_str(&self.options).unwrap_or_default()
    }
}

/// `$1` the workspace.
const SELECT: &str = "SELECT d.id, d.workspace_id, d.product_id, p.key AS product_key, d.title,
    d.context, d.options, d.outcome, d.rationale, d.decided_on, d.decided_by,
    u.name AS decided_by_name, u.email AS decided_by_email, d.look_again_after,
    d.created_at, d.updated_at, d.version
    FROM decisions d JOIN products p ON p.id = d.product_id
    LEFT JOIN users u ON u.id = d.decided_by
    WHERE d.workspace_id = $1";

/// One person told: a member (with their current name and email) or a
/// free-text name.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Informed {
    pub decision_id: String,
    pub user_id: Option<String>,
    pub name: String,
    pub email: Option<String>,
}

/// An item a decision is about, with the demand kept for a feature.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Link {
    pub decision_id: String,
    /// feature, goal or feedback.
    pub kind: String,
    pub item_id: String,
    pub feedback_count: Option<i64>,
    pub customer_count: Option<i64>,
    pub company_count: Option<i64>,
    pub arr: Option<f64>,
    pub score: Option<i64>,
}

impl Link {
    /// The demand recorded with a feature link, if any.
    pub fn demand(&self) -> Option<Demand> {
        Some(Demand {
            feedback_count: self.feedback_count?,
            customer_count: self.customer_count?,
            company_count: self.company_count?,
            arr: self.arr?,
            score: self.score?,
        })
    }
}

/// A link to write: the item and, for a feature, its demand now.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLink {
    pub kind: String,
    pub item_id: String,
    pub demand: Option<Demand>,
}

/// A person to record as informed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewInformed {
    pub user_id: Option<String>,
    pub name: String,
}

/// Validated values written on create and update.
#[derive(Debug, Clone, PartialEq)]
pub struct DecisionFields {
    pub title: String,
    pub context: String,
    pub options: Vec<String>,
    pub outcome: String,
    pub rationale: String,
    pub decided_on: String,
    pub decided_by: Option<String>,
    pub look_again_after: Option<String>,
    pub informed: Vec<NewInformed>,
    pub links: Vec<NewLink>,
}

/// The kinds of item a decision links to, with their tables.
fn table_of(kind: &str) -> Option<&'static str> {
    match kind {
        "feature" => Some("features"),
        "goal" => Some("goals"),
        "feedback" => Some("feedback"),
        _ => None,
    }
}

/// Whether the workspace has an item of this kind with this id.
pub async fn item_exists(
    db: Db<'_>,
    workspace_id: &str,
    kind: &str,
    id: &str,
) -> StoreResult<bool> {
    let Some(table) = table_of(kind) else {
        return Ok(false);
    };
    let found: Option<(String,)> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT id FROM {table} WHERE workspace_id = $1 AND id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(found.is_some())
}

pub async fn create(
    tx: &mut Tx,
    workspace_id: &str,
    product_id: &str,
    fields: &DecisionFields,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Decision, Event)> {
    let id = new_id();
    let options =
        serde_json::to_string(&fields.options).map_err(|e| StoreError::Other(e.to_string()))?;
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO decisions (id, workspace_id, product_id, title, context, options, outcome,
            rationale, decided_on, decided_by, look_again_after, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
    ).bind(&id).bind(workspace_id).bind(product_id).bind(&fields.title).bind(&fields.context)
     .bind(&options).bind(&fields.outcome).bind(&fields.rationale).bind(&fields.decided_on)
     .bind(&fields.decided_by).bind(&fields.look_again_after).bind(actor_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    write_lists(tx, workspace_id, &id, fields).await?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, &id, None, now).await?;
    let decision = get(tx.db(), workspace_id, &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((decision, event))
}

/// Replaces the informed people and links of a decision.
async fn write_lists(
    tx: &mut Tx,
    workspace_id: &str,
    id: &str,
    fields: &DecisionFields,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM decision_informed WHERE decision_id = $1")
        .bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    on_db!(tx.db(), c => sqlx::query("DELETE FROM decision_links WHERE decision_id = $1")
        .bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    for (position, who) in fields.informed.iter().enumerate() {
        let position = position as i64;
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO decision_informed (decision_id, position, user_id, name)
             VALUES ($1, $2, $3, $4)"
        ).bind(id).bind(position).bind(&who.user_id).bind(&who.name)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    for link in &fields.links {
        let d = link.demand.as_ref();
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO decision_links (decision_id, workspace_id, kind, item_id, feedback_count,
                customer_count, company_count, arr, score)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (decision_id, kind, item_id) DO NOTHING"
        ).bind(id).bind(workspace_id).bind(&link.kind).bind(&link.item_id)
         .bind(d.map(|d| d.feedback_count)).bind(d.map(|d| d.customer_count))
         .bind(d.map(|d| d.company_count)).bind(d.map(|d| d.arr)).bind(d.map(|d| d.score))
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// A decision of the workspace by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Decision>> {
    let row: Option<Decision> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND d.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The filters of the decision list; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub product_id: Option<&'a str>,
    pub outcome: Option<&'a str>,
    /// Decisions linked to this feature.
    pub feature_id: Option<&'a str>,
}

/// The workspace's decisions, latest decided first (then newest recorded).
pub async fn list(db: Db<'_>, workspace_id: &str, f: &Filter<'_>) -> StoreResult<Vec<Decision>> {
    let rows: Vec<Decision> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND ($2 IS NULL OR d.product_id = $2) AND ($3 IS NULL OR d.outcome = $3)
           AND ($4 IS NULL OR EXISTS (SELECT 1 FROM decision_links l
                WHERE l.decision_id = d.id AND l.kind = 'feature' AND l.item_id = $4))
         ORDER BY d.decided_on DESC, d.id DESC"
    ))).bind(workspace_id).bind(f.product_id).bind(f.outcome).bind(f.feature_id)
       .fetch_all(c).await)?;
    Ok(rows)
}

/// The informed people of the workspace's decisions (of one decision when
/// given), in the order recorded.
pub async fn informed(
    db: Db<'_>,
    workspace_id: &str,
    decision_id: Option<&str>,
) -> StoreResult<Vec<Informed>> {
    let rows: Vec<Informed> = on_db!(db, c => sqlx::query_as(
        "SELECT i.decision_id, i.user_id, COALESCE(u.name, i.name) AS name, u.email
         FROM decision_informed i JOIN decisions d ON d.id = i.decision_id
         LEFT JOIN users u ON u.id = i.user_id
         WHERE d.workspace_id = $1 AND ($2 IS NULL OR i.decision_id = $2)
         ORDER BY i.decision_id, i.position"
    ).bind(workspace_id).bind(decision_id).fetch_all(c).await)?;
    Ok(rows)
}

/// The links of the workspace's decisions (of one decision when given).
pub async fn links(
    db: Db<'_>,
    workspace_id: &str,
    decision_id: Option<&str>,
) -> StoreResult<Vec<Link>> {
    let rows: Vec<Link> = on_db!(db, c => sqlx::query_as(
        "SELECT decision_id, kind, item_id, feedback_count, customer_count, company_count, arr,
            score
         FROM decision_links WHERE workspace_id = $1 AND ($2 IS NULL OR decision_id = $2)
         ORDER BY decision_id, kind, item_id"
    ).bind(workspace_id).bind(decision_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Writes new values over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Decision,
    fields: &DecisionFields,
    now: &str,
) -> StoreResult<(Decision, Event)> {
    let options =
        serde_json::to_string(&fields.options).map_err(|e| StoreError::Other(e.to_string()))?;
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE decisions SET title = $3, context = $4, options = $5, outcome = $6, rationale = $7,
            decided_on = $8, decided_by = $9, look_again_after = $10, updated_at = $11,
            version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.title).bind(&fields.context)
     .bind(&options).bind(&fields.outcome).bind(&fields.rationale).bind(&fields.decided_on)
     .bind(&fields.decided_by).bind(&fields.look_again_after).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    let ws = current.workspace_id.as_str();
    write_lists(tx, ws, &current.id, fields).await?;
    let event = repo::events::append(tx, ws, "updated", KIND, &current.id, None, now).await?;
    let decision = get(tx.db(), ws, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((decision, event))
}

/// Deletes a decision with its informed people and links.
pub async fn delete(tx: &mut Tx, current: &Decision, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "decisions", "version", &current.id, current.version).await?;
    repo::events::append(
        tx,
        &current.workspace_id,
        "deleted",
        KIND,
        &current.id,
        None,
        now,
    )
    .await
}
