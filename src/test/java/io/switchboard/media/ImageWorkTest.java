package io.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.config.AppConfig;
import io.switchboard.config.ConfigLoader;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image pool: bounded, node-wide admission, refusals at once, and failures that stay with their picture. */
class ImageWorkTest {

  Vertx vertx;

  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().await(30, TimeUnit.SECONDS);
  }

  static AppConfig config(int threads, int queue) {
    return new ConfigLoader(Map.of(), Map.of("SWITCHBOARD_IMAGE_THREADS", String.valueOf(threads),
        "SWITCHBOARD_IMAGE_QUEUE", String.valueOf(queue))).load();
  }

  Path file(byte[] bytes) throws Exception {
    Path file = Files.createTempFile(dir, "upload", ".bin");
    Files.write(file, bytes);
    return file;
  }

  static <T> T result(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static ApiException failure(Future<?> future) throws Exception {
    try {
      result(future);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(ApiException.class);
      return (ApiException) e.getCause();
    }
    throw new AssertionError("expected a failure");
  }

  @Test
  void aFullPoolRefusesAtOnceWith503AndRetryAfterThenServesAgain() throws Exception {
    ImageWork work = new ImageWork(vertx, config(1, 1));
    assertThat(work.capacity()).isEqualTo(2);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean firstDone = new AtomicBoolean();
    Future<String> running = work.submit(() -> {
      started.countDown();
      release.await();
      firstDone.set(true);
      return Thread.currentThread().getName();
    });
    // one thread: the second waits for the first, so it sees it done
    Future<Boolean> waiting = work.submit(firstDone::get);
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(work.admitted()).isEqualTo(2);

    Future<Processed> refused = work.process(file(TestImages.gif()), Profile.MESSAGE);
    assertThat(refused.isComplete()).as("refused at once, not queued").isTrue();
    ApiException e = failure(refused);
    assertThat(e.status()).isEqualTo(503);
    assertThat(e.code()).isEqualTo("unavailable");
    assertThat(e.retryAfterSeconds()).isPositive();
    // the count is the node's: another handle on the same Vert.x (another HTTP verticle instance) is refused too
    ImageWork other = new ImageWork(vertx, config(1, 1));
    assertThat(failure(other.process(file(TestImages.gif()), Profile.MESSAGE)).status()).isEqualTo(503);

    release.countDown();
    assertThat(result(running)).startsWith(ImageWork.POOL);
    assertThat(result(waiting)).isTrue();
    Processed p = result(other.process(file(TestImages.gif()), Profile.MESSAGE));
    assertThat(p.width()).isEqualTo(60);
    assertThat(work.admitted()).isZero();
  }

  @Test
  void aPictureThatFailsFailsAloneAndThePoolKeepsWorking() throws Exception {
    ImageWork work = new ImageWork(vertx, config(1, 0));
    assertThat(failure(work.process(file(TestImages.bombPng(50_000, 50_000)), Profile.MESSAGE)).status()).isEqualTo(413);
    assertThat(failure(work.process(file("not a picture".getBytes(StandardCharsets.UTF_8)), Profile.MESSAGE)).status())
        .isEqualTo(415);
    // a crash on the pool's only thread does not take the thread or the admission count with it
    assertThat(work.submit(() -> {
      throw new StackOverflowError();
    }).transform(ar -> Future.succeededFuture(ar.failed())).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isTrue();
    assertThat(work.admitted()).isZero();
    Processed p = result(work.process(file(TestImages.webp()), Profile.MESSAGE));
    assertThat(p.width()).isEqualTo(48);
    assertThat(work.admitted()).isZero();
  }
}
