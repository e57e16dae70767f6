package io.switchboard.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The client address recorded by the audit log: X-Forwarded-For counts only when the connection
 * comes from a trusted proxy, and then the rightmost address that is not a trusted proxy is taken.
 */
class ClientAddressTest {

  @Test
  void forwardedForIsIgnoredWithoutTrustedProxies() {
    try (TestNode node = TestNode.start()) {
      Http http = node.http();
      assertThat(loginFrom(http, "spoofer", "203.0.113.9")).isEqualTo("127.0.0.1");
      assertThat(loginFrom(http, "plain", null)).isEqualTo("127.0.0.1");
    }
  }

  @Test
  void aTrustedProxyIsBelievedUpToTheFirstUntrustedHop() {
    try (TestNode node = TestNode.start(Map.of("SWITCHBOARD_TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8, 2001:db8::/32"))) {
      Http http = node.http();
      assertThat(loginFrom(http, "proxied", "203.0.113.9")).isEqualTo("203.0.113.9");
      // the client wrote 1.2.3.4 itself; the proxy appended the address it saw
      assertThat(loginFrom(http, "chained", "1.2.3.4, 203.0.113.9")).isEqualTo("203.0.113.9");
      // trusted hops (IPv4 and IPv6 ranges) are skipped from the right
      assertThat(loginFrom(http, "hopping", "1.2.3.4, 198.51.100.7, 2001:db8::5, 10.1.1.1")).isEqualTo("198.51.100.7");
      assertThat(loginFrom(http, "sixer", "2001:DB9:0:0::1")).isEqualTo("2001:db9::1");
      assertThat(loginFrom(http, "ported", "[2001:db9::2]:4711, 10.0.0.1")).isEqualTo("2001:db9::2");
      // what is not an address ends the walk at the last trusted hop
      assertThat(loginFrom(http, "garbled", "203.0.113.9, unknown")).isEqualTo("127.0.0.1");
      assertThat(loginFrom(http, "direct", null)).isEqualTo("127.0.0.1");
    }
  }

  /** A failed login of {@code username} (sent with X-Forwarded-For when given); answers the audited address. */
  private static String loginFrom(Http http, String username, String forwardedFor) {
    Map<String, String> headers = forwardedFor == null ? Map.of("Content-Type", "application/json")
        : Map.of("Content-Type", "application/json", "X-Forwarded-For", forwardedFor);
    Http.Response r = http.send("POST", "/api/auth/login",
        new JsonObject().put("username", username).put("password", "wrong-password").encode(), null, headers);
    assertThat(r.status()).as(r.toString()).isEqualTo(401);
    String admin = Accounts.adminToken(http);
    return http.get("/api/admin/audit?limit=200", admin).items().stream().map(o -> (JsonObject) o)
        .filter(e -> "login.failure".equals(e.getString("action")) && username.equals(e.getString("target")))
        .findFirst().orElseThrow(() -> new AssertionError("no login.failure of " + username)).getString("ip");
  }
}
