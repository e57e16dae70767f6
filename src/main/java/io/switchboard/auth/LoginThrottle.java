package io.switchboard.auth;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.switchboard.error.ApiException;
import io.switchboard.persistence.store.LoginAttemptStore;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;

/**
 * The per-username attempt limit (SPEC §3: a captcha after {@code CAPTCHA_AFTER_FAILURES} failed
 * logins within 15 minutes), counted in Postgres so every node counts the same attempts. An attempt
 * is taken before the password is checked, so a parallel burst of guesses cannot all pass on the same
 * old count. A right password gives its attempt back (and past the limit, where it came with a solved
 * captcha, clears the count); so does a request the server failed to answer (5xx: nothing was
 * checked). A wrong password, a refused captcha or a refusal past the limit keep theirs.
 */
public final class LoginThrottle {

  /** The window of the count; it starts at a username's first attempt and restarts once it has passed. */
  public static final int WINDOW_SECONDS = 15 * 60;

  /** An attempt taken: the count including it, and whether that count is past the limit. */
  public record Attempt(String username, int count, long windowLeftSeconds, boolean overLimit) {
  }

  private final Vertx vertx;
  private final int limit;

  public LoginThrottle(Vertx vertx, AppConfig config) {
    this.vertx = vertx;
    this.limit = config.get(Settings.CAPTCHA_AFTER_FAILURES);
  }

  /** Takes an attempt for {@code username}, runs {@code check} with it and settles the attempt by the outcome before answering that. */
  public <T> Future<T> attempt(String username, Function<Attempt, Future<T>> check) {
    return Bus.request(vertx, Addresses.LOGIN_ATTEMPT_TAKE, username)
        .map(taken -> new Attempt(username, taken.attempts(), taken.windowLeftSeconds(), taken.attempts() > limit))
        .compose(attempt -> {
          Future<T> outcome;
          try {
            outcome = check.apply(attempt);
          } catch (RuntimeException e) {
            outcome = Future.failedFuture(e);
          }
          return outcome.transform(ar -> settle(attempt, ar));
        });
  }

  private <T> Future<T> settle(Attempt attempt, AsyncResult<T> outcome) {
    boolean refused = outcome.failed() && outcome.cause() instanceof ApiException api && api.status() < 500;
    Future<T> answer = outcome.succeeded() ? Future.succeededFuture(outcome.result()) : Future.failedFuture(outcome.cause());
    if (refused) {
      return answer;
    }
    // given back before answering, so that the caller's next attempt already sees it
    return Bus.request(vertx, Addresses.LOGIN_ATTEMPT_GIVE_BACK,
            new LoginAttemptStore.GiveBack(attempt.username(), outcome.succeeded() && attempt.overLimit()))
        .transform(x -> answer);
  }
}
