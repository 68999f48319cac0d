//! Customers: the people behind feedback, with their company, segment,
//! persona and free-form attributes. Emails are unique per workspace
//! regardless of case (`customers_workspace_email`).
//!
//! Deleting a customer is a data-subject erasure: the person goes, their
//! feedback stays without them (`feedback.customer_id` is set to NULL in
//! the same transaction, each item's version bumped so no stale edit can
//! put the person back). [`export`] gathers everything stored about one
//! person for an access request. Every change appends a `customer` event
//! (and a `feedback` event per anonymised item) in the same transaction.

use crate::repo::companies::{attributes_from_json, attributes_to_json, take_page};
use crate::repo::feedback::KIND as FEEDBACK_KIND;
use crate::{Db, StoreError, StoreResult, Tx, dialect, repo};
use keel_domain::model::Event;
use std::collections::BTreeMap;

/// The event kind of customer changes.
pub const KIND: &str = "customer";

/// A customer as stored, with the names of their company and persona and
/// how much feedback they gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// Lower-cased.
    pub email: Option<String>,
    pub company_id: Option<String>,
    pub company_name: Option<String>,
    pub company_arr: Option<f64>,
    /// Empty when not set.
    pub segment: String,
    pub persona_id: Option<String>,
    pub persona_name: Option<String>,
    pub attributes: BTreeMap<String, String>,
    pub feedback_count: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

#[derive(sqlx::FromRow)]
struct CustomerRow {
    id: String,
    workspace_id: String,
    name: String,
    email: Option<String>,
    company_id: Option<String>,
    company_name: Option<String>,
    company_arr: Option<f64>,
    segment: String,
    persona_id: Option<String>,
    persona_name: Option<String>,
    attributes: String,
    feedback_count: i64,
    created_at: String,
    updated_at: String,
    version: i64,
}

impl From<CustomerRow> for Customer {
    fn from(r: CustomerRow) -> Self {
        Customer {
            id: r.id,
            workspace_id: r.workspace_id,
            name: r.name,
            email: r.email,
            company_id: r.company_id,
            company_name: r.company_name,
            company_arr: r.company_arr,
            segment: r.segment,
            persona_id: r.persona_id,
            persona_name: r.persona_name,
            attributes: attributes_from_json(&r.attributes),
            feedback_count: r.feedback_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

const SELECT: &str = "SELECT cu.id, cu.workspace_id, cu.name, cu.email, cu.company_id,
    co.name AS company_name, co.arr AS company_arr, cu.segment, cu.persona_id,
    pe.name AS persona_name, cu.attributes,
    (SELECT COUNT(*) FROM feedback fb WHERE fb.customer_id = cu.id) AS feedback_count,
    cu.created_at, cu.updated_at, cu.version
    FROM customers cu
    LEFT JOIN companies co ON co.id = cu.company_id
    LEFT JOIN personas pe ON pe.id = cu.persona_id";

/// The fields of a customer (create and update alike). Company and
/// persona are ids of the same workspace, resolved by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerFields {
    pub name: String,
    /// Lower-cased.
    pub email: Option<String>,
    pub company_id: Option<String>,
    pub segment: String,
    pub persona_id: Option<String>,
    pub attributes: BTreeMap<String, String>,
}

/// Writes a new customer; `Conflict("customers_workspace_email")` when
/// the workspace already has someone with that email.
pub async fn create(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    fields: &CustomerFields,
    now: &str,
) -> StoreResult<(Customer, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO customers (id, workspace_id, name, email, company_id, segment, persona_id,
            attributes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
    ).bind(id).bind(workspace_id).bind(&fields.name).bind(&fields.email).bind(&fields.company_id)
     .bind(&fields.segment).bind(&fields.persona_id).bind(attributes_to_json(&fields.attributes))
     .bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, id, None, now).await?;
    let customer = get(tx.db(), workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((customer, event))
}

/// A customer of the workspace, by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Customer>> {
    let row: Option<CustomerRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE cu.workspace_id = $1 AND cu.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// A customer of the workspace by id, or else by email (any case).
pub async fn find(
    db: Db<'_>,
    workspace_id: &str,
    id_or_email: &str,
) -> StoreResult<Option<Customer>> {
    let row: Option<CustomerRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE cu.workspace_id = $1 AND (cu.id = $2 OR lower(cu.email) = lower($2))
         ORDER BY CASE WHEN cu.id = $2 THEN 0 ELSE 1 END LIMIT 1"
    ))).bind(workspace_id).bind(id_or_email).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// What [`list`] selects; `None` means any.
