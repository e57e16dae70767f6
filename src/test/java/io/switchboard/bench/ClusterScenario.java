package io.switchboard.bench;

import io.switchboard.bench.LoadGenerator.Result;
import io.switchboard.config.Setting;
import io.switchboard.config.Settings;
import io.switchboard.testing.RedisProcess;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Two nodes (only when named): fanout's topology and {@link RoomsScenario#bigroom bigroom}'s, the
 * senders on node A and the readers alternating between A and B, measured in the same seconds; first
 * with a standalone Redis, then with a 3-master Redis Cluster ({@code SWITCHBOARD_REDIS_MODE=cluster},
 * {@code SWITCHBOARD_REDIS_URL} the three seed URLs; skipped with one line where the build has no such
 * setting). Each Redis is a {@link RedisProcess} of this run, so its CPU ({@code /proc}, the pid from
 * {@code INFO server}) is this scenario's alone. Reported per step: readers on A and on B, the
 * cross-node added latency (B − A), CPU per delivery of both server JVMs and of the Postgres backends,
 * Redis CPU per delivery, and the heap and RSS of both nodes.
 */
final class ClusterScenario {

  static final String MODE_ENV = "SWITCHBOARD_REDIS_MODE";

  private final Benchmark bench;

  ClusterScenario(Benchmark bench) {
    this.bench = bench;
  }

