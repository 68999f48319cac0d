//! Roadmaps, their items (features placed in a lane and on the timeline)
//! and their read-only share links.
//!
//! A change to an item moves the roadmap's version and appends one
//! `roadmap` event, so a page showing the roadmap learns of it from the
//! live stream. Positions are kept contiguous (0..n) within each lane.
//! Share links store only the SHA-256 of their secret; revoking deletes the
//! row so the link stops working at once.

use crate::{Db, StoreError, StoreResult, Tx, repo};
use keel_domain::ids::new_id;
use keel_domain::model::Event;

/// The event kind of roadmap changes (items included).
pub const KIND: &str = "roadmap";

/// A roadmap as stored, with its product key.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Roadmap {
    pub id: String,
    pub workspace_id: String,
    pub product_id: String,
    pub product_key: String,
    pub name: String,
    pub description: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `$1` the workspace.
const SELECT: &str = "SELECT r.id, r.workspace_id, r.product_id, p.key AS product_key, r.name,
    r.description, r.created_at, r.updated_at, r.version
    FROM roadmaps r JOIN products p ON p.id = r.product_id
    WHERE r.workspace_id = $1";

pub async fn create(
    tx: &mut Tx,
    workspace_id: &str,
    product_id: &str,
    name: &str,
    description: &str,
    actor_id: &str,
    now: &str,
) -> StoreResult<(Roadmap, Event)> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO roadmaps (id, workspace_id, product_id, name, description, created_by,
            created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
    ).bind(&id).bind(workspace_id).bind(product_id).bind(name).bind(description)
     .bind(actor_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    let event = repo::events::append(tx, workspace_id, "created", KIND, &id, None, now).await?;
    let roadmap = get(tx.db(), workspace_id, &id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((roadmap, event))
}

/// A roadmap of the workspace by id.
pub async fn get(db: Db<'_>, workspace_id: &str, id: &str) -> StoreResult<Option<Roadmap>> {
    let row: Option<Roadmap> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND r.id = $2"
    ))).bind(workspace_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The workspace's roadmaps (of one product when given), oldest first.
pub async fn list(
    db: Db<'_>,
    workspace_id: &str,
    product_id: Option<&str>,
) -> StoreResult<Vec<Roadmap>> {
    let rows: Vec<Roadmap> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} AND ($2 IS NULL OR r.product_id = $2) ORDER BY r.id"
    ))).bind(workspace_id).bind(product_id).fetch_all(c).await)?;
    Ok(rows)
}

/// Renames or redescribes a roadmap; `Stale` if its version moved.
pub async fn update(
    tx: &mut Tx,
    current: &Roadmap,
    name: &str,
    description: &str,
    now: &str,
) -> StoreResult<(Roadmap, Event)> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE roadmaps SET name = $3, description = $4, updated_at = $5, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(name).bind(description).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    updated_event(tx, current, now).await
}

async fn updated_event(tx: &mut Tx, current: &Roadmap, now: &str) -> StoreResult<(Roadmap, Event)> {
    let ws = current.workspace_id.as_str();
    let event = repo::events::append(tx, ws, "updated", KIND, &current.id, None, now).await?;
    let roadmap = get(tx.db(), ws, &current.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok((roadmap, event))
}

/// Moves the roadmap's version after a change to its items.
pub async fn touch(tx: &mut Tx, current: &Roadmap, now: &str) -> StoreResult<(Roadmap, Event)> {
    on_db!(tx.db(), c => sqlx::query(
        "UPDATE roadmaps SET updated_at = $2, version = version + 1 WHERE id = $1"
    ).bind(&current.id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    updated_event(tx, current, now).await
}

/// Deletes a roadmap with its items and share links.
pub async fn delete(tx: &mut Tx, current: &Roadmap, now: &str) -> StoreResult<Event> {
    repo::guard::delete_unchanged(tx, "roadmaps", "version", &current.id, current.version).await?;
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

/// A feature placed on a roadmap, with the feature's title and status.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct Item {
    pub id: String,
    pub roadmap_id: String,
    pub feature_id: String,
    pub feature_title: String,
    pub feature_status: String,
    pub lane: String,
    pub position: i64,
    pub start_month: Option<String>,
    pub end_month: Option<String>,
    pub is_public: bool,
    pub public_title: String,
    pub public_summary: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
}

/// `$1` the workspace, `$2` the roadmap; lanes in now, next, later order.
const ITEM_SELECT: &str = "SELECT i.id, i.roadmap_id, i.feature_id, f.title AS feature_title,
    f.status AS feature_status, i.lane, i.position, i.start_month, i.end_month, i.is_public,
    i.public_title, i.public_summary, i.created_at, i.updated_at, i.version
    FROM roadmap_items i JOIN features f ON f.id = i.feature_id
    WHERE i.workspace_id = $1 AND i.roadmap_id = $2";

const LANE_ORDER: &str =
    "ORDER BY CASE i.lane WHEN 'now' THEN 0 WHEN 'next' THEN 1 ELSE 2 END, i.position, i.id";

/// The roadmap's items, lane by lane in position order.
pub async fn items(db: Db<'_>, workspace_id: &str, roadmap_id: &str) -> StoreResult<Vec<Item>> {
    let rows: Vec<Item> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ITEM_SELECT} {LANE_ORDER}"
    ))).bind(workspace_id).bind(roadmap_id).fetch_all(c).await)?;
    Ok(rows)
}

