package io.switchboard.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;

/**
 * bcrypt (at.favre.lib), always on a worker thread. Verifying for an unknown user checks against a
 * dummy hash of the same cost so that the answer takes as long as for a known user.
 */
public final class PasswordHasher {

  private final Vertx vertx;
  private final int cost;
  private volatile byte[] dummyHash;

  // Passwords may be up to 128 characters; bcrypt reads 72 bytes, so longer ones are pre-hashed.
  private static final LongPasswordStrategy LONG = LongPasswordStrategies.hashSha512(BCrypt.Version.VERSION_2A);
  private static final BCrypt.Hasher HASHER = BCrypt.with(BCrypt.Version.VERSION_2A, LONG);
  private static final BCrypt.Verifyer VERIFYER = BCrypt.verifyer(BCrypt.Version.VERSION_2A, LONG);

  public PasswordHasher(Vertx vertx, int cost) {
    this.vertx = vertx;
    this.cost = cost;
  }

  public Future<String> hash(String password) {
    return vertx.executeBlocking(() -> HASHER.hashToString(cost, password.toCharArray()), false);
  }

  /** @param hash the stored hash, or null for an unknown user (still costs one verification) */
  public Future<Boolean> verify(String password, String hash) {
    return vertx.executeBlocking(() -> {
      byte[] stored = hash == null ? dummy() : hash.getBytes(StandardCharsets.UTF_8);
      boolean ok = VERIFYER.verify(password.getBytes(StandardCharsets.UTF_8), stored).verified;
      return ok && hash != null;
    }, false);
  }

  private byte[] dummy() {
    byte[] d = dummyHash;
    if (d == null) {
      d = HASHER.hash(cost, "dummy-password-for-timing".toCharArray());
      dummyHash = d;
    }
    return d;
  }
}
