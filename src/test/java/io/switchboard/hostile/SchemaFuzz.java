package io.switchboard.hostile;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators of request bodies, parameters and frames: values built from a JSON schema of
 * {@code openapi.yaml} (its {@code $ref}s resolved against the whole contract), then mutated the ways
 * hostile clients mutate them. Everything comes from one {@link Random}, so a seed replays a run.
 */
final class SchemaFuzz {

  /** How a body was made, reported with a failure. */
  enum Mutation {
    NONE, WRONG_TYPE, MISSING_FIELD, EXTRA_FIELD, LONG_STRING, HUGE_STRING, UNICODE, NUL, DEEP_NESTING, BIG_NUMBER,
    TRUNCATED_JSON, GARBAGE_BYTES, INVALID_UTF8, TOP_LEVEL_WRONG, DUPLICATE_KEYS, EMPTY_BODY
  }

  /** One body: bytes, the content type it is sent with (null: no header), and how it was made. */
  record Body(byte[] bytes, String contentType, String how) {
  }

  static final List<String> ODD_STRINGS = List.of("", " ", "null", "0", "-1", "1e999", "true", "[]", "{}", "\u0000", "a\u0000b",
      "\uD83D\uDCA9", "\u202Eevil", "e\u0301\u0301\u0301", "\uFFFF", "\uD800", "'; DROP TABLE users; --", "../../etc/passwd",
      "%00", "%2F", "<script>alert(1)</script>", "${jndi:ldap://x}", "\r\nX-Injected: 1", "\t\n\u000B");

  private final Random random;
  private final JsonObject contract;

  SchemaFuzz(Random random, JsonObject contract) {
    this.random = random;
    this.contract = contract;
  }

  Random random() {
    return random;
  }

