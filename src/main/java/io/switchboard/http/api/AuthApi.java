package io.switchboard.http.api;

import io.micrometer.core.instrument.Counter;
import io.switchboard.auth.CaptchaImage;
import io.switchboard.auth.LoginThrottle;
import io.switchboard.auth.PasswordHasher;
import io.switchboard.auth.Principal;
import io.switchboard.auth.TokenService;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.User;
import io.switchboard.error.ApiException;
import io.switchboard.gateway.RateLimiter;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.persistence.store.AuditStore;
import io.switchboard.persistence.store.CaptchaStore;
import io.switchboard.persistence.store.SessionStore;
import io.switchboard.persistence.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.util.Base64;
import java.util.List;

/**
 * Registration, login with captcha after repeated failures, refresh rotation, logout (SPEC §3).
 * Register, login, captcha and refresh share one per-address budget of the node.
 */
public final class AuthApi implements ApiModule {

  static final int CAPTCHA_TTL_SECONDS = 5 * 60;

  private final Vertx vertx;
  private final TokenService tokens;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final RateLimiter addresses;
  private final Counter refused;

  /** {@code refused} counts the calls the per-address budget refuses. */
  public AuthApi(Vertx vertx, TokenService tokens, PasswordHasher hasher, LoginThrottle throttle, RateLimiter addresses,
      Counter refused) {
    this.vertx = vertx;
    this.refused = refused;
    this.tokens = tokens;
    this.hasher = hasher;
    this.throttle = throttle;
    this.addresses = addresses;
  }

  @Override
  public void mount(RouterBuilder routes) {
    // the four calls a client can make without an account share one budget per client address
    routes.getRoute("register").addHandler(this::limitAddress).addHandler(this::register);
    routes.getRoute("login").addHandler(this::limitAddress).addHandler(this::login);
    routes.getRoute("captcha").addHandler(this::limitAddress).addHandler(this::captcha);
    routes.getRoute("refresh").addHandler(this::limitAddress).addHandler(this::refresh);
    routes.getRoute("logout").addHandler(this::logout);
  }

  /** Past the address's burst: 429 with the seconds until its next call (this node's count only). */
  private void limitAddress(RoutingContext ctx) {
    String ip = Api.clientIp(ctx);
    long wait = addresses.take(ip == null ? "unknown" : ip, System.nanoTime());
    if (wait > 0) {
      refused.increment();
      ctx.fail(ApiException.rateLimited(wait));
    } else {
      ctx.next();
    }
  }

  private void register(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    String username = body.getString("username");
    String displayName = body.getString("displayName", username);
    Future<User> created = hasher.hash(body.getString("password"))
        .compose(hash -> Bus.request(vertx, Addresses.USER_CREATE,
            new UserStore.CreateUser(username, displayName, hash, false, List.of("member"))));
    Api.reply(ctx, 201, created, User::toJson);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    String username = body.getString("username");
    String password = body.getString("password");
    String ip = Api.clientIp(ctx);
    // the attempt is counted before the password is checked: past the limit only a solved captcha gets a check
    Future<JsonObject> result = throttle.attempt(username, attempt -> (attempt.overLimit() ? checkCaptcha(body) : Future.<Void>succeededFuture())
        .compose(v -> Bus.request(vertx, Addresses.USER_FIND_LOGIN, username))
        .compose(record -> hasher.verify(password, record == null ? null : record.passwordHash()).compose(ok -> {
          if (!ok || record.disabled()) {
            return audit(null, username, AuditStore.LOGIN_FAILURE, ip, ctx)
                .compose(x -> Future.<JsonObject>failedFuture(ApiException.unauthorized("invalid username or password")));
          }
          return startSession(record.userId(), ip, ctx)
              .compose(pair -> audit(record.userId(), record.username(), AuditStore.LOGIN_SUCCESS, ip, ctx).map(pair));
        })));
    Api.reply(ctx, 200, result, json -> json);
  }

  private Future<Void> checkCaptcha(JsonObject body) {
    String id = body.getString("captchaId");
    String answer = body.getString("captchaAnswer");
    if (id == null || answer == null) {
      return Future.failedFuture(new ApiException(401, "captcha_required", "too many failed logins: solve GET /api/auth/captcha and send captchaId and captchaAnswer"));
    }
    return Bus.request(vertx, Addresses.CAPTCHA_CONSUME, new CaptchaStore.Answer(id, answer)).compose(ok -> ok
        ? Future.succeededFuture()
        : Future.failedFuture(new ApiException(401, "captcha_required", "wrong or expired captcha; fetch a new one")));
  }

  private Future<JsonObject> startSession(String userId, String ip, RoutingContext ctx) {
    String refresh = TokenService.newRefreshToken();
    String agent = ctx.request().getHeader("User-Agent");
    return Bus.request(vertx, Addresses.SESSION_CREATE,
            new SessionStore.NewSession(userId, TokenService.hashRefreshToken(refresh), ip, agent == null ? null : truncate(agent)))
        .compose(sid -> Bus.request(vertx, Addresses.USER_GET, userId).map(user -> tokenPair(userId, sid, refresh).put("user", user.toJson())));
  }

  private JsonObject tokenPair(String userId, String sessionId, String refresh) {
    return new JsonObject()
        .put("accessToken", tokens.accessToken(userId, sessionId))
        .put("refreshToken", refresh)
        .put("expiresIn", tokens.accessTtlSeconds())
        .put("tokenType", "Bearer");
  }

  private void captcha(RoutingContext ctx) {
    Future<JsonObject> result = vertx.executeBlocking(CaptchaImage::create, false)
        .compose(ch -> Bus.request(vertx, Addresses.CAPTCHA_CREATE, new CaptchaStore.NewCaptcha(ch.answer(), CAPTCHA_TTL_SECONDS))
            .map(id -> new JsonObject().put("captchaId", id)
                .put("image", "data:image/png;base64," + Base64.getEncoder().encodeToString(ch.png()))
                .put("expiresIn", CAPTCHA_TTL_SECONDS)));
    Api.reply(ctx, 200, result, json -> json);
  }

  private void refresh(RoutingContext ctx) {
    String refresh = Api.body(ctx).getString("refreshToken");
    String next = TokenService.newRefreshToken();
    Future<JsonObject> result = Bus.request(vertx, Addresses.SESSION_ROTATE,
            new SessionStore.Rotate(TokenService.hashRefreshToken(refresh), TokenService.hashRefreshToken(next)))
        .compose(rotated -> Bus.request(vertx, Addresses.USER_GET, rotated.userId())
            .map(user -> tokenPair(rotated.userId(), rotated.sessionId(), next).put("user", user.toJson())));
    Api.reply(ctx, 200, result, json -> json);
  }

  private void logout(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    Api.noContent(ctx, Bus.request(vertx, Addresses.SESSION_REVOKE, new SessionStore.Revoke(principal.sessionId(), "logout")));
  }

  private Future<Void> audit(String userId, String username, String action, String ip, RoutingContext ctx) {
    String agent = ctx.request().getHeader("User-Agent");
    return Bus.request(vertx, Addresses.AUDIT_RECORD, new AuditStore.Entry(userId, username, action, username, ip,
        new JsonObject().put("userAgent", agent == null ? null : truncate(agent))));
  }

  private static String truncate(String s) {
    return s.length() > 200 ? s.substring(0, 200) : s;
  }
}
