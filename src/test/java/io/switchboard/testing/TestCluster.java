package io.switchboard.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Two nodes of one cluster over Redis (a fresh channel prefix of their own, one database), both ready
 * before the test goes on. Settings given by their environment variable names apply to both.
 */
public record TestCluster(TestNode a, TestNode b) implements AutoCloseable {

  /** The HTTP rate limits out of the way, for tests that post many messages quickly. */
  public static final Map<String, String> NO_RATE_LIMITS = Map.of("SWITCHBOARD_RATE_BURST", "100000",
      "SWITCHBOARD_RATE_PER_SECOND", "100000");

  public static TestCluster start(Map<String, String> overrides) {
    return start(overrides, Map.of());
  }

  /**
   * The failover tests' cluster: on the Redis that {@code redis} (its settings) names, with no rate
   * limits and a presence heartbeat of 1 s, so that a node cut off is noticed within seconds.
   */
  public static TestCluster startFast(Map<String, String> redis) {
    Map<String, String> settings = new HashMap<>(redis);
    settings.putAll(NO_RATE_LIMITS);
    settings.put("SWITCHBOARD_PRESENCE_HEARTBEAT_SECONDS", "1");
    return start(settings);
  }

  /** As {@link #start(Map)}, with {@code peerOverrides} applying to node B only (another Redis URL, say). */
  public static TestCluster start(Map<String, String> overrides, Map<String, String> peerOverrides) {
    Map<String, String> settings = new HashMap<>(overrides);
    settings.putIfAbsent("SWITCHBOARD_REDIS_URL", TestRedis.url());
    settings.putIfAbsent("SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix());
    TestNode a = TestNode.start(settings);
    TestNode b = null;
    try {
      b = TestNode.startPeer(a, peerOverrides);
      awaitReady(a, b);
      return new TestCluster(a, b);
    } catch (RuntimeException | Error e) {
      // the test class gets no cluster to close: what started is closed here
      try {
        if (b != null) {
          b.close();
        }
        a.close();
      } catch (RuntimeException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  public static boolean ready(TestNode node) {
    return node.http().get("/health/ready").status() == 200;
  }

  /** Waits up to 20 s for every one of {@code nodes} to report ready. */
  public static void awaitReady(TestNode... nodes) {
    Wait.until(Duration.ofSeconds(20), "nodes ready", () -> Stream.of(nodes).allMatch(TestCluster::ready));
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
