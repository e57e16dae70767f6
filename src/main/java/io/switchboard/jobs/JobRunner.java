package io.switchboard.jobs;

import io.switchboard.error.ApiException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.Job;
import io.switchboard.persistence.store.JobStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims due jobs (any node may), runs them by kind, and records the outcome: done, queued again
 * after an exponential backoff with jitter, or failed after the last attempt. Counts outcomes as
 * {@code switchboard_jobs_completed_total{kind,outcome}}.
 */
final class JobRunner {

  private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
  private static final long MAX_BACKOFF_MS = 3_600_000;
  private static final List<String> OUTCOMES = List.of("done", "retry", "failed");
  /** The label of a job whose kind has no handler: the kind's own name would be unbounded. */
  static final String UNKNOWN_KIND = "unknown";

  private final Vertx vertx;
  private final String node;
  private final Map<String, JobHandler> handlers;
  /** Per kind (those with a handler, and {@link #UNKNOWN_KIND}), per outcome: the counter of completions. */
  private final Map<String, Map<String, Counter>> completed = new HashMap<>();
  private final int concurrency;
  private final int leaseSeconds;
  private final long backoffMillis;
  private int running;
  private boolean claiming;
  private boolean stopping;

  JobRunner(Vertx vertx, String node, Map<String, JobHandler> handlers, MeterRegistry metrics, int concurrency, int leaseSeconds,
      long backoffMillis) {
    this.vertx = vertx;
    this.node = node;
    this.handlers = handlers;
    for (String kind : concat(handlers.keySet(), UNKNOWN_KIND)) {
      Map<String, Counter> byOutcome = new HashMap<>();
      for (String outcome : OUTCOMES) {
        byOutcome.put(outcome, Counter.builder("switchboard_jobs_completed").tags("kind", kind, "outcome", outcome)
            .description("jobs run by this node, by kind and outcome").register(metrics));
      }
      completed.put(kind, byOutcome);
    }
    this.concurrency = concurrency;
    this.leaseSeconds = leaseSeconds;
    this.backoffMillis = backoffMillis;
  }

  /**
   * The node is stopping: nothing more is claimed, and a job its shutdown interrupts is not recorded
   * as a failed attempt; its lease runs out and another node runs it.
   */
  void stop() {
    stopping = true;
  }

  void poll() {
    int free = concurrency - running;
    if (stopping || claiming || free <= 0) {
      return;
    }
    claiming = true;
    Bus.request(vertx, Addresses.JOB_CLAIM, new JobStore.ClaimBatch(node, free, leaseSeconds))
        .onComplete(ar -> {
          claiming = false;
          if (ar.failed()) {
            // a database that cannot be reached is said once per 10 s by Bus, not on every poll
            (ApiException.isUnavailable(ar.cause()) ? log.atDebug() : log.atWarn()).addKeyValue("error", ar.cause().getMessage()).log("job claim failed");
            return;
          }
          ar.result().forEach(this::run);
        });
  }

  private void run(Job job) {
    running++;
    JobHandler handler = handlers.get(job.kind());
    Future<Void> result;
    try {
      result = handler == null ? Future.failedFuture("no handler for kind " + job.kind()) : handler.handle(job.payload());
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.transform(ar -> {
      if (ar.succeeded()) {
        count(job, "done");
        return Bus.request(vertx, Addresses.JOB_SUCCEEDED, new JobStore.Succeeded(job.id()));
      }
      if (stopping) {
        log.atInfo().addKeyValue("job", job.id()).log("job interrupted by shutdown; left to its lease");
        return Future.succeededFuture();
      }
      boolean last = handler == null || job.attempts() >= job.maxAttempts();
      count(job, last ? "failed" : "retry");
      String error = ar.cause().getMessage() == null ? ar.cause().toString() : ar.cause().getMessage();
      log.atInfo().addKeyValue("job", job.id()).addKeyValue("kind", job.kind()).addKeyValue("attempt", job.attempts())
          .addKeyValue("error", error).log(last ? "job failed" : "job attempt failed");
      return Bus.request(vertx, Addresses.JOB_FAILED, new JobStore.Failed(job.id(), error, last ? null : backoff(job.attempts())));
    }).onComplete(ar -> {
      running--;
      if (ar.failed()) {
        // The lease runs out and another attempt follows; nothing is lost.
        log.atWarn().addKeyValue("job", job.id()).addKeyValue("error", ar.cause().getMessage()).log("recording job outcome failed");
      }
    });
  }

  /** base × 2^(attempt-1), capped, ±20 % jitter so that retries of many jobs spread out. */
  long backoff(int attempt) {
    double base = Math.min(MAX_BACKOFF_MS, backoffMillis * Math.pow(2, Math.max(0, attempt - 1)));
    return (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
  }

  private void count(Job job, String outcome) {
    completed.getOrDefault(job.kind(), completed.get(UNKNOWN_KIND)).get(outcome).increment();
  }

  private static List<String> concat(Set<String> kinds, String more) {
    List<String> all = new ArrayList<>(kinds);
    all.add(more);
    return all;
  }
}
