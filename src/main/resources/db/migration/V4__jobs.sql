-- Timed schedules and the background job queue (SPEC §8).

CREATE TABLE schedules (
  name             text PRIMARY KEY,
  interval_seconds int CHECK (interval_seconds > 0),
  cron             text,
  enabled          boolean NOT NULL DEFAULT true,
  last_run_at      timestamptz,
  next_run_at      timestamptz NOT NULL DEFAULT now(),
  last_outcome     text,
  run_count        bigint NOT NULL DEFAULT 0,
  last_run_node    text,
  CHECK ((interval_seconds IS NULL) <> (cron IS NULL))
);

-- One row per tick: the primary key makes "exactly one node runs each tick" hold in the database.
CREATE TABLE schedule_runs (
  schedule    text NOT NULL REFERENCES schedules (name) ON DELETE CASCADE,
  tick_at     timestamptz NOT NULL,
  node        text NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  outcome     text,
  PRIMARY KEY (schedule, tick_at)
);

INSERT INTO schedules (name, interval_seconds) VALUES
  ('auth.purge', 60),
  ('jobs.purge', 3600);

CREATE TABLE jobs (
  id              uuid PRIMARY KEY,
  kind            text NOT NULL,
  payload         jsonb NOT NULL DEFAULT '{}'::jsonb,
  status          text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  attempts        int NOT NULL DEFAULT 0,
  max_attempts    int NOT NULL,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  lease_until     timestamptz,
  locked_by       text,
  last_error      text,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz
);
CREATE INDEX jobs_due ON jobs (next_attempt_at) WHERE status = 'queued';
CREATE INDEX jobs_lease ON jobs (lease_until) WHERE status = 'running';
CREATE INDEX jobs_status ON jobs (status, created_at DESC);
