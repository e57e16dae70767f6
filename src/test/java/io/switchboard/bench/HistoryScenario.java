package io.switchboard.bench;

import io.switchboard.bench.Benchmark.Measured;
import io.switchboard.bench.LoadGenerator.Member;
import io.switchboard.bench.LoadGenerator.Result;
import io.switchboard.testing.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * Deep history (only when named): {@code bench.history.messages} (10,000,000) messages stored in
 * {@code bench.history.conversations} (1,000) rooms, loaded straight into the node's database by
 * {@link Seed#history} (one {@code INSERT … SELECT generate_series} per chunk, each room's seq
 * counter set to its newest). While fanout's chat (20 of those rooms × 10 member sockets, 2 senders
 * at 5 msg/s) runs for {@code bench.history.seconds} (60): {@code bench.history.pages} (300) history
 * pages of each kind ({@code GET …/messages?limit=50} newest, {@code before=}, {@code after=} a random
 * seq of a random room), one at a time, each timed from request to answer; then
 * {@code bench.history.replays} (10) sockets, one after the other, opened on a chat room with
 * {@code since} {@code bench.history.replay} (1,000) messages back, each timed from its connect until
 * it had every message up to its welcome's {@code lastSeq}. The chat's delivery latency, CPU and the
 * server's memory are reported meanwhile.
 */
final class HistoryScenario {

  static final int PAGE = 50;

  private final Benchmark bench;

  HistoryScenario(Benchmark bench) {
    this.bench = bench;
  }

