package io.switchboard.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * A server's memory: heap in use (the sum of {@code jvm_memory_used_bytes{area="heap"}} from the node's
 * {@code /metrics}) and resident set (VmRSS from {@code /proc/<pid>/status}), summed over the nodes given.
 */
final class ServerMemory {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Heap and RSS in MB; NaN where it could not be read. */
  record Sample(double heapMb, double rssMb) {
    static final Sample NONE = new Sample(Double.NaN, Double.NaN);

    String heapText() {
      return Double.isNaN(heapMb) ? "-" : String.format("%.0f", heapMb);
    }

    String rssText() {
      return Double.isNaN(rssMb) ? "-" : String.format("%.0f", rssMb);
    }

    Sample max(Sample other) {
      return new Sample(Double.isNaN(heapMb) ? other.heapMb : Math.max(heapMb, other.heapMb),
          Double.isNaN(rssMb) ? other.rssMb : Math.max(rssMb, other.rssMb));
    }

    @Override
    public String toString() {
      return "heap " + heapText() + " MB, RSS " + rssText() + " MB";
    }
  }

  private ServerMemory() {
  }

  static Sample of(ServerProcess... servers) {
    return of(List.of(servers));
  }

  static Sample of(List<ServerProcess> servers) {
    double heap = 0;
    double rss = 0;
    for (ServerProcess s : servers) {
      heap += heapBytes(s.port) / 1e6;
      long kb = s.rssKb();
      rss += kb < 0 ? Double.NaN : kb / 1024.0;
    }
    return new Sample(heap, rss);
  }

  /** Heap in use per {@code /metrics} on {@code port}, in bytes; NaN when it does not answer. */
  static double heapBytes(int port) {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        return Double.NaN;
      }
      double sum = 0;
      boolean found = false;
      for (String line : r.body().split("\n")) {
        if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
          found = true;
        }
      }
      return found ? sum : Double.NaN;
    } catch (Exception e) {
      return Double.NaN;
    }
  }
}
