package io.switchboard.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategy;
import io.switchboard.NodeContext;
import io.switchboard.config.Settings;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bcrypt (at.favre.lib), on the node's own hashing threads: a named shared worker pool of
 * {@code AUTH_HASH_THREADS}, so a flood of logins cannot take the default worker pool from image
 * decoding and other blocking work. At most {@code AUTH_HASH_QUEUE} hashes wait beyond the running
 * ones, counted for the whole node (every HTTP verticle instance has its own hasher on the same pool
 * and counter); past that a hash is refused at once with 503 unavailable instead of queueing without
 * bound. Verifying for an unknown user checks against a dummy hash of the same cost so that the
 * answer takes as long as for a known user.
 */
public final class PasswordHasher {

  /** The shared worker pool's name (its threads are named after it). */
  public static final String POOL = "switchboard-password-hashing";

  private final WorkerExecutor workers;
  private final AtomicInteger admitted;
  private final int capacity;
  private final int cost;
  private volatile byte[] dummyHash;

  // Passwords may be up to 128 characters; bcrypt reads 72 bytes, so longer ones are pre-hashed.
  private static final LongPasswordStrategy LONG = LongPasswordStrategies.hashSha512(BCrypt.Version.VERSION_2A);
  private static final BCrypt.Hasher HASHER = BCrypt.with(BCrypt.Version.VERSION_2A, LONG);
  private static final BCrypt.Verifyer VERIFYER = BCrypt.verifyer(BCrypt.Version.VERSION_2A, LONG);

  /**
   * The pool is opened by name, so every hasher of the node shares its threads; the handle closes
   * with the verticle (or Vert.x) it was created in.
   */
  public PasswordHasher(Vertx vertx, NodeContext node) {
    var config = node.config();
    int threads = config.get(Settings.AUTH_HASH_THREADS);
    this.workers = vertx.createSharedWorkerExecutor(POOL, threads);
    this.admitted = node.passwordHashes();
    this.capacity = threads + config.get(Settings.AUTH_HASH_QUEUE);
    this.cost = config.get(Settings.BCRYPT_COST);
  }

  public Future<String> hash(String password) {
    return run(() -> HASHER.hashToString(cost, password.toCharArray()));
  }

  /** @param hash the stored hash, or null for an unknown user (still costs one verification) */
  public Future<Boolean> verify(String password, String hash) {
    return run(() -> {
      byte[] stored = hash == null ? dummy() : hash.getBytes(StandardCharsets.UTF_8);
      boolean ok = VERIFYER.verify(password.getBytes(StandardCharsets.UTF_8), stored).verified;
      return ok && hash != null;
    });
  }

  private <T> Future<T> run(Callable<T> work) {
    if (admitted.incrementAndGet() > capacity) {
      admitted.decrementAndGet();
      return Future.failedFuture(ApiException.unavailable("too many password checks at once; retry shortly"));
    }
    return workers.executeBlocking(work, false).andThen(ar -> admitted.decrementAndGet());
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
