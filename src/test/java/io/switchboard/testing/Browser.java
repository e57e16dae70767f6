package io.switchboard.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (one user) driven through chromedriver: {@link #desktop()} or {@link #phone()}.
 * Starting one takes seconds (two or three on a loaded two-core machine), so a test class keeps it
 * in a static field from {@code @BeforeAll} and closes it in {@code @AfterAll}. Classes that use it carry {@link BrowserTest}, which skips or
 * fails them where Chromium is missing.
 *
 * <p>Both executables are given by path (overridable with {@code SWITCHBOARD_CHROMIUM} and
 * {@code SWITCHBOARD_CHROMEDRIVER}), so Selenium Manager, which would look for or download a driver
 * over the network, never runs.
 */
public final class Browser implements AutoCloseable {

  public static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final Path SCREENSHOTS = Paths.get("target", "screenshots");
  private static final AtomicInteger FAILURES = new AtomicInteger();
  /**
   * Selenium warns at each start that it has no CDP implementation for this Chromium's version; the
   * harness uses none (console logs come through chromedriver). Held here: JUL keeps loggers weakly.
   */
  private static final java.util.logging.Logger CDP_VERSION_FINDER = quiet("org.openqa.selenium.devtools.CdpVersionFinder");

  private final ChromeDriver driver;
  private final Path profile;
  private final List<LogEntry> console = new ArrayList<>();

  private Browser(ChromeOptions options, Path profile) {
    this.profile = profile;
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File(chromedriver()))
        .usingAnyFreePort()
        .withSilent(true)
        .build();
    this.driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(TIMEOUT);
  }

  private static java.util.logging.Logger quiet(String name) {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
    logger.setLevel(Level.SEVERE);
    return logger;
  }

  public static String chromium() {
    return System.getenv().getOrDefault("SWITCHBOARD_CHROMIUM", "/usr/bin/chromium");
  }

  public static String chromedriver() {
    return System.getenv().getOrDefault("SWITCHBOARD_CHROMEDRIVER", "/usr/bin/chromedriver");
  }

  /** A desktop browser with a 1280×900 viewport. */
  public static Browser desktop() {
    Path profile = freshProfile();
    ChromeOptions options = options(profile);
    options.addArguments("--window-size=1280,900");
    return new Browser(options, profile).withViewport(1280, 900);
  }

  /** A phone: Chrome's mobile emulation at 390×844 CSS pixels (ratio 3), touch and a phone user agent. */
  public static Browser phone() {
    Path profile = freshProfile();
    ChromeOptions options = options(profile);
    options.addArguments("--window-size=390,844");
    options.setExperimentalOption("mobileEmulation", Map.of(
        "deviceMetrics", Map.of("width", 390, "height", 844, "pixelRatio", 3.0, "touch", true, "mobile", true),
        "userAgent", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/130.0.0.0 Mobile Safari/537.36"));
    return new Browser(options, profile);
  }

  /**
   * Without these flags Chromium reaches for the network (component updates, sync, field trials,
   * QUIC probes) and, on a machine with none, hangs or stalls page loads.
   */
  private static ChromeOptions options(Path profile) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium());
    options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--no-first-run", "--no-default-browser-check", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--disable-dev-shm-usage", "--user-data-dir=" + profile);
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    return options;
  }

  private static Path freshProfile() {
    try {
      return Files.createTempDirectory("switchboard-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public WebDriver driver() {
    return driver;
  }

  /** Loads {@code url}; the console entries of earlier pages are dropped, so {@link #console()} speaks of this one. */
  public Browser open(String url) {
    console();
    console.clear();
    driver.get(url);
    return this;
  }

  /** The browser's address for {@code path} on {@code node}: {@code http://127.0.0.1:port/path}. */
  public Browser open(TestNode node, String path) {
    return open("http://127.0.0.1:" + node.port() + path);
  }

  public WebElement waitFor(By locator) {
    return until("visible " + locator, ExpectedConditions.visibilityOfElementLocated(locator));
  }

  /** Waits for an element of {@code locator} whose text contains {@code text}. */
  public WebElement waitForText(By locator, String text) {
    until("text '" + text + "' in " + locator, ExpectedConditions.textToBePresentInElementLocated(locator, text));
    return driver.findElement(locator);
  }

  public void waitUntil(String description, Function<WebDriver, Boolean> condition) {
    until(description, condition);
  }

  private <T> T until(String description, Function<WebDriver, T> condition) {
    try {
      return new WebDriverWait(driver, TIMEOUT).until(condition::apply);
    } catch (TimeoutException e) {
      String url = driver.getCurrentUrl();
      String shot;
      try {
        shot = screenshot("timeout-" + FAILURES.incrementAndGet()).toAbsolutePath().toString();
      } catch (RuntimeException failed) {
        shot = "(none: " + failed.getMessage() + ")";
      }
      throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + description
          + " at " + url + "; screenshot " + shot, e);
    }
  }

  /** Writes the viewport as {@code target/screenshots/<name>.png} and returns that path. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  /**
   * The console entries since the last {@link #open}. Chromedriver hands each entry out once, so they
   * are gathered here and a test may ask more than once.
   */
  public List<LogEntry> console() {
    console.addAll(driver.manage().logs().get(LogType.BROWSER).getAll());
    return List.copyOf(console);
  }

  /** The SEVERE console entries: uncaught errors, failed loads and content security policy refusals. */
  public List<LogEntry> consoleErrors() {
    return console().stream().filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
  }

  /** Headless Chromium still takes room for a window frame: the window is grown by that much. */
  private Browser withViewport(int width, int height) {
    Dimension inner = viewport();
    Dimension outer = driver.manage().window().getSize();
    driver.manage().window().setSize(new Dimension(width + outer.width - inner.width, height + outer.height - inner.height));
    return this;
  }

  /** The viewport's size in CSS pixels. */
  public Dimension viewport() {
    @SuppressWarnings("unchecked")
    List<Number> size = (List<Number>) js("return [window.innerWidth, window.innerHeight]");
    return new Dimension(size.get(0).intValue(), size.get(1).intValue());
  }

  /** Closes each browser that was started (a class that failed in its set-up may have null ones). */
  public static void closeAll(Browser... browsers) {
    for (Browser b : browsers) {
      if (b != null) {
        b.close();
      }
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a profile left in the temporary folder is harmless
      }
    }
  }
}
