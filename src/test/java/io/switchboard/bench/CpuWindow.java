package io.switchboard.bench;

import java.util.List;

/**
 * User plus system CPU, from {@code /proc/<pid>/stat}, of a server JVM and of the Postgres backends
 * connected to its database, and the cluster's WAL ({@code pg_stat_wal}), between {@link #start} and
 * {@link #stop}. The backends are those connected at the start (a pool opening a connection later is not
 * counted). The WAL counters are cluster-wide and are flushed by each backend when it goes idle, at most
 * once a second (PG 15), so a window's end may miss the last second of a backend's WAL, which shows in
 * the next window instead.
 */
final class CpuWindow {

  /**
   * CPU in milliseconds over the window and the WAL written in it; {@code pgMs}, {@code walRecords} and
   * {@code walBytes} are NaN when there is no Postgres.
   */
  record Cpu(double serverMs, double pgMs, double walRecords, double walBytes) {
    static final Cpu NONE = new Cpu(Double.NaN, Double.NaN, Double.NaN, Double.NaN);
  }

  private final long serverPid;
  private final String pgUrl;
  private final List<Long> pgPids;
  private final long[] wal0;
  private final long server0;
  private final long pg0;

  private CpuWindow(long serverPid, String pgUrl) {
    this.serverPid = serverPid;
    this.pgUrl = pgUrl;
    this.pgPids = pgUrl == null ? null : Backends.backendPids(pgUrl);
    this.wal0 = pgUrl == null ? null : Backends.walStats(pgUrl);
    this.server0 = Machine.cpuTicks(serverPid);
    this.pg0 = pgPids == null ? 0 : Machine.cpuTicks(pgPids);
  }

  /** Starts a window on {@code serverPid} and, when {@code pgUrl} is not null, the backends connected to that database and the WAL. */
  static CpuWindow start(long serverPid, String pgUrl) {
    return new CpuWindow(serverPid, pgUrl);
  }

  Cpu stop() {
    long server1 = Machine.cpuTicks(serverPid);
    double serverMs = (server1 - server0) * Machine.tickMs();
    if (pgUrl == null) {
      return new Cpu(serverMs, Double.NaN, Double.NaN, Double.NaN);
    }
    long pg1 = Machine.cpuTicks(pgPids);
    long[] wal1 = Backends.walStats(pgUrl);
    return new Cpu(serverMs, (pg1 - pg0) * Machine.tickMs(), wal1[0] - wal0[0], wal1[1] - wal0[1]);
  }
}
