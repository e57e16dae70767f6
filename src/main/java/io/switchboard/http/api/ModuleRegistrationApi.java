package io.switchboard.http.api;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.switchboard.domain.Module;
import io.switchboard.error.ApiException;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.ModuleStore;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The old forecast platform's module endpoints (SPEC §7), {@code /module/register} (GET with a query
 * string, POST with JSON) and {@code /module/online}, answered in its envelope exactly: HTTP 200 and
 * {@code {"code","message","result"}}, whatever happened ({@code 2000} success, {@code 4000} bad
 * request, {@code 4004} unknown module, {@code 5000} anything else). The contract's validation is
 * off for them, so that nothing answers in another shape; the checks are here.
 */
public final class ModuleRegistrationApi implements ApiModule {

  static final String OK = "2000";
  static final String BAD_REQUEST = "4000";
  static final String UNKNOWN = "4004";
  static final String SERVER_ERROR = "5000";
  private static final Logger log = LoggerFactory.getLogger(ModuleRegistrationApi.class);

  private final Vertx vertx;
  private final byte[] key;
  private final int fieldMax;
  private final int dataMax;

  public ModuleRegistrationApi(Vertx vertx, AppConfig config) {
    this.vertx = vertx;
    String k = config.get(Settings.MODULE_REGISTRATION_KEY);
    this.key = k == null || k.isEmpty() ? null : k.getBytes(StandardCharsets.UTF_8);
    this.fieldMax = config.get(Settings.MODULE_FIELD_MAX_CHARS);
    this.dataMax = config.get(Settings.MODULE_DATA_REQUIREMENT_MAX_CHARS);
  }

  @Override
  public void mount(RouterBuilder routes) {
    for (String op : List.of("registerModule", "registerModuleJson", "onlineModules")) {
      routes.getRoute(op).setDoValidation(false).addFailureHandler(ModuleRegistrationApi::failed);
    }
    routes.getRoute("registerModule").addHandler(ctx -> register(ctx, ctx.request()::getParam));
    routes.getRoute("registerModuleJson").addHandler(this::registerJson);
    routes.getRoute("onlineModules").addHandler(this::online);
  }

  /** One field's raw value: a query parameter, or a JSON body's member. */
  private record Fields(Function<String, Object> get) {
  }

  private void registerJson(RoutingContext ctx) {
    Buffer raw = ctx.body() == null ? null : ctx.body().buffer();
    Object parsed;
    try {
      parsed = raw == null || raw.length() == 0 || !strictJson(raw.toString(StandardCharsets.UTF_8)) ? null : Json.decodeValue(raw);
    } catch (DecodeException e) {
      parsed = null;
    }
    if (!(parsed instanceof JsonObject body)) {
      envelope(ctx, BAD_REQUEST, "body must be a JSON object", null);
      return;
    }
    register(ctx, body::getValue);
  }

  private void register(RoutingContext ctx, Function<String, Object> field) {
    ModuleStore.Register registration;
    try {
      registration = registration(field);
    } catch (ApiException e) {
      envelope(ctx, BAD_REQUEST, e.getMessage(), null);
      return;
    }
    reply(ctx, Bus.request(vertx, Addresses.MODULE_REGISTER, registration), hash -> new JsonObject().put("hash", hash));
  }

  /** The registration the fields ask for; an {@link ApiException} whose message is the 4000 envelope's otherwise. */
  ModuleStore.Register registration(Function<String, Object> field) {
    if (key != null) {
      Object given = field.apply("key");
      byte[] bytes = given instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (!MessageDigest.isEqual(key, bytes)) {
        throw bad("registration key is wrong");
      }
    }
    String name = text(field, "name");
    if (name.isBlank()) {
      throw bad("name is required");
    }
    String description = text(field, "description");
    String missionKind = text(field, "missionKind");
    Object data = field.apply("dataRequirement");
    String dataText;
    boolean asValue;
    if (data == null || data instanceof String s && s.isEmpty()) {
      dataText = "{}";
      asValue = false;
    } else if (data instanceof String s) {
      if (!strictJson(s)) {
        throw bad("dataRequirement must be valid JSON");
      }
      dataText = s;
      asValue = false;
    } else {
      dataText = Json.encode(data);
      asValue = true;
    }
    if (dataText.codePointCount(0, dataText.length()) > dataMax) {
      throw bad("dataRequirement is longer than " + dataMax + " characters");
    }
    return new ModuleStore.Register(name, description, missionKind, dataText, asValue);
  }

