package io.switchboard.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * User plus system CPU, from {@code /proc/<pid>/stat}, of a server JVM and of the Postgres backends
 * connected to its database, and the cluster's WAL ({@code pg_stat_wal}), between {@link #start} and
 * {@link #stop}. The backends are those connected at the start plus those connected at the stop that
 * were not there at the start (a pool opening a connection in the window: all of its CPU is the
 * window's); a backend both opened and closed within the window is missed. The WAL counters are
 * cluster-wide (other databases' writes count too) and each backend adds its share when it goes idle,
 * at most once a second (PG 15), so a window's end may miss up to a second of a backend's WAL, which
 * then shows in the next window.
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
  private final Backends.PgSample pg0;
  private final long server0;
  private final long pgTicks0;

  private CpuWindow(long serverPid, String pgUrl) {
    this.serverPid = serverPid;
    this.pgUrl = pgUrl;
    this.pg0 = pgUrl == null ? null : Backends.sample(pgUrl);
    this.server0 = Machine.cpuTicks(serverPid);
    this.pgTicks0 = pg0 == null ? 0 : Machine.cpuTicks(pg0.pids());
  }

  /** Starts a window on {@code serverPid} and, when {@code pgUrl} is not null, the backends of that database and the WAL. */
  static CpuWindow start(long serverPid, String pgUrl) {
    return new CpuWindow(serverPid, pgUrl);
  }

  Cpu stop() {
    double serverMs = (Machine.cpuTicks(serverPid) - server0) * Machine.tickMs();
    if (pgUrl == null) {
      return new Cpu(serverMs, Double.NaN, Double.NaN, Double.NaN);
    }
    long ticks = Machine.cpuTicks(pg0.pids());
    Backends.PgSample pg1 = Backends.sample(pgUrl);
    List<Long> opened = new ArrayList<>(pg1.pids());
    opened.removeAll(pg0.pids());
    ticks += Machine.cpuTicks(opened);
    return new Cpu(serverMs, (ticks - pgTicks0) * Machine.tickMs(), pg1.walRecords() - pg0.walRecords(), pg1.walBytes() - pg0.walBytes());
  }
}
