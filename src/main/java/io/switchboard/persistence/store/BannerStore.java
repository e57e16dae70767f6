package io.switchboard.persistence.store;

import io.switchboard.domain.Banner;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** The one global banner row: set (replacing any), cleared, read. */
public final class BannerStore {

  public record Set(String text, String mediaId, String userId) {
  }

  static final String GET = """
      SELECT b.text, b.media_id, m.width, m.height, b.updated_at
        FROM banner b LEFT JOIN media m ON m.id = b.media_id""";
  static final String LOCK = "SELECT media_id FROM banner WHERE id = 1 FOR UPDATE";
  static final String SET = """
      WITH b AS (INSERT INTO banner (id, text, media_id, updated_at, updated_by) VALUES (1, $1, $2, now(), $3)
                 ON CONFLICT (id) DO UPDATE SET text = EXCLUDED.text, media_id = EXCLUDED.media_id,
                   updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
                 RETURNING text, media_id, updated_at)
      SELECT b.text, b.media_id, m.width, m.height, b.updated_at FROM b LEFT JOIN media m ON m.id = b.media_id""";
  static final String CLEAR = "WITH d AS (DELETE FROM banner) SELECT now() AS at";
  /** The old banner's picture, unless an announcement shows it too. */
  static final String DROP_PICTURE = "DELETE FROM media WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM messages WHERE media_id = $1)";

  private final Pool pool;

  public BannerStore(Pool pool) {
    this.pool = pool;
  }

  /** The banner, or empty when there is none. */
  public Future<Optional<Banner>> get() {
    return pool.preparedQuery(GET).execute().map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(map(rows.iterator().next())));
  }

  /** Sets the banner; the picture of the one it replaces goes in the same transaction. */
  public Future<Banner> set(Set s) {
    UUID media = s.mediaId() == null ? null : Sql.id(s.mediaId(), "media");
    UUID user = s.userId() == null ? null : Sql.id(s.userId(), "user");
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute().compose(old -> conn.preparedQuery(SET)
        .execute(Tuple.of(s.text(), media, user))
        .compose(rows -> dropOld(conn, old, media).map(map(rows.iterator().next())))));
  }

  /** Removes the banner and its picture; answers when (also when there was none). */
  public Future<Instant> clear() {
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK).execute().compose(old -> conn.preparedQuery(CLEAR).execute()
        .compose(rows -> dropOld(conn, old, null).map(rows.iterator().next().getOffsetDateTime("at").toInstant()))));
  }

  private static Future<Void> dropOld(io.vertx.sqlclient.SqlConnection conn, io.vertx.sqlclient.RowSet<Row> old, UUID kept) {
    UUID previous = old.size() == 0 ? null : old.iterator().next().getUUID("media_id");
    return previous == null || previous.equals(kept) ? Future.succeededFuture()
        : conn.preparedQuery(DROP_PICTURE).execute(Tuple.of(previous)).mapEmpty();
  }

  private static Banner map(Row r) {
    UUID media = r.getUUID("media_id");
    return new Banner(r.getString("text"), media == null ? null : media.toString(), r.getInteger("width"), r.getInteger("height"),
        r.getOffsetDateTime("updated_at"));
  }
}