  private String text(Function<String, Object> field, String name) {
    Object value = field.apply(name);
    if (value == null) {
      return "";
    }
    if (!(value instanceof String s)) {
      throw bad(name + " must be a string");
    }
    if (s.codePointCount(0, s.length()) > fieldMax) {
      throw bad(name + " is longer than " + fieldMax + " characters");
    }
    if (s.indexOf('\u0000') >= 0) {
      throw bad(name + " must not contain NUL characters");
    }
    return s;
  }

  private static final JsonFactory STRICT = new JsonFactory();

  /**
   * Whether {@code text} is one JSON value and nothing else, as the old platform's {@code json.loads}
   * took it: no comments, no trailing text (Vert.x's own decoder lets comments through).
   */
  static boolean strictJson(String text) {
    try (JsonParser parser = STRICT.createParser(text)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static ApiException bad(String message) {
    return new ApiException(400, "validation_failed", message);
  }

  private void online(RoutingContext ctx) {
    String hash = ctx.request().getParam("hash");
    if (hash == null || hash.isEmpty()) {
      reply(ctx, Bus.request(vertx, Addresses.MODULE_ONLINE, (String) null), ModuleRegistrationApi::list);
      return;
    }
    reply(ctx, Bus.request(vertx, Addresses.MODULE_FIND, hash)
        .compose(m -> Bus.request(vertx, Addresses.MODULE_ONLINE, hash)), ModuleRegistrationApi::list);
  }

  private static JsonArray list(List<Module> modules) {
    JsonArray array = new JsonArray();
    modules.forEach(m -> array.add(m.toLegacyJson()));
    return array;
  }

  private static <T> void reply(RoutingContext ctx, Future<T> result, Function<T, Object> mapper) {
    result.onComplete(ar -> {
      if (ar.succeeded()) {
        envelope(ctx, OK, "成功!", mapper.apply(ar.result()));
      } else {
        failed(ctx, ar.cause());
      }
    });
  }

  /** A failure before the handler (the body limit, a bad content type): still the envelope. */
  private static void failed(RoutingContext ctx) {
    if (ctx.failure() == null) {
      boolean client = ctx.statusCode() / 100 == 4;
      envelope(ctx, client ? BAD_REQUEST : SERVER_ERROR, client ? "bad request (HTTP " + ctx.statusCode() + ")" : "server error", null);
    } else {
      failed(ctx, ctx.failure());
    }
  }

  private static void failed(RoutingContext ctx, Throwable e) {
    if (e instanceof ApiException api && api.status() == 404) {
      envelope(ctx, UNKNOWN, "unknown module", null);
    } else if (e instanceof ApiException api && api.status() / 100 == 4) {
      envelope(ctx, BAD_REQUEST, api.getMessage(), null);
    } else {
      if (!(e instanceof ApiException)) {
        log.atError().setCause(e).log("module endpoint failed");
      }
      envelope(ctx, SERVER_ERROR, "server error", null);
    }
  }

  /** The old platform's envelope: keys in this order, no spaces, HTTP 200 whatever the code. */
  static void envelope(RoutingContext ctx, String code, String message, Object result) {
    if (ctx.response().ended()) {
      return;
    }
    String body = new JsonObject().put("code", code).put("message", message).put("result", result).encode();
    ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8").end(body);
  }
}
