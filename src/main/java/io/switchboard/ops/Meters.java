package io.switchboard.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Switchboard's own meters of one node (docs/operations.md lists them), registered once at start, so
 * that the hot paths hold a meter and only increment it: no lookup by name or tags per message. Every
 * label has a fixed set of values (socket kinds, refusals); none carries a user, conversation or
 * module id. Thread-safe: the meters are Micrometer's.
 */
public final class Meters {

  /** The kinds of sockets and streams: the {@code kind} of {@code switchboard_sockets_open}. */
  public static final List<String> SOCKET_KINDS = List.of("chat", "notifications", "legacy", "modules", "sse");

  /** What a rate limit refused: the {@code what} of {@code switchboard_rate_limited_total}. */
  public enum Refused {
    /** a message (text or picture) past the sender's budget or the conversation's slow mode */
    MESSAGE,
    /** a login, register, refresh or captcha call past the client address's budget */
    SIGNIN,
    /** a password change past the username's attempt limit */
    PASSWORD,
    /** a client frame past its socket's frame budget */
    FRAME,
    /** a WebSocket upgrade past the client address's budget */
    UPGRADE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final Map<String, AtomicInteger> socketsOpen = new LinkedHashMap<>();
  private final Counter messagesStored;
  private final Counter messagesDelivered;
  private final Counter slowConsumerCloses;
  private final Timer fanoutLatency;
  private final DistributionSummary groupCommitSize;
  private final Map<Refused, Counter> rateLimited = new EnumMap<>(Refused.class);

  public Meters(MeterRegistry registry) {
    this.registry = registry;
    for (String kind : SOCKET_KINDS) {
      AtomicInteger count = new AtomicInteger();
      Gauge.builder("switchboard.sockets.open", count, AtomicInteger::get).tag("kind", kind).strongReference(true)
          .description("open sockets and streams by kind").register(registry);
      socketsOpen.put(kind, count);
    }
    messagesStored = Counter.builder("switchboard.messages.stored")
        .description("messages committed to Postgres by this node").register(registry);
    messagesDelivered = Counter.builder("switchboard.messages.delivered")
        .description("message frames written to conversation sockets, live and replayed").register(registry);
    slowConsumerCloses = Counter.builder("switchboard.slow.consumer.closes")
        .description("sockets closed (1013) and streams ended because their reader fell too far behind").register(registry);
    fanoutLatency = Timer.builder("switchboard.fanout.latency")
        .description("from the commit of a message on this node to its frame written to the sockets of one event loop")
        .serviceLevelObjectives(millis(1), millis(2), millis(5), millis(10), millis(25), millis(50), millis(100),
            millis(250), millis(500), millis(1000), millis(2500), millis(5000))
        .register(registry);
    groupCommitSize = DistributionSummary.builder("switchboard.group.commit.size")
        .description("messages written by one group commit (one statement, one transaction)")
        .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256)
        .register(registry);
    for (Refused what : Refused.values()) {
      rateLimited.put(what, Counter.builder("switchboard.rate.limited").tag("what", what.label())
          .description("calls and frames refused by a rate limit").register(registry));
    }
  }

  /**
   * A node's registry. Three of Micrometer's JVM meters are left out, as their names break Prometheus's
   * naming rules ({@code promtool check metrics}): {@code jvm_compilation_time_ms_total} and
   * {@code process_cpu_time_ns_total} (abbreviated units), {@code system_cpu_count} (a gauge named like
   * a summary's count). Vert.x's HTTP server response time (one series per bucket, route, method and
   * status: a bounded set) and its Postgres and Redis client times (one series per bucket) get
   * histogram buckets.
   */
  public static PrometheusMeterRegistry newRegistry() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config()
        .meterFilter(MeterFilter.deny(id -> REFUSED_NAMES.contains(id.getName())))
        .meterFilter(new MeterFilter() {
          @Override
          public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            if (!BUCKETED_TIMES.contains(id.getName())) {
              return config;
            }
            return DistributionStatisticConfig.builder()
                .serviceLevelObjectives(seconds(0.005), seconds(0.01), seconds(0.025), seconds(0.05), seconds(0.1), seconds(0.25),
                    seconds(0.5), seconds(1), seconds(2.5), seconds(5), seconds(10))
                .build().merge(config);
          }
        });
    return registry;
  }

  private static final Set<String> REFUSED_NAMES = Set.of("jvm.compilation.time", "process.cpu.time", "system.cpu.count");
  private static final Set<String> BUCKETED_TIMES = Set.of("vertx.http.server.response.time", "vertx.sql.processing.time",
      "vertx.redis.processing.time");

  private static double seconds(double s) {
    return s * 1e9; // timers' histograms are configured in nanoseconds
  }

  private static Duration millis(long ms) {
    return Duration.ofMillis(ms);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The count behind {@code switchboard_sockets_open{kind}}; {@code kind} is one of {@link #SOCKET_KINDS}. */
  public AtomicInteger socketsOpen(String kind) {
    AtomicInteger count = socketsOpen.get(kind);
    if (count == null) {
      throw new IllegalArgumentException("unknown socket kind " + kind);
    }
    return count;
  }

  public Counter messagesStored() {
    return messagesStored;
  }

  public Counter messagesDelivered() {
    return messagesDelivered;
  }

  public Counter slowConsumerCloses() {
    return slowConsumerCloses;
  }

  public DistributionSummary groupCommitSize() {
    return groupCommitSize;
  }

  public Counter rateLimited(Refused what) {
    return rateLimited.get(what);
  }

  /** A gauge of a value another component owns, read at each scrape (from the scraping thread). */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).strongReference(true).register(registry);
  }

  /** The lag of event loop {@code loop}, in seconds ({@link LoopLagProbe}). */
  void eventLoopLag(int loop, Supplier<Number> seconds) {
    Gauge.builder("switchboard.event.loop.lag", seconds).tag("loop", Integer.toString(loop)).baseUnit("seconds")
        .description("how late a timer due every " + LoopLagProbe.PERIOD_MS + " ms last fired on this event loop")
        .strongReference(true).register(registry);
  }

  /** {@code messages} messages of one hub were handed to its sockets {@code nanos} after their commit. */
  public void fannedOut(int messages, long nanos) {
    for (int i = 0; i < messages; i++) {
      fanoutLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
