-- The audit log: security-relevant events (sign-ins and failed sign-ins,
-- logging out everywhere, role changes, tokens, exports). Rows are only
-- ever added. An event outlives the account or workspace it names (the
-- references are set to NULL), so the log is not rewritten by a deletion.
-- `detail` is a JSON object as text; `workspace_id` is NULL for events of
-- the instance (sign-ins, tokens).

CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    workspace_id TEXT REFERENCES workspaces(id) ON DELETE SET NULL,
    actor_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    ip TEXT,
    detail TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX audit_events_workspace ON audit_events(workspace_id, id);
CREATE INDEX audit_events_actor ON audit_events(actor_id, id);
