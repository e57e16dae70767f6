package io.switchboard.persistence.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Attempts per username (case-insensitive) within a fixed window that starts at a username's first
 * attempt and restarts at the first attempt after it has passed. Taking an attempt is one atomic
 * statement, so concurrent attempts each see a count that includes every attempt taken before them.
 */
public final class LoginAttemptStore {

  /** The count including the attempt just taken, and the whole seconds left in its window. */
  public record Taken(int attempts, long windowLeftSeconds) {
  }

  /** Gives one attempt back, or with {@code clear} forgets every attempt of the window. */
  public record GiveBack(String username, boolean clear) {
  }

  static final String TAKE = """
      INSERT INTO login_attempts AS a (username, attempts, window_start) VALUES (lower($1), 1, now())
      ON CONFLICT (username) DO UPDATE SET
        attempts = CASE WHEN a.window_start > now() - make_interval(secs => $2) THEN a.attempts + 1 ELSE 1 END,
        window_start = CASE WHEN a.window_start > now() - make_interval(secs => $2) THEN a.window_start ELSE now() END
      RETURNING attempts,
        greatest(1, ceil(extract(epoch FROM a.window_start + make_interval(secs => $2) - now())))::bigint AS window_left""";
  static final String GIVE_BACK = """
      UPDATE login_attempts SET attempts = CASE WHEN $2 THEN 0 ELSE greatest(attempts - 1, 0) END
       WHERE username = lower($1)""";
  static final String PURGE = "DELETE FROM login_attempts WHERE window_start <= now() - make_interval(secs => $1)";

  private final Pool pool;
  private final int windowSeconds;

  public LoginAttemptStore(Pool pool, int windowSeconds) {
    this.pool = pool;
    this.windowSeconds = windowSeconds;
  }

  public Future<Taken> take(String username) {
    return pool.preparedQuery(TAKE).execute(Tuple.of(username, windowSeconds)).map(rows -> {
      Row row = rows.iterator().next();
      return new Taken(row.getInteger("attempts"), row.getLong("window_left"));
    });
  }

  public Future<Void> giveBack(GiveBack g) {
    return pool.preparedQuery(GIVE_BACK).execute(Tuple.of(g.username(), g.clear())).mapEmpty();
  }

  /** Forgets usernames whose window has passed; answers how many. */
  public Future<Long> purge() {
    return pool.preparedQuery(PURGE).execute(Tuple.of(windowSeconds)).map(rows -> (long) rows.rowCount());
  }
}
