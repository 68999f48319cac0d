//! `keel backup FILE` and `keel restore FILE`: copies of the embedded
//! SQLite database. A backup may be taken while the server runs and writes;
//! a restore needs the server stopped. On PostgreSQL both refuse and point
//! at PostgreSQL's own tools.

use super::serve::{DataDirLock, Database, DatabaseArgs, database, runtime};
use anyhow::{Context, Result, bail};
use clap::Args;
use keel_store::{Store, StoreOptions};
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The file to write (replaced if it exists, only once the new copy is
    /// complete and checked).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `keel backup`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// The SQLite file to work on, or a clear refusal on PostgreSQL.
fn sqlite_path(args: &DatabaseArgs, what: &str, instead: &str) -> Result<PathBuf> {
    match database(args)? {
        Database::Sqlite(path) => Ok(path),
        Database::Postgres(_) => bail!(
            "`keel {what}` is for the embedded SQLite database; this Keel uses PostgreSQL: use {instead} instead"
        ),
    }
}

/// `name` with `suffix` appended (`keel.db` → `keel.db-wal`).
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

/// Removes a database file and its `-wal` / `-shm` companions, if present.
fn remove_db_files(path: &Path) -> Result<()> {
    for p in [
        path.to_path_buf(),
        with_suffix(path, "-wal"),
        with_suffix(path, "-shm"),
    ] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", p.display())),
        }
    }
    Ok(())
}

/// Flushes a file, then its directory entry, to disk.
fn sync_file_and_dir(path: &Path) -> Result<()> {
    std::fs::File::open(path)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("cannot flush {}", path.display()))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        // Directories cannot be fsynced on every platform; the file itself
        // is already safe, so this is best effort.
        let _ = std::fs::File::open(dir).and_then(|d| d.sync_all());
    }
    Ok(())
}

