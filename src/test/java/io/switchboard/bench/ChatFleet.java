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
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Conversation sockets that behave as a client should when things break: every socket remembers the
 * seqs it received, and when the server closes it (or the node goes away) it reconnects after a
 * jittered delay with {@code since=<newest seq it has>}, trying the next of its nodes when one refuses.
 * Per socket it counts duplicates (a seq seen twice), out-of-order frames (a seq below one already
 * seen) and, at the end, lost messages (seqs of the conversation it never saw after its first one).
 * Senders send {@code {"type":"send","text","clientMsgId"}} at a fixed rate; a send not acknowledged
 * within {@link #RETRY_AFTER_MS} (or refused with an error frame) is sent again with the same
 * clientMsgId once the socket is open. One Vert.x event loop; the calling thread only waits.
 */
final class ChatFleet implements AutoCloseable {

  static final long RETRY_AFTER_MS = 3000;

  /** A socket to open on {@code ports[0]} (reconnecting to the others in turn), from {@code since} when it is not null. */
  record Target(String room, String token, int[] ports, Long since, boolean sender) {
  }

  /** What the fleet saw, summed over its sockets. */
  record Stats(int sockets, int open, long received, long duplicates, long outOfOrder, long closes, long reconnects, long connectFailures,
      long sendsTried, long acked, long refused, long pending, long ackConflicts, Map<String, Long> refusedBy, String firstError) {
  }

  private final class Sock extends RedialingSocket {
    final Target target;
    final BitSet seen = new BitSet();
    final Map<String, Pending> pending = new LinkedHashMap<>();
    long startSeq = -1;
    long lastSeq = -1;
    long catchUpTo = -1;
    long connectedAt;
    long caughtUpAt;
    long sent;

    Sock(Target target) {
      this.target = target;
    }
  }

  private record Pending(String text, long firstAt, long lastTry) {
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final String run = Long.toString(System.nanoTime(), 36);
  private final List<Sock> sockets = new ArrayList<>();
  private final Map<String, Long> acked = new HashMap<>();
  private final Map<String, String> ackedRoom = new HashMap<>();
  private boolean closing;
  private long sendTimer = -1;
  private long duplicates;
  private long outOfOrder;
  private long received;
  private long closes;
  private long reconnects;
  private long connectFailures;
  private long sendsTried;
  private long refused;
  private final Map<String, Long> refusedBy = new java.util.TreeMap<>();
  private long ackConflicts;
  private String firstError;

  ChatFleet() {
    // a storm's thousands of refused reconnects would each log a pooled connection's eviction
    if (org.slf4j.LoggerFactory.getLogger("io.vertx.core.http.impl.HttpClientConnectionInternal")
        instanceof ch.qos.logback.classic.Logger quiet) {
      quiet.setLevel(ch.qos.logback.classic.Level.ERROR);
    }
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    this.context = vertx.getOrCreateContext();
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setMaxFrameSize(1 << 20)
        .setMaxMessageSize(1 << 22).setConnectTimeout(10_000).setReuseAddress(true));
    vertx.setPeriodic(500, t -> retry());
  }

  private <T> T onLoop(Supplier<Future<T>> action, long timeoutSeconds) {
    return LoadGenerator.await(context, action, timeoutSeconds);
  }

  /** Opens the sockets, at most {@code inFlight} at once; each counts when its welcome arrived. */
  LoadGenerator.Opened open(List<Target> targets, int inFlight) {
    return onLoop(() -> LoadGenerator.openAll(targets, inFlight, t -> {
      Sock s = new Sock(t);
      sockets.add(s);
      // one that fails to open keeps trying, as after a close
      return connect(s).onFailure(e -> {
        connectFailures++;
        s.connectFailed();
        scheduleReconnect(s);
      });
    }), 3600);
  }

  private Future<Void> connect(Sock s) {
    ClientWebSocket ws = client.webSocket();
    s.ws = ws;
    Promise<Void> welcomed = Promise.promise();
    // frames and the close of a socket this one has replaced are ignored: one live socket per member
    ws.textMessageHandler(text -> {
      if (s.ws == ws) {
        onFrame(s, new JsonObject(text), welcomed);
      }
    });
    ws.closeHandler(v -> {
      welcomed.tryFail("closed with " + ws.closeStatusCode() + " " + ws.closeReason() + " before the welcome");
      if (s.ws != ws) {
        return;
      }
      s.open = false;
      if (!closing) {
        closes++;
        scheduleReconnect(s);
      }
    });
    ws.exceptionHandler(e -> {
      if (firstError == null && !closing) {
        firstError = "socket error: " + e;
      }
    });
    long since = s.lastSeq >= 0 ? s.lastSeq : s.target.since() == null ? -1 : s.target.since();
    String uri = "/ws/chat/" + s.target.room() + "?token=" + s.target.token() + (since >= 0 ? "&since=" + since : "");
    int port = s.port(s.target.ports());
    s.connectedAt = System.nanoTime();
    s.caughtUpAt = 0;
    return ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
        .compose(x -> welcomed.future());
  }

  /** After a close or a failed connect: wait a jittered while (longer after each failure), then connect again, to the next node after a failure. */
  private void scheduleReconnect(Sock s) {
    s.redial(vertx, () -> closing, () -> {
      reconnects++;
      connect(s).onFailure(e -> {
        connectFailures++;
        s.connectFailed();
        if (!s.open) {
          scheduleReconnect(s);
        }
      });
    });
  }

  private void onFrame(Sock s, JsonObject f, Promise<Void> welcomed) {
    switch (f.getString("type", "")) {
      case "welcome" -> {
        long last = f.getLong("lastSeq");
        if (s.startSeq < 0) {
          s.startSeq = s.target.since() != null ? s.target.since() : last;
          s.lastSeq = s.startSeq;
        }
        s.catchUpTo = last;
        s.open = true;
        s.failures = 0;
        markCaughtUp(s);
        welcomed.tryComplete();
        resendAll(s);
      }
      case "message" -> onMessage(s, f.getJsonObject("message"));
      case "ack" -> onAck(s, f.getString("clientMsgId"), f.getLong("seq"));
      case "error" -> {
        String ref = f.getString("ref");
        if (ref != null && s.pending.containsKey(ref)) {
          refused++;
          refusedBy.merge(f.getString("code", "?"), 1L, Long::sum);
          Pending p = s.pending.get(ref);
          s.pending.put(ref, new Pending(p.text(), p.firstAt(), 0));
        } else if (firstError == null) {
          firstError = f.encode();
        }
      }
      default -> {
        // presence, typing, read, banner: not counted
      }
    }
  }

  private void onMessage(Sock s, JsonObject m) {
    long seq = m.getLong("seq");
    received++;
    if (s.seen.get((int) seq)) {
      duplicates++;
    } else {
      if (seq < s.lastSeq) {
        outOfOrder++;
      }
      s.seen.set((int) seq);
    }
    s.lastSeq = Math.max(s.lastSeq, seq);
    markCaughtUp(s);
  }

  private void markCaughtUp(Sock s) {
    if (s.caughtUpAt == 0 && s.catchUpTo >= 0 && s.lastSeq >= s.catchUpTo) {
      s.caughtUpAt = System.nanoTime();
    }
  }

  private void onAck(Sock s, String clientMsgId, long seq) {
    if (s.pending.remove(clientMsgId) == null && !acked.containsKey(clientMsgId)) {
      return;
    }
    Long before = acked.put(clientMsgId, seq);
    ackedRoom.put(clientMsgId, s.target.room());
    if (before != null && before != seq) {
      ackConflicts++;
      if (firstError == null) {
        firstError = "clientMsgId " + clientMsgId + " acknowledged with seq " + before + " and then " + seq;
      }
    }
  }

  /** Every sender sends {@code ratePerSender} messages per second (open loop) until {@link #stopSending}. */
  void startSending(double ratePerSender) {
    onLoop(() -> {
      long start = System.nanoTime();
      List<Sock> senders = sockets.stream().filter(s -> s.target.sender()).toList();
      for (Sock s : senders) {
        s.sent = 0;
      }
      sendTimer = vertx.setPeriodic(20, t -> {
        double elapsed = (System.nanoTime() - start) / 1e9;
        for (int k = 0; k < senders.size(); k++) {
          Sock s = senders.get(k);
          long due = (long) (elapsed * ratePerSender + (double) k / senders.size());
          while (s.sent < due) {
            s.sent++;
            String id = run + "-" + k + "-" + s.sent;
            s.pending.put(id, new Pending("fleet " + id, System.nanoTime(), 0));
            write(s, id);
          }
        }
      });
      return Future.succeededFuture();
    }, 10);
  }

  void stopSending() {
    onLoop(() -> {
      vertx.cancelTimer(sendTimer);
      return Future.succeededFuture();
    }, 10);
  }

  private void write(Sock s, String id) {
    Pending p = s.pending.get(id);
    if (p == null || !s.open) {
      return;
    }
    sendsTried++;
    s.pending.put(id, new Pending(p.text(), p.firstAt(), System.nanoTime()));
    s.ws.writeTextMessage(new JsonObject().put("type", "send").put("text", p.text()).put("clientMsgId", id).encode());
  }

  private void resendAll(Sock s) {
    for (String id : new ArrayList<>(s.pending.keySet())) {
      write(s, id);
    }
  }

  private void retry() {
    long now = System.nanoTime();
    for (Sock s : sockets) {
      if (!s.open || s.pending.isEmpty()) {
        continue;
      }
      for (Map.Entry<String, Pending> e : new ArrayList<>(s.pending.entrySet())) {
        if (now - e.getValue().lastTry() > TimeUnit.MILLISECONDS.toNanos(RETRY_AFTER_MS)) {
          write(s, e.getKey());
        }
      }
    }
  }

  Stats stats() {
    return onLoop(() -> {
      long pending = 0;
      int open = 0;
      for (Sock s : sockets) {
        pending += s.pending.size();
        open += s.open ? 1 : 0;
      }
      return Future.succeededFuture(new Stats(sockets.size(), open, received, duplicates, outOfOrder, closes, reconnects,
          connectFailures, sendsTried, acked.size(), refused, pending, ackConflicts, Map.copyOf(refusedBy), firstError));
    }, 30);
  }

  /**
   * Seconds from {@code fromNanos} until the last socket had connected again after it and had every message
   * up to the newest one its welcome announced; NaN while some socket has not.
   */
  double caughtUpSeconds(long fromNanos) {
    return onLoop(() -> {
      long last = 0;
      for (Sock s : sockets) {
        if (!s.open || s.caughtUpAt <= fromNanos) {
          return Future.succeededFuture(Double.NaN);
        }
        last = Math.max(last, s.caughtUpAt);
      }
      return Future.succeededFuture((last - fromNanos) / 1e9);
    }, 30);
  }

  /** Each socket's time from its (last) connect until it had caught up, in ms; for sockets that have. */
  Latencies.Summary catchUpTimes() {
    return onLoop(() -> {
      Latencies l = new Latencies();
      for (Sock s : sockets) {
        if (s.caughtUpAt > 0) {
          l.add(s.caughtUpAt - s.connectedAt);
        }
      }
      return Future.succeededFuture(l.summary());
    }, 30);
  }

  /** Messages of each socket's conversation after its first seq, up to {@code newest.get(room)}, that it never received. */
  long lost(Map<String, Long> newest) {
    return onLoop(() -> {
      long lost = 0;
      for (Sock s : sockets) {
        long last = newest.getOrDefault(s.target.room(), 0L);
        for (long q = Math.max(1, s.startSeq + 1); q <= last; q++) {
          if (!s.seen.get((int) q)) {
            lost++;
          }
        }
      }
      return Future.succeededFuture(lost);
    }, 60);
  }

  /** The acknowledged sends: clientMsgId → seq, and clientMsgId → room. */
  record Acked(Map<String, Long> seqs, Map<String, String> rooms) {
  }

  Acked acked() {
    return onLoop(() -> Future.succeededFuture(new Acked(Map.copyOf(acked), Map.copyOf(ackedRoom))), 30);
  }

  String runId() {
    return run;
  }

  /** Closes every socket without reconnecting. */
  void closeAll() {
    onLoop(() -> {
      closing = true;
      List<Future<Void>> all = new ArrayList<>();
      for (Sock s : sockets) {
        if (s.ws != null && !s.ws.isClosed()) {
          try {
            all.add(s.ws.close().recover(e -> Future.succeededFuture()));
          } catch (IllegalStateException e) {
            // never connected
          }
        }
      }
      return Future.join(all).map(x -> (Void) null).recover(e -> Future.succeededFuture());
    }, 120);
  }

  @Override
  public void close() {
    closing = true;
    LoadGenerator.closeQuietly(vertx);
  }
}
