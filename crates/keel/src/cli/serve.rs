//! `keel serve` and `keel migrate`: configuration (defaults → `keel.toml` →
//! `KEEL_*` environment → flags), logging, database, and the server loop.

use super::log_buffer::{FlushOnDrop, LogBuffer};
use anyhow::{Context, Result};
use clap::Args;
use keel_store::{Store, StoreOptions};
use serde::Deserialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tracing_subscriber::fmt::writer::BoxMakeWriter;

/// Where the database is.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Directory for the embedded SQLite database (`keel.db`).
    #[arg(long, env = "KEEL_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (`postgres://…`); when set, SQLite is not used.
    #[arg(
        long,
        env = "KEEL_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Optional TOML configuration file.
    #[arg(
        long = "config",
        env = "KEEL_CONFIG_FILE",
        value_name = "FILE",
        default_value = "keel.toml"
    )]
    pub config_file: PathBuf,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address and port to listen on.
    #[arg(long, env = "KEEL_BIND", value_name = "ADDR:PORT")]
    pub bind: Option<SocketAddr>,
    /// Log format: `text` or `json`.
    #[arg(long, env = "KEEL_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<String>,
    /// Folder of the sentence-embedding model (all-MiniLM-L6-v2:
    /// config.json, tokenizer.json, model.safetensors) for similar feedback
    /// and themes; get it with `keel model download`. Without it, word
    /// overlap is used.
    #[arg(long, env = "KEEL_MODEL_DIR", value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Memory for tasks read by key or id, kept until a write changes
    /// them, in MiB (SQLite only; 0 keeps none). Default 48.
    #[arg(long, env = "KEEL_TASK_CACHE_MIB", value_name = "MIB",
        value_parser = clap::value_parser!(u32).range(0..=MAX_TASK_CACHE_MIB as i64))]
    pub task_cache_mib: Option<u32>,
}

/// The largest task cache that may be asked for (64 GiB).
const MAX_TASK_CACHE_MIB: u32 = 65_536;

/// Database connections by default. More SQLite readers than this buy no
/// throughput on a small machine and each holds its own page cache.
const DEFAULT_MAX_CONNECTIONS: u32 = 8;

/// What `keel.toml` may set. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    database_url: Option<String>,
    log_format: Option<String>,
    max_connections: Option<u32>,
    model_dir: Option<PathBuf>,
    task_cache_mib: Option<u32>,
}

/// The resolved configuration.
pub struct Config {
    pub bind: SocketAddr,
    pub database: Database,
    pub log_format: String,
    pub max_connections: u32,
    pub model_dir: Option<PathBuf>,
    /// See [`ServeArgs::task_cache_mib`].
    pub task_cache_mib: u32,
}

/// Which database, with the URL kept out of `Debug` output (it may hold a
/// password).
pub enum Database {
    Sqlite(PathBuf),
    Postgres(String),
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Database::Sqlite(p) => write!(f, "Sqlite({})", p.display()),
            Database::Postgres(_) => f.write_str("Postgres(<redacted>)"),
        }
    }
}

fn read_file_config(path: &Path, explicit: bool) -> Result<FileConfig> {
    match std::fs::read_to_string(path) {
        Ok(text) => toml::from_str(&text)
            .with_context(|| format!("invalid configuration in {}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            Ok(FileConfig::default())
        }
        Err(e) => Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn resolve(db: &DatabaseArgs, serve: Option<&ServeArgs>) -> Result<Config> {
    let bind = serve.and_then(|s| s.bind);
    let log_format = serve.and_then(|s| s.log_format.clone());
    let model_dir = serve.and_then(|s| s.model_dir.clone());
    let explicit = db.config_file != Path::new("keel.toml");
    let file = read_file_config(&db.config_file, explicit)?;
    let database = match db.database_url.clone().or(file.database_url) {
        Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
            Database::Postgres(url)
        }
        Some(url) => anyhow::bail!(
            "database URL must start with postgres:// (got {:?}); leave it unset for SQLite",
            url.split(':').next().unwrap_or("")
        ),
        None => {
            let dir = db
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("keel-data"));
            Database::Sqlite(dir.join("keel.db"))
        }
    };
    let log_format = log_format
        .or(file.log_format)
        .unwrap_or_else(|| "text".into());
    if log_format != "text" && log_format != "json" {
        anyhow::bail!("log format must be text or json, not {log_format:?}");
    }
    let task_cache_mib = match serve.and_then(|s| s.task_cache_mib) {
        Some(mib) => mib,
        None => match file.task_cache_mib {
            Some(mib) if mib > MAX_TASK_CACHE_MIB => anyhow::bail!(
                "task_cache_mib in {} must be at most {MAX_TASK_CACHE_MIB}, not {mib}",
                db.config_file.display()
            ),
            Some(mib) => mib,
            None => keel_store::DEFAULT_TASK_CACHE_MIB as u32,
        },
    };
    Ok(Config {
        bind: bind
            .or(file.bind)
            .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 7070))),
        database,
        log_format,
        max_connections: file.max_connections.unwrap_or(DEFAULT_MAX_CONNECTIONS),
        model_dir: model_dir.or(file.model_dir),
        task_cache_mib,
    })
}

