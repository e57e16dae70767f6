package io.switchboard.cluster;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What {@link RedisLink} and {@link RedisClusterLink} share: the {@link RedisPublisher} that publishes
 * and runs single commands, the up/down bookkeeping with its capped exponential backoff (100 ms
 * doubling to 10 s, forever), the listeners, and a stop that sends what is still queued before the
 * connections close. The subclasses own the subscribing side.
 *
 * <p>Everything runs on the event loop of the verticle that created the link; calls from other
 * event loops hop onto it, and the futures they get back complete on their own event loop.
 */
abstract sealed class RedisLinkBase implements ClusterLink, RedisCommands permits RedisLink, RedisClusterLink {

  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 10_000;

  /** Named for the subclass, as each link logged before they shared this class. */
  protected final Logger log = LoggerFactory.getLogger(getClass());
  protected final Vertx vertx;
  protected final Context context;
  protected final RedisPublisher publisher;
  protected BiConsumer<String, Buffer> handler = (c, p) -> { };
  protected volatile boolean up;
  protected boolean stopped;
  /** When the link was found down, or first failed to connect (epoch millis); 0 while it is up. */
  protected long downSince;
  private LongConsumer reconnected = since -> { };
  private boolean everUp;
  private long backoff = MIN_BACKOFF_MS;

  /**
   * @param publishOptions the options of the publishing client (pooled, also runs single commands)
   * @param command        {@code PUBLISH}, or {@code SPUBLISH} on a cluster
   * @param oneBatch       whether queued publishes may go out as one batch (see {@link RedisPublisher})
   */
  RedisLinkBase(Vertx vertx, RedisOptions publishOptions, Command command, boolean oneBatch) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.publisher = new RedisPublisher(vertx, context, Redis.createClient(vertx, publishOptions), command, oneBatch, () -> backoff);
  }

  /** rediss:// is TLS: then the certificate must also name the host of the URL. */
  static void tls(RedisOptions options, String url) {
    if (url.regionMatches(true, 0, "rediss:", 0, 7)) {
      // Vert.x checks the certificate chain but, unless told, not that it names the host of the URL
      options.getNetClientOptions().setHostnameVerificationAlgorithm("HTTPS");
    }
  }

  /** The delay before the next attempt; each call doubles the following one, up to 10 s. */
  protected final long nextBackoff() {
    long delay = backoff;
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
    return delay;
  }

  /**
   * The link is up (again): logs {@code event} ("redis link up", or "restored" after an outage or a
   * failed start) and then tells the {@link #onReconnect} listener when the link went down.
   */
  protected final void restored(LoggingEventBuilder event) {
    // a node that could not reach Redis at start has missed what was announced meanwhile, too
    boolean again = everUp || downSince != 0;
    long wentDown = downSince;
    downSince = 0;
    up = true;
    everUp = true;
    backoff = MIN_BACKOFF_MS;
    event.log(again ? "redis link restored" : "redis link up");
    if (again) {
      reconnected.accept(wentDown);
    }
  }

  /** Closes the subscribing side and the publisher; on the link's event loop, after the last publishes went out. */
  protected abstract Future<Void> close();

  @Override
  public final void onMessage(BiConsumer<String, Buffer> handler) {
    this.handler = handler;
  }

  @Override
  public final void onReconnect(LongConsumer handler) {
    this.reconnected = handler;
  }

  @Override
  public final void publish(String channel, Buffer payload) {
    publisher.publish(channel, payload);
  }

  @Override
  public final Future<Response> send(Request request) {
    return publisher.send(request);
  }

  /** Runs {@code action} on the link's event loop; the answer completes on the caller's event loop. */
  protected final <T> Future<T> onLink(Supplier<Future<T>> action) {
    return RedisPublisher.onContext(context, action);
  }

  @Override
  public final boolean up() {
    return up;
  }

  @Override
  public final boolean clustered() {
    return true;
  }

  @Override
  public final int publishQueue() {
    return publisher.queued();
  }

  @Override
  public final Future<Void> stop() {
    // what is still queued (a stopping node's last changes) is sent before the connections close
    return onLink(() -> publisher.drain().transform(x -> close()));
  }
}
