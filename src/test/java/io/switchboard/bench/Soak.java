package io.switchboard.bench;

import io.switchboard.persistence.DatabaseUrl;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.RedisProcess;
import io.switchboard.testing.TcpProxy;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The soak of docs/operations.md: {@code mvn -B -q -Psoak verify -DskipTests -Dsoak.minutes=10}. Two
 * Switchboard nodes as JVM processes of their own, Postgres (a fresh database on the machine's, or an
 * embedded one) behind a {@link TcpProxy}, Redis as a {@link RedisProcess}; {@code soak.sockets}
 * (2,000) chat sockets in rooms of 10 (half on each node, two senders per room, {@code soak.rate}
 * (20) messages per second in all, every send with a clientMsgId, retried until acknowledged),
 * {@code soak.notify} (100) notification sockets receiving a notification every 2 s, and
 * {@code soak.modules} (100) module sockets beating once a second. Every socket reconnects, jittered,
 * to the other node when its own is down, chat sockets with {@code since}. Every
 * {@code soak.faultSeconds} (min(60, duration / 5)) the next fault of {@link SoakFaults} is injected.
 * At the end it checks every acknowledged message against Postgres and every socket's seqs, prints a
 * summary and exits 1 when anything was lost, doubled, out of order, or a 5xx came back other than a
 * 503 while a fault was on.
 */
public final class Soak {

  static final int MEMBERS = 10;

  private final double minutes = Props.decimal("soak.minutes", 10);
  private final int sockets = Props.integer("soak.sockets", 2000);
  private final double rate = Props.decimal("soak.rate", 20);
  private final int notifySockets = Props.integer("soak.notify", 100);
  private final int moduleSockets = Props.integer("soak.modules", 100);
  private final double faultSeconds = Props.decimal("soak.faultSeconds", Math.min(60, minutes * 60 / 5));
  private final List<String> serverJvm = Arrays.asList(System.getProperty("soak.serverJvmArgs", "-Xms128m -Xmx512m").trim().split("\\s+"));

  public static void main(String[] args) throws Exception {
    System.exit(new Soak().run());
  }

