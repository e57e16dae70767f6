package io.switchboard.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Redis Cluster of three masters on loopback (and optionally one replica each, so that a master's
 * failure is taken over), each a {@link RedisProcess} this test run owns. The cluster is formed with
 * cluster commands from here ({@code CLUSTER SET-CONFIG-EPOCH}, {@code ADDSLOTSRANGE}, {@code MEET},
 * {@code REPLICATE}), so only {@code redis-server} 7+ is needed; {@link RedisClusterTest} classes are
 * skipped without it.
 */
public final class TestRedisCluster implements AutoCloseable {

  private static final int[][] RANGES = {{0, 5460}, {5461, 10922}, {10923, 16383}};
  private static TestRedisCluster shared;

  private final List<RedisProcess> masters;
  private final List<RedisProcess> replicas;
  private final String password;

  private TestRedisCluster(List<RedisProcess> masters, List<RedisProcess> replicas, String password) {
    this.masters = masters;
    this.replicas = replicas;
    this.password = password;
  }

  /** Three masters shared by the classes of one test run (each cluster of nodes has its own prefix). */
  public static synchronized TestRedisCluster shared() {
    if (shared == null) {
      shared = start(false);
      TestRedisCluster cluster = shared;
      Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    }
    return shared;
  }

  /**
   * Three masters, with a replica each when {@code withReplicas}; a node is taken for failed after
   * one second without an answer, so that a replica takes over quickly.
   */
  public static TestRedisCluster start(boolean withReplicas) {
    return start(withReplicas, null);
  }

