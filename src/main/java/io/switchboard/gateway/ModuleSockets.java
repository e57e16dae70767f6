package io.switchboard.gateway;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.cluster.NodeInbox;
import io.switchboard.domain.event.ModuleCommand;
import io.switchboard.error.ApiException;
import io.switchboard.persistence.store.ModuleStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The module sockets (SPEC §7) this node holds, whatever event loop each is on, and what is done
 * for them on the gateway verticle's loop: last heartbeats written in one statement every flush
 * interval (never one write per heartbeat), silent sockets closed (4408), and the requests other
 * nodes send through the {@link NodeInbox}: write a command frame, close a replaced (4409) or
 * deleted (4404) socket. The module's row in Postgres says which node and which connection hold it;
 * a socket that opens takes the row over and then has the socket it replaced closed, wherever it is.
 */
public final class ModuleSockets {

  /** A module socket as this registry sees it; its methods may be called from any thread. */
  public interface Held {

    String hash();

    String connection();

    /** Epoch millis of its last {@code heartbeat} (or of its opening). */
    long lastHeartbeat();

    /** Writes a frame on the socket's own loop; completes once it is written to the connection. */
    Future<Void> send(String frame);

    void closeSoon(short code, String reason);
  }

  static final String CLOSE = "module.close";
  static final String COMMAND = "module.command";
  private static final Logger log = LoggerFactory.getLogger(ModuleSockets.class);

  private final Vertx vertx;
  private final String nodeId;
  private final long timeoutMillis;
  private final long commandTimeoutMillis;
  private final Map<String, Held> byConnection = new ConcurrentHashMap<>();
  private final java.util.Set<Promise<Void>> pending = ConcurrentHashMap.newKeySet();
  /**
   * Close orders that came for a connection not registered yet (its upgrade still finishing when the
   * socket that replaces it took the row over), by connection: it is closed as it registers. Kept a
   * minute, at most {@link #EARLY_CLOSES} of them.
   */
  private final Map<String, EarlyClose> earlyCloses = new ConcurrentHashMap<>();
  private static final int EARLY_CLOSES = 10_000;
  private static final long EARLY_CLOSE_MS = 60_000;

  private record EarlyClose(short code, String reason, long at) {
  }
  private Context home;
  private NodeInbox inbox;
  /** The heartbeat last written per connection (only the home loop touches it). */
  private final Map<String, Long> written = new HashMap<>();

  public ModuleSockets(Vertx vertx, String nodeId, int timeoutSeconds, long commandTimeoutMillis) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.timeoutMillis = timeoutSeconds * 1000L;
    this.commandTimeoutMillis = commandTimeoutMillis;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The module sockets this node holds now: one per module online here ({@code switchboard_modules_online}). */
  public int held() {
    return byConnection.size();
  }

  /** Starts the flush timer, the inbox handlers and the management requests on the calling (gateway) loop. */
  public void start(NodeInbox inbox, long flushMillis) {
    this.home = Vertx.currentContext();
    this.inbox = inbox;
    inbox.handle(CLOSE, body -> {
      String connection = body.getString("connection", "");
      short code = body.getInteger("code").shortValue();
      Held held = byConnection.get(connection);
      if (held != null) {
        held.closeSoon(code, body.getString("reason"));
      } else if (earlyCloses.size() < EARLY_CLOSES) {
        earlyCloses.put(connection, new EarlyClose(code, body.getString("reason"), System.currentTimeMillis()));
        // it may have registered meanwhile
        Held late = byConnection.get(connection);
        if (late != null && earlyCloses.remove(connection) != null) {
          late.closeSoon(code, body.getString("reason"));
        }
      }
      return Future.succeededFuture(new JsonObject());
    });
    inbox.handle(COMMAND, body -> {
      Held held = byConnection.get(body.getString("connection", ""));
      if (held == null) {
        return Future.failedFuture("offline");
      }
      return held.send(body.getString("frame")).map(v -> new JsonObject().put("at", Instant.now().toString()));
    });
    vertx.setPeriodic(flushMillis, id -> flush());
    Bus.consume(vertx, Addresses.MODULE_COMMAND, this::command);
    Bus.consume(vertx, Addresses.MODULE_REMOVE, this::remove);
  }

  /** The row names {@code held} now: registers it and has the socket it replaced closed (4409). */
  public void opened(Held held, ModuleStore.Connected connected) {
    byConnection.put(held.connection(), held);
    // the socket it replaced is closed in every case, even when this one is already replaced itself
    closeReplaced(connected, held.connection());
    EarlyClose early = earlyCloses.remove(held.connection());
    if (early != null) {
      held.closeSoon(early.code(), early.reason());
    }
  }

  private void closeReplaced(ModuleStore.Connected connected, String by) {
    if (connected.previousConnection() != null && !connected.previousConnection().equals(by)) {
      String node = connected.previousNode();
      JsonObject close = new JsonObject().put("connection", connected.previousConnection())
          .put("code", (int) CloseCodes.REPLACED).put("reason", "replaced by another socket of this module");
      home.runOnContext(v -> inbox.tell(node, CLOSE, close));
    }
  }

