//! Personal API tokens. Only a SHA-256 hash of each secret is stored, so a
//! leaked database does not leak working tokens.

use crate::{Db, Pools, StoreError, StoreResult, Tx};
use keel_domain::Role;
use keel_domain::model::{ApiToken, User, Workspace, WorkspaceAccess};

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: String,
    user_id: String,
    name: String,
    created_at: String,
    last_used_at: Option<String>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> Self {
        ApiToken {
            id: r.id,
            user_id: r.user_id,
            name: r.name,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

pub async fn insert(
    tx: &mut Tx,
    id: &str,
    user_id: &str,
    name: &str,
    token_hash: &str,
    created_at: &str,
) -> StoreResult<ApiToken> {
    let row: TokenRow = on_db!(tx.db(), c => sqlx::query_as(
        "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at)
         VALUES ($1, $2, $3, $4, $5)
         RETURNING id, user_id, name, created_at, last_used_at"
    ).bind(id).bind(user_id).bind(name).bind(token_hash).bind(created_at).fetch_one(c).await)?;
    Ok(row.into())
}

row_type! {
    struct AuthRow {
        token_id: String,
        last_used_at: Option<String>,
        id: String,
        email: String,
        name: String,
        is_admin: bool,
        created_at: String,
    }
}

/// A token that authenticated a request.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub token_id: String,
    pub last_used_at: Option<String>,
    pub user: User,
}

/// The user owning the token with this hash, and the token itself.
pub async fn authenticate(db: Db<'_>, token_hash: &str) -> StoreResult<Option<Authenticated>> {
    let row: Option<AuthRow> = db.fetch_optional(
        "SELECT t.id AS token_id, t.last_used_at, u.id, u.email, u.name, u.is_admin, u.created_at
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1",
        vec![token_hash.into()],
    )
    .await?;
    Ok(row.map(|r| Authenticated {
        token_id: r.token_id,
        last_used_at: r.last_used_at,
        user: User {
            id: r.id,
            email: r.email,
            name: r.name,
            is_admin: r.is_admin,
            created_at: r.created_at,
        },
    }))
}

pub async fn list_for_user(db: Db<'_>, user_id: &str) -> StoreResult<Vec<ApiToken>> {
    let rows: Vec<TokenRow> = on_db!(db, c => sqlx::query_as(
        "SELECT id, user_id, name, created_at, last_used_at FROM api_tokens
         WHERE user_id = $1 ORDER BY id"
    ).bind(user_id).fetch_all(c).await)?;
    Ok(rows.into_iter().map(Into::into).collect())
}

/// Whether the token with this id still exists (revoking deletes it).
pub async fn exists(db: Db<'_>, token_id: &str) -> StoreResult<bool> {
    let row: Option<(String,)> = on_db!(db, c => sqlx::query_as(
        "SELECT id FROM api_tokens WHERE id = $1"
    ).bind(token_id).fetch_optional(c).await)?;
    Ok(row.is_some())
}

/// Deletes one of the user's tokens; `NotFound` when it is not theirs.
pub async fn delete(tx: &mut Tx, user_id: &str, token_id: &str) -> StoreResult<()> {
    let result = on_db!(tx.db(), c => sqlx::query(
        "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2"
    ).bind(token_id).bind(user_id).execute(c).await.map(|r| r.rows_affected()))?;
    if result == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Revokes every token of a user ("log out everywhere"); how many.
pub async fn delete_all_for_user(tx: &mut Tx, user_id: &str) -> StoreResult<u64> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM api_tokens WHERE user_id = $1")
        .bind(user_id).execute(c).await.map(|r| r.rows_affected()))
    .map_err(Into::into)
}

/// Records when a token was last used.
pub async fn touch(tx: &mut Tx, token_id: &str, at: &str) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
        .bind(token_id).bind(at).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

row_type! {
    struct AuthAccessRow {
        token_id: String,
        last_used_at: Option<String>,
        id: String,
        email: String,
        name: String,
        is_admin: bool,
        created_at: String,
        ws_id: Option<String>,
        ws_name: Option<String>,
        ws_slug: Option<String>,
        ws_created_at: Option<String>,
        ws_version: Option<i64>,
        role: Option<String>,
    }
}

/// [`authenticate`] and the caller's standing in the workspace `slug`, in
/// one round trip (the hot path of every workspace request). The access is
/// `None` when the workspace does not exist or the user is not an active
/// member. On SQLite an answer with access is kept in memory until a write
/// changes tokens or standing ([`crate::access_cache`]).
pub async fn authenticate_for_workspace(
    db: Db<'_>,
    token_hash: &str,
    slug: &str,
) -> StoreResult<Option<(Authenticated, Option<WorkspaceAccess>)>> {
    let pool = match &db {
        Db::Pool(store) => Some(*store),
        Db::Tx(_) => None,
    };
    let Some(Pools::Sqlite { direct, .. }) = pool.map(|store| &store.pools) else {
        return read_authentication(db, token_hash, slug).await;
    };
    let cache = direct.access();
    if let Some((auth, access)) = cache.get(token_hash, slug) {
        return Ok(Some((auth, Some(access))));
    }
    let generation = cache.generation();
    // The answer must come from a snapshot begun after `generation` was
    // read, not from one the request opened earlier.
    crate::read_scope::end();
    let found = read_authentication(db, token_hash, slug).await?;
    if let Some((auth, Some(access))) = &found {
        cache.keep(generation, token_hash, slug, (auth.clone(), access.clone()));
    }
    Ok(found)
}

async fn read_authentication(
    db: Db<'_>,
    token_hash: &str,
    slug: &str,
) -> StoreResult<Option<(Authenticated, Option<WorkspaceAccess>)>> {
    let row: Option<AuthAccessRow> = db.fetch_optional(
        "SELECT t.id AS token_id, t.last_used_at, u.id, u.email, u.name, u.is_admin, u.created_at,
            w.id AS ws_id, w.name AS ws_name, w.slug AS ws_slug, w.created_at AS ws_created_at,
            w.version AS ws_version, m.role
         FROM api_tokens t JOIN users u ON u.id = t.user_id
         LEFT JOIN workspaces w ON w.slug = $2
         LEFT JOIN memberships m ON m.workspace_id = w.id AND m.user_id = u.id AND m.active
         WHERE t.token_hash = $1",
        vec![token_hash.into(), slug.into()],
    ).await?;
    Ok(row.map(|r| {
        let access = match (
            r.ws_id,
            r.ws_name,
            r.ws_slug,
            r.ws_created_at,
            r.ws_version,
            r.role,
        ) {
            (Some(id), Some(name), Some(slug), Some(created_at), Some(version), Some(role)) => {
                Some(WorkspaceAccess {
                    workspace: Workspace {
                        id,
                        name,
                        slug,
                        created_at,
                        version,
                    },
                    role: Role::parse("role", &role).unwrap_or(Role::Guest),
                })
            }
            _ => None,
        };
        let auth = Authenticated {
            token_id: r.token_id,
            last_used_at: r.last_used_at,
            user: User {
                id: r.id,
                email: r.email,
                name: r.name,
                is_admin: r.is_admin,
                created_at: r.created_at,
            },
        };
        (auth, access)
    }))
}
