//! The two ways to reach the database — the pool, or an open transaction —
//! and the macro that runs one query text on whichever backend is in use.

use crate::batch::Param;
use crate::direct::{DirectRow, WriterTurn};
use crate::{Pools, Store, StoreResult};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// An open write transaction. Dropped without [`Tx::commit`], it rolls back.
pub enum Tx {
    /// On SQLite the transaction holds the writer's turn until it ends
    /// (declared second, so it is released after the rollback is queued).
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>, WriterTurn),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(mut t, turn) => {
                // The transaction's search changes (see `search_pending`).
                if let Err(err) = crate::search_pending::apply_sqlx(&mut t).await {
                    // Undone before the writer's turn passes on.
                    let _ = t.rollback().await;
                    return Err(err);
                }
                t.commit().await?;
                drop(turn);
            }
            Tx::Postgres(t) => t.commit().await?,
        }
        // A point read begun while this was open would not see it.
        crate::read_scope::end();
        Ok(())
    }

    /// A handle for repository functions that reads and writes inside this
    /// transaction.
    pub fn db(&mut self) -> Db<'_> {
        Db::Tx(self)
    }
}

/// Where a repository function runs its queries.
pub enum Db<'a> {
    /// Straight on the pool (readers on SQLite).
    Pool(&'a Store),
    /// Inside a transaction.
    Tx(&'a mut Tx),
}

impl Db<'_> {
    /// Reborrows, so one handle serves several queries in a row.
    pub fn re(&mut self) -> Db<'_> {
        match self {
            Db::Pool(store) => Db::Pool(store),
            Db::Tx(tx) => Db::Tx(tx),
        }
    }

    pub(crate) fn backend(&self) -> crate::Backend {
        match self {
            Db::Pool(store) => store.backend(),
            Db::Tx(Tx::Sqlite(..)) => crate::Backend::Sqlite,
            Db::Tx(Tx::Postgres(_)) => crate::Backend::Postgres,
        }
    }
}

/// Runs `$body` with `$c` bound to the right executor for `$db`. The body is
/// written once and compiled once per backend.
macro_rules! on_db {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Pool(store) => match &store.pools {
                $crate::Pools::Sqlite { read, .. } => {
                    // Nothing a request reads here is newer than its point
                    // reads after it.
                    $crate::read_scope::end();
                    let $c = read;
                    $body
                }
                $crate::Pools::Postgres(pool) => {
                    let $c = pool;
                    $body
                }
            },
            $crate::db::Db::Tx(tx) => match tx {
                $crate::db::Tx::Sqlite(t, _) => {
                    let $c = &mut **t;
                    $body
                }
                $crate::db::Tx::Postgres(t) => {
                    let $c = &mut **t;
                    $body
                }
            },
        }
    };
}

impl Db<'_> {
    /// A point read: at most one row, its `$k` bound to `params[k - 1]`.
    /// Straight on the pool on SQLite it runs on the calling thread
    /// ([`crate::direct`]); in a transaction or on PostgreSQL through sqlx.
    pub(crate) async fn fetch_optional<R>(
        self,
        sql: &str,
        params: Vec<Param>,
    ) -> StoreResult<Option<R>>
    where
        R: DirectRow
            + Send
            + Unpin
            + for<'r> sqlx::FromRow<'r, SqliteRow>
            + for<'r> sqlx::FromRow<'r, PgRow>,
    {
        if let Db::Pool(store) = &self
            && let Pools::Sqlite { direct, .. } = &store.pools
        {
            return direct.fetch_optional(sql, &params);
        }
        let row = on_db!(self, c => {
            let query = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_string()));
            bind_params!(query, params).fetch_optional(c).await
        })?;
        Ok(row)
    }

    /// Every row of a query, its `$k` bound to `params[k - 1]`. Straight
    /// on the pool on SQLite it runs in one go on a thread kept for lists
    /// ([`crate::direct`]); in a transaction or on PostgreSQL through sqlx.
    pub(crate) async fn fetch_all<R>(self, sql: String, params: Vec<Param>) -> StoreResult<Vec<R>>
    where
        R: DirectRow
            + Send
            + Unpin
            + 'static
            + for<'r> sqlx::FromRow<'r, SqliteRow>
            + for<'r> sqlx::FromRow<'r, PgRow>,
    {
        if let Db::Pool(store) = &self
            && let Pools::Sqlite { direct, .. } = &store.pools
        {
            return direct.fetch_all(sql, params).await;
        }
        let rows = on_db!(self, c => {
            let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            bind_params!(query, params).fetch_all(c).await
        })?;
        Ok(rows)
    }
}
