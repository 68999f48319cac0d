//! Personas: the archetypes customers belong to, with their goals, pains
//! and jobs to be done. Names are unique per workspace regardless of case
//! (`personas_workspace_name`), so a persona can be named instead of given
//! by id. Every change appends a `persona` event in the same transaction.

use crate::repo::companies::take_page;
use crate::{Db, StoreError, StoreResult, Tx, dialect, repo};
use keel_domain::model::Event;

/// The event kind of persona changes.
pub const KIND: &str = "persona";

/// A persona as stored, with how many customers belong to it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Persona {
    pub id: String,
    pub workspace_id: String,
    pub name: String,
    pub description: String,
    pub goals: String,
    pub pains: String,
    pub jobs: String,
    pub customer_count: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// A customer as a persona lists them.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
}

const SELECT: &str = "SELECT pe.id, pe.workspace_id, pe.name, pe.description, pe.goals, pe.pains,
    pe.jobs,
    (SELECT COUNT(*) FROM customers cu WHERE cu.persona_id = pe.id) AS customer_count,
    pe.created_at, pe.updated_at, pe.version
    FROM personas pe";

/// The fields of a persona (create and update alike).
#[derive(Debug, Clone, PartialEq)]
pub struct PersonaFields {
    pub name: String,
    pub description: String,
    pub goals: String,
    pub pains: String,
    pub jobs: String,
}

/// Writes a new persona; `Conflict("personas_workspace_name")` when the
/// workspace already has one of that name (any case).
pub async fn create(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    fields: &PersonaFields,
    now: &str,
) -> StoreResult<(Persona, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO personas (id, workspace_id, name, description, goals, pains, jobs,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
    ).bind(id).bind(workspace_id).bind(&fields.name).bind(&fields.description)
     .bind(&fields.goals).bind(&fields.pains).bind(&fields.jobs).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, id, None, now).await?;
    let persona = get(tx.db(), workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((persona, event))
}

/// A persona of the workspace, by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Persona>> {
    let row: Option<Persona> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE pe.workspace_id = $1 AND pe.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// A persona of the workspace by id, or else by name (any case).
pub async fn find(
    db: Db<'_>,
    workspace_id: &str,
    id_or_name: &str,
) -> StoreResult<Option<Persona>> {
    let row: Option<Persona> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE pe.workspace_id = $1 AND (pe.id = $2 OR lower(pe.name) = lower($2))
         ORDER BY CASE WHEN pe.id = $2 THEN 0 ELSE 1 END LIMIT 1"
    ))).bind(workspace_id).bind(id_or_name).fetch_optional(c).await)?;
    Ok(row)
}

/// What [`list`] selects.
#[derive(Debug, Clone, Default)]
pub struct PersonaFilter {
    /// Text in the name (any case).
    pub q: Option<String>,
    /// The last id of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// The workspace's personas, newest first, one page; returns the cursor
/// of the next page, if any.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    f: &PersonaFilter,
) -> StoreResult<(Vec<Persona>, Option<String>)> {
    let mut sql = format!("{SELECT} WHERE pe.workspace_id = $1");
    let mut binds = vec![workspace_id.to_string()];
    if let Some(q) = &f.q {
        binds.push(dialect::escape_like(q));
        sql.push_str(" AND ");
        sql.push_str(&dialect::contains_ci(db.backend(), "pe.name", binds.len()));
    }
    if let Some(cursor) = repo::cursor_id(f.cursor.as_deref()) {
        binds.push(cursor);
        sql.push_str(&format!(" AND pe.id < ${}", binds.len()));
    }
    let limit = f.limit.clamp(1, 500);
    sql.push_str(&format!(" ORDER BY pe.id DESC LIMIT {}", limit + 1));
    let rows: Vec<Persona> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(c).await
    })?;
    Ok(take_page(rows, limit, |p: &Persona| &p.id))
}

/// The customers who belong to a persona, by name.
pub async fn members(db: Db<'_>, persona_id: &str) -> StoreResult<Vec<Member>> {
    let rows: Vec<Member> = on_db!(db, c => sqlx::query_as(
        "SELECT id, name, email FROM customers WHERE persona_id = $1 ORDER BY lower(name), id"
    ).bind(persona_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Writes `fields` over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Persona,
    fields: &PersonaFields,
    now: &str,
) -> StoreResult<(Persona, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE personas SET name = $3, description = $4, goals = $5, pains = $6, jobs = $7,
            updated_at = $8, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.name).bind(&fields.description)
     .bind(&fields.goals).bind(&fields.pains).bind(&fields.jobs).bind(now)
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
    let persona = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((persona, event))
}
