//! The feedback inbox: feedback items with their tags, the evidence links
//! from a feedback passage to a feature, and the stored text vectors used
//! for similar feedback and themes. Every change appends a `feedback`
//! event in its transaction.

use crate::repo::cursor_id;
use crate::{Db, StoreError, StoreResult, Tx, dialect, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;

/// The event kind of feedback changes (links included).
pub const KIND: &str = "feedback";

/// A feedback item as stored, with its customer's name and company.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Feedback {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub text: String,
    pub source: String,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub customer_segment: Option<String>,
    pub company_name: Option<String>,
    pub status: String,
    pub sentiment: String,
    /// JSON array of strings.
    pub tags: String,
    pub received_on: String,
    pub duplicate_of: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl Feedback {
    pub fn tag_list(&self) -> Vec<String> {
        serde_json::from_str(&self.tags).unwrap_or_default()
    }
}

const SELECT: &str = "SELECT fb.id, fb.workspace_id, fb.product_id, p.key AS product_key, fb.text,
    fb.source, fb.customer_id, cu.name AS customer_name, cu.email AS customer_email,
    cu.segment AS customer_segment, co.name AS company_name, fb.status, fb.sentiment, fb.tags,
    fb.received_on, fb.duplicate_of, fb.created_at, fb.updated_at, fb.version
    FROM feedback fb
    JOIN products p ON p.id = fb.product_id
    LEFT JOIN customers cu ON cu.id = fb.customer_id
    LEFT JOIN companies co ON co.id = cu.company_id";

/// Validated values written on create and update.
#[derive(Debug, Clone)]
pub struct FeedbackFields {
    pub text: String,
    pub source: String,
    pub customer_id: Option<String>,
    pub status: String,
    pub sentiment: String,
    pub tags: Vec<String>,
    pub received_on: String,
    pub duplicate_of: Option<String>,
}

/// Creates a feedback item; `actor_id` is `None` for portal submissions.
pub async fn create(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    product_id: &str,
    fields: &FeedbackFields,
    actor_id: Option<&str>,
    now: &str,
) -> StoreResult<(Feedback, Event)> {
    insert(tx, id, workspace_id, product_id, fields, actor_id, now).await?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, id, None, now).await?;
    let feedback = get(tx.db(), workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((feedback, event))
}

/// Writes the row and its tags, without an event (bulk import appends one
/// event for the whole batch).
pub async fn insert(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    product_id: &str,
    fields: &FeedbackFields,
    actor_id: Option<&str>,
    now: &str,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO feedback (id, workspace_id, product_id, text, source, customer_id, status,
            sentiment, tags, received_on, duplicate_of, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)"
    ).bind(id).bind(workspace_id).bind(product_id).bind(&fields.text).bind(&fields.source)
     .bind(&fields.customer_id).bind(&fields.status).bind(&fields.sentiment)
     .bind(tags_json(&fields.tags)).bind(&fields.received_on).bind(&fields.duplicate_of)
     .bind(actor_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    insert_tags(tx, workspace_id, id, &fields.tags).await
}

fn tags_json(tags: &[String]) -> String {
    serde_json::to_string(tags).unwrap_or_else(|_| "[]".to_string())
}

async fn insert_tags(
    tx: &mut Tx,
    workspace_id: &str,
    feedback_id: &str,
    tags: &[String],
) -> StoreResult<()> {
    if tags.is_empty() {
        return Ok(());
    }
    let rows: Vec<String> = (0..tags.len())
        .map(|i| format!("($1, $2, ${})", i + 3))
        .collect();
    let sql = format!(
        "INSERT INTO feedback_tags (feedback_id, workspace_id, tag) VALUES {}
         ON CONFLICT (feedback_id, tag) DO NOTHING",
        rows.join(", ")
    );
    on_db!(tx.db(), c => {
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.clone())).bind(feedback_id).bind(workspace_id);
        for tag in tags {
            q = q.bind(tag);
        }
        q.execute(c).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A feedback item of the workspace, by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Feedback>> {
    let row: Option<Feedback> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE fb.workspace_id = $1 AND fb.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// Several feedback items of the workspace, in no particular order.
pub async fn get_many(
    db: Db<'_>,
    workspace_id: &str,
    ids: &[String],
) -> StoreResult<Vec<Feedback>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let sql = format!(
        "{SELECT} WHERE fb.workspace_id = $1 AND fb.id IN ({})",
        marks.join(", ")
    );
    let rows: Vec<Feedback> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(workspace_id);
        for id in ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    Ok(rows)
}

/// Writes new values over `current`; `Stale` if its version moved. A
/// changed text drops the stored vectors, so they are computed again.
pub async fn update(
    tx: &mut Tx,
    current: &Feedback,
    fields: &FeedbackFields,
    now: &str,
) -> StoreResult<(Feedback, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE feedback SET text = $3, source = $4, customer_id = $5, status = $6, sentiment = $7,
            tags = $8, received_on = $9, duplicate_of = $10, updated_at = $11, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.text).bind(&fields.source)
     .bind(&fields.customer_id).bind(&fields.status).bind(&fields.sentiment)
     .bind(tags_json(&fields.tags)).bind(&fields.received_on).bind(&fields.duplicate_of).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    if current.tag_list() != fields.tags {
        on_db!(tx.db(), c => sqlx::query("DELETE FROM feedback_tags WHERE feedback_id = $1")
            .bind(&current.id).execute(c).await.map(|r| r.rows_affected()))?;
        insert_tags(tx, &current.workspace_id, &current.id, &fields.tags).await?;
    }
    if current.text != fields.text {
        on_db!(tx.db(), c => sqlx::query("DELETE FROM feedback_vectors WHERE feedback_id = $1")
            .bind(&current.id).execute(c).await.map(|r| r.rows_affected()))?;
    }
    touched(tx, current, now).await
}

/// Appends the `updated` event and reads the item back.
async fn touched(tx: &mut Tx, current: &Feedback, now: &str) -> StoreResult<(Feedback, Event)> {
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
    let feedback = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((feedback, event))
}

/// Inbox filters; every field narrows the list.
#[derive(Debug, Clone, Default)]
pub struct FeedbackFilter {
    pub product_id: Option<String>,
    pub statuses: Vec<String>,
    pub sources: Vec<String>,
    pub sentiments: Vec<String>,
    pub tag: Option<String>,
    pub customer_id: Option<String>,
    /// The customer's segment.
    pub segment: Option<String>,
    /// `received_on` from this day (included).
    pub since: Option<String>,
    /// `received_on` until this day (included).
    pub until: Option<String>,
    pub q: Option<String>,
    pub cursor: Option<String>,
    pub limit: i64,
}

/// Newest first; returns one page and the cursor of the next, if any.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    f: &FeedbackFilter,
) -> StoreResult<(Vec<Feedback>, Option<String>)> {
    let backend = db.backend();
    let mut sql = format!("{SELECT} WHERE fb.workspace_id = $1");
    let mut binds = vec![workspace_id.to_string()];
    let mut clause = |sql: &mut String, make: &dyn Fn(usize) -> String, value: &str| {
        binds.push(value.to_string());
        sql.push_str(" AND ");
        sql.push_str(&make(binds.len()));
    };
    if let Some(p) = &f.product_id {
        clause(&mut sql, &|n| format!("fb.product_id = ${n}"), p);
    }
    if let Some(t) = &f.tag {
        clause(
            &mut sql,
            &|n| {
                format!(
                    "EXISTS (SELECT 1 FROM feedback_tags t WHERE t.feedback_id = fb.id AND t.tag = ${n})"
                )
            },
            t,
        );
    }
    if let Some(c) = &f.customer_id {
        clause(&mut sql, &|n| format!("fb.customer_id = ${n}"), c);
    }
    if let Some(s) = &f.segment {
        clause(&mut sql, &|n| format!("cu.segment = ${n}"), s);
    }
    if let Some(d) = &f.since {
        clause(&mut sql, &|n| format!("fb.received_on >= ${n}"), d);
    }
    if let Some(d) = &f.until {
        clause(&mut sql, &|n| format!("fb.received_on <= ${n}"), d);
    }
    if let Some(q) = &f.q {
        clause(
            &mut sql,
            &|n| dialect::contains_ci(backend, "fb.text", n),
            &dialect::escape_like(q),
        );
    }
    if let Some(cursor) = cursor_id(f.cursor.as_deref()) {
        clause(&mut sql, &|n| format!("fb.id < ${n}"), &cursor);
    }
    for (column, values) in [
        ("fb.status", &f.statuses),
        ("fb.source", &f.sources),
        ("fb.sentiment", &f.sentiments),
    ] {
        if values.is_empty() {
            continue;
        }
        let parts: Vec<String> = values
            .iter()
            .map(|v| {
                binds.push(v.clone());
                format!("{column} = ${}", binds.len())
            })
            .collect();
        sql.push_str(&format!(" AND ({})", parts.join(" OR ")));
    }
    let limit = f.limit.clamp(1, 500);
    sql.push_str(&format!(" ORDER BY fb.id DESC LIMIT {}", limit + 1));
    let mut rows: Vec<Feedback> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(c).await
    })?;
    let next = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|r| r.id.clone())
    } else {
        None
    };
    Ok((rows, next))
}

