package io.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.media.TestImages;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Browser;
import io.switchboard.testing.BrowserTest;
import io.switchboard.testing.Http;
import io.switchboard.testing.Profile;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The web client in two real browsers: Alice on a desktop window, Bob on a phone-sized one, both
 * signed in through the forms. The tests run in order on the same two pages, as two people would
 * use them; each works in a room of its own.
 */
@BrowserTest
@SwitchboardTest(profile = Profile.BUSY)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebClientTest {

  static final String PASSWORD = "browser-password";

  static TestNode node;
  static Http http;
  static Browser desktop;
  static Browser phone;
  static ChatPage alice;
  static ChatPage bob;
  static String aliceName;
  static String bobName;
  static String aliceToken;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
    String suffix = Long.toString(System.nanoTime() % 1_000_000);
    aliceName = "web-alice" + suffix;
    bobName = "web-bob" + suffix;
    desktop = Browser.desktop();
    phone = Browser.phone();
    alice = new ChatPage(desktop, node).signUp(aliceName, PASSWORD, "Alice");
    Accounts.register(http, bobName, PASSWORD);
    assertThat(http.patch("/api/me", new JsonObject().put("displayName", "Bob"), Accounts.token(http, bobName, PASSWORD)).status()).isEqualTo(200);
    bob = new ChatPage(phone, node).signIn(bobName, PASSWORD);
    aliceToken = Accounts.token(http, aliceName, PASSWORD);
  }

  @AfterAll
  static void close() {
    Browser.closeAll(desktop, phone);
  }

  @AfterEach
  void noScriptErrors() {
    alice.assertNoScriptErrors();
    bob.assertNoScriptErrors();
  }

  /** A public room made through the API, Bob a participant; answers its name. */
  static String room(String name) {
    Http.Response r = http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", name).put("public", true), aliceToken);
    assertThat(r.status()).as(r.toString()).isEqualTo(201);
    String bobToken = Accounts.token(http, bobName, PASSWORD);
    assertThat(http.post("/api/conversations/" + name + "/join", new JsonObject(), bobToken).status()).isEqualTo(204);
    return name;
  }

  @Test
  @Order(1)
  void twoUsersInOneRoomSeeEachOthersMessagesLive() {
    String name = "web-lobby" + System.nanoTime() % 1_000_000;
    // Alice creates the room in the dialog, Bob finds it and joins
    desktop.waitFor(By.xpath("//button[text()='New room']")).click();
    desktop.waitFor(By.id("room-name")).sendKeys(name);
    desktop.driver().findElement(By.id("room-title")).sendKeys("The lobby");
    desktop.driver().findElement(By.cssSelector("dialog button[type=submit]")).click();
    alice.waitLive();
    desktop.waitForText(By.cssSelector(".chat-title h2"), "The lobby");

    bob.open(name);
    phone.waitFor(By.xpath("//button[text()='Join room']")).click();
    phone.waitFor(ChatPage.COMPOSER);
    desktop.waitForText(By.cssSelector(".chat-sub"), "2 online");

    alice.send("Hello Bob");
    alice.waitForMessage("own", "Hello Bob");
    WebElement received = bob.waitForMessage("other", "Hello Bob");
    assertThat(received.findElement(By.xpath("ancestor::li")).getText()).contains("Alice");

    // typing is shown while Bob writes, and his message then reaches Alice
    phone.driver().findElement(ChatPage.COMPOSER).sendKeys("Hi");
    desktop.waitForText(By.cssSelector(".typing"), "is typing");
    phone.driver().findElement(ChatPage.COMPOSER).sendKeys(" Alice");
    phone.driver().findElement(ChatPage.COMPOSER).sendKeys(org.openqa.selenium.Keys.ENTER);
    alice.waitForMessage("other", "Hi Alice");
    bob.waitForMessage("own", "Hi Alice");
    // Bob's page read Alice's message: her bubble says so
    desktop.waitUntil("a read receipt", d -> alice.count(".message.own .receipt:not(:empty)") > 0);
    assertThat(desktop.driver().findElement(By.cssSelector(".message.own .receipt")).getText()).contains("Seen by");

    desktop.screenshot("web-chat-desktop");
    phone.screenshot("web-chat-phone");
  }

  @Test
  @Order(2)
  void messageTextIsRenderedAsTextNeverAsHtml() {
    String name = room("web-xss" + System.nanoTime() % 1_000_000);
    alice.open(name);
    bob.open(name);
    String hostile = "<img src=x onerror=alert(1)>";
    alice.send(hostile);
    bob.waitForMessage("other", hostile);
    alice.waitForMessage("own", hostile);
    assertThat(bob.count(".messages img[src=x]")).isZero();
    assertThat(alice.count(".messages img[src=x]")).isZero();
    assertThatThrownBy(() -> phone.driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);

    // Shift+Enter is a new line in the same message
    alice.send("line one\nline two");
    bob.waitForMessage("other", "line one\nline two");
  }

  @Test
  @Order(3)
  void pastedPictureReachesTheOtherAndRecallRemovesItForBoth() {
    String name = room("web-pics" + System.nanoTime() % 1_000_000);
    alice.open(name);
    bob.open(name);
    alice.pastePicture(TestImages.photoLikePng(640, 400), "pasted.png");
    WebElement preview = desktop.waitFor(By.cssSelector("dialog.preview-dialog img.preview-image"));
    assertThat(preview.getAttribute("src")).startsWith("blob:");
    desktop.screenshot("web-picture-preview");
    desktop.driver().findElement(By.cssSelector("dialog.preview-dialog button[type=submit]")).click();

    By bobsPicture = By.cssSelector(".message.other[data-seq] .picture img");
    phone.waitFor(bobsPicture);
    phone.waitUntil("Bob's picture loaded", d -> (Boolean) phone.js("const i = document.querySelector(arguments[0]); return i.complete && i.naturalWidth > 0",
        ".message.other[data-seq] .picture img"));
    String url = phone.driver().findElement(bobsPicture).getAttribute("src");
    assertThat(url).contains("/media/").contains("s=");
    // full size on a tap
    phone.driver().findElement(By.cssSelector(".message.other[data-seq] .picture")).click();
    phone.waitFor(By.cssSelector("dialog.lightbox img"));
    phone.screenshot("web-picture-full-size-phone");
    phone.driver().findElement(By.cssSelector("dialog.lightbox .dialog-close")).click();

    // Alice recalls it from the message menu: gone on both pages
    desktop.waitFor(By.cssSelector(".message.own[data-seq] .picture img"));
    WebElement own = desktop.driver().findElement(By.cssSelector(".message.own[data-seq]"));
    new org.openqa.selenium.interactions.Actions(desktop.driver()).moveToElement(own).perform();
    own.findElement(By.cssSelector(".menu-button")).click();
    desktop.waitFor(By.cssSelector(".menu-recall")).click();
    desktop.waitForText(By.cssSelector(".message.own.gone .tombstone"), "You recalled a message");
    phone.waitForText(By.cssSelector(".message.other.gone .tombstone"), "recalled a message");
    assertThat(alice.count(".message .picture img")).isZero();
    assertThat(bob.count(".message .picture img")).isZero();
  }

  @Test
  @Order(4)
  void reloadKeepsHistoryAndScrollingUpLoadsOlderMessages() {
    String name = room("web-history" + System.nanoTime() % 1_000_000);
    for (int i = 1; i <= 120; i++) {
      Http.Response r = http.post("/api/conversations/" + name + "/messages", new JsonObject().put("text", "history " + i), aliceToken);
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
    bob.open(name);
    bob.waitForMessage("other", "history 120");
    assertThat(bob.count(".message[data-seq]")).isEqualTo(50);

    phone.driver().navigate().refresh();
    phone.waitFor(By.cssSelector(".topbar .profile-button"));
    bob.waitLive();
    bob.waitForMessage("other", "history 120");
    assertThat(bob.texts()).first().isEqualTo("history 71");

    bob.scrollHistoryToTop();
    phone.waitUntil("a second page", d -> bob.count(".message[data-seq]") == 100);
    bob.scrollHistoryToTop();
    phone.waitUntil("the whole history", d -> bob.count(".message[data-seq]") == 120);
    phone.waitForText(By.cssSelector(".history-top"), "beginning of the conversation");
    assertThat(bob.texts()).containsExactlyElementsOf(IntStream.rangeClosed(1, 120).mapToObj(i -> "history " + i).toList());
  }

  @Test
  @Order(5)
  void phoneWidthPageHasNoHorizontalScroll() {
    String name = room("web-phone" + System.nanoTime() % 1_000_000);
    String longWord = "x".repeat(300);
    http.post("/api/conversations/" + name + "/messages", new JsonObject().put("text", "a very long word: " + longWord), aliceToken);
    http.multipart("POST", "/api/conversations/" + name + "/images", aliceToken, "file", "wide.png", "image/png", TestImages.photoLikePng(1800, 300), java.util.Map.of());
    bob.open(name);
    phone.waitFor(By.cssSelector(".message[data-seq] .picture img"));
    assertThat(phone.viewport().getWidth()).isEqualTo(390);
    bob.assertNoHorizontalScroll();
    // the composer is inside the viewport, at its bottom
    Number bottom = (Number) phone.js("return document.getElementById('composer-text').getBoundingClientRect().bottom");
    assertThat(bottom.doubleValue()).isLessThanOrEqualTo(phone.viewport().getHeight());
    phone.screenshot("web-room-phone");

    // the list of conversations fits too
    phone.driver().findElement(By.cssSelector(".chat-head .back")).click();
    phone.waitFor(By.cssSelector(".sidebar .conv-list"));
    bob.assertNoHorizontalScroll();
    phone.screenshot("web-list-phone");
  }

  @Test
  @Order(6)
  void slowModeRefusalIsShownNotSwallowed() {
    String name = room("web-slow" + System.nanoTime() % 1_000_000);
    assertThat(http.patch("/api/conversations/" + name, new JsonObject().put("slowModeSeconds", 30), aliceToken).status()).isEqualTo(200);
    alice.open(name);
    alice.send("first");
    alice.waitForMessage("own", "first");
    alice.send("second");
    desktop.waitForText(By.cssSelector(".notice"), "Slow down");
    WebElement failed = desktop.waitFor(By.cssSelector(".message.own.failed"));
    assertThat(failed.getText()).contains("second").contains("Not sent").contains("Retry");
    desktop.screenshot("web-slow-mode");
  }

  @Test
  @Order(7)
  void bannerAndNotificationBellAreLive() {
    String admin = Accounts.adminToken(http);
    String text = "Maintenance tonight " + System.nanoTime() % 1000;
    Http.Response set = http.multipart("PUT", "/api/admin/banner", admin, "file", "banner.png", "image/png",
        TestImages.photoLikePng(200, 60), java.util.Map.of("text", text));
    assertThat(set.status()).as(set.toString()).isEqualTo(200);
    desktop.waitForText(By.cssSelector(".banner .banner-text"), text);
    phone.waitForText(By.cssSelector(".banner .banner-text"), text);
    desktop.screenshot("web-banner-desktop");

    String bobId = http.get("/api/me", Accounts.token(http, bobName, PASSWORD)).json().getString("id");
    Http.Response sent = http.post("/api/admin/notifications",
        new JsonObject().put("userIds", List.of(bobId)).put("title", "Welcome").put("body", "Glad you are here"), admin);
    assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
    phone.waitForText(By.cssSelector(".bell .badge"), "1");
    phone.driver().findElement(By.cssSelector(".bell")).click();
    phone.waitForText(By.cssSelector(".notification-list"), "Glad you are here");
    phone.screenshot("web-notifications-phone");
    phone.driver().findElement(By.xpath("//button[text()='Mark all read']")).click();
    phone.waitUntil("the badge gone", d -> !d.findElement(By.cssSelector(".bell .badge")).isDisplayed());
    phone.driver().findElement(By.cssSelector(".bell")).click();

    assertThat(http.delete("/api/admin/banner", admin).status()).isEqualTo(204);
    desktop.waitUntil("the banner cleared", d -> !d.findElement(By.cssSelector(".banner")).isDisplayed());
  }

  @Test
  @Order(8)
  void avatarChangeShowsTheNewPicture() throws Exception {
    Path png = Files.createTempFile("avatar", ".png");
    Files.write(png, TestImages.photoLikePng(300, 300));
    desktop.driver().findElement(By.cssSelector(".profile-button")).click();
    desktop.waitFor(By.id("profile-display"));
    desktop.driver().findElement(By.id("avatar-input")).sendKeys(png.toAbsolutePath().toString());
    desktop.waitFor(By.cssSelector(".profile-picture img.avatar"));
    desktop.waitFor(By.cssSelector(".profile-button img.avatar"));
    String avatarUrl = http.get("/api/me", aliceToken).json().getString("avatarUrl");
    assertThat(avatarUrl).isNotNull();
    assertThat(desktop.driver().findElement(By.cssSelector(".profile-button img.avatar")).getAttribute("src")).endsWith(avatarUrl);
    desktop.driver().findElement(By.cssSelector("dialog .dialog-close")).click();
    Files.delete(png);
  }

  @Test
  @Order(9)
  void theConversationListShowsUnreadCounts() {
    String name = room("web-unread" + System.nanoTime() % 1_000_000);
    bob.open(name);
    phone.js("location.hash = '#/'");
    phone.waitFor(By.cssSelector(".conv-list"));
    for (String text : List.of("one", "two", "three")) {
      assertThat(http.post("/api/conversations/" + name + "/messages", new JsonObject().put("text", text), aliceToken).status()).isEqualTo(201);
    }
    // the list is read again when it is shown
    bob.open(ChatPage.anotherRoom(http, aliceToken, bobName, PASSWORD));
    phone.js("location.hash = '#/'");
    By badge = By.cssSelector(".conv-list a[href='#/c/" + http.get("/api/conversations/" + name, aliceToken).json().getString("id") + "'] .badge");
    phone.waitForText(badge, "3");
    bob.open(name);
    bob.waitForMessage("other", "three");
    phone.js("location.hash = '#/'");
    phone.waitUntil("the badge gone once read", d -> d.findElements(badge).isEmpty());
  }

  /** Every control has a name a screen reader reads, and text stands out from its background (WCAG AA). */
  @Test
  @Order(10)
  void controlsAreLabelledAndTextHasEnoughContrast() {
    String name = room("web-a11y" + System.nanoTime() % 1_000_000);
    http.post("/api/conversations/" + name + "/messages", new JsonObject().put("text", "a message from Alice"), aliceToken);
    http.post("/api/conversations/" + name + "/announcements", new JsonObject().put("text", "an announcement"), Accounts.adminToken(http));
    bob.open(name);
    bob.waitForMessage("other", "a message from Alice");
    bob.send("a message from Bob");
    bob.waitForMessage("own", "a message from Bob");
    for (ChatPage page : List.of(alice, bob)) {
      page.open(name);
      assertThat(page.unlabelledControls()).as("controls without an accessible name").isEmpty();
      assertThat(page.lowContrastText()).as("text under 4.5:1 contrast").isEmpty();
    }
    // the sign-in page too, in a browser of its own
    try (Browser fresh = Browser.desktop()) {
      ChatPage signIn = new ChatPage(fresh, node);
      fresh.open(node, "/");
      fresh.waitFor(By.id("signin-username"));
      assertThat(signIn.unlabelledControls()).isEmpty();
      assertThat(signIn.lowContrastText()).isEmpty();
      fresh.screenshot("web-signin-desktop");
    }
  }

  /** History is drawn before the socket's welcome says the recall window: the menu still offers Recall. */
  @Test
  @Order(11)
  void recallIsOfferedAfterAReloadWithinTheWindow() {
    String name = room("web-reload-recall" + System.nanoTime() % 1_000_000);
    alice.open(name);
    alice.send("recall me after a reload");
    alice.waitForMessage("own", "recall me after a reload");
    desktop.driver().navigate().refresh();
    desktop.waitFor(By.cssSelector(".topbar .profile-button"));
    alice.waitLive();
    WebElement own = alice.waitForMessage("own", "recall me after a reload").findElement(By.xpath("ancestor::li"));
    new org.openqa.selenium.interactions.Actions(desktop.driver()).moveToElement(own).perform();
    own.findElement(By.cssSelector(".menu-button")).click();
    desktop.waitFor(By.cssSelector(".menu-recall")).click();
    desktop.waitForText(By.cssSelector(".message.own.gone .tombstone"), "You recalled a message");
  }

  @Test
  @Order(20)
  void anEndedSessionReturnsToSignIn() {
    bob.open(room("web-end" + System.nanoTime() % 1_000_000));
    String refresh = (String) phone.js("return JSON.parse(localStorage.getItem('switchboard.session')).refreshToken");
    String access = (String) phone.js("return JSON.parse(localStorage.getItem('switchboard.session')).accessToken");
    // the session ends elsewhere (as a logout from another device of the same session would)
    assertThat(http.post("/api/auth/logout", new JsonObject().put("refreshToken", refresh), access).status()).isEqualTo(204);
    phone.waitFor(By.id("signin-username"));
    phone.waitForText(By.cssSelector(".signin-card"), "session has ended");
    assertThat(phone.js("return localStorage.getItem('switchboard.session')")).isNull();
    phone.screenshot("web-signin-phone");
  }
}
