package io.switchboard;

import io.switchboard.auth.PermissionCache;
import io.switchboard.auth.RevocationList;
import io.switchboard.cluster.ClusterLink;
import io.switchboard.cluster.LocalLink;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.switchboard.gateway.Gateway;
import io.switchboard.gateway.RateLimiter;
import io.switchboard.ops.Meters;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the verticles of one node share: the configuration and the node-wide, thread-safe state
 * (session revocations, permission sets, the per-address budgets of sign-in calls and socket upgrades, the count of password
 * hashes admitted). Handed to each
 * verticle at construction.
 */
public final class NodeContext {

  private final AppConfig config;
  private final RevocationList revocations = new RevocationList();
  private final PermissionCache permissions = new PermissionCache();
  private final AtomicInteger httpPort = new AtomicInteger(-1);
  private volatile ClusterLink clusterLink = new LocalLink();
  private final PrometheusMeterRegistry metrics = Meters.newRegistry();
  private final Meters meters = new Meters(metrics);
  private final AtomicInteger managementPort = new AtomicInteger(-1);
  private final AtomicReference<Gateway> gateway = new AtomicReference<>();
  private final RateLimiter signInCalls;
  private final RateLimiter socketUpgrades;
  private final AtomicInteger passwordHashes = new AtomicInteger();

  public NodeContext(AppConfig config) {
    this.config = config;
    this.signInCalls = new RateLimiter(config.get(Settings.AUTH_IP_BURST), config.get(Settings.AUTH_IP_PER_MINUTE) / 60.0);
    this.socketUpgrades = new RateLimiter(config.get(Settings.WS_UPGRADE_BURST), config.get(Settings.WS_UPGRADES_PER_SECOND));
  }

  public AppConfig config() {
    return config;
  }

  public String nodeId() {
    return config.nodeId();
  }

  public RevocationList revocations() {
    return revocations;
  }

  public PermissionCache permissions() {
    return permissions;
  }

  /**
   * The node's meter registry (Prometheus naming), scraped at {@code /metrics}: Vert.x's own meters
   * (HTTP, WebSocket, event bus, pools, JVM) and Switchboard's land here.
   */
  public PrometheusMeterRegistry metrics() {
    return metrics;
  }

  /** Switchboard's own meters, resolved once ({@link Meters}). */
  public Meters meters() {
    return meters;
  }

  /** The link to the other nodes (set by the gateway at start; {@link LocalLink} on a single node). */
  public ClusterLink clusterLink() {
    return clusterLink;
  }

  public void clusterLink(ClusterLink link) {
    this.clusterLink = link;
  }

  /**
   * One bucket per client address for login, register, refresh and captcha together, shared by the
   * node's HTTP verticle instances (so the budget is per node, not per event loop).
   */
  public RateLimiter signInCalls() {
    return signInCalls;
  }

  /**
   * One bucket per client address for WebSocket upgrades of every kind, shared by the node's HTTP
   * verticle instances ({@code io.switchboard.http.UpgradeThrottle}).
   */
  public RateLimiter socketUpgrades() {
    return socketUpgrades;
  }

  /** Password hashes admitted to the node's hashing pool, running or waiting ({@link io.switchboard.auth.PasswordHasher}). */
  public AtomicInteger passwordHashes() {
    return passwordHashes;
  }

  public AtomicInteger httpPort() {
    return httpPort;
  }

  /** The management port once it listens; -1 when there is none. */
  public AtomicInteger managementPort() {
    return managementPort;
  }

  /** The node's real-time gateway, attached by the gateway verticle before the HTTP verticles start. */
  public Gateway gateway() {
    Gateway g = gateway.get();
    if (g == null) {
      throw new IllegalStateException("the gateway verticle has not started");
    }
    return g;
  }

  public void attachGateway(Gateway g) {
    gateway.set(g);
  }
}
