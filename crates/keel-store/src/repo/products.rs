//! Products (with their task-number counters) and teams.

use crate::{Db, StoreError, StoreResult, Tx};
use keel_domain::model::{Product, Team};

row_type! {
    struct ProductRow {
        id: String,
        workspace_id: String,
        key: String,
        name: String,
        vision: String,
        portal_enabled: bool,
        portal_intro: String,
        created_at: String,
        updated_at: String,
        version: i64,
    }
}

impl From<ProductRow> for Product {
    fn from(r: ProductRow) -> Self {
        Product {
            id: r.id,
            workspace_id: r.workspace_id,
            key: r.key,
            name: r.name,
            vision: r.vision,
            portal_enabled: r.portal_enabled,
            portal_intro: r.portal_intro,
            created_at: r.created_at,
            updated_at: r.updated_at,
            version: r.version,
        }
    }
}

const COLUMNS: &str = "id, workspace_id, key, name, vision, portal_enabled, portal_intro, created_at, updated_at, version";

pub async fn create(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    key: &str,
    name: &str,
    vision: &str,
    now: &str,
) -> StoreResult<Product> {
    let row: ProductRow = on_db!(tx.db(), c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "INSERT INTO products (id, workspace_id, key, name, vision, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING {COLUMNS}"
    ))).bind(id).bind(workspace_id).bind(key).bind(name).bind(vision).bind(now).fetch_one(c).await)?;
    Ok(row.into())
}

pub async fn list(db: Db<'_>, workspace_id: &str) -> StoreResult<Vec<Product>> {
    let rows: Vec<ProductRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM products WHERE workspace_id = $1 ORDER BY key"
    ))).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// A product by key or id, within the workspace.
pub async fn get(db: Db<'_>, workspace_id: &str, key_or_id: &str) -> StoreResult<Option<Product>> {
    let row: Option<ProductRow> = db
        .fetch_optional(
            &format!(
                "SELECT {COLUMNS} FROM products WHERE workspace_id = $1 AND (key = $2 OR id = $2)"
            ),
            vec![workspace_id.into(), key_or_id.into()],
        )
        .await?;
    Ok(row.map(Into::into))
}

/// The fields of a product its admins change.
#[derive(Debug, Clone)]
pub struct ProductFields {
    pub name: String,
    pub vision: String,
    pub portal_enabled: bool,
    pub portal_intro: String,
}

pub async fn update(
    tx: &mut Tx,
    id: &str,
    fields: &ProductFields,
    expected_version: Option<i64>,
    now: &str,
) -> StoreResult<Product> {
    let row: Option<ProductRow> = on_db!(tx.db(), c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "UPDATE products SET name = $2, vision = $3, portal_enabled = $6, portal_intro = $7,
            updated_at = $4, version = version + 1
         WHERE id = $1 AND ($5 IS NULL OR version = $5) RETURNING {COLUMNS}"
    ))).bind(id).bind(&fields.name).bind(&fields.vision).bind(now).bind(expected_version)
       .bind(fields.portal_enabled).bind(&fields.portal_intro).fetch_optional(c).await)?;
    row.map(Into::into).ok_or(StoreError::Stale)
}

#[derive(sqlx::FromRow)]
struct TeamRow {
    id: String,
    workspace_id: String,
    key: String,
    name: String,
    created_at: String,
    version: i64,
}

impl From<TeamRow> for Team {
    fn from(r: TeamRow) -> Self {
        Team {
            id: r.id,
            workspace_id: r.workspace_id,
            key: r.key,
            name: r.name,
            created_at: r.created_at,
            version: r.version,
        }
    }
}

pub async fn create_team(
    tx: &mut Tx,
    id: &str,
    workspace_id: &str,
    key: &str,
    name: &str,
    now: &str,
) -> StoreResult<Team> {
    let row: TeamRow = on_db!(tx.db(), c => sqlx::query_as(
        "INSERT INTO teams (id, workspace_id, key, name, created_at) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, workspace_id, key, name, created_at, version"
    ).bind(id).bind(workspace_id).bind(key).bind(name).bind(now).fetch_one(c).await)?;
    Ok(row.into())
}

pub async fn teams(db: Db<'_>, workspace_id: &str) -> StoreResult<Vec<Team>> {
    let rows: Vec<TeamRow> = on_db!(db, c => sqlx::query_as(
        "SELECT id, workspace_id, key, name, created_at, version FROM teams
         WHERE workspace_id = $1 ORDER BY key"
    ).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn team(db: Db<'_>, workspace_id: &str, key_or_id: &str) -> StoreResult<Option<Team>> {
    let row: Option<TeamRow> = on_db!(db, c => sqlx::query_as(
        "SELECT id, workspace_id, key, name, created_at, version FROM teams
         WHERE workspace_id = $1 AND (key = $2 OR id = $2)"
    ).bind(workspace_id).bind(key_or_id).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

/// Whether a feature with this id exists in the workspace.
pub async fn feature_exists(db: Db<'_>, workspace_id: &str, feature_id: &str) -> StoreResult<bool> {
    let row: Option<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT id FROM features WHERE workspace_id = $1 AND id = $2"
    ).bind(workspace_id).bind(feature_id).fetch_optional(c).await)?;
    Ok(row.is_some())
}

/// The product behind a public portal address, only while its portal is
/// open: `(workspace id, product)`. Anyone may ask, so a closed portal and
/// a missing product look the same.
pub async fn open_portal(
    db: Db<'_>,
    workspace_slug: &str,
    key: &str,
) -> StoreResult<Option<(String, Product)>> {
    let row: Option<ProductRow> = on_db!(db, c => sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM products p JOIN workspaces w ON w.id = p.workspace_id
         WHERE w.slug = $1 AND p.key = $2 AND p.portal_enabled = TRUE",
        COLUMNS.split(", ").map(|c| format!("p.{c}")).collect::<Vec<_>>().join(", ")
    ))).bind(workspace_slug).bind(key).fetch_optional(c).await)?;
    Ok(row.map(|r| (r.workspace_id.clone(), r.into())))
}