  void run() {
    long messages = Props.longValue("bench.history.messages", bench.quick ? 200_000 : 10_000_000);
    int conversations = Props.integer("bench.history.conversations", bench.quick ? 100 : 1000);
    int pages = Props.integer("bench.history.pages", bench.quick ? 100 : 300);
    int replays = Props.integer("bench.history.replays", bench.quick ? 3 : 10);
    int replay = Props.integer("bench.history.replay", 1000);
    double seconds = Props.decimal("bench.history.seconds", bench.quick ? 20 : 60);
    long perRoom = messages / conversations;
    String pgUrl = bench.backends.freshDatabase();
    Map<String, String> env = Switchboard.env("bench-history", pgUrl, bench.backends.redisUrl, Backends.freshPrefix(),
        ServerProcess.freePort());
    String size = String.format("%,d messages in %,d rooms", perRoom * conversations, conversations);
    try (ServerProcess server = bench.switchboard("switchboard-history", env, false);
        LoadGenerator gen = new LoadGenerator(true);
        ChatFleet replaying = new ChatFleet();
        Seed seed = new Seed(pgUrl)) {
      List<Seed.User> users = seed.users("history-user-", Benchmark.MEMBERS + 1);
      Seed.User reader = users.get(Benchmark.MEMBERS);
      List<String> rooms = seed.rooms("history-room-", conversations);
      List<String> roomOf = new ArrayList<>();
      List<String> userOf = new ArrayList<>();
      for (int r = 0; r < conversations; r++) {
        roomOf.add(rooms.get(r));
        userOf.add(reader.id());
        for (int m = 0; r < Benchmark.ROOMS && m < Benchmark.MEMBERS; m++) {
          roomOf.add(rooms.get(r));
          userOf.add(users.get(m).id());
        }
      }
      seed.join(roomOf, userOf);
      double loadS = seed.history(rooms, perRoom, reader.id());
      String loaded = String.format("history: %s loaded in %.1f s (%,.0f rows/s); server %s", size, loadS, perRoom * conversations / loadS,
          ServerMemory.of(server));
      System.out.println("  " + loaded);
      bench.details.add(loaded);

      List<Member> chat = new ArrayList<>();
      for (int r = 0; r < Benchmark.ROOMS; r++) {
        for (int m = 0; m < Benchmark.MEMBERS; m++) {
          chat.add(new Member(server.port, r, "/ws/chat/" + rooms.get(r) + "?token=" + users.get(m).token(), m < Benchmark.SENDERS, true));
        }
      }
      Benchmark.requireAll(gen.open(chat, 50), "history chat sockets");
      bench.step(gen, "history warm-up (not reported)", Benchmark.BASE_RATE, Math.min(bench.warmupSeconds, 10));
      Measured cpu = new Measured(server.pid(), pgUrl);
      CompletableFuture<Result> live = CompletableFuture.supplyAsync(
          () -> bench.step(gen, "history: chat meanwhile", Benchmark.BASE_RATE, seconds, cpu));

      Http http = new Http(server.port);
      Random random = new Random(42);
      String[] kinds = {"newest", "before", "after"};
      Latencies.Summary[] byKind = new Latencies.Summary[kinds.length];
      long failures = 0;
      String firstFailure = null;
      for (int k = 0; k < kinds.length; k++) {
        Latencies l = new Latencies();
        for (int i = 0; i < pages; i++) {
          String room = rooms.get(random.nextInt(conversations));
          String query = switch (kinds[k]) {
            case "before" -> "&before=" + (2 + (long) (random.nextDouble() * (perRoom - 1)));
            case "after" -> "&after=" + (long) (random.nextDouble() * Math.max(1, perRoom - PAGE));
            default -> "";
          };
          long t0 = System.nanoTime();
          Http.Response r = http.get("/api/conversations/" + room + "/messages?limit=" + PAGE + query, reader.token());
          l.add(System.nanoTime() - t0);
          if (r.status() != 200 || r.json().getJsonArray("items").isEmpty()) {
            failures++;
            firstFailure = firstFailure == null ? kinds[k] + query + ": " + r : firstFailure;
          }
        }
        byKind[k] = l.summary();
        System.out.printf("  history page %-7s p50 %.2f p95 %.2f p99 %.2f max %.1f ms (%d pages)%n", kinds[k], byKind[k].p50(),
            byKind[k].p95(), byKind[k].p99(), byKind[k].max(), pages);
      }

      Map<String, Long> newest = seed.lastSeqs(rooms.subList(0, Benchmark.ROOMS));
      for (int i = 0; i < replays; i++) {
        String room = rooms.get(i % Benchmark.ROOMS);
        long since = Math.max(0, newest.get(room) - replay);
        replaying.open(List.of(new ChatFleet.Target(room, reader.token(), new int[] {server.port}, since, false)), 1);
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (replaying.catchUpTimes().count() < i + 1 && System.nanoTime() < deadline) {
          ServerProcess.sleep(5);
        }
      }
      Latencies.Summary replayTimes = replaying.catchUpTimes();
      boolean chatStillOn = !live.isDone();
      Result chatResult = live.join();
      ServerProcess.sleep(2000);
      long replayLost = replaying.lost(seed.lastSeqs(rooms.subList(0, Benchmark.ROOMS)));
      ChatFleet.Stats st = replaying.stats();
      ServerMemory.Sample memory = ServerMemory.of(server);

      double worstP99 = 0;
      for (int k = 0; k < kinds.length; k++) {
        worstP99 = Math.max(worstP99, byKind[k].p99());
        bench.table.add(String.format("history: page %s (%d of %d), %s", kinds[k], PAGE, pages, size), "", "", Table.ms(byKind[k].p50()),
            Table.ms(byKind[k].p95()), Table.ms(byKind[k].p99()), Table.ms(byKind[k].max()), "", k == 0 ? Long.toString(failures) : "",
            "", "", "", "", "", "", "", "", "", "", "", "", "", k == 0 ? memory.heapText() : "", k == 0 ? memory.rssText() : "");
      }
      bench.table.add(String.format("history: replay since %,d back (%d sockets)%s", replay, replayTimes.count(),
              chatStillOn ? "" : " (chat had ended)"), "", "", Table.ms(replayTimes.p50()), Table.ms(replayTimes.p95()),
          Table.ms(replayTimes.p99()), Table.ms(replayTimes.max()), Long.toString(replayLost), Long.toString(st.duplicates() + st.outOfOrder()),
          "", "", "");
      bench.table.add(chatResult, "history: live chat meanwhile (20 x 10)", "", memory);
      bench.details.add(String.format("history: pages timed one at a time from request to answer over HTTP/1.1 from this JVM; %d failed%s;"
          + " replays: socket connect until it had every message up to its welcome's lastSeq, %d lost, %d duplicates, %d out of order%s",
          failures, firstFailure == null ? "" : " (first: " + firstFailure + ")", replayLost, st.duplicates(), st.outOfOrder(),
          st.firstError() == null ? "" : "; first error: " + st.firstError()));
      bench.target("history: worst page p99 ms (newest, before=, after=) at " + size, "<=", 10, worstP99,
          failures == 0 ? "ms" : "ms (" + failures + " pages failed)", failures == 0);
      replaying.closeAll();
      gen.closeAll();
    } catch (RuntimeException e) {
      bench.failed("history", e);
    }
  }
}
