//! Bulk import of feedback: many rows in one transaction, written with
//! multi-row `INSERT`s in fixed-size chunks (one prepared statement per
//! chunk size, reused), customers matched by email or created, and one
//! `imported` event for the whole batch instead of one per row.
//!
//! Every value is its own bind parameter, numbered in order; on SQLite
//! they are anonymous `?` (see [`dialect::bind_param`]: named ones make
//! binding quadratic).
//!
//! Customers are created with `ON CONFLICT DO NOTHING … RETURNING`, so a
//! customer created concurrently by someone else (PostgreSQL, read
//! committed) is matched instead of failing the import.

use crate::{Backend, Db, StoreResult, Tx, dialect, repo};
use keel_domain::model::Event;
use std::collections::HashMap;

/// Feedback rows per `INSERT`: 13 values each, 13,000 in all, under
/// SQLite's 32,766 and PostgreSQL's 65,535 bind parameters.
const FEEDBACK_CHUNK: usize = 1_000;
/// Tag rows per `INSERT` (3 values each).
const TAG_CHUNK: usize = 2_000;
/// Customers per `INSERT` or lookup.
const CUSTOMER_CHUNK: usize = 1_000;

/// The event kind the batch's customer event carries (as
/// `repo::customers::KIND`).
const CUSTOMER_KIND: &str = "customer";

/// One checked feedback row to write.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub id: String,
    pub text: String,
    pub source: String,
    /// Lower-cased; the customer is matched or created by it.
    pub customer_email: Option<String>,
    pub sentiment: String,
    pub tags: Vec<String>,
    pub received_on: String,
}

/// A customer the import refers to: matched by email, or created with
/// this name.
#[derive(Debug, Clone)]
pub struct ImportCustomer {
    /// Lower-cased.
    pub email: String,
    pub name: String,
}

/// What one import wrote.
#[derive(Debug, Clone)]
pub struct ImportOutcome {
    pub created: u64,
    pub customers_created: u64,
    pub customers_matched: u64,
    /// The feedback `imported` event, and the customer one when customers
    /// were created.
    pub events: Vec<Event>,
}

/// The ids of the workspace's customers with these (lower-cased) emails,
/// by email.
pub async fn customers_by_email(
    mut db: Db<'_>,
    workspace_id: &str,
    emails: &[&str],
) -> StoreResult<HashMap<String, String>> {
    let mut found = HashMap::with_capacity(emails.len());
    let backend = db.backend();
    for chunk in emails.chunks(CUSTOMER_CHUNK) {
        let mut marks = Marks::new(backend);
        // `email IS NOT NULL` lets both databases use the partial unique
        // index on (workspace_id, lower(email)).
        let sql = format!(
            "SELECT lower(email), id FROM customers
             WHERE workspace_id = {} AND email IS NOT NULL AND lower(email) IN {}",
            marks.next(),
            marks.tuple(chunk.len())
        );
        let rows: Vec<(String, String)> = on_db!(db.re(), c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(workspace_id);
            for email in chunk {
                q = q.bind(*email);
            }
            q.fetch_all(c).await
        })?;
        found.extend(rows);
    }
    Ok(found)
}

/// Creates the customers not in `known` (adding them to it); returns how
/// many were created. One that appeared meanwhile is looked up instead.
async fn create_customers(
    tx: &mut Tx,
    workspace_id: &str,
    missing: &[&ImportCustomer],
    known: &mut HashMap<String, String>,
    now: &str,
) -> StoreResult<u64> {
    let mut created = 0u64;
    let backend = tx.db().backend();
    for chunk in missing.chunks(CUSTOMER_CHUNK) {
        let mut marks = Marks::new(backend);
        let rows: Vec<String> = chunk.iter().map(|_| marks.tuple(6)).collect();
        let sql = format!(
            "INSERT INTO customers (id, workspace_id, name, email, created_at, updated_at)
             VALUES {} ON CONFLICT DO NOTHING RETURNING email, id",
            rows.join(", ")
        );
        let ids: Vec<String> = chunk.iter().map(|_| keel_domain::ids::new_id()).collect();
        let inserted: Vec<(String, String)> = on_db!(tx.db(), c => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for (customer, id) in chunk.iter().zip(&ids) {
                q = q.bind(id).bind(workspace_id).bind(&customer.name).bind(&customer.email)
                    .bind(now).bind(now);
            }
            q.fetch_all(c).await
        })?;
        created += inserted.len() as u64;
        known.extend(inserted);
    }
    let raced: Vec<&str> = missing
        .iter()
        .map(|c| c.email.as_str())
        .filter(|e| !known.contains_key(*e))
        .collect();
    if !raced.is_empty() {
        let found = customers_by_email(tx.db(), workspace_id, &raced).await?;
        known.extend(found);
    }
    Ok(created)
}

