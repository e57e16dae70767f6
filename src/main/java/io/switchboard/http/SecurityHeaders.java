package io.switchboard.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every response carries (API answers and errors, {@code /openapi.yaml}, Swagger UI under
 * {@code /docs}): no content-type sniffing, no framing by other sites, and a content security policy
 * that lets a page load only this server's own scripts, styles (Swagger UI sets inline styles) and
 * images (its icons are data: URLs; the web client previews a picture before sending it from a blob: URL) and talk only to this server.
 */
final class SecurityHeaders implements Handler<RoutingContext> {

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";

  private static final CharSequence NOSNIFF_NAME = HttpHeaders.createOptimized("X-Content-Type-Options");
  private static final CharSequence NOSNIFF = HttpHeaders.createOptimized("nosniff");
  private static final CharSequence FRAME_NAME = HttpHeaders.createOptimized("X-Frame-Options");
  private static final CharSequence DENY = HttpHeaders.createOptimized("DENY");
  private static final CharSequence CSP_NAME = HttpHeaders.createOptimized("Content-Security-Policy");
  private static final CharSequence CSP = HttpHeaders.createOptimized(CONTENT_SECURITY_POLICY);

  @Override
  public void handle(RoutingContext ctx) {
    MultiMap headers = ctx.response().headers();
    headers.set(NOSNIFF_NAME, NOSNIFF);
    headers.set(FRAME_NAME, DENY);
    headers.set(CSP_NAME, CSP);
    ctx.next();
  }
}
