//! Browser sessions. Like API tokens, only a hash of the session id is
//! stored; the CSRF token is per session and compared on every write.

use crate::{Db, StoreResult, Tx};
use keel_domain::model::User;

/// A live session and its user.
#[derive(Debug, Clone)]
pub struct Session {
    pub user: User,
    pub csrf_token: String,
    pub expires_at: String,
}

pub async fn create(
    tx: &mut Tx,
    id_hash: &str,
    user_id: &str,
    csrf_token: &str,
    now: &str,
    expires_at: &str,
) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query(
        "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)"
    ).bind(id_hash).bind(user_id).bind(csrf_token).bind(now).bind(expires_at)
     .execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

row_type! {
    struct SessionRow {
        csrf_token: String,
        expires_at: String,
        id: String,
        email: String,
        name: String,
        is_admin: bool,
        created_at: String,
    }
}

/// The session with this id hash, if it has not expired at `now`.
pub async fn get(db: Db<'_>, id_hash: &str, now: &str) -> StoreResult<Option<Session>> {
    let row: Option<SessionRow> = db
        .fetch_optional(
            "SELECT s.csrf_token, s.expires_at, u.id, u.email, u.name, u.is_admin, u.created_at
         FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.id_hash = $1 AND s.expires_at > $2",
            vec![id_hash.into(), now.into()],
        )
        .await?;
    Ok(row.map(|r| Session {
        csrf_token: r.csrf_token,
        expires_at: r.expires_at,
        user: User {
            id: r.id,
            email: r.email,
            name: r.name,
            is_admin: r.is_admin,
            created_at: r.created_at,
        },
    }))
}

pub async fn delete(tx: &mut Tx, id_hash: &str) -> StoreResult<()> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
        .bind(id_hash).execute(c).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of a user ("log out everywhere").
pub async fn delete_all_for_user(tx: &mut Tx, user_id: &str) -> StoreResult<u64> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id).execute(c).await.map(|r| r.rows_affected()))
    .map_err(Into::into)
}

/// Removes expired sessions.
pub async fn delete_expired(tx: &mut Tx, now: &str) -> StoreResult<u64> {
    on_db!(tx.db(), c => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now).execute(c).await.map(|r| r.rows_affected()))
    .map_err(Into::into)
}
