package io.switchboard.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Two nodes of one cluster over Redis (a fresh channel prefix of their own, one database), both ready
 * before the test goes on. Settings given by their environment variable names apply to both.
 */
public record TestCluster(TestNode a, TestNode b) implements AutoCloseable {

  public static TestCluster start(Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(overrides);
    settings.putIfAbsent("SWITCHBOARD_REDIS_URL", TestRedis.url());
    settings.putIfAbsent("SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix());
    TestNode a = TestNode.start(settings);
    TestNode b = TestNode.startPeer(a, Map.of());
    Wait.until(Duration.ofSeconds(10), "both nodes ready", () -> a.http().get("/health/ready").status() == 200
        && b.http().get("/health/ready").status() == 200);
    return new TestCluster(a, b);
  }

  @Override
  public void close() {
    try {
      b.close();
    } finally {
      a.close();
    }
  }
}
