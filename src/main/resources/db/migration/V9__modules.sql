-- Modules (SPEC §7): machine clients of the old forecast platform. A module's row holds who holds
-- its socket: online, the node and the socket's connection id (a second socket replaces the
-- first by taking the row over), and its last heartbeat as last written by that node, in batches.

CREATE TABLE modules (
  hash                  text PRIMARY KEY,
  name                  text NOT NULL UNIQUE,
  description           text NOT NULL DEFAULT '',
  mission_kind          text NOT NULL DEFAULT '',
  -- as it was given: the JSON text, or (given as a JSON value) its encoding with data_requirement_json set
  data_requirement      text NOT NULL DEFAULT '{}',
  data_requirement_json boolean NOT NULL DEFAULT false,
  registered_at         timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  online                boolean NOT NULL DEFAULT false,
  node                  text,
  connection            text,
  last_heartbeat        timestamptz,
  CHECK (online = (connection IS NOT NULL))
);
-- the expiry's scan and the online list
CREATE INDEX modules_online ON modules (last_heartbeat) WHERE online;

-- Alerts of one module coalesce into its queued, not yet tried, job (SPEC §7 webhook).
ALTER TABLE jobs ADD COLUMN coalesce_key text;
CREATE UNIQUE INDEX jobs_coalesce ON jobs (coalesce_key) WHERE status = 'queued' AND attempts = 0;

INSERT INTO schedules (name, interval_seconds) VALUES ('modules.expire', 10);
