-- Issue 8: rules imported from Sigma are stored as their Sigma YAML (format 'sigma').
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt with the same rows.
CREATE TABLE rules_v3 (
  id         TEXT PRIMARY KEY,
  body       TEXT NOT NULL,
  format     TEXT NOT NULL CHECK (format IN ('json', 'yaml', 'sigma')),
  enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  version    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;
INSERT INTO rules_v3 (id, body, format, enabled, version, created_at, updated_at, updated_by)
  SELECT id, body, format, enabled, version, created_at, updated_at, updated_by FROM rules;
DROP TABLE rules;
ALTER TABLE rules_v3 RENAME TO rules;