pub fn backup(args: BackupArgs) -> Result<()> {
    let db_path = sqlite_path(&args.db, "backup", "pg_dump")?;
    if !db_path.is_file() {
        bail!("there is no database at {}", db_path.display());
    }
    if overwrites_live_files(&args.file, &db_path) {
        bail!(
            "{} is one of the live database's own files; write the backup somewhere else",
            args.file.display()
        );
    }
    let _lock = DataDirLock::shared(&Database::Sqlite(db_path.clone()))?;
    let name = args
        .file
        .file_name()
        .with_context(|| format!("{} is not a file name", args.file.display()))?;
    // Next to the destination, so the final rename stays on one file system.
    let tmp = args.file.with_file_name(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    remove_db_files(&tmp)?;
    let result = runtime()?.block_on(async {
        let store = Store::open_sqlite(
            &db_path,
            &StoreOptions {
                max_connections: 1,
                ..Default::default()
            },
        )
        .await
        .with_context(|| format!("cannot open {}", db_path.display()))?;
        let copied = store.backup_into(&tmp).await;
        store.close().await;
        copied.with_context(|| format!("cannot write the backup to {}", tmp.display()))?;
        keel_store::check_sqlite_file(&tmp)
            .await
            .map_err(|e| anyhow::anyhow!("the new backup failed its check: {e}"))
    });
    let check = match result {
        Ok(check) => check,
        Err(e) => {
            let _ = remove_db_files(&tmp);
            return Err(e);
        }
    };
    sync_file_and_dir(&tmp)?;
    std::fs::rename(&tmp, &args.file)
        .with_context(|| format!("cannot move the backup to {}", args.file.display()))?;
    sync_file_and_dir(&args.file)?;
    let bytes = std::fs::metadata(&args.file).map(|m| m.len()).unwrap_or(0);
    super::output::line(format!(
        "backed up {} to {} ({} tasks, {bytes} bytes, migration {}); integrity check ok",
        db_path.display(),
        args.file.display(),
        check.tasks,
        check.migration_level,
    ))?;
    Ok(())
}

pub fn restore(args: RestoreArgs) -> Result<()> {
    let db_path = sqlite_path(
        &args.db,
        "restore",
        "pg_restore (or psql for a plain pg_dump)",
    )?;
    if !args.file.is_file() {
        bail!("{} does not exist or is not a file", args.file.display());
    }
    let _lock = DataDirLock::exclusive(&db_path)?;
    // The candidate is copied next to keel.db first and checked there, so
    // the final step is one rename on one file system.
    let staging = db_path.with_file_name("keel.db.restoring");
    remove_db_files(&staging)?;
    std::fs::copy(&args.file, &staging).with_context(|| {
        format!(
            "cannot copy {} to {}",
            args.file.display(),
            staging.display()
        )
    })?;
    let rt = runtime()?;
    let check = match rt.block_on(keel_store::check_sqlite_file(&staging)) {
        Ok(check) => check,
        Err(e) => {
            let _ = remove_db_files(&staging);
            bail!(
                "{} cannot be restored: {e}; nothing was changed",
                args.file.display()
            );
        }
    };
    // The check opened it read-only; a companion file it left is not data.
    remove_companions(&staging)?;
    sync_file_and_dir(&staging)?;

    let before = db_path.with_file_name("keel.db.before-restore");
    if db_path.exists() {
        // Fold the old log into the old file so the kept copy is whole by
        // itself. If that fails (a damaged database), the log is moved
        // along with it below instead.
        if let Err(e) = rt.block_on(keel_store::checkpoint_sqlite_file(&db_path)) {
            eprintln!(
                "warning: cannot checkpoint {} ({e}); keeping its log beside the old copy",
                db_path.display()
            );
        }
        remove_db_files(&before)?;
        // A second name for the old file: keel.db itself stays in place
        // until the rename below swaps the new one in.
        if std::fs::hard_link(&db_path, &before).is_err() {
            std::fs::copy(&db_path, &before)
                .with_context(|| format!("cannot keep a copy at {}", before.display()))?;
        }
        // A log left beside keel.db would be replayed into the restored
        // file and corrupt it: it goes with the old copy.
        let wal = with_suffix(&db_path, "-wal");
        if wal.exists() {
            std::fs::rename(&wal, with_suffix(&before, "-wal"))
                .with_context(|| format!("cannot move {}", wal.display()))?;
        }
        remove_companions(&db_path)?;
    }
    std::fs::rename(&staging, &db_path)
        .with_context(|| format!("cannot move the restored file to {}", db_path.display()))?;
    sync_file_and_dir(&db_path)?;
    super::output::line(format!(
        "restored {} into {} ({} tasks, migration {})",
        args.file.display(),
        db_path.display(),
        check.tasks,
        check.migration_level,
    ))?;
    if before.exists() {
        super::output::line(format!(
            "the previous database is kept as {}",
            before.display()
        ))?;
    }
    Ok(())
}

/// Whether `dest` names `keel.db`, its `-wal` / `-shm` or the lock file:
/// renaming a backup over one of those would wreck the running server.
fn overwrites_live_files(dest: &Path, db_path: &Path) -> bool {
    let dir_of = |p: &Path| {
        let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
        parent.unwrap_or(Path::new(".")).canonicalize().ok()
    };
    let (Some(dest_dir), Some(db_dir)) = (dir_of(dest), dir_of(db_path)) else {
        return false;
    };
    let live = [
        db_path.to_path_buf(),
        with_suffix(db_path, "-wal"),
        with_suffix(db_path, "-shm"),
        db_path.with_file_name("keel.lock"),
    ];
    dest_dir == db_dir
        && live
            .iter()
            .any(|p| p.file_name().is_some() && p.file_name() == dest.file_name())
}

/// Removes `-wal` and `-shm` files beside `path` (not `path` itself).
fn remove_companions(path: &Path) -> Result<()> {
    for p in [with_suffix(path, "-wal"), with_suffix(path, "-shm")] {
        match std::fs::remove_file(&p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", p.display())),
        }
    }
    Ok(())
}
