//! Embedded, mirrored migrations. Each version has one file per backend with
//! the same number and name (a test checks the folders match this list).
//! Applied versions are recorded with a checksum; editing an applied
//! migration is refused rather than silently ignored.

use crate::{Backend, Store, StoreError, StoreResult, dialect};

/// `(version, name, sqlite sql, postgres sql)`.
pub const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "web_sessions_and_ranks",
        include_str!("../migrations/sqlite/0002_web_sessions_and_ranks.sql"),
        include_str!("../migrations/postgres/0002_web_sessions_and_ranks.sql"),
    ),
    (
        3,
        "notifications",
        include_str!("../migrations/sqlite/0003_notifications.sql"),
        include_str!("../migrations/postgres/0003_notifications.sql"),
    ),
    (
        4,
        "saved_views",
        include_str!("../migrations/sqlite/0004_saved_views.sql"),
        include_str!("../migrations/postgres/0004_saved_views.sql"),
    ),
    (
        5,
        "my_day",
        include_str!("../migrations/sqlite/0005_my_day.sql"),
        include_str!("../migrations/postgres/0005_my_day.sql"),
    ),
    (
        6,
        "cycles",
        include_str!("../migrations/sqlite/0006_cycles.sql"),
        include_str!("../migrations/postgres/0006_cycles.sql"),
    ),
    (
        7,
        "customer_insight",
        include_str!("../migrations/sqlite/0007_customer_insight.sql"),
        include_str!("../migrations/postgres/0007_customer_insight.sql"),
    ),
    (
        8,
        "search",
        include_str!("../migrations/sqlite/0008_search.sql"),
        include_str!("../migrations/postgres/0008_search.sql"),
    ),
    (
        9,
        "market",
        include_str!("../migrations/sqlite/0009_market.sql"),
        include_str!("../migrations/postgres/0009_market.sql"),
    ),
    (
        10,
        "journeys",
        include_str!("../migrations/sqlite/0010_journeys.sql"),
        include_str!("../migrations/postgres/0010_journeys.sql"),
    ),
    (
        11,
        "search_words_per_kind",
        include_str!("../migrations/sqlite/0011_search_words_per_kind.sql"),
        include_str!("../migrations/postgres/0011_search_words_per_kind.sql"),
    ),
    (
        12,
        "ideas_and_portal",
        include_str!("../migrations/sqlite/0012_ideas_and_portal.sql"),
        include_str!("../migrations/postgres/0012_ideas_and_portal.sql"),
    ),
    (
        13,
        "interviews",
        include_str!("../migrations/sqlite/0013_interviews.sql"),
        include_str!("../migrations/postgres/0013_interviews.sql"),
    ),
    (
        14,
        "goals",
        include_str!("../migrations/sqlite/0014_goals.sql"),
        include_str!("../migrations/postgres/0014_goals.sql"),
    ),
    (
        15,
        "feature_scores",
        include_str!("../migrations/sqlite/0015_feature_scores.sql"),
        include_str!("../migrations/postgres/0015_feature_scores.sql"),
    ),
    (
        16,
        "feature_goals",
        include_str!("../migrations/sqlite/0016_feature_goals.sql"),
        include_str!("../migrations/postgres/0016_feature_goals.sql"),
    ),
    (
        17,
        "initiatives",
        include_str!("../migrations/sqlite/0017_initiatives.sql"),
        include_str!("../migrations/postgres/0017_initiatives.sql"),
    ),
    (
        18,
        "tech_debt_budget",
        include_str!("../migrations/sqlite/0018_tech_debt_budget.sql"),
        include_str!("../migrations/postgres/0018_tech_debt_budget.sql"),
    ),
    (
        19,
        "decisions",
        include_str!("../migrations/sqlite/0019_decisions.sql"),
        include_str!("../migrations/postgres/0019_decisions.sql"),
    ),
    (
        20,
        "releases",
        include_str!("../migrations/sqlite/0020_releases.sql"),
        include_str!("../migrations/postgres/0020_releases.sql"),
    ),
    (
        21,
        "roadmaps",
        include_str!("../migrations/sqlite/0021_roadmaps.sql"),
        include_str!("../migrations/postgres/0021_roadmaps.sql"),
    ),
    (
        22,
        "stories",
        include_str!("../migrations/sqlite/0022_stories.sql"),
        include_str!("../migrations/postgres/0022_stories.sql"),
    ),
    (
        23,
        "strategy_versions",
        include_str!("../migrations/sqlite/0023_strategy_versions.sql"),
        include_str!("../migrations/postgres/0023_strategy_versions.sql"),
    ),
    (
        24,
        "feasibility",
        include_str!("../migrations/sqlite/0024_feasibility.sql"),
        include_str!("../migrations/postgres/0024_feasibility.sql"),
    ),
    (
        25,
        "goal_search_and_work",
        include_str!("../migrations/sqlite/0025_goal_search_and_work.sql"),
        include_str!("../migrations/postgres/0025_goal_search_and_work.sql"),
    ),
    (
        26,
        "audit_events",
        include_str!("../migrations/sqlite/0026_audit_events.sql"),
        include_str!("../migrations/postgres/0026_audit_events.sql"),
    ),
    (
        27,
        "search_pending",
        include_str!("../migrations/sqlite/0027_search_pending.sql"),
        include_str!("../migrations/postgres/0027_search_pending.sql"),
    ),
];

