package io.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.modules.ModuleClient;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Browser;
import io.switchboard.testing.BrowserTest;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.switchboard.testing.Wait;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin console's Modules, Jobs and Operations pages in a real browser, on a node of their own
 * (its schedules and jobs are this class's alone): the bootstrap admin on a desktop window, then on a
 * phone, and a plain member who is shown none of it.
 */
@BrowserTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminOperationsTest {

  static TestNode node;
  static Http http;
  static Vertx vertx;
  static WebSocketClient sockets;
  static Browser desktop;
  static Browser phone;
  static ChatPage admin;
  static ChatPage other;
  static String adminToken;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    http = node.http();
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
    adminToken = Accounts.adminToken(http);
    desktop = Browser.desktop();
    admin = new ChatPage(desktop, node).signIn(Accounts.ADMIN, Accounts.ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() throws Exception {
    Browser.closeAll(desktop, phone);
    if (vertx != null) {
      vertx.close().await(20, TimeUnit.SECONDS);
    }
    if (node != null) {
      node.close();
    }
  }

  @AfterEach
  void noScriptErrors() {
    admin.assertNoScriptErrors();
    if (other != null) {
      other.assertNoScriptErrors();
    }
  }

  /** Opens an admin page afresh (from elsewhere when the browser shows it already, as a hash change is needed). */
  static void openPage(Browser browser, String page) {
    if (("#/admin/" + page).equals(browser.js("return location.hash"))) {
      browser.js("location.hash = '#/'");
      browser.waitFor(By.cssSelector(".pane-empty"));
    }
    browser.js("location.hash = arguments[0]", "#/admin/" + page);
    browser.waitFor(By.cssSelector(".admin-content .admin-" + page));
  }

  static String register(String name) {
    Http.Response r = http.get("/module/register?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8)
        + "&description=" + URLEncoder.encode("forecasts for " + name, StandardCharsets.UTF_8)
        + "&missionKind=forecast&dataRequirement=" + URLEncoder.encode("{\"inputs\":[]}", StandardCharsets.UTF_8));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(r.json().getString("code")).as(r.toString()).isEqualTo("2000");
    return r.json().getJsonObject("result").getString("hash");
  }

  static By moduleState(String hash) {
    return By.cssSelector("tr[data-key='" + hash + "'] td[data-col='State'] .pill");
  }

  @Test
  @Order(1)
  void aModuleGoesOnlineAndOfflineLiveAndTakesACommandFromThePage() {
    String name = "ops-forecast-" + System.nanoTime() % 1_000_000;
    String hash = register(name);
    openPage(desktop, "modules");
    desktop.waitForText(moduleState(hash), "offline");
    // the page is not loaded again while the module's state changes
    desktop.js("window.__samePage = true");

    try (ModuleClient module = ModuleClient.open(vertx, sockets, node.port(), hash).heartbeatEvery(1000)) {
      desktop.waitForText(moduleState(hash), "online");
      desktop.waitUntil("the holding node in the row", d -> !"—".equals(desktop.js(
          "const c = document.querySelector(arguments[0]); return c ? c.textContent : '—';", "tr[data-key='" + hash + "'] td[data-col='Node']")));
      assertThat(desktop.js("return document.querySelector(arguments[0]).dataset.online", "tr[data-key='" + hash + "'] td[data-col='State'] .pill"))
          .isEqualTo("true");
      assertThat(desktop.js("return window.__samePage === true")).isEqualTo(true);
      desktop.screenshot("admin-modules");

      // bad JSON is refused in the page, then a command goes to the module's socket
      desktop.driver().findElement(By.cssSelector("tr[data-key='" + hash + "'] button[aria-label='Send a command to " + name + "']")).click();
      WebElement payload = desktop.waitFor(By.cssSelector(".command-dialog textarea"));
      payload.clear();
      payload.sendKeys("{not json");
      desktop.driver().findElement(By.cssSelector(".command-dialog button[type=submit]")).click();
      desktop.waitForText(By.cssSelector(".command-dialog .admin-status[data-kind=error]"), "not valid JSON");
      payload.clear();
      payload.sendKeys("{\"action\":\"recalculate\",\"area\":\"north\"}");
      desktop.driver().findElement(By.cssSelector(".command-dialog button[type=submit]")).click();
      WebElement id = desktop.waitFor(By.cssSelector(".command-dialog .command-id"));
      String commandId = id.getText();
      assertThat(commandId).isNotBlank();
      assertThat(desktop.driver().findElement(By.cssSelector(".command-dialog .command-node")).getText()).isNotBlank();
      assertThat(desktop.driver().findElement(By.cssSelector(".command-dialog .admin-status")).getText()).contains("Delivered to " + name);
      desktop.screenshot("admin-modules-command");

      JsonObject frame = new JsonObject(module.next());
      assertThat(frame.getString("type")).isEqualTo("command");
      assertThat(frame.getString("id")).isEqualTo(commandId);
      assertThat(frame.getJsonObject("payload")).isEqualTo(new JsonObject().put("action", "recalculate").put("area", "north"));
      desktop.driver().findElement(By.cssSelector(".command-dialog .dialog-close")).click();
    }

    desktop.waitForText(moduleState(hash), "offline");
    assertThat(desktop.js("return window.__samePage === true")).isEqualTo(true);
    assertThat(admin.unlabelledControls()).isEmpty();

    // a command to an offline module says so
    desktop.driver().findElement(By.cssSelector("tr[data-key='" + hash + "'] button[aria-label='Send a command to " + name + "']")).click();
    desktop.waitFor(By.cssSelector(".command-dialog button[type=submit]")).click();
    desktop.waitForText(By.cssSelector(".command-dialog .admin-status[data-kind=error]"), "offline");
    desktop.driver().findElement(By.cssSelector(".command-dialog .dialog-close")).click();

    // with "Online only", a module registered while the page is open comes in when it goes online and leaves when it goes offline
    String second = "ops-radar-" + System.nanoTime() % 1_000_000;
    String secondHash = register(second);
    desktop.driver().findElement(By.xpath("//label[text()='Online only']")).click();
    desktop.waitUntil("the offline module filtered out", d -> d.findElements(By.cssSelector("tr[data-key='" + hash + "']")).isEmpty());
    try (ModuleClient module = ModuleClient.open(vertx, sockets, node.port(), secondHash)) {
      desktop.waitForText(moduleState(secondHash), "online");
    }
    desktop.waitUntil("the module gone from the online ones", d -> d.findElements(By.cssSelector("tr[data-key='" + secondHash + "']")).isEmpty());
    desktop.driver().findElement(By.xpath("//label[text()='Online only']")).click();
    desktop.waitForText(moduleState(secondHash), "offline");
    // the search narrows the list
    desktop.driver().findElement(By.cssSelector(".admin-modules input[type=search]")).sendKeys(second);
    desktop.waitUntil("only " + second, d -> d.findElements(By.cssSelector(".admin-modules tbody tr")).size() == 1
        && !d.findElements(By.cssSelector("tr[data-key='" + secondHash + "']")).isEmpty());
    assertThat(desktop.js("return window.__samePage === true")).isEqualTo(true);

    // deleting asks first
    desktop.driver().findElement(By.cssSelector("tr[data-key='" + secondHash + "'] button[aria-label='Delete " + second + "']")).click();
    desktop.waitFor(By.cssSelector(".confirm-dialog button.danger")).click();
    desktop.waitForText(By.cssSelector(".admin-modules > section > .admin-status"), second + " deleted");
    assertThat(desktop.driver().findElements(By.cssSelector("tr[data-key='" + secondHash + "']"))).isEmpty();
    Http.Response list = http.get("/api/modules?q=" + second, adminToken);
    assertThat(list.items()).as(list.toString()).isEmpty();
  }

  static By scheduleCell(String name, String column) {
    return By.cssSelector(".admin-jobs tr[data-key='" + name + "'] td[data-col='" + column + "']");
  }

  /** The instant in the schedule's next-run cell, read in one go (the row may be redrawn at any time). */
  static String nextRun(String name) {
    return (String) desktop.js("const t = document.querySelector(arguments[0]); return t ? t.getAttribute('datetime') : null;",
        ".admin-jobs tr[data-key='" + name + "'] td[data-col='Next run'] time");
  }

  static JsonObject schedule(String name) {
    Http.Response r = http.get("/api/admin/schedules", adminToken);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    return r.items().stream().map(o -> (JsonObject) o).filter(s -> name.equals(s.getString("name"))).findFirst().orElseThrow();
  }

  @Test
  @Order(2)
  void editingAScheduleIntervalShowsItsNewNextRun() {
    String name = "auth.purge";
    openPage(desktop, "jobs");
    desktop.waitFor(scheduleCell(name, "Next run"));
    String before = nextRun(name);
    assertThat(before).isEqualTo(schedule(name).getString("nextRunAt"));

    desktop.driver().findElement(By.cssSelector("button[aria-label='Edit " + name + "']")).click();
    desktop.waitFor(By.cssSelector(".schedule-dialog")).findElement(By.cssSelector("input[value=interval]")).click();
    WebElement interval = desktop.driver().findElement(By.cssSelector(".schedule-dialog input[name=intervalSeconds]"));
    // bad input is refused with a message in the form, by the page and by the server
    interval.clear();
    interval.sendKeys("0");
    interval.sendKeys(Keys.ENTER);
    desktop.waitForText(By.cssSelector(".schedule-dialog .admin-status[data-kind=error]"), "whole number of seconds");
    assertThat(interval.getAttribute("aria-invalid")).isEqualTo("true");
    desktop.driver().findElement(By.cssSelector(".schedule-dialog input[value=cron]")).click();
    WebElement cron = desktop.driver().findElement(By.cssSelector(".schedule-dialog input[name=cron]"));
    cron.clear();
    cron.sendKeys("99 * * * *");
    cron.sendKeys(Keys.ENTER);
    desktop.waitForText(By.cssSelector(".schedule-dialog .admin-status[data-kind=error]"), "Not saved");

    desktop.driver().findElement(By.cssSelector(".schedule-dialog input[value=interval]")).click();
    interval.clear();
    interval.sendKeys("7777");
    interval.sendKeys(Keys.ENTER);
    desktop.waitUntil("the next run changed", d -> {
      String now = nextRun(name);
      return now != null && !before.equals(now);
    });
    String shown = nextRun(name);
    JsonObject stored = schedule(name);
    assertThat(stored.getInteger("intervalSeconds")).isEqualTo(7777);
    assertThat(shown).isEqualTo(stored.getString("nextRunAt"));
    assertThat(desktop.driver().findElement(scheduleCell(name, "Timing")).getText()).isEqualTo("every 7777 s");
    assertThat(desktop.driver().findElements(By.cssSelector(".schedule-dialog"))).isEmpty();
    desktop.screenshot("admin-jobs-schedules");
    assertThat(admin.unlabelledControls()).isEmpty();

    // switched off, the row says so
    desktop.driver().findElement(By.cssSelector("button[aria-label='Edit jobs.purge']")).click();
    desktop.waitFor(By.cssSelector(".schedule-dialog"));
    desktop.driver().findElement(By.xpath("//dialog[contains(@class,'schedule-dialog')]//label[text()='Enabled']")).click();
    desktop.driver().findElement(By.cssSelector(".schedule-dialog button[type=submit]")).click();
    desktop.waitForText(scheduleCell("jobs.purge", "Enabled"), "disabled");
    assertThat(desktop.driver().findElement(scheduleCell("jobs.purge", "Next run")).getText()).isEqualTo("disabled");
    assertThat(schedule("jobs.purge").getBoolean("enabled")).isFalse();

    // run now: due at once, then run by the node
    long runs = stored.getLong("runCount");
    desktop.driver().findElement(By.cssSelector("button[aria-label='Run " + name + " now']")).click();
    desktop.waitForText(By.cssSelector(".admin-jobs section:first-child .admin-status"), "due now");
    Wait.until(Duration.ofSeconds(10), name + " run", () -> schedule(name).getLong("runCount") > runs);
    desktop.waitForText(scheduleCell(name, "Runs"), String.valueOf(schedule(name).getLong("runCount")));
  }

  @Test
  @Order(3)
  void aFailedJobIsRetriedFromThePage() {
    Http.Response queued = http.post("/api/admin/jobs", new JsonObject().put("kind", "webhook")
        .put("payload", new JsonObject().put("url", "http://127.0.0.1:1/x").put("body", new JsonObject()))
        .put("maxAttempts", 1), adminToken);
    assertThat(queued.status()).as(queued.toString()).isEqualTo(201);
    String id = queued.json().getString("id");
    Wait.until(Duration.ofSeconds(20), "job " + id + " failed", () -> failed(id) != null);
    String firstFinish = failed(id).getString("finishedAt");

    openPage(desktop, "jobs");
    new Select(desktop.waitFor(By.cssSelector(".admin-jobs select[name=status]"))).selectByValue("failed");
    By row = By.cssSelector(".admin-jobs tr[data-key='" + id + "']");
    desktop.waitForText(By.cssSelector(".admin-jobs tr[data-key='" + id + "'] td[data-col='Status']"), "failed");
    assertThat(desktop.driver().findElement(row).findElement(By.cssSelector("td[data-col='Payload'] pre")).getText())
        .contains("\"url\": \"http://127.0.0.1:1/x\"");
    assertThat(desktop.driver().findElement(row).findElement(By.cssSelector("td[data-col='Last error']")).getText()).isNotEqualTo("—");
    // the console scrolls inside its pane, never the whole page
    assertThat(((Number) desktop.js("return document.documentElement.scrollHeight - window.innerHeight")).intValue())
        .as("below the viewport: %s", desktop.js("""
            return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().bottom > window.innerHeight + 1
                && !e.closest('.admin-content')).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().bottom)).join('; ');
            """)).isLessThanOrEqualTo(0);
    desktop.js("const c = document.getElementById('admin-content'); c.scrollTop = c.scrollHeight;");
    desktop.screenshot("admin-jobs");

    desktop.driver().findElement(By.cssSelector("button[aria-label='Retry job " + id + "']")).click();
    desktop.waitForText(By.cssSelector(".admin-jobs section:nth-child(2) .admin-status"), "queued again");
    String state = desktop.driver().findElement(row).findElement(By.cssSelector("td[data-col='Status'] .pill")).getAttribute("data-status");
    assertThat(state).isIn("queued", "running");
    assertThat(desktop.driver().findElements(By.cssSelector("button[aria-label='Retry job " + id + "']"))).isEmpty();
    // the node really took it again: it fails once more, one attempt later
    Wait.until(Duration.ofSeconds(20), "job " + id + " tried again", () -> {
      JsonObject again = failed(id);
      return again != null && again.getString("finishedAt") != null && !again.getString("finishedAt").equals(firstFinish);
    });
  }

  /** The job among the failed ones, or null. */
  static JsonObject failed(String id) {
    return http.get("/api/admin/jobs?status=failed", adminToken).items().stream().map(j -> (JsonObject) j)
        .filter(j -> id.equals(j.getString("id"))).findFirst().orElse(null);
  }

  @Test
  @Order(4)
  void jobsComeAPageAtATime() {
    for (int i = 0; i < 21; i++) {
      Http.Response r = http.post("/api/admin/jobs", new JsonObject().put("kind", "webhook")
          .put("payload", new JsonObject().put("url", "http://127.0.0.1:1/page").put("body", new JsonObject().put("i", i))).put("maxAttempts", 1), adminToken);
      assertThat(r.status()).as(r.toString()).isEqualTo(201);
    }
    Wait.until(Duration.ofSeconds(30), "no job queued or running", () -> http.get("/api/admin/jobs?status=queued", adminToken).items().isEmpty()
        && http.get("/api/admin/jobs?status=running", adminToken).items().isEmpty());
    openPage(desktop, "jobs");
    new Select(desktop.waitFor(By.cssSelector(".admin-jobs select[name=status]"))).selectByValue("failed");
    By rows = By.cssSelector(".admin-jobs section:nth-child(2) tbody tr");
    desktop.waitUntil("a first page of 20", d -> d.findElements(rows).size() == 20);
    desktop.waitFor(By.xpath("//section[.//h2[text()='Background jobs']]//button[text()='Load more']")).click();
    desktop.waitUntil("the next page", d -> d.findElements(rows).size() > 20);
    assertThat(desktop.driver().findElement(By.cssSelector(".admin-jobs section:nth-child(2) .pager button")).isDisplayed()).isFalse();
    new Select(desktop.driver().findElement(By.cssSelector(".admin-jobs select[name=status]"))).selectByValue("queued");
    desktop.waitForText(By.cssSelector(".admin-jobs section:nth-child(2) > p.muted"), "No queued jobs.");
  }

  @Test
  @Order(5)
  void theOperationsPageShowsHealthAndWhatTheMetricsSay() {
    openPage(desktop, "operations");
    desktop.waitUntil("health ready", d -> "ready".equals(d.findElement(By.id("health-status")).getAttribute("data-status")));
    assertThat(desktop.driver().findElement(By.cssSelector(".health-checks [data-check=postgres]")).getText()).contains("up");
    desktop.waitUntil("open sockets as a number", d -> d.findElement(By.cssSelector("[data-figure=sockets] .value")).getText().matches("\\d+"));
    // the admin's notification socket is open at least
    assertThat(Integer.parseInt(desktop.driver().findElement(By.cssSelector("[data-figure=sockets] .value")).getText())).isPositive();
    desktop.waitForText(By.id("ops-updated"), "Updated");
    desktop.screenshot("admin-operations");

    // leaving the page stops its refreshing
    desktop.js("""
        window.__opsCalls = 0;
        const f = window.fetch;
        window.fetch = (url, o) => { if (String(url).startsWith('/health') || String(url).startsWith('/api/admin/metrics')) window.__opsCalls++; return f(url, o); };
        location.hash = '#/';
        """);
    desktop.waitFor(By.cssSelector(".pane-empty"));
    sleep(6_000);
    assertThat(((Number) desktop.js("return window.__opsCalls")).intValue()).as("refreshes after leaving the page").isZero();
  }

  /** A Prometheus answer for the page's fetch of the metrics: the counters grow by 50 at each scrape. */
  static final String FAKE_METRICS = """
      window.__scrapes = 0;
      const real = window.fetch;
      window.fetch = (url, options) => {
        if (String(url) !== '/api/admin/metrics') return real(url, options);
        const n = window.__scrapes++;
        const text = [
          '# HELP switchboard_sockets_open Open sockets', '# TYPE switchboard_sockets_open gauge',
          'switchboard_sockets_open{kind="chat"} 3', 'switchboard_sockets_open{kind="notifications"} 2',
          'switchboard_sockets_open{kind="module",node="n-1"} 2',
          'switchboard_messages_delivered_total ' + (1000 + 50 * n), 'switchboard_messages_stored_total{kind="room"} ' + (400 + 5 * n),
          'switchboard_event_loop_lag_seconds_count 10', 'switchboard_event_loop_lag_seconds_sum 0.05',
          'switchboard_event_loop_lag_seconds_max 0.012',
          'switchboard_modules_online 2', 'switchboard_jobs_queue_depth 4', ''].join('\\n');
        return Promise.resolve(new Response(text, {status: 200, headers: {'Content-Type': 'text/plain; version=0.0.4'}}));
      };
      """;

  @Test
  @Order(6)
  void theOperationsFiguresComeFromThePrometheusText() {
    // whatever this node serves, the page's reading of a Prometheus answer is checked against a known one
    desktop.js("location.hash = '#/'");
    desktop.waitFor(By.cssSelector(".pane-empty"));
    desktop.js(FAKE_METRICS);
    openPage(desktop, "operations");
    By sockets = By.cssSelector("[data-figure=sockets] .value");
    desktop.waitForText(sockets, "7");
    assertThat(desktop.driver().findElement(By.cssSelector("[data-figure=sockets] .label")).getText())
        .isEqualTo("Open sockets · chat 3, notifications 2, module 2");
    assertThat(desktop.driver().findElement(By.cssSelector("[data-figure=lag] .value")).getText()).isEqualTo("12.0 ms");
    assertThat(desktop.driver().findElement(By.cssSelector("[data-figure=modules] .value")).getText()).isEqualTo("2");
    assertThat(desktop.driver().findElement(By.cssSelector("[data-figure=queue] .value")).getText()).isEqualTo("4");
    assertThat(desktop.driver().findElement(By.id("metrics-note")).isDisplayed()).isFalse();
    // a rate needs two scrapes, five seconds apart: 50 delivered and 5 stored in about 5 s
    desktop.waitUntil("a delivery rate", d -> d.findElement(By.cssSelector("[data-figure=rate] .value")).getText().matches("\\d+(\\.\\d)?"));
    double rate = Double.parseDouble(desktop.driver().findElement(By.cssSelector("[data-figure=rate] .value")).getText());
    assertThat(rate).isBetween(5.0, 11.0);
    assertThat(desktop.driver().findElement(By.cssSelector("[data-figure=rate] .label")).getText()).matches("Messages delivered per second · stored \\d\\.\\d/s");
    desktop.screenshot("admin-operations-figures");

    // the other shapes of event-loop lag: a plain gauge, a summary's quantiles, and _sum/_count between two scrapes
    String lags = (String) desktop.js("""
        return import('/app/admin/operations.js').then((m) => {
          const lag = (text, before) => m.figures(m.parseMetrics(text), before && {samples: m.parseMetrics(before)}).lag;
          return [
            lag('switchboard_event_loop_lag_seconds 0.25'),
            lag('switchboard_event_loop_lag_seconds{quantile="0.5"} 0.001\\nswitchboard_event_loop_lag_seconds{quantile="0.99"} 0.04'),
            lag('switchboard_event_loop_lag_seconds_sum 3\\nswitchboard_event_loop_lag_seconds_count 30',
                'switchboard_event_loop_lag_seconds_sum 1\\nswitchboard_event_loop_lag_seconds_count 10'),
            lag('# only comments\\nnot a metric line at all {'),
          ].map(String).join(' ');
        });
        """);
    assertThat(lags).isEqualTo("0.25 0.04 0.1 undefined");
    desktop.js("location.hash = '#/'");
    desktop.waitFor(By.cssSelector(".pane-empty"));
  }

  @Test
  @Order(7)
  void theModulesPageFitsAPhone() {
    String name = "ops-phone-" + System.nanoTime() % 1_000_000;
    String hash = register(name);
    phone = Browser.phone();
    other = new ChatPage(phone, node).signIn(Accounts.ADMIN, Accounts.ADMIN_PASSWORD);
    openPage(phone, "modules");
    try (ModuleClient module = ModuleClient.open(vertx, sockets, node.port(), hash)) {
      phone.waitForText(moduleState(hash), "online");
      other.assertNoHorizontalScroll();
      phone.screenshot("admin-modules-phone");
    }
    openPage(phone, "jobs");
    phone.waitFor(scheduleCell("auth.purge", "Next run"));
    other.assertNoHorizontalScroll();
    phone.screenshot("admin-jobs-phone");
    openPage(phone, "operations");
    phone.waitUntil("health ready", d -> "ready".equals(d.findElement(By.id("health-status")).getAttribute("data-status")));
    other.assertNoHorizontalScroll();
  }

  @Test
  @Order(8)
  void aMemberSeesNoAdminPagesAndTheApiRefusesThem() {
    String username = "ops-member" + System.nanoTime() % 1_000_000;
    Accounts.register(http, username, "member-password");
    if (phone == null) {
      phone = Browser.phone();
    }
    // the admin's session is dropped on a page of the same origin where the app does not run
    phone.open(node, "/health/live");
    phone.js("localStorage.clear()");
    other = new ChatPage(phone, node).signIn(username, "member-password");
    assertThat(phone.driver().findElements(By.cssSelector(".admin-link"))).isEmpty();
    phone.js("location.hash = '#/admin/modules'");
    phone.waitForText(By.cssSelector(".admin-content .admin-empty"), "no administration permissions");
    assertThat(phone.driver().findElements(By.cssSelector(".admin-modules"))).isEmpty();
    Http.Response refused = http.get("/api/modules", Accounts.token(http, username, "member-password"));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
  }

  @Test
  @Order(9)
  void aModuleViewerSeesTheListButNoControls() {
    String suffix = Long.toString(System.nanoTime() % 1_000_000);
    String username = "ops-viewer" + suffix;
    String userId = Accounts.register(http, username, "viewer-password").getString("id");
    Http.Response group = http.post("/api/admin/groups", new JsonObject().put("name", "module-viewers-" + suffix)
        .put("permissions", new io.vertx.core.json.JsonArray().add("modules.view")), adminToken);
    assertThat(group.status()).as(group.toString()).isEqualTo(201);
    Http.Response joined = http.put("/api/admin/users/" + userId + "/groups", new JsonObject()
        .put("groups", new io.vertx.core.json.JsonArray().add("member").add("module-viewers-" + suffix)), adminToken);
    assertThat(joined.status()).as(joined.toString()).isEqualTo(200);
    String hash = register("ops-viewed-" + suffix);

    if (phone == null) {
      phone = Browser.phone();
    }
    phone.open(node, "/health/live");
    phone.js("localStorage.clear()");
    other = new ChatPage(phone, node).signIn(username, "viewer-password");
    phone.waitFor(By.cssSelector(".admin-link")).click();
    openPage(phone, "modules");
    assertThat(phone.driver().findElements(By.cssSelector(".admin-nav a")).stream().map(WebElement::getText).toList()).containsExactly("Modules");
    phone.waitForText(moduleState(hash), "offline");
    assertThat(phone.driver().findElement(By.cssSelector(".admin-modules .no-manage")).getText()).contains("modules.manage");
    assertThat(phone.driver().findElements(By.cssSelector(".admin-modules button.danger, .admin-modules td[data-col='Actions']"))).isEmpty();
    // the list is live for a viewer too
    try (ModuleClient module = ModuleClient.open(vertx, sockets, node.port(), hash)) {
      phone.waitForText(moduleState(hash), "online");
    }
    String token = Accounts.token(http, username, "viewer-password");
    Http.Response command = http.post("/api/modules/" + hash + "/commands", new JsonObject().put("payload", 1), token);
    assertThat(command.status()).as(command.toString()).isEqualTo(403);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
