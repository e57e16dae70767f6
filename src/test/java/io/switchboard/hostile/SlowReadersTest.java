package io.switchboard.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.Http;
import io.switchboard.testing.RawWebSocket;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@value #SLOW_READERS} sockets that complete the handshake and never read a byte (raw TCP, a 4 KB
 * receive buffer), in a conversation where {@value #FAST_READERS} well-behaved sockets chat. The
 * server's writes to the sloths back up until each passes its outbox bound and is closed as a slow
 * reader (1013, counted by {@code switchboard_slow_consumer_closes_total}); the heap of the node,
 * read from {@code /metrics} ({@code jvm_memory_used_bytes}, heap areas) after a collection, is about
 * what it was before (the sloths' queues are freed, not kept); and the others' delivery latency
 * (p99, from the send to the frame arriving) stays within a generous bound of a baseline measured in
 * the same test before the sloths connected. The node, the sloths and the clients share this JVM.
 *
 * <p>The node runs with a fixed kernel send buffer ({@value #SEND_BUFFER_BYTES} bytes,
 * {@code SWITCHBOARD_HTTP_SEND_BUFFER_BYTES}) so that each sloth fills after a few dozen messages. The
 * suite runs {@value #SLOW_READERS} sloths (the class takes about 40 s on a 2-core machine);
 * {@code -Dhostile.slowReaders=<n>} runs another count.
 */
class SlowReadersTest {

  static final int SLOW_READERS = 1000;
  static final int FAST_READERS = 20;
  static final int OUTBOX_BYTES = 16_384;
  /**
   * A fixed kernel send buffer per connection: with the OS's autotuning each sloth pins about 1.5 MB of
   * kernel memory on loopback before its outbox even starts to fill (400 messages of 4 KB each).
   */
  static final int SEND_BUFFER_BYTES = 65_536;
  static final int SAMPLES = 100;
  static final int LANES = 4;
  static final Pattern SENT_AT = Pattern.compile("at=(\\d+)");

  static TestNode node;
  static Http http;
  static Vertx vertx;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "1000000", "SWITCHBOARD_RATE_PER_SECOND", "1000000",
        "SWITCHBOARD_WS_OUTBOX_BYTES", Integer.toString(OUTBOX_BYTES), "SWITCHBOARD_HTTP_SEND_BUFFER_BYTES", Integer.toString(SEND_BUFFER_BYTES)));
    http = node.http();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
    node.close();
  }

  /** Heap in use on the node (every heap area of {@code jvm_memory_used_bytes}), in MB, after a collection when {@code collect}. */
  static double heapMb(boolean collect) {
    if (collect) {
      System.gc();
    }
    String metrics = http.get("/metrics").body();
    Matcher m = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.E+-]+)$").matcher(metrics);
    double bytes = 0;
    int areas = 0;
    while (m.find()) {
      bytes += Double.parseDouble(m.group(1));
      areas++;
    }
    assertThat(areas).as("heap areas in /metrics").isPositive();
    return bytes / (1024 * 1024);
  }

  static double metric(String line) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(line) + " ([0-9.E+-]+)$").matcher(http.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  static long p99(List<Long> nanos) {
    List<Long> sorted = new ArrayList<>(nanos);
    Collections.sort(sorted);
    return sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1_000_000;
  }

  @Test
  void neverReadingSocketsAreClosedWith1013WhileTheHeapStaysBoundedAndOthersKeepTheirLatency() throws Exception {
    int slowCount = Integer.getInteger("hostile.slowReaders", SLOW_READERS);
    Account talker = Accounts.signUp(http, "sr-talker");
    Account sloth = Accounts.signUp(http, "sr-sloth");
    JsonArray participants = new JsonArray().add(sloth.id());
    List<Account> readers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Account reader = Accounts.signUp(http, "sr-reader-" + i);
      readers.add(reader);
      participants.add(reader.id());
    }
    String id = http.post("/api/conversations", new JsonObject().put("kind", "group").put("participants", participants), talker.token())
        .json().getString("id");

    // the well-behaved sockets note, for every message frame, how long after its send it arrived
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    AtomicLong frames = new AtomicLong();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(1 << 20));
    List<WebSocket> fast = new ArrayList<>();
    for (int i = 0; i < FAST_READERS; i++) {
      WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/ws/chat/" + id + "?token=" + readers.get(i % readers.size()).token())).await(20, TimeUnit.SECONDS);
      ws.textMessageHandler(text -> {
        long now = System.nanoTime();
        if (text.contains("\"type\":\"message\"")) {
          Matcher m = SENT_AT.matcher(text);
          if (m.find()) {
            latencies.add(now - Long.parseLong(m.group(1)));
            frames.incrementAndGet();
          }
        }
      });
      fast.add(ws);
    }
    String padding = "p".repeat(3900);

    List<Long> baseline = chat(id, talker, SAMPLES, padding, latencies, frames);
    double heapBefore = heapMb(true);
    double closesBefore = metric("switchboard_slow_consumer_closes_total");

    // the sloths: the handshake, then never a read
    ExecutorService openers = Executors.newFixedThreadPool(8);
    List<Future<RawWebSocket>> opening = new ArrayList<>();
    for (int i = 0; i < slowCount; i++) {
      opening.add(openers.submit(() -> RawWebSocket.open(node.port(), "/ws/chat/" + id + "?token=" + sloth.token(), 4096)));
    }
    List<RawWebSocket> sloths = new ArrayList<>();
    try {
      for (Future<RawWebSocket> f : opening) {
        sloths.add(f.get(60, TimeUnit.SECONDS));
      }
      long t0 = System.nanoTime();
      List<Long> during = new ArrayList<>();
      double peak = heapBefore;
      // chat goes on until the server has closed every sloth
      while (metric("switchboard_slow_consumer_closes_total") - closesBefore < slowCount) {
        assertThat((System.nanoTime() - t0) / 1_000_000_000).as("seconds until every sloth is closed").isLessThan(90);
        during.addAll(chat(id, talker, 100, padding, latencies, frames));
        peak = Math.max(peak, heapMb(false));
      }
      during.addAll(chat(id, talker, SAMPLES, padding, latencies, frames));
      double heapAfter = heapMb(true);
      assertThat(metric("switchboard_slow_consumer_closes_total") - closesBefore).isEqualTo(slowCount);

      // each sloth finds 1013 behind what was queued for it, or its connection dropped once the close could not be written
      int with1013 = 0;
      for (RawWebSocket s : sloths) {
        int code = s.readUntilClosed(30_000);
        assertThat(code).isIn(1013, -1);
        with1013 += code == 1013 ? 1 : 0;
      }
      System.out.printf("slow readers: %d sloths closed in %d s (%d saw the 1013 frame, the others a dropped connection); "
              + "heap %.0f MB before, %.0f MB peak, %.0f MB after; others' p99 %d ms before, %d ms during (%d and %d samples)%n",
          slowCount, (System.nanoTime() - t0) / 1_000_000_000, with1013, heapBefore, peak, heapAfter, p99(baseline), p99(during),
          baseline.size(), during.size());
      assertThat(heapAfter - heapBefore).as("heap retained after the sloths (MB)").isLessThan(64);
      assertThat(p99(during)).as("p99 of the others while the sloths back up (ms), against %d ms before", p99(baseline))
          .isLessThan(Math.max(2000, 10 * p99(baseline)));
      assertThat(http.get("/health/ready").status()).isEqualTo(200);
    } finally {
      openers.shutdownNow();
      for (RawWebSocket s : sloths) {
        s.close();
      }
      for (WebSocket ws : fast) {
        ws.close();
      }
    }
  }

  /**
   * Sends {@code count} messages from {@value #LANES} senders at once, as fast as the server takes them,
   * waits until each reached every fast socket, and answers their latencies (one per message per fast socket).
   */
  static List<Long> chat(String id, Account talker, int count, String padding, ConcurrentLinkedQueue<Long> latencies, AtomicLong frames)
      throws Exception {
    latencies.clear();
    frames.set(0);
    ExecutorService lanes = Executors.newFixedThreadPool(LANES);
    try {
      List<Future<?>> sending = new ArrayList<>();
      for (int lane = 0; lane < LANES; lane++) {
        int share = count / LANES + (lane < count % LANES ? 1 : 0);
        sending.add(lanes.submit(() -> {
          for (int i = 0; i < share; i++) {
            Http.Response r = http.post("/api/conversations/" + id + "/messages",
                new JsonObject().put("text", "at=" + System.nanoTime() + " " + padding), talker.token());
            assertThat(r.status()).as(r.toString()).isEqualTo(201);
          }
          return null;
        }));
      }
      for (Future<?> f : sending) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      lanes.shutdownNow();
    }
    long want = (long) count * FAST_READERS;
    io.switchboard.testing.Wait.until(java.time.Duration.ofSeconds(30), "every fast socket got all " + count + " messages", () -> frames.get() >= want);
    return new ArrayList<>(latencies);
  }
}
