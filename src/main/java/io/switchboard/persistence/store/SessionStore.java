package io.switchboard.persistence.store;

import io.switchboard.domain.event.SessionsRevoked;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Sessions and their rotating refresh tokens. Every revocation is committed, then handed to
 * {@code revoked} (which publishes it), so that every node stops accepting the session's tokens.
 */
public final class SessionStore {

  public record NewSession(String userId, String refreshHash, String ip, String userAgent) {
  }

  public record Rotate(String oldHash, String newHash) {
  }

  public record Rotated(String sessionId, String userId) {
  }

  public record Revoke(String sessionId, String reason) {
  }

  public record RevokeUser(String userId, String exceptSessionId, String reason) {
  }

  static final String INSERT_SESSION = "INSERT INTO sessions (id, user_id, expires_at, ip, user_agent) "
      + "VALUES ($1, $2, now() + make_interval(secs => $3), $4, $5)";
  static final String INSERT_REFRESH = "INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)";
  static final String FIND_REFRESH = """
      SELECT rt.session_id, rt.spent_at, s.user_id, s.revoked_at, s.expires_at < now() AS expired, u.disabled
        FROM refresh_tokens rt
        JOIN sessions s ON s.id = rt.session_id
        JOIN users u ON u.id = s.user_id
       WHERE rt.token_hash = $1
         FOR UPDATE OF rt""";
  static final String SPEND_REFRESH = "UPDATE refresh_tokens SET spent_at = now() WHERE token_hash = $1";
  static final String TOUCH_SESSION = "UPDATE sessions SET last_used_at = now() WHERE id = $1";
  static final String REVOKE = "UPDATE sessions SET revoked_at = now(), revoked_reason = $2 "
      + "WHERE id = $1 AND revoked_at IS NULL RETURNING user_id";
  static final String REVOKE_USER = "UPDATE sessions SET revoked_at = now(), revoked_reason = $3 "
      + "WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2) RETURNING id";
  static final String RECENTLY_REVOKED = "SELECT id, user_id, revoked_at FROM sessions "
      + "WHERE revoked_at > now() - make_interval(secs => $1)";
  static final String REVOKED_SINCE = "SELECT user_id, array_agg(id) AS ids, max(revoked_at) AS last FROM sessions "
      + "WHERE revoked_at > $1 GROUP BY user_id";
  static final String PURGE = """
      WITH s AS (DELETE FROM sessions WHERE expires_at < now() - interval '1 day'
                  OR revoked_at < now() - make_interval(secs => $1) RETURNING 1),
           c AS (DELETE FROM captchas WHERE expires_at < now() RETURNING 1)
      SELECT (SELECT count(*) FROM s) + (SELECT count(*) FROM c) AS n""";

  private final Pool pool;
  private final int accessTtlSeconds;
  private final int refreshTtlSeconds;
  private final Consumer<SessionsRevoked> revoked;

  public SessionStore(Pool pool, int accessTtlSeconds, int refreshTtlSeconds, Consumer<SessionsRevoked> revoked) {
    this.pool = pool;
    this.accessTtlSeconds = accessTtlSeconds;
    this.refreshTtlSeconds = refreshTtlSeconds;
    this.revoked = revoked;
  }

