package io.switchboard.bench;

import java.util.Arrays;

/** Recorded latencies (nanoseconds), summarised as percentiles in milliseconds. */
final class Latencies {

  private long[] values = new long[4096];
  private int size;

  void add(long nanos) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = nanos;
  }

  record Summary(long count, double p50, double p95, double p99, double max) {
  }

  Summary summary() {
    if (size == 0) {
      return new Summary(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    long[] sorted = Arrays.copyOf(values, size);
    Arrays.sort(sorted);
    return new Summary(size, at(sorted, 0.50), at(sorted, 0.95), at(sorted, 0.99), sorted[size - 1] / 1e6);
  }

  private static double at(long[] sorted, double q) {
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }
}
