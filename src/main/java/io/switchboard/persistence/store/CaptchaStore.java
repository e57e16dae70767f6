package io.switchboard.persistence.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Captcha answers: valid for a while, usable once (consuming deletes, right or wrong). */
public final class CaptchaStore {

  public record NewCaptcha(String answer, int ttlSeconds) {
  }

  public record Answer(String captchaId, String answer) {
  }

  static final String INSERT = "INSERT INTO captchas (id, answer, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))";
  static final String CONSUME = "DELETE FROM captchas WHERE id = $1 RETURNING answer, expires_at > now() AS valid";

  private final Pool pool;

  public CaptchaStore(Pool pool) {
    this.pool = pool;
  }

  public Future<String> create(NewCaptcha c) {
    UUID id = UUID.randomUUID();
    return pool.preparedQuery(INSERT).execute(Tuple.of(id, c.answer(), c.ttlSeconds())).map(r -> id.toString());
  }

  public Future<Boolean> consume(Answer a) {
    UUID id;
    try {
      id = UUID.fromString(a.captchaId());
    } catch (IllegalArgumentException | NullPointerException e) {
      return Future.succeededFuture(false);
    }
    return pool.preparedQuery(CONSUME).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return false;
      }
      var row = rows.iterator().next();
      return row.getBoolean("valid") && row.getString("answer").equalsIgnoreCase(a.answer() == null ? "" : a.answer().trim());
    });
  }
}
