package io.switchboard.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The load generator: real WebSockets from one Vert.x event loop (so its state needs no locks; the
 * calling thread only waits for results). Senders write {@code {"type":"send","text":"<nanos>|<step>.<n>"}}
 * open loop at a fixed rate, their phases spread evenly over the period; every received frame carrying such a text is a delivery, timed against
 * the nanoTime in it (the same JVM sent it) and counted per message, so that a missing or repeated
 * delivery is seen. With {@code clientMsgIds}, every send also carries a {@code "clientMsgId"} unique to the run. Frames that carry a {@code "seq"} are also checked per socket for order.
 */
final class LoadGenerator implements AutoCloseable {

  /** One socket to open: which server, which room (index), the URI, and its role. */
  record Member(int port, int room, String uri, boolean sender, boolean measured) {
  }

  /** The outcome of opening sockets. */
  record Opened(int requested, int opened, int failed, double seconds, String firstFailure) {
    double perSecond() {
      return seconds <= 0 ? 0 : opened / seconds;
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final boolean awaitFirstFrame;
  private final boolean clientMsgIds;
  private final String run = Long.toString(System.nanoTime(), 36);
  private final List<Sock> sockets = new ArrayList<>();
  private final List<Sock> senders = new ArrayList<>();
  private int[] measuredPerRoom = new int[0];

  // state of the current step; touched on the event loop only
  private int step;
  private int messages;
  private int[] expected = new int[1024];
  private int[] received = new int[1024];
  private long expectedTotal;
  private long receipts;
  private long duplicates;
  private long orderViolations;
  private long errorFrames;
  private long unexpectedCloses;
  private long stale;
  private long sendFailures;
  private long lastReceipt;
  private String firstError;
  private Latencies latencies = new Latencies();
  private Map<Integer, Latencies> byPort = new HashMap<>();
  private Latencies acks = new Latencies();
  private boolean closingAll;

  /** A generator whose sends carry no {@code clientMsgId}. */
  LoadGenerator(boolean awaitFirstFrame) {
    this(awaitFirstFrame, false);
  }

  /**
   * @param awaitFirstFrame a socket counts as open when its first frame (Switchboard's welcome) arrived,
   *     not when the upgrade completed
   * @param clientMsgIds every send carries a {@code clientMsgId} unique to this generator's run
   */
  LoadGenerator(boolean awaitFirstFrame, boolean clientMsgIds) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(100_000)
        .setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22)
        .setConnectTimeout(60_000)
        .setReuseAddress(true));
    this.awaitFirstFrame = awaitFirstFrame;
    this.clientMsgIds = clientMsgIds;
  }

  private final class Sock {
    final Member member;
    ClientWebSocket ws;
    long lastSeq = -1;
    long sent;
    // send times of this sender's messages not acknowledged yet (acks come back in send order)
    final java.util.ArrayDeque<Long> unacked = new java.util.ArrayDeque<>();

    Sock(Member member) {
      this.member = member;
    }
  }

  private <T> T onLoop(java.util.function.Supplier<Future<T>> action, long timeoutSeconds) {
    return await(context, action, timeoutSeconds);
  }

  /** Runs {@code action} on {@code ctx} and waits (this thread, not a loop) for its outcome. */
  static <T> T await(io.vertx.core.Context ctx, java.util.function.Supplier<Future<T>> action, long timeoutSeconds) {
    CompletableFuture<T> result = new CompletableFuture<>();
    ctx.runOnContext(v -> {
      try {
        action.get().onComplete(ar -> {
          if (ar.succeeded()) {
            result.complete(ar.result());
          } else {
            result.completeExceptionally(ar.cause());
          }
        });
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.get(timeoutSeconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs {@code connect} for every target, at most {@code inFlight} at once, each next one started as
   * one finishes (on the calling loop); answers how many succeeded, the first failure and how long it took.
   */
  static <T> Future<Opened> openAll(List<T> targets, int inFlight, java.util.function.Function<T, Future<?>> connect) {
    Promise<Opened> done = Promise.promise();
    if (targets.isEmpty()) {
      return Future.succeededFuture(new Opened(0, 0, 0, 0, null));
    }
    long start = System.nanoTime();
    int[] next = {0};
    int[] finished = {0};
    int[] ok = {0};
    String[] firstFailure = {null};
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      if (next[0] >= targets.size()) {
        return;
      }
      connect.apply(targets.get(next[0]++)).onComplete(ar -> {
        finished[0]++;
        if (ar.succeeded()) {
          ok[0]++;
        } else if (firstFailure[0] == null) {
          firstFailure[0] = String.valueOf(ar.cause());
        }
        if (finished[0] == targets.size()) {
          done.complete(new Opened(targets.size(), ok[0], targets.size() - ok[0], (System.nanoTime() - start) / 1e9, firstFailure[0]));
        } else {
          launch[0].run();
        }
      });
    };
    for (int i = 0; i < Math.min(inFlight, targets.size()); i++) {
      launch[0].run();
    }
    return done.future();
  }

  /** Opens the sockets with at most {@code inFlight} upgrades at once; answers how many opened and how fast. */
  Opened open(List<Member> members, int inFlight) {
    return onLoop(() -> {
      for (Member m : members) {
        if (m.room() >= measuredPerRoom.length) {
          measuredPerRoom = Arrays.copyOf(measuredPerRoom, m.room() + 1);
        }
      }
      return openAll(members, inFlight, this::connect);
    }, 3600);
  }


  private Future<Void> connect(Member m) {
    Sock s = new Sock(m);
    ClientWebSocket ws = client.webSocket();
    s.ws = ws;
    Promise<Void> ready = Promise.promise();
    ws.textMessageHandler(text -> {
      if (!ready.future().isComplete()) {
        ready.tryComplete();
      }
      onFrame(s, text);
    });
    ws.closeHandler(v -> {
      if (!closingAll) {
        unexpectedCloses++;
        if (firstError == null) {
          firstError = "socket closed by the server with " + ws.closeStatusCode() + " " + ws.closeReason();
        }
      }
      ready.tryFail("closed with " + ws.closeStatusCode() + " before the first frame");
    });
    ws.exceptionHandler(e -> {
      if (firstError == null && !closingAll) {
        firstError = "socket error: " + e;
      }
    });
    return ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(m.port()).setURI(m.uri()))
        .compose(x -> {
          sockets.add(s);
          if (m.sender()) {
            senders.add(s);
          }
          if (m.measured()) {
            measuredPerRoom[m.room()]++;
          }
          return awaitFirstFrame ? ready.future() : Future.succeededFuture();
        });
  }

  int openSockets() {
    return onLoop(() -> Future.succeededFuture(sockets.size()), 60);
  }

  /**
   * One fixed-rate step: every sender sends {@code ratePerSender} messages per second for
   * {@code seconds}, then deliveries are awaited for at most {@code drainSeconds}.
   */
  Result run(String label, double ratePerSender, double seconds, double drainSeconds) {
    return onLoop(() -> {
      step++;
      messages = 0;
      expectedTotal = 0;
      receipts = 0;
      duplicates = 0;
      orderViolations = 0;
      errorFrames = 0;
      unexpectedCloses = 0;
      stale = 0;
      sendFailures = 0;
      firstError = null;
      latencies = new Latencies();
      byPort = new HashMap<>();
      acks = new Latencies();
      for (Sock s : senders) {
        s.unacked.clear();
      }
      Promise<Result> done = Promise.promise();
      long start = System.nanoTime();
      long stopAt = start + (long) (seconds * 1e9);
      long drainUntil = stopAt + (long) (drainSeconds * 1e9);
      lastReceipt = start;
      for (Sock s : senders) {
        s.sent = 0;
      }
      vertx.setPeriodic(2, timer -> {
        long now = System.nanoTime();
        if (now < stopAt) {
          double elapsed = (now - start) / 1e9;
          int n = senders.size();
          for (int k = 0; k < n; k++) {
            Sock s = senders.get(k);
            // senders are out of phase (sender k is k/n of a period ahead): independent senders, not one burst per period
            long due = (long) (elapsed * ratePerSender + (double) k / n);
            while (s.sent < due) {
              s.sent++;
              send(s);
            }
          }
          return;
        }
        if (receipts >= expectedTotal || now >= drainUntil) {
          vertx.cancelTimer(timer);
          double active = Math.max(seconds, (lastReceipt - start) / 1e9);
          Map<Integer, Latencies.Summary> perPort = new HashMap<>();
          byPort.forEach((port, l) -> perPort.put(port, l.summary()));
          done.complete(new Result(label, expectedTotal / seconds, receipts / active, latencies.summary(),
              expectedTotal, expectedTotal - receipts, errorFrames + unexpectedCloses + duplicates + orderViolations + sendFailures,
              errorDetail(), perPort, acks.summary(), messages, CpuWindow.Cpu.NONE));
        }
      });
      return done.future();
    }, (long) (seconds + drainSeconds + 120));
  }

  private String errorDetail() {
    StringBuilder b = new StringBuilder();
    b.append("error frames ").append(errorFrames).append(", unexpected closes ").append(unexpectedCloses)
        .append(", duplicates ").append(duplicates).append(", out of order ").append(orderViolations)
        .append(", failed writes ").append(sendFailures).append(", late from earlier step ").append(stale);
    if (firstError != null) {
      b.append("; first: ").append(firstError.length() > 200 ? firstError.substring(0, 200) : firstError);
    }
    return b.toString();
  }

  private void send(Sock s) {
    int id = messages++;
    if (id >= expected.length) {
      expected = Arrays.copyOf(expected, expected.length * 2);
      received = Arrays.copyOf(received, received.length * 2);
    }
    expected[id] = measuredPerRoom[s.member.room()];
    received[id] = 0;
    expectedTotal += expected[id];
    long now = System.nanoTime();
    s.unacked.add(now);
    String frame = "{\"type\":\"send\",\"text\":\"" + now + "|" + step + "." + id
        + (clientMsgIds ? "\",\"clientMsgId\":\"" + run + "-" + step + "-" + id : "") + "\"}";
    s.ws.writeTextMessage(frame).onFailure(e -> {
      sendFailures++;
      if (firstError == null) {
        firstError = "write failed: " + e;
      }
    });
  }

  private void onFrame(Sock s, String t) {
    long now = System.nanoTime();
    if (t.startsWith("{\"type\":\"ack\"")) {
      Long sentAt = s.unacked.poll();
      if (sentAt != null) {
        acks.add(now - sentAt);
      }
      return;
    }
    int i = t.indexOf("\"text\":\"");
    if (i < 0) {
      if (t.startsWith("{\"type\":\"error\"")) {
        errorFrames++;
        if (firstError == null) {
          firstError = t;
        }
      }
      return;
    }
    int p = i + 8;
    long sentAt = 0;
    char c;
    while ((c = t.charAt(p++)) != '|') {
      sentAt = sentAt * 10 + (c - '0');
    }
    int stepOf = 0;
    while ((c = t.charAt(p++)) != '.') {
      stepOf = stepOf * 10 + (c - '0');
    }
    int id = 0;
    while (p < t.length() && (c = t.charAt(p++)) >= '0' && c <= '9') {
      id = id * 10 + (c - '0');
    }
    int q = t.indexOf("\"seq\":");
    if (q >= 0) {
      long seq = 0;
      int r = q + 6;
      while (r < t.length() && (c = t.charAt(r++)) >= '0' && c <= '9') {
        seq = seq * 10 + (c - '0');
      }
      if (seq <= s.lastSeq) {
        orderViolations++;
      }
      s.lastSeq = seq;
    }
    if (!s.member.measured()) {
      return;
    }
    if (stepOf != step || id >= messages) {
      stale++;
      return;
    }
    if (++received[id] > expected[id]) {
      duplicates++;
      return;
    }
    receipts++;
    lastReceipt = now;
    latencies.add(now - sentAt);
    byPort.computeIfAbsent(s.member.port(), port -> new Latencies()).add(now - sentAt);
  }

  /** Closes every socket (not counted as errors) and waits a little for the closes to go out. */
  void closeAll() {
    onLoop(() -> {
      closingAll = true;
      List<Future<Void>> closes = new ArrayList<>();
      for (Sock s : sockets) {
        closes.add(s.ws.close().recover(e -> Future.succeededFuture()));
      }
      sockets.clear();
      senders.clear();
      Arrays.fill(measuredPerRoom, 0);
      return Future.join(closes).map(x -> (Void) null).recover(e -> Future.succeededFuture());
    }, 120);
    onLoop(() -> {
      closingAll = false;
      return Future.succeededFuture();
    }, 10);
  }

  @Override
  public void close() {
    closeQuietly(vertx);
  }

  /** Closes {@code vertx}, waiting up to 30 s; a failure or a time-out is ignored (the run is ending anyway). */
  static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway
    }
  }

  /**
   * A step's outcome. Rates are deliveries per second; latencies in milliseconds, of all measured
   * deliveries, per server port of the receiving socket, and of the senders' acks (send to ack: the
   * commit as the sender sees it); {@code sent} messages were sent; {@code cpu} is the servers' CPU over the step when the caller
   * measured it ({@link CpuWindow.Cpu#NONE} otherwise).
   */
  record Result(String label, double offered, double delivered, Latencies.Summary latency, long expected, long lost, long errors,
      String detail, Map<Integer, Latencies.Summary> byPort, Latencies.Summary ack, long sent, CpuWindow.Cpu cpu) {
    double deliveredFraction() {
      return expected == 0 ? 1 : (expected - lost) / (double) expected;
    }

    long deliveries() {
      return expected - lost;
    }

    Result withCpu(CpuWindow.Cpu measured) {
      return new Result(label, offered, delivered, latency, expected, lost, errors, detail, byPort, ack, sent, measured);
    }

    /** Server JVM CPU in microseconds per message sent; NaN when not measured or nothing was sent. */
    double serverUsPerMessage() {
      return perUnit(cpu.serverMs(), sent);
    }

    /** Server JVM CPU in microseconds per delivery (a message reaches every member of its room). */
    double serverUsPerDelivery() {
      return perUnit(cpu.serverMs(), deliveries());
    }

    /** Postgres backends' CPU in microseconds per message sent (the database work is once per message). */
    double pgUsPerMessage() {
      return perUnit(cpu.pgMs(), sent);
    }

    double pgUsPerDelivery() {
      return perUnit(cpu.pgMs(), deliveries());
    }

    /** WAL records (cluster-wide) per message sent; NaN when not measured. */
    double walRecordsPerMessage() {
      return perUnit(cpu.walRecords() / 1000, sent);
    }

    double walBytesPerMessage() {
      return perUnit(cpu.walBytes() / 1000, sent);
    }

    /** Deliveries per core-second of the server JVM and its Postgres backends (NaN when the CPU was not measured). */
    double deliveriesPerCoreSecond() {
      double ms = cpu.serverMs() + (Double.isNaN(cpu.pgMs()) ? 0 : cpu.pgMs());
      return Double.isNaN(ms) || ms <= 0 ? Double.NaN : deliveries() / (ms / 1000);
    }

    private static double perUnit(double ms, long n) {
      return Double.isNaN(ms) || n <= 0 ? Double.NaN : ms * 1000 / n;
    }
  }
}
