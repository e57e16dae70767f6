package io.switchboard.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration precedence, validation messages, and README staying in step with the settings. */
class ConfigLoaderTest {

  @Test
  void defaultsFileAndEnvironmentInRisingPrecedence() throws Exception {
    Path file = Files.createTempFile("switchboard", ".json");
    Files.writeString(file, "{\"http\":{\"port\":9000,\"instances\":3},\"pg.poolSize\":4}");
    AppConfig config = new ConfigLoader(Map.of("SWITCHBOARD_CONFIG_FILE", file.toString(), "SWITCHBOARD_HTTP_PORT", "9100"), Map.of()).load();
    assertThat(config.get(Settings.HTTP_PORT)).isEqualTo(9100);
    assertThat(config.get(Settings.HTTP_INSTANCES)).isEqualTo(3);
    assertThat(config.get(Settings.PG_POOL_SIZE)).isEqualTo(4);
    assertThat(config.get(Settings.ACCESS_TOKEN_TTL)).isEqualTo(900);
    assertThat(config.nodeId()).isNotBlank();
  }

  @Test
  void unknownVariablesAndKeysAreWarnedAbout() throws Exception {
    Path file = Files.createTempFile("switchboard", ".json");
    Files.writeString(file, "{\"htp\":{\"port\":9000}}");
    ConfigLoader loader = new ConfigLoader(Map.of("SWITCHBOARD_CONFIG_FILE", file.toString(), "SWITCHBOARD_HTTP_PROT", "1"), Map.of());
    loader.load();
    assertThat(loader.warnings()).anyMatch(w -> w.contains("htp.port")).anyMatch(w -> w.contains("SWITCHBOARD_HTTP_PROT"));
  }

  @Test
  void anIdleTimeoutShorterThanTheWebSocketPingsIsWarnedAbout() {
    ConfigLoader loader = new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS", "30"));
    loader.load();
    assertThat(loader.warnings()).anyMatch(w -> w.contains("SWITCHBOARD_HTTP_IDLE_TIMEOUT_SECONDS") && w.contains("SWITCHBOARD_WS_PING_SECONDS"));
    ConfigLoader defaults = new ConfigLoader(Map.of(), Map.of());
    defaults.load();
    assertThat(defaults.warnings()).noneMatch(w -> w.contains("IDLE"));
  }

