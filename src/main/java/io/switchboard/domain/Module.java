package io.switchboard.domain;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;

/**
 * A registered module (SPEC §7). {@code dataRequirement} is the text it was registered with; when
 * it was given as a JSON value ({@code dataRequirementJson}) it is shown as that value again.
 */
public record Module(String hash, String name, String description, String missionKind, String dataRequirement,
    boolean dataRequirementJson, boolean online, String node, String connection, OffsetDateTime lastHeartbeat,
    OffsetDateTime registeredAt) {

  /** The fields of {@code /module/online}, in the old platform's names and order. */
  public JsonObject toLegacyJson() {
    return new JsonObject().put("hash", hash).put("name", name).put("description", description)
        .put("missionKind", missionKind).put("dataRequirement", dataRequirementValue()).put("online", online)
        .put("lastHeartbeat", iso(lastHeartbeat)).put("node", node);
  }

  /** The management API's view: the same, with the registration time. */
  public JsonObject toJson() {
    return toLegacyJson().put("registeredAt", iso(registeredAt));
  }

  public Object dataRequirementValue() {
    return dataRequirementJson ? Json.decodeValue(dataRequirement) : dataRequirement;
  }

  private static String iso(OffsetDateTime t) {
    return t == null ? null : t.toInstant().toString();
  }
}
