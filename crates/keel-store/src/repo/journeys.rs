//! Customer journey maps: a map of a product (optionally for one persona),
//! its stages in order, the text of each stage in each lane, and the links
//! from a stage's opportunities to features (ideas later: `linked_kind`).
//!
//! The map's `version` moves with every change to the map *or its grid*,
//! and every change appends one `journey` event about the map, in the same
//! transaction. Grid writes start with [`lock`], which holds the map row
//! until commit on PostgreSQL (SQLite has one writer), so concurrent stage
//! moves cannot interleave their renumbering.

use crate::repo::companies::take_page;
use crate::{Db, StoreError, StoreResult, Tx, dialect, repo};
use keel_domain::model::Event;

/// The event kind of journey map changes (map and grid alike).
pub const KIND: &str = "journey";

/// A journey map as stored, with its product key, persona and stage count.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Map {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub persona_id: Option<String>,
    pub persona_name: Option<String>,
    pub title: String,
    pub description: String,
    pub stage_count: i64,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const SELECT: &str = "SELECT t.id, t.workspace_id, t.product_id, p.key AS product_key,
    t.persona_id, pe.name AS persona_name, t.title, t.description,
    (SELECT COUNT(*) FROM journey_stages s WHERE s.map_id = t.id) AS stage_count,
    t.created_by, t.created_at, t.updated_at, t.version
    FROM journey_maps t
    JOIN products p ON p.id = t.product_id
    LEFT JOIN personas pe ON pe.id = t.persona_id";

/// The fields of a map (create and update alike).
#[derive(Debug, Clone, PartialEq)]
pub struct MapFields {
    pub title: String,
    pub description: String,
    pub persona_id: Option<String>,
}

/// A stage (a column of the grid).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Stage {
    pub id: String,
    pub map_id: String,
    pub position: i64,
    pub name: String,
    pub emotion: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// The text of one stage in one lane. Cells that were never written are
/// not stored (they read as empty).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Cell {
    pub id: String,
    pub stage_id: String,
    pub lane: String,
    pub text: String,
    pub updated_at: String,
}

/// An opportunity's link, with what it points to when that still exists.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Link {
    pub id: String,
    pub stage_id: String,
    pub linked_kind: String,
    pub linked_id: String,
    /// The feature's or idea's title; `None` when it is gone.
    pub title: Option<String>,
    pub status: Option<String>,
    pub product_key: Option<String>,
    pub created_at: String,
}

/// Writes a new map without stages.
pub async fn create(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    product_id: &str,
    fields: &MapFields,
    created_by: &str,
    now: &str,
) -> StoreResult<(Map, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO journey_maps (id, workspace_id, product_id, persona_id, title, description,
            created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)"
    ).bind(id).bind(workspace_id).bind(product_id).bind(&fields.persona_id).bind(&fields.title)
     .bind(&fields.description).bind(created_by).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, id, None, now).await?;
    let map = get(tx.db(), workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((map, event))
}

/// A map of the workspace, by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Map>> {
    let row: Option<Map> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE t.workspace_id = $1 AND t.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// A map of the workspace, locked until the transaction ends (PostgreSQL;
