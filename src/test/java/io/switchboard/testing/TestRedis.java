package io.switchboard.testing;

import java.net.ServerSocket;
import java.util.UUID;
import redis.embedded.RedisServer;

/**
 * Redis for tests: the server named by {@code SWITCHBOARD_TEST_REDIS_URL} (CI sets it when the
 * machine's Redis answers), otherwise one embedded Redis per test JVM from a Maven artifact. Each
 * cluster of test nodes gets its own channel prefix, so runs and tests never hear each other.
 */
public final class TestRedis {

  public static final String ENV = "SWITCHBOARD_TEST_REDIS_URL";
  private static String url;

  private TestRedis() {
  }

  public static synchronized String url() {
    if (url == null) {
      String configured = System.getenv(ENV);
      if (configured != null && !configured.isBlank()) {
        url = configured;
      } else {
        try {
          int port;
          try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
          }
          RedisServer server = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
              .setting("save \"\"").setting("appendonly no").build();
          server.start();
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              server.stop();
            } catch (Exception ignored) {
              // the JVM is exiting
            }
          }));
          url = "redis://127.0.0.1:" + port;
        } catch (Exception e) {
          throw new IllegalStateException("cannot start an embedded Redis: " + e, e);
        }
      }
    }
    return url;
  }

  /** A channel prefix of its own for one cluster of test nodes. */
  public static String freshPrefix() {
    return "sbt-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }
}
