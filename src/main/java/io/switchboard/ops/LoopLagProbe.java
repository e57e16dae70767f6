package io.switchboard.ops;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * One instance per event loop: a timer due every {@link #PERIOD_MS} fires late by as long as its loop
 * was kept busy by other work. The last delay measured is {@code switchboard_event_loop_lag_seconds},
 * labelled with the probe's loop index (0 to the number of event loops - 1).
 */
public final class LoopLagProbe extends VerticleBase {

  static final long PERIOD_MS = 200;

  private final Meters meters;
  private final int loop;
  private volatile long lagNanos;
  private long timer = -1;

  public LoopLagProbe(Meters meters, int loop) {
    this.meters = meters;
    this.loop = loop;
  }

  @Override
  public Future<?> start() {
    meters.eventLoopLag(loop, () -> lagNanos / 1e9);
    schedule();
    return Future.succeededFuture();
  }

  private void schedule() {
    long due = System.nanoTime() + PERIOD_MS * 1_000_000;
    timer = vertx.setTimer(PERIOD_MS, id -> {
      lagNanos = Math.max(0, System.nanoTime() - due);
      schedule();
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
