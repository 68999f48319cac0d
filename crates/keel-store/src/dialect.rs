//! The few places where SQLite and PostgreSQL need different SQL, side by
//! side so the difference is visible in one file.

use crate::Backend;

/// Suffix that locks the selected rows of table alias `t` until the
/// transaction ends. PostgreSQL cannot lock the nullable side of an outer
/// join, hence `OF t`; NO KEY UPDATE, because the row's key does not
/// change, so rows inserted meanwhile that point at it (a sub-task, a
/// comment) are not held up. SQLite has one writer at a time, so it
/// needs none.
pub fn for_update_of_t(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR NO KEY UPDATE OF t",
    }
}

/// Case-insensitive substring match against `$n`.
pub fn contains_ci(backend: Backend, column: &str, n: usize) -> String {
    match backend {
        Backend::Sqlite => format!("{column} LIKE '%' || ${n} || '%' ESCAPE '\\'"),
        Backend::Postgres => format!("{column} ILIKE '%' || ${n} || '%' ESCAPE '\\'"),
    }
}

/// Escapes `%`, `_` and `\` so user text matches literally inside LIKE.
pub fn escape_like(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Statement taking the migration lock, if the backend needs one.
pub fn migration_lock(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        // Held until the transaction ends; the key is arbitrary but fixed.
        Backend::Postgres => Some("SELECT pg_advisory_xact_lock(7242011)"),
    }
}

/// Statement that serialises first-run set-up so two concurrent requests
/// cannot both create "the first" account.
pub fn setup_lock(backend: Backend) -> Option<&'static str> {
    match backend {
        // The single writer connection already serialises it.
        Backend::Sqlite => None,
        Backend::Postgres => Some("SELECT pg_advisory_xact_lock(7242012)"),
    }
}

/// Statement that lets one instance at a time run a background job batch
/// (`$1` names the job): true when this transaction got the lock. SQLite
/// has one instance, which always gets it.
pub fn try_job_lock(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres => Some("SELECT pg_try_advisory_xact_lock(7242100 + $1)"),
    }
}

/// The channel other instances listen on for committed events.
pub const EVENTS_CHANNEL: &str = "keel_events";

/// Statement announcing a committed event to other instances, if the
/// backend can have other instances.
pub fn notify_event(backend: Backend) -> Option<&'static str> {
    match backend {
        Backend::Sqlite => None,
        // `$1` is the workspace id, whose counter was just advanced.
        Backend::Postgres => Some(
            "SELECT pg_notify('keel_events', $1 || ':' || event_seq) FROM workspaces WHERE id = $1",
        ),
    }
}

/// Bind parameter number `n` (1-based, numbered in the order they are
/// written) in statements built with thousands of parameters (bulk
/// imports). On SQLite it is an anonymous `?`, bound by position: for `$N`
/// or `?N` sqlx-sqlite asks `sqlite3_bind_parameter_name` for every
/// parameter, which SQLite answers by a linear scan of the statement's
/// names — quadratic in their number; at 7,000 parameters per statement it
/// was 60% of a 100,000-row import's CPU. PostgreSQL only knows `$N`.
pub fn bind_param(backend: Backend, n: usize) -> String {
    match backend {
        Backend::Sqlite => "?".to_string(),
        Backend::Postgres => format!("${n}"),
    }
}