/// The database that `keel.toml`, the environment and the flags name.
pub fn database(db: &DatabaseArgs) -> Result<Database> {
    Ok(resolve(db, None)?.database)
}

/// A lock on the SQLite data directory (`keel.lock` next to `keel.db`),
/// held for as long as this value lives; the kernel drops it when the
/// process dies, even by SIGKILL. Servers and other commands that use the
/// database hold it shared; `keel restore` holds it exclusive, so a restore
/// never replaces the file under a running server and a server never starts
/// in the middle of a restore. A server also holds `keel-server.lock`
/// exclusive ([`DataDirLock::only_server`]).
pub struct DataDirLock {
    _file: std::fs::File,
}

/// Shared by everything that uses the database, exclusive for a restore.
const LOCK: &str = "keel.lock";
/// Exclusive for the one server of a data directory.
const SERVER_LOCK: &str = "keel-server.lock";

impl DataDirLock {
    /// `None` on PostgreSQL, where there is no data directory.
    pub fn shared(database: &Database) -> Result<Option<DataDirLock>> {
        let Database::Sqlite(path) = database else {
            return Ok(None);
        };
        let file = Self::open(path, LOCK)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Some(DataDirLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "{} is being restored by `keel restore`; try again when it has finished",
                path.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => Err(e)
                .with_context(|| format!("cannot lock {}", path.with_file_name(LOCK).display())),
        }
    }

    /// Fails, saying so, while another server uses the directory. A SQLite
    /// server keeps what it read in memory until its own writes change it
    /// (keel-store's `kept_in_memory`), so it must be the only one writing;
    /// several instances share a PostgreSQL database instead.
    pub fn only_server(database: &Database) -> Result<Option<DataDirLock>> {
        let Database::Sqlite(path) = database else {
            return Ok(None);
        };
        let file = Self::open(path, SERVER_LOCK)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(DataDirLock { _file: file })),
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "another Keel server is using {}: on SQLite one server serves a data directory \
                 (run several instances on PostgreSQL)",
                path.parent().unwrap_or(Path::new(".")).display()
            ),
            Err(std::fs::TryLockError::Error(e)) => Err(e).with_context(|| {
                format!("cannot lock {}", path.with_file_name(SERVER_LOCK).display())
            }),
        }
    }

    /// Fails, saying so, while any server or command uses the directory.
    pub fn exclusive(db_path: &Path) -> Result<DataDirLock> {
        let file = Self::open(db_path, LOCK)?;
        match file.try_lock() {
            Ok(()) => Ok(DataDirLock { _file: file }),
            Err(std::fs::TryLockError::WouldBlock) => anyhow::bail!(
                "a Keel server (or another keel command) is using {}; stop it first",
                db_path.parent().unwrap_or(Path::new(".")).display()
            ),
            Err(std::fs::TryLockError::Error(e)) => Err(e)
                .with_context(|| format!("cannot lock {}", db_path.with_file_name(LOCK).display())),
        }
    }

    /// Opens the lock file `name` next to `db_path`.
    fn open(db_path: &Path, name: &str) -> Result<std::fs::File> {
        if let Some(dir) = db_path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create data directory {}", dir.display()))?;
        }
        let path = db_path.with_file_name(name);
        std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open {}", path.display()))
    }
}

/// Offline commands: a couple of connections, and no tasks kept (they read
/// each task at most once).
const OFFLINE: StoreOptions = StoreOptions {
    max_connections: 2,
    task_cache_mib: 0,
};

/// Opens the configured database and applies migrations.
pub async fn open_store(database: &Database, options: StoreOptions) -> Result<Store> {
    let store = match database {
        Database::Sqlite(path) => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create data directory {}", dir.display()))?;
            }
            Store::open_sqlite(path, &options)
                .await
                .with_context(|| format!("cannot open {}", path.display()))?
        }
        Database::Postgres(url) => Store::open_postgres(url, &options)
            .await
            .context("cannot connect to PostgreSQL")?,
    };
    store.migrate().await.context("migration failed")?;
    Ok(store)
}