  @Test
  void badValuesNameTheSetting() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_PG_POOL_SIZE", "0")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_PG_POOL_SIZE").hasMessageContaining("between 1 and 200");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_PG_URL", "mysql://x")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_PG_URL");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_PROFILE", "staging")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("dev, prod");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_CONFIG_FILE", "/nonexistent/switchboard.json")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
  }

  @Test
  void logSettingsAreValidated() {
    AppConfig config = new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_LOG_FORMAT", "JSON",
        "SWITCHBOARD_LOG_LEVELS", "io.switchboard.gateway=debug, io.netty=WARN,root=info")).load();
    assertThat(config.get(Settings.LOG_FORMAT)).isEqualTo("json");
    assertThat(config.get(Settings.LOG_LEVELS)).containsExactly(Map.entry("io.switchboard.gateway", "debug"),
        Map.entry("io.netty", "warn"), Map.entry("root", "info"));
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_LOG_LEVELS", "io.netty=loud")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_LOG_LEVELS").hasMessageContaining("io.netty");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_LOG_LEVELS", "debug")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("logger=level");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_LOG_FORMAT", "xml")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("text, json");
  }

  @Test
  void aTlsRedisUrlIsKeptWhole() {
    String url = "rediss://:secret@redis.example:6380/0";
    AppConfig config = new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_URL", url)).load();
    assertThat(config.get(Settings.REDIS_URL)).isEqualTo(url);
    io.vertx.redis.client.RedisOptions options = new io.vertx.redis.client.RedisOptions().setConnectionString(config.get(Settings.REDIS_URL));
    assertThat(options.getEndpoint()).isEqualTo(url);
    assertThat(new io.vertx.redis.client.impl.RedisURI(options.getEndpoint()).ssl()).isTrue();
  }

  @Test
  void aListOfRedisUrlsNeedsClusterMode() {
    String seeds = "redis://a:1,redis://b:2";
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_URL", seeds)).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_REDIS_URL").hasMessageContaining("SWITCHBOARD_REDIS_MODE=cluster")
        .hasMessageNotContaining("\n");
    AppConfig config = new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_MODE", "cluster",
        "SWITCHBOARD_REDIS_URL", " redis://a:1 , rediss://:pw@b.example:6380")).load();
    assertThat(config.redisCluster()).isTrue();
    assertThat(config.redisUrls()).containsExactly("redis://a:1", "rediss://:pw@b.example:6380");
    // the default is one standalone Redis
    AppConfig standalone = new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_URL", "redis://a:1")).load();
    assertThat(standalone.redisCluster()).isFalse();
    assertThat(standalone.redisUrls()).containsExactly("redis://a:1");
  }

  @Test
  void malformedRedisUrlsAreNamedInOneLineWithoutTheirPassword() {
    for (String mode : java.util.List.of("standalone", "cluster")) {
      for (String bad : java.util.List.of("redis://:s3cret@a:1,", "redis://:s3cret@a:1,,redis://b:2", "http://a:1",
          "redis://:s3cret@a:99999", "redis://", "redis://a:1/x", "redis://a b:1", "redis://:s3cret@a:1,redis//b:2")) {
        assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_MODE", mode, "SWITCHBOARD_REDIS_URL", bad)).load())
            .as("%s in %s mode", bad, mode)
            .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_REDIS_URL").hasMessageContaining("redis://")
            .hasMessageNotContaining("s3cret").hasMessageNotContaining("\n");
      }
    }
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_MODE", "cluster")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_REDIS_URL");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_MODE", "cluster", "SWITCHBOARD_REDIS_URL", "redis://a:1/2")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("database 2");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_MODE", "cluster", "SWITCHBOARD_REDIS_URL", "redis://a:1",
        "SWITCHBOARD_REDIS_PREFIX", "sb{1}:")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_REDIS_PREFIX");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_REDIS_MODE", "sentinel")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_REDIS_MODE").hasMessageContaining("standalone, cluster");
  }

  @Test
  void prodAcceptsALongSecret() {
    AppConfig config = new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_PROFILE", "prod",
        "SWITCHBOARD_JWT_SECRET", "0123456789abcdef0123456789abcdef", "SWITCHBOARD_METRICS_TOKEN", "a-metrics-token")).load();
    assertThat(config.prod()).isTrue();
  }

  @Test
  void prodNeedsAManagementPortOrAMetricsToken() {
    Map<String, String> prod = Map.of("SWITCHBOARD_PROFILE", "prod", "SWITCHBOARD_JWT_SECRET", "0123456789abcdef0123456789abcdef");
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), prod).load()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SWITCHBOARD_MANAGEMENT_PORT").hasMessageContaining("SWITCHBOARD_METRICS_TOKEN");
    Map<String, String> managed = new java.util.HashMap<>(prod);
    managed.put("SWITCHBOARD_MANAGEMENT_PORT", "9090");
    assertThat(new ConfigLoader(Map.of(), managed).load().get(Settings.MANAGEMENT_PORT)).isEqualTo(9090);
    // dev leaves /metrics open on the HTTP port
    assertThat(new ConfigLoader(Map.of(), Map.of()).load().get(Settings.MANAGEMENT_PORT)).isNull();
  }

  @Test
  void theManagementPortIsNotTheHttpPort() {
    assertThatThrownBy(() -> new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_HTTP_PORT", "8080", "SWITCHBOARD_MANAGEMENT_PORT", "8080")).load())
        .isInstanceOf(ConfigException.class).hasMessageContaining("SWITCHBOARD_MANAGEMENT_PORT").hasMessageContaining("another port");
    assertThat(new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_HTTP_PORT", "0", "SWITCHBOARD_MANAGEMENT_PORT", "0")).load()
        .get(Settings.MANAGEMENT_PORT)).isZero();
  }

  @Test
  void readmeDocumentsEverySetting() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (Setting<?> s : Settings.ALL) {
      assertThat(readme).as("README documents %s", s.env()).contains("`" + s.env() + "`").contains("`" + s.key() + "`");
    }
  }
}
