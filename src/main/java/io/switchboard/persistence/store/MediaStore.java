package io.switchboard.persistence.store;

import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Stored media: already processed picture bytes with their type and size. A conversation's pictures
 * ({@code conversationId} set) are served through signed URLs only; avatars and the banner's to anyone.
 */
public final class MediaStore {

  /** A row for bytes already written to storage under {@code storageKey}. */
  public record NewMedia(String id, String ownerId, String contentType, int width, int height, int size, String conversationId,
      String storageKey) {
  }

  /** {@code bytes} for rows stored before media moved to storage, else null and {@code storageKey} says where they are. */
  public record Media(String id, String contentType, int width, int height, Buffer bytes, String conversationId, String storageKey) {
  }

  /** Media stored under an id of the caller's choosing, once (its bytes in storage under that id). */
  public record Put(String id, String contentType, int width, int height, int size) {
  }


  /** A key stored again (a preset's, made from its bytes) is taken out of the trash, so its new file is not swept. */
  static final String PUT = """
      WITH untrash AS (DELETE FROM media_trash WHERE storage_key = $6)
      INSERT INTO media (id, content_type, width, height, size, storage_key) VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (id) DO NOTHING""";
  static final String TRASH = "SELECT storage_key FROM media_trash ORDER BY deleted_at LIMIT $1";
  static final String EMPTIED = "DELETE FROM media_trash WHERE storage_key = ANY($1::text[])";
  static final String INSERT = "INSERT INTO media (id, owner_id, content_type, width, height, size, conversation_id, storage_key) "
      + "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
  static final String BY_ID = "SELECT id, content_type, width, height, bytes, conversation_id, storage_key FROM media WHERE id = $1";
  static final String DELETE = "DELETE FROM media WHERE id = $1";
  /** Pictures of conversations whose message was never stored (the send was refused, or the node died between the two). */
  static final String SWEEP = """
      DELETE FROM media m WHERE m.conversation_id IS NOT NULL AND m.created_at < now() - interval '1 hour'
         AND NOT EXISTS (SELECT 1 FROM messages x WHERE x.media_id = m.id)""";

  private final Pool pool;

  public MediaStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores the bytes; answers the new media id. */
  public Future<String> create(NewMedia m) {
    UUID owner = m.ownerId() == null ? null : Sql.id(m.ownerId(), "user");
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(Sql.id(m.id(), "media"), owner, m.contentType(), m.width(), m.height(), m.size(),
            m.conversationId() == null ? null : Sql.id(m.conversationId(), "conversation"), m.storageKey()))
        .map(r -> m.id());
  }

  /** Keys of deleted rows whose files are still to be deleted, oldest first. */
  public Future<java.util.List<String>> trash(int limit) {
    return pool.preparedQuery(TRASH).execute(Tuple.of(limit)).map(rows -> {
      java.util.List<String> keys = new java.util.ArrayList<>();
      rows.forEach(r -> keys.add(r.getString("storage_key")));
      return keys;
    });
  }

  /** Their files are gone. */
  public Future<Void> emptied(java.util.List<String> keys) {
    return pool.preparedQuery(EMPTIED).execute(Tuple.of((Object) keys.toArray(String[]::new))).mapEmpty();
  }

  public Future<String> put(Put p) {
    return pool.preparedQuery(PUT).execute(Tuple.of(Sql.id(p.id(), "media"), p.contentType(), p.width(), p.height(), p.size(), p.id()))
        .map(r -> p.id());
  }

  public Future<Void> delete(String mediaId) {
    return pool.preparedQuery(DELETE).execute(Tuple.of(Sql.id(mediaId, "media"))).mapEmpty();
  }

  /** Removes conversation pictures left without a message; answers how many. */
  public Future<Integer> sweep() {
    return pool.query(SWEEP).execute().map(r -> r.rowCount());
  }

  public Future<Media> get(String mediaId) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(Sql.id(mediaId, "media"))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("no such media"));
      }
      Row r = rows.iterator().next();
      return Future.succeededFuture(new Media(r.getUUID("id").toString(), r.getString("content_type"), r.getInteger("width"),
          r.getInteger("height"), r.getBuffer("bytes"), r.getUUID("conversation_id") == null ? null : r.getUUID("conversation_id").toString(),
          r.getString("storage_key")));
    });
  }
}