  <T> T pick(List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  /** A schema with its {@code $ref} (local to the contract) followed. */
  JsonObject resolve(JsonObject schema) {
    JsonObject current = schema;
    for (int hops = 0; current != null && current.containsKey("$ref") && hops < 20; hops++) {
      String ref = current.getString("$ref");
      Object node = contract;
      for (String part : ref.substring(2).split("/")) {
        node = ((JsonObject) node).getValue(part);
      }
      current = (JsonObject) node;
    }
    return current == null ? new JsonObject() : current;
  }

  private String type(JsonObject schema) {
    Object type = schema.getValue("type");
    if (type instanceof JsonArray types) {
      List<String> concrete = types.stream().map(Object::toString).filter(t -> !t.equals("null")).toList();
      return concrete.isEmpty() || random.nextInt(8) == 0 ? "null" : pick(concrete);
    }
    if (type instanceof String t) {
      return t;
    }
    if (schema.containsKey("properties")) {
      return "object";
    }
    return schema.containsKey("items") ? "array" : "string";
  }

  /** A value the schema would (mostly) accept. */
  Object valid(JsonObject raw, int depth) {
    JsonObject schema = resolve(raw);
    for (String combinator : List.of("oneOf", "anyOf")) {
      if (schema.containsKey(combinator)) {
        return valid(schema.getJsonArray(combinator).getJsonObject(random.nextInt(schema.getJsonArray(combinator).size())), depth);
      }
    }
    if (schema.containsKey("allOf")) {
      JsonObject merged = new JsonObject();
      for (Object part : schema.getJsonArray("allOf")) {
        merged.mergeIn(resolve((JsonObject) part), true);
      }
      return valid(merged, depth);
    }
    if (schema.containsKey("enum")) {
      JsonArray values = schema.getJsonArray("enum");
      return values.getValue(random.nextInt(values.size()));
    }
    if (schema.containsKey("const")) {
      return schema.getValue("const");
    }
    switch (type(schema)) {
      case "object" -> {
        JsonObject o = new JsonObject();
        JsonObject properties = schema.getJsonObject("properties", new JsonObject());
        List<String> required = schema.getJsonArray("required", new JsonArray()).stream().map(Object::toString).toList();
        for (String name : properties.fieldNames()) {
          if (depth < 6 && (required.contains(name) || random.nextBoolean())) {
            o.put(name, valid(properties.getJsonObject(name), depth + 1));
          }
        }
        return o;
      }
      case "array" -> {
        JsonArray a = new JsonArray();
        int min = schema.getInteger("minItems", 0);
        int n = min + random.nextInt(Math.max(1, Math.min(schema.getInteger("maxItems", 4), 4) - min + 1));
        for (int i = 0; i < n && depth < 6; i++) {
          a.add(valid(schema.getJsonObject("items", new JsonObject()), depth + 1));
        }
        return a;
      }
      case "integer" -> {
        long min = schema.getLong("minimum", 0L);
        long max = schema.getLong("maximum", min + 1000);
        return min + (long) (random.nextDouble() * (max - min + 1));
      }
      case "number" -> {
        return random.nextDouble() * 100;
      }
      case "boolean" -> {
        return random.nextBoolean();
      }
      case "null" -> {
        return null;
      }
      default -> {
        if ("binary".equals(schema.getString("format"))) {
          return "binary";
        }
        if ("date-time".equals(schema.getString("format"))) {
          return "2026-12-01T12:00:00Z";
        }
        int min = schema.getInteger("minLength", 1);
        int max = Math.min(schema.getInteger("maxLength", 24), 24);
        return word(min + random.nextInt(Math.max(1, max - min + 1)));
      }
    }
  }

  String word(int length) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789_";
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  Object oddValue() {
    return switch (random.nextInt(10)) {
      case 0 -> random.nextLong();
      case 1 -> -random.nextInt(1000);
      case 2 -> random.nextDouble();
      case 3 -> new JsonArray().add(pick(ODD_STRINGS)).add(random.nextInt());
      case 4 -> new JsonObject().put(word(3), pick(ODD_STRINGS));
      case 5 -> random.nextBoolean();
      case 6 -> null;
      default -> pick(ODD_STRINGS);
    };
  }

  /** A body for a JSON operation: the schema's valid value, mutated (or left alone now and then). */
  Body body(JsonObject schema) {
    Object value = schema == null ? new JsonObject() : valid(schema, 0);
    Mutation m = Mutation.values()[random.nextInt(Mutation.values().length)];
    String json = "application/json";
    return switch (m) {
      case NONE -> text(encode(value), json, m);
      case WRONG_TYPE -> text(encode(replaceSomewhere(value, oddValue())), json, m);
      case MISSING_FIELD -> {
        if (value instanceof JsonObject o && !o.isEmpty()) {
          o.remove(pick(new ArrayList<>(o.fieldNames())));
        }
        yield text(encode(value), json, m);
      }
      case EXTRA_FIELD -> text(encode(value instanceof JsonObject o ? o.copy().put("extra_" + word(4), oddValue()) : value), json, m);
      case LONG_STRING -> text(encode(replaceSomewhere(value, "x".repeat(4000 + random.nextInt(4000)))), json, m);
      case HUGE_STRING -> text(encode(replaceSomewhere(value, "y".repeat(70_000 + random.nextInt(30_000)))), json, m);
      case UNICODE -> text(encode(replaceSomewhere(value, pick(List.of("\uD83D\uDE00\u202E\u0301", "\u4E2D\u6587\u0000", "\uFFFE\uFEFF",
          "\uD800", "\uDFFF\uD800", "\u0085\u2028\u2029")))), json, m);
      case NUL -> text(encode(replaceSomewhere(value, word(3) + "\u0000" + word(3))), json, m);
      case DEEP_NESTING -> {
        int depth = 100 + random.nextInt(5000);
        String nested = "[".repeat(depth) + "]".repeat(depth);
        String into = value instanceof JsonObject o && !o.isEmpty()
            ? encode(o).replaceFirst(":", java.util.regex.Matcher.quoteReplacement(":" + nested + ",\"_\":")) : nested;
        yield text(into, json, m);
      }
      case BIG_NUMBER -> text(encode(value).replaceFirst("(\"[^\"]*\":)(\"[^\"]*\"|-?[0-9.]+|true|false|null)",
          "$1" + pick(List.of("1e400", "-1e400", "9223372036854775808", "-9223372036854775809", "0.000000000001", "-0", "1E+2147483648"))), json, m);
      case TRUNCATED_JSON -> {
        String full = encode(value);
        yield text(full.substring(0, random.nextInt(Math.max(1, full.length()))), json, m);
      }
      case GARBAGE_BYTES -> {
        byte[] bytes = new byte[1 + random.nextInt(200)];
        random.nextBytes(bytes);
        yield new Body(bytes, pick(List.of(json, "text/plain", "application/octet-stream")), m.name());
      }
      case INVALID_UTF8 -> new Body(concat("{\"text\":\"".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC3, 0x28, (byte) 0xFF, (byte) 0xFE},
          "\"}".getBytes(StandardCharsets.US_ASCII)), json, m.name());
      case TOP_LEVEL_WRONG -> text(pick(List.of("[]", "[1,2]", "42", "\"text\"", "null", "true", "{}{}", "{,}", "NaN")), json, m);
      case DUPLICATE_KEYS -> text(value instanceof JsonObject o && !o.isEmpty()
          ? encode(o).replaceFirst("\\{", java.util.regex.Matcher.quoteReplacement("{\"" + o.fieldNames().iterator().next() + "\":"
              + encode(oddValue()) + ",")) : "{\"a\":1,\"a\":2}", json, m);
      case EMPTY_BODY -> new Body(new byte[0], random.nextBoolean() ? json : null, m.name());
    };
  }

