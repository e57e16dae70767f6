package io.switchboard.http;

import io.switchboard.error.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The operations that take multipart uploads, and the reader of their bodies. A module marks each of
 * its upload operations with {@link #accept(OpenAPIRoute)} before adding its handler; a multipart
 * body sent anywhere else is refused with 415 before any of it is read ({@link BodyLimits}).
 *
 * <p>On an upload route the body waits, paused, through authentication (vertx-web's router does not
 * pause a request by itself, and {@code AuthGuard.identify}'s token check is asynchronous: chunks
 * arriving meanwhile would be dropped) and is streamed to {@code data.dir/uploads} only by the reader
 * added here, which runs after the route's permission guard (HttpVerticle adds the guard to every
 * secured route before the modules mount), so an anonymous caller or a bad token gets 401 with
 * nothing written. The contract's validation is off on these routes, since it would run before the
 * body is read: their handlers check the parts (files are sniffed, not trusted by their declared type).
 */
public final class Uploads {

  private record UploadRoute(HttpMethod method, Pattern path) {
  }

  private final BodyHandler reader;
  private final List<UploadRoute> routes = new ArrayList<>();

  Uploads(long maxUploadBytes, String uploadsDir) {
    this.reader = BodyHandler.create(uploadsDir).setBodyLimit(maxUploadBytes).setDeleteUploadedFilesOnEnd(true);
  }

  /** Makes {@code route} take multipart uploads; answers it for the module to add its handler. */
  public OpenAPIRoute accept(OpenAPIRoute route) {
    var operation = route.getOperation();
    routes.add(new UploadRoute(operation.getHttpMethod(), pathPattern(operation.getOpenAPIPath())));
    // wrapped: vertx-web refuses a BodyHandler after other handlers of a route, a guard against reading a body that went
    // by unpaused; here BodyLimits has paused it, and the reader resumes it
    return route.setDoValidation(false).addHandler(ctx -> reader.handle(ctx));
  }

  /**
   * The uploaded file of the form's {@code file} field on an upload route: null when there is none;
   * a 415 when the body is not {@code multipart/form-data} at all ({@code what} says what to send).
   */
  public static FileUpload file(RoutingContext ctx, String what) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new ApiException(415, "unsupported_media_type", "send " + what + " as multipart/form-data");
    }
    return ctx.fileUploads().stream().filter(f -> "file".equals(f.name())).findFirst().orElse(null);
  }

  /** {@link #file}, and a 400 naming the field when there is none. */
  public static FileUpload requiredFile(RoutingContext ctx, String what) {
    FileUpload upload = file(ctx, what);
    if (upload == null) {
      throw ApiException.validation("file", "required");
    }
    return upload;
  }

  /** Whether a request with this method and (normalized) path goes to an upload operation. */
  boolean takes(HttpMethod method, String path) {
    for (UploadRoute r : routes) {
      if (r.method().equals(method) && r.path().matcher(path).matches()) {
        return true;
      }
    }
    return false;
  }

  /** {@code /api/conversations/{id}/images} as {@code /api/conversations/[^/]+/images/?}. */
  private static Pattern pathPattern(String openApiPath) {
    StringBuilder regex = new StringBuilder();
    for (String part : openApiPath.split("(?=\\{)|(?<=\\})")) {
      regex.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
    }
    return Pattern.compile(regex + "/?");
  }
}
