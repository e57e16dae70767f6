package io.switchboard.http.api;

import io.micrometer.core.instrument.Counter;
import io.switchboard.auth.LoginThrottle;
import io.switchboard.auth.PasswordHasher;
import io.switchboard.auth.Principal;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.domain.User;
import io.switchboard.error.ApiException;
import io.switchboard.http.Api;
import io.switchboard.http.ApiModule;
import io.switchboard.http.Uploads;
import io.switchboard.media.ImageWork;
import io.switchboard.media.MediaFiles;
import io.switchboard.media.Profile;
import io.switchboard.persistence.store.MediaStore;
import io.switchboard.persistence.store.SessionStore;
import io.switchboard.persistence.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.FileUpload;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.nio.file.Path;

/** The caller's own profile (SPEC §3): display name, password, avatar. */
public final class MeApi implements ApiModule {

  /** Audit action of a wrong current password in a password change. */
  static final String PASSWORD_FAILED = "user.password_failed";

  private final Vertx vertx;
  private final PasswordHasher hasher;
  private final LoginThrottle throttle;
  private final Uploads uploads;
  private final ImageWork images;

  /** @param images the node's image pool ({@code new ImageWork(vertx, node.config())}) */
  private final MediaFiles media;
  private final Counter refused;

  /** {@code refused} counts the password changes the attempt limit refuses. */
  public MeApi(Vertx vertx, PasswordHasher hasher, LoginThrottle throttle, Uploads uploads, ImageWork images, MediaFiles media,
      Counter refused) {
    this.media = media;
    this.refused = refused;
    this.vertx = vertx;
    this.hasher = hasher;
    this.throttle = throttle;
    this.uploads = uploads;
    this.images = images;
  }

  @Override
  public void mount(RouterBuilder routes) {
    routes.getRoute("getMe").addHandler(this::get);
    routes.getRoute("updateMe").addHandler(this::update);
    routes.getRoute("changePassword").addHandler(this::changePassword);
    // the picture is read after the caller is known, and checked here: sniffed, not trusted by its declared type
    uploads.accept(routes.getRoute("setAvatar")).addHandler(this::setAvatar);
  }

  /** The caller's profile and what they may do now (their groups' permissions; a superuser may do everything). */
  private void get(RoutingContext ctx) {
    Principal principal = Api.principal(ctx);
    JsonArray permissions = new JsonArray(principal.grants().permissions().stream().sorted().toList());
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.USER_GET, principal.userId()),
        (User user) -> user.toJson().put("permissions", permissions));
  }

  private void update(RoutingContext ctx) {
    String displayName = Api.body(ctx).getString("displayName");
    Api.reply(ctx, 200, Bus.request(vertx, Addresses.USER_UPDATE,
        new UserStore.UpdateUser(Api.principal(ctx).userId(), displayName, null, null)), User::toJson);
  }

  /**
   * Checks the current password, stores the new hash and ends every other session of the caller. The
   * check counts against the username's attempt limit, like a login; past it there is no captcha to
   * solve, so the answer is 429 until the window has passed.
   */
  private void changePassword(RoutingContext ctx) {
    JsonObject body = Api.body(ctx);
    Principal caller = Api.principal(ctx);
    Future<Void> changed = Bus.request(vertx, Addresses.USER_GET, caller.userId())
        .compose(user -> throttle.attempt(user.username(), attempt -> attempt.overLimit()
            ? refuse(attempt.windowLeftSeconds())
            : checkCurrentPassword(ctx, user, body.getString("currentPassword"))))
        .compose(user -> hasher.hash(body.getString("newPassword")))
        .compose(hash -> Bus.request(vertx, Addresses.USER_SET_PASSWORD, new UserStore.SetPassword(caller.userId(), hash)))
        .compose(user -> Bus.request(vertx, Addresses.SESSION_REVOKE_USER,
                new SessionStore.RevokeUser(caller.userId(), caller.sessionId(), "password_changed"))
            .compose(revoked -> AuditTrail.record(vertx, ctx, "user.password", user.username(),
                new JsonObject().put("userId", user.id()).put("sessionsEnded", revoked.sessionIds().size()))));
    Api.noContent(ctx, changed);
  }

  private Future<User> refuse(long retryAfterSeconds) {
    refused.increment();
    return Future.failedFuture(ApiException.rateLimited(retryAfterSeconds));
  }

  private Future<User> checkCurrentPassword(RoutingContext ctx, User user, String current) {
    return Bus.request(vertx, Addresses.USER_FIND_LOGIN, user.username())
        .compose(login -> hasher.verify(current, login == null ? null : login.passwordHash()))
        .compose(ok -> ok ? Future.succeededFuture(user)
            : AuditTrail.record(vertx, ctx, PASSWORD_FAILED, user.username(), new JsonObject().put("userId", user.id()))
                .compose(v -> Future.<User>failedFuture(ApiException.forbidden("current password is wrong"))));
  }

  private void setAvatar(RoutingContext ctx) {
    FileUpload upload;
    try {
      upload = Uploads.requiredFile(ctx, "the picture in the field file");
    } catch (ApiException e) {
      ctx.fail(e);
      return;
    }
    String userId = Api.principal(ctx).userId();
    Path file = Path.of(upload.uploadedFileName());
    // decoded on the node's image pool (503 at once when it is full); the original file is never kept
    Future<User> updated = images.process(file, Profile.AVATAR)
        .compose(image -> media.store(userId, null, image))
        .compose(mediaId -> Bus.request(vertx, Addresses.USER_SET_AVATAR, new UserStore.SetAvatar(userId, mediaId))
            // a picture that did not become the avatar is not kept
            .recover(e -> Bus.request(vertx, Addresses.MEDIA_DELETE, mediaId).transform(x -> Future.failedFuture(e))));
    Api.reply(ctx, 200, updated, User::toJson);
  }
}
