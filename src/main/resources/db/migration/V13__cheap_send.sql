-- A message's write (SPEC §4) is one heap row and the index entries that queries need, nothing more
-- (docs/performance.md, "The write path"):
--
-- * No index on the id alone: no query looks a message up by its id (history, recall, delete and
--   replay go by (conversation_id, seq), retention too). The pair (conversation_id, seq) becomes the
--   primary key. Ids stay unique by construction: the server makes them, time-ordered (UUIDv7).
-- * No index on (conversation_id, created_at): retention by age walks (conversation_id, seq), since
--   created_at grows with seq.
-- * No foreign keys from messages to users and conversations: each check ran a query per message and
--   took a share lock on the referenced row (a WAL record and a dirtied page). Accounts and
--   conversations are never deleted by the server (accounts are disabled); a message is only stored
--   for a sender who is a participant (whose row references both) and only through the update of its
--   conversation's row, which finds no row once the conversation is gone. Should an operator delete a
--   conversation by hand, a trigger deletes its messages first, as the cascade did.

ALTER TABLE messages DROP CONSTRAINT messages_sender_id_fkey;
ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_fkey;
CREATE FUNCTION conversations_drop_messages() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM messages WHERE conversation_id = OLD.id;
  RETURN OLD;
END $$;
CREATE TRIGGER conversations_drop_messages BEFORE DELETE ON conversations
  FOR EACH ROW EXECUTE FUNCTION conversations_drop_messages();
DROP INDEX messages_conversation_created;
ALTER TABLE messages DROP CONSTRAINT messages_pkey;
ALTER TABLE messages DROP CONSTRAINT messages_conversation_id_seq_key,
  ADD CONSTRAINT messages_pkey PRIMARY KEY (conversation_id, seq);
