-- Incidents, response actions, the blocklist and alert enrichment (issue 6, SPEC section 6).

-- Reputation and indicator matches found for the alert's entities, a JSON object (null until enriched).
ALTER TABLE alerts ADD COLUMN enrichment text;

-- When the incident's newest alert was linked: alerts about the same entity within the grouping window
-- of this join the incident.
ALTER TABLE incidents ADD COLUMN last_alert_at timestamptz;
CREATE INDEX incidents_open_entity ON incidents (entity_type, entity_value, status, last_alert_at);

-- Each alert is grouped into incidents once; the incident worker resumes after the highest id done.
-- Actions: one per incident, entity, action type (and channel), so re-running a playbook never repeats one.
ALTER TABLE actions ADD COLUMN dedup_key text;
CREATE UNIQUE INDEX actions_dedup ON actions (dedup_key);
-- When a pending action may be tried next (backoff); null = now.
ALTER TABLE actions ADD COLUMN next_attempt_at timestamptz;
CREATE INDEX actions_pending ON actions (status, next_attempt_at);

-- Addresses blocked by block_ip or by hand. An entry stays (for the record) after it expires or is removed;
-- at most one entry per address is active.
CREATE TABLE blocklist (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  address     text NOT NULL,
  reason      text,
  incident_id bigint REFERENCES incidents (id) ON DELETE SET NULL,
  added_by    text NOT NULL,
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz,
  removed_at  timestamptz,
  removed_by  text
);
CREATE UNIQUE INDEX blocklist_active ON blocklist (address) WHERE removed_at IS NULL;
CREATE INDEX blocklist_expiry ON blocklist (expires_at) WHERE removed_at IS NULL;