/// SQLite's single writer needs no lock). Every grid write starts here.
pub async fn lock(tx: &mut Tx, workspace_id: &str, id: &str) -> StoreResult<Option<Map>> {
    let backend = tx.db().backend();
    let row: Option<Map> = on_db!(tx.db(), c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE t.workspace_id = $1 AND t.id = $2{}",
        dialect::for_update_of_t(backend)
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// What [`list`] selects.
#[derive(Debug, Clone, Default)]
pub struct MapFilter {
    pub product_id: Option<String>,
    pub persona_id: Option<String>,
    /// Text in the title (any case).
    pub q: Option<String>,
    /// The last id of the previous page.
    pub cursor: Option<String>,
    pub limit: i64,
}

/// The workspace's maps, newest first, one page; returns the cursor of
/// the next page, if any.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    f: &MapFilter,
) -> StoreResult<(Vec<Map>, Option<String>)> {
    let mut sql = format!("{SELECT} WHERE t.workspace_id = $1");
    let mut binds = vec![workspace_id.to_string()];
    if let Some(p) = &f.product_id {
        binds.push(p.clone());
        sql.push_str(&format!(" AND t.product_id = ${}", binds.len()));
    }
    if let Some(p) = &f.persona_id {
        binds.push(p.clone());
        sql.push_str(&format!(" AND t.persona_id = ${}", binds.len()));
    }
    if let Some(q) = &f.q {
        binds.push(dialect::escape_like(q));
        sql.push_str(" AND ");
        sql.push_str(&dialect::contains_ci(db.backend(), "t.title", binds.len()));
    }
    if let Some(cursor) = repo::cursor_id(f.cursor.as_deref()) {
        binds.push(cursor);
        sql.push_str(&format!(" AND t.id < ${}", binds.len()));
    }
    let limit = f.limit.clamp(1, 500);
    sql.push_str(&format!(" ORDER BY t.id DESC LIMIT {}", limit + 1));
    let rows: Vec<Map> = on_db!(db, c => {
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for b in &binds {
            q = q.bind(b);
        }
        q.fetch_all(c).await
    })?;
    Ok(take_page(rows, limit, |m: &Map| &m.id))
}

/// Writes `fields` over `current`; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Map,
    fields: &MapFields,
    now: &str,
) -> StoreResult<(Map, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE journey_maps SET title = $3, description = $4, persona_id = $5,
            updated_at = $6, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.title).bind(&fields.description)
     .bind(&fields.persona_id).bind(now)
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
    let map = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((map, event))
}

/// Records a change to the grid of a [`lock`]ed map: its version moves
/// and a `journey` event is appended. Returns the map as it now is.
pub async fn touch(tx: &mut Tx, current: &Map, now: &str) -> StoreResult<(Map, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE journey_maps SET updated_at = $2, version = version + 1 WHERE id = $1"
    ).bind(&current.id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
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
    let map = get(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((map, event))
}

/// Deletes a map with its grid and links.
pub async fn delete(tx: &mut Tx, current: &Map, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "journey_maps", "version", &current.id, current.version)
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

// ---------------------------------------------------------------------------
// The grid.

/// A map's stages, in order.
pub async fn stages(db: Db<'_>, map_id: &str) -> StoreResult<Vec<Stage>> {
    let rows: Vec<Stage> = on_db!(db, c => sqlx::query_as(
        "SELECT id, map_id, position, name, emotion, created_at, updated_at
         FROM journey_stages WHERE map_id = $1 ORDER BY position, id"
    ).bind(map_id).fetch_all(c).await)?;
    Ok(rows)
}

/// A map's written cells.
pub async fn cells(db: Db<'_>, map_id: &str) -> StoreResult<Vec<Cell>> {
    let rows: Vec<Cell> = on_db!(db, c => sqlx::query_as(
        "SELECT id, stage_id, lane, text, updated_at FROM journey_cells WHERE map_id = $1
         ORDER BY stage_id, lane"
    ).bind(map_id).fetch_all(c).await)?;
    Ok(rows)
}

const LINKS: &str = "SELECT l.id, ce.stage_id, l.linked_kind, l.linked_id,
    COALESCE(f.title, i.title) AS title, COALESCE(f.status, i.status) AS status,
    p.key AS product_key, l.created_at
    FROM journey_opportunity_links l
    JOIN journey_cells ce ON ce.id = l.cell_id
    LEFT JOIN features f ON l.linked_kind = 'feature' AND f.id = l.linked_id
        AND f.workspace_id = l.workspace_id
    LEFT JOIN ideas i ON l.linked_kind = 'idea' AND i.id = l.linked_id
        AND i.workspace_id = l.workspace_id
    LEFT JOIN products p ON p.id = COALESCE(f.product_id, i.product_id)";

/// A map's opportunity links, oldest first.
pub async fn links(db: Db<'_>, map_id: &str) -> StoreResult<Vec<Link>> {
    let rows: Vec<Link> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINKS} WHERE l.map_id = $1 ORDER BY l.id"
    ))).bind(map_id).fetch_all(c).await)?;
    Ok(rows)
}

