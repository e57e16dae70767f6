package io.switchboard.http;

import io.micrometer.core.instrument.Counter;
import io.switchboard.NodeContext;
import io.switchboard.auth.Authenticator;
import io.switchboard.auth.LoginThrottle;
import io.switchboard.auth.PasswordHasher;
import io.switchboard.http.api.AdminGroupsApi;
import io.switchboard.http.api.AdminUsersApi;
import io.switchboard.http.api.AuditApi;
import io.switchboard.http.api.AuthApi;
import io.switchboard.http.api.JobsAdminApi;
import io.switchboard.http.api.MeApi;
import io.switchboard.gateway.session.ChatHub;
import io.switchboard.gateway.session.ChatUpgrade;
import io.switchboard.gateway.session.NotificationStreams;
import io.switchboard.gateway.session.NotificationUpgrade;
import io.switchboard.gateway.session.UserHub;
import io.switchboard.gateway.session.Sessions;
import io.switchboard.gateway.session.SocketGate;
import io.switchboard.http.api.ConversationsApi;
import io.switchboard.http.api.MessagesApi;
import io.switchboard.http.api.NotificationsApi;
import io.switchboard.http.api.ModuleRegistrationApi;
import io.switchboard.http.api.ModulesApi;
import io.switchboard.http.api.BannerApi;
import io.switchboard.http.api.AnnouncementsApi;
import io.switchboard.http.api.AnnouncementPresets;
import io.switchboard.media.ImageWork;
import io.switchboard.media.MediaUrls;
import io.switchboard.media.MediaFiles;
import io.switchboard.media.MediaStorages;
import io.switchboard.gateway.session.ModuleUpgrade;
import io.switchboard.auth.TokenService;
import io.switchboard.config.Settings;
import io.switchboard.http.error.FailureHandler;
import io.switchboard.ops.Meters;
import io.switchboard.ops.MetricsEndpoint;
import io.switchboard.ops.OpsApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Owns the public port and the whole router (deployed once per event loop; Vert.x balances
 * connections between the instances). The routes come from the OpenAPI contract, which also
 * validates requests; WebSocket upgrades are handed to the gateway's session code.
 */
public final class HttpVerticle extends VerticleBase {

  public static final String CONTRACT = "openapi.yaml";
  /** How long a stopping node waits for its connections to finish before closing them. */
  static final long SHUTDOWN_GRACE_SECONDS = 10;

  private final NodeContext node;
  private HttpServer server;
  private HeadTimeout headTimeout;
  private MediaFiles mediaFiles;

