package io.switchboard.jobs.builtin;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.jobs.JobHandler;
import io.switchboard.persistence.store.RetentionStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

/**
 * {@code retention}: purges expired messages in bounded batches (1,000 per statement, at most 200
 * batches per run, so one run never holds the database for long; the next run continues). Payload
 * {@code conversationId} limits it to one conversation. The {@code messages.retention} schedule
 * runs it for every conversation.
 */
public final class RetentionJob implements JobHandler {

  public static final String KIND = "retention";
  static final int BATCH = 1_000;
  static final int MAX_BATCHES = 200;

  private final Vertx vertx;

  public RetentionJob(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Future<Void> handle(JsonObject payload) {
    return purge(payload.getString("conversationId")).mapEmpty();
  }

  /** Answers the number of messages deleted. */
  public Future<Long> purge(String conversationId) {
    return batch(conversationId, 0, 0L);
  }

  private Future<Long> batch(String conversationId, int done, long deleted) {
    return Bus.request(vertx, Addresses.RETENTION_PURGE, new RetentionStore.Batch(conversationId, BATCH)).compose(n -> {
      long total = deleted + n;
      return n == BATCH && done + 1 < MAX_BATCHES ? batch(conversationId, done + 1, total) : Future.succeededFuture(total);
    });
  }
}
