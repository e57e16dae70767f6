package io.switchboard.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * A load socket that keeps reconnecting ({@link ChatFleet}'s, {@link SoakSockets}'): whether it is
 * open, which of its nodes it dials, how many connects in a row failed, whether a retry is waiting.
 * Used on its fleet's event loop only.
 */
abstract class RedialingSocket {

  ClientWebSocket ws;
  boolean open;
  int portIndex;
  /** A reconnect is scheduled. */
  boolean waiting;
  /** Failed connects in a row. */
  int failures;

  /** The port to dial: the same node until a connect fails, then the next one. */
  final int port(int[] ports) {
    return ports[portIndex % ports.length];
  }

  /** A connect failed: the next one goes to the next node, after a longer wait. */
  final void connectFailed() {
    portIndex++;
    failures++;
  }

  /**
   * Unless {@code closing} or a retry is already waiting: after a jittered while (250 ms doubling to
   * 2 s with each failure in a row, plus up to as much again at random) runs {@code attempt}, unless
   * by then the fleet is closing or the socket is open again.
   */
  final void redial(Vertx vertx, BooleanSupplier closing, Runnable attempt) {
    if (closing.getAsBoolean() || waiting) {
      return;
    }
    waiting = true;
    long base = Math.min(2000, 250L << Math.min(failures, 3));
    vertx.setTimer(base + ThreadLocalRandom.current().nextLong(base + 1), t -> {
      waiting = false;
      if (closing.getAsBoolean() || open) {
        return;
      }
      attempt.run();
    });
  }
}
