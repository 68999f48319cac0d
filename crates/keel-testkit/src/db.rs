//! A fresh database per test.

use keel_store::{Backend, Store, StoreOptions};
use std::path::PathBuf;

/// Environment variable naming a PostgreSQL server (URL of any database on
/// it) that tests may create databases on.
pub const POSTGRES_ENV: &str = "KEEL_TEST_POSTGRES_URL";
/// When set to `1`, a missing PostgreSQL URL fails the test run instead of
/// skipping PostgreSQL (CI sets it).
pub const REQUIRE_POSTGRES_ENV: &str = "KEEL_TEST_REQUIRE_POSTGRES";

pub struct TestDb {
    pub store: Store,
    pub backend: Backend,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    Postgres { admin_url: String, name: String },
    Done,
}

/// The backends this run covers: SQLite always, PostgreSQL when configured.
/// Says loudly when PostgreSQL is skipped.
pub fn backends() -> Vec<Backend> {
    if std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty()) {
        vec![Backend::Sqlite, Backend::Postgres]
    } else {
        if std::env::var(REQUIRE_POSTGRES_ENV).is_ok_and(|v| v == "1") {
            panic!("{REQUIRE_POSTGRES_ENV}=1 but {POSTGRES_ENV} is not set");
        }
        eprintln!(
            "WARNING: {POSTGRES_ENV} is not set: PostgreSQL tests DID NOT RUN (SQLite only). \
             Set it, e.g. postgres://postgres@127.0.0.1:5432/postgres, or run .ci/run."
        );
        vec![Backend::Sqlite]
    }
}

impl TestDb {
    /// A new, migrated database on `backend`.
    pub async fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => Self::sqlite().await,
            Backend::Postgres => Self::postgres().await,
        }
    }

    /// A new database on `backend` with no tables yet, to test migrations.
    pub async fn empty(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => Self::sqlite_unmigrated().await,
            Backend::Postgres => Self::postgres_unmigrated().await,
        }
    }

    pub async fn sqlite() -> TestDb {
        let db = Self::sqlite_unmigrated().await;
        db.store.migrate().await.unwrap();
        db
    }

    /// A new, migrated SQLite database that keeps no tasks in memory, for
    /// tests of what the database itself answers.
    pub async fn sqlite_without_task_cache() -> TestDb {
        let db = Self::sqlite_opened(0).await;
        db.store.migrate().await.unwrap();
        db
    }

    pub async fn postgres() -> TestDb {
        let db = Self::postgres_unmigrated().await;
        db.store.migrate().await.unwrap();
        db
    }

    async fn sqlite_unmigrated() -> TestDb {
        Self::sqlite_opened(keel_store::DEFAULT_TASK_CACHE_MIB).await
    }

    async fn sqlite_opened(task_cache_mib: usize) -> TestDb {
        let dir = std::env::temp_dir().join(format!("keel-test-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        let options = StoreOptions {
            max_connections: 8,
            task_cache_mib,
        };
        let store = Store::open_sqlite(&dir.join("keel.db"), &options)
            .await
            .unwrap();
        TestDb {
            store,
            backend: Backend::Sqlite,
            cleanup: Cleanup::Dir(dir),
        }
    }

    async fn postgres_unmigrated() -> TestDb {
        let admin_url = std::env::var(POSTGRES_ENV).expect("KEEL_TEST_POSTGRES_URL must be set");
        let name = format!("keel_test_{}", uuid::Uuid::now_v7().simple());
        let admin = Store::open_postgres(
            &admin_url,
            &StoreOptions {
                max_connections: 2,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        admin
            .execute_admin(&format!("CREATE DATABASE {name}"))
            .await
            .unwrap();
        admin.close().await;
        let url = with_database(&admin_url, &name);
        let store = Store::open_postgres(
            &url,
            &StoreOptions {
                max_connections: 16,
                ..Default::default()
            },
        )
        .await
        .unwrap();
        TestDb {
            store,
            backend: Backend::Postgres,
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }

    /// A URL for another process (e.g. a `keel serve` child) to open the
    /// same database.
    pub fn url(&self) -> String {
        match &self.cleanup {
            Cleanup::Dir(dir) => dir.join("keel.db").display().to_string(),
            Cleanup::Postgres { admin_url, name } => with_database(admin_url, name),
            Cleanup::Done => String::new(),
        }
    }

    /// Closes the store and removes the database.
    pub async fn finish(mut self) {
        self.store.close().await;
        match std::mem::replace(&mut self.cleanup, Cleanup::Done) {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => drop_pg(&admin_url, &name).await,
            Cleanup::Done => {}
        }
    }
}

async fn drop_pg(admin_url: &str, name: &str) {
    if let Ok(admin) = Store::open_postgres(
        admin_url,
        &StoreOptions {
            max_connections: 2,
            ..Default::default()
        },
    )
    .await
    {
        let _ = admin
            .execute_admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .await;
        admin.close().await;
    }
}

impl Drop for TestDb {
    /// A test that panicked never reached `finish`: clean up anyway, on a
    /// separate thread because we may be inside an async runtime.
    fn drop(&mut self) {
        match std::mem::replace(&mut self.cleanup, Cleanup::Done) {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                let _ = std::thread::spawn(move || {
                    if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        rt.block_on(drop_pg(&admin_url, &name));
                    }
                })
                .join();
            }
            Cleanup::Done => {}
        }
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_part = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host_part}/{name}?{q}"),
        None => format!("{host_part}/{name}"),
    }
}
