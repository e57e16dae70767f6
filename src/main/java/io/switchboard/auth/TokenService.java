package io.switchboard.auth;

import io.switchboard.config.AppConfig;
import io.switchboard.config.ConfigException;
import io.switchboard.config.Settings;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Issues and checks access tokens (JWT through vertx-auth-jwt: {@code sub}, {@code sid}, {@code jti},
 * {@code iat}, {@code exp}) and makes refresh tokens (opaque random strings stored only as SHA-256).
 */
public final class TokenService {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final JWTAuth jwt;
  private final String algorithm;
  private final int accessTtl;
  private final int refreshTtl;

  public TokenService(Vertx vertx, AppConfig config) {
    this.algorithm = config.get(Settings.JWT_ALGORITHM);
    this.accessTtl = config.get(Settings.ACCESS_TOKEN_TTL);
    this.refreshTtl = config.get(Settings.REFRESH_TOKEN_TTL);
    JWTAuthOptions options = new JWTAuthOptions();
    if (algorithm.equals("HS256")) {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.get(Settings.JWT_SECRET)));
    } else {
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(readKey(Settings.JWT_PRIVATE_KEY_FILE, config)));
      options.addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(readKey(Settings.JWT_PUBLIC_KEY_FILE, config)));
    }
    this.jwt = JWTAuth.create(vertx, options);
  }

  private static String readKey(io.switchboard.config.Setting<String> setting, AppConfig config) {
    String file = config.get(setting);
    if (file == null) {
      throw new ConfigException(setting, null, "is required when SWITCHBOARD_JWT_ALGORITHM is " + config.get(Settings.JWT_ALGORITHM));
    }
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new ConfigException(setting, file, "cannot be read");
    }
  }

  public int accessTtlSeconds() {
    return accessTtl;
  }

  public int refreshTtlSeconds() {
    return refreshTtl;
  }

  public String accessToken(String userId, String sessionId) {
    JsonObject claims = new JsonObject().put("sub", userId).put("sid", sessionId).put("jti", UUID.randomUUID().toString());
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm(algorithm).setExpiresInSeconds(accessTtl));
  }

  /** The verified claims of an access token, or a 401. */
  public Future<AccessClaims> verify(String token) {
    if (token == null || token.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("missing access token"));
    }
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ApiException.unauthorized("invalid or expired access token")))
        .compose(user -> {
          // vertx-auth-jwt keeps the verified claims in the attributes; the principal holds only the raw token
          JsonObject p = user.attributes().getJsonObject("accessToken", new JsonObject());
          String sub = p.getString("sub");
          String sid = p.getString("sid");
          Long exp = p.getLong("exp");
          if (sub == null || sid == null || exp == null) {
            return Future.failedFuture(ApiException.unauthorized("invalid access token"));
          }
          return Future.succeededFuture(new AccessClaims(sub, sid, p.getString("jti"), exp));
        });
  }

  public static String newRefreshToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hashRefreshToken(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The claims Switchboard relies on. */
  public record AccessClaims(String userId, String sessionId, String tokenId, long expiresAtEpochSeconds) {
  }
}
