package io.switchboard.persistence.store;

import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/** Small helpers shared by the stores: unique-violation mapping, cursors, id parsing. */
public final class Sql {

  private Sql() {
  }

  public static final String UNIQUE_VIOLATION = "23505";

  public static boolean isUniqueViolation(Throwable t) {
    return t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState());
  }

  public static <T> Future<T> conflictOnDuplicate(Throwable t, String message) {
    return Future.failedFuture(isUniqueViolation(t) ? ApiException.conflict(message) : t);
  }

  /** Parses an opaque id; anything that is not a UUID cannot exist, so it is a 404. */
  public static UUID id(String raw, String what) {
    try {
      return UUID.fromString(raw);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw ApiException.notFound("no such " + what);
    }
  }

  public static String encodeCursor(String value) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  public static String decodeCursor(String cursor) {
    if (cursor == null || cursor.isEmpty()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(cursor), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.validation("cursor", "not a cursor this server issued");
    }
  }

  public static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
