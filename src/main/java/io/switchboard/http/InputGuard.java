package io.switchboard.http;

import io.switchboard.error.ApiException;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses, with 400 {@code validation_failed}, input no handler should ever see: a request target
 * whose percent-encoding is broken ({@code %ZZ}, a lone {@code %}), which Netty's and the router's
 * decoders would throw on, and NUL characters in the target ({@code %00}) or in a JSON body (the
 * escape of U+0000, a backslash and {@code u0000}), which Postgres cannot store in text. Runs after {@link BodyLimits}, so
 * that JSON bodies are read; multipart bodies are left unread for their upload route.
 */
final class InputGuard implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    String uri = ctx.request().uri();
    int query = uri.indexOf('?');
    String problem = targetProblem(uri);
    if (problem != null) {
      int at = uri.indexOf('%');
      ctx.fail(ApiException.validation(query >= 0 && at > query ? "query" : "path", problem));
      return;
    }
    RequestBody body = ctx.body();
    Buffer bytes = body == null ? null : body.buffer();
    if (bytes != null && hasNulEscape(bytes)) {
      ctx.fail(ApiException.validation("body", "must not contain NUL characters"));
      return;
    }
    ctx.next();
  }

  /** Why a request target is refused, or null: every {@code %} must start two hex digits, and none may encode NUL. */
  static String targetProblem(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return "malformed percent-encoding";
      }
      if (uri.charAt(i + 1) == '0' && uri.charAt(i + 2) == '0') {
        return "must not contain NUL characters";
      }
    }
    return null;
  }

  /** Whether JSON text holds the escape of U+0000: a backslash not itself escaped, then {@code u0000}. */
  static boolean hasNulEscape(Buffer json) {
    int n = json.length();
    int backslashes = 0;
    for (int i = 0; i < n; i++) {
      byte b = json.getByte(i);
      if (b == '\\') {
        backslashes++;
        continue;
      }
      if (b == 'u' && backslashes % 2 == 1 && i + 4 < n
          && json.getByte(i + 1) == '0' && json.getByte(i + 2) == '0' && json.getByte(i + 3) == '0' && json.getByte(i + 4) == '0') {
        return true;
      }
      backslashes = 0;
    }
    return false;
  }
}
