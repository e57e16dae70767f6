-- Notification centre (SPEC §6): a notification is stored once and delivered to many users, one
-- row per recipient. A recipient row's seq is the client-facing notification id: per user, it
-- starts at 1 and strictly increases in commit order, because it is taken from the user's counter
-- row (notification_cursors) under that row's lock in the inserting transaction, as a
-- conversation's seq is taken under its conversation row. Later work resumes streams after it.

CREATE TABLE notifications (
  id         uuid PRIMARY KEY,
  title      text NOT NULL,
  body       text NOT NULL DEFAULT '',
  data       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_by uuid REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- purge by age
CREATE INDEX notifications_created ON notifications (created_at);

-- One narrow row per user who ever got a notification: the seq of their newest one.
CREATE TABLE notification_cursors (
  user_id  uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  last_seq bigint NOT NULL
);

CREATE TABLE user_notifications (
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  seq             bigint NOT NULL,
  notification_id uuid NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
  read_at         timestamptz,
  -- a user's list, newest first, is a backward scan of the primary key
  PRIMARY KEY (user_id, seq)
);
-- a user's unread ones (list and count)
CREATE INDEX user_notifications_unread ON user_notifications (user_id, seq) WHERE read_at IS NULL;
-- purge: the recipient rows of old notifications
CREATE INDEX user_notifications_notification ON user_notifications (notification_id);

-- A send to groups walks each group's members in user-id order, batch by batch; this index
-- serves that walk and everything the (group_id) index served.
CREATE INDEX user_groups_group_user ON user_groups (group_id, user_id);
DROP INDEX user_groups_group;

INSERT INTO schedules (name, interval_seconds) VALUES ('notifications.purge', 3600);
