package io.switchboard.faults;

import io.switchboard.gateway.CloseCodes;
import io.vertx.core.Context;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A conversation socket behind the test's own load balancer: it connects to one of the nodes' ports
 * picked at random (the next one when that is refused), sends a message now and then, and when the
 * server closes it, reconnects with {@code since} as the close code and reason advise (after 1012, a
 * random delay within the spread the reason names). Sends not acknowledged yet are sent again, with
 * the same {@code clientMsgId}, on the next socket. All its work runs on one Vert.x context.
 */
final class BalancedClient {

  /** "… after a random delay of 0-2000 ms" in a 1012 close reason. */
  static final Pattern SPREAD = Pattern.compile("random delay of (\\d+)-(\\d+) ms");

  /** How the server closed a socket, and when the client tried again. */
  record Closed(int code, String reason, long closedAtMillis, long reconnectAtMillis) {
  }

  private final Context context;
  private final WebSocketClient client;
  private final List<Integer> ports;
  private final String conversationId;
  private final String token;
  private final String name;
  private final long sendEveryMillis;
  private final List<Long> seqs = new CopyOnWriteArrayList<>();
  private final List<Closed> closes = new CopyOnWriteArrayList<>();
  private final List<String> acked = new CopyOnWriteArrayList<>();
  /** clientMsgId → when it was last sent; only touched on the context. */
  private final Map<String, Long> pending = new LinkedHashMap<>();
  private final List<String> oddities = new CopyOnWriteArrayList<>();
  private volatile int pendingCount;
  private volatile long last;
  private volatile boolean sending = true;
  private volatile boolean stopped;
  private volatile boolean open;
  private ClientWebSocket ws;
  private int counter;

  BalancedClient(Context context, WebSocketClient client, List<Integer> ports, String conversationId, String token, String name,
      long sendEveryMillis) {
    this.context = context;
    this.client = client;
    this.ports = List.copyOf(ports);
    this.conversationId = conversationId;
    this.token = token;
    this.name = name;
    this.sendEveryMillis = sendEveryMillis;
  }

  void start() {
    context.runOnContext(v -> {
      connect(ThreadLocalRandom.current().nextInt(ports.size()));
      context.owner().setTimer(1 + ThreadLocalRandom.current().nextLong(sendEveryMillis), t -> tick());
    });
  }

  private void connect(int attempt) {
    if (stopped) {
      return;
    }
    int port = ports.get(attempt % ports.size());
    ClientWebSocket w = client.webSocket();
    w.textMessageHandler(this::onFrame);
    w.closeHandler(x -> onClose(w));
    // since=0 on the first socket too: whatever was sent before it opened is replayed
    String uri = "/ws/chat/" + conversationId + "?token=" + token + "&since=" + last;
    w.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)).onSuccess(x -> {
      ws = w;
      open = true;
      pending.keySet().forEach(this::write);
    }).onFailure(e -> context.owner().setTimer(50 + ThreadLocalRandom.current().nextLong(100), t -> connect(attempt + 1)));
  }

  private void onFrame(String text) {
    JsonObject f = new JsonObject(text);
    switch (f.getString("type")) {
      case "message" -> {
        long seq = f.getJsonObject("message").getLong("seq");
        if (seq != last + 1) {
          oddities.add((seq <= last ? "duplicate " : "gap before ") + seq + " after " + last);
        }
        if (seq > last) {
          last = seq;
        }
        seqs.add(seq);
      }
      case "ack" -> {
        String id = f.getString("clientMsgId");
        if (pending.remove(id) != null) {
          acked.add(id);
        }
        pendingCount = pending.size();
      }
      case "error" -> {
        // a refused send (the node is going away) stays pending and goes again on the next tick
      }
      default -> {
      }
    }
  }

  private void onClose(ClientWebSocket w) {
    if (w != ws) {
      return;
    }
    ws = null;
    open = false;
    if (stopped) {
      return;
    }
    int code = w.closeStatusCode() == null ? -1 : w.closeStatusCode();
    String reason = w.closeReason();
    long delay;
    Matcher m = reason == null ? null : SPREAD.matcher(reason);
    if (code == CloseCodes.SERVICE_RESTART && m.find()) {
      long from = Long.parseLong(m.group(1));
      long to = Long.parseLong(m.group(2));
      delay = from + ThreadLocalRandom.current().nextLong(to - from + 1);
    } else {
      delay = 100 + ThreadLocalRandom.current().nextLong(200);
    }
    long now = System.currentTimeMillis();
    closes.add(new Closed(code, reason, now, now + delay));
    context.owner().setTimer(Math.max(1, delay), t -> connect(ThreadLocalRandom.current().nextInt(ports.size())));
  }

  private void tick() {
    if (stopped) {
      return;
    }
    long now = System.currentTimeMillis();
    if (open && sending) {
      String id = name + "-" + counter++;
      pending.put(id, now);
      pendingCount = pending.size();
      write(id);
    }
    // what was sent long ago and never answered goes again, with the same clientMsgId
    if (open) {
      List<String> stale = new ArrayList<>();
      pending.forEach((id, at) -> {
        if (now - at > 2 * sendEveryMillis) {
          stale.add(id);
        }
      });
      stale.forEach(this::write);
    }
    context.owner().setTimer(sendEveryMillis, t -> tick());
  }

  private void write(String clientMsgId) {
    pending.put(clientMsgId, System.currentTimeMillis());
    ws.writeTextMessage(new JsonObject().put("type", "send").put("text", "from " + clientMsgId).put("clientMsgId", clientMsgId).encode());
  }

  void stopSending() {
    sending = false;
  }

  void stop() {
    stopped = true;
    context.runOnContext(v -> {
      if (ws != null) {
        ws.close();
      }
    });
  }

  boolean open() {
    return open;
  }

  int pendingCount() {
    return pendingCount;
  }

  long last() {
    return last;
  }

  List<Long> seqs() {
    return seqs;
  }

  List<Closed> closes() {
    return closes;
  }

  List<String> acked() {
    return acked;
  }

  List<String> oddities() {
    return oddities;
  }

  String conversationId() {
    return conversationId;
  }
}
