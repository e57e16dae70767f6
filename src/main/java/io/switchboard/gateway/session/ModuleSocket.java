package io.switchboard.gateway.session;

import io.switchboard.gateway.ModuleSockets;
import io.switchboard.persistence.store.ModuleStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;

/**
 * A module's heartbeat socket (SPEC §7) on the socket core, byte for byte as the old platform's:
 * the text frame {@code heartbeat} is answered with {@code heartbeat confirm}; every other frame is
 * ignored, and nothing the old clients do not know (no error frames) is ever sent, only commands.
 * The socket's module row already names it when it opens ({@link ModuleUpgrade}).
 */
final class ModuleSocket extends Session implements ModuleSockets.Held {

  static final String HEARTBEAT = "heartbeat";
  static final String CONFIRM = "heartbeat confirm";

  private final ModuleSockets modules;
  private final ModuleStore.Connected connected;
  private final String connection;
  private final Context context;
  private volatile long lastHeartbeat = System.currentTimeMillis();

  ModuleSocket(ServerWebSocket ws, Sessions sessions, ModuleSockets modules, ModuleStore.Connected connected, String connection) {
    super(ModuleUpgrade.KIND, ws, sessions, null);
    this.modules = modules;
    this.connected = connected;
    this.connection = connection;
    this.context = Vertx.currentContext();
  }

  @Override
  protected void opened() {
    modules.opened(this, connected);
  }

  @Override
  protected void onTextFrame(String text) {
    if (HEARTBEAT.equals(text)) {
      lastHeartbeat = System.currentTimeMillis();
      write(CONFIRM);
    }
  }

  @Override
  protected void onBinaryFrame() {
    // ignored, as the old server did
  }

  @Override
  protected void answerBadFrame(String errorFrame) {
    // the old clients know no error frames: a frame past the budget is dropped unanswered
  }

  @Override
  protected void onFrame(String type, JsonObject frame, Object ref) {
    // not reached: module frames are not JSON
  }

  @Override
  protected void onClosed() {
    modules.closed(this);
  }

  @Override
  public String hash() {
    return connected.hash();
  }

  @Override
  public String connection() {
    return connection;
  }

  @Override
  public long lastHeartbeat() {
    return lastHeartbeat;
  }

  @Override
  public Future<Void> send(String frame) {
    if (Vertx.currentContext() == context) {
      return writeConfirmed(frame);
    }
    return Future.<Future<Void>>future(p -> context.runOnContext(v -> p.complete(writeConfirmed(frame)))).compose(f -> f);
  }

  @Override
  public void closeSoon(short code, String reason) {
    context.runOnContext(v -> close(code, reason));
  }
}
