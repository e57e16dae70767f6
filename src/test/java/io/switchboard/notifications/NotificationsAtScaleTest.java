package io.switchboard.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestDb;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sends to every one of 20,000 users: bounded batches in one transaction, per-user ids in commit
 * order under concurrent sends, and nothing stored when a late batch fails.
 */
class NotificationsAtScaleTest {

  static final int USERS = 20_000;

  static TestNode node;
  static Http http;
  static String admin;
  static long enabled;

  // its own node: it adds 20,000 users and counts every notification row of the database
  @BeforeAll
  static void start() {
    node = TestNode.start();
    http = node.http();
    admin = Accounts.adminToken(http);
    // a fixture: users straight into the table (they never sign in)
    TestDb.execute(node, "INSERT INTO users (id, username, display_name, password_hash)"
        + " SELECT gen_random_uuid(), 'bulk-' || g, 'Bulk ' || g, 'not-a-hash' FROM generate_series(1, " + USERS + ") g");
    TestDb.execute(node, "UPDATE users SET disabled = true WHERE username IN ('bulk-7', 'bulk-7000', 'bulk-17000')");
    enabled = count("SELECT count(*) FROM users WHERE NOT disabled");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static long count(String sql) {
    return ((Number) TestDb.query(node, sql).get(0).get(0)).longValue();
  }

  static Http.Call toAll(String title) {
    return Http.Call.post("/api/admin/notifications", new JsonObject().put("all", true).put("title", title), admin);
  }

  @Test
  void concurrentSendsToAllGiveEveryUserIdsOneToNInCommitOrder() {
    long rowsBefore = count("SELECT count(*) FROM user_notifications");
    long started = System.nanoTime();
    List<Http.Response> sent = http.concurrently(List.of(toAll("first"), toAll("second")));
    long millis = (System.nanoTime() - started) / 1_000_000;
    for (Http.Response r : sent) {
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
      assertThat(r.json().getLong("recipients")).isEqualTo(enabled);
    }
    assertThat(millis).as("two sends to %d users took %d ms", enabled, millis).isLessThan(15_000);
    assertThat(count("SELECT count(*) FROM user_notifications")).isEqualTo(rowsBefore + 2 * enabled);
    assertThat(count("SELECT count(*) FROM user_notifications un JOIN users u ON u.id = un.user_id WHERE u.disabled")).isZero();
    // every user's ids are 1..n, without a gap or a duplicate (the primary key refuses duplicates)
    assertThat(count("SELECT count(*) FROM (SELECT user_id, min(seq) AS lo, max(seq) AS hi, count(*) AS n"
        + " FROM user_notifications GROUP BY user_id) x WHERE lo <> 1 OR hi <> n")).isZero();
    assertThat(count("SELECT count(*) FROM notification_cursors c"
        + " WHERE c.last_seq <> (SELECT count(*) FROM user_notifications un WHERE un.user_id = c.user_id)")).isZero();
    // the later send waited for the earlier one's counter locks: the same one comes first for every user, ids consecutive
    String pair = " FROM user_notifications a JOIN user_notifications b ON b.user_id = a.user_id"
        + " WHERE a.notification_id = '" + sent.get(0).json().getString("id") + "' AND b.notification_id = '" + sent.get(1).json().getString("id") + "'";
    assertThat(count("SELECT count(*)" + pair)).isEqualTo(enabled);
    assertThat(count("SELECT count(DISTINCT a.seq < b.seq)" + pair)).isEqualTo(1);
    assertThat(count("SELECT count(*)" + pair + " AND abs(a.seq - b.seq) <> 1")).isZero();
  }

  @Test
  void aFailureInALateBatchStoresNothing() {
    String late = TestDb.query(node, "SELECT id FROM users WHERE NOT disabled ORDER BY id OFFSET 15000 LIMIT 1").get(0).get(0).toString();
    long notifications = count("SELECT count(*) FROM notifications");
    long rows = count("SELECT count(*) FROM user_notifications");
    long seqs = count("SELECT coalesce(sum(last_seq), 0) FROM notification_cursors");
    TestDb.execute(node, "CREATE FUNCTION fixture_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        + " IF NEW.user_id = '" + late + "' THEN RAISE EXCEPTION 'fixture: refused'; END IF; RETURN NEW; END $$");
    TestDb.execute(node, "CREATE TRIGGER fixture_fail BEFORE INSERT ON user_notifications FOR EACH ROW EXECUTE FUNCTION fixture_fail()");
    try {
      Http.Response r = http.post("/api/admin/notifications", new JsonObject().put("all", true).put("title", "doomed"), admin);
      assertThat(r.status()).as(r.toString()).isEqualTo(500);
    } finally {
      TestDb.execute(node, "DROP TRIGGER fixture_fail ON user_notifications");
      TestDb.execute(node, "DROP FUNCTION fixture_fail()");
    }
    assertThat(count("SELECT count(*) FROM notifications")).isEqualTo(notifications);
    assertThat(count("SELECT count(*) FROM user_notifications")).isEqualTo(rows);
    assertThat(count("SELECT coalesce(sum(last_seq), 0) FROM notification_cursors")).isEqualTo(seqs);
  }
}
