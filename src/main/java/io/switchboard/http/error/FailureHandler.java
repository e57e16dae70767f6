package io.switchboard.http.error;

import io.switchboard.error.ApiException;
import io.switchboard.http.RequestLog;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP errors: validation exceptions from the OpenAPI router
 * become 400 naming the field, {@link ApiException}s keep their status and code, router statuses
 * (404/405/413) get their SPEC code, and anything else is logged once with the request id and
 * answered 500 without details.
 */
public final class FailureHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(FailureHandler.class);

  @Override
  public void handle(RoutingContext ctx) {
    if (ctx.failure() instanceof HttpClosedException || ctx.response().closed()) {
      // the client went away (or a timeout closed its connection) mid-request: no one to answer, and not an internal error
      log.atDebug().addKeyValue("requestId", ctx.<String>get(RequestLog.REQUEST_ID)).log("connection closed before the answer");
      return;
    }
    ErrorResponses.send(ctx, toApiException(ctx));
  }

  static ApiException toApiException(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure instanceof HttpException he && he.getCause() != null) {
      failure = he.getCause(); // the OpenAPI router wraps validation failures
    }
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof SchemaValidationException sve) {
      return ApiException.validation(fieldOf(sve), reasonOf(sve));
    }
    if (failure instanceof ValidatorException ve) {
      if (ve.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
        return new ApiException(415, "unsupported_media_type", ve.getMessage());
      }
      return new ApiException(400, "validation_failed", ve.getMessage());
    }
    if (failure instanceof DecodeException || failure instanceof IllegalArgumentException && ctx.statusCode() == 400) {
      return ApiException.validation("body", "malformed JSON");
    }
    int status = ctx.statusCode();
    if (failure instanceof HttpException he) {
      status = he.getStatusCode();
    }
    return switch (status) {
      case 400 -> new ApiException(400, "validation_failed", "bad request");
      case 401 -> ApiException.unauthorized("authentication required");
      case 403 -> ApiException.forbidden("forbidden");
      case 404 -> ApiException.notFound("no such resource: " + ctx.request().path());
      case 405 -> new ApiException(405, "method_not_allowed", ctx.request().method() + " is not allowed on " + ctx.request().path());
      case 413 -> new ApiException(413, "too_large", "request body too large");
      case 415 -> new ApiException(415, "unsupported_media_type", "unsupported content type");
      case 503 -> ApiException.unavailable("service unavailable");
      default -> {
        if (status >= 400 && status < 500) {
          yield new ApiException(status, "bad_request", "request refused");
        }
        log.atError().addKeyValue("requestId", ctx.<String>get(RequestLog.REQUEST_ID))
            .addKeyValue("method", ctx.request().method()).setCause(failure).log("request failed");
        yield new ApiException(500, "internal", "internal error");
      }
    };
  }

  private static String fieldOf(SchemaValidationException e) {
    OutputUnit unit = e.getOutputUnit();
    String location = firstError(unit).getInstanceLocation();
    String field = location == null || location.isEmpty() || location.equals("#") ? null : location.replaceFirst("^#?/", "").replace('/', '.');
    if (field == null) {
      String reason = reasonOf(e);
      int q = reason.indexOf('"');
      int q2 = q < 0 ? -1 : reason.indexOf('"', q + 1);
      field = q2 > q ? reason.substring(q + 1, q2) : "body";
    }
    return field;
  }

  private static String reasonOf(SchemaValidationException e) {
    OutputUnit first = firstError(e.getOutputUnit());
    return first.getError() != null ? first.getError() : e.getMessage();
  }

  private static OutputUnit firstError(OutputUnit unit) {
    OutputUnit current = unit;
    while (true) {
      List<OutputUnit> errors = current.getErrors();
      if (errors == null || errors.isEmpty()) {
        return current;
      }
      current = errors.get(0);
    }
  }
}