/// A link from a feedback passage to a feature.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Link {
    pub id: String,
    pub feedback_id: String,
    pub feature_id: String,
    pub feature_title: String,
    pub importance: String,
    pub excerpt: String,
    pub created_at: String,
}

const LINKS: &str = "SELECT l.id, l.feedback_id, l.feature_id, f.title AS feature_title,
    l.importance, l.excerpt, l.created_at
    FROM feedback_links l JOIN features f ON f.id = l.feature_id";

/// Links a passage of `current` to a feature. New and triaged feedback
/// becomes `linked`. `Conflict` when this feedback is already linked to
/// that feature.
/// Moves a feedback item that became evidence (for a feature or an idea)
/// to `linked`, unless it is archived already; bumps its version.
pub async fn mark_linked(tx: &mut Tx, feedback_id: &str, now: &str) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE feedback SET status = CASE WHEN status IN ('new', 'triaged') THEN 'linked' ELSE status END,
            updated_at = $2, version = version + 1
         WHERE id = $1"
    ).bind(feedback_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn add_link(
    tx: &mut Tx,
    current: &Feedback,
    feature_id: &str,
    importance: &str,
    excerpt: &str,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Link, Feedback, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO feedback_links (id, workspace_id, feedback_id, feature_id, importance, excerpt,
            created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ).bind(&id).bind(&current.workspace_id).bind(&current.id).bind(feature_id).bind(importance)
     .bind(excerpt).bind(actor_id).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    mark_linked(tx, &current.id, now).await?;
    let (feedback, event) = touched(tx, current, now).await?;
    let links = links_of(
        tx.db(),
        &current.workspace_id,
        std::slice::from_ref(&current.id),
    )
    .await?;
    let link = links
        .into_iter()
        .find(|l| l.id == id)
        .ok_or(StoreError::NotFound)?;
    Ok((link, feedback, event))
}

/// Removes one link of `current`; `NotFound` when it is not one of its links.
pub async fn remove_link(
    tx: &mut Tx,
    current: &Feedback,
    link_id: &str,
    now: &str,
) -> StoreResult<(Feedback, Event)> {
    let removed = on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM feedback_links WHERE id = $1 AND feedback_id = $2"
    ).bind(link_id).bind(&current.id).execute(c).await.map(|r| r.rows_affected()))?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE feedback SET updated_at = $2, version = version + 1 WHERE id = $1"
    ).bind(&current.id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    touched(tx, current, now).await
}

