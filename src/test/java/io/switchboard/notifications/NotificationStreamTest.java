package io.switchboard.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.EventStream;
import io.switchboard.testing.Http;
import io.switchboard.testing.NotificationSockets;
import io.switchboard.testing.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** SPEC §6 GET /api/notifications/stream: authentication, headers, ids, resume by Last-Event-ID, keep-alive, logout. */
class NotificationStreamTest {

  static TestNode node;
  static Http http;
  static String admin;
  static Vertx vertx;
  static HttpClient client;
  static int counter;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    http = node.http();
    admin = Accounts.adminToken(http);
    vertx = Vertx.vertx();
    client = EventStream.client(vertx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (vertx != null) {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  static Accounts.Account user() {
    return Accounts.signUp(http, "sse-user-" + (++counter));
  }

  static EventStream open(String query, Map<String, String> headers) {
    return EventStream.open(client, node.port(), "/api/notifications/stream" + query, headers);
  }

  static List<Long> ids(EventStream stream, int count) {
    List<Long> ids = new ArrayList<>();
    while (ids.size() < count) {
      EventStream.Event e = stream.next();
      assertThat(e.fields().get("event")).isEqualTo("notification");
      JsonObject frame = new JsonObject(e.data());
      assertThat(frame.getJsonObject("notification").getString("id")).isEqualTo(e.id());
      ids.add(Long.parseLong(e.id()));
    }
    return ids;
  }

  @Test
  void withoutAValidTokenTheStreamIs401() {
    try (EventStream none = open("", Map.of()); EventStream bad = open("?token=not-a-token", Map.of())) {
      assertThat(none.status()).isEqualTo(401);
      assertThat(bad.status()).isEqualTo(401);
    }
  }

  @Test
  void aPlainClientGetsTheStreamAndOnlyAnAcceptRulingItOutIs406() {
    Accounts.Account u = user();
    // no Accept at all, as a plain curl without options
    Http.Response plain = http.streamHead("GET", "/api/notifications/stream", u.token(), Map.of());
    assertThat(plain.status()).isEqualTo(200);
    assertThat(plain.header("Content-Type")).startsWith("text/event-stream");
    try (EventStream any = open("?token=" + u.token(), Map.of("Accept", "*/*"))) {
      assertThat(any.status()).isEqualTo(200);
      assertThat(any.nextAny().fields().get("")).as("live comment").isEqualTo("live 0");
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "to curl");
      assertThat(ids(any, 1)).containsExactly(1L);
    }
    assertThat(http.streamHead("GET", "/api/notifications/stream", u.token(), Map.of("Accept", "text/plain, application/*")).status())
        .isEqualTo(406);
    assertThat(http.streamHead("GET", "/api/notifications/stream", u.token(), Map.of("Accept", "application/json")).status()).isEqualTo(406);
    assertThat(http.streamHead("GET", "/api/notifications/stream", u.token(), Map.of("Accept", "text/event-stream;q=0, application/json"))
        .status()).isEqualTo(406);
  }

  @Test
  void eventsCarryTheNotificationIdAndTheHeadersForwardProxiesNeed() {
    Accounts.Account u = user();
    try (EventStream stream = open("?token=" + u.token(), Map.of())) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.headers().get("Content-Type")).startsWith("text/event-stream");
      assertThat(stream.headers().get("Cache-Control")).isEqualTo("no-cache");
      assertThat(stream.headers().get("X-Accel-Buffering")).isEqualTo("no");
      assertThat(stream.nextAny().fields().get("")).as("live comment").isEqualTo("live 0");
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "one");
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "two");
      assertThat(ids(stream, 2)).containsExactly(1L, 2L);
    }
    try (EventStream stream = open("", Map.of("Authorization", "Bearer " + u.token()))) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.nextAny().fields().get("")).as("live comment").isEqualTo("live 2");
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "three");
      assertThat(ids(stream, 1)).containsExactly(3L);
    }
  }

  @Test
  void lastEventIdResumesWithoutLossOrDuplicates() {
    Accounts.Account u = user();
    for (int i = 1; i <= 5; i++) {
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "n" + i);
    }
    try (EventStream byHeader = open("?token=" + u.token(), Map.of("Last-Event-ID", "2"));
        EventStream byQuery = open("?token=" + u.token() + "&lastEventId=4", Map.of())) {
      assertThat(ids(byHeader, 3)).containsExactly(3L, 4L, 5L);
      assertThat(ids(byQuery, 1)).containsExactly(5L);
      NotificationSockets.send(http, admin, NotificationSockets.toUsers(u.id()), "n6");
      assertThat(ids(byHeader, 1)).containsExactly(6L);
      assertThat(ids(byQuery, 1)).containsExactly(6L);
    }
  }

  @Test
  void aQuietStreamGetsAKeepAliveCommentAndLogoutEndsIt() {
    Accounts.Account u = user();
    String session = Accounts.token(http, u.username(), "password-" + u.username());
    try (EventStream stream = open("?token=" + session, Map.of())) {
      assertThat(stream.nextAny().fields().get("")).as("live comment").isEqualTo("live 0");
      assertThat(stream.nextAny().fields().get("")).as("keep-alive within 15 s").isEqualTo("keep-alive");
      assertThat(http.post("/api/auth/logout", new JsonObject(), session).status()).isEqualTo(204);
      stream.awaitEnd();
    }
  }
}