mod checksum {
    /// FNV-1a over the text: enough to notice an edited file, no crypto needed.
    pub fn of(s: &str) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in s.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{h:016x}")
    }
}

pub(crate) async fn run(store: &Store) -> StoreResult<()> {
    let backend = store.backend();
    let mut tx = store.begin().await?;
    if let Some(lock) = dialect::migration_lock(backend) {
        on_db!(tx.db(), c => sqlx::query(lock).execute(c).await.map(|r| r.rows_affected()))?;
    }
    on_db!(tx.db(), c => sqlx::query(
        "CREATE TABLE IF NOT EXISTS keel_migrations (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            checksum TEXT NOT NULL,
            applied_at TEXT NOT NULL
        )"
    ).execute(c).await.map(|r| r.rows_affected()))?;
    let applied: Vec<(i64, String)> = on_db!(tx.db(), c =>
        sqlx::query_as("SELECT version, checksum FROM keel_migrations ORDER BY version")
            .fetch_all(c).await)?;
    for (version, name, sqlite_sql, pg_sql) in MIGRATIONS {
        let sql = match backend {
            Backend::Sqlite => sqlite_sql,
            Backend::Postgres => pg_sql,
        };
        let sum = checksum::of(sql);
        if let Some((_, existing)) = applied.iter().find(|(v, _)| v == version) {
            if *existing != sum {
                return Err(StoreError::Other(format!(
                    "migration {version:04}_{name} was edited after it was applied"
                )));
            }
            continue;
        }
        tracing::info!(version, name, "applying migration");
        for statement in split_statements(sql) {
            on_db!(tx.db(), c => sqlx::query(sqlx::AssertSqlSafe(statement)).execute(c).await.map(|r| r.rows_affected()))?;
        }
        let now = keel_domain::time::Timestamp::now().to_rfc3339();
        on_db!(tx.db(), c => sqlx::query(
            "INSERT INTO keel_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)"
        ).bind(version).bind(*name).bind(&sum).bind(&now).execute(c).await.map(|r| r.rows_affected()))?;
    }
    tx.commit().await
}

