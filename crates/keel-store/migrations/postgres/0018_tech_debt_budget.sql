-- The tech-debt capacity budget of a cycle: the share (0–1) of its done
-- estimate points the team means to spend on tech debt. NULL = no target.
-- Mirrors migrations/sqlite/0018_tech_debt_budget.sql.

ALTER TABLE cycles ADD COLUMN tech_debt_target DOUBLE PRECISION;
