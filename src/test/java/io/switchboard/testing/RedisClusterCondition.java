package io.switchboard.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * {@link RedisClusterTest}'s extension, as {@link BrowserCondition}: a skip is an
 * {@link ExecutionCondition}; a required run without Redis 7 is let through and failed by
 * {@link #beforeAll} before any of the class's own set-up runs.
 */
public final class RedisClusterCondition implements ExecutionCondition, BeforeAllCallback {

  public static final String REQUIRED_ENV = "SWITCHBOARD_REDIS_CLUSTER_TESTS";
  private static final Namespace NAMESPACE = Namespace.create(RedisClusterCondition.class);
  private static final String INSTALL = "apt-get install redis-server, or name one with " + RedisProcess.BINARY_ENV;

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> missing = missing();
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("redis-server 7+ found");
    }
    if (required()) {
      return ConditionEvaluationResult.enabled("Redis Cluster tests required: the class fails");
    }
    String line = "Redis Cluster tests skipped: " + missing.get() + " (" + INSTALL + ", or set " + REQUIRED_ENV
        + "=required to make them fail)";
    // the root store lives for the whole run: the line is printed once, not once per class
    context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("announced", k -> {
      System.out.println(line);
      return Boolean.TRUE;
    });
    return ConditionEvaluationResult.disabled(line);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<String> missing = missing();
    if (missing.isPresent()) {
      throw new IllegalStateException("Redis Cluster tests are required (" + REQUIRED_ENV + "=required) but " + missing.get()
          + " (" + INSTALL + ")");
    }
  }

  private static boolean required() {
    return "required".equals(System.getenv(REQUIRED_ENV));
  }

  /** Why no cluster can be started here, or empty when one can. */
  static Optional<String> missing() {
    String binary = RedisProcess.binary();
    if (binary == null) {
      return Optional.of("no redis-server on the PATH (the embedded Redis 6.2 has no sharded pub/sub)");
    }
    if (!java.nio.file.Files.isExecutable(java.nio.file.Path.of(binary))) {
      return Optional.of(binary + " is not an executable file");
    }
    int version = RedisProcess.version();
    if (version < 7) {
      return Optional.of("redis-server is version " + version + ", sharded pub/sub needs 7 or later");
    }
    return Optional.empty();
  }
}