#[derive(Debug, Clone, Default)]
pub struct CustomerFilter {
    /// Text in the name or the email (any case).
    pub q: Option<String>,
    pub company_id: Option<String>,
    /// Exact segment, any case.
    pub segment: Option<String>,
    pub persona_id: Option<String>,
    /// The last id of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// The workspace's customers, newest first, one page (paged by id in
/// SQL: there can be many); returns the cursor of the next page, if any.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    f: &CustomerFilter,
) -> StoreResult<(Vec<Customer>, Option<String>)> {
    let backend = db.backend();
    let mut sql = format!("{SELECT} WHERE cu.workspace_id = $1");
    let mut binds = vec![workspace_id.to_string()];
    if let Some(q) = &f.q {
        and(&mut sql, &mut binds, dialect::escape_like(q), |n| {
            format!(
                "({} OR {})",
                dialect::contains_ci(backend, "cu.name", n),
                dialect::contains_ci(backend, "cu.email", n)
            )
        });
    }
    if let Some(company) = &f.company_id {
        and(&mut sql, &mut binds, company.clone(), |n| {
            format!("cu.company_id = ${n}")
        });
    }
    if let Some(segment) = &f.segment {
        and(&mut sql, &mut binds, segment.clone(), |n| {
            format!("lower(cu.segment) = lower(${n})")
        });
    }
    if let Some(persona) = &f.persona_id {
        and(&mut sql, &mut binds, persona.clone(), |n| {
            format!("cu.persona_id = ${n}")
        });
    }
    if let Some(cursor) = repo::cursor_id(f.cursor.as_deref()) {
        and(&mut sql, &mut binds, cursor, |n| format!("cu.id < ${n}"));
    }
    let limit = f.limit.clamp(1, 500);
    sql.push_str(&format!(" ORDER BY cu.id DESC LIMIT {}", limit + 1));
    let rows: Vec<CustomerRow> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(c).await
    })?;
    Ok(take_page(
        rows.into_iter().map(Into::into).collect(),
        limit,
        |c: &Customer| &c.id,
    ))
}

/// Appends ` AND <clause>` to `sql`, the clause naming the placeholder of
/// `value`.
fn and(
    sql: &mut String,
    binds: &mut Vec<String>,
    value: String,
    clause: impl FnOnce(usize) -> String,
) {
    binds.push(value);
    sql.push_str(" AND ");
    sql.push_str(&clause(binds.len()));
}

/// Writes `fields` over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Customer,
    fields: &CustomerFields,
    now: &str,
) -> StoreResult<(Customer, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE customers SET name = $3, email = $4, company_id = $5, segment = $6,
            persona_id = $7, attributes = $8, updated_at = $9, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.name).bind(&fields.email)
     .bind(&fields.company_id).bind(&fields.segment).bind(&fields.persona_id)
     .bind(attributes_to_json(&fields.attributes)).bind(now)
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
    let customer = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((customer, event))
}

