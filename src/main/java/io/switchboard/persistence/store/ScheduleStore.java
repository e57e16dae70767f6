package io.switchboard.persistence.store;

import io.switchboard.domain.Schedule;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Schedules and their ticks. A tick is claimed with a conditional UPDATE on the tick's own
 * {@code next_run_at} plus an INSERT keyed by (schedule, tick), so exactly one node runs it; the
 * schedule moves on at the claim, so a node dying mid-tick does not stop it.
 */
public final class ScheduleStore {

  /** Claims the tick {@code tickAt} of {@code name} for {@code node} and moves the schedule to {@code nextRunAt}. */
  public record Claim(String name, OffsetDateTime tickAt, OffsetDateTime nextRunAt, String node) {
  }

  public record Finish(String name, OffsetDateTime tickAt, String outcome) {
  }

  /** New settings; exactly one of intervalSeconds / cron is non-null when either changes; nextRunAt recomputed by the caller. */
  public record Change(String name, Boolean enabled, Integer intervalSeconds, String cron, OffsetDateTime nextRunAt) {
  }

  static final String COLUMNS = "name, interval_seconds, cron, enabled, last_run_at, next_run_at, last_outcome, run_count, last_run_node";
  static final String LIST = "SELECT " + COLUMNS + " FROM schedules ORDER BY name";
  static final String GET = "SELECT " + COLUMNS + " FROM schedules WHERE name = $1";
  static final String DUE = "SELECT " + COLUMNS + " FROM schedules WHERE enabled AND next_run_at <= now() ORDER BY next_run_at";
  static final String CLAIM = """
      UPDATE schedules SET next_run_at = $3, last_run_at = now(), last_run_node = $4, run_count = run_count + 1
       WHERE name = $1 AND enabled AND next_run_at = $2 AND next_run_at <= now()
      RETURNING name""";
  static final String RECORD_RUN = "INSERT INTO schedule_runs (schedule, tick_at, node) VALUES ($1, $2, $3)";
  static final String FINISH_SCHEDULE = "UPDATE schedules SET last_outcome = $2 WHERE name = $1";
  static final String FINISH_RUN = "UPDATE schedule_runs SET finished_at = now(), outcome = $3 WHERE schedule = $1 AND tick_at = $2";
  static final String CHANGE = """
      UPDATE schedules SET enabled = coalesce($2, enabled),
             interval_seconds = CASE WHEN $5 THEN $3 ELSE interval_seconds END,
             cron = CASE WHEN $5 THEN $4 ELSE cron END,
             next_run_at = coalesce($6, next_run_at)
       WHERE name = $1""";
  static final String RUN_NOW = "UPDATE schedules SET next_run_at = now() WHERE name = $1";

  private final Pool pool;

  public ScheduleStore(Pool pool) {
    this.pool = pool;
  }

  public Future<List<Schedule>> list() {
    return pool.query(LIST).execute().map(ScheduleStore::mapAll);
  }

  public Future<Schedule> get(String name) {
    return pool.preparedQuery(GET).execute(Tuple.of(name)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ApiException.notFound("no such schedule: " + name))
        : Future.succeededFuture(map(rows.iterator().next())));
  }

  public Future<List<Schedule>> due() {
    return pool.query(DUE).execute().map(ScheduleStore::mapAll);
  }

  /** True when this node won the tick. */
  public Future<Boolean> claim(Claim c) {
    return pool.withTransaction(conn -> conn.preparedQuery(CLAIM).execute(Tuple.of(c.name(), c.tickAt(), c.nextRunAt(), c.node()))
        .compose(rows -> rows.size() == 0
            ? Future.succeededFuture(false)
            : conn.preparedQuery(RECORD_RUN).execute(Tuple.of(c.name(), c.tickAt(), c.node())).map(r -> true)));
  }

  public Future<Void> finish(Finish f) {
    String outcome = f.outcome().length() > 500 ? f.outcome().substring(0, 500) : f.outcome();
    return pool.withTransaction(conn -> conn.preparedQuery(FINISH_SCHEDULE).execute(Tuple.of(f.name(), outcome))
        .compose(r -> conn.preparedQuery(FINISH_RUN).execute(Tuple.of(f.name(), f.tickAt(), outcome)))).mapEmpty();
  }

  public Future<Schedule> change(Change c) {
    boolean timing = c.intervalSeconds() != null || c.cron() != null;
    return pool.preparedQuery(CHANGE)
        .execute(Tuple.tuple().addString(c.name()).addBoolean(c.enabled()).addInteger(c.intervalSeconds()).addString(c.cron())
            .addBoolean(timing).addOffsetDateTime(c.nextRunAt()))
        .compose(r -> r.rowCount() == 0 ? Future.failedFuture(ApiException.notFound("no such schedule: " + c.name())) : get(c.name()));
  }

  /** Makes the next tick due now; whichever node polls first runs it. */
  public Future<Schedule> runNow(String name) {
    return pool.preparedQuery(RUN_NOW).execute(Tuple.of(name))
        .compose(r -> r.rowCount() == 0 ? Future.failedFuture(ApiException.notFound("no such schedule: " + name)) : get(name));
  }

  private static List<Schedule> mapAll(Iterable<Row> rows) {
    List<Schedule> list = new ArrayList<>();
    rows.forEach(r -> list.add(map(r)));
    return list;
  }

  static Schedule map(Row r) {
    Long runs = r.getLong("run_count");
    return new Schedule(r.getString("name"), r.getInteger("interval_seconds"), r.getString("cron"), r.getBoolean("enabled"),
        r.getOffsetDateTime("last_run_at"), r.getOffsetDateTime("next_run_at"), r.getString("last_outcome"),
        runs == null ? 0 : runs, r.getString("last_run_node"));
  }
}
