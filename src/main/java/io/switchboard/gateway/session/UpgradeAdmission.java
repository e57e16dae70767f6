package io.switchboard.gateway.session;

import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The upgrades of one event loop whose checks (token, access, the module's takeover) may run at once
 * ({@code ws.upgradeChecks}); later ones wait their turn in arrival order, at most
 * {@code ws.upgradeQueue} of them, and past that are refused with 503 {@code unavailable}. After a node
 * restart every socket it held comes back within seconds: their checks then reach Postgres at the pace
 * it answers them instead of all at once, where the pool's short wait queue
 * ({@code pg.maxWaitQueue}) would refuse most of them and send them into their back-off. Only the
 * owning event loop touches it.
 */
final class UpgradeAdmission {

  private final int maxChecks;
  private final int maxWaiting;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int checking;

  UpgradeAdmission(int maxChecks, int maxWaiting) {
    this.maxChecks = maxChecks;
    this.maxWaiting = maxWaiting;
  }

  /** Runs {@code check} now or once a running one has finished; its slot is held until it completes. */
  <T> Future<T> admit(Supplier<Future<T>> check) {
    if (checking < maxChecks) {
      return run(check);
    }
    if (waiting.size() >= maxWaiting) {
      return Future.failedFuture(ApiException.unavailable("too many sockets are opening on this node; retry shortly"));
    }
    Promise<T> turn = Promise.promise();
    waiting.add(() -> run(check).onComplete(turn));
    return turn.future();
  }

  private <T> Future<T> run(Supplier<Future<T>> check) {
    checking++;
    Future<T> done;
    try {
      done = check.get();
    } catch (RuntimeException e) {
      done = Future.failedFuture(e);
    }
    return done.andThen(ar -> {
      checking--;
      Runnable next = waiting.poll();
      if (next != null) {
        next.run();
      }
    });
  }

  /** Upgrades waiting for a slot (for tests and meters). */
  int waiting() {
    return waiting.size();
  }
}
