-- The global banner (SPEC §4): at most one notice, text and an optional picture, shown to everyone.
CREATE TABLE banner (
  id         int PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  text       text NOT NULL,
  media_id   uuid REFERENCES media (id) ON DELETE SET NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES users (id) ON DELETE SET NULL
);