  public HttpVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    String presetsFile = node.config().get(Settings.ANNOUNCEMENT_PRESETS_FILE);
    return Future.all(OpenAPIContract.from(vertx, CONTRACT), vertx.fileSystem().readFile(CONTRACT),
            vertx.executeBlocking(() -> AnnouncementPresets.read(presetsFile)))
        .compose(all -> listen(router(all.resultAt(0), all.resultAt(1), all.resultAt(2))));
  }

  private Router router(OpenAPIContract contract, Buffer rawContract, Map<String, AnnouncementPresets.Preset> presets) {
    var config = node.config();
    Authenticator authenticator = new Authenticator(vertx, node, new TokenService(vertx, config));
    AuthGuard guard = new AuthGuard(authenticator);
    MediaUrls urls = new MediaUrls(config);
    mediaFiles = new MediaFiles(vertx, MediaStorages.of(vertx, config));

    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    headTimeout = new HeadTimeout(vertx, config.get(Settings.HTTP_HEADER_TIMEOUT_SECONDS) * 1000L,
        Counter.builder("switchboard_http_header_timeouts")
            .description("connections closed because their request head did not arrive in time").register(node.metrics()));
    builder.rootHandler(headTimeout);
    builder.rootHandler(new RequestLog());
    builder.rootHandler(new SecurityHeaders());
    builder.rootHandler(new ClientAddress(config.get(Settings.TRUSTED_PROXIES)));
    builder.rootHandler(new UpgradeThrottle(node.socketUpgrades(), node.meters().rateLimited(Meters.Refused.UPGRADE)));
    Uploads uploads = new Uploads(config.get(Settings.HTTP_MAX_UPLOAD_BYTES), Path.of(config.get(Settings.DATA_DIR), "uploads").toString());
    builder.rootHandler(new BodyLimits(config.get(Settings.HTTP_MAX_BODY_BYTES), uploads));
    builder.rootHandler(new InputGuard());
    builder.rootHandler(guard.identify());

    for (OpenAPIRoute route : builder.getRoutes()) {
      route.setDoSecurity(false);
      if (!route.getOperation().getSecurityRequirements().isEmpty()) {
        Object permission = route.getOperation().getExtensions().get(AuthGuard.PERMISSION_EXTENSION);
        route.addHandler(guard.require(permission == null ? null : permission.toString()));
      }
    }
    Map<String, Integer> guards = builder.getRoutes().stream()
        .collect(Collectors.toMap(r -> r.getOperation().getOperationId(), r -> r.getHandlers().size()));
    // the sockets and streams of this event loop, of every kind
    Sessions sessions = new Sessions(vertx, node.gateway(), authenticator, config.get(Settings.WS_UPGRADE_CHECKS),
        config.get(Settings.WS_UPGRADE_QUEUE));
    UserHub users = new UserHub(sessions);
    for (ApiModule module : modules(authenticator, uploads, users, presets)) {
      module.mount(builder);
    }
    requireEveryOperationBound(builder, guards);

    Router router = builder.createRouter();
    router.get(ChatUpgrade.PATH).handler(new ChatUpgrade(authenticator, new ChatHub(sessions)));
    router.get(NotificationUpgrade.PATH).handler(NotificationUpgrade.current(authenticator, users));
    router.get(NotificationUpgrade.LEGACY_PATH).handler(NotificationUpgrade.legacy(authenticator, users));
    router.get(ModuleUpgrade.PATH).handler(new ModuleUpgrade(sessions, node.gateway().modules()));
    if (config.get(Settings.MANAGEMENT_PORT) == null) {
      // with a management port, /metrics is served there only
      router.get(MetricsEndpoint.PATH).handler(new MetricsEndpoint(vertx, node.metrics(), config.get(Settings.METRICS_TOKEN)));
    }
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml; charset=utf-8").end(rawContract));
    router.get("/media/:id").handler(new MediaRoute(vertx, urls, mediaFiles));
    router.get("/docs").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        ctx.next();
      } else {
        ctx.redirect("/docs/");
      }
    });
    router.get("/docs/swagger-initializer.js").handler(SwaggerUi::initializer);
    router.get("/docs/*").handler(StaticHandler.create(SwaggerUi.ROOT).setCachingEnabled(true));
    WebClientRoutes.mount(router);

    FailureHandler failures = new FailureHandler();
    router.route().failureHandler(failures);
    for (int status : List.of(400, 401, 403, 404, 405, 413, 415, 500, 503)) {
      router.errorHandler(status, failures);
    }
    return router;
  }

  private List<ApiModule> modules(Authenticator authenticator, Uploads uploads, UserHub users,
      Map<String, AnnouncementPresets.Preset> presets) {
    var config = node.config();
    PasswordHasher hasher = new PasswordHasher(vertx, node);
    LoginThrottle throttle = new LoginThrottle(vertx, config);
    ImageWork images = new ImageWork(vertx, config);
    MediaFiles media = mediaFiles;
    return List.of(
        new OpsApi(vertx, node),
        new AuthApi(vertx, authenticator.tokens(), hasher, throttle, node.signInCalls(), node.meters().rateLimited(Meters.Refused.SIGNIN)),
        new JobsAdminApi(vertx, config),
        new MeApi(vertx, hasher, throttle, uploads, images, media, node.meters().rateLimited(Meters.Refused.PASSWORD)),
        new AdminUsersApi(vertx, node, hasher),
        new AdminGroupsApi(vertx, node),
        new AuditApi(vertx),
        new ConversationsApi(vertx, node.gateway()),
        new MessagesApi(vertx, node.gateway(), uploads, images, media),
        new NotificationsApi(vertx),
        new ModuleRegistrationApi(vertx, config),
        new ModulesApi(vertx),
        new BannerApi(vertx, uploads, images, media),
        new AnnouncementsApi(vertx, node.gateway(), images, media, presets),
        routes -> routes.getRoute(NotificationStreams.OPERATION).addHandler(new NotificationStreams(authenticator, users)));
  }

  /** An operation without a handler would silently answer 503; refuse to start instead. */
  private static void requireEveryOperationBound(RouterBuilder builder, Map<String, Integer> guards) {
    String unbound = builder.getRoutes().stream()
        .filter(r -> r.getHandlers().size() <= guards.get(r.getOperation().getOperationId()))
        .map(r -> r.getOperation().getOperationId())
        .collect(Collectors.joining(", "));
    if (!unbound.isEmpty()) {
      throw new IllegalStateException("operations without a handler: " + unbound);
    }
  }

  private Future<HttpServer> listen(Router router) {
    var config = node.config();
    int port = config.get(Settings.HTTP_PORT);
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.get(Settings.HTTP_HOST))
        // -1 shares one random port between the instances of this verticle (tests use port 0)
        .setPort(port == 0 ? -1 : port)
        // handlers write on the connection's own event loop: plain HTTP connections skip the cross-thread write queue
        .setStrictThreadMode(true)
        .setCompressionSupported(false)
        .setTcpNoDelay(true)
        .setWebSocketSubProtocols(List.of(SocketGate.SUBPROTOCOL))
        // SPEC §5: larger frames, or messages of several frames, close the socket with 1009
        .setMaxWebSocketFrameSize(config.get(Settings.WS_MAX_FRAME_BYTES))
        .setMaxWebSocketMessageSize(config.get(Settings.WS_MAX_FRAME_BYTES))
        // a larger head gets 431, a longer request line 414 (Vert.x answers both and closes the connection)
        .setMaxHeaderSize(config.get(Settings.HTTP_MAX_HEADER_BYTES))
        .setMaxInitialLineLength(config.get(Settings.HTTP_MAX_LINE_BYTES))
        // no permessage-deflate (nor the old per-frame deflate), which Vert.x accepts by default and every browser offers:
        // each socket would keep a zlib deflater and inflater for its whole life, ~65 KB of native memory, for frames of
        // a few hundred bytes (an idle socket is ~8 KB without them)
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        // a connection (HTTP or WebSocket) silent both ways this long is closed; WebSocket pings keep quiet sockets busy
        .setIdleTimeout(config.get(Settings.HTTP_IDLE_TIMEOUT_SECONDS))
        .setIdleTimeoutUnit(TimeUnit.SECONDS)
        // HTTP/1.1 only (TLS and HTTP/2 end at the proxy): the connection handler then runs as a connection opens,
        // not after its first bytes, so the head timeout counts from the start
        .setHttp2ClearTextEnabled(false);
    int sendBuffer = config.get(Settings.HTTP_SEND_BUFFER_BYTES);
    if (sendBuffer > 0) {
      // a fixed SO_SNDBUF turns the kernel's autotuning off: what a reader that never reads pins is this plus its outbox
      options.setSendBufferSize(sendBuffer);
    }
    return vertx.createHttpServer(options)
        .connectionHandler(headTimeout::opened)
        .requestHandler(router)
        .listen()
        .onSuccess(s -> {
          server = s;
          node.httpPort().compareAndSet(-1, s.actualPort());
        });
  }

  /**
   * Stops accepting, then asks every connection to finish: conversation sockets write what is queued
   * and close with 1012 (clients reconnect elsewhere), requests in flight complete.
   */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
  }
}
