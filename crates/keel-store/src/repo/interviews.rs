//! Customer interviews: a workspace's interview guides, and interviews of a
//! product with one answer per question of the guide they used.
//!
//! An interview copies its guide's questions into `interview_answers` when
//! it is created, so a guide edited or deleted later leaves past interviews
//! as they were asked. An answer turned into a feedback item keeps the
//! item's id (`feedback_id`); [`unconverted`] lists the answers still to
//! turn into feedback, which is what makes that action idempotent.
//!
//! Every change to an interview (answers and their links included) moves
//! its `version` and appends one `interview` event in its transaction;
//! guides append `interview_guide` events. Writes that read first start
//! with [`lock`], which holds the interview row until commit on PostgreSQL
//! (SQLite has one writer), so two conversions cannot both convert one
//! answer.

use crate::repo::companies::take_page;
use crate::{Db, StoreError, StoreResult, Tx, dialect, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;

/// The event kind of interview changes.
pub const KIND: &str = "interview";
/// The event kind of guide changes.
pub const GUIDE_KIND: &str = "interview_guide";

// ---------------------------------------------------------------------------
// Guides.

/// A stored guide (the built-in one is not stored: see
/// `keel_domain::interview`).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Guide {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    /// JSON array of `{"question", "hint"}`.
    pub questions: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

impl Guide {
    /// The questions as `(question, hint)`, in order.
    pub fn question_list(&self) -> Vec<(String, String)> {
        let parsed: Vec<serde_json::Value> =
            serde_json::from_str(&self.questions).unwrap_or_default();
        parsed
            .iter()
            .map(|q| {
                let text = |k: &str| q[k].as_str().unwrap_or("").to_string();
                (text("question"), text("hint"))
            })
            .collect()
    }
}

fn questions_json(questions: &[(String, String)]) -> String {
    let list: Vec<serde_json::Value> = questions
        .iter()
        .map(|(q, h)| serde_json::json!({"question": q, "hint": h}))
        .collect();
    serde_json::Value::Array(list).to_string()
}

const GUIDE_SELECT: &str =
    "SELECT id, workspace_id, name, questions, created_at, updated_at, version
    FROM interview_guides";

/// Writes a new guide.
pub async fn create_guide(
    tx: &mut Tx,
    workspace_id: &str,
    name: &str,
    questions: &[(String, String)],
    created_by: &str,
    now: &str,
) -> StoreResult<(Guide, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO interview_guides (id, workspace_id, name, questions, created_by, created_at,
            updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)"
    ).bind(&id).bind(workspace_id).bind(name).bind(questions_json(questions)).bind(created_by)
     .bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    let event =
        repo::events::append(tx, workspace_id, "created", GUIDE_KIND, &id, None, now).await?;
    let guide = get_guide(tx.db(), workspace_id, &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((guide, event))
}

/// A stored guide of the workspace, by id.
pub async fn get_guide(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Guide>> {
    let row: Option<Guide> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{GUIDE_SELECT} WHERE workspace_id = $1 AND id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's stored guides, by name (a small collection).
pub async fn list_guides(db: Db<'_>, workspace_id: &str) -> StoreResult<Vec<Guide>> {
    let rows: Vec<Guide> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{GUIDE_SELECT} WHERE workspace_id = $1 ORDER BY lower(name), id"
    ))).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Writes a guide's name and questions over `current`; `Stale` if its
/// version moved.
pub async fn update_guide(
    tx: &mut Tx,
    current: &Guide,
    name: &str,
    questions: &[(String, String)],
    now: &str,
) -> StoreResult<(Guide, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE interview_guides SET name = $3, questions = $4, updated_at = $5,
            version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(name).bind(questions_json(questions)).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        GUIDE_KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    let guide = get_guide(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((guide, event))
}

/// Deletes a guide; interviews that used it keep their questions.
pub async fn delete_guide(tx: &mut Tx, current: &Guide, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(
        tx,
        "interview_guides",
        "version",
        &current.id,
        current.version,
    )
    .await?;
    repo::events::append(
        tx,
        &current.workspace_id,
        "deleted",
        GUIDE_KIND,
        &current.id,
        None,
        now,
    )
    .await
}

// ---------------------------------------------------------------------------
// Interviews.

/// An interview as stored, with its product key, customer and interviewer,
/// and how many of its answers are filled in and turned into feedback.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Interview {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub customer_id: Option<String>,
    pub customer_name: Option<String>,
    pub customer_email: Option<String>,
    pub interviewer_id: String,
    pub interviewer_name: String,
    pub interviewer_email: String,
    pub held_on: String,
    pub guide_id: Option<String>,
    pub guide_name: String,
    pub title: String,
    pub notes: String,
    pub question_count: i64,
    pub answered_count: i64,
    pub converted_count: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const SELECT: &str = "SELECT t.id, t.workspace_id, t.product_id, p.key AS product_key,
    t.customer_id, cu.name AS customer_name, cu.email AS customer_email,
    t.interviewer_id, u.name AS interviewer_name, u.email AS interviewer_email,
    t.held_on, t.guide_id, t.guide_name, t.title, t.notes,
    (SELECT COUNT(*) FROM interview_answers a WHERE a.interview_id = t.id) AS question_count,
    (SELECT COUNT(*) FROM interview_answers a WHERE a.interview_id = t.id AND a.answer <> '')
        AS answered_count,
    (SELECT COUNT(*) FROM interview_answers a WHERE a.interview_id = t.id
        AND a.feedback_id IS NOT NULL) AS converted_count,
    t.created_at, t.updated_at, t.version
    FROM interviews t
    JOIN products p ON p.id = t.product_id
    JOIN users u ON u.id = t.interviewer_id
    LEFT JOIN customers cu ON cu.id = t.customer_id";

/// One answer (and the question it answers).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Answer {
    pub id: String,
    pub interview_id: String,
    pub position: i64,
    pub question: String,
    pub hint: String,
    pub answer: String,
    pub feedback_id: Option<String>,
    pub updated_at: String,
}

const ANSWERS: &str = "SELECT id, interview_id, position, question, hint, answer, feedback_id,
    updated_at FROM interview_answers";

/// The fields of an interview a person may change.
#[derive(Debug, Clone, PartialEq)]
pub struct InterviewFields {
    pub customer_id: Option<String>,
    pub held_on: String,
    pub title: String,
    pub notes: String,
}

/// What a new interview is made of besides [`InterviewFields`].
#[derive(Debug, Clone)]
pub struct NewInterview<'a> {
    pub workspace_id: &'a str,
    pub product_id: &'a str,
    pub interviewer_id: &'a str,
    pub guide_id: Option<&'a str>,
    pub guide_name: &'a str,
    /// `(question, hint, answer)` in order.
    pub answers: &'a [(String, String, String)],
}

