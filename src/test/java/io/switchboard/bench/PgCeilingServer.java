package io.switchboard.bench;

import io.switchboard.persistence.DatabaseUrl;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The persistence ceiling: the naive design of a persisted broadcast in bare Vert.x and vertx-pg-client.
 * {@code /ws/chat/<room>} joins a room (as in {@link CeilingServer}); every text frame received is stored
 * by one autocommitted {@code INSERT ... RETURNING id} and, only once that completed, written as it is
 * to every socket of the room, the sender's included (a failed insert answers the sender an error frame).
 * One pool of {@link #POOL_SIZE} connections (Switchboard's default pool size) shared by one HTTP server
 * instance per event loop. Any other request answers 200 (readiness, once the table exists).
 *
 * <p>Arguments: {@code <port> <postgres url> plain|realistic}. {@code realistic} also stores the frame's
 * {@code clientMsgId} (taken with a string search, no JSON parsing) in a column with a unique index on
 * {@code (room, client_msg_id)}, as an idempotent send needs.
 */
public final class PgCeilingServer extends VerticleBase {

  static final int POOL_SIZE = 8;
  private static final Map<String, List<ServerWebSocket>> ROOMS = new ConcurrentHashMap<>();
  private static final String CLIENT_MSG_ID = "\"clientMsgId\":\"";

  private final int port;
  private final Pool pool;
  private final boolean realistic;

  PgCeilingServer(int port, Pool pool, boolean realistic) {
    this.port = port;
    this.pool = pool;
    this.realistic = realistic;
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    String url = args[1];
    boolean realistic = args.length > 2 && args[2].equals("realistic");
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(POOL_SIZE).setName("pgceiling"))
        .connectingTo(DatabaseUrl.parse(url).options().setCachePreparedStatements(true))
        .using(vertx)
        .build();
    int instances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
    String table = "CREATE TABLE ceiling_messages (id bigserial primary key, room text not null, body text not null, "
        + (realistic ? "client_msg_id text, " : "") + "created_at timestamptz not null default now())";
    Future<?> schema = pool.query(table).execute();
    if (realistic) {
      schema = schema.compose(x -> pool.query("CREATE UNIQUE INDEX ceiling_messages_client_msg_id ON ceiling_messages (room, client_msg_id)")
          .execute());
    }
    schema.compose(x -> vertx.deployVerticle(() -> new PgCeilingServer(port, pool, realistic), new DeploymentOptions().setInstances(instances)))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        })
        .onSuccess(id -> System.out.println("pg ceiling server (" + (realistic ? "realistic" : "plain") + ") on port " + port + " with "
            + instances + " instances and a pool of " + POOL_SIZE));
  }

  @Override
  public Future<?> start() {
    return CeilingServer.listen(vertx, port, this::socket);
  }

  private void socket(ServerWebSocket ws) {
    String path = ws.path();
    if (!path.startsWith("/ws/chat/")) {
      ws.close((short) 1008, "unknown path");
      return;
    }
    String roomName = path.substring("/ws/chat/".length());
    List<ServerWebSocket> room = ROOMS.computeIfAbsent(roomName, k -> new CopyOnWriteArrayList<>());
    room.add(ws);
    ws.closeHandler(v -> room.remove(ws));
    ws.textMessageHandler(text -> store(roomName, text).onComplete(ar -> {
      if (ar.failed()) {
        ws.writeTextMessage("{\"type\":\"error\",\"code\":\"store_failed\",\"message\":\"" + String.valueOf(ar.cause().getMessage())
            .replace('"', '\'') + "\"}");
        return;
      }
      for (ServerWebSocket peer : room) {
        peer.writeTextMessage(text);
      }
    }));
  }

  private Future<?> store(String room, String text) {
    if (!realistic) {
      return pool.preparedQuery("INSERT INTO ceiling_messages (room, body) VALUES ($1, $2) RETURNING id").execute(Tuple.of(room, text));
    }
    return pool.preparedQuery("INSERT INTO ceiling_messages (room, body, client_msg_id) VALUES ($1, $2, $3) RETURNING id")
        .execute(Tuple.of(room, text, clientMsgId(text)));
  }

  /** The frame's {@code clientMsgId} string (no escapes in it), or null. */
  static String clientMsgId(String frame) {
    int i = frame.indexOf(CLIENT_MSG_ID);
    if (i < 0) {
      return null;
    }
    int from = i + CLIENT_MSG_ID.length();
    int to = frame.indexOf('"', from);
    return to < 0 ? null : frame.substring(from, to);
  }
}
