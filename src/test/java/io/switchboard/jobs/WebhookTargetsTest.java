package io.switchboard.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.switchboard.testing.WebhookTarget;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Webhook targets: non-public addresses are refused at enqueue and again at delivery unless
 * SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE is true, and a failed attempt records nothing the target sent.
 * Only loopback is ever connected to: the other addresses are refused before any connection.
 */
class WebhookTargetsTest {

  static final Map<String, String> FAST = Map.of("SWITCHBOARD_JOBS_POLL_MILLIS", "100", "SWITCHBOARD_JOBS_BACKOFF_MILLIS", "100");

  @Test
  void nonPublicTargetsAreRefusedAtEnqueue() throws Exception {
    Map<String, String> settings = new HashMap<>(FAST);
    settings.put("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "false");
    try (TestNode node = TestNode.start(settings); WebhookTarget target = new WebhookTarget(n -> 200)) {
      Http http = node.http();
      String admin = Accounts.adminToken(http);
      int port = portOf(target.url());
      List<String> refused = List.of(
          target.url(),
          "http://localhost:" + port + "/hook",
          "http://LocalHost:" + port + "/hook",
          "http://api.localhost:" + port + "/hook",
          "http://10.1.2.3/hook",
          "http://172.16.9.9/hook",
          "http://192.168.1.1/hook",
          "http://100.64.0.1/hook",
          "http://0.0.0.0:" + port + "/hook",
          "http://169.254.169.254/latest/meta-data/",
          "http://[::1]:" + port + "/hook",
          "http://[::]:" + port + "/hook",
          "http://[::ffff:127.0.0.1]:" + port + "/hook",
          "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
          "http://[fd12:3456::1]/hook",
          "http://[fe80::1]/hook",
          "https://224.0.0.1/hook");
      for (String url : refused) {
        Http.Response r = http.post("/api/admin/jobs", webhook(url, 1), admin);
        assertThat(r.status()).as(url + " -> " + r).isEqualTo(400);
        assertThat(r.errorCode()).isEqualTo("validation_failed");
        assertThat(r.json().getJsonObject("error").getString("message")).as(url).startsWith("payload.url: ").contains("address", "public");
      }
      assertThat(http.get("/api/admin/jobs", admin).items()).isEmpty();
      assertThat(target.arrivals()).isEmpty();
    }
  }

  @Test
  void deliveryChecksTheTargetAgain() throws Exception {
    // the first node allows private targets and takes no jobs (its first poll would come after a minute);
    // its peer refuses them, so it is the one that claims the jobs and must not deliver them
    Map<String, String> lenient = Map.of("SWITCHBOARD_JOBS_POLL_MILLIS", "60000");
    Map<String, String> strict = new HashMap<>(FAST);
    strict.put("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "false");
    try (WebhookTarget target = new WebhookTarget(n -> 200);
        TestNode first = TestNode.start(lenient);
        TestNode second = TestNode.startPeer(first, strict)) {
      String admin = Accounts.adminToken(first.http());
      String literal = enqueue(first.http(), admin, target.url());
      String named = enqueue(first.http(), admin, "http://localhost:" + portOf(target.url()) + "/hook");
      for (String id : List.of(literal, named)) {
        JsonObject job = awaitStatus(second.http(), admin, id, "failed");
        assertThat(job.getString("lastError")).startsWith("webhook refused: ").contains("loopback");
      }
      assertThat(target.arrivals()).isEmpty();
    }
  }

  @Test
  void failedAttemptsRecordNothingTheTargetSent() throws Exception {
    try (TestNode node = TestNode.start(FAST);
        RawTarget notHttp = new RawTarget("SECRET-GARBAGE that is not HTTP at all\r\n\r\n");
        RawTarget error = new RawTarget("HTTP/1.1 500 SECRET-REASON\r\nContent-Length: 11\r\nConnection: close\r\n\r\nSECRET-BODY")) {
      Http http = node.http();
      String admin = Accounts.adminToken(http);
      String garbage = enqueue(http, admin, notHttp.url());
      String failing = enqueue(http, admin, error.url());
      String closed = enqueue(http, admin, "http://127.0.0.1:" + freePort() + "/hook");
      JsonObject g = awaitStatus(http, admin, garbage, "failed");
      JsonObject f = awaitStatus(http, admin, failing, "failed");
      JsonObject c = awaitStatus(http, admin, closed, "failed");
      assertThat(f.getString("lastError")).isEqualTo("webhook answered HTTP 500");
      for (JsonObject job : List.of(g, f, c)) {
        assertThat(job.getString("lastError")).as(job.encode()).isNotBlank().doesNotContain("SECRET").doesNotContainIgnoringCase("garbage");
      }
      assertThat(c.getString("lastError")).contains("connection");
    }
  }

  private static JsonObject webhook(String url, int maxAttempts) {
    return new JsonObject().put("kind", "webhook").put("maxAttempts", maxAttempts)
        .put("payload", new JsonObject().put("url", url).put("body", new JsonObject().put("hello", "world")));
  }

  private static String enqueue(Http http, String admin, String url) {
    Http.Response r = http.post("/api/admin/jobs", webhook(url, 1), admin);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    return r.json().getString("id");
  }

  private static JsonObject awaitStatus(Http http, String admin, String id, String status) {
    JsonObject[] found = new JsonObject[1];
    Wait.until(Duration.ofSeconds(20), "job " + id + " " + status, () -> {
      found[0] = http.get("/api/admin/jobs?status=" + status, admin).items().stream().map(o -> (JsonObject) o)
          .filter(j -> j.getString("id").equals(id)).findFirst().orElse(null);
      return found[0] != null;
    });
    return found[0];
  }

  private static int portOf(String url) {
    return java.net.URI.create(url).getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A loopback server that reads each request whole, answers {@code reply} verbatim and closes. */
  static final class RawTarget implements AutoCloseable {

    private final ServerSocket server;

    RawTarget(String reply) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try (Socket s = server.accept()) {
            readRequest(s.getInputStream());
            s.getOutputStream().write(reply.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
          } catch (IOException e) {
            // closed, or the client went away
          }
        }
      }, "raw-webhook-target");
      t.setDaemon(true);
      t.start();
    }

    String url() {
      return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    private static void readRequest(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.write(b);
      }
      int length = 0;
      for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
        if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
          length = Integer.parseInt(line.substring(15).trim());
        }
      }
      in.readNBytes(length);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
