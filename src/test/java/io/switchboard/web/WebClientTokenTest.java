package io.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Browser;
import io.switchboard.testing.BrowserTest;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The web client refreshes its access token before it expires, so a session outlives its first token. */
@BrowserTest
class WebClientTokenTest {

  TestNode node;
  Browser browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theTokenIsRefreshedBeforeExpiryAndThePageKeepsWorking() {
    node = TestNode.start(Map.of("SWITCHBOARD_ACCESS_TOKEN_TTL_SECONDS", "10"));
    Http http = node.http();
    Accounts.register(http, "keeper", "keeper-password");
    String other = Accounts.signUp(http, "talker").token();
    assertThat(http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", "long-session").put("public", true), other).status())
        .isEqualTo(201);

    browser = Browser.desktop();
    ChatPage page = new ChatPage(browser, node).signIn("keeper", "keeper-password");
    page.open("long-session");
    browser.waitFor(By.xpath("//button[text()='Join room']")).click();
    String first = token();
    // at 80 % of its 10 s lifetime the page trades its refresh token for a new pair, twice
    browser.waitUntil("a first refresh", d -> !first.equals(token()));
    String second = token();
    browser.waitUntil("a second refresh", d -> !second.equals(token()));
    // by now the first token has expired: the server refuses it, the page goes on with its own
    assertThat(http.get("/api/me", first).status()).isEqualTo(401);
    assertThat(browser.driver().findElements(By.id("signin-username"))).isEmpty();
    page.waitLive();
    page.send("still here");
    page.waitForMessage("own", "still here");
    http.post("/api/conversations/long-session/messages", new JsonObject().put("text", "and so am I"), Accounts.token(http, "talker", "password-talker"));
    page.waitForMessage("other", "and so am I");
    // an HTTP call of the page (the lists) works with the refreshed token
    browser.js("location.hash = '#/'");
    browser.waitForText(By.cssSelector(".conv-list"), "#long-session");
    page.assertNoScriptErrors();
  }

  private String token() {
    return (String) browser.js("return JSON.parse(localStorage.getItem('switchboard.session')).accessToken");
  }
}
