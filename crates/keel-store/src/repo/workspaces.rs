//! Workspaces and their memberships.

use crate::repo::person;
use crate::{Db, StoreError, StoreResult, Tx};
use keel_domain::Role;
use keel_domain::model::{Membership, Workspace, WorkspaceAccess};

#[derive(sqlx::FromRow)]
struct WorkspaceRow {
    id: String,
    name: String,
    slug: String,
    created_at: String,
    version: i64,
}

impl From<WorkspaceRow> for Workspace {
    fn from(r: WorkspaceRow) -> Self {
        Workspace {
            id: r.id,
            name: r.name,
            slug: r.slug,
            created_at: r.created_at,
            version: r.version,
        }
    }
}

/// Roles are stored by name; an unknown name can only come from a bad
/// manual edit, and is treated as the least powerful role.
fn role_of(s: &str) -> Role {
    Role::parse("role", s).unwrap_or(Role::Guest)
}

/// Creates a workspace with `owner_id` as its owner.
pub async fn create(
    tx: &mut Tx,
    id: &str,
    name: &str,
    slug: &str,
    owner_id: &str,
    now: &str,
) -> StoreResult<Workspace> {
    let row: WorkspaceRow = on_db!(tx.db(), c => sqlx::query_as(
        "INSERT INTO workspaces (id, name, slug, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)
         RETURNING id, name, slug, created_at, version"
    ).bind(id).bind(name).bind(slug).bind(now).fetch_one(c).await)?;
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at)
         VALUES ($1, $2, 'owner', $3, $3)"
    ).bind(id).bind(owner_id).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(row.into())
}

row_type! {
    struct AccessRow {
        id: String,
        name: String,
        slug: String,
        created_at: String,
        version: i64,
        role: String,
    }
}

/// The workspace with this slug and the user's role in it, if they are an
/// active member. Non-members get `None`, exactly as if it did not exist.
pub async fn access(db: Db<'_>, slug: &str, user_id: &str) -> StoreResult<Option<WorkspaceAccess>> {
    let row: Option<AccessRow> = db
        .fetch_optional(
            "SELECT w.id, w.name, w.slug, w.created_at, w.version, m.role
         FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
         WHERE w.slug = $1 AND m.user_id = $2 AND m.active",
            vec![slug.into(), user_id.into()],
        )
        .await?;
    Ok(row.map(|r| WorkspaceAccess {
        role: role_of(&r.role),
        workspace: Workspace {
            id: r.id,
            name: r.name,
            slug: r.slug,
            created_at: r.created_at,
            version: r.version,
        },
    }))
}

/// Every workspace the user is an active member of, with their role.
pub async fn list_for_user(db: Db<'_>, user_id: &str) -> StoreResult<Vec<WorkspaceAccess>> {
    let rows: Vec<AccessRow> = on_db!(db, c => sqlx::query_as(
        "SELECT w.id, w.name, w.slug, w.created_at, w.version, m.role
         FROM workspaces w JOIN memberships m ON m.workspace_id = w.id
         WHERE m.user_id = $1 AND m.active ORDER BY w.slug"
    ).bind(user_id).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|r| WorkspaceAccess {
            role: role_of(&r.role),
            workspace: Workspace {
                id: r.id,
                name: r.name,
                slug: r.slug,
                created_at: r.created_at,
                version: r.version,
            },
        })
        .collect())
}

pub async fn rename(
    tx: &mut Tx,
    id: &str,
    name: &str,
    expected_version: Option<i64>,
    now: &str,
) -> StoreResult<Workspace> {
    let row: Option<WorkspaceRow> = on_db!(tx.db(), c => sqlx::query_as(
        "UPDATE workspaces SET name = $2, updated_at = $3, version = version + 1
         WHERE id = $1 AND ($4 IS NULL OR version = $4)
         RETURNING id, name, slug, created_at, version"
    ).bind(id).bind(name).bind(now).bind(expected_version).fetch_optional(c).await)?;
    row.map(Into::into).ok_or(StoreError::Stale)
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    workspace_id: String,
    user_id: String,
    user_name: String,
    user_email: String,
    role: String,
    active: bool,
    created_at: String,
    version: i64,
}

impl From<MemberRow> for Membership {
    fn from(r: MemberRow) -> Self {
        Membership {
            workspace_id: r.workspace_id,
            user: person(r.user_id, r.user_name, r.user_email),
            role: role_of(&r.role),
            active: r.active,
            created_at: r.created_at,
            version: r.version,
        }
    }
}

const MEMBER_SELECT: &str = "SELECT m.workspace_id, u.id AS user_id, u.name AS user_name,
    u.email AS user_email, m.role, m.active, m.created_at, m.version
    FROM memberships m JOIN users u ON u.id = m.user_id";

pub async fn members(db: Db<'_>, workspace_id: &str) -> StoreResult<Vec<Membership>> {
    let rows: Vec<MemberRow> = on_db!(db, c => sqlx::query_as(
        sqlx::AssertSqlSafe(format!("{MEMBER_SELECT} WHERE m.workspace_id = $1 ORDER BY u.email"))
    ).bind(workspace_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// The membership of the user given by id or email.
pub async fn member(db: Db<'_>, workspace_id: &str, who: &str) -> StoreResult<Option<Membership>> {
    let row: Option<MemberRow> = on_db!(db, c => sqlx::query_as(
        sqlx::AssertSqlSafe(format!(
            "{MEMBER_SELECT} WHERE m.workspace_id = $1 AND (u.id = $2 OR u.email = $3)"
        ))
    ).bind(workspace_id).bind(who).bind(who.trim().to_lowercase()).fetch_optional(c).await)?;
    Ok(row.map(Into::into))
}

pub async fn add_member(
    tx: &mut Tx,
    workspace_id: &str,
    user_id: &str,
    role: Role,
    now: &str,
) -> StoreResult<Membership> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO memberships (workspace_id, user_id, role, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4)"
    ).bind(workspace_id).bind(user_id).bind(role.as_str()).bind(now).execute(c).await.map(|r| r.rows_affected()))?;
    member(tx.db(), workspace_id, user_id)
        .await?
        .ok_or(StoreError::NotFound)
}

pub async fn update_member(
    tx: &mut Tx,
    workspace_id: &str,
    user_id: &str,
    role: Role,
    active: bool,
    expected_version: Option<i64>,
    now: &str,
) -> StoreResult<Membership> {
    let result = on_db!(tx.db(), c => sqlx::query(
        "UPDATE memberships SET role = $3, active = $4, updated_at = $5, version = version + 1
         WHERE workspace_id = $1 AND user_id = $2 AND ($6 IS NULL OR version = $6)"
    ).bind(workspace_id).bind(user_id).bind(role.as_str()).bind(active).bind(now)
     .bind(expected_version).execute(c).await.map(|r| r.rows_affected()))?;
    if result == 0 {
        return Err(StoreError::Stale);
    }
    member(tx.db(), workspace_id, user_id)
        .await?
        .ok_or(StoreError::NotFound)
}

/// How many active owners the workspace has; the last one cannot leave.
pub async fn active_owner_count(db: Db<'_>, workspace_id: &str) -> StoreResult<i64> {
    let (n,): (i64,) = on_db!(db, c => sqlx::query_as(
        "SELECT COUNT(*) FROM memberships WHERE workspace_id = $1 AND role = 'owner' AND active"
    ).bind(workspace_id).fetch_one(c).await)?;
    Ok(n)
}
