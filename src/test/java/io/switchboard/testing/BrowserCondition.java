package io.switchboard.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** {@link BrowserTest}'s extension: skips, or with {@value #REQUIRED_ENV}=required fails, where no browser is found. */
public final class BrowserCondition extends CapabilityCondition {

  public static final String REQUIRED_ENV = "SWITCHBOARD_BROWSER_TESTS";

  public BrowserCondition() {
    super(REQUIRED_ENV, "browser tests", "browser found", "apt-get install chromium chromium-driver");
  }

  /** What is missing, as "PATH not found" or "PATH not executable"; empty when both are there. */
  @Override
  Optional<String> missing() {
    return Stream.of(Browser.chromium(), Browser.chromedriver()).map(Path::of)
        .filter(p -> !Files.isExecutable(p))
        .map(p -> p + (Files.exists(p) ? " not executable" : " not found"))
        .findFirst();
  }
}
