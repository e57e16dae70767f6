package io.switchboard.bench;

import io.switchboard.testing.RedisProcess;
import io.switchboard.testing.TcpProxy;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The soak's two nodes and the faults injected into them on a timer, one after the other, in turn:
 * Postgres cut for {@link #PG_CUT_SECONDS} s (the proxy drops every connection and refuses new ones),
 * Redis killed and started again empty, one node killed with SIGKILL and started again (node A, then
 * B the next time), and a rolling graceful restart (B, then A).
 */
final class SoakFaults implements AutoCloseable {

  static final int PG_CUT_SECONDS = 10;
  /** A 503 this long after a fault ended still counts as the fault's. */
  static final int GRACE_SECONDS = 15;
  static final List<String> KINDS = List.of("postgres cut 10 s", "redis killed and restarted", "node SIGKILL and restart",
      "rolling restart");

  private final Machine machine;
  private final List<String> jvm;
  private final Path logDir;
  private final List<Map<String, String>> envs;
  private final TcpProxy pgProxy;
  private final RedisProcess redis;
  private final ServerProcess[] nodes;
  private final int[] starts;
  private final Map<String, Integer> injected = new LinkedHashMap<>();
  private volatile boolean faultOn;
  private volatile long faultEnded;
  private volatile boolean stopping;
  private Thread thread;
  private String failure;

  SoakFaults(Machine machine, List<String> jvm, Path logDir, List<Map<String, String>> envs, TcpProxy pgProxy, RedisProcess redis) {
    this.machine = machine;
    this.jvm = jvm;
    this.logDir = logDir;
    this.envs = envs;
    this.pgProxy = pgProxy;
    this.redis = redis;
    this.nodes = new ServerProcess[envs.size()];
    this.starts = new int[envs.size()];
    KINDS.forEach(k -> injected.put(k, 0));
  }

  void startNodes() {
    for (int n = 0; n < nodes.length; n++) {
      startNode(n);
    }
  }

  private void startNode(int n) {
    String name = "soak-node-" + (char) ('a' + n) + (starts[n] == 0 ? "" : "-" + (starts[n] + 1));
    starts[n]++;
    ServerProcess p = Switchboard.start(name, machine, jvm, envs.get(n), logDir);
    synchronized (this) {
      nodes[n] = p;
    }
  }

  synchronized ServerMemory.Sample[] memory() {
    ServerMemory.Sample[] out = new ServerMemory.Sample[nodes.length];
    for (int n = 0; n < nodes.length; n++) {
      out[n] = nodes[n] == null || !nodes[n].process.isAlive() ? ServerMemory.Sample.NONE : ServerMemory.of(nodes[n]);
    }
    return out;
  }

  /** Injects the next fault every {@code everySeconds} (counted from the end of the previous one) until {@link #stop}. */
  void start(double everySeconds) {
    thread = new Thread(() -> {
      int k = 0;
      int kills = 0;
      while (!stopping) {
        if (!pause((long) (everySeconds * 1000))) {
          return;
        }
        String kind = KINDS.get(k++ % KINDS.size());
        long t0 = System.nanoTime();
        faultOn = true;
        try {
          switch (kind) {
            case "postgres cut 10 s" -> {
              pgProxy.cut();
              pause(PG_CUT_SECONDS * 1000L);
              pgProxy.restore();
            }
            case "redis killed and restarted" -> {
              redis.kill();
              pause(3000);
              redis.restart();
            }
            case "node SIGKILL and restart" -> {
              int n = kills++ % nodes.length;
              ServerProcess victim = node(n);
              victim.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
              pause(2000);
              startNode(n);
            }
            default -> {
              for (int n = nodes.length - 1; n >= 0; n--) {
                node(n).close();
                startNode(n);
              }
            }
          }
          synchronized (this) {
            injected.merge(kind, 1, Integer::sum);
          }
          System.out.printf("  fault: %s, done in %.1f s%n", kind, (System.nanoTime() - t0) / 1e9);
        } catch (Exception e) {
          synchronized (this) {
            failure = kind + ": " + e;
          }
          System.out.println("  fault FAILED: " + kind + ": " + e);
        } finally {
          faultOn = false;
          faultEnded = System.nanoTime();
        }
      }
    }, "soak-faults");
    thread.setDaemon(true);
    thread.start();
  }

  /** Sleeps; false when stopping. */
  private boolean pause(long millis) {
    long until = System.currentTimeMillis() + millis;
    while (System.currentTimeMillis() < until) {
      if (stopping && !faultOn) {
        return false;
      }
      ServerProcess.sleep(Math.min(200, Math.max(1, until - System.currentTimeMillis())));
    }
    return true;
  }

  private synchronized ServerProcess node(int n) {
    return nodes[n];
  }

  boolean faultOnOrRecent() {
    return faultOn || System.nanoTime() - faultEnded < TimeUnit.SECONDS.toNanos(GRACE_SECONDS);
  }

  synchronized String summary() {
    int total = injected.values().stream().mapToInt(Integer::intValue).sum();
    StringBuilder b = new StringBuilder().append(total);
    injected.forEach((k, v) -> b.append(k.equals(KINDS.get(0)) ? " (" : ", ").append(k).append(" x").append(v));
    b.append(')');
    if (failure != null) {
      b.append("; a fault FAILED: ").append(failure);
    }
    return b.toString();
  }

  synchronized boolean failed() {
    return failure != null;
  }

  /** Lets a fault under way finish (the link restored, the node started again), then stops. */
  void stop() {
    stopping = true;
    if (thread != null) {
      try {
        thread.join(TimeUnit.MINUTES.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void close() {
    stop();
    for (int n = 0; n < nodes.length; n++) {
      ServerProcess p = node(n);
      if (p != null) {
        p.close();
      }
    }
  }
}