/// Writes a new interview with its questions (and any answers given).
pub async fn create(
    tx: &mut Tx,
    new: &NewInterview<'_>,
    fields: &InterviewFields,
    now: &str,
) -> StoreResult<(Interview, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO interviews (id, workspace_id, product_id, customer_id, interviewer_id, held_on,
            guide_id, guide_name, title, notes, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)"
    ).bind(&id).bind(new.workspace_id).bind(new.product_id).bind(&fields.customer_id)
     .bind(new.interviewer_id).bind(&fields.held_on).bind(new.guide_id).bind(new.guide_name)
     .bind(&fields.title).bind(&fields.notes).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    for (position, (question, hint, answer)) in new.answers.iter().enumerate() {
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO interview_answers (id, interview_id, position, question, hint, answer,
                updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ).bind(new_id()).bind(&id).bind(position as i64).bind(question).bind(hint).bind(answer)
         .bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    }
    let event = repo::events::append(tx, new.workspace_id, "created", KIND, &id, None, now).await?;
    let interview = get(tx.db(), new.workspace_id, &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((interview, event))
}

/// An interview of the workspace, by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Interview>> {
    let row: Option<Interview> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE t.workspace_id = $1 AND t.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// An interview of the workspace, locked until the transaction ends
/// (PostgreSQL; SQLite's single writer needs no lock).
pub async fn lock(tx: &mut Tx, workspace_id: &str, id: &str) -> StoreResult<Option<Interview>> {
    let backend = tx.db().backend();
    let row: Option<Interview> = on_db!(tx.db(), c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE t.workspace_id = $1 AND t.id = $2{}",
        dialect::for_update_of_t(backend)
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// What [`list`] selects.
#[derive(Debug, Clone, Default)]
pub struct InterviewFilter {
    pub product_id: Option<String>,
    pub customer_id: Option<String>,
    /// The last id of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// The workspace's interviews, newest first (by creation), one page;
/// returns the cursor of the next page, if any.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    f: &InterviewFilter,
) -> StoreResult<(Vec<Interview>, Option<String>)> {
    let mut sql = format!("{SELECT} WHERE t.workspace_id = $1");
    let mut binds = vec![workspace_id.to_string()];
    if let Some(p) = &f.product_id {
        binds.push(p.clone());
        sql.push_str(&format!(" AND t.product_id = ${}", binds.len()));
    }
    if let Some(c) = &f.customer_id {
        binds.push(c.clone());
        sql.push_str(&format!(" AND t.customer_id = ${}", binds.len()));
    }
    if let Some(cursor) = repo::cursor_id(f.cursor.as_deref()) {
        binds.push(cursor);
        sql.push_str(&format!(" AND t.id < ${}", binds.len()));
    }
    let limit = f.limit.clamp(1, 500);
    sql.push_str(&format!(" ORDER BY t.id DESC LIMIT {}", limit + 1));
    let rows: Vec<Interview> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(c).await
    })?;
    Ok(take_page(rows, limit, |i: &Interview| &i.id))
}