/// One link of a map.
pub async fn link(db: Db<'_>, map_id: &str, id: &str) -> StoreResult<Option<Link>> {
    let row: Option<Link> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINKS} WHERE l.map_id = $1 AND l.id = $2"
    ))).bind(map_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// A new stage at `position`; the caller renumbers the others
/// ([`set_positions`]).
pub async fn insert_stage(
    tx: &mut Tx,
    id: &str,
    map_id: &str,
    position: i64,
    name: &str,
    emotion: i64,
    now: &str,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO journey_stages (id, map_id, position, name, emotion, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)"
    ).bind(id).bind(map_id).bind(position).bind(name).bind(emotion).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Renames a stage and sets its emotion.
pub async fn update_stage(
    tx: &mut Tx,
    stage_id: &str,
    name: &str,
    emotion: i64,
    now: &str,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE journey_stages SET name = $2, emotion = $3, updated_at = $4 WHERE id = $1"
    ).bind(stage_id).bind(name).bind(emotion).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Numbers the stages 0, 1, 2, … in the order given (rows already there
/// are left alone).
pub async fn set_positions(tx: &mut Tx, ordered_ids: &[String]) -> StoreResult<()> {
    for (i, id) in ordered_ids.iter().enumerate() {
        on_db!(tx.db(), c => sqlx::query(
            "UPDATE journey_stages SET position = $2 WHERE id = $1 AND position <> $2"
        ).bind(id).bind(i as i64).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Deletes a stage with its cells and their links.
pub async fn delete_stage(tx: &mut Tx, stage_id: &str) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM journey_stages WHERE id = $1")
        .bind(stage_id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Writes a cell's text (creating the cell the first time); returns the
/// cell.
pub async fn put_cell(
    tx: &mut Tx,
    id: &str,
    map_id: &str,
    stage_id: &str,
    lane: &str,
    text: &str,
    now: &str,
) -> StoreResult<Cell> {
    let row: Cell = on_db!(tx.db(), c => sqlx::query_as(
        "INSERT INTO journey_cells (id, map_id, stage_id, lane, text, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (stage_id, lane) DO UPDATE SET text = excluded.text,
            updated_at = excluded.updated_at
         RETURNING id, stage_id, lane, text, updated_at"
    ).bind(id).bind(map_id).bind(stage_id).bind(lane).bind(text).bind(now)
     .fetch_one(c).await)?;
    Ok(row)
}

/// A stage's cell in one lane, if it was ever written.
pub async fn cell(db: Db<'_>, stage_id: &str, lane: &str) -> StoreResult<Option<Cell>> {
    let row: Option<Cell> = on_db!(db, c => sqlx::query_as(
        "SELECT id, stage_id, lane, text, updated_at FROM journey_cells
         WHERE stage_id = $1 AND lane = $2"
    ).bind(stage_id).bind(lane).fetch_optional(c).await)?;
    Ok(row)
}

/// Links a cell to an item; `Conflict("journey_opportunity_links_once")`
/// when it is linked already.
#[allow(clippy::too_many_arguments)]
pub async fn insert_link(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    map_id: &str,
    cell_id: &str,
    linked_kind: &str,
    linked_id: &str,
    created_by: &str,
    now: &str,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO journey_opportunity_links (id, workspace_id, map_id, cell_id, linked_kind,
            linked_id, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ).bind(id).bind(workspace_id).bind(map_id).bind(cell_id).bind(linked_kind).bind(linked_id)
     .bind(created_by).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes a link of a map; whether there was one.
pub async fn delete_link(tx: &mut Tx, map_id: &str, id: &str) -> StoreResult<bool> {
    let n = on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM journey_opportunity_links WHERE map_id = $1 AND id = $2"
    ).bind(map_id).bind(id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(n > 0)
}

/// The maps that link to a feature, for the feature's page: `(map id,
/// map title, stage name)`, oldest link first.
pub async fn maps_linking(
    db: Db<'_>,
    workspace_id: &str,
    linked_kind: &str,
    linked_id: &str,
) -> StoreResult<Vec<(String, String, String)>> {
    let rows: Vec<(String, String, String)> = on_db!(db, c => sqlx::query_as(
        "SELECT m.id, m.title, s.name FROM journey_opportunity_links l
         JOIN journey_maps m ON m.id = l.map_id
         JOIN journey_cells ce ON ce.id = l.cell_id
         JOIN journey_stages s ON s.id = ce.stage_id
         WHERE l.workspace_id = $1 AND l.linked_kind = $2 AND l.linked_id = $3
         ORDER BY l.id"
    ).bind(workspace_id).bind(linked_kind).bind(linked_id).fetch_all(c).await)?;
    Ok(rows)
}
