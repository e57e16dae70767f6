package io.switchboard.testing;

import io.switchboard.Node;
import io.switchboard.config.AppConfig;
import io.switchboard.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole Switchboard node (all verticles, migrations) on a random port against a real Postgres
 * database of its own. Settings are given by their environment variable names.
 */
public final class TestNode implements AutoCloseable {

  private final Node node;
  private final Map<String, String> settings;

  private TestNode(Node node, Map<String, String> settings) {
    this.node = node;
    this.settings = settings;
  }

  public static Map<String, String> defaults() {
    try {
      Map<String, String> s = new HashMap<>();
      s.put("SWITCHBOARD_HTTP_PORT", "0");
      s.put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
      s.put("SWITCHBOARD_HTTP_INSTANCES", "2");
      s.put("SWITCHBOARD_DATA_DIR", Files.createTempDirectory("switchboard-node").toString());
      s.put("SWITCHBOARD_BCRYPT_COST", "4");
      s.put("SWITCHBOARD_ADMIN_PASSWORD", "admin-password");
      s.put("SWITCHBOARD_JWT_SECRET", "test-secret-test-secret-test-secret-0123456789");
      // every test signs in from 127.0.0.1: the per-address limit is raised out of the way (tests of it set their own)
      s.put("SWITCHBOARD_AUTH_IP_BURST", "100000");
      // the same for socket upgrades: tests open many sockets from one address
      s.put("SWITCHBOARD_WS_UPGRADE_BURST", "1000000");
      // tests deliver webhooks to a target on loopback
      s.put("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "true");
      s.put(ConfigLoader.CONFIG_FILE_ENV, "");
      return s;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A node on a fresh database with the test defaults and {@code overrides}. */
  public static TestNode start(Map<String, String> overrides) {
    Map<String, String> s = defaults();
    s.put("SWITCHBOARD_PG_URL", TestDatabase.freshDatabase());
    s.putAll(overrides);
    return startWith(s);
  }

  public static TestNode start() {
    return start(Map.of());
  }

  /** A node with exactly these settings (for restarts against the same database or data folder). */
  public static TestNode startWith(Map<String, String> settings) {
    Map<String, String> s = new HashMap<>(settings);
    if ("".equals(s.get(ConfigLoader.CONFIG_FILE_ENV))) {
      s.remove(ConfigLoader.CONFIG_FILE_ENV);
    }
    AppConfig config = new ConfigLoader(Map.of(), s).load();
    try {
      Node node = Node.start(config).await(120, TimeUnit.SECONDS);
      return new TestNode(node, s);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("node did not start in time", e);
    }
  }

  /** Another node of the same cluster: same database (and Redis, if any), its own port, data folder and id. */
  public static TestNode startPeer(TestNode other, Map<String, String> overrides) {
    Map<String, String> s = new HashMap<>(other.settings);
    s.put("SWITCHBOARD_DATA_DIR", defaults().get("SWITCHBOARD_DATA_DIR"));
    s.put("SWITCHBOARD_NODE_ID", "peer-" + System.nanoTime());
    s.putAll(overrides);
    return startWith(s);
  }

  public int port() {
    return node.port();
  }

  public Map<String, String> settings() {
    return settings;
  }

  public Node node() {
    return node;
  }

  public Http http() {
    return new Http(port());
  }

  @Override
  public void close() {
    try {
      node.stop().await(60, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("node did not stop in time", e);
    }
  }
}