  /**
   * The same, every node asking for {@code password} once the cluster is formed (replicas authenticate
   * with it too); the seed URLs carry it. A node started again asks for none.
   */
  public static TestRedisCluster start(boolean withReplicas, String password) {
    List<RedisProcess> masters = new ArrayList<>();
    List<RedisProcess> replicas = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        masters.add(node());
        if (withReplicas) {
          replicas.add(node());
        }
      }
      TestRedisCluster cluster = new TestRedisCluster(masters, replicas, null);
      cluster.form();
      if (password == null) {
        return cluster;
      }
      for (RedisProcess p : cluster.all()) {
        command(p.port(), "CONFIG", "SET", "masterauth", password);
        command(p.port(), "CONFIG", "SET", "requirepass", password);
      }
      return new TestRedisCluster(masters, replicas, password);
    } catch (RuntimeException e) {
      masters.forEach(RedisProcess::kill);
      replicas.forEach(RedisProcess::kill);
      throw e;
    }
  }

  private static RedisProcess node() {
    return RedisProcess.start("cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 1000",
        "cluster-replica-validity-factor 0");
  }

  private void form() {
    List<RedisProcess> all = all();
    for (int i = 0; i < all.size(); i++) {
      call(all.get(i).port(), "CLUSTER", "SET-CONFIG-EPOCH", Integer.toString(i + 1));
    }
    for (int i = 0; i < masters.size(); i++) {
      call(masters.get(i).port(), "CLUSTER", "ADDSLOTSRANGE", Integer.toString(RANGES[i][0]), Integer.toString(RANGES[i][1]));
    }
    int first = all.get(0).port();
    for (RedisProcess p : all.subList(1, all.size())) {
      call(first, "CLUSTER", "MEET", "127.0.0.1", Integer.toString(p.port()));
    }
    Wait.until(Duration.ofSeconds(20), "every Redis node knows the others", () -> all.stream()
        .allMatch(p -> call(p.port(), "CLUSTER", "NODES").toString().strip().lines().count() == all.size()));
    for (int i = 0; i < replicas.size(); i++) {
      String masterId = call(masters.get(i).port(), "CLUSTER", "MYID").toString();
      call(replicas.get(i).port(), "CLUSTER", "REPLICATE", masterId);
    }
    awaitOk(all);
    for (RedisProcess replica : replicas) {
      Wait.until(Duration.ofSeconds(20), "replica on port " + replica.port() + " in sync",
          () -> call(replica.port(), "INFO", "replication").toString().contains("master_link_status:up"));
    }
  }

  /** Waits until every running node says {@code cluster_state:ok} and agrees on three masters. */
  public void awaitOk() {
    awaitOk(all().stream().filter(RedisProcess::running).toList());
  }

  private void awaitOk(List<RedisProcess> nodes) {
    Wait.until(Duration.ofSeconds(30), "cluster_state:ok on every Redis node", () -> nodes.stream().allMatch(p -> {
      try {
        return call(p.port(), "CLUSTER", "INFO").toString().contains("cluster_state:ok")
            && call(p.port(), "CLUSTER", "NODES").toString().lines()
                .filter(l -> l.contains("master") && !l.contains("fail") && l.contains("-")).count() >= 3;
      } catch (IllegalStateException e) {
        return false;
      }
    }));
  }

  private List<RedisProcess> all() {
    List<RedisProcess> all = new ArrayList<>(masters);
    all.addAll(replicas);
    return all;
  }

  /** The seed nodes, as {@code SWITCHBOARD_REDIS_URL} takes them in cluster mode. */
  public String seeds() {
    String auth = password == null ? "" : ":" + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20") + "@";
    return masters.stream().map(p -> "redis://" + auth + "127.0.0.1:" + p.port()).collect(Collectors.joining(","));
  }

  /** A command to the node on {@code port}, with this cluster's password. */
  public Object call(int port, String... args) {
    return authed(port, password, args);
  }

  /** The Redis settings of a cluster of test nodes on this Redis Cluster, with a channel prefix of their own. */
  public Map<String, String> settings() {
    return Map.of("SWITCHBOARD_REDIS_MODE", "cluster", "SWITCHBOARD_REDIS_URL", seeds(),
        "SWITCHBOARD_REDIS_PREFIX", TestRedis.freshPrefix());
  }

  /** The running node that is the master of {@code channelOrKey}'s slot now. */
  public RedisProcess masterOf(String channelOrKey) {
    long slot = (Long) call(running().port(), "CLUSTER", "KEYSLOT", channelOrKey);
    for (Object range : (List<?>) call(running().port(), "CLUSTER", "SLOTS")) {
      List<?> r = (List<?>) range;
      if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) {
        long port = (Long) ((List<?>) r.get(2)).get(1);
        return all().stream().filter(p -> p.port() == port).findFirst().orElseThrow();
      }
    }
    throw new IllegalStateException("slot " + slot + " has no master");
  }

  /** The running replicas of {@code master}. */
  public List<RedisProcess> replicasOf(RedisProcess master) {
    String id = call(master.port(), "CLUSTER", "MYID").toString();
    List<RedisProcess> out = new ArrayList<>();
    for (RedisProcess p : replicas) {
      if (p.running() && call(p.port(), "CLUSTER", "NODES").toString().lines()
          .anyMatch(l -> l.contains("myself") && l.contains("slave " + id))) {
        out.add(p);
      }
    }
    return out;
  }

  /** A master other than {@code master}. */
  public RedisProcess otherMaster(RedisProcess master) {
    for (Object range : (List<?>) call(running().port(), "CLUSTER", "SLOTS")) {
      long port = (Long) ((List<?>) ((List<?>) range).get(2)).get(1);
      if (port != master.port()) {
        return all().stream().filter(p -> p.port() == port).findFirst().orElseThrow();
      }
    }
    throw new IllegalStateException("no other master");
  }

  /**
   * Moves the slot of {@code channelOrKey} to the master {@code target}, as a resharding does
   * ({@code SETSLOT IMPORTING/MIGRATING}, {@code MIGRATE} of its keys, {@code SETSLOT NODE} on every master).
   */
  public void moveSlot(String channelOrKey, RedisProcess target) {
    RedisProcess source = masterOf(channelOrKey);
    String slot = call(source.port(), "CLUSTER", "KEYSLOT", channelOrKey).toString();
    String sourceId = call(source.port(), "CLUSTER", "MYID").toString();
    String targetId = call(target.port(), "CLUSTER", "MYID").toString();
    call(target.port(), "CLUSTER", "SETSLOT", slot, "IMPORTING", sourceId);
    call(source.port(), "CLUSTER", "SETSLOT", slot, "MIGRATING", targetId);
    for (Object key : (List<?>) call(source.port(), "CLUSTER", "GETKEYSINSLOT", slot, "1000")) {
      List<String> migrate = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(target.port()), key.toString(), "0", "5000"));
      if (password != null) {
        migrate.addAll(List.of("AUTH", password));
      }
      call(source.port(), migrate.toArray(String[]::new));
    }
    call(target.port(), "CLUSTER", "SETSLOT", slot, "NODE", targetId);
    call(source.port(), "CLUSTER", "SETSLOT", slot, "NODE", targetId);
    for (RedisProcess p : masters()) {
      if (p != source && p != target) {
        call(p.port(), "CLUSTER", "SETSLOT", slot, "NODE", targetId);
      }
    }
    awaitOk();
  }

  private List<RedisProcess> masters() {
    List<RedisProcess> out = new ArrayList<>();
    for (Object range : (List<?>) call(running().port(), "CLUSTER", "SLOTS")) {
      long port = (Long) ((List<?>) ((List<?>) range).get(2)).get(1);
      all().stream().filter(p -> p.port() == port && !out.contains(p)).findFirst().ifPresent(out::add);
    }
    return out;
  }

  private RedisProcess running() {
    return all().stream().filter(RedisProcess::running).findFirst().orElseThrow();
  }

  @Override
  public void close() {
    all().forEach(RedisProcess::kill);
  }

  /**
   * One command to the node on {@code port}, answered as a String (simple or bulk), a Long, or a List;
   * an error answer is thrown as an IllegalStateException.
   */
  public static Object command(int port, String... args) {
    return authed(port, null, args);
  }

  private static Object authed(int port, String password, String... args) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      InputStream in = new BufferedInputStream(s.getInputStream());
      if (password != null) {
        write(out, "AUTH", password);
        try {
          read(in);
        } catch (IllegalStateException e) {
          // a node started again asks for no password
        }
      }
      write(out, args);
      return read(in);
    } catch (IOException e) {
      throw new IllegalStateException("Redis on port " + port + ": " + e, e);
    }
  }

  private static void write(OutputStream out, String... args) throws IOException {
    StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
    for (String a : args) {
      b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
    }
    out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new IllegalStateException(line);
      case ':':
        return Long.parseLong(line);
      case '$': {
        int n = Integer.parseInt(line);
        if (n < 0) {
          return null;
        }
        byte[] bytes = in.readNBytes(n + 2);
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
      }
      case '*': {
        int n = Integer.parseInt(line);
        List<Object> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          items.add(read(in));
        }
        return items;
      }
      default:
        throw new IOException("unexpected Redis answer type " + type);
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed");
      }
      b.append((char) c);
    }
    in.read(); // \n
    return b.toString();
  }
}
