-- Pictures in conversations (SPEC §4): a message may carry one picture, stored as media of its
-- conversation (readable through signed URLs only). The picture goes with its message: when the
-- message is recalled or deleted (its tombstone keeps no picture), purged by retention, or its
-- conversation is deleted.

ALTER TABLE media ADD COLUMN conversation_id uuid REFERENCES conversations (id) ON DELETE CASCADE;
ALTER TABLE media ADD COLUMN size int;
UPDATE media SET size = octet_length(bytes);
ALTER TABLE media ALTER COLUMN size SET NOT NULL;
-- the sweep of pictures whose message was never stored
CREATE INDEX media_conversation ON media (created_at) WHERE conversation_id IS NOT NULL;

ALTER TABLE messages ADD COLUMN media_id uuid REFERENCES media (id) ON DELETE SET NULL;
CREATE INDEX messages_media ON messages (media_id) WHERE media_id IS NOT NULL;

-- a tombstone keeps no picture: the reference goes before the row is written, the picture after
CREATE FUNCTION messages_unlink_media() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.state <> 'visible' THEN
    NEW.media_id := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER messages_unlink_media BEFORE UPDATE OF state ON messages
  FOR EACH ROW WHEN (OLD.media_id IS NOT NULL) EXECUTE FUNCTION messages_unlink_media();

-- only a conversation's own picture goes; a shared one (an announcement preset's) stays
CREATE FUNCTION messages_drop_media() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM media WHERE id = OLD.media_id AND conversation_id IS NOT NULL;
  RETURN NULL;
END $$;
CREATE TRIGGER messages_drop_media_on_update AFTER UPDATE OF state ON messages
  FOR EACH ROW WHEN (OLD.media_id IS NOT NULL AND NEW.media_id IS NULL) EXECUTE FUNCTION messages_drop_media();
CREATE TRIGGER messages_drop_media_on_delete AFTER DELETE ON messages
  FOR EACH ROW WHEN (OLD.media_id IS NOT NULL) EXECUTE FUNCTION messages_drop_media();
