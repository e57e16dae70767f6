package io.switchboard.jobs.builtin;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.persistence.store.NotificationStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The {@code notifications.purge} schedule: deletes notifications older than
 * {@code notifications.retentionDays}, read or not, in bounded batches (5,000 rows per statement, at
 * most 200 batches per run; the next run continues), so a notification sent to every user does not
 * become one long delete.
 */
public final class NotificationPurge {

  static final int BATCH = 5_000;
  static final int MAX_BATCHES = 200;

  private final Vertx vertx;
  private final int retentionDays;

  public NotificationPurge(Vertx vertx, int retentionDays) {
    this.vertx = vertx;
    this.retentionDays = retentionDays;
  }

  private record Totals(long notifications, long recipients) {
  }

  /** Answers the outcome shown by the schedules API. */
  public Future<String> run() {
    return batch(0, new Totals(0, 0)).map(t -> "ok: " + t.notifications() + " notifications, " + t.recipients() + " deliveries purged");
  }

  private Future<Totals> batch(int done, Totals so) {
    return Bus.request(vertx, Addresses.NOTIFICATION_PURGE, new NotificationStore.Purge(retentionDays, BATCH)).compose(p -> {
      Totals now = new Totals(so.notifications() + p.notifications(), so.recipients() + p.recipients());
      boolean full = p.recipients() == BATCH || p.notifications() == BATCH;
      return full && done + 1 < MAX_BATCHES ? batch(done + 1, now) : Future.succeededFuture(now);
    });
  }
}
