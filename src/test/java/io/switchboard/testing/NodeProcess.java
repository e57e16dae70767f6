package io.switchboard.testing;

import io.switchboard.Main;
import io.switchboard.config.ConfigLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A whole Switchboard node in a JVM of its own ({@code io.switchboard.Main} with this JVM's
 * {@code java} and class path, settings as environment variables), so that a test can kill it as an
 * operating system kills a process: {@link #kill()} is SIGKILL, nothing of the node runs afterwards;
 * {@link #terminate()} is SIGTERM, the graceful stop. Its output goes to {@link #log()}.
 */
public final class NodeProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Map<String, String> settings;
  private final Path log;

  private NodeProcess(Process process, int port, Map<String, String> settings, Path log) {
    this.process = process;
    this.port = port;
    this.settings = settings;
    this.log = log;
  }

  /**
   * A node of the same cluster as {@code peer} (its database, Redis, prefix and secret), with a port,
   * data folder and id of its own and {@code overrides}; answers once {@code /health/ready} says 200.
   */
  public static NodeProcess startPeer(TestNode peer, Map<String, String> overrides) {
    Map<String, String> s = new HashMap<>(peer.settings());
    s.put("SWITCHBOARD_DATA_DIR", TestNode.defaults().get("SWITCHBOARD_DATA_DIR"));
    s.put("SWITCHBOARD_NODE_ID", "process-" + System.nanoTime());
    s.put("SWITCHBOARD_HTTP_PORT", Integer.toString(freePort()));
    s.putAll(overrides);
    return start(s);
  }

  /** A node with exactly these settings ({@code SWITCHBOARD_HTTP_PORT} must name a port, not 0). */
  public static NodeProcess start(Map<String, String> settings) {
    Map<String, String> s = new HashMap<>(settings);
    s.remove(ConfigLoader.CONFIG_FILE_ENV);
    int port = Integer.parseInt(s.get("SWITCHBOARD_HTTP_PORT"));
    if (port == 0) {
      throw new IllegalArgumentException("a node process needs a fixed SWITCHBOARD_HTTP_PORT");
    }
    try {
      Path dir = Files.createTempDirectory("switchboard-process");
      Path log = dir.resolve("node.log");
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx384m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
      pb.environment().putAll(s);
      NodeProcess node = new NodeProcess(pb.start(), port, s, log);
      node.awaitReady(Duration.ofSeconds(120));
      return node;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a node process: " + e, e);
    }
  }

  private void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("node process exited with " + process.exitValue() + "; see " + log);
      }
      try {
        if (http().get("/health/ready").status() == 200) {
          return;
        }
      } catch (java.io.UncheckedIOException e) {
        // not listening yet
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    kill();
    throw new IllegalStateException("node process not ready within " + timeout + "; see " + log);
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  public String nodeId() {
    return settings.get("SWITCHBOARD_NODE_ID");
  }

  public Map<String, String> settings() {
    return settings;
  }

  public Http http() {
    return new Http(port);
  }

  public Path log() {
    return log;
  }

  public boolean alive() {
    return process.isAlive();
  }

  /** SIGKILL, and waits until the process is gone. */
  public void kill() {
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(20));
  }

  /** SIGTERM (the node's graceful stop), and waits until the process has exited. */
  public void terminate() {
    process.destroy();
    awaitExit(Duration.ofSeconds(60));
  }

  private void awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("node process did not exit within " + timeout + "; see " + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }
}