  /** The socket closed: the module goes offline unless another socket took it over meanwhile. */
  public void closed(Held held) {
    byConnection.remove(held.connection(), held);
    disconnect(held.hash(), held.connection(), held.lastHeartbeat());
  }

  /** Gives back a row taken over by a socket whose upgrade then failed; the socket it replaced is closed all the same. */
  public void abandoned(ModuleStore.Connected connected, String connection) {
    closeReplaced(connected, connection);
    disconnect(connected.hash(), connection, System.currentTimeMillis());
  }

  private void disconnect(String hash, String connection, long lastHeartbeat) {
    Promise<Void> done = Promise.promise();
    pending.add(done);
    Bus.request(vertx, Addresses.MODULE_DISCONNECT, new ModuleStore.Disconnect(hash, connection, Instant.ofEpochMilli(lastHeartbeat)))
        .onFailure(e -> log.atWarn().addKeyValue("module", hash).setCause(e)
            .log("cannot record a closed module socket; modules.expire will set it offline"))
        .onComplete(ar -> {
          pending.remove(done);
          done.complete();
        });
  }

  /**
   * Completes once the offline writes of the sockets closed so far are done (at most
   * {@code timeoutMillis}): a stopping node waits for them before it leaves the cluster, so that
   * their changes are still announced to the other nodes.
   */
  public Future<Void> settle(long timeoutMillis) {
    List<Future<Void>> waiting = pending.stream().map(Promise::future).toList();
    if (waiting.isEmpty()) {
      return Future.succeededFuture();
    }
    return Future.join(waiting).<Void>mapEmpty().timeout(timeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS)
        .recover(e -> Future.succeededFuture());
  }

  /** A new socket's connection id. */
  public static String newConnection() {
    return UUID.randomUUID().toString();
  }

  /** Writes the heartbeats that moved since the last flush, in one statement; closes silent sockets. */
  private void flush() {
    long now = System.currentTimeMillis();
    earlyCloses.values().removeIf(e -> now - e.at() > EARLY_CLOSE_MS);
    List<ModuleStore.Beat> beats = new ArrayList<>();
    written.keySet().retainAll(byConnection.keySet());
    for (Held held : byConnection.values()) {
      long last = held.lastHeartbeat();
      if (now - last > timeoutMillis) {
        held.closeSoon(CloseCodes.HEARTBEAT_TIMEOUT, "no heartbeat for " + timeoutMillis / 1000 + " s");
        continue;
      }
      Long before = written.get(held.connection());
      if (before == null || last > before) {
        written.put(held.connection(), last);
        beats.add(new ModuleStore.Beat(held.hash(), held.connection(), Instant.ofEpochMilli(last)));
      }
    }
    if (!beats.isEmpty()) {
      Bus.request(vertx, Addresses.MODULE_HEARTBEATS, new ModuleStore.Heartbeats(beats)).onSuccess(written -> {
        // A socket whose module row names another connection was replaced (4409, as the replacing node's
        // message would say, whichever comes first); one whose row names none (expired while this node
        // could not write, say) no longer holds it (4408): either is closed, so a live client reconnects.
        for (ModuleStore.Beat b : beats) {
          if (!written.held().contains(b.connection())) {
            Held gone = byConnection.get(b.connection());
            if (gone == null) {
              continue;
            }
            if (written.replaced().contains(b.connection())) {
              gone.closeSoon(CloseCodes.REPLACED, "replaced by another socket of this module");
            } else {
              gone.closeSoon(CloseCodes.HEARTBEAT_TIMEOUT, "this socket no longer holds the module; reconnect");
            }
          }
        }
      }).onFailure(e -> {
        // written again at the next flush
        beats.forEach(b -> written.remove(b.connection()));
        log.atWarn().addKeyValue("modules", beats.size()).setCause(e).log("cannot write module heartbeats");
      });
    }
  }

  private Future<ModuleCommand.Delivered> command(ModuleCommand c) {
    return Bus.request(vertx, Addresses.MODULE_FIND, c.hash()).compose(module -> {
      if (!module.online()) {
        return Future.failedFuture(ApiException.notFound("module " + c.hash() + " is offline"));
      }
      String id = UUID.randomUUID().toString();
      JsonObject body = new JsonObject().put("connection", module.connection()).put("frame", Frames.command(id, c.payload()));
      return inbox.ask(module.node(), COMMAND, body, commandTimeoutMillis).transform(ar -> {
        if (ar.succeeded()) {
          return Future.succeededFuture(new ModuleCommand.Delivered(id, Instant.parse(ar.result().getString("at")), module.node()));
        }
        if (ar.cause() instanceof TimeoutException) {
          return Future.failedFuture(new ApiException(504, "module_timeout",
              "the node holding module " + c.hash() + " did not confirm the command within " + commandTimeoutMillis + " ms"));
        }
        return Future.failedFuture(ApiException.notFound("module " + c.hash() + " is offline"));
      });
    });
  }

  private Future<Void> remove(String hash) {
    return Bus.request(vertx, Addresses.MODULE_DELETE, hash).map(deleted -> {
      if (deleted.connection() != null) {
        inbox.tell(deleted.node(), CLOSE, new JsonObject().put("connection", deleted.connection())
            .put("code", (int) CloseCodes.MODULE_DELETED).put("reason", "module deleted"));
      }
      return null;
    });
  }
}
