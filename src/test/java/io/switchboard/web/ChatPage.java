package io.switchboard.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.testing.Browser;
import io.switchboard.testing.TestNode;
import java.util.Base64;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.logging.LogEntry;

/** The web client as one user sees it, driven through its labelled controls. */
final class ChatPage {

  static final By COMPOSER = By.id("composer-text");
  static final By CONNECTION = By.cssSelector(".chat-head .conn");

  final Browser browser;
  final TestNode node;

  ChatPage(Browser browser, TestNode node) {
    this.browser = browser;
    this.node = node;
  }

  ChatPage signUp(String username, String password, String displayName) {
    browser.open(node, "/");
    browser.waitFor(By.id("signup-tab")).click();
    browser.waitFor(By.id("signup-username")).sendKeys(username);
    browser.driver().findElement(By.id("signup-display")).sendKeys(displayName);
    browser.driver().findElement(By.id("signup-password")).sendKeys(password, Keys.ENTER);
    browser.waitFor(By.cssSelector(".topbar .profile-button"));
    return this;
  }

  ChatPage signIn(String username, String password) {
    browser.open(node, "/");
    browser.waitFor(By.id("signin-username")).sendKeys(username);
    browser.driver().findElement(By.id("signin-password")).sendKeys(password, Keys.ENTER);
    browser.waitFor(By.cssSelector(".topbar .profile-button"));
    return this;
  }

  /** Opens a conversation by id or room name and waits until its socket is live. */
  ChatPage open(String ref) {
    browser.js("location.hash = arguments[0]", "#/c/" + ref);
    waitLive();
    return this;
  }

  void waitLive() {
    browser.waitUntil("the conversation socket live", d -> "live".equals(connection().getAttribute("data-state")));
  }

  WebElement connection() {
    return browser.waitFor(CONNECTION);
  }

  /** Types a message and presses Enter. */
  void send(String text) {
    WebElement composer = browser.waitFor(COMPOSER);
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        composer.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
      }
      composer.sendKeys(lines[i]);
    }
    composer.sendKeys(Keys.ENTER);
  }

  /** Waits for a stored message (not a pending send) whose text is exactly {@code text}, of {@code who}: "own" or "other". */
  WebElement waitForMessage(String who, String text) {
    By locator = By.cssSelector(".message." + who + "[data-seq] .text");
    browser.waitUntil(who + " message '" + text + "'", d -> d.findElements(locator).stream().anyMatch(e -> text.equals(e.getAttribute("textContent"))));
    return browser.driver().findElements(locator).stream().filter(e -> text.equals(e.getAttribute("textContent"))).findFirst().orElseThrow();
  }

  /** The texts of the stored messages on the page, in page order. */
  @SuppressWarnings("unchecked")
  List<String> texts() {
    return (List<String>) browser.js("return [...document.querySelectorAll('.message[data-seq] .text')].map(e => e.textContent)");
  }

  long count(String css) {
    return ((Number) browser.js("return document.querySelectorAll(arguments[0]).length", css)).longValue();
  }

  /** Pastes a picture into the composer as the clipboard would: a paste event carrying the file. */
  void pastePicture(byte[] png, String name) {
    browser.js("""
        const bytes = Uint8Array.from(atob(arguments[0]), c => c.charCodeAt(0));
        const data = new DataTransfer();
        data.items.add(new File([bytes], arguments[1], {type: 'image/png'}));
        document.getElementById('composer-text').dispatchEvent(
            new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
        """, Base64.getEncoder().encodeToString(png), name);
  }

  void scrollHistoryToTop() {
    browser.js("document.querySelector('.history').scrollTop = 0");
  }

  /** Script errors and content security policy refusals: a failed HTTP call the page handles is not one. */
  List<String> scriptErrors() {
    return browser.consoleErrors().stream().map(LogEntry::getMessage)
        .filter(m -> m.contains("Uncaught") || m.contains("Content Security Policy") || m.contains("TypeError") || m.contains("ReferenceError"))
        .toList();
  }

  void assertNoScriptErrors() {
    assertThat(scriptErrors()).as("script errors and CSP refusals in the console").isEmpty();
  }

  /** The page's width against its viewport's, and the same for the message list: no horizontal scroll. */
  void assertNoHorizontalScroll() {
    @SuppressWarnings("unchecked")
    List<Number> widths = (List<Number>) browser.js("""
        const h = document.querySelector('.history');
        return [document.documentElement.scrollWidth, window.innerWidth, document.body.scrollWidth,
                h ? h.scrollWidth : 0, h ? h.clientWidth : 0];
        """);
    assertThat(widths.get(0).intValue()).as("page scrollWidth against innerWidth %s", widths).isLessThanOrEqualTo(widths.get(1).intValue());
    assertThat(widths.get(2).intValue()).as("body scrollWidth against innerWidth %s", widths).isLessThanOrEqualTo(widths.get(1).intValue());
    assertThat(widths.get(3).intValue()).as("message list scrollWidth against its width %s", widths).isLessThanOrEqualTo(widths.get(4).intValue());
  }
}
