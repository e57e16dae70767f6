package io.switchboard.testing;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * The extension of a test annotation whose classes need something this machine may lack (a browser,
 * Redis 7). Where it is missing the classes are skipped, with one line for the whole run saying so,
 * unless {@code <requiredEnv>=required} (as CI sets it): a condition cannot fail a class, so then the
 * class is let through and {@link #beforeAll} fails it before any of its own set-up runs.
 */
abstract class CapabilityCondition implements ExecutionCondition, BeforeAllCallback {

  private final String requiredEnv;
  private final String tests;
  private final String found;
  private final String install;

  /**
   * @param requiredEnv the variable that, set to {@code required}, makes a missing capability fail the classes
   * @param tests       what the classes are, for the messages ("browser tests")
   * @param found       the reason reported when the capability is there
   * @param install     how to get it
   */
  CapabilityCondition(String requiredEnv, String tests, String found, String install) {
    this.requiredEnv = requiredEnv;
    this.tests = tests;
    this.found = found;
    this.install = install;
  }

  /** Why the capability is not usable here, or empty when it is. */
  abstract Optional<String> missing();

  @Override
  public final ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<String> missing = missing();
    if (missing.isEmpty()) {
      return ConditionEvaluationResult.enabled(found);
    }
    if (required()) {
      return ConditionEvaluationResult.enabled(tests + " required: the class fails");
    }
    String line = tests + " skipped: " + missing.get() + " (" + install + ", or set " + requiredEnv
        + "=required to make them fail)";
    // the root store lives for the whole run: the line is printed once, not once per class
    context.getRoot().getStore(Namespace.create(getClass())).getOrComputeIfAbsent("announced", k -> {
      System.out.println(line);
      return Boolean.TRUE;
    });
    return ConditionEvaluationResult.disabled(line);
  }

  @Override
  public final void beforeAll(ExtensionContext context) {
    Optional<String> missing = missing();
    if (missing.isPresent()) {
      throw new IllegalStateException(tests + " are required (" + requiredEnv + "=required) but " + missing.get()
          + " (" + install + ")");
    }
  }

  private boolean required() {
    return "required".equals(System.getenv(requiredEnv));
  }
}
