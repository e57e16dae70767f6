package io.switchboard.http;

import java.math.BigDecimal;
import io.switchboard.auth.Principal;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.ValidatedRequest;
import java.util.function.Function;

/** Helpers for handlers: validated input, the caller, and JSON answers from Futures. */
public final class Api {

  private Api() {
  }

  public static ValidatedRequest validated(RoutingContext ctx) {
    return ctx.get(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST);
  }

  public static JsonObject body(RoutingContext ctx) {
    RequestParameter body = validated(ctx).getBody();
    return body == null || body.isNull() ? new JsonObject() : body.getJsonObject();
  }

  /** A path parameter, validated by the contract where the route validates (upload routes do not). */
  public static String path(RoutingContext ctx, String name) {
    ValidatedRequest validated = validated(ctx);
    RequestParameter p = validated == null ? null : validated.getPathParameters().get(name);
    return p == null ? ctx.pathParam(name) : p.getString();
  }

  public static String query(RoutingContext ctx, String name) {
    RequestParameter p = validated(ctx).getQuery().get(name);
    return p == null || p.isNull() ? null : String.valueOf(p.get());
  }

  /** An integer query parameter, or null; 400 naming it when it does not fit a long (the contract's integers have no size). */
  public static Long queryLong(RoutingContext ctx, String name) {
    RequestParameter p = validated(ctx).getQuery().get(name);
    return p == null || p.isNull() ? null : asLong(p.get(), name);
  }

  /** An integer path parameter; 400 naming it when it does not fit a long. */
  public static long pathLong(RoutingContext ctx, String name) {
    RequestParameter p = validated(ctx).getPathParameters().get(name);
    return asLong(p == null ? ctx.pathParam(name) : p.get(), name);
  }

  /** An integer field of a JSON body; 400 naming it when it does not fit a long. */
  public static long bodyLong(JsonObject body, String name) {
    return asLong(body.getValue(name), name);
  }

  private static long asLong(Object value, String name) {
    try {
      return new BigDecimal(String.valueOf(value)).longValueExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw ApiException.validation(name, "must be an integer from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE);
    }
  }

  public static Integer queryInt(RoutingContext ctx, String name, Integer fallback) {
    RequestParameter p = validated(ctx).getQuery().get(name);
    return p == null || p.isNull() ? fallback : p.getInteger();
  }

  public static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(Principal.KEY);
    if (p == null) {
      throw ApiException.unauthorized("authentication required");
    }
    return p;
  }

  /**
   * The client's address: the connection's peer, or what trusted proxies say in X-Forwarded-For
   * ({@link ClientAddress}).
   */
  public static String clientIp(RoutingContext ctx) {
    String ip = ctx.get(ClientAddress.KEY);
    if (ip != null) {
      return ip;
    }
    return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
  }

  public static <T> void reply(RoutingContext ctx, int status, Future<T> result, Function<T, JsonObject> mapper) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
        return;
      }
      JsonObject json;
      try {
        json = mapper.apply(ar.result());
      } catch (RuntimeException e) {
        ctx.fail(e);
        return;
      }
      json(ctx, status, json);
    });
  }

  public static void noContent(RoutingContext ctx, Future<?> result) {
    result.onComplete(ar -> {
      if (ar.failed()) {
        ctx.fail(ar.cause());
      } else {
        ctx.response().setStatusCode(204).end();
      }
    });
  }

  public static void json(RoutingContext ctx, int status, JsonObject json) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(json.toBuffer());
  }
}
