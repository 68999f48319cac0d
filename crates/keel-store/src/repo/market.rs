//! Market: competitors and how they cover our features (the comparison
//! matrix), the SWOT board of a product, and market-trend notes.
//!
//! Every change appends an event in the same transaction: kind
//! `competitor` for competitors and their matrix cells (a cell's event
//! names the competitor), `swot` for SWOT items, `trend` for trends.
//! Updates check `version` in the `WHERE` clause (`Stale` otherwise).
//!
//! SWOT positions are renumbered 0, 1, 2, … inside a quadrant whenever an
//! item moves in or out. The event is appended *before* the quadrant is
//! read: its counter update locks the workspace row on PostgreSQL, so two
//! concurrent moves cannot interleave their renumbering (SQLite's single
//! writer serialises them anyway). Neighbours whose position shifts keep
//! their version: only the item that moved changed.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::model::Event;

/// The event kind of competitor changes, matrix cells included.
pub const COMPETITOR_KIND: &str = "competitor";
/// The event kind of SWOT item changes.
pub const SWOT_KIND: &str = "swot";
/// The event kind of trend changes.
pub const TREND_KIND: &str = "trend";

// ---------------------------------------------------------------------------
// Competitors.

/// A competitor as stored; `product_id` is `None` for a competitor of
/// every product of the workspace.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Competitor {
    pub id: String,
    pub workspace_id: String,
    pub product_id: Option<String>,
    pub product_key: Option<String>,
    pub name: String,
    pub website: String,
    pub description: String,
    pub strengths: String,
    pub weaknesses: String,
    pub pricing: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const COMPETITOR: &str = "SELECT c.id, c.workspace_id, c.product_id, p.key AS product_key, c.name,
    c.website, c.description, c.strengths, c.weaknesses, c.pricing, c.created_at, c.updated_at,
    c.version
    FROM competitors c LEFT JOIN products p ON p.id = c.product_id";

/// The fields of a competitor (create and update alike).
#[derive(Debug, Clone, PartialEq)]
pub struct CompetitorFields {
    pub product_id: Option<String>,
    pub name: String,
    pub website: String,
    pub description: String,
    pub strengths: String,
    pub weaknesses: String,
    pub pricing: String,
}

/// Writes a new competitor; `Conflict("competitors_workspace_name")` when
/// the workspace has one of that name already (any case).
pub async fn create_competitor(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    f: &CompetitorFields,
    now: &str,
) -> StoreResult<(Competitor, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO competitors (id, workspace_id, product_id, name, website, description,
            strengths, weaknesses, pricing, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)"
    ).bind(id).bind(workspace_id).bind(&f.product_id).bind(&f.name).bind(&f.website)
     .bind(&f.description).bind(&f.strengths).bind(&f.weaknesses).bind(&f.pricing).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event =
        repo::events::append(tx, workspace_id, "created", COMPETITOR_KIND, id, None, now).await?;
    let competitor = get_competitor(tx.db(), workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((competitor, event))
}

/// A competitor of the workspace, by id.
pub async fn get_competitor(
    db: Db<'_>,
    workspace_id: &str,
    id: &str,
) -> StoreResult<Option<Competitor>> {
    let row: Option<Competitor> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{COMPETITOR} WHERE c.workspace_id = $1 AND c.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's competitors by name; with a product, those of that
/// product and those of every product.
pub async fn list_competitors(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<Competitor>> {
    let rows: Vec<Competitor> = match product_id {
        Some(p) => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COMPETITOR} WHERE c.workspace_id = $1 AND (c.product_id = $2 OR c.product_id IS NULL)
             ORDER BY lower(c.name), c.id"
        ))).bind(workspace_id).bind(p).fetch_all(c).await)?,
        None => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{COMPETITOR} WHERE c.workspace_id = $1 ORDER BY lower(c.name), c.id"
        ))).bind(workspace_id).fetch_all(c).await)?,
    };
    Ok(rows)
}

