package io.switchboard.cluster;

import io.switchboard.testing.RedisClusterTest;
import io.switchboard.testing.TestRedisCluster;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link ClusterNotificationStreamsTest}'s scenarios (sockets and event streams, resumption, a send to
 * many users in bulk) with both nodes on a Redis Cluster of three masters (sharded pub/sub).
 */
@RedisClusterTest
class RedisClusterNotificationStreamsTest extends ClusterNotificationStreamsTest {

  @BeforeAll
  static void start() {
    startOn(TestRedisCluster.shared().settings());
  }
}
