package io.switchboard.bench;

import io.switchboard.bench.LoadGenerator.Member;
import io.switchboard.bench.LoadGenerator.Opened;
import io.switchboard.bench.LoadGenerator.Result;
import io.switchboard.testing.Http;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The benchmark of docs/performance.md: {@code mvn -B -q -Pbench verify -DskipTests}.
 * Starts Switchboard (and a bare Vert.x broadcast server for reference) as separate JVM processes on
 * the server cores, drives them from this JVM on the other cores, and prints a table.
 *
 * <p>System properties: {@code bench.quick=true} shrinks every duration and step (a smoke run, not a
 * measurement); {@code bench.scenarios=fanout,saturate,realistic,conns,cross,ceiling,pgceiling,notify,modules} picks scenarios
 * (the default is all but notify, modules, bigroom, manyrooms, history, storm and cluster, which run only when named);
 * {@code bench.repeats=<n>} (default 3, 1 with bench.quick) runs every saturate ramp n times on the same warm server;
 * {@code bench.jfr=<file>} records a JFR profile of the single Switchboard node;
 * {@code bench.serverJvmArgs} replaces the server JVM options; {@code bench.pin=false} disables taskset.
 *
 * <p>Scenarios: {@code fanout} and {@code saturate} drive one Switchboard node (fixed load, then the rate raised by
 * {@link #STEP_FACTOR} per step until a step misses the SLO); {@code realistic} does the same against a node with the
 * default bcrypt cost (users signing up and in over HTTP), every send carrying a unique {@code clientMsgId}, and each
 * user a member of {@link #IDLE_ROOMS} idle rooms besides the measured ones; {@code ceiling} is {@link CeilingServer}
 * (bare Vert.x broadcast, no persistence); {@code pgceiling} is {@link PgCeilingServer} (bare Vert.x and the pg client,
 * one autocommitted INSERT per frame before its broadcast); {@code pgceiling-realistic} (run whenever {@code realistic}
 * is) is PgCeilingServer storing the clientMsgId too, under a unique index. Every one of these servers gets one
 * warm-up, one fixed-load step and {@code bench.repeats} saturate ramps; the capacity at SLO is the median ramp's (the
 * ramp whose capacity is the median; the lower one of the two middle ramps when there is an even number), and the
 * ratios and targets printed at the end compare the median ramps. A ramp after the first starts
 * {@link #RESTART_BELOW} steps below the previous ramp's best step (never below the first ramp's first step) to save
 * time; every ramp ends at the same step cap. Every measured step against a server with Postgres also reads the
 * cluster's WAL counters ({@code pg_stat_wal}) in the CPU's window ({@link CpuWindow}).
 *
 * <p>Scenarios that run only when named, each with CPU per delivery (server JVM and Postgres apart) and the server's heap
 * and RSS ({@link ServerMemory}) in its rows, and their sizes (blank = the default given):
 * {@code bigroom} ({@link RoomsScenario}): {@code bench.bigroom.members} (2000) sockets in one room,
 * {@code bench.bigroom.rate} (10) msg/s from one sender, then the SLO ramp; {@code manyrooms}:
 * {@code bench.manyrooms.rooms} (2000) rooms of {@code bench.manyrooms.members} (5), a sender in each at
 * {@code bench.manyrooms.rate} (as many deliveries offered as fanout's fixed load), then the ramp; both compared with
 * {@code fanout} of the same run (name it too); {@code history} ({@link HistoryScenario}): {@code bench.history.messages}
 * (10,000,000) in {@code bench.history.conversations} (1000), {@code bench.history.pages} (300) pages of each kind,
 * {@code bench.history.replays} (10) replays of {@code bench.history.replay} (1000) messages, during
 * {@code bench.history.seconds} (60) of chat; {@code storm} ({@link StormScenario}): {@code bench.storm.sockets}
 * (10,000) sockets, {@code bench.storm.members} (5) per room, {@code bench.storm.rate} (200) msg/s in all for
 * {@code bench.storm.seconds} (60), {@code bench.storm.timeout} (180) s to catch up; {@code cluster}
 * ({@link ClusterScenario}): fanout and bigroom on two nodes, with a standalone Redis and with a 3-master Redis Cluster.
 * With bench.quick the defaults shrink (bigroom 300 members, manyrooms 200 rooms, history 200,000 messages in 100
 * rooms, storm 1,000 sockets).
 */
public final class Benchmark {

  static final int ROOMS = 20;
  static final int MEMBERS = 10;
  static final int SENDERS = 2;
  static final double BASE_RATE = 5;
  static final double STEP_FACTOR = 1.5;
  static final double SLO_P99_MS = 100;
  static final double SLO_DELIVERED = 0.999;
  /** The idle rooms every user of the realistic scenario is a member of, besides the measured ones. */
  static final int IDLE_ROOMS = 100;
  /** A saturate ramp after the first starts this many steps below the previous ramp's best step. */
  static final int RESTART_BELOW = 2;

  final boolean quick = Boolean.getBoolean("bench.quick");
  private final List<String> scenarios = Arrays.asList(System.getProperty("bench.scenarios",
      "fanout,saturate,realistic,conns,cross,ceiling,pgceiling").split(","));
  private final String jfr = System.getProperty("bench.jfr", "");
  final List<String> serverJvm = Arrays.asList(System.getProperty("bench.serverJvmArgs", "-Xms256m -Xmx1g").trim().split("\\s+"));
  final Machine machine = new Machine(!"false".equals(System.getProperty("bench.pin")));
  final Table table = new Table();
  final List<String> details = new ArrayList<>();
  /** bench.repeats; blank (as a build passes an unset property) is the default. */
  private final int repeats = System.getProperty("bench.repeats", "").isBlank() ? (quick ? 1 : 3)
      : Math.max(1, Integer.parseInt(System.getProperty("bench.repeats").trim()));
  final List<String> targets = new ArrayList<>();
  Backends backends;
  Path logDir;

  final double fanoutSeconds = quick ? 4 : 20;
  /** The warm-up of fanout/saturate and of the ceiling, at the base rate, before anything is measured (JIT, pools, caches). */
  final double warmupSeconds = quick ? 3 : 30;
  private final double crossWarmupSeconds = quick ? 3 : 10;
  final double stepSeconds = quick ? 3 : 10;
  final int firstStep = quick ? 2 : 0;
  private final int maxSteps = quick ? 4 : 14;
  final double drainSeconds = quick ? 3 : 5;
  private final int[] connSteps = quick ? new int[] {500, 1000} : new int[] {1000, 5000, 10000, 19000};

  public static void main(String[] args) throws Exception {
    new Benchmark().run();
    System.exit(0);
  }

  private void run() throws Exception {
    long started = System.nanoTime();
    logDir = Files.createDirectories(Path.of("target", "bench"));
    System.out.println("Switchboard benchmark" + (quick ? " (QUICK smoke run: durations and steps shrunk, not a measurement)" : ""));
    String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
    machine.pinSelf();
    backends = new Backends();
    machine.pinServerSide("Postgres", "^postgres$");
    machine.pinServerSide("Redis", "^redis-server");
    Runtime.getRuntime().addShutdownHook(new Thread(machine::restore));
    System.out.println(backends.describe());
    machine.notes.forEach(n -> System.out.println("pinning: " + n));
    System.out.println("server logs: " + logDir.toAbsolutePath());

    details.add("CPU columns: user+system CPU from /proc/<pid>/stat over each measured step (first send to the end of its drain),"
        + " of the server JVM and of the Postgres backends connected to its database (those at the step's start and those opened"
        + " during it); server µs/msg and pg µs/msg per message sent (a message is stored once), server µs/delivery per message"
        + " received by a socket; WAL rec/msg and WAL B/msg: pg_stat_wal's wal_records and wal_bytes (cluster-wide) over the same"
        + " window per message sent; deliveries/core-s: deliveries over the step / (server JVM + Postgres backend CPU seconds);"
        + " the ceiling has no Postgres");
    ServerRun sb = null;
    ServerRun realistic = null;
    ServerRun ceiling = null;
    ServerRun pgCeiling = null;
    ServerRun pgCeilingRealistic = null;
    try {
      if (scenarios.contains("fanout") || scenarios.contains("saturate")) {
        sb = switchboardNode("", false, scenarios.contains("fanout"), scenarios.contains("saturate"));
      }
      if (scenarios.contains("realistic")) {
        realistic = switchboardNode("realistic", true, true, true);
      }
      if (scenarios.contains("conns")) {
        conns();
      }
      if (scenarios.contains("cross")) {
        crossNode(sb == null ? null : sb.fixed());
      }
      if (scenarios.contains("ceiling")) {
        ceiling = ceilingNode("ceiling", CeilingServer.class, null, false);
      }
      if (scenarios.contains("pgceiling")) {
        pgCeiling = ceilingNode("pgceiling", PgCeilingServer.class, backends.freshDatabase(), false);
      }
      if (scenarios.contains("realistic") || scenarios.contains("pgceiling-realistic")) {
        pgCeilingRealistic = ceilingNode("pgceiling-realistic", PgCeilingServer.class, backends.freshDatabase(), true);
      }
      ratios("Switchboard", sb, ceiling, pgCeiling);
      ratios("Switchboard realistic", realistic, ceiling, pgCeilingRealistic);
      if (scenarios.contains("notify")) {
        notifyScenario(NotifyScenario.USERS, NotifyScenario.CONNECTED);
      }
      if (scenarios.contains("modules")) {
        new ModulesScenario(machine, serverJvm, logDir, table, details).run(backends, env -> switchboard("switchboard-modules", env, true));
      }
      Result fanoutFixed = sb == null ? null : sb.fixed();
      if (scenarios.contains("bigroom")) {
        costTarget("bigroom", new RoomsScenario(this).run(RoomsScenario.bigroom(quick)), fanoutFixed);
      }
      if (scenarios.contains("manyrooms")) {
        costTarget("manyrooms", new RoomsScenario(this).run(RoomsScenario.manyrooms(quick)), fanoutFixed);
      }
      if (scenarios.contains("history")) {
        new HistoryScenario(this).run();
      }
      if (scenarios.contains("storm")) {
        new StormScenario(this).run();
      }
      if (scenarios.contains("cluster")) {
        new ClusterScenario(this).run();
      }
    } finally {
      machine.restore();
      backends.dropDatabases();
    }
    String loadAfter = Files.readString(Path.of("/proc/loadavg")).trim();

    System.out.println();
    System.out.println("Machine: " + machine.cores + " CPU(s) (nproc), " + Machine.javaVersion() + ", open-file limit "
        + Machine.openFileLimit());
    machine.notes.forEach(n -> System.out.println("  " + n));
    System.out.println("  " + backends.describe());
    System.out.println("  load average before " + loadBefore + ", after " + loadAfter + " (other work on the machine shows here)");
    System.out.printf("  %d rooms x %d members (every member a socket, senders included), %d senders per room; SLO p99 <= %.0f ms, >= %.1f %% delivered, no errors%n",
        ROOMS, MEMBERS, SENDERS, SLO_P99_MS, SLO_DELIVERED * 100);
    System.out.printf("  total time %.0f s%s%n", (System.nanoTime() - started) / 1e9, quick ? " (quick smoke run)" : "");
    System.out.println();
    System.out.print(table.render());
    if (!details.isEmpty()) {
      System.out.println();
      details.forEach(System.out::println);
    }
    if (!targets.isEmpty()) {
      System.out.println();
      System.out.println("targets (median ramps; fixed load at the base rate):");
      targets.forEach(t -> System.out.println("  " + t));
    }
  }

  // ---------------------------------------------------------------- topology

  /** Every room's members: {@code MEMBERS} sockets, the first {@code SENDERS} of them sending. */
  private static List<Member> fanoutMembers(List<String> roomRefs, List<String> tokens, int senderPort, int readerPort,
      boolean measureSenders) {
    List<Member> members = new ArrayList<>();
    for (int r = 0; r < roomRefs.size(); r++) {
      for (int m = 0; m < MEMBERS; m++) {
        boolean sender = m < SENDERS;
        String uri = "/ws/chat/" + roomRefs.get(r) + (tokens == null ? "" : "?token=" + tokens.get(m));
        members.add(new Member(sender ? senderPort : readerPort, r, uri, sender, !sender || measureSenders));
      }
    }
    return members;
  }

  /** Senders on node A; of every room's readers, half on A and half on B (measured alike). */
  private static List<Member> pairedMembers(List<String> roomRefs, List<String> tokens, int portA, int portB) {
    List<Member> members = new ArrayList<>();
    for (int r = 0; r < roomRefs.size(); r++) {
      for (int m = 0; m < MEMBERS; m++) {
        boolean sender = m < SENDERS;
        String uri = "/ws/chat/" + roomRefs.get(r) + "?token=" + tokens.get(m);
        members.add(new Member(sender || m % 2 == 0 ? portA : portB, r, uri, sender, !sender));
      }
    }
    return members;
  }

  private static List<String> ceilingRooms() {
    List<String> rooms = new ArrayList<>();
    for (int r = 0; r < ROOMS; r++) {
      rooms.add("room-" + r);
    }
    return rooms;
  }

  // ---------------------------------------------------------------- scenarios

  ServerProcess switchboard(String name, Map<String, String> env, boolean profile) {
    List<String> jvm = new ArrayList<>(serverJvm);
    if (profile && !jfr.isBlank()) {
      jvm.add("-XX:+FlightRecorder");
      jvm.add("-XX:StartFlightRecording=settings=profile,jdk.ExecutionSample#period=1ms,filename=" + Path.of(jfr).toAbsolutePath());
    }
    System.out.println("starting " + name + " ...");
    return Switchboard.start(name, machine, jvm, env, logDir);
  }

  /**
   * One Switchboard node measured by {@link #measure}: {@code name} "" is the single node of fanout and saturate (profiled
   * with bench.jfr); {@code realistic} keeps the default bcrypt cost, sends a clientMsgId with every message and makes every
   * user a member of {@link #IDLE_ROOMS} more rooms. Answers null when it failed.
   */
  private ServerRun switchboardNode(String name, boolean realistic, boolean fixed, boolean ramp) {
    String what = name.isEmpty() ? "single" : name;
    String pgUrl = backends.freshDatabase();
    Map<String, String> env = Switchboard.env("bench-" + what, pgUrl, backends.redisUrl, Backends.freshPrefix(), ServerProcess.freePort());
    if (realistic) {
      env.remove("SWITCHBOARD_BCRYPT_COST");
    }
    try (ServerProcess server = switchboard("switchboard-" + what, env, !realistic);
        LoadGenerator gen = new LoadGenerator(true, realistic)) {
      Http http = new Http(server.port);
      long t0 = System.nanoTime();
      // signUp registers and then signs in over HTTP: one bcrypt hash and one bcrypt verify per user
      List<String> tokens = Switchboard.users(http, "bench-" + what + "-user-", MEMBERS);
      List<String> rooms = Switchboard.rooms(http, "bench-" + what + "-room-", ROOMS, tokens);
      if (realistic) {
        Switchboard.rooms(http, "bench-" + what + "-idle-room-", IDLE_ROOMS, tokens);
        String line = String.format("%s: %d users signed up and in (default bcrypt cost), %d measured and %d idle rooms, every user a"
            + " member of all, every send with a unique clientMsgId; set up over HTTP in %.1f s", name, MEMBERS, ROOMS, IDLE_ROOMS,
            (System.nanoTime() - t0) / 1e9);
        System.out.println("  " + line);
        details.add(line);
      }
      requireAll(gen.open(fanoutMembers(rooms, tokens, server.port, server.port, true), 50), "switchboard " + what + " sockets");
      ServerRun run = measure(gen, name, new Measured(server.pid(), pgUrl), fixed, ramp);
      gen.closeAll();
      return run;
    } catch (RuntimeException e) {
      failed(name.isEmpty() ? "fanout/saturate" : name, e);
      return null;
    }
  }

  /**
   * A reference server ({@code mainClass} with the arguments {@code <port>} and, with {@code pgUrl}, {@code <pgUrl>
   * plain|realistic}) measured by {@link #measure} like Switchboard; answers null when it failed.
   */
  private ServerRun ceilingNode(String name, Class<?> mainClass, String pgUrl, boolean realistic) {
    int port = ServerProcess.freePort();
    List<String> args = new ArrayList<>(List.of(Integer.toString(port)));
    if (pgUrl != null) {
      args.add(pgUrl);
      args.add(realistic ? "realistic" : "plain");
    }
    System.out.println("starting " + name + " server ...");
    try (ServerProcess server = ServerProcess.start(name, machine, serverJvm, mainClass.getName(), args, Map.of(), port, "/ready", logDir);
        LoadGenerator gen = new LoadGenerator(false, realistic)) {
      requireAll(gen.open(fanoutMembers(ceilingRooms(), null, port, port, true), 50), name + " sockets");
      ServerRun run = measure(gen, name, new Measured(server.pid(), pgUrl), true, true);
      gen.closeAll();
      return run;
    } catch (RuntimeException e) {
      failed(name, e);
      return null;
    }
  }

  /** A server's fixed-load step (null when not run) and its saturate ramps (none when not run). */
  record ServerRun(String name, Result fixed, List<Ramp> ramps) {
    /** The ramp whose capacity is the median (the lower middle one of an even number); null without ramps. */
    Ramp median() {
      if (ramps.isEmpty()) {
        return null;
      }
      List<Ramp> sorted = new ArrayList<>(ramps);
      sorted.sort(java.util.Comparator.comparingDouble(Ramp::capacity));
      return sorted.get((sorted.size() - 1) / 2);
    }
  }

  /** One saturate ramp: its best passing step (null if none), that step's index, and its first step over the SLO (null: cap hit). */
  record Ramp(Result best, int bestStep, Result failing) {
    double capacity() {
      return best == null ? 0 : best.delivered();
    }
  }

  /**
   * The measurement every server gets: one warm-up, then (when {@code fixed}) the fixed-load fanout step and (when
   * {@code ramp}) {@link #repeats} saturate ramps, with table rows; {@code name} prefixes the labels ("" for the single
   * Switchboard node).
   */
  private ServerRun measure(LoadGenerator gen, String name, Measured cpu, boolean fixed, boolean ramp) {
    warmUp(gen, named(name, "warm-up (not reported)"), name.isEmpty() ? "fanout/saturate" : name);
    Result fixedStep = null;
    if (fixed) {
      fixedStep = step(gen, named(name, "fanout"), BASE_RATE, fanoutSeconds, cpu);
      table.add(fixedStep, name.isEmpty() ? "fanout (fixed load)" : name + ": fanout (fixed load)", "");
    }
    List<Ramp> ramps = new ArrayList<>();
    if (ramp) {
      String rampName = named(name, "saturate");
      int start = firstStep;
      for (int i = 1; i <= repeats; i++) {
        Ramp r = saturate(gen, repeats == 1 ? rampName : rampName + " #" + i, cpu, start);
        ramps.add(r);
        start = r.best() == null ? firstStep : Math.max(firstStep, r.bestStep() - RESTART_BELOW);
      }
      if (repeats > 1) {
        medianRow(rampName, ramps);
      }
    }
    return new ServerRun(name, fixedStep, ramps);
  }

  private static String named(String name, String what) {
    return name.isEmpty() ? what : name + " " + what;
  }

  /** The median ramp's capacity step as a row, with the spread of the ramps' capacities. */
  private void medianRow(String rampName, List<Ramp> ramps) {
    Ramp median = new ServerRun(rampName, null, ramps).median();
    double min = ramps.stream().mapToDouble(Ramp::capacity).min().orElse(0);
    double max = ramps.stream().mapToDouble(Ramp::capacity).max().orElse(0);
    String spread = String.format("%s-%s", Table.rate(min), Table.rate(max))
        + (median.capacity() > 0 ? String.format(" (%.1f %%)", 100 * (max - min) / median.capacity()) : " (median: no step met the SLO)");
    StringBuilder each = new StringBuilder();
    for (int i = 0; i < ramps.size(); i++) {
      each.append(i == 0 ? "" : ", ").append('#').append(i + 1).append(' ').append(Table.rate(ramps.get(i).capacity()));
    }
    String label = rampName + ": median capacity of " + ramps.size();
    if (median.best() != null) {
      table.add(median.best(), label, spread);
    } else {
      table.add(label, "no step met the SLO", "", "", "", "", "", "", "", "", "", spread);
    }
    String line = String.format("%s: capacity at SLO per ramp %s deliveries/s; median %s (ramp #%d), spread min-max %s", rampName, each,
        Table.rate(median.capacity()), ramps.indexOf(median) + 1, spread);
    System.out.println("  " + line);
    details.add(line);
  }

  /** Whose CPU a step measures: a server JVM and, when {@code pgUrl} is not null, the Postgres backends of that database. */
  record Measured(long serverPid, String pgUrl) {
  }

  Result step(LoadGenerator gen, String label, double ratePerSender, double seconds) {
    return step(gen, label, ratePerSender, seconds, null);
  }

  /** One step; with {@code measured}, the CPU from its first send until its drain ended (backends listed at the start). */
  Result step(LoadGenerator gen, String label, double ratePerSender, double seconds, Measured measured) {
    CpuWindow window = measured == null ? null : CpuWindow.start(measured.serverPid(), measured.pgUrl());
    Result r = gen.run(label, ratePerSender, seconds, drainSeconds);
    if (window != null) {
      r = r.withCpu(window.stop());
    }
    System.out.printf("  %-28s offered %,9.0f/s delivered %,9.0f/s p50 %7.2f p95 %7.2f p99 %7.2f max %8.1f ms lost %d errors %d%n",
        label, r.offered(), r.delivered(), r.latency().p50(), r.latency().p95(), r.latency().p99(), r.latency().max(), r.lost(),
        r.errors());
    if (window != null) {
      System.out.printf("  %-28s CPU server %.0f ms: %.1f µs/msg sent, %.2f µs/delivery (%,d sent, %,d delivered)%s%n", "",
          r.cpu().serverMs(), r.serverUsPerMessage(), r.serverUsPerDelivery(), r.sent(), r.deliveries(),
          Double.isNaN(r.cpu().pgMs()) ? "; no Postgres"
              : String.format("; Postgres backends %.0f ms: %.1f µs/msg sent, %.2f µs/delivery", r.cpu().pgMs(), r.pgUsPerMessage(),
                  r.pgUsPerDelivery()));
    }
    if (window != null && !Double.isNaN(r.cpu().walRecords())) {
      System.out.printf("  %-28s WAL %.1f records, %,.0f bytes per msg sent (%,.0f records, %,.0f bytes, cluster-wide); %,.0f deliveries"
          + " per core-second (server + Postgres)%n", "", r.walRecordsPerMessage(), r.walBytesPerMessage(), r.cpu().walRecords(),
          r.cpu().walBytes(), r.deliveriesPerCoreSecond());
    }
    if (r.ack().count() > 0) {
      System.out.printf("  %-28s acks p50 %7.2f p95 %7.2f p99 %7.2f max %8.1f ms%n", "", r.ack().p50(), r.ack().p95(), r.ack().p99(),
          r.ack().max());
    }
    if (r.errors() > 0 || r.lost() > 0) {
      System.out.println("    " + r.detail());
      details.add(label + ": " + r.detail());
    }
    return r;
  }

  /** {@link #warmupSeconds} at the base rate, not reported; prints (and notes under the table) how long it ran. */
  void warmUp(LoadGenerator gen, String label, String what) {
    warmUp(gen, label, what, BASE_RATE);
  }

  /** The warm-up at {@code ratePerSender}. */
  void warmUp(LoadGenerator gen, String label, String what, double ratePerSender) {
    long t0 = System.nanoTime();
    step(gen, label, ratePerSender, warmupSeconds);
    String line = String.format("%s: warm-up of %.0f s sending at %.0f msg/s per sender (%.1f s with the drain) before anything was measured",
        what, warmupSeconds, ratePerSender, (System.nanoTime() - t0) / 1e9);
    System.out.println("  " + line);
    details.add(line);
  }

  static boolean meetsSlo(Result r) {
    return r.latency().count() > 0 && r.latency().p99() <= SLO_P99_MS && r.deliveredFraction() >= SLO_DELIVERED && r.errors() == 0;
  }

  /**
   * Raises the rate by {@link #STEP_FACTOR} per step, from step {@code start} up to the step cap, until a step misses the
   * SLO; adds its rows to the table and answers the ramp.
   */
  private Ramp saturate(LoadGenerator gen, String name, Measured cpu, int start) {
    return saturate(gen, name, cpu, start, BASE_RATE);
  }

  /** {@link #saturate(LoadGenerator, String, Measured, int)} from {@code baseRate} per sender. */
  Ramp saturate(LoadGenerator gen, String name, Measured cpu, int start, double baseRate) {
    Result best = null;
    int bestStep = -1;
    Result failing = null;
    for (int k = start; k < firstStep + maxSteps; k++) {
      double rate = baseRate * Math.pow(STEP_FACTOR, k);
      Result r = step(gen, name + " step " + (k + 1), rate, stepSeconds, cpu);
      if (!meetsSlo(r)) {
        failing = r;
        break;
      }
      if (best == null || r.delivered() > best.delivered()) {
        best = r;
        bestStep = k;
      }
    }
    if (best != null) {
      table.add(best, name + ": capacity at SLO", "");
    } else {
      table.add(name + ": capacity at SLO", "no step met the SLO");
    }
    if (failing != null) {
      table.add(failing, name + ": first step over SLO", "");
    } else {
      table.add(name + ": no step over SLO", "-", "", "", "", "", "", "", "", "", "", "step cap hit");
      details.add(name + ": every step up to the cap (step " + (firstStep + maxSteps) + ") met the SLO; the capacity at SLO is at least"
          + " the best step's");
    }
    return new Ramp(best, bestStep, failing);
  }

  /** Idle authenticated sockets in steps; server RSS per socket and connect rate. */
  private void conns() {
    Map<String, String> env = Switchboard.env("bench-conns", backends.freshDatabase(), backends.redisUrl, Backends.freshPrefix(),
        ServerProcess.freePort());
    int users = 5;
    try (ServerProcess server = switchboard("switchboard-conns", env, false);
        LoadGenerator gen = new LoadGenerator(true)) {
      Http http = new Http(server.port);
      List<String> tokens = Switchboard.users(http, "idle-user-", users);
      List<String> rooms = Switchboard.rooms(http, "idle-room-", ROOMS, tokens);
      ServerProcess.sleep(2000);
      long baseRss = server.rssKb();
      System.out.printf("  conns: server RSS with no socket %,d KB%n", baseRss);
      int open = 0;
      for (int target : connSteps) {
        List<Member> more = new ArrayList<>();
        for (int k = open; k < target; k++) {
          more.add(new Member(server.port, k % ROOMS, "/ws/chat/" + rooms.get(k % ROOMS) + "?token=" + tokens.get((k / ROOMS) % users),
              false, false));
        }
        Opened opened = gen.open(more, 100);
        open = gen.openSockets();
        ServerProcess.sleep(2000);
        long rss = server.rssKb();
        double perSocket = open == 0 ? 0 : (rss - baseRss) * 1024.0 / open;
        String label = "conns " + target + (open < target ? " (reached " + open + ")" : "");
        System.out.printf("  %-28s open %,d, +%,d in %.1f s (%,.0f/s), RSS %,d KB, %.1f KB per socket%s%n", label, open, opened.opened(),
            opened.seconds(), opened.perSecond(), rss, perSocket / 1024, opened.firstFailure() == null ? "" : "; first failure: " + opened.firstFailure());
        table.add(label, "", "", "", "", "", "", "", Integer.toString(opened.failed()), String.format("%.1f KB", perSocket / 1024),
            Table.rate(opened.perSecond()), "");
        if (opened.failed() > 0) {
          details.add(label + ": " + opened.failed() + " sockets failed to open; first failure: " + opened.firstFailure());
          break;
        }
      }
      gen.closeAll();
    } catch (RuntimeException e) {
      failed("conns", e);
    }
  }

  /** Two nodes on one database and Redis: senders on node A, readers on node B. */
  private void crossNode(Result oneNode) {
    String db = backends.freshDatabase();
    String prefix = Backends.freshPrefix();
    Map<String, String> envA = Switchboard.env("bench-a", db, backends.redisUrl, prefix, ServerProcess.freePort());
    Map<String, String> envB = Switchboard.env("bench-b", db, backends.redisUrl, prefix, ServerProcess.freePort());
    try (ServerProcess a = switchboard("switchboard-node-a", envA, false);
        ServerProcess b = switchboard("switchboard-node-b", envB, false);
        LoadGenerator gen = new LoadGenerator(true)) {
      Http http = new Http(a.port);
      List<String> tokens = Switchboard.users(http, "cross-user-", MEMBERS);
      List<String> rooms = Switchboard.rooms(http, "cross-room-", ROOMS, tokens);
      requireAll(gen.open(fanoutMembers(rooms, tokens, a.port, b.port, false), 50), "cross-node sockets");
      step(gen, "cross-node warm-up (not reported)", BASE_RATE, crossWarmupSeconds);
      Result r = step(gen, "cross-node (readers on B)", BASE_RATE, fanoutSeconds);
      table.add(r, "cross-node: senders A, readers B", "");
      if (oneNode != null && r.latency().count() > 0) {
        table.add("cross-node: added vs one node", "", "", String.format("%+.2f", r.latency().p50() - oneNode.latency().p50()), "",
            String.format("%+.2f", r.latency().p99() - oneNode.latency().p99()), "", "", "", "", "", "");
      } else {
        table.add("cross-node: added vs one node", "", "", "-", "", "-", "", "", "", "", "",
            r.latency().count() == 0 ? "(no delivery crossed nodes)" : "");
      }
      gen.closeAll();
      // Phases of a run drift on a noisy machine; the paired step compares both paths in the same seconds.
      requireAll(gen.open(pairedMembers(rooms, tokens, a.port, b.port), 50), "paired cross-node sockets");
      step(gen, "paired warm-up (not reported)", BASE_RATE, crossWarmupSeconds);
      Result paired = step(gen, "paired (readers on A and B)", BASE_RATE, fanoutSeconds);
      Latencies.Summary local = paired.byPort().get(a.port);
      Latencies.Summary remote = paired.byPort().get(b.port);
      if (local != null && remote != null) {
        table.add("cross-node, same run: readers on A", "", "", Table.ms(local.p50()), Table.ms(local.p95()), Table.ms(local.p99()),
            Table.ms(local.max()), "", "", "", "", "");
        table.add("cross-node, same run: readers on B", "", "", Table.ms(remote.p50()), Table.ms(remote.p95()), Table.ms(remote.p99()),
            Table.ms(remote.max()), "", "", "", "", "");
        table.add("cross-node: added, same run (B - A)", "", "", String.format("%+.2f", remote.p50() - local.p50()), "",
            String.format("%+.2f", remote.p99() - local.p99()), "", "", "", "", "", "");
        System.out.printf("  paired: readers on A p50 %.2f p99 %.2f ms; readers on B p50 %.2f p99 %.2f ms%n", local.p50(), local.p99(),
            remote.p50(), remote.p99());
      }
      gen.closeAll();
    } catch (RuntimeException e) {
      failed("cross-node", e);
    }
  }

  /**
   * The rows and target lines comparing a Switchboard run with the ceilings' ({@code ceiling} and {@code pg} may be null:
   * their rows are left out), from the median ramps and the fixed-load steps.
   */
  private void ratios(String title, ServerRun sb, ServerRun ceiling, ServerRun pg) {
    if (sb == null || ceiling == null && pg == null) {
      return;
    }
    Ramp sbRamp = sb.median();
    for (ServerRun ref : java.util.Arrays.asList(ceiling, pg)) {
      Ramp refRamp = ref == null ? null : ref.median();
      if (sbRamp == null || refRamp == null) {
        continue;
      }
      String value = refRamp.best() == null ? "-"
          : sbRamp.best() != null ? String.format("%.1f %%", 100 * sbRamp.capacity() / refRamp.capacity())
          : sbRamp.failing() != null ? String.format("< %.1f %%", 100 * sbRamp.failing().offered() / refRamp.capacity()) : "-";
      ratioRow(title + " capacity / " + ref.name() + " capacity", value, String.format("%s / %s deliveries/s at SLO, median ramps",
          capacityText(sbRamp), capacityText(refRamp)));
    }
    Ramp pgRamp = pg == null ? null : pg.median();
    if (sbRamp != null && pgRamp != null) {
      compare(title, pg.name(), "deliveries per busy core-second at capacity", perCoreSecond(sbRamp), perCoreSecond(pgRamp), ">=", 2);
    }
    Result fixed = sb.fixed();
    Result pgFixed = pg == null ? null : pg.fixed();
    Result ceilingFixed = ceiling == null ? null : ceiling.fixed();
    if (fixed != null && pgFixed != null) {
      compare(title, pg.name(), "Postgres CPU µs/msg at fixed load", fixed.pgUsPerMessage(), pgFixed.pgUsPerMessage(), "<=", 1.5);
      compare(title, pg.name(), "fixed-load p99 ms", fixed.latency().p99(), pgFixed.latency().p99(), "<=", 1.5);
    }
    if (fixed != null && ceilingFixed != null) {
      compare(title, ceiling.name(), "fixed-load p99 ms", fixed.latency().p99(), ceilingFixed.latency().p99(), null, 0);
    }
    if (fixed != null && pgFixed != null) {
      compare(title, pg.name(), "WAL records/msg at fixed load", fixed.walRecordsPerMessage(), pgFixed.walRecordsPerMessage(), null, 0);
      compare(title, pg.name(), "WAL bytes/msg at fixed load", fixed.walBytesPerMessage(), pgFixed.walBytesPerMessage(), null, 0);
    }
  }

  /** The target line: {@code name}'s server + Postgres CPU per delivery at fixed load ≤ 1.5 × fanout's of this run. */
  private void costTarget(String name, Result r, Result fanout) {
    String quantity = "CPU µs/delivery (server + Postgres) at fixed load, " + name + " / fanout";
    if (r == null || fanout == null) {
      targets.add(String.format("%-70s <= 1.5: NOT MEASURED (%s)", quantity, r == null ? name + " failed" : "fanout not in bench.scenarios"));
      return;
    }
    double a = RoomsScenario.costPerDelivery(r);
    double b = RoomsScenario.costPerDelivery(fanout);
    ratioRow(quantity, Double.isNaN(a / b) ? "-" : String.format("x%.2f", a / b), String.format("%s / %s µs; server %s / %s, Postgres"
        + " per delivery %s / %s", number(a), number(b), number(r.serverUsPerDelivery()), number(fanout.serverUsPerDelivery()),
        number(r.pgUsPerDelivery()), number(fanout.pgUsPerDelivery())));
    target(quantity, "<=", 1.5, a / b, String.format("(%s / %s µs)", number(a), number(b)));
  }

  /** A target line {@code quantity op target: value met|MISSED}; NaN is NOT MEASURED. */
  void target(String quantity, String op, double target, double value, String detail) {
    target(quantity, op, target, value, detail, true);
  }

  /** {@link #target(String, String, double, double, String)}, met only when {@code alsoNeeded} holds too. */
  void target(String quantity, String op, double target, double value, String detail, boolean alsoNeeded) {
    boolean measured = !Double.isNaN(value);
    boolean met = measured && alsoNeeded && (op.equals(">=") ? value >= target : value <= target);
    targets.add(String.format("%-70s %s %s: %s %s %s", quantity, op, number(target), measured ? number(value) : "-", detail,
        !measured ? "NOT MEASURED" : met ? "met" : "MISSED"));
  }

  private static String capacityText(Ramp ramp) {
    return ramp.best() != null ? Table.rate(ramp.capacity())
        : ramp.failing() != null ? "none (first step " + Table.rate(ramp.failing().offered()) + " offered missed)" : "none";
  }

  /** Deliveries per busy core-second of the ramp's capacity step; NaN when no step met the SLO. */
  private static double perCoreSecond(Ramp ramp) {
    return ramp.best() == null ? Double.NaN : ramp.best().deliveriesPerCoreSecond();
  }

  /** A ratio row {@code title / ref} of one quantity; with {@code op} (">=" or "<="), a target line too. */
  private void compare(String title, String ref, String quantity, double value, double refValue, String op, double target) {
    double ratio = value / refValue;
    String text = Double.isNaN(ratio) || Double.isInfinite(ratio) ? "-" : String.format("x%.2f", ratio);
    ratioRow(quantity + ": " + title + " / " + ref, text, String.format("%s / %s", number(value), number(refValue)));
    if (op != null) {
      boolean met = !text.equals("-") && (op.equals(">=") ? ratio >= target : ratio <= target);
      targets.add(String.format("%-70s %s %.1f: %s (%s / %s) %s", quantity + ", " + title + " / " + ref, op, target, text, number(value),
          number(refValue), text.equals("-") ? "NOT MEASURED" : met ? "met" : "MISSED"));
    }
  }

  static String number(double v) {
    return Double.isNaN(v) ? "-" : v < 100 ? String.format("%.2f", v) : String.format("%,.0f", v);
  }

  private void ratioRow(String label, String value, String detail) {
    table.add(label, "", "", "", "", "", "", "", "", "", "", value);
    details.add(label + ": " + value + " (" + detail + ")");
  }

  /**
   * SPEC §6 at scale: {@code users} users (SQL-inserted), {@code connected} of them on notification
   * sockets, a warm-up send, then {@link #NOTIFY_RUNS} sends to {@code all}; then the ceiling server
   * broadcasting one frame to as many sockets, for the delivery time's ratio.
   */
  private void notifyScenario(int users, int connected) {
    String pgUrl = backends.freshDatabase();
    Map<String, String> env = Switchboard.env("bench-notify", pgUrl, backends.redisUrl, Backends.freshPrefix(), ServerProcess.freePort());
    String rows = String.format("%,d rows, %,d sockets", users + 1, connected);
    List<NotifyScenario.Run> runs = new ArrayList<>();
    try (ServerProcess server = switchboard("switchboard-notify", env, true);
        NotifyScenario scenario = new NotifyScenario(pgUrl)) {
      Http http = new Http(server.port);
      long t0 = System.nanoTime();
      List<String> tokens = scenario.seed(Switchboard.JWT_SECRET, Integer.parseInt(env.get("SWITCHBOARD_ACCESS_TOKEN_TTL_SECONDS")));
      System.out.printf("  notify: %,d users inserted, %,d sessions and tokens in %.1f s%n", users, tokens.size(), (System.nanoTime() - t0) / 1e9);
      String admin = io.switchboard.testing.Accounts.adminToken(http);
      // an event-loop meter would be read from /metrics; the probes stand in when the server has none
      System.out.println("  notify: GET /metrics answers " + http.get("/metrics").status() + "; event-loop delay from probe sockets");
      long rssBefore = server.rssKb();
      Opened opened = scenario.open(server.port, tokens, 100);
      requireAll(opened, "notification sockets");
      ServerProcess.sleep(2000);
      double perSocket = (server.rssKb() - rssBefore) / (double) opened.opened();
      System.out.printf("  notify: %,d sockets open in %.1f s (%,.0f/s), %.1f KB RSS per socket%n", opened.opened(), opened.seconds(),
          opened.perSecond(), perSocket);
      table.add("notify: " + String.format("%,d", connected) + " notification sockets", "", "", "", "", "", "", "",
          Integer.toString(opened.failed()), String.format("%.1f KB", perSocket), Table.rate(opened.perSecond()), "");
      scenario.openProbes(server.port, admin);
      for (int k = 0; k <= NOTIFY_RUNS; k++) {
        String label = k == 0 ? "notify warm-up (not reported)" : "notify run " + k;
        NotifyScenario.Run r = scenario.send(label, http, admin, server.pid(), 120);
        System.out.printf("  %-28s POST %d after %8.1f ms; frames p50 %7.1f p99 %7.1f max %7.1f ms; got %,d lost %d dup %d bad ids %d closes %d;"
                + " loop max %.1f ms (ping sent at %.0f ms; probe's own lateness %.1f, idle before %.1f); CPU server %.0f ms, Postgres %.0f ms;"
                + " busiest server threads: %s%n",
            label, r.status(), r.commitMs(), r.delivery().p50(), r.delivery().p99(), r.delivery().max(), r.got(), r.lost(), r.duplicates(),
            r.badIds(), r.closes(), r.loopMaxMs(), r.loopMaxAtMs(), r.probeLateMs(), r.loopIdleMaxMs(), r.serverCpuMs(), r.pgCpuMs(), r.busiestThreads());
        if (r.firstError() != null) {
          System.out.println("    first error: " + r.firstError());
          details.add(label + ": " + r.firstError());
        }
        if (k > 0) {
          runs.add(r);
        }
      }
    } catch (RuntimeException e) {
      failed("notify", e);
      return;
    }
    Result ceiling = notifyCeiling(connected);
    double ceilingMax = ceiling == null || ceiling.latency().count() == 0 ? Double.NaN : ceiling.latency().max();
    for (NotifyScenario.Run r : runs) {
      table.add(notifyRow(r.label() + " (" + rows + ")", r.delivery().p50(), r.delivery().p95(), r.delivery().p99(), r.delivery().max(),
          r.lost(), r.errors(), r.commitMs(), r.loopMaxMs(), r.serverCpuMs(), r.pgCpuMs(), ceilingMax));
    }
    table.add(notifyRow("notify: median of " + runs.size(), median(runs, r -> r.delivery().p50()), median(runs, r -> r.delivery().p95()),
        median(runs, r -> r.delivery().p99()), median(runs, r -> r.delivery().max()), (long) median(runs, r -> r.lost()),
        (long) median(runs, r -> r.errors()), median(runs, NotifyScenario.Run::commitMs), median(runs, NotifyScenario.Run::loopMaxMs),
        median(runs, NotifyScenario.Run::serverCpuMs), median(runs, NotifyScenario.Run::pgCpuMs), ceilingMax));
    details.add("notify: one POST /api/admin/notifications {all: true} per run to " + rows + " (" + users
        + " SQL-inserted members and the admin) after a warm-up send; latencies are from sending the POST to each socket's notification frame (max: the"
        + " last socket), delivered/s = sockets / max; lost = sockets without the frame, errors = repeated frames, ids not above the"
        + " socket's previous one, server closes, a POST other than 201; commit ms = the POST's 201 (sent after the commit of every row);"
        + " loop max = largest round trip of ping frames sent every " + NotifyScenario.PROBE_INTERVAL_MS + " ms on "
        + NotifyScenario.PROBES + " probe sockets, from the POST until 1 s after the last frame (an upper bound of the server's"
        + " event-loop delay, OS scheduling on the shared server core included; target <= 100 ms); CPU = user+system from /proc"
        + " from the POST until the last frame, of the server JVM and of the Postgres backends"
        + " connected to its database; vs ceiling = the bare Vert.x server's time to broadcast one frame to " + connected
        + " sockets / Switchboard's max (no rows stored there: a ratio of the fan-out only; commit, loop and CPU have no ceiling)");
    if (ceiling != null) {
      table.add(ceiling, "ceiling: 1 frame to " + String.format("%,d", connected) + " sockets, x3", "");
    }
  }

  private static final int NOTIFY_RUNS = 3;

  private static double median(List<NotifyScenario.Run> runs, java.util.function.ToDoubleFunction<NotifyScenario.Run> f) {
    double[] v = runs.stream().mapToDouble(f).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private String[] notifyRow(String label, double p50, double p95, double p99, double max, long lost, long errors, double commit,
      double loop, double serverCpu, double pgCpu, double ceilingMax) {
    return new String[] {label, "", Double.isNaN(max) || max <= 0 ? "-" : Table.rate(NotifyScenario.CONNECTED / (max / 1000)),
        Table.ms(p50), Table.ms(p95), Table.ms(p99), Table.ms(max), Long.toString(lost), Long.toString(errors), "", "",
        Double.isNaN(ceilingMax) || Double.isNaN(max) ? "-" : String.format("%.1f %%", 100 * ceilingMax / max),
        Table.ms(commit), Table.ms(loop), String.format("%.0f", serverCpu), String.format("%.0f", pgCpu)};
  }

  /** The ceiling server broadcasting three frames, a second apart, to {@code sockets} sockets (max: the worst socket of the three). */
  private Result notifyCeiling(int sockets) {
    int port = ServerProcess.freePort();
    System.out.println("starting ceiling server for notify ...");
    try (ServerProcess server = ServerProcess.start("ceiling-notify", machine, serverJvm, CeilingServer.class.getName(),
        List.of(Integer.toString(port)), Map.of(), port, "/ready", logDir);
        LoadGenerator gen = new LoadGenerator(false)) {
      List<Member> members = new ArrayList<>();
      members.add(new Member(port, 0, "/ws/chat/notify", true, false));
      for (int i = 0; i < sockets; i++) {
        members.add(new Member(port, 0, "/ws/chat/notify", false, true));
      }
      requireAll(gen.open(members, 100), "ceiling notify sockets");
      // one sender at 1/s for 3.5 s: three frames, at 1, 2 and 3 s
      Result r = step(gen, "ceiling notify broadcast", 1, 3.5);
      gen.closeAll();
      return r;
    } catch (RuntimeException e) {
      failed("ceiling notify", e);
      return null;
    }
  }

  static void requireAll(Opened opened, String what) {
    if (opened.failed() > 0) {
      throw new IllegalStateException(what + ": " + opened.failed() + " of " + opened.requested() + " failed; first: " + opened.firstFailure());
    }
  }

  void failed(String scenario, RuntimeException e) {
    System.out.println(scenario + " FAILED: " + e);
    e.printStackTrace(System.out);
    table.add(scenario, "FAILED: " + e.getMessage());
  }
}
