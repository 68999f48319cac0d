//! What the database says about its own tables: their names, their
//! columns and the kind of value each holds, and which columns name a
//! person. Read from the live schema, so the export follows migrations.

use super::{is_excluded, table};
use crate::{Backend, Db, StoreResult};

/// The kind of value a column holds, as the import must bind it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Int,
    Float,
    /// PostgreSQL's BOOLEAN (SQLite stores booleans as integers).
    Bool,
    /// Anything else (BLOB, BYTEA, TSVECTOR): never in an export.
    Other,
}

impl Kind {
    fn of_sqlite(decl: &str) -> Kind {
        let d = decl.to_ascii_uppercase();
        if d.contains("INT") {
            Kind::Int
        } else if d.contains("REAL") || d.contains("FLOA") || d.contains("DOUB") {
            Kind::Float
        } else if d.contains("BLOB") {
            Kind::Other
        } else {
            Kind::Text
        }
    }

    fn of_postgres(data_type: &str) -> Kind {
        match data_type {
            "bigint" | "integer" | "smallint" => Kind::Int,
            "double precision" | "real" | "numeric" => Kind::Float,
            "boolean" => Kind::Bool,
            "text" | "character varying" | "character" => Kind::Text,
            _ => Kind::Other,
        }
    }
}

/// Every table of the database (SQLite's internal ones aside).
pub(crate) async fn tables(db: Db<'_>) -> StoreResult<Vec<String>> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
        }
    };
    let rows: Vec<(String,)> = on_db!(db, c => sqlx::query_as(sql).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// The columns of `table` in their order, with their kinds.
pub(crate) async fn columns(db: Db<'_>, table: &str) -> StoreResult<Vec<(String, Kind)>> {
    let backend = db.backend();
    let sql = match backend {
        Backend::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Backend::Postgres => {
            "SELECT CAST(column_name AS TEXT), CAST(data_type AS TEXT) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows: Vec<(String, String)> =
        on_db!(db, c => sqlx::query_as(sql).bind(table).fetch_all(c).await)?;
    Ok(rows
        .into_iter()
        .map(|(name, ty)| {
            let kind = match backend {
                Backend::Sqlite => Kind::of_sqlite(&ty),
                Backend::Postgres => Kind::of_postgres(&ty),
            };
            (name, kind)
        })
        .collect())
}

/// The columns of `table` holding a foreign key to `users`.
pub(crate) async fn user_columns(db: Db<'_>, table: &str) -> StoreResult<Vec<String>> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT \"from\" FROM pragma_foreign_key_list($1) WHERE \"table\" = 'users' ORDER BY \"from\""
        }
        Backend::Postgres => {
            "SELECT CAST(a.attname AS TEXT) FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             WHERE c.contype = 'f' AND c.conrelid = to_regclass($1)
               AND c.confrelid = to_regclass('users') ORDER BY 1"
        }
    };
    let rows: Vec<(String,)> = on_db!(db, c => sqlx::query_as(sql).bind(table).fetch_all(c).await)?;
    Ok(rows.into_iter().map(|(n,)| n).collect())
}

/// The foreign keys of `table`: (column, referenced table).
pub(crate) async fn foreign_keys(db: Db<'_>, table: &str) -> StoreResult<Vec<(String, String)>> {
    let sql = match db.backend() {
        Backend::Sqlite => {
            "SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1) ORDER BY \"from\""
        }
        Backend::Postgres => {
            "SELECT CAST(a.attname AS TEXT), CAST(r.relname AS TEXT) FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)
             JOIN pg_class r ON r.oid = c.confrelid
             WHERE c.contype = 'f' AND c.conrelid = to_regclass($1) ORDER BY 1"
        }
    };
    let rows: Vec<(String, String)> =
        on_db!(db, c => sqlx::query_as(sql).bind(table).fetch_all(c).await)?;
    Ok(rows)
}

/// The schema level of the database: its newest applied migration.
pub async fn schema_level(db: Db<'_>) -> StoreResult<i64> {
    let (level,): (Option<i64>,) = on_db!(db, c => sqlx::query_as(
        "SELECT MAX(version) FROM keel_migrations"
    ).fetch_one(c).await)?;
    Ok(level.unwrap_or(0))
}

/// The database's tables that are neither exported nor left out with a
/// reason: a new table must be put in one list or the other.
pub async fn unlisted_tables(db: Db<'_>) -> StoreResult<Vec<String>> {
    Ok(tables(db)
        .await?
        .into_iter()
        .filter(|t| table(t).is_none() && !is_excluded(t))
        .collect())
}
