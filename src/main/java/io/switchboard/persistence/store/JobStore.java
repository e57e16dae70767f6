package io.switchboard.persistence.store;

import io.switchboard.domain.Job;
import io.switchboard.domain.Page;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The durable job queue. Claiming uses {@code FOR UPDATE SKIP LOCKED}, so nodes never wait on each
 * other; a claimed job carries a lease, and a job whose lease ran out (its node died) is claimable again.
 */
public final class JobStore {

  public record Enqueue(String kind, JsonObject payload, int maxAttempts) {
  }

  public record ClaimBatch(String node, int limit, int leaseSeconds) {
  }

  public record Succeeded(String id) {
  }

  /** A failed attempt; {@code retryInMillis} null means no further try (the job is kept as failed). */
  public record Failed(String id, String error, Long retryInMillis) {
  }

  public record Query(String status, String cursor, int limit) {
  }

  static final String COLUMNS = "id, kind, payload, status, attempts, max_attempts, next_attempt_at, locked_by, last_error, created_at, finished_at";
  static final String INSERT = "INSERT INTO jobs (id, kind, payload, max_attempts) VALUES ($1, $2, $3, $4) RETURNING " + COLUMNS;
  static final String CLAIM = """
      UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = $1,
             lease_until = now() + make_interval(secs => $3), updated_at = now()
       WHERE id IN (SELECT id FROM jobs
                     WHERE (status = 'queued' AND next_attempt_at <= now())
                        OR (status = 'running' AND lease_until < now())
                     ORDER BY next_attempt_at
                     LIMIT $2
                     FOR UPDATE SKIP LOCKED)
      RETURNING\s""" + COLUMNS;
  static final String SUCCEED = "UPDATE jobs SET status = 'done', finished_at = now(), lease_until = NULL, last_error = NULL, "
      + "updated_at = now() WHERE id = $1 AND status = 'running'";
  static final String RETRY_LATER = "UPDATE jobs SET status = 'queued', last_error = $2, lease_until = NULL, locked_by = NULL, "
      + "next_attempt_at = now() + make_interval(secs => $3), updated_at = now() WHERE id = $1 AND status = 'running'";
  static final String FAIL = "UPDATE jobs SET status = 'failed', last_error = $2, lease_until = NULL, finished_at = now(), "
      + "updated_at = now() WHERE id = $1 AND status = 'running'";
  static final String LIST = "SELECT " + COLUMNS + " FROM jobs WHERE ($1::text IS NULL OR status = $1) "
      + "AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3)) ORDER BY created_at DESC, id DESC LIMIT $4";
  static final String GET = "SELECT " + COLUMNS + " FROM jobs WHERE id = $1";
  // a retried job no longer takes in coalesced alerts (a newer queued one may hold its key)
  static final String RETRY = "UPDATE jobs SET status = 'queued', attempts = 0, next_attempt_at = now(), finished_at = NULL, "
      + "locked_by = NULL, coalesce_key = NULL, updated_at = now() WHERE id = $1 AND status = 'failed'";
  static final String DEPTH = "SELECT count(*) AS n FROM jobs WHERE status IN ('queued', 'running')";
  static final String PURGE = """
      WITH j AS (DELETE FROM jobs WHERE status IN ('done', 'failed') AND finished_at < now() - interval '7 days' RETURNING 1),
           r AS (DELETE FROM schedule_runs WHERE started_at < now() - interval '7 days' RETURNING 1)
      SELECT (SELECT count(*) FROM j) + (SELECT count(*) FROM r) AS n""";

  private final Pool pool;

  public JobStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Job> enqueue(Enqueue e) {
    return pool.preparedQuery(INSERT).execute(Tuple.of(UUID.randomUUID(), e.kind(), e.payload(), e.maxAttempts()))
        .map(rows -> map(rows.iterator().next()));
  }

  public Future<List<Job>> claim(ClaimBatch c) {
    return pool.preparedQuery(CLAIM).execute(Tuple.of(c.node(), c.limit(), c.leaseSeconds())).map(rows -> {
      List<Job> jobs = new ArrayList<>();
      rows.forEach(r -> jobs.add(map(r)));
      return jobs;
    });
  }

  public Future<Void> succeeded(Succeeded s) {
    return pool.preparedQuery(SUCCEED).execute(Tuple.of(UUID.fromString(s.id()))).mapEmpty();
  }

  public Future<Void> failed(Failed f) {
    String error = f.error() == null ? "failed" : f.error().length() > 1000 ? f.error().substring(0, 1000) : f.error();
    UUID id = UUID.fromString(f.id());
    return (f.retryInMillis() == null
        ? pool.preparedQuery(FAIL).execute(Tuple.of(id, error))
        : pool.preparedQuery(RETRY_LATER).execute(Tuple.of(id, error, f.retryInMillis() / 1000.0))).mapEmpty();
  }

  public Future<Page<Job>> list(Query q) {
    String decoded = Sql.decodeCursor(q.cursor());
    java.time.OffsetDateTime before = null;
    UUID beforeId = null;
    if (decoded != null) {
      String[] parts = decoded.split("\\|", 2);
      try {
        before = java.time.OffsetDateTime.parse(parts[0]);
        beforeId = UUID.fromString(parts[1]);
      } catch (RuntimeException e) {
        throw ApiException.validation("cursor", "not a cursor this server issued");
      }
    }
    return pool.preparedQuery(LIST).execute(Tuple.of(q.status(), before, beforeId, q.limit() + 1)).map(rows -> {
      List<Job> jobs = new ArrayList<>();
      rows.forEach(r -> jobs.add(map(r)));
      boolean more = jobs.size() > q.limit();
      List<Job> page = more ? jobs.subList(0, q.limit()) : jobs;
      Job last = page.isEmpty() ? null : page.get(page.size() - 1);
      return new Page<>(List.copyOf(page), more ? Sql.encodeCursor(last.createdAt() + "|" + last.id()) : null);
    });
  }

  public Future<Job> get(String id) {
    return pool.preparedQuery(GET).execute(Tuple.of(Sql.id(id, "job"))).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ApiException.notFound("no such job"))
        : Future.succeededFuture(map(rows.iterator().next())));
  }

  /** Puts a failed job back in the queue with a fresh set of attempts. */
  public Future<Job> retry(String id) {
    UUID uuid = Sql.id(id, "job");
    return get(id).compose(job -> "failed".equals(job.status())
        ? pool.preparedQuery(RETRY).execute(Tuple.of(uuid)).compose(r -> get(id))
        : Future.failedFuture(ApiException.conflict("only failed jobs can be retried; this one is " + job.status())));
  }

  public Future<Long> depth() {
    return pool.query(DEPTH).execute().map(rows -> rows.iterator().next().getLong("n"));
  }

  public Future<Long> purge() {
    return pool.query(PURGE).execute().map(rows -> rows.iterator().next().getLong("n"));
  }

  static Job map(Row r) {
    return new Job(r.getUUID("id").toString(), r.getString("kind"), (JsonObject) r.getValue("payload"), r.getString("status"),
        r.getInteger("attempts"), r.getInteger("max_attempts"), r.getOffsetDateTime("next_attempt_at"), r.getString("locked_by"),
        r.getString("last_error"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("finished_at"));
  }
}
