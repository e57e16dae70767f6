package io.switchboard.bench;

import io.switchboard.bench.Benchmark.Measured;
import io.switchboard.bench.Benchmark.Ramp;
import io.switchboard.bench.LoadGenerator.Member;
import io.switchboard.bench.LoadGenerator.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Rooms of other shapes than fanout's 20 × 10 (only when named): {@code bigroom}, one room of
 * {@code bench.bigroom.members} (2,000) sockets with one sender at {@code bench.bigroom.rate} (10)
 * msg/s, and {@code manyrooms}, {@code bench.manyrooms.rooms} (2,000) rooms of
 * {@code bench.manyrooms.members} (5) sockets, one sender in each, at a rate that offers as many
 * deliveries per second as fanout's fixed load (2,000/s). Users, sessions, rooms and participants
 * are put into the node's database with SQL ({@link Seed}); every member is a socket of its own user.
 * Each gets a warm-up, a fixed-load step (CPU of the server JVM and of its Postgres backends, heap and
 * RSS at its end) and one saturate ramp from its base rate.
 */
final class RoomsScenario {

  /** A topology: {@code rooms} rooms of {@code members} sockets, the first {@code senders} of each sending at {@code rate}. */
  record Shape(String name, int rooms, int members, int senders, double rate) {
    int sockets() {
      return rooms * members;
    }

    String describe() {
      return String.format("%,d room(s) x %,d members, %d sender(s) per room at %.3g msg/s (%,.0f deliveries/s offered)", rooms,
          members, senders, rate, rooms * senders * rate * members);
    }
  }

  static Shape bigroom(boolean quick) {
    return new Shape("bigroom", 1, Props.integer("bench.bigroom.members", quick ? 300 : 2000), 1, Props.decimal("bench.bigroom.rate", 10));
  }

  static Shape manyrooms(boolean quick) {
    int rooms = Props.integer("bench.manyrooms.rooms", quick ? 200 : 2000);
    int members = Props.integer("bench.manyrooms.members", 5);
    // as many deliveries offered as fanout's fixed load: 20 rooms x 2 senders x 5 msg/s x 10 members
    double rate = Props.decimal("bench.manyrooms.rate", Benchmark.ROOMS * Benchmark.SENDERS * Benchmark.BASE_RATE * Benchmark.MEMBERS
        / ((double) rooms * members));
    return new Shape("manyrooms", rooms, members, 1, rate);
  }

  /** Fanout's topology, for the two-node runs. */
  static Shape fanout() {
    return new Shape("fanout", Benchmark.ROOMS, Benchmark.MEMBERS, Benchmark.SENDERS, Benchmark.BASE_RATE);
  }

  /** The rooms of a shape in a node's database and a token per socket, in socket order (room by room). */
  record Seeded(List<String> rooms, List<String> tokens) {
  }

  static Seeded seed(String pgUrl, Shape shape) {
    long t0 = System.nanoTime();
    try (Seed seed = new Seed(pgUrl)) {
      List<Seed.User> users = seed.users(shape.name() + "-user-", shape.sockets());
      List<String> rooms = seed.rooms(shape.name() + "-room-", shape.rooms());
      List<String> roomOf = new ArrayList<>();
      List<String> userOf = new ArrayList<>();
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < users.size(); i++) {
        roomOf.add(rooms.get(i / shape.members()));
        userOf.add(users.get(i).id());
        tokens.add(users.get(i).token());
      }
      seed.join(roomOf, userOf);
      System.out.printf("  %s: %,d users, sessions and tokens, %,d rooms and their participants inserted in %.1f s%n", shape.name(),
          users.size(), rooms.size(), (System.nanoTime() - t0) / 1e9);
      return new Seeded(rooms, tokens);
    }
  }

  /** Every socket of the shape; senders on {@code senderPort}, the readers alternating between the ports of {@code readerPorts}. */
  static List<Member> members(Shape shape, Seeded seeded, int senderPort, int... readerPorts) {
    List<Member> members = new ArrayList<>();
    for (int r = 0; r < shape.rooms(); r++) {
      for (int m = 0; m < shape.members(); m++) {
        boolean sender = m < shape.senders();
        int port = sender ? senderPort : readerPorts[m % readerPorts.length];
        String uri = "/ws/chat/" + seeded.rooms().get(r) + "?token=" + seeded.tokens().get(r * shape.members() + m);
        // with two nodes, only the readers are measured, so that both ports carry the same kind of deliveries
        members.add(new Member(port, r, uri, sender, !sender || readerPorts.length == 1));
      }
    }
    return members;
  }

  private final Benchmark bench;

  RoomsScenario(Benchmark bench) {
    this.bench = bench;
  }

  /** One node with the shape: warm-up, fixed step, one ramp; answers the fixed step (null when it failed). */
  Result run(Shape shape) {
    String pgUrl = bench.backends.freshDatabase();
    Map<String, String> env = Switchboard.env("bench-" + shape.name(), pgUrl, bench.backends.redisUrl, Backends.freshPrefix(),
        ServerProcess.freePort());
    System.out.println("  " + shape.name() + ": " + shape.describe());
    try (ServerProcess server = bench.switchboard("switchboard-" + shape.name(), env, false);
        LoadGenerator gen = new LoadGenerator(true)) {
      Seeded seeded = seed(pgUrl, shape);
      ServerMemory.Sample before = ServerMemory.of(server);
      LoadGenerator.Opened opened = gen.open(members(shape, seeded, server.port, server.port), 100);
      Benchmark.requireAll(opened, shape.name() + " sockets");
      System.out.printf("  %s: %,d sockets open in %.1f s; server %s before, %s after%n", shape.name(), opened.opened(), opened.seconds(),
          before, ServerMemory.of(server));
      Measured cpu = new Measured(server.pid(), pgUrl);
      bench.warmUp(gen, shape.name() + " warm-up (not reported)", shape.name(), shape.rate());
      Result fixed = bench.step(gen, shape.name() + " fixed", shape.rate(), bench.fanoutSeconds, cpu);
      bench.table.add(fixed, String.format("%s: %s (fixed load)", shape.name(), sizeText(shape)), "", ServerMemory.of(server));
      Ramp ramp = bench.saturate(gen, shape.name() + " saturate", cpu, bench.firstStep, shape.rate());
      bench.details.add(shape.name() + ": " + shape.describe() + "; capacity at SLO " + (ramp.best() == null ? "none"
          : Table.rate(ramp.capacity()) + " deliveries/s") + "; server memory at the end: " + ServerMemory.of(server));
      gen.closeAll();
      return fixed;
    } catch (RuntimeException e) {
      bench.failed(shape.name(), e);
      return null;
    }
  }

  static String sizeText(Shape shape) {
    return String.format("%,d x %,d", shape.rooms(), shape.members());
  }

  /** CPU of the server JVM(s) and Postgres backends per delivery, in µs; NaN when not measured. */
  static double costPerDelivery(Result r) {
    double pg = Double.isNaN(r.cpu().pgMs()) ? 0 : r.cpu().pgMs();
    return r.deliveries() <= 0 || Double.isNaN(r.cpu().serverMs()) ? Double.NaN : (r.cpu().serverMs() + pg) * 1000 / r.deliveries();
  }
}
