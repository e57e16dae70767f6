package io.switchboard.bench;

import java.util.ArrayList;
import java.util.List;

/** A plain-text table with right-aligned columns (the first left-aligned). */
final class Table {

  static final List<String> HEADER = List.of("scenario", "offered/s", "delivered/s", "p50 ms", "p95 ms", "p99 ms", "max ms",
      "lost", "errors", "RSS/socket", "connect/s", "vs ceiling", "commit ms", "loop max ms", "server CPU ms", "PG CPU ms",
      "server µs/msg", "server µs/delivery", "pg µs/msg", "WAL rec/msg", "WAL B/msg", "deliveries/core-s",
      "heap MB", "RSS MB");
  /** The columns every table shows; the later ones only when a row fills them. */
  static final int BASE_COLUMNS = 12;

  private final List<List<String>> rows = new ArrayList<>();

  void add(String... cells) {
    List<String> row = new ArrayList<>(List.of(cells));
    while (row.size() < HEADER.size()) {
      row.add("");
    }
    rows.add(row);
  }

  void add(LoadGenerator.Result r, String label, String vsCeiling) {
    add(label, rate(r.offered()), rate(r.delivered()), ms(r.latency().p50()), ms(r.latency().p95()), ms(r.latency().p99()),
        ms(r.latency().max()), Long.toString(r.lost()), Long.toString(r.errors()), "", "", vsCeiling, "", "", "", "",
        us(r.serverUsPerMessage()), us(r.serverUsPerDelivery()), us(r.pgUsPerMessage()), us(r.walRecordsPerMessage()),
        us(r.walBytesPerMessage()), Double.isNaN(r.deliveriesPerCoreSecond()) ? "" : rate(r.deliveriesPerCoreSecond()));
  }

  /** The row of {@link #add(LoadGenerator.Result, String, String)} with the server's memory at the step's end. */
  void add(LoadGenerator.Result r, String label, String vsCeiling, ServerMemory.Sample memory) {
    add(r, label, vsCeiling);
    List<String> row = rows.get(rows.size() - 1);
    row.set(HEADER.indexOf("heap MB"), memory.heapText());
    row.set(HEADER.indexOf("RSS MB"), memory.rssText());
  }

  /** Microseconds, blank when not measured. */
  static String us(double micros) {
    if (Double.isNaN(micros)) {
      return "";
    }
    return micros < 10 ? String.format("%.2f", micros) : micros < 100 ? String.format("%.1f", micros) : String.format("%,.0f", micros);
  }

  static String rate(double perSecond) {
    return String.format("%,.0f", perSecond);
  }

  static String ms(double millis) {
    if (Double.isNaN(millis)) {
      return "-";
    }
    return millis < 10 ? String.format("%.2f", millis) : String.format("%.1f", millis);
  }

  /** Markdown-compatible rendering (readable as plain text too). */
  String render() {
    int shown = BASE_COLUMNS;
    for (List<String> row : rows) {
      for (int i = BASE_COLUMNS; i < row.size(); i++) {
        if (!row.get(i).isEmpty()) {
          shown = Math.max(shown, i + 1);
        }
      }
    }
    List<List<String>> all = new ArrayList<>();
    all.add(HEADER.subList(0, shown));
    for (List<String> row : rows) {
      all.add(row.subList(0, shown));
    }
    int[] width = new int[shown];
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (int r = 0; r < all.size(); r++) {
      List<String> row = all.get(r);
      b.append('|');
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        String pad = " ".repeat(width[i] - cell.length());
        b.append(' ').append(i == 0 ? cell + pad : pad + cell).append(" |");
      }
      b.append('\n');
      if (r == 0) {
        b.append('|');
        for (int i = 0; i < width.length; i++) {
          b.append(i == 0 ? ":" : "-").append("-".repeat(width[i])).append(i == 0 ? "-|" : ":|");
        }
        b.append('\n');
      }
    }
    return b.toString();
  }
}
