package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.TestNode;
import io.switchboard.testing.TestRedis;
import io.switchboard.testing.Wait;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A Redis that requires a password: the password in SWITCHBOARD_REDIS_URL is what lets the node in. */
class RedisPasswordTest {

  @Test
  void aPasswordInTheUrlIsUsed() throws Exception {
    Path server = findOnPath("redis-server");
    Assumptions.assumeTrue(server != null, "redis-server is not on PATH; skipping the Redis password test");
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Process redis = new ProcessBuilder(List.of(server.toString(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--requirepass", "s3cret pass", "--save", "", "--appendonly", "no"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Wait.until(Duration.ofSeconds(10), "redis-server answering", () -> answer(port, "PING").startsWith("-NOAUTH"));
      // the password travels URL-encoded
      String url = "redis://:s3cret%20pass@127.0.0.1:" + port;
      try (TestNode node = TestNode.start(Map.of("SWITCHBOARD_REDIS_URL", url, "SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix()))) {
        Wait.until(Duration.ofSeconds(20), "the node ready with its Redis", () -> node.http().get("/health/ready").status() == 200);
        assertThat(node.http().get("/health/ready").json().encode()).contains("redis").doesNotContain("s3cret");
      }
    } finally {
      redis.destroy();
      if (!redis.waitFor(10, TimeUnit.SECONDS)) {
        redis.destroyForcibly();
      }
    }
  }

  /** The first line Redis answers to an unauthenticated inline command ("" when it does not answer yet). */
  private static String answer(int port, String command) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      s.setSoTimeout(2_000);
      s.getOutputStream().write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b >= 0 && b != '\r'; b = in.read()) {
        line.append((char) b);
      }
      return line.toString();
    } catch (IOException e) {
      return "";
    }
  }

  private static Path findOnPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
