package io.switchboard.bench;

import java.util.List;

/**
 * User plus system CPU, from {@code /proc/<pid>/stat}, of a server JVM and of the Postgres backends
 * connected to its database, between {@link #start} and {@link #stop}. The backends are those
 * connected at the start (a pool opening a connection later is not counted).
 */
final class CpuWindow {

  /** CPU in milliseconds over the window; {@code pgMs} is NaN when there is no Postgres. */
  record Cpu(double serverMs, double pgMs) {
    static final Cpu NONE = new Cpu(Double.NaN, Double.NaN);
  }

  private final long serverPid;
  private final List<Long> pgPids;
  private final long server0;
  private final long pg0;

  private CpuWindow(long serverPid, List<Long> pgPids) {
    this.serverPid = serverPid;
    this.pgPids = pgPids;
    this.server0 = Machine.cpuTicks(serverPid);
    this.pg0 = pgPids == null ? 0 : Machine.cpuTicks(pgPids);
  }

  /** Starts a window on {@code serverPid} and, when {@code pgUrl} is not null, the backends connected to that database. */
  static CpuWindow start(long serverPid, String pgUrl) {
    return new CpuWindow(serverPid, pgUrl == null ? null : Backends.backendPids(pgUrl));
  }

  Cpu stop() {
    long server1 = Machine.cpuTicks(serverPid);
    long pg1 = pgPids == null ? 0 : Machine.cpuTicks(pgPids);
    return new Cpu((server1 - server0) * Machine.tickMs(), pgPids == null ? Double.NaN : (pg1 - pg0) * Machine.tickMs());
  }
}
