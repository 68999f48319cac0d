//! Several statements of one write transaction in one round trip on SQLite.
//!
//! sqlx-sqlite runs each connection on a thread of its own, so every
//! statement is a round trip to that thread: two thread wake-ups, 45–90 µs
//! on these machines, against a few µs for the SQL itself. On the single
//! SQLite writer that time is lost to every other write.
//!
//! A [`Batch`] lists statements, each written once with its own `$1…$n`.
//! On SQLite they are sent as one query text, with the placeholders
//! renumbered into one argument list; SQLite runs them in order in a single
//! trip. PostgreSQL's extended protocol takes one statement per query, so
//! there they run one after another, as they would without a batch.
//!
//! Only the last statement may return rows. A failing statement stops the
//! batch with its error, and the caller's transaction, dropped, rolls back
//! whatever ran before it.
//!
//! sqlx marks several statements in one SQLite query as deprecated
//! (launchbadge/sqlx#3108); the tests in this module fail if a later sqlx
//! stops running or binding them.

use crate::direct::DirectRow;
use crate::{Pools, Store, StoreResult, Tx};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;

/// One bound value. Text, integers and reals are all the store writes.
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
}

impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Param::Text(Some(v.to_string()))
    }
}

impl From<&String> for Param {
    fn from(v: &String) -> Self {
        Param::Text(Some(v.clone()))
    }
}

impl From<String> for Param {
    fn from(v: String) -> Self {
        Param::Text(Some(v))
    }
}

impl From<Option<&str>> for Param {
    fn from(v: Option<&str>) -> Self {
        Param::Text(v.map(str::to_string))
    }
}

impl From<&Option<String>> for Param {
    fn from(v: &Option<String>) -> Self {
        Param::Text(v.clone())
    }
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Param::Int(Some(v))
    }
}

impl From<f64> for Param {
    fn from(v: f64) -> Self {
        Param::Real(Some(v))
    }
}

impl From<Option<f64>> for Param {
    fn from(v: Option<f64>) -> Self {
        Param::Real(v)
    }
}

/// One statement of a batch and its own parameters.
pub(crate) struct Statement {
    pub(crate) sql: String,
    pub(crate) params: Vec<Param>,
}

/// Statements to run in order inside one transaction.
#[derive(Default)]
pub struct Batch {
    statements: Vec<Statement>,
}

/// Binds every [`Param`] of a list onto a sqlx query, for either backend.
macro_rules! bind_params {
    ($query:expr, $params:expr) => {{
        let mut q = $query;
        for p in $params {
            q = match p {
                Param::Text(v) => q.bind(v),
                Param::Int(v) => q.bind(v),
                Param::Real(v) => q.bind(v),
            };
        }
        q
    }};
}

impl Batch {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a statement with its own `$1…$n`.
    pub fn push(&mut self, sql: impl Into<String>, params: Vec<Param>) -> &mut Self {
        self.statements.push(Statement {
            sql: sql.into(),
            params,
        });
        self
    }

    /// Runs every statement, for statements that return no rows.
    pub async fn execute(self, tx: &mut Tx) -> StoreResult<()> {
        if self.statements.is_empty() {
            return Ok(());
        }
        match tx {
            Tx::Sqlite(t, _) => {
                let (sql, params) = self.into_one_text();
                let query = sqlx::query(sqlx::AssertSqlSafe(sql));
                bind_params!(query, params).execute(&mut **t).await?;
            }
            Tx::Postgres(t) => {
                for s in self.statements {
                    let query = sqlx::query(sqlx::AssertSqlSafe(s.sql));
                    bind_params!(query, s.params).execute(&mut **t).await?;
                }
            }
        }
        Ok(())
    }

    /// Runs every statement; returns the rows of the last one.
    pub async fn fetch_all<T>(self, tx: &mut Tx) -> StoreResult<Vec<T>>
    where
        T: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
    {
        match tx {
            Tx::Sqlite(..) if self.statements.is_empty() => Ok(Vec::new()),
            Tx::Sqlite(t, _) => {
                let (sql, params) = self.into_one_text();
                let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                Ok(bind_params!(query, params).fetch_all(&mut **t).await?)
            }
            Tx::Postgres(t) => {
                let mut statements = self.statements;
                let Some(last) = statements.pop() else {
                    return Ok(Vec::new());
                };
                for s in statements {
                    let query = sqlx::query(sqlx::AssertSqlSafe(s.sql));
                    bind_params!(query, s.params).execute(&mut **t).await?;
                }
                let s = last;
                let query = sqlx::query_as(sqlx::AssertSqlSafe(s.sql));
                Ok(bind_params!(query, s.params).fetch_all(&mut **t).await?)
            }
        }
    }