/// Writes every row in one transaction (the caller's), creating or
/// matching customers, and appends one `imported` feedback event whose
/// item id is `batch_id` (plus one customer event when customers were
/// created). Nothing else is read back: the caller reports counts.
#[allow(clippy::too_many_arguments)]
pub async fn import(
    tx: &mut Tx,
    batch_id: &str,
    workspace_id: &str,
    product_id: &str,
    actor_id: &str,
    rows: &[ImportRow],
    customers: &[ImportCustomer],
    now: &str,
) -> StoreResult<ImportOutcome> {
    let emails: Vec<&str> = customers.iter().map(|c| c.email.as_str()).collect();
    let mut known = customers_by_email(tx.db(), workspace_id, &emails).await?;
    let missing: Vec<&ImportCustomer> = customers
        .iter()
        .filter(|c| !known.contains_key(&c.email))
        .collect();
    let customers_created = create_customers(tx, workspace_id, &missing, &mut known, now).await?;

    let backend = tx.db().backend();
    for chunk in rows.chunks(FEEDBACK_CHUNK) {
        let mut marks = Marks::new(backend);
        let values: Vec<String> = chunk.iter().map(|_| marks.tuple(13)).collect();
        let sql = format!(
            "INSERT INTO feedback (id, workspace_id, product_id, text, source, customer_id, status,
                sentiment, tags, received_on, created_by, created_at, updated_at)
             VALUES {}",
            values.join(", ")
        );
        on_db!(tx.db(), c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for row in chunk {
                let customer_id = row.customer_email.as_ref().and_then(|e| known.get(e));
                q = q.bind(&row.id).bind(workspace_id).bind(product_id).bind(&row.text)
                    .bind(&row.source).bind(customer_id).bind("new").bind(&row.sentiment)
                    .bind(tags_json(&row.tags)).bind(&row.received_on).bind(actor_id)
                    .bind(now).bind(now);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }

    let tags: Vec<(&str, &str)> = rows
        .iter()
        .flat_map(|r| r.tags.iter().map(|t| (r.id.as_str(), t.as_str())))
        .collect();
    for chunk in tags.chunks(TAG_CHUNK) {
        let mut marks = Marks::new(backend);
        let values: Vec<String> = chunk.iter().map(|_| marks.tuple(3)).collect();
        let sql = format!(
            "INSERT INTO feedback_tags (feedback_id, workspace_id, tag) VALUES {}",
            values.join(", ")
        );
        on_db!(tx.db(), c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone()));
            for (feedback_id, tag) in chunk {
                q = q.bind(*feedback_id).bind(workspace_id).bind(*tag);
            }
            q.execute(c).await.map(|r| r.rows_affected())
        })?;
    }

    let mut events = vec![
        repo::events::append(
            tx,
            workspace_id,
            "imported",
            repo::feedback::KIND,
            batch_id,
            None,
            now,
        )
        .await?,
    ];
    if customers_created > 0 {
        events.push(
            repo::events::append(
                tx,
                workspace_id,
                "imported",
                CUSTOMER_KIND,
                batch_id,
                None,
                now,
            )
            .await?,
        );
    }
    Ok(ImportOutcome {
        created: rows.len() as u64,
        customers_created,
        customers_matched: customers.len() as u64 - customers_created,
        events,
    })
}

/// Bind parameters numbered in the order they are written, each bound
/// once, in that order (see [`dialect::bind_param`]: on SQLite they are
/// anonymous, so the order is all there is).
struct Marks {
    backend: Backend,
    n: usize,
}

impl Marks {
    fn new(backend: Backend) -> Self {
        Marks { backend, n: 0 }
    }

    fn next(&mut self) -> String {
        self.n += 1;
        dialect::bind_param(self.backend, self.n)
    }

    /// `(p, p, …)` of `width` new parameters.
    fn tuple(&mut self, width: usize) -> String {
        let marks: Vec<String> = (0..width).map(|_| self.next()).collect();
        format!("({})", marks.join(", "))
    }
}

/// Tags as the JSON array the `feedback.tags` column holds.
fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_string())
}
