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

  /** A second public room with Bob in it, to move the page away from another one; answers its name. */
  static String anotherRoom(io.switchboard.testing.Http http, String ownerToken, String member, String password) {
    String name = "web-other" + System.nanoTime() % 1_000_000;
    http.post("/api/conversations", new io.vertx.core.json.JsonObject().put("kind", "room").put("name", name).put("public", true), ownerToken);
    http.post("/api/conversations/" + name + "/join", new io.vertx.core.json.JsonObject(), io.switchboard.testing.Accounts.token(http, member, password));
    return name;
  }

  /** Visible inputs, text areas and buttons that have no accessible name (a label, aria-label, aria-labelledby or text). */
  @SuppressWarnings("unchecked")
  List<String> unlabelledControls() {
    return (List<String>) browser.js("""
        const named = (e) => (e.labels && e.labels.length) || e.getAttribute('aria-label') || e.getAttribute('aria-labelledby')
            || (e.tagName === 'BUTTON' && e.textContent.trim()) || e.getAttribute('title');
        return [...document.querySelectorAll('input, textarea, button, select')]
            .filter(e => e.offsetParent !== null && e.type !== 'hidden' && !named(e))
            .map(e => e.outerHTML.slice(0, 120));
        """);
  }

  /** Visible text whose contrast with the background behind it is under 4.5:1 (3:1 for large text). */
  @SuppressWarnings("unchecked")
  List<String> lowContrastText() {
    return (List<String>) browser.js("""
        const rgb = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
        const lum = ({r, g, b}) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
        const background = (e) => { for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
            if (c.a > 0.5) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
        const out = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        for (let t = walker.nextNode(); t; t = walker.nextNode()) {
          const e = t.parentElement;
          if (!t.textContent.trim() || !e || e.offsetParent === null || e.closest('[hidden], .visually-hidden, .toast')) continue;
          const s = getComputedStyle(e);
          if (s.visibility === 'hidden' || Number(s.opacity) < 0.5) continue;
          const [a, b] = [lum(rgb(s.color)), lum(background(e))];
          const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
          const large = parseFloat(s.fontSize) >= 24 || (parseFloat(s.fontSize) >= 18.66 && Number(s.fontWeight) >= 700);
          if (ratio < (large ? 3 : 4.5)) out.push(t.textContent.trim().slice(0, 40) + ' ' + ratio.toFixed(2));
        }
        return out;
        """);
  }
}
