package io.switchboard.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import redis.embedded.RedisServer;

/**
 * A Redis server that one test owns, on a port of its own, so that it can kill it (every key and
 * subscription lost) and start it again on the same port. The binary is {@code redis-server} from
 * {@code SWITCHBOARD_TEST_REDIS_SERVER} or the PATH; where there is none, the embedded-redis
 * artifact's (Redis 6.2, without sharded pub/sub: {@link #version()} tells).
 */
public final class RedisProcess implements AutoCloseable {

  public static final String BINARY_ENV = "SWITCHBOARD_TEST_REDIS_SERVER";
  private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)");

  private final int port;
  private final List<String> settings;
  private final Path dir;
  private final String binary;
  private Process process;
  private RedisServer embedded;

  private RedisProcess(int port, List<String> settings, Path dir, String binary) {
    this.port = port;
    this.settings = settings;
    this.dir = dir;
    this.binary = binary;
  }

  /**
   * Starts a server on a free port with nothing kept on disk and {@code settings} (config-file lines
   * such as {@code "cluster-enabled yes"}), and waits until it answers PING.
   */
  public static RedisProcess start(String... settings) {
    List<String> all = new ArrayList<>(List.of("save \"\"", "appendonly no", "bind 127.0.0.1"));
    all.addAll(List.of(settings));
    try {
      RedisProcess p = new RedisProcess(freePort(), all, Files.createTempDirectory("switchboard-redis"), binary());
      p.launch();
      return p;
    } catch (IOException e) {
      throw new IllegalStateException("cannot start a Redis server: " + e, e);
    }
  }

  /** The {@code redis-server} on the PATH (or named by {@value #BINARY_ENV}), or null when there is none. */
  public static String binary() {
    String configured = System.getenv(BINARY_ENV);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return null;
  }

  /** The major version of the binary a new server would run (6 for the embedded one). */
  public static int version() {
    String bin = binary();
    if (bin == null) {
      return 6;
    }
    try {
      Process p = new ProcessBuilder(bin, "--version").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor(10, TimeUnit.SECONDS);
      Matcher m = VERSION.matcher(out);
      return m.find() ? Integer.parseInt(m.group(1)) : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private void launch() throws IOException {
    if (binary == null) {
      var builder = RedisServer.newRedisServer().port(port);
      for (String s : settings) {
        builder.setting(s);
      }
      embedded = builder.build();
      embedded.start();
    } else {
      Path conf = dir.resolve("redis-" + port + ".conf");
      List<String> lines = new ArrayList<>(settings);
      lines.add("port " + port);
      lines.add("dir " + dir);
      lines.add("logfile " + dir.resolve("redis-" + port + ".log"));
      Files.write(conf, lines);
      process = new ProcessBuilder(binary, conf.toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("redis-" + port + ".out").toFile()).start();
    }
    awaitPing(Duration.ofSeconds(20));
  }

  private void awaitPing(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (pings()) {
        return;
      }
      if (process != null && !process.isAlive()) {
        throw new IllegalStateException("redis-server on port " + port + " exited: see " + dir);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    throw new IllegalStateException("redis-server on port " + port + " did not answer PING in " + timeout);
  }

  private boolean pings() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      s.setSoTimeout(1_000);
      s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      byte[] buf = new byte[16];
      int n = in.read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (IOException e) {
      return false;
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** The folder holding the server's configuration, log and (cluster) node file. */
  public Path dir() {
    return dir;
  }

  /** Kills the server at once (SIGKILL for a binary): every key and subscription is gone. */
  public void kill() {
    if (process != null) {
      process.destroyForcibly();
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    if (embedded != null) {
      try {
        embedded.stop();
      } catch (IOException ignored) {
        // already gone
      }
      embedded = null;
    }
  }

  /** Starts the server again on the same port, with the same settings, empty. */
  public void restart() {
    kill();
    try {
      launch();
    } catch (IOException e) {
      throw new IllegalStateException("cannot restart redis-server on port " + port + ": " + e, e);
    }
  }

  public boolean running() {
    return process != null && process.isAlive() || embedded != null && embedded.isActive();
  }

  @Override
  public void close() {
    kill();
  }
}
