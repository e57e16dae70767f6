package io.switchboard.domain;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/** The global banner (SPEC §4); {@code mediaId} null when it has no picture. */
public record Banner(String text, String mediaId, Integer width, Integer height, OffsetDateTime updatedAt) {

  /** {@code {text, image: {url, width, height} | null, updatedAt}}; the picture is public to signed-in users. */
  public JsonObject toJson() {
    JsonObject image = mediaId == null ? null
        : new JsonObject().put("url", "/media/" + mediaId).put("width", width).put("height", height);
    return new JsonObject().put("text", text).put("image", image).put("updatedAt", updatedAt.toInstant().toString());
  }
}