/// The links of these feedback items, oldest first.
pub async fn links_of(
    db: Db<'_>,
    workspace_id: &str,
    feedback_ids: &[String],
) -> StoreResult<Vec<Link>> {
    if feedback_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..feedback_ids.len())
        .map(|i| format!("${}", i + 2))
        .collect();
    let sql = format!(
        "{LINKS} WHERE l.workspace_id = $1 AND l.feedback_id IN ({}) ORDER BY l.id",
        marks.join(", ")
    );
    let rows: Vec<Link> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(workspace_id);
        for id in feedback_ids {
            q = q.bind(id);
        }
        q.fetch_all(c).await
    })?;
    Ok(rows)
}

/// The text of every feedback item of a product, for similarity and
/// themes: `(id, text, received_on)`, oldest first. Archived items are
/// left out when `include_archived` is false.
pub async fn texts_of_product(
    db: Db<'_>,
    product_id: &str,
    include_archived: bool,
) -> StoreResult<Vec<(String, String, String)>> {
    let rows: Vec<(String, String, String)> = on_db!(db, c => sqlx::query_as(
        "SELECT id, text, received_on FROM feedback
         WHERE product_id = $1 AND ($2 OR status <> 'archived') ORDER BY id"
    ).bind(product_id).bind(include_archived).fetch_all(c).await)?;
    Ok(rows)
}

