package io.switchboard.cluster;

import io.switchboard.testing.RedisClusterTest;
import io.switchboard.testing.TestRedisCluster;
import org.junit.jupiter.api.BeforeAll;

/** {@link ClusterChatTest}'s scenarios with both nodes on a Redis Cluster of three masters (sharded pub/sub). */
@RedisClusterTest
class RedisClusterChatTest extends ClusterChatTest {

  @BeforeAll
  static void start() {
    startOn(TestRedisCluster.shared().settings());
  }
}
