package io.switchboard.jobs;

import io.switchboard.NodeContext;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Timed jobs of the node: periodic purges of expired authentication data. */
public final class JobsVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(JobsVerticle.class);
  private static final long AUTH_PURGE_EVERY_MS = 60_000;
  private final NodeContext node;
  private long timer = -1;

  public JobsVerticle(NodeContext node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    timer = vertx.setPeriodic(AUTH_PURGE_EVERY_MS, id -> authPurge());
    return Future.succeededFuture();
  }

  private void authPurge() {
    Bus.request(vertx, Addresses.AUTH_PURGE, (Void) null)
        .onSuccess(n -> log.atDebug().addKeyValue("rows", n).addKeyValue("node", node.nodeId()).log("auth purge"))
        .onFailure(e -> log.atWarn().addKeyValue("error", e.getMessage()).log("auth purge failed"));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
