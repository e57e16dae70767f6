package io.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Browser;
import io.switchboard.testing.BrowserTest;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The web client across a server restart: the page shows "reconnecting" while its node is down,
 * then reconnects with `since` and shows what was sent meanwhile, each message once.
 */
@BrowserTest
class WebClientReconnectTest {

  TestNode node;
  TestNode peer;
  Browser browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    for (TestNode n : new TestNode[] {peer, node}) {
      if (n != null) {
        n.close();
      }
    }
  }

  @Test
  void aRestartShowsReconnectingThenCatchesUpWithoutLossOrDoubles() {
    node = TestNode.start(Map.of("SWITCHBOARD_RATE_BURST", "1000", "SWITCHBOARD_RATE_PER_SECOND", "1000"));
    int port = node.port();
    Http http = node.http();
    Accounts.register(http, "reader", "reader-password");
    Accounts.register(http, "writer", "writer-password");
    String writer = Accounts.token(http, "writer", "writer-password");
    String reader = Accounts.token(http, "reader", "reader-password");
    assertThat(http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", "restarts").put("public", true), writer).status())
        .isEqualTo(201);
    assertThat(http.post("/api/conversations/restarts/join", new JsonObject(), reader).status()).isEqualTo(204);
    http.post("/api/conversations/restarts/messages", new JsonObject().put("text", "before 1"), writer);

    browser = Browser.desktop();
    ChatPage page = new ChatPage(browser, node).signIn("reader", "reader-password");
    page.open("restarts");
    page.waitForMessage("other", "before 1");

    // the node goes away (its sockets are told 1012); a second node of the same database takes the writes meanwhile
    peer = TestNode.startPeer(node, Map.of());
    node.close();
    node = null;
    browser.waitUntil("the page reconnecting", d -> "reconnecting".equals(page.connection().getAttribute("data-state")));
    assertThat(page.connection().getText()).isEqualTo("Reconnecting…");
    browser.screenshot("web-reconnecting");
    Http other = peer.http();
    for (int i = 1; i <= 5; i++) {
      Http.Response r = other.post("/api/conversations/restarts/messages", new JsonObject().put("text", "during " + i), writer);
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }

    // the node comes back on the same port: the page reconnects with since and replays what it missed
    Map<String, String> same = new HashMap<>(peer.settings());
    same.put("SWITCHBOARD_HTTP_PORT", Integer.toString(port));
    same.put("SWITCHBOARD_NODE_ID", "restarted");
    node = TestNode.startWith(same);
    page.waitLive();
    page.waitForMessage("other", "during 5");
    // and live ones keep coming after the seam
    node.http().post("/api/conversations/restarts/messages", new JsonObject().put("text", "after 1"), writer);
    page.waitForMessage("other", "after 1");

    List<String> expected = new java.util.ArrayList<>(List.of("before 1"));
    expected.addAll(IntStream.rangeClosed(1, 5).mapToObj(i -> "during " + i).toList());
    expected.add("after 1");
    assertThat(page.texts()).containsExactlyElementsOf(expected);
    assertThat(browser.driver().findElement(By.cssSelector(".chat-head .conn")).getText()).isEqualTo("Live");
    page.assertNoScriptErrors();
  }
}
