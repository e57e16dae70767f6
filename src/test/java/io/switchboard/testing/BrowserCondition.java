package io.switchboard.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * {@link BrowserTest}'s extension. A skip is an {@link ExecutionCondition}; a required run with no
 * browser must fail instead, which a condition cannot do, so then the class is let through and
 * {@link #beforeAll} fails it before any of its own set-up runs.
 */
public final class BrowserCondition implements ExecutionCondition, BeforeAllCallback {

  public static final String REQUIRED_ENV = "SWITCHBOARD_BROWSER_TESTS";
  private static final Namespace NAMESPACE = Namespace.create(BrowserCondition.class);
  private static final String INSTALL = "apt-get install chromium chromium-driver";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> missing = missing();
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled("browser found");
    }
    if (required()) {
      return ConditionEvaluationResult.enabled("browser required: the class fails");
    }
    String line = "browser tests skipped: " + missing.get() + " (" + INSTALL + ", or set " + REQUIRED_ENV
        + "=required to make them fail)";
    // the root store lives for the whole run: the line is printed once, not once per class
    context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("announced", k -> {
      System.out.println(line);
      return Boolean.TRUE;
    });
    return ConditionEvaluationResult.disabled(line);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    Optional<String> missing = missing();
    if (missing.isPresent()) {
      throw new IllegalStateException("browser tests are required (" + REQUIRED_ENV + "=required) but "
          + missing.get() + " (" + INSTALL + ")");
    }
  }

  private static boolean required() {
    return "required".equals(System.getenv(REQUIRED_ENV));
  }

  /** What is missing, as "PATH not found" or "PATH not executable"; empty when both are there. */
  static Optional<String> missing() {
    return Stream.of(Browser.chromium(), Browser.chromedriver()).map(Path::of)
        .filter(p -> !Files.isExecutable(p))
        .map(p -> p + (Files.exists(p) ? " not executable" : " not found"))
        .findFirst();
  }
}
