package io.switchboard.http;

import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Swagger UI from its webjar (no CDN), pointed at {@code /openapi.yaml}. */
final class SwaggerUi {

  static final String ROOT = "META-INF/resources/webjars/swagger-ui/" + version();

  private static final String INITIALIZER = """
      window.onload = function() {
        window.ui = SwaggerUIBundle({
          url: "/openapi.yaml",
          dom_id: "#swagger-ui",
          deepLinking: true,
          presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
          plugins: [SwaggerUIBundle.plugins.DownloadUrl],
          layout: "StandaloneLayout"
        });
      };
      """;

  private SwaggerUi() {
  }

  static void initializer(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/javascript; charset=utf-8").end(INITIALIZER);
  }

  private static String version() {
    try (InputStream in = SwaggerUi.class.getClassLoader()
        .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException | NullPointerException e) {
      throw new UncheckedIOException(new IOException("swagger-ui webjar missing from the classpath"));
    }
  }
}
