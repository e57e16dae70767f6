package io.switchboard.domain;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/** One page of a cursor-paginated list (SPEC §2). */
public record Page<T>(List<T> items, String nextCursor) {

  public JsonObject toJson(Function<T, JsonObject> mapper) {
    JsonArray array = new JsonArray();
    items.forEach(i -> array.add(mapper.apply(i)));
    return new JsonObject().put("items", array).put("hasMore", nextCursor != null).put("nextCursor", nextCursor);
  }
}
