package io.switchboard.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that drives a {@link Browser}. Where Chromium or chromedriver is missing its tests are
 * skipped, with one line for the whole run saying so, or, when {@code SWITCHBOARD_BROWSER_TESTS=required}
 * (as CI sets it), they fail. Composes with {@link SwitchboardTest}; no node is started for a class
 * that does not run.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(BrowserCondition.class)
public @interface BrowserTest {
}
