package io.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Browser;
import io.switchboard.testing.BrowserTest;
import io.switchboard.testing.Http;
import io.switchboard.testing.Profile;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The admin console in a real browser: the bootstrap admin on a desktop window, a member on a phone.
 * Users, groups, audit, notifications and the banner (the modules, jobs and operations pages have
 * their own class).
 */
@BrowserTest
@SwitchboardTest(profile = Profile.BUSY)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminConsoleTest {

  static TestNode node;
  static Http http;
  static Browser desktop;
  static Browser phone;
  static ChatPage admin;
  static ChatPage member;
  static String memberName;
  static String memberId;
  static String adminToken;
  static String suffix;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    http = node.http();
    suffix = Long.toString(System.nanoTime() % 1_000_000);
    memberName = "console-member" + suffix;
    memberId = Accounts.register(http, memberName, "member-password").getString("id");
    adminToken = Accounts.adminToken(http);
    desktop = Browser.desktop();
    phone = Browser.phone();
    admin = new ChatPage(desktop, node).signIn(Accounts.ADMIN, Accounts.ADMIN_PASSWORD);
    member = new ChatPage(phone, node).signIn(memberName, "member-password");
  }

  @AfterAll
  static void close() {
    Browser.closeAll(desktop, phone);
  }

  @AfterEach
  void noScriptErrors() {
    admin.assertNoScriptErrors();
    member.assertNoScriptErrors();
  }

  static void page(Browser browser, String id, String title) {
    browser.js("location.hash = arguments[0]", "#/admin/" + id);
    browser.waitForText(By.cssSelector(".admin-title"), title);
  }

  static WebElement labelled(Browser browser, String label) {
    return browser.waitFor(By.xpath("//label[normalize-space()='" + label + "']/following-sibling::*[self::input or self::textarea or self::select][1]"));
  }

  static WebElement checkboxOf(Browser browser, String label) {
    return browser.waitFor(By.xpath("//dialog//label[normalize-space()='" + label + "']/preceding-sibling::input[@type='checkbox']"));
  }

  @Test
  @Order(1)
  void aMemberSeesNoAdminPagesAndTheApiRefusesThem() {
    assertThat(phone.driver().findElements(By.cssSelector(".admin-link"))).isEmpty();
    phone.js("location.hash = '#/admin/users'");
    phone.waitForText(By.cssSelector(".admin-empty"), "no administration permissions");
    String token = Accounts.token(http, memberName, "member-password");
    for (String path : List.of("/api/admin/users", "/api/admin/groups", "/api/admin/audit", "/api/admin/schedules", "/api/modules")) {
      assertThat(http.get(path, token).status()).as(path).isEqualTo(403);
    }
    phone.js("location.hash = '#/'");
  }

  @Test
  @Order(2)
  void usersPageSearchesAndShowsTheGrantRulesAsDisabledControls() {
    desktop.waitFor(By.cssSelector(".admin-link")).click();
    desktop.waitForText(By.cssSelector(".admin-title"), "Users");
    labelled(desktop, "Search users").sendKeys(memberName);
    desktop.waitUntil("the member found", d -> d.findElements(By.cssSelector(".admin-table tbody tr")).size() == 1);
    desktop.screenshot("admin-users");
    // the bootstrap admin's own row: own groups and own account are disabled controls that say why
    labelled(desktop, "Search users").clear();
    labelled(desktop, "Search users").sendKeys("admin");
    desktop.waitFor(By.cssSelector("button[aria-label='Edit admin']")).click();
    WebElement disable = desktop.waitFor(By.xpath("//dialog//button[text()='Disable account']"));
    assertThat(disable.isEnabled()).isFalse();
    assertThat(disable.getAttribute("title")).contains("your own account");
    desktop.driver().findElement(By.cssSelector("dialog .dialog-close")).click();
  }

  @Test
  @Order(3)
  void grantingAPermissionShowsItsPageToTheGranteeAfterAReload() {
    String group = "auditors" + suffix;
    // the group, made on the groups page with one permission ticked
    page(desktop, "groups", "Groups");
    desktop.waitFor(By.xpath("//button[text()='Create group']")).click();
    labelled(desktop, "Name").sendKeys(group);
    checkboxOf(desktop, "audit.view").click();
    desktop.driver().findElement(By.xpath("//dialog//button[text()='Create group']")).click();
    desktop.waitForText(By.cssSelector(".admin-table"), group);
    desktop.screenshot("admin-groups");

    // the member put into it on the users page
    page(desktop, "users", "Users");
    labelled(desktop, "Search users").sendKeys(memberName);
    desktop.waitFor(By.cssSelector("button[aria-label='Edit " + memberName + "']")).click();
    checkboxOf(desktop, group).click();
    desktop.driver().findElement(By.xpath("//dialog//button[text()='Save groups']")).click();
    desktop.waitForText(By.cssSelector("dialog .admin-status"), "Groups saved");
    Instant changed = Instant.now();
    desktop.driver().findElement(By.cssSelector("dialog .dialog-close")).click();

    // a reload shows the grantee the Admin link and the audit page (the permission cache holds 4 s)
    boolean shown = false;
    while (!shown && Duration.between(changed, Instant.now()).toMillis() < 5_000) {
      phone.driver().navigate().refresh();
      phone.waitFor(By.cssSelector(".topbar .profile-button"));
      shown = !phone.driver().findElements(By.cssSelector(".admin-link")).isEmpty();
    }
    assertThat(shown).as("the Admin link within 5 s of the grant").isTrue();
    phone.driver().findElement(By.cssSelector(".admin-link")).click();
    phone.waitForText(By.cssSelector(".admin-title"), "Audit");
    // only the pages of what was granted
    assertThat(phone.driver().findElements(By.cssSelector(".admin-nav a")).stream().map(WebElement::getText))
        .containsExactlyInAnyOrder("Audit", "Operations");
    phone.screenshot("admin-audit-phone");
    phone.js("location.hash = '#/'");
  }

  @Test
  @Order(4)
  void auditIsFilteredByActorAndAction() {
    page(desktop, "audit", "Audit");
    labelled(desktop, "Actor").sendKeys("admin");
    new org.openqa.selenium.support.ui.Select(labelled(desktop, "Action")).selectByValue("user.groups");
    desktop.waitUntil("only group changes by admin", d -> {
      @SuppressWarnings("unchecked")
      List<String> actions = (List<String>) desktop.js("return [...document.querySelectorAll('.admin-table td[data-col=Action]')].map(e => e.textContent)");
      return !actions.isEmpty() && actions.stream().allMatch("user.groups"::equals);
    });
    assertThat(desktop.driver().findElement(By.cssSelector(".admin-table")).getText()).contains(memberName);
    desktop.screenshot("admin-audit");
  }

  @Test
  @Order(5)
  void aNotificationComposedForAGroupShowsItsRecipientCountAndReachesTheBell() {
    page(desktop, "notifications", "Notifications");
    desktop.waitForText(By.cssSelector(".recipient-count"), "Reaches");
    desktop.driver().findElement(By.id("to-groups")).click();
    WebElement box = desktop.waitFor(By.xpath("//label[starts-with(normalize-space(), 'auditors" + suffix + "')]/preceding-sibling::input"));
    box.click();
    desktop.waitForText(By.cssSelector(".recipient-count"), "Reaches 1 user.");
    labelled(desktop, "Title").sendKeys("Audit duty");
    labelled(desktop, "Message (optional)").sendKeys("Please look at yesterday's logins.");
    desktop.screenshot("admin-notifications");
    desktop.driver().findElement(By.xpath("//button[text()='Send notification']")).click();
    desktop.waitForText(By.cssSelector(".admin-status"), "Sent to 1 user");
    phone.waitForText(By.cssSelector(".bell .badge"), "1");
  }

  @Test
  @Order(6)
  void theBannerSetOnItsPageShowsLiveForTheMember() throws Exception {
    page(desktop, "announcements", "Banner");
    String text = "Deploy at noon " + suffix;
    labelled(desktop, "Banner text").sendKeys(text);
    java.nio.file.Path png = java.nio.file.Files.createTempFile("banner", ".png");
    java.nio.file.Files.write(png, io.switchboard.media.TestImages.photoLikePng(240, 80));
    labelled(desktop, "Picture (optional)").sendKeys(png.toAbsolutePath().toString());
    desktop.driver().findElement(By.xpath("//button[text()='Set banner']")).click();
    desktop.waitForText(By.cssSelector(".admin-status"), "The banner is set");
    phone.waitForText(By.cssSelector(".banner .banner-text"), text);
    assertThat(phone.driver().findElements(By.cssSelector(".banner img.banner-image"))).hasSize(1);
    desktop.screenshot("admin-banner");
    desktop.driver().findElement(By.xpath("//button[text()='Clear banner']")).click();
    phone.waitUntil("the banner cleared", d -> !d.findElement(By.cssSelector(".banner")).isDisplayed());
    java.nio.file.Files.delete(png);
  }

  @Test
  @Order(7)
  void disablingAUserDropsTheirOpenChatToSignIn() {
    String room = "console-room" + suffix;
    assertThat(http.post("/api/conversations", new JsonObject().put("kind", "room").put("name", room).put("public", true), adminToken).status())
        .isEqualTo(201);
    member.open(room);
    page(desktop, "users", "Users");
    labelled(desktop, "Search users").sendKeys(memberName);
    desktop.waitFor(By.cssSelector("button[aria-label='Edit " + memberName + "']")).click();
    desktop.waitFor(By.xpath("//dialog//button[text()='Disable account']")).click();
    desktop.waitForText(By.cssSelector(".admin-table"), "Disabled");
    phone.waitFor(By.id("signin-username"));
    phone.waitForText(By.cssSelector(".signin-card"), "session has ended");
    assertThat(http.get("/api/admin/users/" + memberId, adminToken).json().getBoolean("disabled")).isTrue();
    JsonArray audit = http.get("/api/admin/audit?action=user.disable", adminToken).json().getJsonArray("items");
    assertThat(audit.stream().map(e -> ((JsonObject) e).getString("target"))).contains(memberName);
  }
}
