package io.switchboard.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine the benchmark runs on, and CPU pinning with {@code taskset}: on a machine with at
 * least two cores the server side (Switchboard, Postgres, Redis) gets the first half of the cores and
 * the load generator (this JVM) the second half. Affinities changed on processes this JVM did not
 * start (the machine's Postgres and Redis) are put back when the benchmark ends.
 */
final class Machine {

  final int cores;
  final boolean pin;
  final String serverCpus;
  final String generatorCpus;
  final List<String> notes = new ArrayList<>();
  private final Map<Long, String> restore = new LinkedHashMap<>();

  Machine(boolean pinWanted) {
    this.cores = Runtime.getRuntime().availableProcessors();
    this.pin = pinWanted && cores >= 2 && run("taskset", "-V") != null;
    this.serverCpus = cores <= 2 ? "0" : "0-" + (cores / 2 - 1);
    this.generatorCpus = cores <= 2 ? "1" : (cores / 2) + "-" + (cores - 1);
  }

  /** Pins this JVM (every thread already running, and so every later one) to the generator's cores. */
  void pinSelf() {
    if (!pin) {
      notes.add("no CPU pinning (" + cores + " core(s)" + (cores >= 2 ? ", pinning disabled or taskset missing" : "") + ")");
      return;
    }
    long pid = ProcessHandle.current().pid();
    String out = run("taskset", "-a", "-cp", generatorCpus, Long.toString(pid));
    notes.add(out != null ? "load generator (this JVM, pid " + pid + ") pinned to CPU " + generatorCpus
        : "pinning the load generator to CPU " + generatorCpus + " FAILED");
  }

  /** The command prefix that starts a server process on the server cores. */
  List<String> serverPrefix() {
    return pin ? List.of("taskset", "-c", serverCpus) : List.of();
  }

  /**
   * Pins every running process whose name matches {@code pattern} (pgrep, by process name: the
   * postmaster too, so that the backends it forks later inherit the pinning) to the server cores.
   */
  void pinServerSide(String what, String pattern) {
    if (!pin) {
      return;
    }
    String pids = run("pgrep", pattern);
    if (pids == null || pids.isBlank()) {
      notes.add(what + ": no process found with pgrep '" + pattern + "', NOT pinned");
      return;
    }
    int done = 0;
    int failed = 0;
    for (String line : pids.strip().split("\\s+")) {
      long pid = Long.parseLong(line);
      if (pid == ProcessHandle.current().pid()) {
        continue;
      }
      String before = run("taskset", "-pc", Long.toString(pid));
      String out = run("taskset", "-a", "-cp", serverCpus, Long.toString(pid));
      if (out == null) {
        failed++;
      } else {
        done++;
        if (before != null && before.contains(":")) {
          restore.putIfAbsent(pid, before.substring(before.lastIndexOf(':') + 1).strip());
        }
      }
    }
    notes.add(what + ": " + done + " process(es) pinned to CPU " + serverCpus + (failed > 0 ? ", " + failed + " could not be pinned" : ""));
  }

  /** Puts back the affinities changed by {@link #pinServerSide}. */
  void restore() {
    restore.forEach((pid, cpus) -> run("taskset", "-a", "-cp", cpus, Long.toString(pid)));
    restore.clear();
  }

  static String javaVersion() {
    return System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
  }

  static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      return -1;
    }
    return -1;
  }

  /** User plus system CPU of a process (every thread, reaped children excluded) in clock ticks, from /proc; 0 if it is gone. */
  static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.UTF_8);
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // fields 14 (utime) and 15 (stime) of proc(5); f[0] is field 3
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** CPU ticks of every thread of a process, keyed "name/tid" (the name as /proc shows it, 15 characters at most). */
  static Map<String, Long> threadTicks(long pid) {
    Map<String, Long> out = new LinkedHashMap<>();
    try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String stat = Files.readString(task.resolve("stat"), StandardCharsets.UTF_8);
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
          out.put(name + "/" + task.getFileName(), Long.parseLong(f[11]) + Long.parseLong(f[12]));
        } catch (IOException | RuntimeException e) {
          // the thread ended
        }
      }
    } catch (IOException e) {
      // the process ended
    }
    return out;
  }

  static long cpuTicks(List<Long> pids) {
    long sum = 0;
    for (long pid : pids) {
      sum += cpuTicks(pid);
    }
    return sum;
  }

  /** Milliseconds per clock tick of {@link #cpuTicks}. */
  static double tickMs() {
    return 1000.0 / clockTicksPerSecond();
  }

  private static long clockTicks;

  /** USER_HZ (getconf CLK_TCK), 100 if it cannot be read. */
  static synchronized long clockTicksPerSecond() {
    if (clockTicks == 0) {
      String out = run("getconf", "CLK_TCK");
      try {
        clockTicks = out == null ? 100 : Long.parseLong(out.strip());
      } catch (NumberFormatException e) {
        clockTicks = 100;
      }
    }
    return clockTicks;
  }

  static long openFileLimit() {
    String out = run("sh", "-c", "ulimit -n");
    try {
      return out == null ? -1 : Long.parseLong(out.strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Runs a command; its output, or null when it failed or could not start. */
  static String run(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        return null;
      }
      return out;
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
