package io.switchboard.jobs;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Runs one kind of background job. A failed Future is retried with backoff until the last attempt. */
public interface JobHandler {

  String kind();

  Future<Void> handle(JsonObject payload);
}
