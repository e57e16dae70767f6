package io.switchboard.config;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Converters used by {@link Settings}; each throws IllegalArgumentException with the reason. */
final class Parsers {

  private Parsers() {
  }

  /** A refusal whose message must not be followed by the raw value (it may hold a password). */
  static final class Unechoed extends IllegalArgumentException {
    Unechoed(String message) {
      super(message);
    }
  }

  static Function<String, Integer> intRange(int min, int max) {
    return raw -> {
      int value;
      try {
        value = Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be an integer between " + min + " and " + max);
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return value;
    };
  }

  static Function<String, Long> longRange(long min, long max) {
    return raw -> {
      long value;
      try {
        value = Long.parseLong(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be an integer between " + min + " and " + max);
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return value;
    };
  }

  static Function<String, Double> positiveDouble() {
    return raw -> {
      double value;
      try {
        value = Double.parseDouble(raw.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be a number");
      }
      if (!(value > 0) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("must be a positive number");
      }
      return value;
    };
  }

  static Function<String, Boolean> bool() {
    return raw -> switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("must be true or false");
    };
  }

  /** Comma-separated IP addresses or CIDR ranges (IPv4 or IPv6), checked for form only. */
  static Function<String, List<String>> addressList() {
    return raw -> {
      if (raw == null || raw.isBlank()) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      for (String part : raw.split(",")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        if (!p.matches("[0-9A-Fa-f:.]+(/[0-9]{1,3})?")) {
          throw new IllegalArgumentException("must be IP addresses or CIDR ranges separated by commas: " + p);
        }
        io.switchboard.net.Cidr.parse(p); // throws with the reason (a bad address or prefix length)
        out.add(p);
      }
      return List.copyOf(out);
    };
  }

  /** {@code logger=level} pairs separated by commas; levels trace, debug, info, warn, error, off. */
  static Function<String, java.util.Map<String, String>> logLevels() {
    return raw -> {
      java.util.Map<String, String> out = new java.util.LinkedHashMap<>();
      if (raw == null || raw.isBlank()) {
        return java.util.Map.of();
      }
      for (String part : raw.split(",")) {
        String p = part.trim();
        if (p.isEmpty()) {
          continue;
        }
        int eq = p.indexOf('=');
        String logger = eq < 0 ? "" : p.substring(0, eq).trim();
        String level = eq < 0 ? "" : p.substring(eq + 1).trim().toLowerCase(Locale.ROOT);
        if (!logger.matches("[A-Za-z_$][A-Za-z0-9_$]*(\\.[A-Za-z_$][A-Za-z0-9_$]*)*")) {
          throw new IllegalArgumentException("must be logger=level pairs separated by commas: " + p);
        }
        if (!List.of("trace", "debug", "info", "warn", "error", "off").contains(level)) {
          throw new IllegalArgumentException("level of " + logger + " must be one of trace, debug, info, warn, error, off");
        }
        out.put(logger, level);
      }
      return java.util.Collections.unmodifiableMap(out);
    };
  }

  static Function<String, String> text() {
    return raw -> raw == null || raw.isBlank() ? null : raw.trim();
  }

  static Function<String, String> oneOf(String... values) {
    return raw -> {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      for (String allowed : values) {
        if (allowed.equals(v)) {
          return v;
        }
      }
      throw new IllegalArgumentException("must be one of " + String.join(", ", values));
    };
  }

  static Function<String, String> upperOneOf(String... values) {
    return raw -> {
      String v = raw.trim().toUpperCase(Locale.ROOT);
      for (String allowed : values) {
        if (allowed.equals(v)) {
          return v;
        }
      }
      throw new IllegalArgumentException("must be one of " + String.join(", ", values));
    };
  }

  /**
   * One Redis URL, or several separated by commas (a cluster's seed nodes): each {@code redis://} or
   * {@code rediss://} with a host, an optional port and password, and at most a database number as its
   * path. The parts are returned trimmed, joined by commas. A password never appears in the error.
   */
  static Function<String, String> redisUrls() {
    return raw -> {
      if (raw == null || raw.isBlank()) {
        return null;
      }
      List<String> parts = new ArrayList<>();
      for (String part : raw.split(",", -1)) {
        String p = part.trim();
        String why = redisUrlProblem(p);
        if (why != null) {
          throw new Unechoed("must be redis:// or rediss:// URLs separated by commas; "
              + (p.isEmpty() ? "an empty entry" : "\"" + maskPassword(p) + "\"") + " " + why);
        }
        parts.add(p);
      }
      return String.join(",", parts);
    };
  }

  /** Why {@code url} is not a usable Redis URL, or null when it is. */
  private static String redisUrlProblem(String url) {
    if (url.isEmpty()) {
      return "is not a URL";
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (java.net.URISyntaxException e) {
      return "is not a URL";
    }
    if (!"redis".equalsIgnoreCase(uri.getScheme()) && !"rediss".equalsIgnoreCase(uri.getScheme())) {
      return "does not start with redis:// or rediss://";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "names no host (or a malformed host or port)";
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      return "has a port outside 1-65535";
    }
    String path = uri.getPath() == null ? "" : uri.getPath();
    if (!path.isEmpty() && !path.equals("/") && !path.matches("/[0-9]{1,5}")) {
      return "has a path that is not a database number";
    }
    return null;
  }

  /** {@code redis://user:secret@host} as {@code redis://user:***@host}, for messages. */
  static String maskPassword(String url) {
    return url.replaceFirst("^([A-Za-z]+://[^:@/]*):[^@/]*@", "$1:***@");
  }

  static Function<String, String> uri(String... schemes) {
    return raw -> {
      if (raw == null || raw.isBlank()) {
        return null;
      }
      URI uri;
      try {
        uri = URI.create(raw.trim());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("must be a URL");
      }
      for (String scheme : schemes) {
        if (scheme.equalsIgnoreCase(uri.getScheme())) {
          return raw.trim();
        }
      }
      throw new IllegalArgumentException("must be a URL starting with " + String.join(":// or ", schemes) + "://");
    };
  }
}
