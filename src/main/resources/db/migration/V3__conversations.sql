-- Conversations, participants with read markers, and messages (SPEC §4).

CREATE TABLE conversations (
  id                        uuid PRIMARY KEY,
  kind                      text NOT NULL CHECK (kind IN ('direct', 'group', 'room')),
  name                      text,
  title                     text,
  public                    boolean NOT NULL DEFAULT false,
  owner_id                  uuid REFERENCES users (id) ON DELETE SET NULL,
  -- "smaller-uuid:larger-uuid" for direct conversations, so that a pair has only one
  direct_key                text,
  slow_mode_seconds         int NOT NULL DEFAULT 0,
  retention_max_age_seconds int,
  retention_max_messages    int,
  -- seq of the newest message; incremented under the row lock in the inserting transaction
  last_seq                  bigint NOT NULL DEFAULT 0,
  last_activity_at          timestamptz NOT NULL DEFAULT now(),
  created_at                timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX conversations_name_ci ON conversations (lower(name)) WHERE name IS NOT NULL;
CREATE UNIQUE INDEX conversations_direct_key ON conversations (direct_key) WHERE direct_key IS NOT NULL;
CREATE INDEX conversations_public_rooms ON conversations (lower(name)) WHERE kind = 'room' AND public;

CREATE TABLE participants (
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  joined_at       timestamptz NOT NULL DEFAULT now(),
  last_read_seq   bigint NOT NULL DEFAULT 0,
  -- when this participant's last message was stored (slow mode)
  last_sent_at    timestamptz,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX participants_user ON participants (user_id);

CREATE TABLE messages (
  id              uuid PRIMARY KEY,
  conversation_id uuid NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  seq             bigint NOT NULL,
  kind            text NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'system')),
  sender_id       uuid REFERENCES users (id) ON DELETE SET NULL,
  text            text,
  client_msg_id   text,
  state           text NOT NULL DEFAULT 'visible' CHECK (state IN ('visible', 'recalled', 'deleted')),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (conversation_id, seq)
);
-- a send retried with the same clientMsgId is stored once
CREATE UNIQUE INDEX messages_client_msg ON messages (conversation_id, sender_id, client_msg_id) WHERE client_msg_id IS NOT NULL;
