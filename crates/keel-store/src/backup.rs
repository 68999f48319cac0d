//! Backups of the embedded SQLite database, and the checks a database file
//! must pass before it is restored.
//!
//! A backup is taken with `VACUUM INTO` on a reader connection: it copies
//! one read snapshot, so the server keeps writing meanwhile (WAL readers
//! never block the writer) and the copy holds exactly the transactions
//! committed before it started. PostgreSQL has its own tools for this
//! (`pg_dump`, `pg_restore`), so these are SQLite-only.

use crate::{Pools, Store, StoreError, StoreResult, migrate};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::path::Path;

/// What [`check_sqlite_file`] found in a good file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCheck {
    /// The highest migration applied to it.
    pub migration_level: i64,
    /// Its number of tasks, to tell the operator what they got.
    pub tasks: i64,
}

impl Store {
    /// Writes a consistent copy of the whole database to `dest`, which must
    /// not exist yet. SQLite only: on PostgreSQL the error says to use
    /// `pg_dump`.
    pub async fn backup_into(&self, dest: &Path) -> StoreResult<()> {
        let Pools::Sqlite { read, .. } = &self.pools else {
            return Err(StoreError::Other(
                "backups of a PostgreSQL database are made with pg_dump".into(),
            ));
        };
        let dest = dest
            .to_str()
            .ok_or_else(|| StoreError::Other("the backup path is not valid UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(dest)
            .execute(read)
            .await?;
        Ok(())
    }
}

/// Opens the SQLite file at `path` with one read-only connection and checks
/// that it is a whole Keel database this build can open: `PRAGMA
/// integrity_check` passes and its migrations are ones this build knows.
/// The error says what is wrong in words (not a database, damaged, not
/// Keel's, from a newer Keel).
pub async fn check_sqlite_file(path: &Path) -> StoreResult<FileCheck> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = options
        .connect()
        .await
        .map_err(|e| StoreError::Other(format!("it cannot be opened as SQLite: {e}")))?;
    let result = check_open_file(&mut conn).await;
    let _ = conn.close().await;
    result
}

async fn check_open_file(conn: &mut sqlx::SqliteConnection) -> StoreResult<FileCheck> {
    let problems: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| StoreError::Other(format!("it is not a usable SQLite database: {e}")))?;
    if problems.iter().any(|(p,)| p != "ok") {
        let first: Vec<&str> = problems.iter().take(3).map(|(p,)| p.as_str()).collect();
        return Err(StoreError::Other(format!(
            "it fails SQLite's integrity check: {}",
            first.join("; ")
        )));
    }
    let has_table: Option<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'keel_migrations'",
    )
    .fetch_optional(&mut *conn)
    .await?;
    if has_table.is_none() {
        return Err(StoreError::Other(
            "it is not a Keel database (it has no keel_migrations table)".into(),
        ));
    }
    let applied: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, checksum FROM keel_migrations ORDER BY version")
            .fetch_all(&mut *conn)
            .await?;
    let migration_level =
        migrate::check_applied(crate::Backend::Sqlite, &applied).map_err(StoreError::Other)?;
    if migration_level == 0 {
        return Err(StoreError::Other(
            "it is not a Keel database (no migration was ever applied to it)".into(),
        ));
    }
    let (tasks,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tasks")
        .fetch_one(&mut *conn)
        .await?;
    Ok(FileCheck {
        migration_level,
        tasks,
    })
}

/// Moves everything in the SQLite file's write-ahead log into the file
/// itself and empties the log, so the file alone holds every committed
/// transaction and can be moved without its `-wal` companion. Needs no
/// other process to have the database open.
pub async fn checkpoint_sqlite_file(path: &Path) -> StoreResult<()> {
    let mut conn = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .connect()
        .await?;
    let result = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await;
    conn.close().await?;
    result?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::StoreOptions;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("keel-store-backup-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn a_backup_is_a_checked_keel_database() {
        let dir = temp_dir("roundtrip");
        let store = Store::open_sqlite(&dir.join("keel.db"), &StoreOptions::default())
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let copy = dir.join("copy.db");
        store.backup_into(&copy).await.unwrap();
        store.close().await;
        let check = check_sqlite_file(&copy).await.unwrap();
        assert_eq!(check.migration_level, crate::MIGRATIONS.last().unwrap().0);
        assert_eq!(check.tasks, 0);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn other_files_are_refused_with_a_reason() {
        let dir = temp_dir("refuse");
        let text = dir.join("notes.txt");
        std::fs::write(&text, "not a database at all, just some words").unwrap();
        let err = check_sqlite_file(&text).await.unwrap_err().to_string();
        assert!(err.contains("SQLite"), "{err}");

        let other = dir.join("other.db");
        let store = Store::open_sqlite(&other, &StoreOptions::default())
            .await
            .unwrap();
        store
            .execute_admin("CREATE TABLE things (x INTEGER)")
            .await
            .unwrap();
        store.close().await;
        let err = check_sqlite_file(&other).await.unwrap_err().to_string();
        assert!(err.contains("not a Keel database"), "{err}");

        let err = check_sqlite_file(&dir.join("missing.db"))
            .await
            .unwrap_err()
            .to_string();
        assert!(err.contains("cannot be opened"), "{err}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