/// Checks the `(version, checksum)` rows of a database's `keel_migrations`
/// against this build's list: every applied version must be one this build
/// knows, with the same text. Returns the highest applied version (0 for
/// none), or what is wrong, in words. Restoring a database from a newer
/// Keel, or one whose migrations were edited, would otherwise fail later
/// and less clearly.
pub(crate) fn check_applied(backend: Backend, applied: &[(i64, String)]) -> Result<i64, String> {
    let mut level = 0;
    for (version, sum) in applied {
        let Some((_, name, sqlite_sql, pg_sql)) = MIGRATIONS.iter().find(|(v, ..)| v == version)
        else {
            return Err(format!(
                "it has migration {version}, which this Keel does not know (it was made by a newer Keel?)"
            ));
        };
        let sql = match backend {
            Backend::Sqlite => sqlite_sql,
            Backend::Postgres => pg_sql,
        };
        if checksum::of(sql) != *sum {
            return Err(format!(
                "its migration {version:04}_{name} differs from this Keel's"
            ));
        }
        level = level.max(*version);
    }
    Ok(level)
}

/// Splits a migration file into statements on `;` at line ends, dropping
/// comment-only lines. A `;` inside a PostgreSQL `$$ … $$` body or an SQLite
/// trigger's `BEGIN … END;` ends an inner statement, not the outer one.
fn split_statements(sql: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut in_dollar_body, mut in_trigger_body) = (false, false);
    for line in sql.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("--") || trimmed.is_empty() {
            continue;
        }
        current.push_str(line);
        current.push('\n');
        if line.matches("$$").count() % 2 == 1 {
            in_dollar_body = !in_dollar_body;
        }
        let upper = trimmed.to_ascii_uppercase();
        if current.trim_start().starts_with("CREATE TRIGGER") && upper.ends_with("BEGIN") {
            in_trigger_body = true;
        }
        if in_trigger_body && upper == "END;" {
            in_trigger_body = false;
        }
        if trimmed.ends_with(';') && !in_dollar_body && !in_trigger_body {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_mirror_the_list() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        for backend in ["sqlite", "postgres"] {
            let mut files: Vec<String> = std::fs::read_dir(format!("{dir}/{backend}"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            let expected: Vec<String> = MIGRATIONS
                .iter()
                .map(|(v, name, _, _)| format!("{v:04}_{name}.sql"))
                .collect();
            assert_eq!(
                files, expected,
                "{backend} migrations must match MIGRATIONS"
            );
        }
    }

    #[test]
    fn mirrored_files_create_the_same_tables() {
        for (_, name, sqlite, pg) in MIGRATIONS {
            // Tables and indexes; triggers, functions and FTS tables differ by
            // nature, and a line marked `-- dialect:` exists on one side only.
            let tables = |sql: &str| -> Vec<String> {
                let lines: Vec<&str> = sql.lines().collect();
                (0..lines.len())
                    .filter(|&i| {
                        ["CREATE TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX"]
                            .iter()
                            .any(|p| lines[i].starts_with(p))
                            && !(i > 0 && lines[i - 1].starts_with("-- dialect:"))
                    })
                    .map(|i| lines[i].to_string())
                    .collect()
            };
            assert_eq!(tables(sqlite), tables(pg), "{name}");
        }
    }

    #[test]
    fn statements_split_on_semicolons() {
        let parts = split_statements("-- c\nCREATE TABLE a (x INT);\n\nCREATE INDEX i ON a(x);\n");
        assert_eq!(parts.len(), 2);
    }

    #[test]
    fn bodies_of_triggers_and_functions_stay_whole() {
        let sqlite = "CREATE TRIGGER t AFTER INSERT ON a BEGIN\n    INSERT INTO b VALUES (1);\n    DELETE FROM c;\nEND;\nCREATE TABLE d (x INT);\n";
        assert_eq!(split_statements(sqlite).len(), 2);
        let pg = "CREATE FUNCTION f() RETURNS TRIGGER LANGUAGE plpgsql AS $$\nBEGIN\n    DELETE FROM c;\n    RETURN NEW;\nEND\n$$;\nCREATE TRIGGER t AFTER INSERT ON a\n    FOR EACH ROW EXECUTE FUNCTION f();\n";
        let parts = split_statements(pg);
        assert_eq!(parts.len(), 2);
        assert!(parts[0].ends_with("$$;\n"));
    }
}
