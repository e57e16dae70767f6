-- Retention (SPEC §4): the timed job that applies each conversation's maxAgeSeconds / maxMessages.

CREATE INDEX messages_conversation_created ON messages (conversation_id, created_at);

INSERT INTO schedules (name, interval_seconds) VALUES ('messages.retention', 60);
