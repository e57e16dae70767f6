package io.switchboard.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence across the cluster. Each conversation has a hash {@code <prefix>{presence}:conv:<conversationId>}
 * with a field {@code <nodeId>:<userId>} per node where the user has a socket of it; the value is the
 * node's incarnation (random per start). Each node keeps {@code <prefix>{presence}:node:<nodeId>} = incarnation
 * with a TTL of three heartbeats, refreshed every heartbeat. An entry counts only while its node's key
 * holds the same incarnation, so the entries of a node that died (or restarted under the same id)
 * stop counting within the TTL; whoever reads them next deletes them and announces the users that
 * went offline with them. Edges (a user's first socket cluster-wide opened, last closed) are decided
 * by Lua scripts, so two nodes never both see themselves as first or last.
 */
public final class RedisPresence implements PresenceRegistry {

  private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);

  /** KEYS[1] hash; ARGV field, incarnation, userId, node key prefix. Answers 1 when no other live entry of the user exists. */
  private static final String OPEN = """
      local fields = redis.call('HGETALL', KEYS[1])
      local first = 1
      for i = 1, #fields, 2 do
        local node, user = string.match(fields[i], '^(.*):([^:]*)$')
        if fields[i] ~= ARGV[1] and user == ARGV[3] and redis.call('GET', ARGV[4] .. node) == fields[i + 1] then first = 0 end
      end
      redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
      return first
      """;
  /** KEYS[1] hash; ARGV field, userId, node key prefix. Answers 1 when no other live entry of the user remains. */
  private static final String CLOSE = """
      redis.call('HDEL', KEYS[1], ARGV[1])
      local fields = redis.call('HGETALL', KEYS[1])
      local last = 1
      for i = 1, #fields, 2 do
        local node, user = string.match(fields[i], '^(.*):([^:]*)$')
        if user == ARGV[2] and redis.call('GET', ARGV[3] .. node) == fields[i + 1] then last = 0 end
      end
      return last
      """;
  /** KEYS hashes; ARGV[1] node key prefix. Per hash {live users, users gone offline with entries deleted now}. */
  private static final String LIVE = """
      local out, nodes = {}, {}
      for k = 1, #KEYS do
        local fields = redis.call('HGETALL', KEYS[k])
        local live, seen, dead, gone = {}, {}, {}, {}
        for i = 1, #fields, 2 do
          local node, user = string.match(fields[i], '^(.*):([^:]*)$')
          local alive = false
          if node then
            if nodes[node] == nil then nodes[node] = redis.call('GET', ARGV[1] .. node) or '' end
            alive = nodes[node] == fields[i + 1]
          end
          if alive then
            if not seen[user] then seen[user] = true; live[#live + 1] = user end
          else
            redis.call('HDEL', KEYS[k], fields[i])
            if user then dead[#dead + 1] = user end
          end
        end
        for _, u in ipairs(dead) do
          if not seen[u] then seen[u] = true; gone[#gone + 1] = u end
        end
        out[#out + 1] = {live, gone}
      end
      return out
      """;
  /** KEYS[1] node key; ARGV incarnation, ttl seconds. Answers 1 when the key still held this incarnation. */
  private static final String BEAT = """
      local kept = redis.call('GET', KEYS[1]) == ARGV[1]
      redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
      if kept then return 1 else return 0 end
      """;

  private final RedisCommands link;
  private final String presencePrefix;
  private final String nodeKeyPrefix;
  private final String nodeId;
  private final String incarnation = UUID.randomUUID().toString();
  private final int ttlSeconds;
  private final Presence local = new Presence();
  private final Map<String, Future<?>> chains = new HashMap<>();
  private BiConsumer<String, String> wentOffline = (c, u) -> { };
  private boolean beaten;

  public RedisPresence(RedisCommands link, String prefix, String nodeId, int heartbeatSeconds) {
    this.link = link;
    // one hash tag for every presence key: on a Redis Cluster they share one slot, so that each script
    // (which reads node keys it cannot declare in advance) touches one slot only
    this.presencePrefix = prefix + "{presence}:conv:";
    this.nodeKeyPrefix = prefix + "{presence}:node:";
    this.nodeId = nodeId;
    this.ttlSeconds = heartbeatSeconds * 3;
  }

  /** Who announces users found offline (conversationId, userId) when a dead node's entries are cleaned. */
  public void onWentOffline(BiConsumer<String, String> handler) {
    this.wentOffline = handler;
  }

  private String field(String userId) {
    return nodeId + ":" + userId;
  }

  @Override
  public Future<Boolean> open(String conversationId, String userId) {
    synchronized (chains) {
      if (!local.open(conversationId, userId)) {
        return Future.succeededFuture(false);
      }
      return serial(conversationId + " " + userId, () -> eval(OPEN, List.of(presencePrefix + conversationId),
          List.of(field(userId), incarnation, userId, nodeKeyPrefix)).map(r -> r.toInteger() == 1).otherwise(true));
    }
  }

  @Override
  public Future<Boolean> close(String conversationId, String userId) {
    synchronized (chains) {
      if (!local.close(conversationId, userId)) {
        return Future.succeededFuture(false);
      }
      return serial(conversationId + " " + userId, () -> eval(CLOSE, List.of(presencePrefix + conversationId),
          List.of(field(userId), userId, nodeKeyPrefix)).map(r -> r.toInteger() == 1).otherwise(true));
    }
  }

  @Override
  public Future<List<String>> online(String conversationId) {
    return live(List.of(conversationId)).map(m -> m.get(conversationId));
  }

  @Override
  public Future<Map<String, Integer>> onlineCounts(List<String> conversationIds) {
    return live(conversationIds).map(m -> {
      Map<String, Integer> counts = new HashMap<>();
      m.forEach((c, users) -> counts.put(c, users.size()));
      return counts;
    });
  }

  /** Live users per conversation; this node's own sockets always count, whatever Redis says. */
  private Future<Map<String, List<String>>> live(List<String> conversationIds) {
    if (conversationIds.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    List<String> keys = conversationIds.stream().map(id -> presencePrefix + id).toList();
    return eval(LIVE, keys, List.of(nodeKeyPrefix)).map(r -> {
      Map<String, List<String>> result = new HashMap<>();
      for (int i = 0; i < conversationIds.size(); i++) {
        String id = conversationIds.get(i);
        Set<String> users = new LinkedHashSet<>(local.online(id));
        r.get(i).get(0).forEach(u -> users.add(u.toString()));
        r.get(i).get(1).forEach(u -> {
          if (!users.contains(u.toString())) {
            wentOffline.accept(id, u.toString());
          }
        });
        result.put(id, new ArrayList<>(users));
      }
      return result;
    }).otherwise(e -> {
      Map<String, List<String>> result = new HashMap<>();
      conversationIds.forEach(id -> result.put(id, local.online(id)));
      return result;
    });
  }

  /**
   * Refreshes this node's key; when it had expired or was lost with Redis (other nodes may have
   * deleted this node's entries), writes them again. Then cleans the conversations this node holds.
   */
  public Future<Void> heartbeat(Set<String> held) {
    return eval(BEAT, List.of(nodeKeyPrefix + nodeId), List.of(incarnation, Integer.toString(ttlSeconds)))
        .compose(kept -> {
          boolean lost = beaten && kept.toInteger() == 0;
          beaten = true;
          return lost ? reregister() : Future.<Void>succeededFuture();
        })
        .compose(v -> live(List.copyOf(held)).<Void>mapEmpty())
        .onFailure(e -> log.atDebug().addKeyValue("error", e.getMessage()).log("presence heartbeat failed"));
  }

  /** Writes every entry of this node again (after an outage). */
  public Future<Void> reregister() {
    List<Future<Response>> writes = new ArrayList<>();
    local.snapshot().forEach((conversationId, users) -> users.forEach(u ->
        writes.add(link.send(Request.cmd(Command.HSET).arg(presencePrefix + conversationId).arg(field(u)).arg(incarnation)))));
    return Future.all(writes).mapEmpty();
  }

  /** This node's entries stop counting at once (the others clean them on their next read). */
  public Future<Void> stop() {
    return link.send(Request.cmd(Command.DEL).arg(nodeKeyPrefix + nodeId)).<Void>mapEmpty().otherwiseEmpty();
  }

  private Future<Response> eval(String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(Command.EVAL).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return link.send(request);
  }

  /**
   * Runs one user's open/close steps of one conversation one after another (the pooled client may
   * otherwise reorder them); the answer completes on the caller's event loop. Called under the lock.
   */
  private <T> Future<T> serial(String key, Supplier<Future<T>> step) {
    Context caller = Vertx.currentContext();
    Future<?> previous = chains.getOrDefault(key, Future.succeededFuture());
    Future<T> next = previous.transform(x -> step.get());
    chains.put(key, next);
    Promise<T> answer = Promise.promise();
    next.onComplete(ar -> {
      synchronized (chains) {
        chains.remove(key, next);
      }
      if (caller == null || Vertx.currentContext() == caller) {
        answer.handle(ar);
      } else {
        caller.runOnContext(v -> answer.handle(ar));
      }
    });
    return answer.future();
  }
}
