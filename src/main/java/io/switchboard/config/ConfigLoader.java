package io.switchboard.config;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Builds an {@link AppConfig} from, in rising order of precedence: the defaults declared in
 * {@link Settings}, a JSON file ({@code conf/switchboard.json}, or the file named by
 * {@code SWITCHBOARD_CONFIG_FILE}; nested objects or dotted keys), {@code SWITCHBOARD_*} environment
 * variables, and explicit overrides (keyed by environment variable name; tests use these).
 */
public final class ConfigLoader {

  public static final String CONFIG_FILE_ENV = "SWITCHBOARD_CONFIG_FILE";
  public static final String DEFAULT_CONFIG_FILE = "conf/switchboard.json";
  /** The built-in development secret that the example configuration carries; prod refuses it. */
  public static final String DEVELOPMENT_SECRET = "switchboard-development-secret-not-for-production";
  /** The lowest bcrypt cost prod accepts. */
  public static final int MIN_PROD_BCRYPT_COST = 10;

  private final Map<String, String> env;
  private final Map<String, String> overrides;
  private final List<String> warnings = new java.util.ArrayList<>();

  public ConfigLoader(Map<String, String> env, Map<String, String> overrides) {
    this.env = env;
    this.overrides = overrides;
  }

  public static AppConfig fromEnvironment() {
    return new ConfigLoader(System.getenv(), Map.of()).load();
  }

  public List<String> warnings() {
    return warnings;
  }

  public AppConfig load() {
    Map<String, String> fileValues = readFile();
    Set<String> known = new HashSet<>();
    Map<Setting<?>, Object> values = new LinkedHashMap<>();
    for (Setting<?> s : Settings.ALL) {
      known.add(s.env());
      String raw = s.defaultValue();
      if (fileValues.containsKey(s.key())) {
        raw = fileValues.remove(s.key());
      }
      if (env.containsKey(s.env())) {
        raw = env.get(s.env());
      }
      if (overrides.containsKey(s.env())) {
        raw = overrides.get(s.env());
      }
      values.put(s, raw == null || raw.isBlank() ? blankValue(s) : s.parse(raw));
    }
    for (String key : fileValues.keySet()) {
      warnings.add("unknown setting \"" + key + "\" in configuration file ignored");
    }
    for (String name : env.keySet()) {
      if (name.startsWith("SWITCHBOARD_") && !known.contains(name) && !name.equals(CONFIG_FILE_ENV)
          && !name.startsWith("SWITCHBOARD_TEST_")) {
        warnings.add("unknown environment variable " + name + " ignored");
      }
    }
    if (values.get(Settings.NODE_ID) == null) {
      values.put(Settings.NODE_ID, defaultNodeId());
    }
    AppConfig config = new AppConfig(values);
    int idle = config.get(Settings.HTTP_IDLE_TIMEOUT_SECONDS);
    int ping = config.get(Settings.WS_PING_SECONDS);
    if (idle < 2 * ping) {
      // a quiet socket is pinged only after ping..1.5 x ping seconds of silence
      warnings.add("SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS (" + idle + ") is less than twice SWITCHBOARD_WS_PING_SECONDS (" + ping
          + "): quiet WebSockets may be closed as idle before the server pings them");
    }
    checkSecret(config);
    checkRedis(config);
    checkBcryptCost(config);
    checkModuleFlush(config);
    checkMetricsExposure(config);
    return config;
  }

  private static Object blankValue(Setting<?> s) {
    // A blank text setting means "unset"; blank numbers fall back to the declared default.
    Object parsedDefault = s.defaultValue().isBlank() ? null : s.parse(s.defaultValue());
    return parsedDefault;
  }

  private static void checkSecret(AppConfig config) {
    if (!config.prod()) {
      return;
    }
    String secret = config.get(Settings.JWT_SECRET);
    if (secret == null) {
      throw new ConfigException("configuration error: SWITCHBOARD_JWT_SECRET (jwt.secret) is required when SWITCHBOARD_PROFILE=prod");
    }
    if (secret.equals(DEVELOPMENT_SECRET)) {
      throw new ConfigException("configuration error: SWITCHBOARD_JWT_SECRET (jwt.secret) is the development default and is refused when SWITCHBOARD_PROFILE=prod");
    }
    if (secret.getBytes(StandardCharsets.UTF_8).length < 32) {
      throw new ConfigException("configuration error: SWITCHBOARD_JWT_SECRET (jwt.secret) must be at least 32 bytes when SWITCHBOARD_PROFILE=prod");
    }
  }