/// Writes `f` over `current`; `Stale` if its version moved.
pub async fn update_competitor(
    tx: &mut Tx,
    current: &Competitor,
    f: &CompetitorFields,
    now: &str,
) -> StoreResult<(Competitor, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE competitors SET product_id = $3, name = $4, website = $5, description = $6,
            strengths = $7, weaknesses = $8, pricing = $9, updated_at = $10, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&f.product_id).bind(&f.name).bind(&f.website)
     .bind(&f.description).bind(&f.strengths).bind(&f.weaknesses).bind(&f.pricing).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        COMPETITOR_KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    let competitor = get_competitor(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((competitor, event))
}

/// Deletes a competitor and its matrix cells.
pub async fn delete_competitor(tx: &mut Tx, current: &Competitor, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "competitors", "version", &current.id, current.version)
        .await?;
    repo::events::append(
        tx,
        &current.workspace_id,
        "deleted",
        COMPETITOR_KIND,
        &current.id,
        None,
        now,
    )
    .await
}

// ---------------------------------------------------------------------------
// Matrix cells.

/// One cell of the comparison matrix, with the feature it is about.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Cell {
    pub id: String,
    pub competitor_id: String,
    pub feature_id: String,
    pub feature_title: String,
    pub product_key: String,
    pub level: String,
    pub note: String,
    pub updated_at: String,
    pub version: i64,
}

const CELL: &str = "SELECT cf.id, cf.competitor_id, cf.feature_id, f.title AS feature_title,
    p.key AS product_key, cf.level, cf.note, cf.updated_at, cf.version
    FROM competitor_features cf
    JOIN features f ON f.id = cf.feature_id
    JOIN products p ON p.id = f.product_id";

/// What [`set_cell`] writes.
#[derive(Debug, Clone)]
pub struct CellWrite<'a> {
    /// The id a new cell takes (an existing one keeps its own).
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub competitor_id: &'a str,
    pub feature_id: &'a str,
    pub level: &'a str,
    pub note: &'a str,
    pub now: &'a str,
}

/// Sets how a competitor covers a feature. A cell that already says
/// exactly this is left alone (no version bump, no event: `None`).
pub async fn set_cell(tx: &mut Tx, w: &CellWrite<'_>) -> StoreResult<(Cell, Option<Event>)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO competitor_features (id, workspace_id, competitor_id, feature_id, level, note,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
         ON CONFLICT (competitor_id, feature_id) DO UPDATE
            SET level = excluded.level, note = excluded.note, updated_at = excluded.updated_at,
                version = competitor_features.version + 1
            WHERE competitor_features.level <> excluded.level
               OR competitor_features.note <> excluded.note"
    ).bind(w.id).bind(w.workspace_id).bind(w.competitor_id).bind(w.feature_id).bind(w.level)
     .bind(w.note).bind(w.now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event = if changed > 0 {
        Some(
            repo::events::append(
                tx,
                w.workspace_id,
                "updated",
                COMPETITOR_KIND,
                w.competitor_id,
                None,
                w.now,
            )
            .await?,
        )
    } else {
        None
    };
    let cell: Option<Cell> = on_db!(tx.db(), c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CELL} WHERE cf.competitor_id = $1 AND cf.feature_id = $2"
    ))).bind(w.competitor_id).bind(w.feature_id).fetch_optional(c).await)?;
    Ok((cell.ok_or(StoreError::NotFound)?, event))
}

/// Every cell about the features of one product.
pub async fn cells_of_product(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
) -> StoreResult<Vec<Cell>> {
    let rows: Vec<Cell> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CELL} WHERE cf.workspace_id = $1 AND f.product_id = $2 ORDER BY cf.id"
    ))).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Every cell of one competitor, by product and feature title.
pub async fn cells_of_competitor(db: Db<'_>, competitor_id: &str) -> StoreResult<Vec<Cell>> {
    let rows: Vec<Cell> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{CELL} WHERE cf.competitor_id = $1 ORDER BY p.key, lower(f.title), cf.id"
    ))).bind(competitor_id).fetch_all(c).await)?;
    Ok(rows)
}

