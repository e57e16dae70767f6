package io.switchboard.http.api;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.switchboard.domain.Job;
import io.switchboard.domain.Page;
import io.switchboard.domain.Schedule;
import io.switchboard.error.ApiException;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.jobs.Timing;
import io.switchboard.jobs.builtin.RetentionJob;
import io.switchboard.jobs.builtin.WebhookAddress;
import io.switchboard.jobs.builtin.WebhookJob;
import io.switchboard.persistence.store.JobStore;
import io.switchboard.persistence.store.ScheduleStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Set;

/** Schedules and background jobs for operators ({@code jobs.manage}; SPEC §8). */
public final class JobsAdminApi implements ApiModule {

  private static final Set<String> ENQUEUABLE = Set.of(WebhookJob.KIND, RetentionJob.KIND);
  private final Vertx vertx;
  private final int maxAttempts;
  private final WebhookAddress webhookAddresses;

  public JobsAdminApi(Vertx vertx, AppConfig config) {
    this.vertx = vertx;
    this.maxAttempts = config.get(Settings.JOBS_MAX_ATTEMPTS);
    this.webhookAddresses = new WebhookAddress(vertx, config.get(Settings.WEBHOOK_ALLOW_PRIVATE));
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("listSchedules").addHandler(this::listSchedules);
    routes.getRoute("changeSchedule").addHandler(this::changeSchedule);
    routes.getRoute("runSchedule").addHandler(this::runSchedule);
    routes.getRoute("listJobs").addHandler(this::listJobs);
    routes.getRoute("enqueueJob").addHandler(this::enqueueJob);
    routes.getRoute("retryJob").addHandler(this::retryJob);
  }

  private void listSchedules(RoutingContext ctx) {
    // every schedule fits on one page
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.SCHEDULES_LIST, (Void) null), list -> new Page<>(list, null).toJson(Schedule::toJson));
  }

  private void changeSchedule(RoutingContext ctx) {
    String name = Api.path(ctx, "name");
    JsonObject body = Api.body(ctx);
    Integer interval = body.getInteger("intervalSeconds");
    String cron = body.getString("cron");
    if (interval != null && cron != null) {
      ctx.fail(ApiException.validation("cron", "give either intervalSeconds or cron, not both"));
      return;
    }
    OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
    OffsetDateTime next = null;
    if (interval != null) {
      Timing.validateInterval(interval);
      next = now.plusSeconds(interval);
    } else if (cron != null) {
      next = Timing.nextCron(cron, now);
    }
    ScheduleStore.Change change = new ScheduleStore.Change(name, body.getBoolean("enabled"), interval, cron, next);
    Future<Schedule> result = Bus.request(vertx, Addresses.SCHEDULE_CHANGE, change)
        .compose(s -> AuditTrail.record(vertx, ctx, "schedule.change", name, body).map(s));
    Api.reply(ctx, 200, result, Schedule::toJson);
  }

  private void runSchedule(RoutingContext ctx) {
    String name = Api.path(ctx, "name");
    Future<Schedule> result = Bus.request(vertx, Addresses.SCHEDULE_RUN_NOW, name)
        .compose(s -> AuditTrail.record(vertx, ctx, "schedule.run", name, new JsonObject()).map(s));
    Api.reply(ctx, 202, result, Schedule::toJson);
  }

  private void listJobs(RoutingContext ctx) {
    JobStore.Query q = new JobStore.Query(Api.query(ctx, "status"), Api.query(ctx, "cursor"), Api.queryInt(ctx, "limit", 50));
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.JOB_LIST, q), page -> page.toJson(Job::toJson));
  }

  private void enqueueJob(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    String kind = body.getString("kind");
    JsonObject payload = body.getJsonObject("payload", new JsonObject());
    if (!ENQUEUABLE.contains(kind)) {
      ctx.fail(ApiException.validation("kind", "unknown job kind; known: " + ENQUEUABLE));
      return;
    }
    String problem = kind.equals(WebhookJob.KIND) ? WebhookJob.invalid(payload) : null;
    if (problem != null) {
      ctx.fail(ApiException.validation(problem.substring(0, problem.indexOf(':')), problem.substring(problem.indexOf(':') + 2)));
      return;
    }
    int attempts = body.getInteger("maxAttempts", maxAttempts);
    // a webhook's target is refused now when it is (or resolves to) a non-public address; delivery checks again
    Future<Void> allowed = kind.equals(WebhookJob.KIND)
        ? webhookAddresses.admissible(payload.getString("url"))
            .recover(e -> Future.failedFuture(ApiException.validation("payload.url", e.getMessage())))
        : Future.succeededFuture();
    Future<Job> result = allowed
        .compose(v -> Bus.request(vertx, Addresses.JOB_ENQUEUE, new JobStore.Enqueue(kind, payload, attempts)))
        .compose(job -> AuditTrail.record(vertx, ctx, "job.enqueue", job.id(), new JsonObject().put("kind", kind)).map(job));
    Api.reply(ctx, 201, result, Job::toJson);
  }

  private void retryJob(RoutingContext ctx) {
    String id = Api.path(ctx, "id");
    Future<Job> result = Bus.request(vertx, Addresses.JOB_RETRY, id)
        .compose(job -> AuditTrail.record(vertx, ctx, "job.retry", id, new JsonObject()).map(job));
    Api.reply(ctx, 200, result, Job::toJson);
  }
}