  /**
   * A list of URLs names a cluster's seed nodes; one standalone Redis has one URL. A Redis Cluster has
   * only database 0, and slots channels by the hash tags in their names.
   */
  private static void checkRedis(AppConfig config) {
    List<String> urls = config.redisUrls();
    if (!config.redisCluster()) {
      if (urls.size() > 1) {
        throw new ConfigException("configuration error: SWITCHBOARD_REDIS_URL (redis.url) lists " + urls.size()
            + " URLs; a list of seed nodes needs SWITCHBOARD_REDIS_MODE=cluster, standalone mode takes one URL");
      }
      return;
    }
    if (urls.isEmpty()) {
      throw new ConfigException("configuration error: SWITCHBOARD_REDIS_MODE=cluster needs SWITCHBOARD_REDIS_URL (redis.url), the seed nodes");
    }
    String prefix = config.get(Settings.REDIS_PREFIX);
    if (prefix != null && (prefix.contains("{") || prefix.contains("}"))) {
      // a hash tag in the prefix would put every channel and key on one slot
      throw new ConfigException("configuration error: SWITCHBOARD_REDIS_PREFIX (redis.prefix) must not contain { or } when"
          + " SWITCHBOARD_REDIS_MODE=cluster");
    }
    for (String url : urls) {
      String path = java.net.URI.create(url).getPath();
      if (path != null && path.length() > 1 && Integer.parseInt(path.substring(1)) != 0) {
        throw new ConfigException("configuration error: SWITCHBOARD_REDIS_URL (redis.url) names database " + path.substring(1)
            + "; a Redis Cluster has only database 0");
      }
    }
  }

  /** Heartbeats written less often than this would make live modules look silent to modules.expire. */
  private static void checkModuleFlush(AppConfig config) {
    long flush = config.get(Settings.MODULE_HEARTBEAT_FLUSH_MILLIS);
    long timeout = config.get(Settings.MODULE_HEARTBEAT_TIMEOUT_SECONDS) * 1000L;
    if (flush * 2 > timeout) {
      throw new ConfigException("configuration error: SWITCHBOARD_MODULE_HEARTBEAT_FLUSH_MILLIS (modules.heartbeatFlushMillis) is " + flush
          + "; it must be at most half of SWITCHBOARD_MODULE_HEARTBEAT_TIMEOUT_SECONDS (" + timeout + " ms)");
    }
  }

  /**
   * In prod the metrics (which name the node's load, routes and pools) are not left open on the public
   * port. A management port equal to the HTTP port would share it (Vert.x balances the connections of
   * one port between its servers), so it must differ.
   */
  private static void checkMetricsExposure(AppConfig config) {
    Integer management = config.get(Settings.MANAGEMENT_PORT);
    if (management != null && management != 0 && management.equals(config.get(Settings.HTTP_PORT))) {
      throw new ConfigException("configuration error: SWITCHBOARD_MANAGEMENT_PORT (management.port) is " + management
          + ", the HTTP port; it must be another port");
    }
    if (config.prod() && config.get(Settings.MANAGEMENT_PORT) == null && !config.isSet(Settings.METRICS_TOKEN)) {
      throw new ConfigException("configuration error: SWITCHBOARD_PROFILE=prod needs SWITCHBOARD_MANAGEMENT_PORT (management.port)"
          + " or SWITCHBOARD_METRICS_TOKEN (metrics.token), so that /metrics is not open on the HTTP port");
    }
  }

  /** Below cost 10 a stolen hash table is cheap to brute-force; tests and development may go lower. */
  private static void checkBcryptCost(AppConfig config) {
    int cost = config.get(Settings.BCRYPT_COST);
    if (config.prod() && cost < MIN_PROD_BCRYPT_COST) {
      throw new ConfigException("configuration error: SWITCHBOARD_BCRYPT_COST (auth.bcryptCost) is " + cost + "; at least "
          + MIN_PROD_BCRYPT_COST + " is required when SWITCHBOARD_PROFILE=prod");
    }
  }

  private Map<String, String> readFile() {
    String configured = overrides.getOrDefault(CONFIG_FILE_ENV, env.get(CONFIG_FILE_ENV));
    Path path = Path.of(configured == null ? DEFAULT_CONFIG_FILE : configured);
    Map<String, String> flat = new LinkedHashMap<>();
    if (!Files.exists(path)) {
      if (configured != null) {
        throw new ConfigException("configuration error: " + CONFIG_FILE_ENV + " names " + path + ", which does not exist");
      }
      return flat;
    }
    try {
      JsonObject json = new JsonObject(Files.readString(path));
      flatten("", json, flat);
    } catch (IOException | DecodeException e) {
      throw new ConfigException("configuration error: " + path + " is not readable JSON: " + firstLine(e.getMessage()));
    }
    return flat;
  }

  private static void flatten(String prefix, JsonObject json, Map<String, String> out) {
    for (String name : json.fieldNames()) {
      Object v = json.getValue(name);
      String key = prefix + name;
      if (key.startsWith("_")) {
        continue; // comments such as "_comment"
      }
      if (v instanceof JsonObject nested) {
        flatten(key + ".", nested, out);
      } else {
        out.put(key, v == null ? "" : String.valueOf(v));
      }
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String defaultNodeId() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "node";
    }
    return host + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
