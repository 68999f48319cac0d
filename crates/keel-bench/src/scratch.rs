//! Scratch space for one benchmark run: a temporary directory or a fresh
//! PostgreSQL database, both removed at the end, and the HTTP client every
//! benchmark uses.

use crate::server::DataSource;
use anyhow::{Context, Result};
use keel_domain::ids::new_id;
use keel_store::{Store, StoreOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A fresh directory under the system temp dir, removed when dropped
/// (unless kept).
pub struct WorkDir {
    pub path: PathBuf,
    keep: bool,
}

impl WorkDir {
    pub fn create(keep: bool) -> Result<WorkDir> {
        let path = std::env::temp_dir().join(format!("keel-bench-{}", new_id()));
        std::fs::create_dir_all(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok(WorkDir { path, keep })
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if self.keep {
            eprintln!("kept {}", self.path.display());
        } else {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// A PostgreSQL database created for this run.
pub struct PgDatabase {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    pub async fn create(admin_url: &str) -> Result<PgDatabase> {
        let id = new_id();
        // The tail of a UUIDv7 is random; the head is the clock.
        let name = format!("keel_bench_{}", &id[id.len() - 12..]);
        let url = with_database(admin_url, &name)?;
        let admin = Store::open_postgres(
            admin_url,
            &StoreOptions {
                max_connections: 2,
                ..Default::default()
            },
        )
        .await
        .context("cannot connect to PostgreSQL")?;
        let created = admin
            .execute_admin(&format!("CREATE DATABASE {name}"))
            .await;
        admin.close().await;
        created.with_context(|| format!("cannot create database {name}"))?;
        Ok(PgDatabase {
            admin_url: admin_url.to_string(),
            name,
            url,
        })
    }

    pub async fn drop_database(&self) -> Result<()> {
        let admin = Store::open_postgres(
            &self.admin_url,
            &StoreOptions {
                max_connections: 2,
                ..Default::default()
            },
        )
        .await?;
        let dropped = admin
            .execute_admin(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .await;
        admin.close().await;
        dropped.with_context(|| format!("cannot drop database {}", self.name))?;
        Ok(())
    }
}

/// `url` with its database name replaced by `name`, query string kept.
pub fn with_database(url: &str, name: &str) -> Result<String> {
    let scheme_end = url
        .find("://")
        .context("the PostgreSQL URL needs a scheme")?
        + 3;
    let (head, query) = match url.find('?') {
        Some(q) => url.split_at(q),
        None => (url, ""),
    };
    let authority_end = head[scheme_end..]
        .find('/')
        .map_or(head.len(), |p| scheme_end + p);
    Ok(format!("{}/{name}{query}", &head[..authority_end]))
}

/// Runs `bench` on fresh data: a temporary SQLite directory, or with
/// `postgres` a new database on that server, dropped afterwards (also when
/// `bench` fails). `bench` gets the data and a work directory for logs.
pub async fn on_fresh_backend<T>(
    postgres: Option<&str>,
    keep: bool,
    bench: impl AsyncFnOnce(&DataSource, &Path) -> Result<T>,
) -> Result<T> {
    let work = WorkDir::create(keep)?;
    match postgres {
        None => {
            let data = DataSource::SqliteDir(work.path.join("data"));
            bench(&data, &work.path).await
        }
        Some(admin_url) => {
            let db = PgDatabase::create(admin_url).await?;
            eprintln!("created database {}", db.name);
            let data = DataSource::Postgres(db.url.clone());
            let result = bench(&data, &work.path).await;
            // Every server the benchmark started is gone by now.
            match db.drop_database().await {
                Ok(()) => eprintln!("dropped database {}", db.name),
                Err(e) => eprintln!("warning: {e:#}"),
            }
            result
        }
    }
}

/// The `keel` binary to measure, as an absolute path, or an error saying
/// how to build it.
pub fn keel_binary(path: &Path) -> Result<PathBuf> {
    std::fs::canonicalize(path).with_context(|| {
        format!(
            "no keel binary at {}: run `cargo build --release -p keel` first",
            path.display()
        )
    })
}

/// The benchmark's own async runtime with `threads` worker threads (it
/// shares the machine with the server).
pub fn runtime(threads: usize) -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// The HTTP client of every benchmark: no proxy, generous timeout (a
/// timeout is reported as an error, not waited out forever).
pub fn http_client() -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .context("cannot build the HTTP client")
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() -> anyhow::Result<()> {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "x")?,
            "postgres://postgres@127.0.0.1:5432/x"
        );
        assert_eq!(with_database("postgres://u@h", "x")?, "postgres://u@h/x");
        assert_eq!(
            with_database("postgresql://u@h/db?sslmode=disable", "x")?,
            "postgresql://u@h/x?sslmode=disable"
        );
        Ok(())
    }
}
