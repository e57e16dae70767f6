package io.switchboard.bus;

import io.switchboard.error.ApiException;
import io.switchboard.error.Unreachable;
import io.switchboard.ops.RequestIds;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed requests, replies and publications over the local event bus. An {@link ApiException} failed
 * by a consumer reaches the requester as the same {@link ApiException}; a connection pool whose wait
 * queue is full (Vert.x's {@link ConnectionPoolTooBusyException}, the Postgres pool's refusal) reaches
 * it as 503 unavailable, and so does a database that cannot be reached ({@link Unreachable}: logged
 * at most once per {@value #UNREACHABLE_LOG_MILLIS} ms); anything else is logged where it happened and
 * reaches the requester as a 500 without details.
 */
public final class Bus {

  private static final Logger log = LoggerFactory.getLogger(Bus.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(LocalCodec.NAME).setLocalOnly(true);
  private static final ApiException POOL_BUSY = ApiException.unavailable("the database is busy; retry shortly");
  private static final ApiException DATABASE_AWAY = ApiException.unavailable("the database cannot be reached; retry shortly");
  static final long UNREACHABLE_LOG_MILLIS = 10_000;
  private static final AtomicLong unreachableLoggedAt = new AtomicLong();

  private Bus() {
  }

  /** Registers the local codec on a Vert.x instance; called once per instance at boot. */
  public static void install(Vertx vertx) {
    vertx.eventBus().registerCodec(new LocalCodec());
  }

  public static <Req, Res> Future<Res> request(Vertx vertx, Address<Req, Res> address, Req body) {
    return vertx.eventBus().<Res>request(address.name(), body, options())
        .map(m -> m.body())
        .recover(Bus::toApiException);
  }

  public static <Req, Res> MessageConsumer<Req> consume(Vertx vertx, Address<Req, Res> address,
      Function<Req, Future<Res>> handler) {
    return vertx.eventBus().<Req>consumer(address.name(), message -> withRequestId(vertx, message, m -> {
      log.atDebug().addKeyValue("address", address.name()).log("bus request");
      Future<Res> result;
      try {
        result = handler.apply(m.body());
      } catch (RuntimeException e) {
        result = Future.failedFuture(e);
      }
      result.onComplete(ar -> {
        if (ar.succeeded()) {
          message.reply(ar.result(), LOCAL);
        } else if (ar.cause() instanceof ApiException api) {
          message.fail(api.status(), encode(api));
        } else if (ar.cause() instanceof ConnectionPoolTooBusyException) {
          // an overload, not a fault: not logged per request (a flood would flood the log too)
          message.fail(503, encode(POOL_BUSY));
        } else if (Unreachable.database(ar.cause())) {
          logUnreachable(address, ar.cause());
          message.fail(503, encode(DATABASE_AWAY));
        } else {
          log.error("bus handler failed address={}", address.name(), ar.cause());
          message.fail(500, "internal\ninternal error");
        }
      });
    }));
  }

  /** An outage fails every request at once: one line per interval says so, not one per request. */
  private static void logUnreachable(Address<?, ?> address, Throwable cause) {
    long now = System.currentTimeMillis();
    long last = unreachableLoggedAt.get();
    if (now - last >= UNREACHABLE_LOG_MILLIS && unreachableLoggedAt.compareAndSet(last, now)) {
      log.atWarn().addKeyValue("address", address.name()).addKeyValue("error", cause.toString())
          .log("database unreachable; requests get 503 until it is back");
    }
  }

  /** Publishes to every consumer of a topic address on this node. */
  public static <E> void publish(Vertx vertx, Address<E, Void> topic, E event) {
    vertx.eventBus().publish(topic.name(), event, options());
  }

  public static <E> MessageConsumer<E> subscribe(Vertx vertx, Address<E, Void> topic, Consumer<E> handler) {
    return vertx.eventBus().<E>consumer(topic.name(), message -> withRequestId(vertx, message, m -> handler.accept(m.body())));
  }

  /**
   * The request id of the caller travels in a header: Vert.x carries no MDC or context data across
   * the bus, so the consumer's work would otherwise log without it.
   */
  private static DeliveryOptions options() {
    String id = RequestIds.current();
    return id == null ? LOCAL : new DeliveryOptions(LOCAL).addHeader(RequestIds.KEY, id);
  }

  /** Runs a consumer on a context of the caller's request id (see {@link RequestIds}), when it sent one. */
  private static <T> void withRequestId(Vertx vertx, Message<T> message, Handler<Message<T>> handler) {
    String id = message.headers().get(RequestIds.KEY);
    if (id == null) {
      handler.handle(message);
    } else {
      RequestIds.contextFor(vertx, id).dispatch(message, handler);
    }
  }

  private static String encode(ApiException e) {
    String retry = e.retryAfterSeconds() == null ? "" : String.valueOf(e.retryAfterSeconds());
    return e.code() + "\n" + retry + "\n" + e.getMessage();
  }

  private static <T> Future<T> toApiException(Throwable t) {
    if (t instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
        String[] parts = String.valueOf(re.getMessage()).split("\n", 3);
        if (parts.length == 3) {
          Long retry = parts[1].isEmpty() ? null : Long.valueOf(parts[1]);
          return Future.failedFuture(new ApiException(re.failureCode(), parts[0], parts[2], retry));
        }
        return Future.failedFuture(new ApiException(500, "internal", "internal error"));
      }
      return Future.failedFuture(ApiException.unavailable("service not available: " + re.failureType()));
    }
    return Future.failedFuture(t);
  }
}
