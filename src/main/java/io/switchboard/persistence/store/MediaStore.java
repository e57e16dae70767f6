package io.switchboard.persistence.store;

import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Stored media (avatars): already processed image bytes with their type and size. */
public final class MediaStore {

  public record NewMedia(String ownerId, String contentType, int width, int height, byte[] bytes) {
  }

  public record Media(String id, String contentType, int width, int height, Buffer bytes) {
  }

  static final String INSERT = "INSERT INTO media (id, owner_id, content_type, width, height, bytes) VALUES ($1, $2, $3, $4, $5, $6)";
  static final String BY_ID = "SELECT id, content_type, width, height, bytes FROM media WHERE id = $1";

  private final Pool pool;

  public MediaStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores the bytes; answers the new media id. */
  public Future<String> create(NewMedia m) {
    UUID id = UUID.randomUUID();
    UUID owner = m.ownerId() == null ? null : Sql.id(m.ownerId(), "user");
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(id, owner, m.contentType(), m.width(), m.height(), Buffer.buffer(m.bytes())))
        .map(r -> id.toString());
  }

  public Future<Media> get(String mediaId) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(Sql.id(mediaId, "media"))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("no such media"));
      }
      Row r = rows.iterator().next();
      return Future.succeededFuture(new Media(r.getUUID("id").toString(), r.getString("content_type"), r.getInteger("width"),
          r.getInteger("height"), r.getBuffer("bytes")));
    });
  }
}