/// Deletes a customer and takes them off their feedback, whose text stays.
/// Returns the customer's `deleted` event and an `updated` event per
/// feedback item that lost its author. `Stale` if the customer's version
/// moved.
pub async fn delete(tx: &mut Tx, current: &Customer, now: &str) -> StoreResult<Vec<Event>> {
    let ws = current.workspace_id.as_str();
    let feedback: Vec<(String,)> = on_db!(tx.db(), c => sqlx::query_as(
        "SELECT id FROM feedback WHERE workspace_id = $1 AND customer_id = $2 ORDER BY id"
    ).bind(ws).bind(&current.id).fetch_all(c).await)?;
    // Explicitly rather than through ON DELETE SET NULL, so each item's
    // version moves and a PATCH based on the old version cannot restore
    // the person.
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE feedback SET customer_id = NULL, updated_at = $3, version = version + 1
         WHERE workspace_id = $1 AND customer_id = $2"
    ).bind(ws).bind(&current.id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    let deleted = on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM customers WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).execute(c).await.map(|r| r.rows_affected()))?;
    if deleted == 0 {
        return Err(StoreError::Stale);
    }
    let mut events =
        vec![repo::events::append(tx, ws, "deleted", KIND, &current.id, None, now).await?];
    for (id,) in &feedback {
        events.push(repo::events::append(tx, ws, "updated", FEEDBACK_KIND, id, None, now).await?);
    }
    Ok(events)
}

/// One feedback item of a customer, for an export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportedFeedback {
    pub id: String,
    pub product: String,
    pub text: String,
    pub source: String,
    pub status: String,
    pub sentiment: String,
    pub tags: Vec<String>,
    pub received_on: String,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(sqlx::FromRow)]
struct ExportedFeedbackRow {
    id: String,
    product: String,
    text: String,
    source: String,
    status: String,
    sentiment: String,
    tags: String,
    received_on: String,
    created_at: String,
    updated_at: String,
}

/// A feature one of the customer's feedback items is evidence for.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ExportedLink {
    pub feedback_id: String,
    pub feature_id: String,
    /// The feature's product key.
    pub product: String,
    pub title: String,
    pub status: String,
    pub importance: String,
    pub excerpt: String,
    pub created_at: String,
}

/// Every feedback item of a customer, oldest first.
pub async fn feedback_of(
    db: Db<'_>,
    workspace_id: &str,
    customer_id: &str,
) -> StoreResult<Vec<ExportedFeedback>> {
    let rows: Vec<ExportedFeedbackRow> = on_db!(db, c => sqlx::query_as(
        "SELECT fb.id, p.key AS product, fb.text, fb.source, fb.status, fb.sentiment, fb.tags,
            fb.received_on, fb.created_at, fb.updated_at
         FROM feedback fb JOIN products p ON p.id = fb.product_id
         WHERE fb.workspace_id = $1 AND fb.customer_id = $2 ORDER BY fb.id"
    ).bind(workspace_id).bind(customer_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| ExportedFeedback {
            tags: serde_json::from_str(&r.tags).unwrap_or_default(),
            id: r.id,
            product: r.product,
            text: r.text,
            source: r.source,
            status: r.status,
            sentiment: r.sentiment,
            received_on: r.received_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect())
}

/// Every evidence link from a customer's feedback to a feature, in the
/// order they were made.
pub async fn feature_links_of(
    db: Db<'_>,
    workspace_id: &str,
    customer_id: &str,
) -> StoreResult<Vec<ExportedLink>> {
    let rows: Vec<ExportedLink> = on_db!(db, c => sqlx::query_as(
        "SELECT fl.feedback_id, f.id AS feature_id, p.key AS product, f.title, f.status,
            fl.importance, fl.excerpt, fl.created_at
         FROM feedback_links fl
         JOIN feedback fb ON fb.id = fl.feedback_id
         JOIN features f ON f.id = fl.feature_id
         JOIN products p ON p.id = f.product_id
         WHERE fb.workspace_id = $1 AND fb.customer_id = $2
         ORDER BY fl.created_at, fl.id"
    ).bind(workspace_id).bind(customer_id).fetch_all(c).await)?;
    Ok(rows)
}
