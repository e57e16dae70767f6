package io.switchboard.jobs;

import io.micrometer.core.instrument.Gauge;
import io.switchboard.NodeContext;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.switchboard.jobs.builtin.NotificationPurge;
import io.switchboard.media.MediaFiles;
import io.switchboard.media.MediaStorages;
import io.switchboard.jobs.builtin.RetentionJob;
import io.switchboard.jobs.builtin.WebhookAddress;
import io.switchboard.jobs.builtin.WebhookJob;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Timed and background jobs (SPEC §8): the scheduler (one node per tick, claimed in Postgres) and
 * the job runner (durable queue with leases), both polling at {@code jobs.pollMillis}. Publishes the
 * queue depth as the gauge {@code switchboard_jobs_queue_depth}.
 */
public final class JobsVerticle extends VerticleBase {

  private static final long DEPTH_EVERY_MS = 5_000;
  private final NodeContext node;
  private final AtomicLong depth = new AtomicLong();
  private WebClient client;
  private JobRunner runner;

  public JobsVerticle(NodeContext node) {
    this.node = node;
  }

  /** What each built-in schedule does; the answer is the outcome text shown by the schedules API. */
  private Map<String, Supplier<Future<String>>> tasks(RetentionJob retention, NotificationPurge notifications) {
    int moduleTimeout = node.config().get(Settings.MODULE_HEARTBEAT_TIMEOUT_SECONDS);
    MediaFiles media = new MediaFiles(vertx, MediaStorages.of(vertx, node.config()));
    return Map.of(
        // conversation pictures that never got their message, and the files of deleted pictures
        "media.sweep", media::sweep,
        // modules whose node died or that went silent: offline once their stored heartbeat is older than the timeout
        "modules.expire", () -> Bus.request(vertx, Addresses.MODULE_EXPIRE, moduleTimeout)
            .map(c -> "ok: " + c.changes().size() + " modules set offline"),
        "messages.retention", () -> retention.purge(null).map(n -> "ok: " + n + " messages purged"),
        "auth.purge", () -> Bus.request(vertx, Addresses.AUTH_PURGE, (Void) null).map(n -> "ok: " + n + " rows removed"),
        "jobs.purge", () -> Bus.request(vertx, Addresses.JOBS_PURGE, (Void) null).map(n -> "ok: " + n + " rows removed"),
        "notifications.purge", notifications::run);
  }

  @Override
  public Future<?> start() {
    AppConfig config = node.config();
    client = WebhookJob.client(vertx);
    RetentionJob retention = new RetentionJob(vertx);
    Map<String, JobHandler> handlers = Map.of(
        WebhookJob.KIND, new WebhookJob(client, new WebhookAddress(vertx, config.get(Settings.WEBHOOK_ALLOW_PRIVATE)),
            config.get(Settings.WEBHOOK_TIMEOUT_MILLIS)),
        RetentionJob.KIND, retention);
    Scheduler scheduler = new Scheduler(vertx, node.nodeId(),
        tasks(retention, new NotificationPurge(vertx, config.get(Settings.NOTIFICATIONS_RETENTION_DAYS))));
    runner = new JobRunner(vertx, node.nodeId(), handlers, node.metrics(), config.get(Settings.JOBS_CONCURRENCY),
        config.get(Settings.JOBS_LEASE_SECONDS), config.get(Settings.JOBS_BACKOFF_MILLIS));
    vertx.setPeriodic(config.get(Settings.JOBS_POLL_MILLIS), id -> {
      scheduler.poll();
      runner.poll();
    });
    Gauge.builder("switchboard_jobs_queue_depth", depth, AtomicLong::get).strongReference(true)
        .description("jobs queued or running in Postgres (the whole cluster's, read every few seconds)").register(node.metrics());
    vertx.setPeriodic(DEPTH_EVERY_MS, id -> Bus.request(vertx, Addresses.JOB_QUEUE_DEPTH, (Void) null).onSuccess(depth::set));
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    runner.stop();
    client.close();
    return Future.succeededFuture();
  }
}
