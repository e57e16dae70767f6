package io.switchboard;

import io.switchboard.bus.Bus;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.switchboard.gateway.GatewayVerticle;
import io.switchboard.http.HttpVerticle;
import io.switchboard.jobs.JobsVerticle;
import io.switchboard.ops.LoopLagProbe;
import io.switchboard.ops.ManagementVerticle;
import io.switchboard.persistence.DatabaseUrl;
import io.switchboard.persistence.EmbeddedDatabase;
import io.switchboard.persistence.Migrations;
import io.switchboard.persistence.PersistenceVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Switchboard node. Boot is one ordered chain: embedded Postgres (when no URL is
 * configured) → migrations → persistence → timed jobs → gateway → event-loop lag probes → management
 * port (when configured) → HTTP last, so the port opens only when everything behind it is ready.
 */
public final class Node {

  private static final Logger log = LoggerFactory.getLogger(Node.class);

  private final Vertx vertx;
  private final NodeContext context;
  private final EmbeddedDatabase embedded;
  /** Deployment ids in start order (HTTP last). */
  private final List<String> deployments;

  private Node(Vertx vertx, NodeContext context, EmbeddedDatabase embedded, List<String> deployments) {
    this.vertx = vertx;
    this.context = context;
    this.embedded = embedded;
    this.deployments = deployments;
  }

  public static Future<Node> start(AppConfig config) {
    AppConfig resolved;
    try {
      resolved = withDevelopmentSecret(config);
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    NodeContext context = new NodeContext(resolved);
    Vertx vertx = Vertx.builder()
        .with(new VertxOptions().setEventLoopPoolSize(eventLoops(resolved)).setMetricsOptions(metricsOptions()))
        .withMetrics(new MicrometerMetricsFactory(context.metrics()))
        .build();
    Bus.install(vertx);
    EmbeddedDatabase[] embedded = new EmbeddedDatabase[1];
    List<String> deployments = new ArrayList<>();
    return database(vertx, resolved, embedded)
        .compose(url -> vertx.executeBlocking(() -> {
          Migrations.migrate(url);
          return url;
        }))
        .compose(url -> vertx.deployVerticle(new PersistenceVerticle(context, url)))
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new JobsVerticle(context));
        })
        .compose(id -> {
          deployments.add(id);
          return vertx.deployVerticle(new GatewayVerticle(context));
        })
        .compose(id -> {
          deployments.add(id);
          return Bootstrap.ensureAdmin(vertx, context);
        })
        .compose(v -> {
          AtomicInteger loop = new AtomicInteger();
          return vertx.deployVerticle(() -> new LoopLagProbe(context.meters(), loop.getAndIncrement()),
              new DeploymentOptions().setInstances(eventLoops(resolved)));
        })
        .compose(id -> {
          deployments.add(id);
          return resolved.get(Settings.MANAGEMENT_PORT) == null ? Future.succeededFuture((String) null)
              : vertx.deployVerticle(new ManagementVerticle(context));
        })
        .compose(id -> {
          if (id != null) {
            deployments.add(id);
          }
          return vertx.deployVerticle(() -> new HttpVerticle(context), new DeploymentOptions().setInstances(httpInstances(resolved)));
        })
        .map(id -> {
          deployments.add(id);
          Node node = new Node(vertx, context, embedded[0], deployments);
          log.atInfo().addKeyValue("node", resolved.nodeId()).addKeyValue("port", node.port()).log("switchboard ready");
          return node;
        })
        .recover(e -> vertx.close().transform(x -> closeEmbedded(vertx, embedded[0])).transform(x -> Future.failedFuture(e)));
  }

  /**
   * Vert.x's own meters (HTTP server and WebSocket, event bus, pools, JVM) go to the node's registry,
   * beside Switchboard's. Labels are those of bounded cardinality only: method, status code and route
   * template for HTTP (never the path, which carries ids, nor the client's address); pool type and
   * name; the event bus's side (never its addresses, which carry conversation and user ids). Vert.x
   * keeps one registry per name in the JVM, so each node's name is its own (tests run several nodes).
   */
  private static MicrometerMetricsOptions metricsOptions() {
    return new MicrometerMetricsOptions()
        .setEnabled(true)
        .setRegistryName("switchboard-" + UUID.randomUUID())
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setLabels(EnumSet.of(Label.HTTP_METHOD, Label.HTTP_CODE, Label.HTTP_ROUTE, Label.POOL_TYPE, Label.POOL_NAME, Label.EB_SIDE));
  }

  private static Future<DatabaseUrl> database(Vertx vertx, AppConfig config, EmbeddedDatabase[] embedded) {
    if (config.isSet(Settings.PG_URL)) {
      return Future.succeededFuture(DatabaseUrl.parse(config.get(Settings.PG_URL)));
    }
    return vertx.executeBlocking(() -> {
      embedded[0] = EmbeddedDatabase.start(Path.of(config.get(Settings.DATA_DIR)), config.get(Settings.PG_EMBEDDED_PORT));
      return DatabaseUrl.parse(embedded[0].url());
    });
  }

  private static int httpInstances(AppConfig config) {
    int n = config.get(Settings.HTTP_INSTANCES);
    return n > 0 ? n : eventLoops(config);
  }

  private static int eventLoops(AppConfig config) {
    int n = config.get(Settings.EVENT_LOOPS);
    return n > 0 ? n : VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
  }

  /** In dev without a configured secret, a random one is generated once and kept under the data dir. */
  private static AppConfig withDevelopmentSecret(AppConfig config) throws IOException {
    if (config.get(Settings.JWT_SECRET) != null || !config.get(Settings.JWT_ALGORITHM).equals("HS256")) {
      return config;
    }
    Path file = Path.of(config.get(Settings.DATA_DIR), "jwt-dev-secret");
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      byte[] bytes = new byte[48];
      new SecureRandom().nextBytes(bytes);
      writeOwnerOnly(file, Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
      log.atWarn().addKeyValue("file", file).log("generated a development JWT secret; set SWITCHBOARD_JWT_SECRET in production");
    }
    return config.with(Settings.JWT_SECRET, Files.readString(file).trim());
  }

  /** Creates {@code file} readable and writable by its owner only (0600 from the start, not chmod-ed afterwards). */
  private static void writeOwnerOnly(Path file, String content) throws IOException {
    Set<OpenOption> open = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    FileAttribute<?>[] attributes = file.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
        : new FileAttribute<?>[0];
    try (SeekableByteChannel channel = Files.newByteChannel(file, open, attributes)) {
      channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII)));
    }
  }

  public int port() {
    return context.httpPort().get();
  }

  public Vertx vertx() {
    return vertx;
  }

  public NodeContext context() {
    return context;
  }

  /**
   * Graceful stop: undeploys in reverse start order, so the HTTP verticles go first (no new
   * connections; sockets flush and close with 1012), then gateway, jobs and persistence; then Vert.x.
   */
  public Future<Void> stop() {
    Future<Void> chain = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      String id = deployments.get(i);
      chain = chain.transform(x -> vertx.undeploy(id)
          .onFailure(e -> log.atWarn().addKeyValue("deployment", id).setCause(e).log("undeploy failed")));
    }
    return chain.transform(x -> vertx.close()).transform(x -> closeEmbedded(null, embedded));
  }

  private static Future<Void> closeEmbedded(Vertx unused, EmbeddedDatabase db) {
    if (db == null) {
      return Future.succeededFuture();
    }
    try {
      db.close();
      return Future.succeededFuture();
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
  }
}