  private int run() throws Exception {
    Path logDir = Files.createDirectories(Path.of("target", "soak"));
    long started = System.nanoTime();
    System.out.printf("Switchboard soak: %.1f min, %,d chat sockets, %d notification sockets, %d module sockets, a fault every %.0f s;"
        + " logs in %s%n", minutes, sockets, notifySockets, moduleSockets, faultSeconds, logDir.toAbsolutePath());
    Backends backends = new Backends();
    String pgUrl = backends.freshDatabase();
    HttpCounter http;
    try (TcpProxy pgProxy = new TcpProxy(pgUrl);
        RedisProcess redis = RedisProcess.start();
        ChatFleet chat = new ChatFleet();
        SoakSockets side = new SoakSockets()) {
      String proxied = pgProxy.through(pgUrl);
      String prefix = Backends.freshPrefix();
      int[] ports = {ServerProcess.freePort(), ServerProcess.freePort()};
      List<Map<String, String>> envs = new ArrayList<>();
      for (int n = 0; n < 2; n++) {
        Map<String, String> env = Switchboard.env("soak-" + (char) ('a' + n), proxied, redis.url(), prefix, ports[n]);
        env.putIfAbsent("SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS", "30");
        envs.add(env);
      }
      SoakFaults faults = new SoakFaults(new Machine(false), serverJvm, logDir, envs, pgProxy, redis);
      try {
        faults.startNodes();
        http = new HttpCounter(ports, faults);
        ServerMemory.Sample[] atStart = faults.memory();

        int rooms = Math.max(1, sockets / MEMBERS);
        List<Seed.User> users;
        List<String> roomIds;
        try (Seed seed = new Seed(pgUrl)) {
          users = seed.users("soak-user-", rooms * MEMBERS);
          roomIds = seed.rooms("soak-room-", rooms);
          List<String> roomOf = new ArrayList<>();
          List<String> userOf = new ArrayList<>();
          for (int i = 0; i < users.size(); i++) {
            roomOf.add(roomIds.get(i / MEMBERS));
            userOf.add(users.get(i).id());
          }
          seed.join(roomOf, userOf);
        }
        List<ChatFleet.Target> targets = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
          int node = i % 2;
          targets.add(new ChatFleet.Target(roomIds.get(i / MEMBERS), users.get(i).token(), new int[] {ports[node], ports[1 - node]}, null,
              i % MEMBERS < 2));
        }
        report("chat sockets", chat.open(targets, 100));
        List<String> notifyTokens = new ArrayList<>();
        List<String> notifyIds = new ArrayList<>();
        List<int[]> notifyPorts = new ArrayList<>();
        for (int i = 0; i < Math.min(notifySockets, users.size()); i++) {
          notifyTokens.add(users.get(i).token());
          notifyIds.add(users.get(i).id());
          notifyPorts.add(new int[] {ports[i % 2], ports[1 - i % 2]});
        }
        report("notification sockets", side.openNotifications(notifyTokens, notifyPorts));
        List<String> hashes = new ArrayList<>();
        List<int[]> modulePorts = new ArrayList<>();
        try (ModulesScenario.Fleet registrar = new ModulesScenario.Fleet()) {
          ModulesScenario.Fleet.Registered reg = registrar.register(ports[0], moduleSockets, 8);
          http.count(moduleSockets);
          hashes.addAll(reg.hashes());
          for (int i = 0; i < hashes.size(); i++) {
            modulePorts.add(new int[] {ports[i % 2], ports[1 - i % 2]});
          }
        }
        report("module sockets", side.openModules(hashes, modulePorts));

        String admin = Accounts.adminToken(new Http(ports[0]));
        chat.startSending(rate / (2.0 * rooms));
        faults.start(faultSeconds);
        List<String> delivered = new ArrayList<>();
        long chatStarted = System.nanoTime();
        long end = chatStarted + (long) (minutes * 60e9);
        long nextNotify = System.nanoTime();
        long nextLine = System.nanoTime() + 30_000_000_000L;
        int notifyNo = 0;
        while (System.nanoTime() < end) {
          if (System.nanoTime() >= nextNotify && !notifyIds.isEmpty()) {
            nextNotify += 2_000_000_000L;
            String title = "soak notification " + (++notifyNo) + " " + UUID.randomUUID();
            Http.Response r = http.post("/api/admin/notifications", new JsonObject().put("userIds", new JsonArray(notifyIds))
                .put("title", title).put("body", "soak"), admin);
            if (r != null && r.status() == 201) {
              delivered.add(title);
            }
          }
          if (System.nanoTime() >= nextLine) {
            nextLine += 30_000_000_000L;
            ChatFleet.Stats s = chat.stats();
            System.out.printf("  %4.0f s: %s; sockets open %,d of %,d; sends tried %,d, acked %,d, pending %,d%n",
                (System.nanoTime() - chatStarted) / 1e9, faults.summary(), s.open(), s.sockets(), s.sendsTried(), s.acked(), s.pending());
          }
          ServerProcess.sleep(100);
        }
        faults.stop();
        chat.stopSending();
        System.out.println("  soak: chat stopped; waiting for every send to be acknowledged and every socket to catch up");
        long settle = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < settle && chat.stats().pending() > 0) {
          ServerProcess.sleep(500);
        }
        ServerProcess.sleep(5000);
        Verdict v = verify(pgUrl, roomIds, chat, side, delivered, http, faults, atStart, chatStarted);
        // what closing the nodes and the links does to the sockets is no longer of interest
        if (org.slf4j.LoggerFactory.getLogger("io.vertx.core.net.impl.ConnectionBase") instanceof ch.qos.logback.classic.Logger quiet) {
          quiet.setLevel(ch.qos.logback.classic.Level.OFF);
        }
        chat.closeAll();
        chat.close();
        side.close();
        return v.failed() ? 1 : 0;
      } finally {
        faults.close();
        backends.dropDatabases();
      }
    }
  }

  private static void report(String what, LoadGenerator.Opened o) {
    System.out.printf("  soak: %,d %s open in %.1f s%s%n", o.opened(), what, o.seconds(), o.failed() == 0 ? ""
        : String.format(" (%d failed; first: %s)", o.failed(), o.firstFailure()));
  }

  record Verdict(boolean failed) {
  }

  private Verdict verify(String pgUrl, List<String> rooms, ChatFleet chat, SoakSockets side, List<String> notified, HttpCounter http,
      SoakFaults faults, ServerMemory.Sample[] atStart, long started) {
    ChatFleet.Acked acked = chat.acked();
    Map<String, Long> stored = new HashMap<>();
    Map<String, Long> newest = new HashMap<>();
    long storedTwice = 0;
    long seqGaps = 0;
    DatabaseUrl db = DatabaseUrl.parse(pgUrl);
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      try (PreparedStatement st = c.prepareStatement(
          "SELECT client_msg_id, seq FROM messages WHERE client_msg_id LIKE ? || '-%'")) {
        st.setString(1, chat.runId());
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            if (stored.put(rs.getString(1), rs.getLong(2)) != null) {
              storedTwice++;
            }
          }
        }
      }
      try (PreparedStatement st = c.prepareStatement("""
          SELECT c.id, c.last_seq, count(m.seq), coalesce(max(m.seq), 0) FROM conversations c LEFT JOIN messages m ON m.conversation_id = c.id
           WHERE c.name LIKE 'soak-room-%' GROUP BY c.id, c.last_seq""")) {
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            newest.put(rs.getString(1), rs.getLong(2));
            seqGaps += rs.getLong(2) - rs.getLong(3) + (rs.getLong(4) == rs.getLong(2) ? 0 : 1);
          }
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("reading the soak's messages: " + e, e);
    }
    long notInHistory = 0;
    long wrongSeq = 0;
    for (Map.Entry<String, Long> e : acked.seqs().entrySet()) {
      Long seq = stored.get(e.getKey());
      if (seq == null) {
        notInHistory++;
      } else if (!seq.equals(e.getValue())) {
        wrongSeq++;
      }
    }
    long missedBySockets = chat.lost(newest);
    ChatFleet.Stats cs = chat.stats();
    SoakSockets.Stats ss = side.stats();
    long notifyLost = side.notificationsLost(notified);
    long lost = notInHistory + wrongSeq + missedBySockets + seqGaps + cs.pending() + notifyLost;
    long duplicates = cs.duplicates() + storedTwice + cs.ackConflicts() + ss.notifyDuplicates();
    long outOfOrder = cs.outOfOrder() + ss.notifyOutOfOrder();
    ServerMemory.Sample[] atEnd = faults.memory();
    boolean failed = lost > 0 || duplicates > 0 || outOfOrder > 0 || http.serverErrors() > 0 || faults.failed();
    System.out.println();
    System.out.printf("Soak summary (%.1f min from the first send to the check, %,d chat sockets in %,d rooms, %d notification and %d module sockets):%n",
        (System.nanoTime() - started) / 60e9, cs.sockets(), rooms.size(), ss.notifySockets(), ss.moduleSockets());
    System.out.println("  faults injected:      " + faults.summary());
    System.out.printf("  requests tried:       %,d chat sends (%,d refused with an error frame %s, retried with the same clientMsgId), %,d HTTP%n",
        cs.sendsTried(), cs.refused(), new java.util.TreeMap<>(cs.refusedBy()), http.requests());
    System.out.printf("  messages acknowledged: %,d (stored: %,d)%n", acked.seqs().size(), stored.size());
    System.out.printf("  messages lost:        %,d (acknowledged but not in history %d, stored under another seq %d, never acknowledged %d;"
        + " seq gaps in history %d; missed by a member socket %,d; notifications missed %,d of %,d x %d)%n", lost, notInHistory, wrongSeq,
        cs.pending(), seqGaps, missedBySockets, notifyLost, notified.size(), ss.notifySockets());
    System.out.printf("  duplicates:           %,d (received twice by a socket %d, stored twice %d, acked with two seqs %d, notifications %d)%n",
        duplicates, cs.duplicates(), storedTwice, cs.ackConflicts(), ss.notifyDuplicates());
    System.out.printf("  out of order:         %,d (chat %d, notifications %d)%n", outOfOrder, cs.outOfOrder(), ss.notifyOutOfOrder());
    System.out.printf("  5xx:                  %,d (and %,d 503 while a fault was on, as documented; %,d requests found no node)%n",
        http.serverErrors(), http.unavailableDuringFaults(), http.unreachable());
    System.out.printf("  sockets:              chat %,d closes, %,d reconnects (%,d refused); notifications %,d received, %,d reconnects;"
        + " modules %,d heartbeats, %,d confirmed, %,d reconnects%n", cs.closes(), cs.reconnects(), cs.connectFailures(), ss.notifications(),
        ss.notifyReconnects(), ss.heartbeats(), ss.confirmed(), ss.moduleReconnects());
    for (int n = 0; n < atStart.length; n++) {
      System.out.printf("  node %c memory:        start %s; end %s%n", (char) ('a' + n), atStart[n], atEnd[n]);
    }
    if (cs.firstError() != null || ss.firstError() != null || http.firstError() != null) {
      System.out.println("  first errors:         chat " + cs.firstError() + "; side " + ss.firstError() + "; http " + http.firstError());
    }
    System.out.println(failed ? "SOAK FAILED" : "SOAK PASSED");
    return new Verdict(failed);
  }
}
