package io.switchboard.media;

import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.shareddata.Shareable;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link ImageProcessor} on the node's own image threads: a named shared worker pool of
 * {@code IMAGE_THREADS}, so uploads cannot take the default worker pool (or the hashing pool) from
 * other blocking work. At most {@code IMAGE_QUEUE} pictures wait beyond the running ones, counted
 * for the whole node; past that an upload is refused at once with 503 unavailable and Retry-After,
 * instead of queueing without bound (each waiting picture holds a file, each running one up to
 * some 50 MB of raster).
 *
 * <p>Every handle made on one Vert.x instance (one per HTTP verticle instance, say) shares the pool,
 * by its name, and the admission count, kept in the instance's local shared data. As with the pool's
 * size, the first handle made on a Vert.x instance fixes the capacity. A handle's pool closes with
 * the verticle (or Vert.x) it was made in.
 */
public final class ImageWork {

  /** The shared worker pool's name (its threads are named after it). */
  public static final String POOL = "switchboard-image-decoding";
  /** What a refused upload is told to wait: a picture takes about a second to decode and re-encode. */
  static final long RETRY_AFTER_SECONDS = 2;
  private static final String SHARED = "switchboard.media";

  /** The node-wide admission count and its bound; shared as is through the local map (it is thread-safe). */
  private record Admission(AtomicInteger admitted, int capacity) implements Shareable {
  }

  private final WorkerExecutor workers;
  private final Admission admission;

  /** A handle on the node's image pool, sized by {@code IMAGE_THREADS} and {@code IMAGE_QUEUE} of {@code config}. */
  public ImageWork(Vertx vertx, AppConfig config) {
    this(vertx, config.get(Settings.IMAGE_THREADS), config.get(Settings.IMAGE_QUEUE));
  }

  private ImageWork(Vertx vertx, int threads, int queue) {
    this.workers = vertx.createSharedWorkerExecutor(POOL, threads);
    var shared = vertx.sharedData().<String, Admission>getLocalMap(SHARED);
    Admission mine = new Admission(new AtomicInteger(), threads + queue);
    Admission existing = shared.putIfAbsent(POOL, mine);
    this.admission = existing != null ? existing : mine;
  }

  /**
   * The picture re-encoded for {@code profile}, on the image pool; failed with the picture's
   * {@link ApiException} (415, 413), or with 503 unavailable at once when the pool is full.
   */
  public Future<Processed> process(Path file, Profile profile) {
    return submit(() -> ImageProcessor.process(file, profile));
  }

  /** Runs {@code work} on the pool under the node's admission count (tests occupy the pool with it). */
  <T> Future<T> submit(Callable<T> work) {
    AtomicInteger admitted = admission.admitted();
    if (admitted.incrementAndGet() > admission.capacity()) {
      admitted.decrementAndGet();
      return Future.failedFuture(new ApiException(503, "unavailable", "too many pictures being processed; retry shortly",
          RETRY_AFTER_SECONDS));
    }
    return workers.executeBlocking(work, false).andThen(ar -> admitted.decrementAndGet());
  }

  /** Pictures admitted on this node, running or waiting. */
  int admitted() {
    return admission.admitted().get();
  }

  /** How many pictures the node admits at once: its threads plus its queue. */
  int capacity() {
    return admission.capacity();
  }
}
