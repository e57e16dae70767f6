-- Accounts, sessions, group-based permissions, audit log (SPEC §3).

CREATE TABLE users (
  id            uuid PRIMARY KEY,
  username      text NOT NULL,
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  superuser     boolean NOT NULL DEFAULT false,
  disabled      boolean NOT NULL DEFAULT false,
  avatar_id     uuid,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_username_ci ON users (lower(username));

CREATE TABLE permissions (
  name        text PRIMARY KEY,
  description text NOT NULL
);

CREATE TABLE groups (
  id          uuid PRIMARY KEY,
  name        text NOT NULL,
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX groups_name_ci ON groups (lower(name));

CREATE TABLE group_permissions (
  group_id   uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  permission text NOT NULL REFERENCES permissions (name) ON DELETE CASCADE,
  PRIMARY KEY (group_id, permission)
);

CREATE TABLE user_groups (
  user_id  uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  group_id uuid NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, group_id)
);
CREATE INDEX user_groups_group ON user_groups (group_id);

CREATE TABLE sessions (
  id             uuid PRIMARY KEY,
  user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_used_at   timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text,
  ip             text,
  user_agent     text
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;

-- Refresh tokens are stored only as SHA-256 hashes. A spent token stays (spent_at set) so that
-- presenting it again is recognised as reuse, which revokes the whole session.
CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  spent_at   timestamptz
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE captchas (
  id         uuid PRIMARY KEY,
  answer     text NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE TABLE audit_log (
  id             bigserial PRIMARY KEY,
  at             timestamptz NOT NULL DEFAULT now(),
  actor_id       uuid,
  actor_username text,
  action         text NOT NULL,
  target         text,
  ip             text,
  details        jsonb NOT NULL DEFAULT '{}'::jsonb
);
-- Failed logins per username within a window (captcha rule) are counted from the audit log.
CREATE INDEX audit_log_login ON audit_log (action, lower(target), at);

CREATE TABLE media (
  id           uuid PRIMARY KEY,
  owner_id     uuid REFERENCES users (id) ON DELETE SET NULL,
  content_type text NOT NULL,
  width        int NOT NULL,
  height       int NOT NULL,
  bytes        bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

INSERT INTO permissions (name, description) VALUES
  ('users.manage', 'list, create, change and disable users, set their groups'),
  ('groups.manage', 'create, change and delete groups and their permissions'),
  ('rooms.create', 'create rooms'),
  ('rooms.moderate', 'manage participants, settings and messages of any conversation'),
  ('announcements.send', 'send system announcements and set the global banner'),
  ('notifications.send', 'send notifications to users and groups'),
  ('modules.view', 'see modules and their online state'),
  ('modules.manage', 'delete modules and send them commands'),
  ('jobs.manage', 'see and change schedules and background jobs'),
  ('audit.view', 'read the audit log');

INSERT INTO groups (id, name, description) VALUES
  ('00000000-0000-0000-0000-000000000001', 'admin', 'administrators: every permission'),
  ('00000000-0000-0000-0000-000000000002', 'member', 'every registered user');

INSERT INTO group_permissions (group_id, permission)
  SELECT '00000000-0000-0000-0000-000000000001', name FROM permissions;
INSERT INTO group_permissions (group_id, permission) VALUES
  ('00000000-0000-0000-0000-000000000002', 'rooms.create');
