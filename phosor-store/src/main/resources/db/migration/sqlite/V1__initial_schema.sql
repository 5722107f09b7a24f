-- Phosor's store, first version. Instants are INTEGER milliseconds since 1970-01-01T00:00:00Z, booleans
-- INTEGER 0/1, JSON documents TEXT; STRICT tables check the types. Keep
-- db/migration/postgresql/V1__initial_schema.sql in step.

CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  fingerprint     TEXT NOT NULL UNIQUE,
  rule_id         TEXT NOT NULL,
  rule_name       TEXT,
  severity        TEXT NOT NULL CHECK (severity IN ('informational', 'low', 'medium', 'high', 'critical')),
  tags            TEXT NOT NULL,
  group_key       TEXT NOT NULL,
  first_seen      INTEGER NOT NULL,
  last_seen       INTEGER NOT NULL,
  event_count     INTEGER NOT NULL,
  event_ids       TEXT NOT NULL,
  summary         TEXT,
  status          TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  created_at      INTEGER NOT NULL,
  acknowledged_by TEXT,
  acknowledged_at INTEGER,
  resolved_by     TEXT,
  resolved_at     INTEGER
) STRICT;
CREATE INDEX alerts_last_seen ON alerts (last_seen);
CREATE INDEX alerts_rule ON alerts (rule_id, id);
CREATE INDEX alerts_status ON alerts (status, id);
CREATE INDEX alerts_severity ON alerts (severity, id);

CREATE TABLE rules (
  id         TEXT PRIMARY KEY,
  body       TEXT NOT NULL,
  format     TEXT NOT NULL CHECK (format IN ('json', 'yaml')),
  enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  version    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  updated_by TEXT NOT NULL
) STRICT;

-- Every change to a rule, including its deletion; no foreign key, so history outlives the rule.
CREATE TABLE rule_history (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  rule_id    TEXT NOT NULL,
  version    INTEGER NOT NULL,
  change     TEXT NOT NULL CHECK (change IN ('created', 'updated', 'toggled', 'deleted')),
  body       TEXT NOT NULL,
  format     TEXT NOT NULL,
  enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
  changed_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  UNIQUE (rule_id, version)
) STRICT;

CREATE TABLE incidents (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  title        TEXT NOT NULL,
  severity     TEXT NOT NULL CHECK (severity IN ('informational', 'low', 'medium', 'high', 'critical')),
  status       TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  entity_type  TEXT,
  entity_value TEXT,
  assignee     TEXT,
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX incidents_status ON incidents (status, id);
CREATE INDEX incidents_entity ON incidents (entity_type, entity_value);

CREATE TABLE incident_alerts (
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  alert_id    INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  linked_at   INTEGER NOT NULL,
  PRIMARY KEY (incident_id, alert_id)
) STRICT;
CREATE INDEX incident_alerts_alert ON incident_alerts (alert_id);

-- The incident's timeline: created, status changes, assignments, notes, linked alerts, actions.
CREATE TABLE incident_events (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  kind        TEXT NOT NULL,
  detail      TEXT,
  actor       TEXT NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

CREATE TABLE file_sources (
  path     TEXT PRIMARY KEY,
  added_by TEXT NOT NULL,
  added_at INTEGER NOT NULL
) STRICT;

CREATE TABLE file_positions (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- Only the SHA-256 of a token is stored, never the token.
CREATE TABLE ingest_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT NOT NULL UNIQUE,
  token_hash   TEXT NOT NULL UNIQUE,
  created_by   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked      INTEGER NOT NULL CHECK (revoked IN (0, 1)),
  revoked_at   INTEGER
) STRICT;

-- username_key is the user name in lower case (Java's Locale.ROOT rules): unique, case-insensitively.
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  username      TEXT NOT NULL,
  username_key  TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role          TEXT NOT NULL,
  disabled      INTEGER NOT NULL CHECK (disabled IN (0, 1)),
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_login_at INTEGER
) STRICT;

CREATE TABLE actions (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  action_type  TEXT NOT NULL,
  parameters   TEXT,
  incident_id  INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
  alert_id     INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
  triggered_by TEXT NOT NULL,
  status       TEXT NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'dry_run', 'refused')),
  attempts     INTEGER NOT NULL,
  outcome      TEXT,
  created_at   INTEGER NOT NULL,
  started_at   INTEGER,
  finished_at  INTEGER
) STRICT;
CREATE INDEX actions_incident ON actions (incident_id, id);

CREATE TABLE settings (
  name       TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

-- The detection engine's new-value baselines, one JSON document per rule id.
CREATE TABLE baselines (
  rule_id    TEXT PRIMARY KEY,
  data       TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_log (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  created_at INTEGER NOT NULL,
  actor      TEXT NOT NULL,
  action     TEXT NOT NULL,
  target     TEXT,
  detail     TEXT,
  address    TEXT
) STRICT;