// ---------------------------------------------------------------------------
// SWOT items.

/// A SWOT item as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct SwotItem {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub quadrant: String,
    pub text: String,
    pub position: i64,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const SWOT: &str = "SELECT s.id, s.workspace_id, s.product_id, p.key AS product_key, s.quadrant,
    s.text, s.position, s.created_at, s.updated_at, s.version
    FROM swot_items s JOIN products p ON p.id = s.product_id";

/// What [`create_swot`] writes.
#[derive(Debug, Clone)]
pub struct NewSwotItem<'a> {
    pub id: &'a str,
    pub workspace_id: &'a str,
    pub product_id: &'a str,
    pub quadrant: &'a str,
    pub text: &'a str,
    /// Where in the quadrant; `None` = last.
    pub position: Option<i64>,
    pub now: &'a str,
}

/// Ids of a quadrant's items in board order.
pub async fn quadrant_ids(
    db: Db<'_>,
    product_id: &str,
    quadrant: &str,
) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT id FROM swot_items WHERE product_id = $1 AND quadrant = $2 ORDER BY position, id"
    ).bind(product_id).bind(quadrant).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Gives each id its index as position (and `quadrant`).
async fn set_positions(tx: &mut Tx, quadrant: &str, ids: &[String]) -> StoreResult<()> {
    for (position, id) in ids.iter().enumerate() {
        on_db!(tx.db(), c => sqlx::query(
            "UPDATE swot_items SET quadrant = $2, position = $3
             WHERE id = $1 AND (quadrant <> $2 OR position <> $3)"
        ).bind(id).bind(quadrant).bind(position as i64)
         .execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}

/// Adds an item to a quadrant at `position` (renumbering the quadrant).
pub async fn create_swot(tx: &mut Tx, n: &NewSwotItem<'_>) -> StoreResult<(SwotItem, Event)> {
    let event =
        repo::events::append(tx, n.workspace_id, "created", SWOT_KIND, n.id, None, n.now).await?;
    let others = quadrant_ids(tx.db(), n.product_id, n.quadrant).await?;
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO swot_items (id, workspace_id, product_id, quadrant, text, position,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
    ).bind(n.id).bind(n.workspace_id).bind(n.product_id).bind(n.quadrant).bind(n.text)
     .bind(others.len() as i64).bind(n.now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let order = keel_domain::market::place(&others, n.id, n.position);
    set_positions(tx, n.quadrant, &order).await?;
    let item = get_swot(tx.db(), n.workspace_id, n.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((item, event))
}

/// A SWOT item of the workspace, by id.
pub async fn get_swot(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<SwotItem>> {
    let row: Option<SwotItem> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SWOT} WHERE s.workspace_id = $1 AND s.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The SWOT board of a product: every item, by quadrant and position.
pub async fn list_swot(
    db: Db<'_>,
    workspace_id: &str,
    product_id: &str,
) -> StoreResult<Vec<SwotItem>> {
    let rows: Vec<SwotItem> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SWOT} WHERE s.workspace_id = $1 AND s.product_id = $2
         ORDER BY s.quadrant, s.position, s.id"
    ))).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Changes an item's text and, when `position` is given or the quadrant
/// changes, moves it there (both quadrants renumbered). `Stale` if its
/// version moved.
pub async fn update_swot(
    tx: &mut Tx,
    current: &SwotItem,
    quadrant: &str,
    text: &str,
    position: Option<i64>,
    now: &str,
) -> StoreResult<(SwotItem, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE swot_items SET text = $3, updated_at = $4, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(text).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        SWOT_KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    let moves = quadrant != current.quadrant || position.is_some();
    if moves {
        let mut target = quadrant_ids(tx.db(), &current.product_id, quadrant).await?;
        if quadrant != current.quadrant {
            let mut left = quadrant_ids(tx.db(), &current.product_id, &current.quadrant).await?;
            left.retain(|id| *id != current.id);
            set_positions(tx, &current.quadrant, &left).await?;
            target.retain(|id| *id != current.id);
        }
        let order = keel_domain::market::place(&target, &current.id, position);
        set_positions(tx, quadrant, &order).await?;
    }
    let item = get_swot(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((item, event))
}

/// Deletes an item and closes the gap in its quadrant.
pub async fn delete_swot(tx: &mut Tx, current: &SwotItem, now: &str) -> StoreResult<Event> {
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        "deleted",
        SWOT_KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    repo::guard::delete_unchanged(tx, "swot_items", "version", &current.id, current.version)
        .await?;
    let rest = quadrant_ids(tx.db(), &current.product_id, &current.quadrant).await?;
    set_positions(tx, &current.quadrant, &rest).await?;
    Ok(event)
}

// ---------------------------------------------------------------------------
// Market trends.

/// A market trend as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Trend {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub title: String,
    pub body: String,
    pub source_url: String,
    pub observed_on: String,
    pub impact: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

const TREND: &str = "SELECT t.id, t.workspace_id, t.product_id, p.key AS product_key, t.title,
    t.body, t.source_url, t.observed_on, t.impact, t.created_at, t.updated_at, t.version
    FROM market_trends t JOIN products p ON p.id = t.product_id";

/// The fields of a trend (create and update alike).
#[derive(Debug, Clone, PartialEq)]
pub struct TrendFields {
    pub title: String,
    pub body: String,
    pub source_url: String,
    /// `YYYY-MM-DD`.
    pub observed_on: String,
    pub impact: String,
}

pub async fn create_trend(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    product_id: &str,
    f: &TrendFields,
    now: &str,
) -> StoreResult<(Trend, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO market_trends (id, workspace_id, product_id, title, body, source_url,
            observed_on, impact, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)"
    ).bind(id).bind(workspace_id).bind(product_id).bind(&f.title).bind(&f.body)
     .bind(&f.source_url).bind(&f.observed_on).bind(&f.impact).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    let event =
        repo::events::append(tx, workspace_id, "created", TREND_KIND, id, None, now).await?;
    let trend = get_trend(tx.db(), workspace_id, id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((trend, event))
}

/// A trend of the workspace, by id.
pub async fn get_trend(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Trend>> {
    let row: Option<Trend> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{TREND} WHERE t.workspace_id = $1 AND t.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's trends (of one product, if given), most recently
/// observed first.
pub async fn list_trends(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<Trend>> {
    let rows: Vec<Trend> = match product_id {
        Some(p) => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{TREND} WHERE t.workspace_id = $1 AND t.product_id = $2
             ORDER BY t.observed_on DESC, t.id DESC"
        ))).bind(workspace_id).bind(p).fetch_all(c).await)?,
        None => on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{TREND} WHERE t.workspace_id = $1 ORDER BY t.observed_on DESC, t.id DESC"
        ))).bind(workspace_id).fetch_all(c).await)?,
    };
    Ok(rows)
}

/// Writes `f` over `current`; `Stale` if its version moved.
pub async fn update_trend(
    tx: &mut Tx,
    current: &Trend,
    f: &TrendFields,
    now: &str,
) -> StoreResult<(Trend, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE market_trends SET title = $3, body = $4, source_url = $5, observed_on = $6,
            impact = $7, updated_at = $8, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&f.title).bind(&f.body).bind(&f.source_url)
     .bind(&f.observed_on).bind(&f.impact).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    let event = repo::events::append(
        tx,
        &current.workspace_id,
        "updated",
        TREND_KIND,
        &current.id,
        None,
        now,
    )
    .await?;
    let trend = get_trend(tx.db(), &current.workspace_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((trend, event))
}

pub async fn delete_trend(tx: &mut Tx, current: &Trend, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "market_trends", "version", &current.id, current.version)
        .await?;
    repo::events::append(
        tx,
        &current.workspace_id,
        "deleted",
        TREND_KIND,
        &current.id,
        None,
        now,
    )
    .await
}