  /** A body the contract certainly refuses: not JSON, not an object, or not JSON at all by its content type. */
  Body refusedBody() {
    return switch (random.nextInt(6)) {
      case 0 -> text("{\"unterminated\": \"" + word(5), "application/json", Mutation.TRUNCATED_JSON);
      case 1 -> text(pick(List.of("[]", "42", "\"text\"", "true", "[{}]")), "application/json", Mutation.TOP_LEVEL_WRONG);
      case 2 -> text("{" + word(4) + "}", "application/json", Mutation.GARBAGE_BYTES);
      case 3 -> new Body(concat("{\"a\":\"".getBytes(StandardCharsets.US_ASCII), new byte[] {(byte) 0xC3, 0x28}, "\"".getBytes(StandardCharsets.US_ASCII)),
          "application/json", Mutation.INVALID_UTF8.name());
      case 4 -> text("[".repeat(3000) + "]".repeat(3000), "application/json", Mutation.DEEP_NESTING);
      default -> text("<a>" + word(5) + "</a>", pick(List.of("application/xml", "text/plain", "application/x-www-form-urlencoded")),
          Mutation.TOP_LEVEL_WRONG);
    };
  }

  /** A path parameter: one of the real ids now and then, else a value a client should not send. */
  String pathValue(List<String> real) {
    if (!real.isEmpty() && random.nextInt(3) == 0) {
      return pick(real);
    }
    return switch (random.nextInt(8)) {
      case 0 -> java.util.UUID.randomUUID().toString();
      case 1 -> Long.toString(random.nextLong());
      case 2 -> "9".repeat(1 + random.nextInt(40));
      case 3 -> word(1 + random.nextInt(200));
      case 4 -> "0";
      default -> pick(ODD_STRINGS);
    };
  }

  /** A query value for a parameter of {@code schema}: valid, or of the wrong type, size or form. */
  String queryValue(JsonObject schema) {
    if (random.nextBoolean()) {
      Object v = valid(schema, 0);
      return v == null ? "" : v.toString();
    }
    return switch (random.nextInt(5)) {
      case 0 -> "-" + random.nextInt(100);
      case 1 -> "9".repeat(1 + random.nextInt(30));
      case 2 -> word(300 + random.nextInt(300));
      default -> pick(ODD_STRINGS);
    };
  }

  /**
   * A client frame: one of {@code types} with valid or odd fields, or no JSON at all. The caller leaves
   * {@code ping} out of the types of JSON sockets: a pong must answer only its own liveness check.
   */
  String frame(List<String> types) {
    int kind = random.nextInt(10);
    if (kind < 6) {
      JsonObject f = new JsonObject().put("type", random.nextInt(8) == 0 ? oddValue() : pick(types));
      for (String field : List.of("text", "seq", "clientMsgId", "ref")) {
        if (random.nextBoolean()) {
          f.put(field, random.nextBoolean() ? oddValue() : field.equals("seq") ? (Object) (long) random.nextInt(5) : word(5));
        }
      }
      if (random.nextInt(10) == 0) {
        f.put("text", "z".repeat(3900 + random.nextInt(300)));
      }
      return encode(f);
    }
    return switch (kind) {
      case 6 -> pick(ODD_STRINGS);
      case 7 -> "[".repeat(2000) + "]".repeat(2000);
      case 8 -> encode(new JsonObject().put("type", pick(types))).substring(0, 5);
      default -> pick(List.of("heartbeat", "heartbeat ", "HEARTBEAT", "ping", "{\"type\":\"PING\"}"));
    };
  }

  /** Replaces one value, somewhere inside {@code value}, by {@code replacement} (the whole value when it is not a container). */
  Object replaceSomewhere(Object value, Object replacement) {
    if (value instanceof JsonObject o && !o.isEmpty()) {
      JsonObject copy = o.copy();
      String field = pick(new ArrayList<>(copy.fieldNames()));
      Object inner = copy.getValue(field);
      copy.put(field, (inner instanceof JsonObject || inner instanceof JsonArray) && random.nextBoolean()
          ? replaceSomewhere(inner, replacement) : replacement);
      return copy;
    }
    if (value instanceof JsonArray a && !a.isEmpty()) {
      JsonArray copy = a.copy();
      copy.set(random.nextInt(copy.size()), replacement);
      return copy;
    }
    return replacement;
  }

  static String encode(Object value) {
    return value instanceof JsonObject o ? o.encode() : value instanceof JsonArray a ? a.encode() : io.vertx.core.json.Json.encode(value);
  }

  private static Body text(String text, String contentType, Mutation how) {
    return new Body(text.getBytes(StandardCharsets.UTF_8), contentType, how.name());
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  /** The JSON schema of an operation's {@code application/json} body, or null when it takes none. */
  JsonObject jsonBodySchema(JsonObject operation) {
    JsonObject body = operation.getJsonObject("requestBody");
    if (body == null) {
      return null;
    }
    JsonObject content = resolve(body).getJsonObject("content", new JsonObject());
    JsonObject media = content.getJsonObject("application/json");
    return media == null ? null : media.getJsonObject("schema", new JsonObject());
  }

  /** The parameters of an operation (its path item's and its own), resolved. */
  List<JsonObject> parameters(JsonObject pathItem, JsonObject operation) {
    List<JsonObject> all = new ArrayList<>();
    for (JsonArray list : new JsonArray[] {pathItem.getJsonArray("parameters"), operation.getJsonArray("parameters")}) {
      if (list != null) {
        for (Object p : list) {
          all.add(resolve((JsonObject) p));
        }
      }
    }
    return all;
  }
}
