package io.switchboard.config;

import java.util.Collections;
import java.util.Map;

/** The validated configuration of one node: every {@link Setting} with its value. Immutable. */
public final class AppConfig {

  private final Map<Setting<?>, Object> values;

  AppConfig(Map<Setting<?>, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    return (T) values.get(setting);
  }

  public boolean isSet(Setting<String> setting) {
    String v = get(setting);
    return v != null && !v.isBlank();
  }

  public boolean prod() {
    return "prod".equals(get(Settings.PROFILE));
  }

  /** The Redis URLs of {@code redis.url}: one in standalone mode, the seed nodes in cluster mode; empty without Redis. */
  public java.util.List<String> redisUrls() {
    return isSet(Settings.REDIS_URL) ? java.util.List.of(get(Settings.REDIS_URL).split(",")) : java.util.List.of();
  }

  public boolean redisCluster() {
    return "cluster".equals(get(Settings.REDIS_MODE));
  }

  public String nodeId() {
    return get(Settings.NODE_ID);
  }

  /** A copy with one setting replaced (used once the generated development secret is known). */
  public <T> AppConfig with(Setting<T> setting, T value) {
    var copy = new java.util.LinkedHashMap<>(values);
    copy.put(setting, value);
    return new AppConfig(copy);
  }
}
