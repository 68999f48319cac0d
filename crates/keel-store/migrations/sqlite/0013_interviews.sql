-- Customer interviews. A workspace's interview guides are a name and an
-- ordered list of questions (JSON text: [{"question", "hint"}]); the
-- built-in "Discovery interview" guide is defined in code, not stored
-- (keel_domain::interview), so every workspace has it without a write.
-- An interview copies its guide's questions into `interview_answers` when
-- it is created: editing or deleting the guide later never rewrites what
-- was asked. `guide_id` is therefore not a foreign key (it may name the
-- built-in guide, or a guide deleted since); `guide_name` keeps its name.
-- An answer turned into a feedback item keeps the link (`feedback_id`),
-- so turning the interview into feedback again skips it.
-- Mirrors migrations/postgres/0013_interviews.sql.

CREATE TABLE interview_guides (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    questions TEXT NOT NULL DEFAULT '[]',
    created_by TEXT NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX interview_guides_workspace ON interview_guides(workspace_id, id);

CREATE TABLE interviews (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    product_id TEXT NOT NULL REFERENCES products(id) ON DELETE CASCADE,
    -- Erasing the customer keeps the interview, anonymised.
    customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
    interviewer_id TEXT NOT NULL REFERENCES users(id),
    held_on TEXT NOT NULL,
    guide_id TEXT,
    guide_name TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX interviews_product ON interviews(workspace_id, product_id, id);
CREATE INDEX interviews_customer ON interviews(customer_id);

CREATE TABLE interview_answers (
    id TEXT PRIMARY KEY,
    interview_id TEXT NOT NULL REFERENCES interviews(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    hint TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL DEFAULT '',
    -- The feedback item this answer became; cleared if that item goes.
    feedback_id TEXT REFERENCES feedback(id) ON DELETE SET NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT interview_answers_once UNIQUE (interview_id, position)
);
CREATE INDEX interview_answers_feedback ON interview_answers(feedback_id);
