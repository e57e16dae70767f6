package io.switchboard.jobs;

import io.switchboard.error.ApiException;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Schedule;
import io.switchboard.persistence.store.ScheduleStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls Postgres for due schedule ticks; for each, tries to claim the tick and runs the schedule's
 * task only when this node won it. Schedules are read on every poll, so a change made through the
 * API on any node is honoured everywhere without a restart.
 */
final class Scheduler {

  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final Vertx vertx;
  private final String node;
  private final Map<String, Supplier<Future<String>>> tasks;
  private boolean polling;

  Scheduler(Vertx vertx, String node, Map<String, Supplier<Future<String>>> tasks) {
    this.vertx = vertx;
    this.node = node;
    this.tasks = tasks;
  }

  void poll() {
    if (polling) {
      return;
    }
    polling = true;
    Bus.request(vertx, Addresses.SCHEDULES_DUE, (Void) null)
        .compose(due -> {
          Future<Void> chain = Future.succeededFuture();
          for (Schedule s : due) {
            chain = chain.compose(v -> tick(s).otherwiseEmpty());
          }
          return chain;
        })
        .onComplete(ar -> {
          polling = false;
          if (ar.failed()) {
            // a database that cannot be reached is said once per 10 s by Bus, not on every poll
            (ApiException.isUnavailable(ar.cause()) ? log.atDebug() : log.atWarn()).addKeyValue("error", ar.cause().getMessage()).log("schedule poll failed");
          }
        });
  }

  private Future<Void> tick(Schedule s) {
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    OffsetDateTime tick = s.nextRunAt();
    OffsetDateTime next;
    try {
      next = Timing.next(s, tick, now);
    } catch (RuntimeException e) {
      next = now.plusHours(1); // a stored cron that no longer parses: retry hourly, the outcome says why
    }
    return Bus.request(vertx, Addresses.SCHEDULE_CLAIM, new ScheduleStore.Claim(s.name(), tick, next, node))
        .compose(won -> won ? run(s, tick) : Future.succeededFuture());
  }

  private Future<Void> run(Schedule s, OffsetDateTime tick) {
    Supplier<Future<String>> task = tasks.get(s.name());
    long start = System.nanoTime();
    Future<String> outcome;
    try {
      outcome = task == null ? Future.succeededFuture("error: no task named " + s.name()) : task.get();
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    // The next poll must not wait for a long task; the outcome is recorded when it ends.
    outcome.recover(e -> Future.succeededFuture("error: " + e.getMessage()))
        .compose(text -> Bus.request(vertx, Addresses.SCHEDULE_FINISH, new ScheduleStore.Finish(s.name(), tick,
            text + " (" + (System.nanoTime() - start) / 1_000_000 + " ms)")))
        .onFailure(e -> log.atWarn().addKeyValue("schedule", s.name()).addKeyValue("error", e.getMessage()).log("recording outcome failed"));
    return Future.succeededFuture();
  }
}
