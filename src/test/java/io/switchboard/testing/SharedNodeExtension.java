package io.switchboard.testing;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Resolves {@link TestNode} and {@link Http} parameters to the shared node of the class's
 * {@link SwitchboardTest#profile()}. Each profile's node is started once per test JVM, when a class
 * first asks for it, and kept in the root store, which stops it when the whole run ends.
 */
public final class SharedNodeExtension implements ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(SharedNodeExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) throws ParameterResolutionException {
    Class<?> type = parameter.getParameter().getType();
    return type == TestNode.class || type == Http.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) throws ParameterResolutionException {
    TestNode node = node(context);
    return parameter.getParameter().getType() == Http.class ? node.http() : node;
  }

  private static TestNode node(ExtensionContext context) {
    Profile profile = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), SwitchboardTest.class)
        .map(SwitchboardTest::profile)
        .orElseThrow(() -> new ParameterResolutionException(context.getRequiredTestClass() + " is not a @SwitchboardTest"));
    return context.getRoot().getStore(NAMESPACE)
        .getOrComputeIfAbsent(profile, p -> new Started(TestNode.start(profile.settings())), Started.class).node();
  }

  /** A started node as a resource of the root store: closing the store stops it. */
  private record Started(TestNode node) implements ExtensionContext.Store.CloseableResource {

    @Override
    public void close() {
      node.close();
    }
  }
}
