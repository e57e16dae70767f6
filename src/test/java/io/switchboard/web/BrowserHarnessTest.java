package io.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Browser;
import io.switchboard.testing.BrowserTest;
import io.switchboard.testing.SwitchboardTest;
import io.switchboard.testing.TestNode;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.logging.LogEntry;

/** The browser harness itself, on the page the node serves today: the API docs (Swagger UI). */
@BrowserTest
@SwitchboardTest
class BrowserHarnessTest {

  static TestNode node;
  static Browser desktop;

  @BeforeAll
  static void start(TestNode shared) {
    node = shared;
    desktop = Browser.desktop();
  }

  @AfterAll
  static void close() {
    if (desktop != null) {
      desktop.close();
    }
  }

  @Test
  void docsRenderWithoutConsoleErrors() {
    desktop.open(node, "/docs/");
    desktop.waitForText(By.cssSelector(".swagger-ui .info .title"), "Switchboard");
    assertThat(Files.exists(desktop.screenshot("docs-desktop"))).isTrue();
    assertThat(desktop.consoleErrors())
        .filteredOn(e -> !e.getMessage().contains("favicon.ico"))
        .isEmpty();
  }

  /** What a test of the client relies on to catch a script error or a refusal by the content security policy. */
  @Test
  void consoleErrorsAndPolicyRefusalsAreSeen() {
    desktop.open(node, "/docs/");
    desktop.waitFor(By.cssSelector(".swagger-ui"));
    desktop.js("console.error('harness check');"
        + "const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.head.append(s);");
    desktop.waitUntil("two console errors", d -> desktop.consoleErrors().size() >= 2);
    assertThat(desktop.consoleErrors()).extracting(LogEntry::getMessage)
        .anySatisfy(m -> assertThat(m).contains("harness check"))
        .anySatisfy(m -> assertThat(m).contains("Content Security Policy"));
    assertThat(desktop.js("return window.inlineRan === true")).isEqualTo(false);
  }

  @Test
  void desktopViewport() {
    assertThat(desktop.viewport()).isEqualTo(new Dimension(1280, 900));
  }

  /**
   * A phone lays out a page without a viewport meta tag (like the docs) 980 pixels wide, as real ones
   * do; on a page with one (as the web client has) the viewport is the phone's 390.
   */
  @Test
  void phoneHasAPhoneViewport() {
    try (Browser phone = Browser.phone()) {
      phone.open(node, "/docs/");
      phone.waitFor(By.cssSelector(".swagger-ui"));
      assertThat(phone.js("return [screen.width, window.devicePixelRatio, navigator.maxTouchPoints > 0]"))
          .isEqualTo(List.of(390L, 3L, true));
      phone.screenshot("docs-phone");
      phone.open("data:text/html,<meta name=viewport content='width=device-width, initial-scale=1'><p>phone");
      assertThat(phone.js("return window.innerWidth")).isEqualTo(390L);
    }
  }
}
