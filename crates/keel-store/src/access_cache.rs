//! API tokens and the workspace standing they give, kept in memory on
//! SQLite between the writes that change them.
//!
//! Every API request names a token, and most name a workspace: resolving
//! both is one statement over four tables and the read transaction around
//! it, about a third of what reading one task by key costs (BENCHMARKS.md,
//! sessions 15 and 19). The answer changes only when a token is revoked or
//! its `last_used_at` rewritten, a workspace renamed, or a membership
//! added, changed or ended; users are never updated. On SQLite every such
//! write goes through this process (one server per data directory; the
//! offline CLI only creates accounts), so answers are kept until one of those writes ends: both
//! writer connections report every row they update or delete in
//! `api_tokens`, `users`, `workspaces` or `memberships` (SQLite's update
//! hook, [`AccessCache::row_changed`]), and when that write's turn ends,
//! committed or not, every kept answer is dropped at once. So no
//! repository function has to remember to say so. A revoked token is
//! refused by the next request.
//!
//! An answer is only kept if the snapshot it was read from began after the
//! last such write ended (see [`AccessCache::generation`]), so an answer read
//! from before a revocation cannot outlive it.
//!
//! Only whole answers are kept: a token with standing in the workspace.
//! Refusals are read each time, so a new token or a new member needs no
//! notice. PostgreSQL has no cache: another instance may revoke a token,
//! and this one would not hear of it.

use crate::repo::tokens::Authenticated;
use keel_domain::model::WorkspaceAccess;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// At most this many (token, workspace) answers are kept; when full, all
/// are dropped and the cache fills again. A few hundred bytes each.
const MAX_KEPT: usize = 4096;

/// A token's user, and their standing in one workspace.
pub(crate) type Answer = (Authenticated, WorkspaceAccess);

#[derive(Default)]
pub(crate) struct AccessCache {
    /// How many writes that change access have ended.
    generation: AtomicU64,
    /// Whether the write holding the writer's turn has changed a row that
    /// answers are read from.
    changed_by_write: AtomicBool,
    kept: Mutex<Kept>,
}

#[derive(Default)]
struct Kept {
    /// The generation these answers were read in.
    generation: u64,
    /// Token hash → workspace slug → answer.
    answers: HashMap<String, HashMap<String, Answer>>,
    count: usize,
}

impl AccessCache {
    /// The current generation. Read it before the snapshot an answer is
    /// read from begins, and pass it to [`keep`](Self::keep).
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The kept answer for this token in this workspace, if still current.
    pub(crate) fn get(&self, token_hash: &str, slug: &str) -> Option<Answer> {
        let current = self.generation();
        let kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.generation != current {
            return None;
        }
        kept.answers.get(token_hash)?.get(slug).cloned()
    }

    /// Keeps an answer read in `generation`, unless a write that changes
    /// access has ended since.
    pub(crate) fn keep(&self, generation: u64, token_hash: &str, slug: &str, answer: Answer) {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        if kept.generation != generation || kept.count >= MAX_KEPT {
            if generation != self.generation() {
                return;
            }
            kept.answers.clear();
            kept.count = 0;
            kept.generation = generation;
        }
        let previous = kept
            .answers
            .entry(token_hash.to_string())
            .or_default()
            .insert(slug.to_string(), answer);
        if previous.is_none() {
            kept.count += 1;
        }
    }

    /// Drops every kept answer: a write that changes access has ended.
    pub(crate) fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Called by the writer connections' update hook for every row they
    /// change, while the write holds the writer's turn. A new row changes
    /// no kept answer: only whole answers are kept, never refusals.
    pub(crate) fn row_changed(&self, inserted: bool, table: &str) {
        if !inserted && matches!(table, "api_tokens" | "users" | "workspaces" | "memberships") {
            self.changed_by_write.store(true, Ordering::SeqCst);
        }
    }

    /// The write that held the writer's turn has ended, committed or not
    /// (after its `COMMIT`, so that an answer read from a snapshot begun
    /// before it cannot be kept as current): if it changed access, drops
    /// every kept answer.
    pub(crate) fn write_ended(&self) {
        if self.changed_by_write.swap(false, Ordering::SeqCst) {
            self.forget_all();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_domain::Role;
    use keel_domain::model::{User, Workspace};

    fn answer(name: &str) -> Answer {
        let user = User {
            id: "u1".into(),
            email: "a@example.com".into(),
            name: name.into(),
            is_admin: false,
            created_at: "2026-01-01T00:00:00Z".into(),
        };
        let workspace = Workspace {
            id: "w1".into(),
            name: "Acme".into(),
            slug: "acme".into(),
            created_at: "2026-01-01T00:00:00Z".into(),
            version: 1,
        };
        (
            Authenticated {
                token_id: "t1".into(),
                last_used_at: None,
                user,
            },
            WorkspaceAccess {
                workspace,
                role: Role::Member,
            },
        )
    }

    #[test]
    fn an_answer_is_kept_until_access_changes() {
        let cache = AccessCache::default();
        let generation = cache.generation();
        cache.keep(generation, "hash", "acme", answer("Ann"));
        assert_eq!(cache.get("hash", "acme").unwrap().0.user.name, "Ann");
        assert!(cache.get("hash", "other").is_none());
        assert!(cache.get("other", "acme").is_none());
        cache.forget_all();
        assert!(cache.get("hash", "acme").is_none());
    }

    #[test]
    fn an_answer_read_before_a_change_is_not_kept() {
        let cache = AccessCache::default();
        let generation = cache.generation();
        cache.forget_all();
        cache.keep(generation, "hash", "acme", answer("Ann"));
        assert!(cache.get("hash", "acme").is_none());
        // Nor does it push out answers read after the change.
        cache.keep(cache.generation(), "hash", "acme", answer("Bo"));
        cache.keep(generation, "hash", "acme", answer("Ann"));
        assert_eq!(cache.get("hash", "acme").unwrap().0.user.name, "Bo");
    }

    #[test]
    fn a_write_that_changed_access_drops_every_answer_when_it_ends() {
        for table in ["api_tokens", "users", "workspaces", "memberships"] {
            let cache = AccessCache::default();
            cache.keep(cache.generation(), "hash", "acme", answer("Ann"));
            // New rows, and rows of other tables, change no answer.
            cache.row_changed(true, table);
            cache.row_changed(false, "tasks");
            cache.write_ended();
            assert!(cache.get("hash", "acme").is_some(), "{table}");
            cache.row_changed(false, table);
            // Kept until the write ends: it may still roll back.
            assert!(cache.get("hash", "acme").is_some(), "{table}");
            cache.write_ended();
            assert!(cache.get("hash", "acme").is_none(), "{table}");
        }
    }

    #[test]
    fn a_full_cache_starts_again() {
        let cache = AccessCache::default();
        let generation = cache.generation();
        for i in 0..MAX_KEPT {
            cache.keep(generation, &format!("h{i}"), "acme", answer("Ann"));
        }
        assert!(cache.get("h0", "acme").is_some());
        cache.keep(generation, "last", "acme", answer("Ann"));
        assert!(cache.get("h0", "acme").is_none());
        assert!(cache.get("last", "acme").is_some());
    }
}