/// One item of the roadmap.
pub async fn item(
    db: Db<'_>,
    workspace_id: &str,
    roadmap_id: &str,
    id: &str,
) -> StoreResult<Option<Item>> {
    let row: Option<Item> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ITEM_SELECT} AND i.id = $3"
    ))).bind(workspace_id).bind(roadmap_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The item placing this feature on the roadmap, if any.
pub async fn item_of_feature(
    db: Db<'_>,
    workspace_id: &str,
    roadmap_id: &str,
    feature_id: &str,
) -> StoreResult<Option<Item>> {
    let row: Option<Item> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{ITEM_SELECT} AND i.feature_id = $3"
    ))).bind(workspace_id).bind(roadmap_id).bind(feature_id).fetch_optional(c).await)?;
    Ok(row)
}

/// What an item says beyond its place in a lane.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemFields {
    pub start_month: Option<String>,
    pub end_month: Option<String>,
    pub is_public: bool,
    pub public_title: String,
    pub public_summary: String,
}

impl ItemFields {
    pub fn of(i: &Item) -> Self {
        ItemFields {
            start_month: i.start_month.clone(),
            end_month: i.end_month.clone(),
            is_public: i.is_public,
            public_title: i.public_title.clone(),
            public_summary: i.public_summary.clone(),
        }
    }
}

