//! Companies: the organisations customers belong to, with segment, plan,
//! annual recurring revenue and free-form attributes. Names are unique per
//! workspace regardless of case (`companies_workspace_name`), so a company
//! can be named instead of given by id. Every change appends a `company`
//! event in the same transaction.

use crate::{Db, StoreError, StoreResult, Tx, dialect, repo};
use keel_domain::model::Event;
use std::collections::BTreeMap;

/// The event kind of company changes.
pub const KIND: &str = "company";

/// A company as stored, with how many customers belong to it.
#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// Empty when not set.
    pub segment: String,
    /// Empty when not set.
    pub plan: String,
    /// Annual recurring revenue; `None` when unknown.
    pub arr: Option<f64>,
    pub attributes: BTreeMap<String, String>,
    pub customer_count: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct CompanyRow {
    id: String,
    workspace_id: String,
    name: String,
    segment: String,
    plan: String,
    arr: Option<f64>,
    attributes: String,
    customer_count: i64,
    created_at: String,
    updated_at: String,
    version: i64,
}

impl From<CompanyRow> for Company {
    fn from(r: CompanyRow) -> Self {
        Company {
            id: r.id,
            workspace_id: r.workspace_id,
            name: r.name,
            segment: r.segment,
            plan: r.plan,
            arr: r.arr,
            attributes: attributes_from_json(&r.attributes),
            customer_count: r.customer_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

/// Attributes as stored: a JSON object of strings. Keel writes nothing
/// else there; anything unreadable reads as no attributes.
pub(crate) fn attributes_from_json(s: &str) -> BTreeMap<String, String> {
    serde_json::from_str(s).unwrap_or_default()
}

pub(crate) fn attributes_to_json(a: &BTreeMap<String, String>) -> String {
    serde_json::to_string(a).unwrap_or_else(|_| "{}".to_string())
}

const SELECT: &str = "SELECT co.id, co.workspace_id, co.name, co.segment, co.plan, co.arr,
    co.attributes,
    (SELECT COUNT(*) FROM customers cu WHERE cu.company_id = co.id) AS customer_count,
    co.created_at, co.updated_at, co.version
    FROM companies co";

/// The fields a company's owner sets (create and update alike).
#[derive(Debug, Clone, PartialEq)]
pub struct CompanyFields {
    pub name: String,
    pub segment: String,
    pub plan: String,
    pub arr: Option<f64>,
    pub attributes: BTreeMap<String, String>,
}

/// Writes a new company; `Conflict("companies_workspace_name")` when the
/// workspace already has one of that name (any case).
pub async fn create(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    fields: &CompanyFields,
    now: &str,
) -> StoreResult<(Company, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO companies (id, workspace_id, name, segment, plan, arr, attributes,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
    ).bind(id).bind(workspace_id).bind(&fields.name).bind(&fields.segment).bind(&fields.plan)
     .bind(fields.arr).bind(attributes_to_json(&fields.attributes)).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, id, None, now).await?;
    let company = get(tx.db(), workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((company, event))
}

/// A company of the workspace, by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Company>> {
    let row: Option<CompanyRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE co.workspace_id = $1 AND co.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// A company of the workspace by id, or else by name (any case).
pub async fn find(
    db: Db<'_>,
    workspace_id: &str,
    id_or_name: &str,
) -> StoreResult<Option<Company>> {
    let row: Option<CompanyRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE co.workspace_id = $1 AND (co.id = $2 OR lower(co.name) = lower($2))
         ORDER BY CASE WHEN co.id = $2 THEN 0 ELSE 1 END LIMIT 1"
    ))).bind(workspace_id).bind(id_or_name).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// What [`list`] returns.
#[derive(Debug, Clone, Default)]
pub struct CompanyFilter {
    /// Text in the name (any case).
    pub q: Option<String>,
    /// The last id of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// The workspace's companies, newest first, one page; returns the cursor
/// of the next page, if any.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    f: &CompanyFilter,
) -> StoreResult<(Vec<Company>, Option<String>)> {
    let mut sql = format!("{SELECT} WHERE co.workspace_id = $1");
    let mut binds = vec![workspace_id.to_string()];
    if let Some(q) = &f.q {
        binds.push(dialect::escape_like(q));
        sql.push_str(" AND ");
        sql.push_str(&dialect::contains_ci(db.backend(), "co.name", binds.len()));
    }
    if let Some(cursor) = repo::cursor_id(f.cursor.as_deref()) {
        binds.push(cursor);
        sql.push_str(&format!(" AND co.id < ${}", binds.len()));
    }
    let limit = f.limit.clamp(1, 500);
    sql.push_str(&format!(" ORDER BY co.id DESC LIMIT {}", limit + 1));
    let rows: Vec<CompanyRow> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(c).await
    })?;
    Ok(take_page(
        rows.into_iter().map(Into::into).collect(),
        limit,
        |c: &Company| &c.id,
    ))
}

/// Cuts a list fetched with `LIMIT limit + 1` to one page; the cursor of
/// the next page is the last id kept, when there was more.
pub(crate) fn take_page<T>(
    mut items: Vec<T>,
    limit: i64,
    id: impl Fn(&T) -> &String,
) -> (Vec<T>, Option<String>) {
    if items.len() as i64 > limit {
        items.truncate(limit as usize);
        let next = items.last().map(|i| id(i).clone());
        (items, next)
    } else {
        (items, None)
    }
}

/// Writes `fields` over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Company,
    fields: &CompanyFields,
    now: &str,
) -> StoreResult<(Company, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE companies SET name = $3, segment = $4, plan = $5, arr = $6, attributes = $7,
            updated_at = $8, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.name).bind(&fields.segment)
     .bind(&fields.plan).bind(fields.arr).bind(attributes_to_json(&fields.attributes)).bind(now)
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
    let company = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((company, event))
}
