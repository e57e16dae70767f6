package io.switchboard.modules;

import io.switchboard.testing.RedisClusterTest;
import io.switchboard.testing.TestRedisCluster;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ModuleClusterTest}'s scenarios with both nodes on a Redis Cluster of three masters (sharded
 * pub/sub: node inboxes and everyone's channel included). The dying node loses Postgres only: its link
 * to the cluster cannot be cut apart from the others'.
 */
@RedisClusterTest
class RedisClusterModuleTest extends ModuleClusterTest {

  @BeforeAll
  static void start() {
    startOn(TestRedisCluster.shared().settings());
  }

  @Override
  boolean redisCanBeCut() {
    return false;
  }
}
