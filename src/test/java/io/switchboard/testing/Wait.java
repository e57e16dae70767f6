package io.switchboard.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Bounded polling for conditions that become true over time. */
public final class Wait {

  private Wait() {
  }

  /** Polls {@code condition} every 50 ms until it holds or {@code timeout} passes (then fails with {@code what}). */
  public static void until(Duration timeout, String what, Supplier<Boolean> condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }
}
