//! Accounts.

use crate::{Db, StoreResult, Tx};
use keel_domain::model::{User, UserCredentials};

#[derive(sqlx::FromRow)]
struct UserRow {
    id: String,
    email: String,
    name: String,
    is_admin: bool,
    created_at: String,
    password_hash: String,
}

impl UserRow {
    fn user(self) -> User {
        User {
            id: self.id,
            email: self.email,
            name: self.name,
            is_admin: self.is_admin,
            created_at: self.created_at,
        }
    }
}

const SELECT: &str = "SELECT id, email, name, is_admin, created_at, password_hash FROM users";

pub struct NewUserRecord<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub is_admin: bool,
    pub created_at: &'a str,
}

pub async fn insert(tx: &mut Tx, u: NewUserRecord<'_>) -> StoreResult<User> {
    let row: UserRow = on_db!(tx.db(), c => sqlx::query_as(
        "INSERT INTO users (id, email, name, password_hash, is_admin, created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         RETURNING id, email, name, is_admin, created_at, password_hash"
    )
    .bind(u.id).bind(u.email).bind(u.name).bind(u.password_hash).bind(u.is_admin).bind(u.created_at)
    .fetch_one(c).await)?;
    Ok(row.user())
}

pub async fn count(db: Db<'_>) -> StoreResult<i64> {
    let (n,): (i64,) =
        on_db!(db, c => sqlx::query_as("SELECT COUNT(*) FROM users").fetch_one(c).await)?;
    Ok(n)
}

pub async fn by_email(db: Db<'_>, email: &str) -> StoreResult<Option<UserCredentials>> {
    let row: Option<UserRow> = on_db!(db, c => sqlx::query_as(
        sqlx::AssertSqlSafe(format!("{SELECT} WHERE email = $1"))
    ).bind(email).fetch_optional(c).await)?;
    Ok(row.map(|r| {
        let password_hash = r.password_hash.clone();
        UserCredentials {
            user: r.user(),
            password_hash,
        }
    }))
}

pub async fn by_id_or_email(db: Db<'_>, who: &str) -> StoreResult<Option<User>> {
    let row: Option<UserRow> = on_db!(db, c => sqlx::query_as(
        sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1 OR email = $2"))
    ).bind(who).bind(who.trim().to_lowercase()).fetch_optional(c).await)?;
    Ok(row.map(UserRow::user))
}

/// Takes the set-up lock for the rest of the transaction (see
/// [`crate::dialect::setup_lock`]).
pub async fn lock_for_setup(tx: &mut Tx) -> StoreResult<()> {
    let backend = tx.db().backend();
    if let Some(sql) = crate::dialect::setup_lock(backend) {
        on_db!(tx.db(), c => sqlx::query(sql).execute(c).await.map(|r| r.rows_affected()))?;
    }
    Ok(())
}