  public Future<String> create(NewSession s) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(c -> c.preparedQuery(INSERT_SESSION)
            .execute(Tuple.of(id, Sql.id(s.userId(), "user"), refreshTtlSeconds, s.ip(), s.userAgent()))
            .compose(r -> c.preparedQuery(INSERT_REFRESH).execute(Tuple.of(s.refreshHash(), id))))
        .map(r -> id.toString());
  }

  private enum Outcome { ROTATED, UNKNOWN, REUSED, ENDED }

  private record RotateResult(Outcome outcome, String sessionId, String userId) {
  }

  public Future<Rotated> rotate(Rotate r) {
    return pool.withTransaction(c -> c.preparedQuery(FIND_REFRESH).execute(Tuple.of(r.oldHash())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(new RotateResult(Outcome.UNKNOWN, null, null));
      }
      Row row = rows.iterator().next();
      String sid = row.getUUID("session_id").toString();
      String uid = row.getUUID("user_id").toString();
      if (row.getValue("spent_at") != null) {
        return revokeIn(c, sid, "refresh_token_reuse").map(x -> new RotateResult(Outcome.REUSED, sid, uid));
      }
      if (row.getValue("revoked_at") != null || row.getBoolean("expired") || row.getBoolean("disabled")) {
        return Future.succeededFuture(new RotateResult(Outcome.ENDED, sid, uid));
      }
      return c.preparedQuery(SPEND_REFRESH).execute(Tuple.of(r.oldHash()))
          .compose(x -> c.preparedQuery(INSERT_REFRESH).execute(Tuple.of(r.newHash(), UUID.fromString(sid))))
          .compose(x -> c.preparedQuery(TOUCH_SESSION).execute(Tuple.of(UUID.fromString(sid))))
          .map(x -> new RotateResult(Outcome.ROTATED, sid, uid));
    })).compose(result -> switch (result.outcome()) {
      case ROTATED -> Future.succeededFuture(new Rotated(result.sessionId(), result.userId()));
      case REUSED -> {
        announce(result.userId(), List.of(result.sessionId()), "refresh_token_reuse");
        yield Future.failedFuture(ApiException.unauthorized("refresh token already used; the session has been ended"));
      }
      case ENDED -> Future.failedFuture(ApiException.unauthorized("session has ended"));
      case UNKNOWN -> Future.failedFuture(ApiException.unauthorized("invalid refresh token"));
    });
  }

  private Future<Void> revokeIn(SqlConnection c, String sid, String reason) {
    return c.preparedQuery(REVOKE).execute(Tuple.of(UUID.fromString(sid), reason)).mapEmpty();
  }

  /** Ends one session; answers the revocation (empty if it had already ended). */
  public Future<SessionsRevoked> revoke(Revoke r) {
    return pool.preparedQuery(REVOKE).execute(Tuple.of(Sql.id(r.sessionId(), "session"), r.reason())).map(rows -> {
      if (rows.size() == 0) {
        return new SessionsRevoked(null, List.of(), until(), r.reason());
      }
      return announce(rows.iterator().next().getUUID("user_id").toString(), List.of(r.sessionId()), r.reason());
    });
  }

  /** Ends every session of a user but {@code exceptSessionId} (null: all). */
  public Future<SessionsRevoked> revokeUser(RevokeUser r) {
    UUID except = r.exceptSessionId() == null ? null : UUID.fromString(r.exceptSessionId());
    return pool.preparedQuery(REVOKE_USER).execute(Tuple.of(Sql.id(r.userId(), "user"), except, r.reason())).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(row -> ids.add(row.getUUID("id").toString()));
      return announce(r.userId(), ids, r.reason());
    });
  }

  /** Sessions revoked recently enough that tokens issued to them may still be unexpired. */
  public Future<List<SessionsRevoked>> recentlyRevoked() {
    return pool.preparedQuery(RECENTLY_REVOKED).execute(Tuple.of(accessTtlSeconds + 60)).map(rows -> {
      List<SessionsRevoked> list = new ArrayList<>();
      rows.forEach(row -> list.add(new SessionsRevoked(row.getUUID("user_id").toString(), List.of(row.getUUID("id").toString()),
          row.getOffsetDateTime("revoked_at").toInstant().toEpochMilli() + accessTtlSeconds * 1000L + 60_000, "loaded")));
      return list;
    });
  }

  /**
   * Sessions revoked after {@code sinceEpochMillis} (read back after an outage of the cluster link),
   * one event per user, each as the live one would have been.
   */
  public Future<List<SessionsRevoked>> revokedSince(long sinceEpochMillis) {
    OffsetDateTime since = OffsetDateTime.ofInstant(Instant.ofEpochMilli(sinceEpochMillis), ZoneOffset.UTC);
    return pool.preparedQuery(REVOKED_SINCE).execute(Tuple.of(since)).map(rows -> {
      List<SessionsRevoked> list = new ArrayList<>();
      rows.forEach(row -> {
        List<String> ids = new ArrayList<>();
        for (UUID id : row.getArrayOfUUIDs("ids")) {
          ids.add(id.toString());
        }
        list.add(new SessionsRevoked(row.getUUID("user_id").toString(), List.copyOf(ids),
            row.getOffsetDateTime("last").toInstant().toEpochMilli() + accessTtlSeconds * 1000L + 60_000, "caught_up"));
      });
      return list;
    });
  }

  public Future<Long> purge() {
    return pool.preparedQuery(PURGE).execute(Tuple.of(accessTtlSeconds + 60))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  private SessionsRevoked announce(String userId, List<String> ids, String reason) {
    SessionsRevoked event = new SessionsRevoked(userId, List.copyOf(ids), until(), reason);
    if (!ids.isEmpty()) {
      revoked.accept(event);
    }
    return event;
  }

  private long until() {
    return System.currentTimeMillis() + accessTtlSeconds * 1000L + 60_000;
  }
}
