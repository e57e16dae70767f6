package io.switchboard.domain;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** A timed schedule: an interval or a cron expression, and what its last tick did. */
public record Schedule(String name, Integer intervalSeconds, String cron, boolean enabled, OffsetDateTime lastRunAt,
    OffsetDateTime nextRunAt, String lastOutcome, long runCount, String lastRunNode) {

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("intervalSeconds", intervalSeconds).put("cron", cron).put("enabled", enabled)
        .put("lastRunAt", iso(lastRunAt)).put("nextRunAt", iso(nextRunAt)).put("lastOutcome", lastOutcome)
        .put("runCount", runCount).put("lastRunNode", lastRunNode);
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
