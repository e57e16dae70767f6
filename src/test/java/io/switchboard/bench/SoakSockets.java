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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The soak's notification and module sockets, reconnecting as clients should (jittered, to the other
 * node when one refuses). A notification socket resumes with {@code since=<newest id it has>} and
 * keeps the titles and ids it received, for lost, repeated and out-of-order notifications; a module
 * socket sends {@code heartbeat} once a second and counts the confirmations. One event loop.
 */
final class SoakSockets implements AutoCloseable {

  /** What the sockets saw. */
  record Stats(int notifySockets, long notifications, long notifyDuplicates, long notifyOutOfOrder, long notifyReconnects,
      int moduleSockets, long heartbeats, long confirmed, long moduleReconnects, String firstError) {
  }

  private abstract class Sock extends RedialingSocket {
    final int[] ports;

    Sock(int[] ports) {
      this.ports = ports;
    }

    abstract String uri();

    abstract void onText(String text, Promise<Void> ready);
  }

  private final class NotifySock extends Sock {
    final String token;
    final Set<Long> ids = new HashSet<>();
    final Set<String> titles = new HashSet<>();
    long lastId = -1;

    NotifySock(String token, int[] ports) {
      super(ports);
      this.token = token;
    }

    @Override
    String uri() {
      return "/ws/notifications?token=" + token + (lastId >= 0 ? "&since=" + lastId : "");
    }

    @Override
    void onText(String text, Promise<Void> ready) {
      JsonObject f = new JsonObject(text);
      if ("welcome".equals(f.getString("type"))) {
        if (lastId < 0) {
          lastId = Long.parseLong(String.valueOf(f.getValue("lastId")));
        }
        ready.tryComplete();
      } else if ("notification".equals(f.getString("type"))) {
        JsonObject n = f.getJsonObject("notification");
        long id = Long.parseLong(String.valueOf(n.getValue("id")));
        notifications++;
        if (!ids.add(id)) {
          notifyDuplicates++;
        } else if (id < lastId) {
          notifyOutOfOrder++;
        }
        lastId = Math.max(lastId, id);
        titles.add(n.getString("title"));
      }
    }
  }

  private final class ModuleSock extends Sock {
    final String hash;

    ModuleSock(String hash, int[] ports) {
      super(ports);
      this.hash = hash;
    }

    @Override
    String uri() {
      return "/websocket?hash=" + hash;
    }

    @Override
    void onText(String text, Promise<Void> ready) {
      if (ModulesScenario.CONFIRM.equals(text)) {
        confirmed++;
      }
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final WebSocketClient client;
  private final List<NotifySock> notify = new ArrayList<>();
  private final List<ModuleSock> modules = new ArrayList<>();
  private boolean closing;
  private long notifications;
  private long notifyDuplicates;
  private long notifyOutOfOrder;
  private long notifyReconnects;
  private long heartbeats;
  private long confirmed;
  private long moduleReconnects;
  private String firstError;

  SoakSockets() {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
    context = vertx.getOrCreateContext();
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setConnectTimeout(10_000));
    vertx.setPeriodic(1000, t -> {
      for (ModuleSock s : modules) {
        if (s.open) {
          heartbeats++;
          s.ws.writeTextMessage("heartbeat");
        }
      }
    });
  }

  private <T> T onLoop(Supplier<Future<T>> action, long timeoutSeconds) {
    return LoadGenerator.await(context, action, timeoutSeconds);
  }

  LoadGenerator.Opened openNotifications(List<String> tokens, List<int[]> ports) {
    return onLoop(() -> {
      List<NotifySock> socks = new ArrayList<>();
      for (int i = 0; i < tokens.size(); i++) {
        socks.add(new NotifySock(tokens.get(i), ports.get(i)));
      }
      notify.addAll(socks);
      return LoadGenerator.openAll(socks, 50, this::connect);
    }, 600);
  }

  LoadGenerator.Opened openModules(List<String> hashes, List<int[]> ports) {
    return onLoop(() -> {
      List<ModuleSock> socks = new ArrayList<>();
      for (int i = 0; i < hashes.size(); i++) {
        socks.add(new ModuleSock(hashes.get(i), ports.get(i)));
      }
      modules.addAll(socks);
      return LoadGenerator.openAll(socks, 50, this::connect);
    }, 600);
  }

  private Future<Void> connect(Sock s) {
    ClientWebSocket ws = client.webSocket();
    s.ws = ws;
    Promise<Void> ready = Promise.promise();
    ws.textMessageHandler(text -> {
      if (s.ws != ws) {
        return;
      }
      try {
        s.onText(text, ready);
      } catch (RuntimeException e) {
        if (firstError == null) {
          firstError = "bad frame " + text + ": " + e;
        }
      }
    });
    ws.closeHandler(v -> {
      ready.tryFail("closed with " + ws.closeStatusCode());
      if (s.ws == ws) {
        s.open = false;
        reconnect(s);
      }
    });
    ws.exceptionHandler(e -> {
      // a close follows
    });
    int port = s.port(s.ports);
    Future<Void> connected = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(s.uri()))
        .compose(x -> s instanceof NotifySock ? ready.future() : Future.succeededFuture());
    return connected.map(x -> {
      s.open = true;
      s.failures = 0;
      return (Void) null;
    }).onFailure(e -> {
      s.connectFailed();
      reconnect(s);
    });
  }

  private void reconnect(Sock s) {
    s.redial(vertx, () -> closing, () -> {
      if (s instanceof NotifySock) {
        notifyReconnects++;
      } else {
        moduleReconnects++;
      }
      connect(s);
    });
  }

  /** Notifications with one of {@code titles} that some socket never received (each title to every socket). */
  long notificationsLost(List<String> titles) {
    return onLoop(() -> {
      long lost = 0;
      for (NotifySock s : notify) {
        for (String t : titles) {
          if (!s.titles.contains(t)) {
            lost++;
          }
        }
      }
      return Future.succeededFuture(lost);
    }, 60);
  }

  Stats stats() {
    return onLoop(() -> Future.succeededFuture(new Stats(notify.size(), notifications, notifyDuplicates, notifyOutOfOrder,
        notifyReconnects, modules.size(), heartbeats, confirmed, moduleReconnects, firstError)), 30);
  }

  @Override
  public void close() {
    closing = true;
    LoadGenerator.closeQuietly(vertx);
  }
}
