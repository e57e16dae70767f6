package io.switchboard.bench;

import io.switchboard.persistence.DatabaseUrl;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The modules scenario (docs/modules.md, only when named): {@link #MODULES} machine clients register
 * over HTTP ({@code GET /module/register}), open {@code /websocket?hash=…} and send the text frame
 * {@code heartbeat} once a second each, spread evenly over the second (socket k at k/N of it), open
 * loop; every {@code heartbeat confirm} is timed against its heartbeat (per socket, in order). After
 * a warm-up, {@link #WINDOWS} back-to-back windows are measured: heartbeats sent and confirmed, the
 * latency, lost confirmations (none within {@link #DRAIN_S} s after the last window), the server
 * JVM's CPU and that of the Postgres backends connected to its database (/proc), and what Postgres
 * wrote: exactly, from the WAL of the windows ({@code pg_walinspect}, kept by a temporary physical
 * replication slot: writing transactions and heap rows updated in the server's database), and from
 * the statistics views ({@code pg_stat_database}, {@code pg_stat_user_tables}, which lag up to
 * 10 s; {@code pg_stat_statements} when the server preloads it). Then the bare {@link CeilingServer}
 * answers the same heartbeats from as many sockets, for Switchboard's server CPU per heartbeat over
 * the ceiling's.
 */
final class ModulesScenario {

  static final int MODULES = 10_000;
  static final int REGISTER_IN_FLIGHT = 32;
  static final int OPEN_IN_FLIGHT = 100;
  static final double IDLE_S = 5;
  static final double WARMUP_S = 10;
  static final double WINDOW_S = 30;
  static final int WINDOWS = 3;
  static final double CEILING_WARMUP_S = 10;
  static final double CEILING_WINDOW_S = 20;
  static final int ONLINE_SAMPLES = 20;
  static final double DRAIN_S = 5;
  static final String CONFIRM = "heartbeat confirm";
  static final int HEARTBEAT_TIMEOUT_S = 180;

  private final Machine machine;
  private final List<String> serverJvm;
  private final Path logDir;
  private final Table table;
  private final List<String> details;

  ModulesScenario(Machine machine, List<String> serverJvm, Path logDir, Table table, List<String> details) {
    this.machine = machine;
    this.serverJvm = serverJvm;
    this.logDir = logDir;
    this.table = table;
    this.details = details;
  }

  // ---------------------------------------------------------------- figures

  /** One measured stretch's heartbeats; touched on the fleet's event loop only. */
  static final class Tally {
    final String label;
    long sent;
    long confirmed;
    long closes;
    long stray;
    long unmatched;
    long writeFailures;
    long stallNanos;
    final Latencies latencies = new Latencies();

    Tally(String label) {
      this.label = label;
    }

    long errors() {
      return closes + stray + unmatched + writeFailures;
    }
  }

  /** Counters read at a boundary; pg figures are -1 when not read. */
  record Sample(long nanos, long serverTicks, long pgBackendTicks, long pgAllTicks, long commits, long tupUpdated, long tupInserted,
      long modulesUpd, long modulesHotUpd, long pgssWrites, long pgssRows, String lsn) {
  }

  /** What the WAL between two samples holds for the server's database. */
  record Wal(long writingXacts, long modulesXacts, long heapUpdates, long hotUpdates, long inserts, long deletes, long records,
      double kb, String byRelation) {
  }

  /** One row: a stretch between two samples, with its heartbeats (null for a stretch without). */
  record Span(String label, Sample a, Sample b, Tally t, Latencies.Summary lat, Wal wal) {
    double seconds() {
      return (b.nanos - a.nanos) / 1e9;
    }

    double serverMsPerS() {
      return (b.serverTicks - a.serverTicks) * tickMs() / seconds();
    }

    double serverMsPer1k() {
      return t == null || t.sent == 0 ? Double.NaN : (b.serverTicks - a.serverTicks) * tickMs() / (t.sent / 1000.0);
    }

    double perS(long x0, long x1) {
      return x0 < 0 || x1 < 0 ? Double.NaN : (x1 - x0) / seconds();
    }
  }

  static double tickMs() {
    return Machine.tickMs();
  }

  // ---------------------------------------------------------------- the scenario

  /** Runs the scenario; {@code startSwitchboard} starts the node with the given settings. */
  void run(Backends backends, Function<Map<String, String>, ServerProcess> startSwitchboard) {
    String pgUrl = backends.freshDatabase();
    Map<String, String> env = Switchboard.env("bench-modules", pgUrl, backends.redisUrl, Backends.freshPrefix(), ServerProcess.freePort());
    // opening 10,000 sockets can outlast the default 30 s, and the sockets beat only once all are open
    env.putIfAbsent("SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS", Integer.toString(HEARTBEAT_TIMEOUT_S));
    List<Span> spans = new ArrayList<>();
    List<Span> windows = new ArrayList<>();
    String opened = null;
    try (ServerProcess server = startSwitchboard.apply(env);
        Pg pg = new Pg(pgUrl);
        Fleet fleet = new Fleet()) {
      System.out.println("  modules: " + pg.describe());
      long t0 = System.nanoTime();
      Fleet.Registered reg = fleet.register(server.port, MODULES, REGISTER_IN_FLIGHT);
      double regS = (System.nanoTime() - t0) / 1e9;
      System.out.printf("  modules: %,d registered over HTTP in %.1f s (%,.0f/s, %d in flight), %d failed%s%n", reg.hashes().size(), regS,
          reg.hashes().size() / regS, REGISTER_IN_FLIGHT, reg.failed(), reg.firstFailure() == null ? "" : "; first: " + reg.firstFailure());
      table.add(String.format("modules: register %,d (HTTP)", MODULES), "", "", "", "", "", "", "", Integer.toString(reg.failed()), "",
          Table.rate(reg.hashes().size() / regS), "");
      if (reg.hashes().isEmpty()) {
        throw new IllegalStateException("no module registered; first failure: " + reg.firstFailure());
      }
      ServerProcess.sleep(1000);
      List<Long> pgPids = pg.backends();
      Sample idle0 = sample(server.pid(), pgPids, pg);
      ServerProcess.sleep((long) (IDLE_S * 1000));
      Sample idle1 = sample(server.pid(), pgPids, pg);
      spans.add(new Span("idle: registered, no socket", idle0, idle1, null, null, null));

      long rssBefore = server.rssKb();
      List<String> uris = new ArrayList<>();
      for (String h : reg.hashes()) {
        uris.add("/websocket?hash=" + h);
      }
      Sample open0 = sample(server.pid(), pgPids, pg);
      LoadGenerator.Opened o = fleet.open(server.port, uris, OPEN_IN_FLIGHT);
      Sample open1 = sample(server.pid(), pgPids, pg);
      spans.add(new Span(String.format("open %,d sockets", o.opened()), open0, open1, null, null, null));
      fleet.startHeartbeats(uris.size());
      ServerProcess.sleep(2000);
      double rssPerSocket = o.opened() == 0 ? 0 : (server.rssKb() - rssBefore) / (double) o.opened();
      opened = String.format("%,d of %,d sockets open in %.1f s (%,.0f/s, %d in flight), %.1f KB RSS per socket%s", o.opened(),
          o.requested(), o.seconds(), o.perSecond(), OPEN_IN_FLIGHT, rssPerSocket,
          o.firstFailure() == null ? "" : "; first failure: " + o.firstFailure());
      System.out.println("  modules: " + opened);
      table.add(String.format("modules: open %,d sockets", o.opened()), "", "", "", "", "", "", "", Integer.toString(o.failed()),
          String.format("%.1f KB", rssPerSocket), Table.rate(o.perSecond()), "");
      if (o.opened() == 0) {
        throw new IllegalStateException("no module socket opened; first failure: " + o.firstFailure());
      }

      String before = fleet.closedSoFar();
      System.out.println("  modules: before the warm-up: " + before);
      details.add("modules: before the warm-up: " + before);
      // warm-up, then the windows back to back; heartbeats never pause between them
      Tally warm = new Tally("warm-up (not reported)");
      fleet.measure(warm);
      ServerProcess.sleep((long) (WARMUP_S * 1000));
      pgPids = pg.backends();
      Map<String, Long> threads0 = Machine.threadTicks(server.pid());
      List<Sample> bounds = new ArrayList<>();
      List<Tally> tallies = new ArrayList<>();
      for (int k = 1; k <= WINDOWS; k++) {
        Tally t = new Tally("window " + k);
        fleet.measure(t);
        bounds.add(sample(server.pid(), pgPids, pg));
        tallies.add(t);
        ServerProcess.sleep((long) (WINDOW_S * 1000));
      }
      fleet.measure(null);
      bounds.add(sample(server.pid(), pgPids, pg));
      Map<String, Long> threads1 = Machine.threadTicks(server.pid());
      String online = onlineCheck(fleet, server.port, reg.hashes());
      System.out.println("  modules: " + online);
      details.add("modules: " + online);
      ServerProcess.sleep((long) (DRAIN_S * 1000));
      List<Latencies.Summary> lats = fleet.onLoop(() -> {
        List<Latencies.Summary> out = new ArrayList<>();
        for (Tally t : tallies) {
          out.add(t.latencies.summary());
        }
        return Future.succeededFuture(out);
      }, 30);
      String after = fleet.closedSoFar();
      System.out.println("  modules: after the windows: " + after);
      details.add("modules: after the windows: " + after);
      fleet.stopHeartbeats();
      fleet.closeAll();
      long walStart = System.nanoTime();
      for (int k = 0; k < WINDOWS; k++) {
        Tally t = tallies.get(k);
        Wal wal = pg.wal(bounds.get(k).lsn(), bounds.get(k + 1).lsn());
        Span s = new Span(t.label, bounds.get(k), bounds.get(k + 1), t, lats.get(k), wal);
        windows.add(s);
        print(s);
      }
      String busiest = busiest(threads0, threads1);
      System.out.println("  modules: busiest server threads over the windows: " + busiest);
      details.add("modules: busiest server threads over the " + WINDOWS + " windows: " + busiest);
      for (Span s : windows) {
        if (s.wal() != null) {
          System.out.println("  modules: WAL of " + s.label() + " by relation (writing xacts / heap updates (HOT) / inserts / records): "
              + s.wal().byRelation());
          details.add("modules: WAL of " + s.label() + " in the server's database, by relation (writing transactions / heap updates (HOT)"
              + " / inserts / WAL records): " + s.wal().byRelation());
        }
      }
      for (int k = 0; k < spans.size(); k++) {
        Span s = spans.get(k);
        spans.set(k, new Span(s.label(), s.a(), s.b(), null, null, pg.wal(s.a().lsn(), s.b().lsn())));
      }
      System.out.printf("  modules: WAL read in %.1f s%n", (System.nanoTime() - walStart) / 1e9);
    } catch (RuntimeException e) {
      System.out.println("modules FAILED: " + e);
      e.printStackTrace(System.out);
      table.add("modules", "FAILED: " + e.getMessage());
      if (windows.isEmpty()) {
        return;
      }
    }

    Span ceiling = ceiling();
    double ceilPer1k = ceiling == null ? Double.NaN : ceiling.serverMsPer1k();
    List<String[]> rows = new ArrayList<>();
    for (Span s : spans) {
      rows.add(row(s, Double.NaN));
    }
    for (Span s : windows) {
      rows.add(row(s, ceilPer1k));
      double ratio = s.serverMsPer1k() / ceilPer1k;
      mainRow("modules: " + s.label() + " (" + String.format("%,d", MODULES) + " x 1 heartbeat/s)", s,
          Double.isNaN(ratio) ? "-" : String.format("CPU x%.2f", ratio));
    }
    if (ceiling != null) {
      rows.add(row(ceiling, ceilPer1k));
      mainRow(String.format("ceiling: %,d heartbeat sockets", MODULES), ceiling, "");
    }
    StringBuilder b = new StringBuilder();
    b.append("modules (").append(String.format("%,d", MODULES)).append(" modules, 1 heartbeat/s each; ").append(opened == null ? "" : opened)
        .append("):\n");
    b.append(render(rows));
    b.append(legend());
    details.add(b.toString());
  }

  private void mainRow(String label, Span s, String vsCeiling) {
    table.add(label, Table.rate(s.t().sent / s.seconds()), Table.rate(s.t().confirmed / s.seconds()), Table.ms(s.lat().p50()),
        Table.ms(s.lat().p95()), Table.ms(s.lat().p99()), Table.ms(s.lat().max()), Long.toString(s.t().sent - s.t().confirmed),
        Long.toString(s.t().errors()), "", "", vsCeiling);
  }

  private static final List<String> HEADER = List.of("modules", "s", "hb sent/s", "confirmed/s", "p50 ms", "p99 ms", "max ms", "lost",
      "errors", "gen stall ms", "server CPU ms/s", "per 1k hb", "vs ceiling", "PG CPU ms/s", "PG all ms/s", "writing xacts/s", "modules xacts/s",
      "rows upd/s", "HOT %", "WAL kB/s", "commits/s", "modules upd/s", "pgss writes/s");

  private static String[] row(Span s, double ceilPer1k) {
    Sample a = s.a();
    Sample b = s.b();
    Tally t = s.t();
    Wal w = s.wal();
    double secs = s.seconds();
    boolean pg = a.commits() >= 0;
    double ratio = s.serverMsPer1k() / ceilPer1k;
    return new String[] {s.label(), String.format("%.1f", secs),
        t == null ? "" : Table.rate(t.sent / secs), t == null ? "" : Table.rate(t.confirmed / secs),
        t == null ? "" : Table.ms(s.lat().p50()), t == null ? "" : Table.ms(s.lat().p99()), t == null ? "" : Table.ms(s.lat().max()),
        t == null ? "" : Long.toString(t.sent - t.confirmed), t == null ? "" : Long.toString(t.errors()),
        t == null ? "" : Table.ms(t.stallNanos / 1e6), String.format("%.0f", s.serverMsPerS()), t == null ? "" : String.format("%.1f", s.serverMsPer1k()),
        t == null || Double.isNaN(ratio) ? "" : String.format("x%.2f", ratio),
        pg ? String.format("%.0f", (b.pgBackendTicks() - a.pgBackendTicks()) * tickMs() / secs) : "",
        pg ? String.format("%.0f", (b.pgAllTicks() - a.pgAllTicks()) * tickMs() / secs) : "",
        w == null ? "" : String.format("%.2f", w.writingXacts() / secs), w == null ? "" : String.format("%.2f", w.modulesXacts() / secs),
        w == null ? "" : Table.rate(w.heapUpdates() / secs),
        w == null || w.heapUpdates() == 0 ? "" : String.format("%.0f", 100.0 * w.hotUpdates() / w.heapUpdates()),
        w == null ? "" : String.format("%.1f", w.kb() / secs),
        pg ? String.format("%.2f", s.perS(a.commits(), b.commits())) : "",
        pg ? fmt(s.perS(a.modulesUpd(), b.modulesUpd())) : "",
        pg && a.pgssWrites() >= 0 ? String.format("%.2f", s.perS(a.pgssWrites(), b.pgssWrites())) : "n/a"};
  }

  private static String fmt(double v) {
    return Double.isNaN(v) ? "-" : Table.rate(v);
  }

  private static String legend() {
    return "  Legend: one socket per module, each sending the text frame `heartbeat` once a second, phases spread evenly over the"
        + " second (open loop, from one event loop of the benchmark JVM on the generator core); hb sent/s and confirmed/s count the"
        + " window's heartbeats and their `heartbeat confirm` frames (matched in order per socket); p50/p99/max = heartbeat to its"
        + " confirmation; lost = the window's heartbeats unconfirmed " + (int) DRAIN_S + " s after the last window; errors = server"
        + " closes, frames other than `heartbeat confirm`, confirmations without a heartbeat, failed writes; gen stall = the longest gap"
        + " between two runs of the generator's 1 ms send timer (the generator's own delay, included in the latencies). server CPU = user+system"
        + " of the server JVM from /proc/<pid>/stat, per second and per 1,000 heartbeats sent; vs ceiling = that per-heartbeat CPU over"
        + " the bare Vert.x CeilingServer's for the same " + String.format("%,d", MODULES) + " sockets and rate (its row; x1.00 ="
        + " as cheap as a server that only answers the frame). PG CPU = the Postgres backends connected to the server's database;"
        + " PG all = every process named postgres (WAL writer, checkpointer, autovacuum, the benchmark's own probe connection too)."
        + " From the WAL of each window (pg_walinspect over the LSNs read at its edges, exact): writing xacts = distinct"
        + " transactions that wrote to the server's database (a flush is expected to be one: 1 per"
        + " SWITCHBOARD_MODULE_HEARTBEAT_FLUSH_MILLIS, 0.2/s at the default 5000), modules xacts = those writing the modules heap,"
        + " rows upd = heap UPDATE records (HOT % of them heap-only), WAL kB = WAL bytes of the whole cluster. From the statistics"
        + " views (flushed by backends at most once a second and up to 10 s late, so a window may get a neighbour's flush):"
        + " commits = pg_stat_database xact_commit (read-only transactions and the probe's own 1 per edge included), modules upd ="
        + " pg_stat_user_tables n_tup_upd of modules; pgss writes = pg_stat_statements calls of INSERT/UPDATE/DELETE statements"
        + " (n/a: the server does not preload it). The node runs with SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS="
        + HEARTBEAT_TIMEOUT_S + " (opening the sockets can outlast the default 30 s; heartbeats start once all are open) and the"
        + " default flush interval unless -Dbench.env sets them. The idle and open rows have no heartbeats: a baseline and the cost of"
        + " the " + String.format("%,d", MODULES) + " upgrades (each sets a module online).\n";
  }

  private static void print(Span s) {
    Tally t = s.t();
    Wal w = s.wal();
    System.out.printf("  modules %-10s sent %,7.0f/s confirmed %,7.0f/s p50 %6.2f p99 %7.2f max %8.1f ms lost %d errors %d; gen stall %.1f ms;"
            + " server CPU %.0f ms/s (%.1f ms per 1k); PG CPU %.0f ms/s; %s; commits %.2f/s, modules n_tup_upd %s/s%n",
        s.label(), t.sent / s.seconds(), t.confirmed / s.seconds(), s.lat().p50(), s.lat().p99(), s.lat().max(), t.sent - t.confirmed,
        t.errors(), t.stallNanos / 1e6, s.serverMsPerS(), s.serverMsPer1k(), (s.b().pgBackendTicks() - s.a().pgBackendTicks()) * tickMs() / s.seconds(),
        w == null ? "no WAL figures" : String.format("WAL: %.2f writing xacts/s (modules %.2f/s), %,.0f rows updated/s, %.1f kB/s",
            w.writingXacts() / s.seconds(), w.modulesXacts() / s.seconds(), w.heapUpdates() / s.seconds(), w.kb() / s.seconds()),
        s.perS(s.a().commits(), s.b().commits()), fmt(s.perS(s.a().modulesUpd(), s.b().modulesUpd())));
    if (t.errors() > 0) {
      System.out.printf("    closes %d, stray frames %d, unmatched confirms %d, failed writes %d%n", t.closes, t.stray, t.unmatched,
          t.writeFailures);
    }
  }

  private static String busiest(Map<String, Long> threads0, Map<String, Long> threads1) {
    List<String> busiest = new ArrayList<>();
    threads1.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - threads0.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > 0)
        .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
        .limit(6)
        .forEach(e -> busiest.add(e.getKey() + " " + Math.round(e.getValue() * tickMs()) + " ms"));
    return String.join(", ", busiest);
  }

  private Sample sample(long serverPid, List<Long> pgPids, Pg pg) {
    long now = System.nanoTime();
    long server = Machine.cpuTicks(serverPid);
    long backends = pgPids == null ? -1 : Machine.cpuTicks(pgPids);
    long all = pg == null ? -1 : Machine.cpuTicks(allPostgres());
    return pg == null ? new Sample(now, server, -1, -1, -1, -1, -1, -1, -1, -1, -1, null) : pg.sample(now, server, backends, all);
  }

  private static List<Long> allPostgres() {
    List<Long> pids = new ArrayList<>();
    String out = Machine.run("pgrep", "^postgres$");
    if (out != null) {
      for (String line : out.strip().split("\\s+")) {
        if (!line.isBlank()) {
          pids.add(Long.parseLong(line));
        }
      }
    }
    return pids;
  }

  /**
   * GET /module/online?hash= for {@link #ONLINE_SAMPLES} modules spread over the fleet: whether each is online, and how far its
   * stored last heartbeat is behind the request (the whole list of 10,000 is not asked for: it is not what modules cost).
   */
  private static String onlineCheck(Fleet fleet, int port, List<String> hashes) {
    int online = 0;
    long oldest = 0;
    long newest = Long.MAX_VALUE;
    double slowest = 0;
    String problem = null;
    for (int k = 0; k < ONLINE_SAMPLES; k++) {
      String hash = hashes.get((int) ((long) k * hashes.size() / ONLINE_SAMPLES));
      try {
        long asked = System.currentTimeMillis();
        long t0 = System.nanoTime();
        String[] r = fleet.get(port, "/module/online?hash=" + hash);
        slowest = Math.max(slowest, (System.nanoTime() - t0) / 1e6);
        JsonObject j = new JsonObject(r[1]);
        JsonArray list = "2000".equals(j.getString("code")) ? j.getJsonArray("result") : null;
        if (list == null || list.size() != 1 || !Boolean.TRUE.equals(list.getJsonObject(0).getBoolean("online"))) {
          if (problem == null) {
            problem = hash + ": " + r[0] + " " + (r[1].length() > 200 ? r[1].substring(0, 200) : r[1]);
          }
          continue;
        }
        online++;
        long age = asked - Instant.parse(list.getJsonObject(0).getString("lastHeartbeat")).toEpochMilli();
        oldest = Math.max(oldest, age);
        newest = Math.min(newest, age);
      } catch (RuntimeException e) {
        if (problem == null) {
          problem = hash + ": " + e;
        }
      }
    }
    return String.format("GET /module/online?hash= of %d modules during the heartbeats: %d online (slowest answer %.0f ms); stored"
            + " lastHeartbeat %s behind the request (expected: up to the flush interval plus 1 s of heartbeat period)%s", ONLINE_SAMPLES,
        online, slowest, online == 0 ? "-" : String.format("%.1f to %.1f s", newest / 1000.0, oldest / 1000.0),
        problem == null ? "" : "; first problem: " + problem);
  }

  /** The ceiling server answering the same heartbeats: warm-up, one window; null when it failed. */
  private Span ceiling() {
    int port = ServerProcess.freePort();
    System.out.println("starting ceiling server for modules ...");
    try (ServerProcess server = ServerProcess.start("ceiling-modules", machine, serverJvm, CeilingServer.class.getName(),
        List.of(Integer.toString(port)), Map.of(), port, "/ready", logDir);
        Fleet fleet = new Fleet()) {
      List<String> uris = new ArrayList<>();
      for (int i = 0; i < MODULES; i++) {
        uris.add("/websocket?hash=ceiling-" + i);
      }
      LoadGenerator.Opened o = fleet.open(port, uris, OPEN_IN_FLIGHT);
      fleet.startHeartbeats(uris.size());
      System.out.printf("  modules ceiling: %,d of %,d sockets open in %.1f s%s%n", o.opened(), o.requested(), o.seconds(),
          o.firstFailure() == null ? "" : "; first failure: " + o.firstFailure());
      fleet.measure(new Tally("ceiling warm-up"));
      ServerProcess.sleep((long) (CEILING_WARMUP_S * 1000));
      Tally t = new Tally(String.format("ceiling (%,d sockets)", o.opened()));
      fleet.measure(t);
      Sample a = sample(server.pid(), null, null);
      Map<String, Long> threads0 = Machine.threadTicks(server.pid());
      ServerProcess.sleep((long) (CEILING_WINDOW_S * 1000));
      fleet.measure(null);
      Sample b = sample(server.pid(), null, null);
      String busiest = busiest(threads0, Machine.threadTicks(server.pid()));
      System.out.println("  modules ceiling: busiest threads over its window: " + busiest);
      details.add("modules: ceiling's busiest threads over its window: " + busiest);
      ServerProcess.sleep((long) (DRAIN_S * 1000));
      Latencies.Summary lat = fleet.onLoop(() -> Future.succeededFuture(t.latencies.summary()), 30);
      fleet.stopHeartbeats();
      Span s = new Span(t.label, a, b, t, lat, null);
      System.out.printf("  modules %-10s sent %,7.0f/s confirmed %,7.0f/s p50 %6.2f p99 %7.2f max %8.1f ms lost %d errors %d; gen stall %.1f ms;"
              + " server CPU %.0f ms/s (%.1f ms per 1k)%n", s.label(), t.sent / s.seconds(), t.confirmed / s.seconds(), lat.p50(), lat.p99(),
          lat.max(), t.sent - t.confirmed, t.errors(), t.stallNanos / 1e6, s.serverMsPerS(), s.serverMsPer1k());
      fleet.closeAll();
      return s;
    } catch (RuntimeException e) {
      System.out.println("modules ceiling FAILED: " + e);
      e.printStackTrace(System.out);
      table.add("modules ceiling", "FAILED: " + e.getMessage());
      return null;
    }
  }

  private static String render(List<String[]> rows) {
    List<String[]> all = new ArrayList<>();
    all.add(HEADER.toArray(new String[0]));
    all.addAll(rows);
    int[] width = new int[HEADER.size()];
    for (String[] r : all) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (int k = 0; k < all.size(); k++) {
      String[] r = all.get(k);
      b.append('|');
      for (int i = 0; i < r.length; i++) {
        String pad = " ".repeat(width[i] - r[i].length());
        b.append(' ').append(i == 0 ? r[i] + pad : pad + r[i]).append(" |");
      }
      b.append('\n');
      if (k == 0) {
        b.append('|');
        for (int i = 0; i < width.length; i++) {
          b.append(i == 0 ? ":" : "-").append("-".repeat(width[i])).append(i == 0 ? "-|" : ":|");
        }
        b.append('\n');
      }
    }
    return b.toString();
  }

  // ---------------------------------------------------------------- Postgres

  /** The benchmark's own connection to the server's database: statistics, WAL, and a slot keeping the WAL until the end. */
  static final class Pg implements AutoCloseable {
    private final Connection c;
    private final String dbOid;
    private final boolean walinspect;
    private final boolean pgss;
    private final String notes;

    Pg(String pgUrl) {
      DatabaseUrl db = DatabaseUrl.parse(pgUrl);
      List<String> n = new ArrayList<>();
      try {
        c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        c.setAutoCommit(true);
        dbOid = one("SELECT oid::text FROM pg_database WHERE datname = current_database()");
      } catch (Exception e) {
        throw new IllegalStateException("connecting to the server's database: " + e, e);
      }
      boolean ss;
      try {
        exec("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        one("SELECT count(*)::text FROM pg_stat_statements");
        ss = true;
        n.add("pg_stat_statements in use");
      } catch (Exception e) {
        ss = false;
        n.add("pg_stat_statements not usable (" + firstLine(e) + ")");
      }
      pgss = ss;
      boolean wi;
      try {
        exec("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
        one("SELECT pg_create_physical_replication_slot('switchboard_bench_" + Long.toString(System.nanoTime(), 36)
            + "', true, true)::text");
        wi = true;
        n.add("pg_walinspect in use, WAL kept by a temporary physical replication slot");
      } catch (Exception e) {
        wi = false;
        n.add("no WAL figures (" + firstLine(e) + ")");
      }
      walinspect = wi;
      notes = String.join("; ", n);
    }

    String describe() {
      return "database oid " + dbOid + "; " + notes;
    }

    private static String firstLine(Exception e) {
      String m = String.valueOf(e.getMessage());
      int nl = m.indexOf('\n');
      return nl < 0 ? m : m.substring(0, nl);
    }

    private void exec(String sql) throws Exception {
      try (Statement st = c.createStatement()) {
        st.execute(sql);
      }
    }

    private String one(String sql) throws Exception {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        return rs.next() ? rs.getString(1) : null;
      }
    }

    /** The pids of the backends connected to the server's database, this connection's excluded. */
    List<Long> backends() {
      List<Long> pids = new ArrayList<>();
      try (Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")) {
        while (rs.next()) {
          pids.add(rs.getLong(1));
        }
      } catch (Exception e) {
        throw new IllegalStateException("listing Postgres backends: " + e, e);
      }
      return pids;
    }

    Sample sample(long now, long server, long backends, long all) {
      String sql = "SELECT d.xact_commit, d.tup_updated, d.tup_inserted,"
          + " coalesce((SELECT n_tup_upd FROM pg_stat_user_tables WHERE relname = 'modules' LIMIT 1), -1),"
          + " coalesce((SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'modules' LIMIT 1), -1),"
          + (pgss ? " (SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s WHERE s.dbid = d.datid AND " + WRITES + "),"
              + " (SELECT coalesce(sum(rows), 0) FROM pg_stat_statements s WHERE s.dbid = d.datid AND " + WRITES + "),"
              : " -1, -1,")
          + " pg_current_wal_insert_lsn()::text FROM pg_stat_database d WHERE d.datname = current_database()";
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
        rs.next();
        return new Sample(now, server, backends, all, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
            rs.getLong(6), rs.getLong(7), rs.getString(8));
      } catch (Exception e) {
        throw new IllegalStateException("reading Postgres statistics: " + e, e);
      }
    }

    private static final String WRITES = "s.query ~* '^\\s*(insert|update|delete|merge)\\M|^\\s*with\\M.*\\m(insert|update|delete)\\M'";

    /** The WAL between two LSNs, for the server's database; null when there are no WAL figures. */
    Wal wal(String from, String to) {
      if (!walinspect || from == null || to == null) {
        return null;
      }
      if (from.equals(to)) {
        return new Wal(0, 0, 0, 0, 0, 0, 0, 0, "(nothing)");
      }
      String records = "WITH r AS (SELECT xid, resource_manager AS rm, record_type AS rt,"
          + " (regexp_match(block_ref, 'rel \\d+/" + dbOid + "/(\\d+)'))[1]::oid AS rfn"
          + " FROM pg_get_wal_records_info(?::pg_lsn, ?::pg_lsn) WHERE block_ref LIKE '%/" + dbOid + "/%')";
      String agg = " count(DISTINCT xid::text) FILTER (WHERE xid::text <> '0') AS xacts,"
          + " count(*) FILTER (WHERE rm = 'Heap' AND (rt LIKE 'UPDATE%' OR rt LIKE 'HOT_UPDATE%')) AS upd,"
          + " count(*) FILTER (WHERE rm = 'Heap' AND rt LIKE 'HOT_UPDATE%') AS hot,"
          + " count(*) FILTER (WHERE rm IN ('Heap', 'Heap2') AND (rt LIKE 'INSERT%' OR rt LIKE 'MULTI_INSERT%')) AS ins,"
          + " count(*) FILTER (WHERE rm = 'Heap' AND rt LIKE 'DELETE%') AS del, count(*) AS recs";
      try {
        long xacts = 0;
        long upd = 0;
        long hot = 0;
        long ins = 0;
        long del = 0;
        long recs = 0;
        long modulesXacts = 0;
        Map<String, String> by = new LinkedHashMap<>();
        // one pass over the WAL: a row per relation and the total (its rel NULL)
        try (PreparedStatement st = c.prepareStatement(records + " SELECT coalesce(c.relname, r.rfn::text) AS rel," + agg
            + " FROM r LEFT JOIN pg_class c ON c.relfilenode = r.rfn GROUP BY GROUPING SETS ((coalesce(c.relname, r.rfn::text)), ())"
            + " ORDER BY count(*) DESC")) {
          st.setString(1, from);
          st.setString(2, to);
          try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
              String rel = rs.getString(1);
              if (rel == null) {
                xacts = rs.getLong(2);
                upd = rs.getLong(3);
                hot = rs.getLong(4);
                ins = rs.getLong(5);
                del = rs.getLong(6);
                recs = rs.getLong(7);
                continue;
              }
              if ("modules".equals(rel)) {
                modulesXacts = rs.getLong(2);
              }
              by.put(rel, rs.getLong(2) + "/" + rs.getLong(3) + " (" + rs.getLong(4) + ")/" + rs.getLong(5) + "/" + rs.getLong(7));
            }
          }
        }
        double kb;
        try (PreparedStatement st = c.prepareStatement("SELECT pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)")) {
          st.setString(1, to);
          st.setString(2, from);
          try (ResultSet rs = st.executeQuery()) {
            rs.next();
            kb = rs.getDouble(1) / 1024;
          }
        }
        StringBuilder b = new StringBuilder();
        by.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
        return new Wal(xacts, modulesXacts, upd, hot, ins, del, recs, kb, b.length() == 0 ? "(nothing)" : b.toString());
      } catch (Exception e) {
        System.out.println("  modules: reading the WAL " + from + ".." + to + " failed: " + firstLine(e));
        return null;
      }
    }

    @Override
    public void close() {
      try {
        c.close();
      } catch (Exception e) {
        // the slot is temporary: it goes with the session
      }
    }
  }

  // ---------------------------------------------------------------- the module clients

  /** The module clients: one Vert.x event loop (its state needs no locks); the calling thread only waits. */
  static final class Fleet implements AutoCloseable {

    record Registered(List<String> hashes, int failed, String firstFailure) {
    }

    private record Pending(long at, Tally tally) {
    }

    private static final class Sock {
      ClientWebSocket ws;
      boolean closed;
      final ArrayDeque<Pending> pending = new ArrayDeque<>();
    }

    private final Vertx vertx;
    private final Context context;
    private final WebSocketClient client;
    private final HttpClient http;
    private final List<Sock> sockets = new ArrayList<>();
    private Tally current;
    private long hbStart;
    private long hbSent;
    private long lastTick;
    private long timer = -1;
    private boolean closingAll;
    private String firstError;
    private long closesTotal;

    /** Sockets closed by the server so far, and the first error seen. */
    String closedSoFar() {
      return onLoop(() -> Future.succeededFuture(closesTotal + " socket(s) closed by the server" + (firstError == null ? ""
          : "; first error: " + firstError)), 30);
    }

    Fleet() {
      vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
      context = vertx.getOrCreateContext();
      client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(100_000).setConnectTimeout(60_000)
          .setReuseAddress(true));
      http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setConnectTimeout(10_000),
          new PoolOptions().setHttp1MaxSize(REGISTER_IN_FLIGHT));
    }

    <T> T onLoop(Supplier<Future<T>> action, long timeoutSeconds) {
      return LoadGenerator.await(context, action, timeoutSeconds);
    }


    private Future<String[]> request(int port, String uri) {
      return http.request(HttpMethod.GET, port, "127.0.0.1", uri)
          .compose(req -> req.send())
          .compose((HttpClientResponse resp) -> resp.body().map(body -> new String[] {Integer.toString(resp.statusCode()),
              body.toString(StandardCharsets.UTF_8)}));
    }

    String[] get(int port, String uri) {
      return onLoop(() -> request(port, uri), 120);
    }

    private static String enc(String s) {
      return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** Registers modules bench-module-0 … count-1 with {@code inFlight} requests at once; answers the hashes in order. */
    Registered register(int port, int count, int inFlight) {
      return onLoop(() -> {
        Promise<Registered> done = Promise.promise();
        String[] hashes = new String[count];
        int[] next = {0};
        int[] finished = {0};
        int[] failed = {0};
        String[] firstFailure = {null};
        Runnable[] launch = new Runnable[1];
        launch[0] = () -> {
          if (next[0] >= count) {
            return;
          }
          int i = next[0]++;
          String uri = "/module/register?name=" + enc("bench-module-" + i) + "&description=" + enc("benchmark module " + i)
              + "&missionKind=forecast&dataRequirement=" + enc("{\"variables\":[\"t2m\",\"tp\"],\"step\":" + i + "}");
          request(port, uri).onComplete(ar -> {
            finished[0]++;
            String failure = null;
            if (ar.failed()) {
              failure = String.valueOf(ar.cause());
            } else {
              try {
                JsonObject j = new JsonObject(ar.result()[1]);
                if ("2000".equals(j.getString("code"))) {
                  hashes[i] = j.getJsonObject("result").getString("hash");
                } else {
                  failure = ar.result()[0] + " " + ar.result()[1];
                }
              } catch (RuntimeException e) {
                failure = ar.result()[0] + " " + ar.result()[1];
              }
            }
            if (failure != null) {
              failed[0]++;
              if (firstFailure[0] == null) {
                firstFailure[0] = failure.length() > 300 ? failure.substring(0, 300) : failure;
              }
            }
            if (finished[0] == count) {
              List<String> ok = new ArrayList<>();
              for (String h : hashes) {
                if (h != null) {
                  ok.add(h);
                }
              }
              done.complete(new Registered(ok, failed[0], firstFailure[0]));
            } else {
              launch[0].run();
            }
          });
        };
        for (int k = 0; k < Math.min(inFlight, count); k++) {
          launch[0].run();
        }
        return done.future();
      }, 1800);
    }

    /** Opens one socket per URI ({@code inFlight} upgrades at once); a socket counts as open when its upgrade completed. */
    LoadGenerator.Opened open(int port, List<String> uris, int inFlight) {
      return onLoop(() -> LoadGenerator.openAll(uris, inFlight, uri -> connect(port, uri)), 1800);
    }

    private Future<Void> connect(int port, String uri) {
      Sock s = new Sock();
      ClientWebSocket ws = client.webSocket();
      s.ws = ws;
      ws.textMessageHandler(text -> {
        long now = System.nanoTime();
        if (CONFIRM.equals(text)) {
          Pending p = s.pending.poll();
          if (p == null) {
            if (current != null) {
              current.unmatched++;
            }
            error("a confirmation without a heartbeat");
          } else if (p.tally() != null) {
            p.tally().confirmed++;
            p.tally().latencies.add(now - p.at());
          }
        } else {
          if (current != null) {
            current.stray++;
          }
          error("unexpected frame: " + (text.length() > 200 ? text.substring(0, 200) : text));
        }
      });
      ws.binaryMessageHandler(b -> {
        if (current != null) {
          current.stray++;
        }
        error("unexpected binary frame of " + b.length() + " bytes");
      });
      ws.closeHandler(v -> {
        s.closed = true;
        if (!closingAll) {
          closesTotal++;
          if (current != null) {
            current.closes++;
          }
          error("socket closed by the server with " + ws.closeStatusCode() + " " + ws.closeReason());
        }
      });
      ws.exceptionHandler(e -> {
        if (!closingAll) {
          error("socket error: " + e);
        }
      });
      return ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)).map(x -> {
        sockets.add(s);
        return (Void) null;
      });
    }

    private void error(String what) {
      if (firstError == null) {
        firstError = what;
        System.out.println("    modules: first error: " + what);
      }
    }

    /** From now on the k-th open socket (of {@code n}) sends a heartbeat once a second, at k/n of each second. */
    void startHeartbeats(int n) {
      onLoop(() -> {
        hbStart = System.nanoTime();
        hbSent = 0;
        lastTick = hbStart;
        timer = vertx.setPeriodic(1, id -> {
          long now = System.nanoTime();
          if (current != null) {
            current.stallNanos = Math.max(current.stallNanos, now - lastTick);
          }
          lastTick = now;
          long due = (long) ((now - hbStart) / 1e9 * n);
          while (hbSent < due) {
            int k = (int) (hbSent % n);
            hbSent++;
            if (k < sockets.size() && !sockets.get(k).closed) {
              send(sockets.get(k));
            }
          }
        });
        return Future.succeededFuture();
      }, 30);
    }

    void stopHeartbeats() {
      onLoop(() -> {
        if (timer >= 0) {
          vertx.cancelTimer(timer);
          timer = -1;
        }
        return Future.succeededFuture();
      }, 30);
    }

    private void send(Sock s) {
      Tally t = current;
      long now = System.nanoTime();
      s.pending.add(new Pending(now, t));
      if (t != null) {
        t.sent++;
      }
      s.ws.writeTextMessage("heartbeat").onFailure(e -> {
        if (t != null) {
          t.writeFailures++;
        }
        if (!closingAll) {
          error("write failed: " + e);
        }
      });
    }

    /** Heartbeats sent from now on count for {@code t} (none for null). */
    void measure(Tally t) {
      onLoop(() -> {
        current = t;
        return Future.succeededFuture();
      }, 30);
    }

    void closeAll() {
      onLoop(() -> {
        closingAll = true;
        List<Future<Void>> closes = new ArrayList<>();
        for (Sock s : sockets) {
          closes.add(s.ws.close().recover(e -> Future.succeededFuture()));
        }
        sockets.clear();
        return Future.join(closes).map(x -> (Void) null).recover(e -> Future.succeededFuture());
      }, 120);
    }

    @Override
    public void close() {
      LoadGenerator.closeQuietly(vertx);
    }
  }
}