    /// Runs every statement; the last must return exactly one row.
    pub async fn fetch_one<T>(self, tx: &mut Tx) -> StoreResult<T>
    where
        T: Send + Unpin + for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
    {
        self.fetch_all(tx)
            .await?
            .into_iter()
            .next()
            .ok_or(crate::StoreError::NotFound)
    }

    /// Runs every statement as a transaction of its own, committed on
    /// return, and returns the rows of the last one.
    ///
    /// On SQLite the statements run on the direct write connection
    /// ([`crate::direct`]), on its writer thread, in the writer's turn. The
    /// turn is then held for the time the SQL needs, instead of a trip to
    /// the sqlx writer's thread for `BEGIN`, for the batch, for `COMMIT`
    /// and for the ping sqlx sends when a pooled connection comes back;
    /// and with no await between `BEGIN` and `COMMIT` a dropped request
    /// cannot leave the transaction half-done. Batches that queue for the
    /// writer meanwhile share one `COMMIT`, each still whole or not at all.
    pub async fn commit_alone<T>(self, store: &Store) -> StoreResult<Vec<T>>
    where
        T: DirectRow
            + Send
            + 'static
            + Unpin
            + for<'r> sqlx::FromRow<'r, SqliteRow>
            + for<'r> sqlx::FromRow<'r, PgRow>,
    {
        match &store.pools {
            Pools::Sqlite { direct, .. } => direct.write(self.statements).await,
            Pools::Postgres(_) => {
                let mut tx = store.begin().await?;
                let rows = self.fetch_all(&mut tx).await?;
                tx.commit().await?;
                Ok(rows)
            }
        }
    }

    /// The statements joined into one text, each one's `$k` moved past the
    /// parameters of the statements before it, and all parameters in order.
    fn into_one_text(self) -> (String, Vec<Param>) {
        let mut sql = String::new();
        let mut params = Vec::new();
        for s in self.statements {
            sql.push_str(&renumber(&s.sql, params.len()));
            sql.push_str(";\n");
            params.extend(s.params);
        }
        (sql, params)
    }
}

/// `$k` → `$(k + offset)` outside quoted strings and identifiers.
fn renumber(sql: &str, offset: usize) -> String {
    if offset == 0 {
        return sql.to_string();
    }
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                out.push(c);
            }
            None if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) => {
                let mut n = 0usize;
                while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                    n = n * 10 + d as usize;
                    chars.next();
                }
                out.push('$');
                out.push_str(&(n + offset).to_string());
            }
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renumbers_placeholders_but_not_quoted_text() {
        assert_eq!(
            renumber("UPDATE x SET a = $1, b = '$2' WHERE c = $12", 3),
            "UPDATE x SET a = $4, b = '$2' WHERE c = $15"
        );
        assert_eq!(renumber("SELECT \"$1\", $1", 1), "SELECT \"$1\", $2");
        assert_eq!(renumber("SELECT $1", 0), "SELECT $1");
    }

    #[test]
    fn joins_statements_and_their_parameters_in_order() {
        let mut b = Batch::new();
        b.push(
            "INSERT INTO t VALUES ($1, $2)",
            vec!["a".into(), 1i64.into()],
        );
        b.push(
            "UPDATE u SET v = $1 WHERE id = $2",
            vec![2.5.into(), "b".into()],
        );
        let (sql, params) = b.into_one_text();
        assert_eq!(
            sql,
            "INSERT INTO t VALUES ($1, $2);\nUPDATE u SET v = $3 WHERE id = $4;\n"
        );
        assert_eq!(
            params,
            vec![
                Param::from("a"),
                Param::Int(Some(1)),
                Param::Real(Some(2.5)),
                Param::from("b")
            ]
        );
    }
}