  void run() {
    try (RedisProcess redis = RedisProcess.start()) {
      machinePin(List.of(redis));
      twoNodes("standalone", redis.url(), Map.of(), List.of(redis));
    } catch (RuntimeException e) {
      bench.failed("cluster (standalone Redis)", e);
    }
    if (!buildHasRedisMode()) {
      skipped();
      return;
    }
    List<RedisProcess> masters = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        masters.add(RedisProcess.start("cluster-enabled yes", "cluster-config-file nodes.conf", "cluster-node-timeout 2000"));
      }
      formCluster(masters);
      machinePin(masters);
      List<String> urls = masters.stream().map(RedisProcess::url).toList();
      twoNodes("Redis Cluster", String.join(",", urls), Map.of(MODE_ENV, "cluster"), masters);
    } catch (RuntimeException e) {
      bench.failed("cluster (Redis Cluster)", e);
    } finally {
      masters.forEach(RedisProcess::close);
    }
  }

  private void skipped() {
    String line = "cluster, Redis Cluster: skipped: this build has no " + MODE_ENV;
    System.out.println("  " + line);
    bench.table.add(line, "", "", "", "", "", "", "", "", "", "", "");
    bench.targets.add(String.format("%-70s <= 1: NOT MEASURED (skipped: this build has no %s)", "cross-node added p50 ms, Redis Cluster",
        MODE_ENV));
  }

  /** True when {@link Settings} declares the Redis mode setting. */
  static boolean buildHasRedisMode() {
    for (Field f : Settings.class.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers()) && Setting.class.isAssignableFrom(f.getType())) {
        try {
          f.setAccessible(true);
          if (MODE_ENV.equals(((Setting<?>) f.get(null)).env())) {
            return true;
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // not readable: not the one
        }
      }
    }
    return false;
  }

  private void machinePin(List<RedisProcess> servers) {
    if (bench.machine.pin) {
      for (RedisProcess r : servers) {
        Machine.run("taskset", "-a", "-cp", bench.machine.serverCpus, Long.toString(redisPid(r)));
      }
    }
  }

  /** {@code redis-cli --cluster create} over the three servers, then waits for {@code cluster_state:ok}. */
  static void formCluster(List<RedisProcess> masters) {
    List<String> cmd = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
    masters.forEach(m -> cmd.add("127.0.0.1:" + m.port()));
    cmd.add("--cluster-yes");
    if (Machine.run(cmd.toArray(String[]::new)) == null) {
      throw new IllegalStateException("redis-cli --cluster create failed: " + String.join(" ", cmd));
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (System.nanoTime() < deadline) {
      boolean ok = true;
      for (RedisProcess m : masters) {
        String info = Machine.run("redis-cli", "-p", Integer.toString(m.port()), "CLUSTER", "INFO");
        ok &= info != null && info.contains("cluster_state:ok");
      }
      if (ok) {
        return;
      }
      ServerProcess.sleep(200);
    }
    throw new IllegalStateException("the Redis Cluster did not reach cluster_state:ok in 30 s");
  }

  static long redisPid(RedisProcess r) {
    String info = Machine.run("redis-cli", "-p", Integer.toString(r.port()), "INFO", "server");
    if (info != null) {
      for (String line : info.split("\r?\n")) {
        if (line.startsWith("process_id:")) {
          return Long.parseLong(line.substring(11).trim());
        }
      }
    }
    throw new IllegalStateException("no process_id from redis-server on port " + r.port());
  }

  private void twoNodes(String mode, String redisUrl, Map<String, String> extra, List<RedisProcess> redis) {
    String pgUrl = bench.backends.freshDatabase();
    String prefix = Backends.freshPrefix();
    Map<String, String> envA = new HashMap<>(Switchboard.env("bench-cluster-a", pgUrl, redisUrl, prefix, ServerProcess.freePort()));
    Map<String, String> envB = new HashMap<>(Switchboard.env("bench-cluster-b", pgUrl, redisUrl, prefix, ServerProcess.freePort()));
    envA.putAll(extra);
    envB.putAll(extra);
    String tag = mode.equals("standalone") ? "standalone" : "rcluster";
    ServerProcess a;
    try {
      a = bench.switchboard("switchboard-cluster-" + tag + "-a", envA, false);
    } catch (RuntimeException e) {
      if (!extra.isEmpty() && logMentions("switchboard-cluster-" + tag + "-a", "unknown environment variable " + MODE_ENV)) {
        skipped();
        return;
      }
      throw e;
    }
    List<Long> redisPids = redis.stream().map(ClusterScenario::redisPid).toList();
    try (ServerProcess nodeA = a;
        ServerProcess b = bench.switchboard("switchboard-cluster-" + tag + "-b", envB, false);
        LoadGenerator gen = new LoadGenerator(true)) {
      for (RoomsScenario.Shape shape : List.of(RoomsScenario.fanout(), RoomsScenario.bigroom(bench.quick))) {
        RoomsScenario.Seeded seeded = RoomsScenario.seed(pgUrl, new RoomsScenario.Shape("cl-" + tag + "-" + shape.name(), shape.rooms(),
            shape.members(), shape.senders(), shape.rate()));
        Benchmark.requireAll(gen.open(RoomsScenario.members(shape, seeded, nodeA.port, nodeA.port, b.port), 100), mode + " sockets");
        String label = "cluster, " + mode + ", " + shape.name();
        bench.step(gen, label + " warm-up (not reported)", shape.rate(), Math.min(bench.warmupSeconds, 10));
        long b0 = Machine.cpuTicks(b.pid());
        long r0 = Machine.cpuTicks(redisPids);
        CpuWindow window = CpuWindow.start(nodeA.pid(), pgUrl);
        Result r = gen.run(label, shape.rate(), bench.fanoutSeconds, bench.drainSeconds);
        CpuWindow.Cpu cpu = window.stop();
        double bMs = (Machine.cpuTicks(b.pid()) - b0) * Machine.tickMs();
        double redisMs = (Machine.cpuTicks(redisPids) - r0) * Machine.tickMs();
        r = r.withCpu(new CpuWindow.Cpu(cpu.serverMs() + bMs, cpu.pgMs(), cpu.walRecords(), cpu.walBytes()));
        report(label, shape, r, nodeA.port, b.port, redisMs, ServerMemory.of(nodeA, b));
        gen.closeAll();
      }
    }
  }

  private void report(String label, RoomsScenario.Shape shape, Result r, int portA, int portB, double redisMs, ServerMemory.Sample mem) {
    Latencies.Summary local = r.byPort().get(portA);
    Latencies.Summary remote = r.byPort().get(portB);
    double redisUs = r.deliveries() == 0 ? Double.NaN : redisMs * 1000 / r.deliveries();
    System.out.printf("  %-28s delivered %,.0f/s lost %d errors %d; readers on A p50 %.2f p99 %.2f, on B p50 %.2f p99 %.2f ms;"
            + " CPU A+B %.0f ms (%.2f µs/delivery), Postgres %.0f ms, Redis %.0f ms (%.2f µs/delivery); %s%n", label, r.delivered(),
        r.lost(), r.errors(), local == null ? Double.NaN : local.p50(), local == null ? Double.NaN : local.p99(),
        remote == null ? Double.NaN : remote.p50(), remote == null ? Double.NaN : remote.p99(), r.cpu().serverMs(),
        r.serverUsPerDelivery(), r.cpu().pgMs(), redisMs, redisUs, mem);
    if (r.errors() > 0 || r.lost() > 0) {
      System.out.println("    " + r.detail());
      bench.details.add(label + ": " + r.detail());
    }
    bench.table.add(r, label + " (" + RoomsScenario.sizeText(shape) + ", A+B)", "", mem);
    if (local != null && remote != null) {
      bench.table.add(label + ": readers on A", "", "", Table.ms(local.p50()), Table.ms(local.p95()), Table.ms(local.p99()),
          Table.ms(local.max()), "", "", "", "", "");
      bench.table.add(label + ": readers on B", "", "", Table.ms(remote.p50()), Table.ms(remote.p95()), Table.ms(remote.p99()),
          Table.ms(remote.max()), "", "", "", "", "");
      bench.table.add(label + ": added (B - A)", "", "", String.format("%+.2f", remote.p50() - local.p50()), "",
          String.format("%+.2f", remote.p99() - local.p99()), "", "", "", "", "", "");
    }
    bench.table.add(label + ": Redis µs/delivery", "", "", "", "", "", "", "", "", "", "", Table.us(redisUs));
    bench.details.add(String.format("%s: Redis CPU %.0f ms over the step, %s µs per delivery (%,d deliveries), %s µs per message sent",
        label, redisMs, Table.us(redisUs), r.deliveries(), Table.us(r.sent() == 0 ? Double.NaN : redisMs * 1000 / r.sent())));
    double added = local == null || remote == null ? Double.NaN : remote.p50() - local.p50();
    bench.target("cross-node added p50 ms, " + label, "<=", 1, added, "ms", r.lost() == 0);
  }

  private boolean logMentions(String name, String text) {
    try {
      return Files.readString(bench.logDir.resolve(name + ".log")).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
