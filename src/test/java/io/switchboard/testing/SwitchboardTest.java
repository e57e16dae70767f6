package io.switchboard.testing;

import io.vertx.junit5.VertxExtension;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class on the shared node of a {@link Profile}: the node is started on first use and stopped
 * at the end of the test run ({@link SharedNodeExtension}). Lifecycle and test methods may take a
 * {@link TestNode} or an {@link Http} on it as parameters, and what {@link VertxExtension} offers: a
 * {@code Vertx} for socket clients (one per class when taken by {@code @BeforeAll}, closed after the
 * class, and its clients with it) and a {@code VertxTestContext} for asynchronous tests.
 *
 * <p>The database is shared with every other class of the profile: names a class creates (users,
 * groups, rooms) must be its own, and assertions must be about what it created.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith({VertxExtension.class, SharedNodeExtension.class})
public @interface SwitchboardTest {

  Profile profile() default Profile.DEFAULT;
}
