-- Media bytes move out of Postgres into storage (SPEC §4: a local folder by default): a row names
-- its storage key; rows stored before keep their bytes here. A deleted row's key goes to the trash,
-- in the same transaction, and the media.sweep schedule deletes the trash's files, so no file
-- outlives its row.

ALTER TABLE media ALTER COLUMN bytes DROP NOT NULL;
ALTER TABLE media ADD COLUMN storage_key text;
ALTER TABLE media ADD CONSTRAINT media_stored CHECK (bytes IS NOT NULL OR storage_key IS NOT NULL);

CREATE TABLE media_trash (
  storage_key text PRIMARY KEY,
  deleted_at  timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION media_to_trash() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO media_trash (storage_key) VALUES (OLD.storage_key) ON CONFLICT DO NOTHING;
  RETURN NULL;
END $$;
CREATE TRIGGER media_to_trash AFTER DELETE ON media
  FOR EACH ROW WHEN (OLD.storage_key IS NOT NULL) EXECUTE FUNCTION media_to_trash();

INSERT INTO schedules (name, interval_seconds) VALUES ('media.sweep', 60);