/// Every interview with this customer, oldest first (for their export).
pub async fn of_customer(
    db: Db<'_>,
    workspace_id: &str,
    customer_id: &str,
) -> StoreResult<Vec<Interview>> {
    let rows: Vec<Interview> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE t.workspace_id = $1 AND t.customer_id = $2 ORDER BY t.id"
    ))).bind(workspace_id).bind(customer_id).fetch_all(c).await)?;
    Ok(rows)
}

/// An interview's answers, in question order.
pub async fn answers(db: Db<'_>, interview_id: &str) -> StoreResult<Vec<Answer>> {
    let rows: Vec<Answer> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ANSWERS} WHERE interview_id = $1 ORDER BY position"
    ))).bind(interview_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Writes `fields` and the changed answers (`(answer id, text)`) over
/// `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Interview,
    fields: &InterviewFields,
    answers: &[(String, String)],
    now: &str,
) -> StoreResult<(Interview, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE interviews SET customer_id = $3, held_on = $4, title = $5, notes = $6,
            updated_at = $7, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.customer_id).bind(&fields.held_on)
     .bind(&fields.title).bind(&fields.notes).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    for (answer_id, text) in answers {
        on_db!(tx.db(), c => sqlx::query(
            "UPDATE interview_answers SET answer = $3, updated_at = $4
             WHERE id = $1 AND interview_id = $2"
        ).bind(answer_id).bind(&current.id).bind(text).bind(now)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    touched(tx, current, "updated", now).await
}

/// The answers of a [`lock`]ed interview that have text and no feedback
/// item yet, in question order.
pub async fn unconverted(tx: &mut Tx, interview_id: &str) -> StoreResult<Vec<Answer>> {
    let rows: Vec<Answer> = on_db!(tx.db(), c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ANSWERS} WHERE interview_id = $1 AND answer <> '' AND feedback_id IS NULL
         ORDER BY position"
    ))).bind(interview_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Records that an answer became a feedback item. Only an answer not yet
/// linked is linked, so a conversion can never overwrite another's link.
pub async fn link_feedback(tx: &mut Tx, answer_id: &str, feedback_id: &str) -> StoreResult<()> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE interview_answers SET feedback_id = $2 WHERE id = $1 AND feedback_id IS NULL"
    ).bind(answer_id).bind(feedback_id).execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    Ok(())
}

/// Records a change to a [`lock`]ed interview's answers made elsewhere
/// (their links to feedback): its version moves and an event is appended.
pub async fn touch(tx: &mut Tx, current: &Interview, now: &str) -> StoreResult<(Interview, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE interviews SET updated_at = $2, version = version + 1 WHERE id = $1"
    ).bind(&current.id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    touched(tx, current, "updated", now).await
}

async fn touched(
    tx: &mut Tx,
    current: &Interview,
    event_type: &str,
    now: &str,
) -> StoreResult<(Interview, Event)> {
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        event_type,
        KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    let interview = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((interview, event))
}

/// Deletes an interview with its answers. Feedback made from it stays.
pub async fn delete(tx: &mut Tx, current: &Interview, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "interviews", "version", &current.id, current.version)
        .await?;
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
