package io.switchboard.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Accounts.Account;
import io.switchboard.testing.ChatClient;
import io.switchboard.testing.Conversations;
import io.switchboard.testing.RedisClusterTest;
import io.switchboard.testing.TestCluster;
import io.switchboard.testing.TestRedisCluster;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A Redis Cluster whose nodes ask for a password: the seeds' password is what lets the nodes onto
 * every master (subscriptions, publishes and presence scripts), and it appears neither in the answers
 * nor in the log.
 */
@RedisClusterTest
class RedisClusterPasswordTest {

  @Test
  void theSeedsPasswordReachesEveryMasterAndNoLogLine() throws Exception {
    Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    root.addAppender(warnings);
    Vertx vertx = Vertx.vertx();
    try (TestRedisCluster redis = TestRedisCluster.start(false, "s3cret pass");
        TestCluster cluster = TestCluster.start(redis.settings())) {
      assertThat(redis.seeds()).contains("s3cret%20pass@");
      WebSocketClient client = ChatClient.client(vertx);
      Account x = Accounts.signUp(cluster.a().http(), "rcp-x");
      Account y = Accounts.signUp(cluster.a().http(), "rcp-y");
      String id = Conversations.group(cluster.a().http(), x, y);
      try (ChatClient onA = ChatClient.connect(client, cluster.a().port(), id, x.token(), null);
          ChatClient onB = ChatClient.connect(client, cluster.b().port(), id, y.token(), null)) {
        onA.next("welcome");
        // presence crossed the nodes through the scripts: y's socket on B sees x online
        assertThat(onB.next("welcome").getJsonArray("online").getList()).containsExactlyInAnyOrder(x.id(), y.id());
        assertThat(cluster.b().http().post("/api/conversations/" + id + "/messages", new JsonObject().put("text", "over the cluster"),
            y.token()).status()).isEqualTo(201);
        assertThat(onA.messageSeqs(1)).isEqualTo(List.of(1L));
        assertThat(onB.messageSeqs(1)).isEqualTo(List.of(1L));
      }
      assertThat(cluster.a().http().get("/health/ready").body()).contains("redis").doesNotContain("s3cret");

      // a master lost: the warning names its address, not the URL with the password
      redis.masterOf("any").kill();
      Wait.until(Duration.ofSeconds(10), "the link reported down", () -> warnings.list.stream()
          .anyMatch(e -> e.getFormattedMessage().contains("redis link down")));
      assertThat(warnings.list).noneMatch(e -> (e.getFormattedMessage() + e.getKeyValuePairs()).contains("s3cret"));
    } finally {
      root.detachAppender(warnings);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
