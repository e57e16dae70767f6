package io.switchboard.bench;

import io.switchboard.bench.Benchmark.Measured;
import io.switchboard.bench.LoadGenerator.Member;
import io.switchboard.bench.LoadGenerator.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The reconnect storm (only when named): two nodes A and B on one database and Redis;
 * {@code bench.storm.sockets} (10,000) conversation sockets on A, {@code bench.storm.members} (5) per
 * room, and on B one more member per room sending, {@code bench.storm.rate} (200) messages per second
 * in all, for {@code bench.storm.seconds} (60). Some seconds in, A restarts (its process stopped,
 * then started again on the same port and database): every socket on A is dropped at once and
 * reconnects ({@link ChatFleet}: jittered, with {@code since}). Reported: the time from the stop until
 * every socket has caught up (connected again and received everything up to the newest seq its
 * welcome announced), each socket's time from its reconnect to caught up, messages lost or doubled
 * per socket (checked against every room's newest seq in Postgres once chat stops), A's peak heap
 * and RSS while it recovers, and the live latency on B's sockets, which stayed.
 */
final class StormScenario {

  private final Benchmark bench;

  StormScenario(Benchmark bench) {
    this.bench = bench;
  }

  void run() {
    int sockets = Props.integer("bench.storm.sockets", bench.quick ? 1000 : 10_000);
    int members = Props.integer("bench.storm.members", 5);
    int rooms = Math.max(1, sockets / members);
    double rate = Props.decimal("bench.storm.rate", 200);
    double seconds = Props.decimal("bench.storm.seconds", bench.quick ? 30 : 60);
    double dropAfter = Math.min(seconds / 4, 10);
    String pgUrl = bench.backends.freshDatabase();
    String prefix = Backends.freshPrefix();
    Map<String, String> envA = Switchboard.env("bench-storm-a", pgUrl, bench.backends.redisUrl, prefix, ServerProcess.freePort());
    Map<String, String> envB = Switchboard.env("bench-storm-b", pgUrl, bench.backends.redisUrl, prefix, ServerProcess.freePort());
    ServerProcess a = null;
    try (ServerProcess b = bench.switchboard("switchboard-storm-b", envB, false);
        ChatFleet fleet = new ChatFleet();
        LoadGenerator gen = new LoadGenerator(true);
        Seed seed = new Seed(pgUrl)) {
      a = bench.switchboard("switchboard-storm-a", envA, false);
      List<Seed.User> users = seed.users("storm-user-", rooms * (members + 1));
      List<String> roomIds = seed.rooms("storm-room-", rooms);
      List<String> roomOf = new ArrayList<>();
      List<String> userOf = new ArrayList<>();
      List<ChatFleet.Target> onA = new ArrayList<>();
      List<Member> onB = new ArrayList<>();
      for (int i = 0; i < users.size(); i++) {
        int r = i / (members + 1);
        roomOf.add(roomIds.get(r));
        userOf.add(users.get(i).id());
        if (i % (members + 1) == members) {
          onB.add(new Member(b.port, r, "/ws/chat/" + roomIds.get(r) + "?token=" + users.get(i).token(), true, true));
        } else {
          onA.add(new ChatFleet.Target(roomIds.get(r), users.get(i).token(), new int[] {a.port}, null, false));
        }
      }
      seed.join(roomOf, userOf);
      LoadGenerator.Opened opened = fleet.open(onA, 100);
      Benchmark.requireAll(opened, "storm sockets on A");
      Benchmark.requireAll(gen.open(onB, 100), "storm senders on B");
      System.out.printf("  storm: %,d sockets on A in %.1f s, %,d senders on B; A %s%n", opened.opened(), opened.seconds(), onB.size(),
          ServerMemory.of(a));
      double perSender = rate / onB.size();
      bench.step(gen, "storm warm-up (not reported)", perSender, Math.min(bench.warmupSeconds, 10));
      Measured cpuB = new Measured(b.pid(), pgUrl);
      CompletableFuture<Result> live = CompletableFuture.supplyAsync(() -> bench.step(gen, "storm: live on B", perSender, seconds, cpuB));
      ServerProcess.sleep((long) (dropAfter * 1000));
      long dropped = System.nanoTime();
      a.close();
      System.out.printf("  storm: A stopped in %.1f s; starting it again%n", (System.nanoTime() - dropped) / 1e9);
      a = bench.switchboard("switchboard-storm-a-restarted", envA, false);
      double restartS = (System.nanoTime() - dropped) / 1e9;
      long cpu0 = Machine.cpuTicks(a.pid());
      ServerMemory.Sample peak = ServerMemory.of(a);
      double caughtUp = Double.NaN;
      long deadline = dropped + (long) (Props.decimal("bench.storm.timeout", 180) * 1e9);
      while (System.nanoTime() < deadline) {
        peak = peak.max(ServerMemory.of(a));
        caughtUp = fleet.caughtUpSeconds(dropped);
        if (!Double.isNaN(caughtUp)) {
          break;
        }
        ServerProcess.sleep(250);
      }
      double recoveryCpuMs = (Machine.cpuTicks(a.pid()) - cpu0) * Machine.tickMs();
      for (int i = 0; i < 8 && !live.isDone(); i++) {
        peak = peak.max(ServerMemory.of(a));
        ServerProcess.sleep(250);
      }
      Result liveB = live.join();
      ServerProcess.sleep(3000);
      Map<String, Long> newest = seed.lastSeqs(roomIds);
      long lost = fleet.lost(newest);
      ChatFleet.Stats st = fleet.stats();
      Latencies.Summary each = fleet.catchUpTimes();
      String line = String.format("storm: %,d sockets dropped by A's restart (A ready again after %.1f s); all caught up %s after the"
          + " stop; per socket reconnect to caught up p50 %.0f p99 %.0f max %.0f ms; lost %d, duplicates %d, out of order %d; %d closes,"
          + " %d reconnects (%d failed); A's peak %s; A's CPU from ready to caught up %.0f ms%s", sockets, restartS,
          Double.isNaN(caughtUp) ? "NEVER (timed out)" : String.format("%.1f s", caughtUp), each.p50(), each.p99(), each.max(), lost,
          st.duplicates(), st.outOfOrder(), st.closes(), st.reconnects(), st.connectFailures(), peak, recoveryCpuMs,
          st.firstError() == null ? "" : "; first error: " + st.firstError());
      System.out.println("  " + line);
      bench.details.add(line);
      bench.table.add(String.format("storm: %,d sockets reconnect, catch-up per socket", sockets), "", "", Table.ms(each.p50()),
          Table.ms(each.p95()), Table.ms(each.p99()), Table.ms(each.max()), Long.toString(lost),
          Long.toString(st.duplicates() + st.outOfOrder()), "", "", "", "", "", "", "", "", "", "", "", "", "", peak.heapText(),
          peak.rssText());
      bench.table.add(String.format("storm: all caught up after the stop (s)"), "", "", "", "", "", Double.isNaN(caughtUp) ? "never"
          : String.format("%.1f s", caughtUp), "", "", "", "", "");
      bench.table.add(liveB, "storm: live on B (sockets that stayed)", "", ServerMemory.of(b));
      bench.target("storm: seconds until every socket caught up (no loss, no duplicate)", "<=", 30,
          caughtUp, String.format("s (lost %d, duplicates %d, out of order %d)", lost, st.duplicates(), st.outOfOrder()),
          lost == 0 && st.duplicates() == 0 && st.outOfOrder() == 0);
      fleet.closeAll();
      gen.closeAll();
    } catch (RuntimeException e) {
      bench.failed("storm", e);
    } finally {
      if (a != null) {
        a.close();
      }
    }
  }
}