/// Places a feature last in `lane`.
pub async fn add_item(
    tx: &mut Tx,
    roadmap: &Roadmap,
    feature_id: &str,
    lane: &str,
    fields: &ItemFields,
    now: &str,
) -> StoreResult<Item> {
    let id = new_id();
    let (count,): (i64,) = on_db!(tx.db(), c => sqlx::query_as(
        "SELECT COUNT(*) FROM roadmap_items WHERE roadmap_id = $1 AND lane = $2"
    ).bind(&roadmap.id).bind(lane).fetch_one(c).await)?;
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO roadmap_items (id, workspace_id, roadmap_id, feature_id, lane, position,
            start_month, end_month, is_public, public_title, public_summary, created_at,
            updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)"
    ).bind(&id).bind(&roadmap.workspace_id).bind(&roadmap.id).bind(feature_id).bind(lane)
     .bind(count).bind(&fields.start_month).bind(&fields.end_month).bind(fields.is_public)
     .bind(&fields.public_title).bind(&fields.public_summary).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    item(tx.db(), &roadmap.workspace_id, &roadmap.id, &id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Writes new values over an item; `Stale` if its version moved.
pub async fn update_item(
    tx: &mut Tx,
    workspace_id: &str,
    current: &Item,
    fields: &ItemFields,
    now: &str,
) -> StoreResult<Item> {
    let changed = on_db!(tx.db(), c => sqlx::query(
        "UPDATE roadmap_items SET start_month = $3, end_month = $4, is_public = $5,
            public_title = $6, public_summary = $7, updated_at = $8, version = version + 1
         WHERE id = $1 AND version = $2"
    ).bind(&current.id).bind(current.version).bind(&fields.start_month).bind(&fields.end_month)
     .bind(fields.is_public).bind(&fields.public_title).bind(&fields.public_summary).bind(now)
     .execute(c).await.map(|r| r.rows_affected()))?;
    if changed == 0 {
        return Err(StoreError::Stale);
    }
    item(tx.db(), workspace_id, &current.roadmap_id, &current.id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Gives the items of `order` the lane and positions 0..n in that order.
/// Only `moved` gets a new version: its neighbours' content did not change.
pub async fn arrange(
    tx: &mut Tx,
    roadmap_id: &str,
    lane: &str,
    order: &[String],
    moved: Option<&str>,
    now: &str,
) -> StoreResult<()> {
    for (position, id) in order.iter().enumerate() {
        let position = position as i64;
        if moved == Some(id.as_str()) {
            on_db!(tx.db(), c => sqlx::query(
                "UPDATE roadmap_items SET lane = $3, position = $4, updated_at = $5,
                    version = version + 1
                 WHERE id = $1 AND roadmap_id = $2"
            ).bind(id).bind(roadmap_id).bind(lane).bind(position).bind(now)
             .execute(c).await.map(|r| r.rows_affected()))?;
        } else {
            on_db!(tx.db(), c => sqlx::query(
                "UPDATE roadmap_items SET lane = $3, position = $4 WHERE id = $1 AND roadmap_id = $2"
            ).bind(id).bind(roadmap_id).bind(lane).bind(position)
             .execute(c).await.map(|r| r.rows_affected()))?;
        }
    }
    Ok(())
}

/// The ids of a lane's items in position order.
pub async fn lane_order(tx: &mut Tx, roadmap_id: &str, lane: &str) -> StoreResult<Vec<String>> {
    let rows: Vec<(String,)> = on_db!(tx.db(), c => sqlx::query_as(
        "SELECT id FROM roadmap_items WHERE roadmap_id = $1 AND lane = $2 ORDER BY position, id"
    ).bind(roadmap_id).bind(lane).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Takes an item off the roadmap and closes the gap in its lane.
pub async fn remove_item(tx: &mut Tx, current: &Item) -> StoreResult<()> {
    repo::guard::delete_unchanged(tx, "roadmap_items", "version", &current.id, current.version)
        .await?;
    let rest = lane_order(tx, &current.roadmap_id, &current.lane).await?;
    arrange(tx, &current.roadmap_id, &current.lane, &rest, None, "").await
}

/// A share link without its secret.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ShareLink {
    pub id: String,
    pub workspace_id: String,
    pub roadmap_id: String,
    pub label: String,
    pub created_by: String,
    pub created_at: String,
}

const LINK_SELECT: &str =
    "SELECT id, workspace_id, roadmap_id, label, created_by, created_at FROM roadmap_share_links";

/// Stores a share link by the hash of its secret.
pub async fn create_link(
    tx: &mut Tx,
    roadmap: &Roadmap,
    token_hash: &str,
    label: &str,
    actor_id: &str,
    now: &str,
) -> StoreResult<ShareLink> {
    let id = new_id();
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO roadmap_share_links (id, workspace_id, roadmap_id, token_hash, label,
            created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ).bind(&id).bind(&roadmap.workspace_id).bind(&roadmap.id).bind(token_hash).bind(label)
     .bind(actor_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    link(tx.db(), &roadmap.workspace_id, &roadmap.id, &id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// The roadmap's live share links, oldest first.
pub async fn links(
    db: Db<'_>,
    workspace_id: &str,
    roadmap_id: &str,
) -> StoreResult<Vec<ShareLink>> {
    let rows: Vec<ShareLink> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE workspace_id = $1 AND roadmap_id = $2 ORDER BY id"
    ))).bind(workspace_id).bind(roadmap_id).fetch_all(c).await)?;
    Ok(rows)
}

/// One live share link of the roadmap.
pub async fn link(
    db: Db<'_>,
    workspace_id: &str,
    roadmap_id: &str,
    id: &str,
) -> StoreResult<Option<ShareLink>> {
    let row: Option<ShareLink> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE workspace_id = $1 AND roadmap_id = $2 AND id = $3"
    ))).bind(workspace_id).bind(roadmap_id).bind(id).fetch_optional(c).await)?;
    Ok(row)
}

/// The live share link whose secret hashes to `token_hash`.
pub async fn link_by_hash(db: Db<'_>, token_hash: &str) -> StoreResult<Option<ShareLink>> {
    let row: Option<ShareLink> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{LINK_SELECT} WHERE token_hash = $1"
    ))).bind(token_hash).fetch_optional(c).await)?;
    Ok(row)
}

/// Revokes a share link: the row goes, so its secret matches nothing.
pub async fn delete_link(tx: &mut Tx, link: &ShareLink) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM roadmap_share_links WHERE id = $1")
        .bind(&link.id).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}
