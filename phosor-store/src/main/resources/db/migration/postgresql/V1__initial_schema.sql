-- Phosor's store, first version. Instants are timestamptz (UTC, millisecond precision);
-- JSON documents are text. Keep db/migration/sqlite/V1__initial_schema.sql in step.

CREATE TABLE alerts (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  fingerprint     text NOT NULL UNIQUE,
  rule_id         text NOT NULL,
  rule_name       text,
  severity        text NOT NULL CHECK (severity IN ('informational', 'low', 'medium', 'high', 'critical')),
  tags            text NOT NULL,
  group_key       text NOT NULL,
  first_seen      timestamptz NOT NULL,
  last_seen       timestamptz NOT NULL,
  event_count     bigint NOT NULL,
  event_ids       text NOT NULL,
  summary         text,
  status          text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  created_at      timestamptz NOT NULL,
  acknowledged_by text,
  acknowledged_at timestamptz,
  resolved_by     text,
  resolved_at     timestamptz
);
CREATE INDEX alerts_last_seen ON alerts (last_seen);
CREATE INDEX alerts_rule ON alerts (rule_id, id);
CREATE INDEX alerts_status ON alerts (status, id);
CREATE INDEX alerts_severity ON alerts (severity, id);

CREATE TABLE rules (
  id         text PRIMARY KEY,
  body       text NOT NULL,
  format     text NOT NULL CHECK (format IN ('json', 'yaml')),
  enabled    boolean NOT NULL,
  version    integer NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  updated_by text NOT NULL
);

-- Every change to a rule, including its deletion; no foreign key, so history outlives the rule.
CREATE TABLE rule_history (
  seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rule_id    text NOT NULL,
  version    integer NOT NULL,
  change     text NOT NULL CHECK (change IN ('created', 'updated', 'toggled', 'deleted')),
  body       text NOT NULL,
  format     text NOT NULL,
  enabled    boolean NOT NULL,
  changed_by text NOT NULL,
  changed_at timestamptz NOT NULL,
  UNIQUE (rule_id, version)
);

CREATE TABLE incidents (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title        text NOT NULL,
  severity     text NOT NULL CHECK (severity IN ('informational', 'low', 'medium', 'high', 'critical')),
  status       text NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
  entity_type  text,
  entity_value text,
  assignee     text,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  updated_at   timestamptz NOT NULL
);
CREATE INDEX incidents_status ON incidents (status, id);
CREATE INDEX incidents_entity ON incidents (entity_type, entity_value);

CREATE TABLE incident_alerts (
  incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  alert_id    bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  linked_at   timestamptz NOT NULL,
  PRIMARY KEY (incident_id, alert_id)
);
CREATE INDEX incident_alerts_alert ON incident_alerts (alert_id);

-- The incident's timeline: created, status changes, assignments, notes, linked alerts, actions.
CREATE TABLE incident_events (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  kind        text NOT NULL,
  detail      text,
  actor       text NOT NULL,
  created_at  timestamptz NOT NULL
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);

CREATE TABLE file_sources (
  path     text PRIMARY KEY,
  added_by text NOT NULL,
  added_at timestamptz NOT NULL
);

CREATE TABLE file_positions (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Only the SHA-256 of a token is stored, never the token.
CREATE TABLE ingest_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name         text NOT NULL UNIQUE,
  token_hash   text NOT NULL UNIQUE,
  created_by   text NOT NULL,
  created_at   timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked      boolean NOT NULL,
  revoked_at   timestamptz
);

-- username_key is the user name in lower case (Java's Locale.ROOT rules): unique, case-insensitively.
CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  username      text NOT NULL,
  username_key  text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role          text NOT NULL,
  disabled      boolean NOT NULL,
  created_at    timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  last_login_at timestamptz
);

CREATE TABLE actions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  action_type  text NOT NULL,
  parameters   text,
  incident_id  bigint REFERENCES incidents (id) ON DELETE SET NULL,
  alert_id     bigint REFERENCES alerts (id) ON DELETE SET NULL,
  triggered_by text NOT NULL,
  status       text NOT NULL CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'dry_run', 'refused')),
  attempts     integer NOT NULL,
  outcome      text,
  created_at   timestamptz NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz
);
CREATE INDEX actions_incident ON actions (incident_id, id);

CREATE TABLE settings (
  name       text PRIMARY KEY,
  value      text NOT NULL,
  updated_at timestamptz NOT NULL
);

-- The detection engine's new-value baselines, one JSON document per rule id.
CREATE TABLE baselines (
  rule_id    text PRIMARY KEY,
  data       text NOT NULL,
  updated_at timestamptz NOT NULL
);

CREATE TABLE audit_log (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  target     text,
  detail     text,
  address    text
);
