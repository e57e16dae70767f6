package io.switchboard.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** {@link RedisClusterTest}'s extension: skips, or with {@value #REQUIRED_ENV}=required fails, where no Redis 7 is found. */
public final class RedisClusterCondition extends CapabilityCondition {

  public static final String REQUIRED_ENV = "SWITCHBOARD_REDIS_CLUSTER_TESTS";

  public RedisClusterCondition() {
    super(REQUIRED_ENV, "Redis Cluster tests", "redis-server 7+ found",
        "apt-get install redis-server, or name one with " + RedisProcess.BINARY_ENV);
  }

  /** Why no cluster can be started here, or empty when one can. */
  @Override
  Optional<String> missing() {
    String binary = RedisProcess.binary();
    if (binary == null) {
      return Optional.of("no redis-server on the PATH (the embedded Redis 6.2 has no sharded pub/sub)");
    }
    if (!Files.isExecutable(Path.of(binary))) {
      return Optional.of(binary + " is not an executable file");
    }
    int version = RedisProcess.version();
    if (version < 7) {
      return Optional.of("redis-server is version " + version + ", sharded pub/sub needs 7 or later");
    }
    return Optional.empty();
  }
}
