package io.switchboard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that runs nodes on a {@link TestRedisCluster}. Sharded pub/sub needs Redis 7: where
 * {@code redis-server} is missing or older (the embedded fallback is Redis 6.2) its tests are skipped,
 * with one line for the whole run saying so, or, when {@code SWITCHBOARD_REDIS_CLUSTER_TESTS=required}
 * (as CI sets it), they fail. No node or Redis is started for a class that does not run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Inherited
@ExtendWith(RedisClusterCondition.class)
public @interface RedisClusterTest {
}
