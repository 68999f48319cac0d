//! Store errors: what callers can act on, converted from sqlx in one place.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique or foreign-key constraint was violated; carries its name so
    /// the API can say which field clashed.
    #[error("conflict on {0}")]
    Conflict(String),
    /// The row's version differs from the one the caller expected.
    #[error("stale version: the item was changed by someone else")]
    Stale,
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("database error: {0}")]
    Other(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) => {
                if db.is_unique_violation() || db.is_foreign_key_violation() {
                    let name = db
                        .constraint()
                        .map(str::to_string)
                        .unwrap_or_else(|| db.message().to_string());
                    StoreError::Conflict(name)
                } else {
                    StoreError::Other(db.message().to_string())
                }
            }
            sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
                StoreError::Unavailable(err.to_string())
            }
            _ => StoreError::Other(err.to_string()),
        }
    }
}