/// Logs to stderr: line by line for short commands, through a
/// [`LogBuffer`] for the server (returned, to be flushed on the way out).
fn init_logging(format: &str, buffered: bool) -> Option<LogBuffer> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("KEEL_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let buffer = buffered.then(LogBuffer::stderr);
    let writer = match &buffer {
        Some(buffer) => {
            buffer.flush_on_panic();
            BoxMakeWriter::new(buffer.clone())
        }
        None => BoxMakeWriter::new(std::io::stderr),
    };
    // Colour codes only for a person at a terminal: in a file or a service
    // manager's journal they are noise that breaks `grep`.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(writer);
    match format {
        "json" => builder.json().init(),
        _ => builder.init(),
    }
    buffer
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// A future that resolves after SIGTERM or Ctrl-C. The handlers are
/// installed here, before the caller announces it is listening, so a signal
/// sent right after that line is never the default "terminate now".
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .context("cannot install the SIGTERM handler")?;
    let ctrl_c = tokio::signal::ctrl_c();
    Ok(async move {
        #[cfg(unix)]
        let term = term.recv();
        #[cfg(not(unix))]
        let term = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
        tracing::info!("shutting down: finishing in-flight requests");
    })
}

pub fn run(args: ServeArgs) -> Result<()> {
    let config = resolve(&args.db, Some(&args))?;
    let _flush_log = init_logging(&config.log_format, true).map(FlushOnDrop);
    let _lock = DataDirLock::shared(&config.database)?;
    let _only_server = DataDirLock::only_server(&config.database)?;
    runtime()?.block_on(async {
        let store = open_store(
            &config.database,
            StoreOptions {
                max_connections: config.max_connections,
                task_cache_mib: config.task_cache_mib as usize,
            },
        )
        .await?;
        tracing::info!(database = ?config.database, "database ready");
        let shutdown = shutdown_signal()?;
        let listener = tokio::net::TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        let addr = listener.local_addr()?;
        // Tests and scripts wait for this exact line.
        println!("Keel listening on http://{addr}");
        let insight = match &config.model_dir {
            Some(dir) => load_model(dir).await?,
            None => keel_server::insight::Insight::default(),
        };
        let state = keel_server::AppState::with_insight(store.clone(), insight);
        state.start_background();
        let router = keel_server::build_router(state);
        keel_server::serve(listener, router, shutdown, Duration::from_secs(30)).await?;
        store.close().await;
        Ok(())
    })
}

/// Loads the embedding model (on a blocking thread: it reads ~90 MB). A
/// configured model that cannot be loaded stops the start: silently
/// falling back to word overlap would hide the mistake.
async fn load_model(dir: &Path) -> Result<keel_server::insight::Insight> {
    let path = dir.to_path_buf();
    let started = std::time::Instant::now();
    let model = tokio::task::spawn_blocking(move || keel_insight::Model::load(&path))
        .await?
        .with_context(|| format!("cannot load the model in {}", dir.display()))?;
    tracing::info!(dir = %dir.display(), ms = started.elapsed().as_millis() as u64, "embedding model loaded");
    Ok(keel_server::insight::Insight::with_model(model))
}

pub fn migrate(args: DatabaseArgs) -> Result<()> {
    let config = resolve(&args, None)?;
    init_logging(&config.log_format, false);
    let _lock = DataDirLock::shared(&config.database)?;
    runtime()?.block_on(async {
        let store = open_store(&config.database, OFFLINE).await?;
        store.close().await;
        println!("migrations applied");
        Ok(())
    })
}

/// Opens the database for offline commands, without logging set-up noise.
pub fn with_store<T>(args: &DatabaseArgs, f: impl AsyncFnOnce(Store) -> Result<T>) -> Result<T> {
    let config = resolve(args, None)?;
    let _lock = DataDirLock::shared(&config.database)?;
    let new_file = match &config.database {
        Database::Sqlite(path) => (!path.exists()).then(|| path.clone()),
        Database::Postgres(_) => None,
    };
    runtime()?.block_on(async {
        let store = open_store(&config.database, OFFLINE).await?;
        if let Some(path) = new_file {
            // Said, because an offline command on a mistyped --data-dir
            // would otherwise quietly change a new, empty database.
            eprintln!(
                "note: there was no database at {}; a new one was created (--data-dir names another)",
                path.display()
            );
        }
        let out = f(store.clone()).await;
        store.close().await;
        out
    })
}