/// Stores (or replaces) the vector of a feedback item for `model`.
pub async fn put_vector(
    tx: &mut Tx,
    feedback: &VectorTodo,
    model: &str,
    vector: &[u8],
    now: &str,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO feedback_vectors (feedback_id, workspace_id, product_id, model, vector, computed_at)
         SELECT id, workspace_id, product_id, $2, $3, $4 FROM feedback WHERE id = $1 AND text = $5
         ON CONFLICT (feedback_id) DO UPDATE SET model = $2, vector = $3, computed_at = $4"
    ).bind(&feedback.id).bind(model).bind(vector).bind(now).bind(&feedback.text)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The stored vectors of a product's feedback for `model`.
pub async fn vectors_of_product(
    db: Db<'_>,
    product_id: &str,
    model: &str,
) -> StoreResult<Vec<(String, Vec<u8>)>> {
    let rows: Vec<(String, Vec<u8>)> = on_db!(db, c => sqlx::query_as(
        "SELECT feedback_id, vector FROM feedback_vectors WHERE product_id = $1 AND model = $2"
    ).bind(product_id).bind(model).fetch_all(c).await)?;
    Ok(rows)
}

/// A feedback item whose vector for a model is missing.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct VectorTodo {
    pub id: String,
    pub text: String,
}

/// Up to `limit` feedback items (any workspace) with no vector for `model`,
/// oldest first.
pub async fn missing_vectors(db: Db<'_>, model: &str, limit: i64) -> StoreResult<Vec<VectorTodo>> {
    let rows: Vec<VectorTodo> = on_db!(db, c => sqlx::query_as(
        "SELECT fb.id, fb.text FROM feedback fb
         WHERE NOT EXISTS (SELECT 1 FROM feedback_vectors v WHERE v.feedback_id = fb.id AND v.model = $1)
         ORDER BY fb.id LIMIT $2"
    ).bind(model).bind(limit).fetch_all(c).await)?;
    Ok(rows)
}

/// The id of the workspace's customer with this id or email
/// (case-insensitive).
pub async fn customer_id(
    db: Db<'_>,
    workspace_id: &str,
    id_or_email: &str,
) -> StoreResult<Option<String>> {
    let row: Option<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT id FROM customers WHERE workspace_id = $1 AND (id = $2 OR lower(email) = lower($2))"
    ).bind(workspace_id).bind(id_or_email).fetch_optional(c).await)?;
    Ok(row.map(|(id,)| id))
}

/// Background job numbers for [`claim_job`].
pub const EMBEDDING_JOB: i64 = 1;

/// Takes the lock of background job `job` for this transaction: false when
/// another instance holds it (PostgreSQL), so a job batch runs once, not
/// once per instance.
pub async fn claim_job(tx: &mut Tx, job: i64) -> StoreResult<bool> {
    let Some(sql) = dialect::try_job_lock(tx.db().backend()) else {
        return Ok(true);
    };
    let (got,): (bool,) = on_db!(tx.db(), c => sqlx::query_as(sql).bind(job).fetch_one(c).await)?;
    Ok(got)
}
