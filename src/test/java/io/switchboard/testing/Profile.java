package io.switchboard.testing;

import java.util.Map;

/**
 * The settings a shared test node runs with (on top of {@link TestNode#defaults()}). Test classes
 * naming the same profile share one node, and so one database: they must not assume they are alone
 * in it (see {@link SwitchboardTest}).
 */
public enum Profile {

  /** The test defaults, nothing changed. */
  DEFAULT(Map.of()),
  /** HTTP rate limits raised to 1000 per second, for classes that call the API in quick loops. */
  BUSY(Map.of("SWITCHBOARD_RATE_BURST", "1000", "SWITCHBOARD_RATE_PER_SECOND", "1000"));

  private final Map<String, String> settings;

  Profile(Map<String, String> settings) {
    this.settings = settings;
  }

  public Map<String, String> settings() {
    return settings;
  }
}
