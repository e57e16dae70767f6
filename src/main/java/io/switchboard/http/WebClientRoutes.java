package io.switchboard.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web client (SPEC §10): {@code /} and {@code /admin} answer the one page, {@code /app/*} its
 * ES modules, styles and icons, all from the jar ({@code webroot/}). The page uses only the public API.
 * Every file is sent with {@code Cache-Control: no-cache} (the whole client is some 100 KB), so a new
 * jar's client is picked up at the next load.
 */
final class WebClientRoutes {

  static final String ROOT = "webroot";

  private WebClientRoutes() {
  }

  static void mount(Router router) {
    StaticHandler assets = StaticHandler.create(ROOT + "/app")
        .setCachingEnabled(false)
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setDefaultContentEncoding("UTF-8");
    router.route("/app/*").method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
      ctx.response().putHeader("Cache-Control", "no-cache");
      ctx.next();
    }).handler(assets);
    for (String page : new String[] {"/", "/admin"}) {
      router.route(page).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> ctx.response()
          .putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Cache-Control", "no-cache")
          .sendFile(ROOT + "/index.html"));
    }
  }
}
