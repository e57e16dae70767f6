package io.switchboard.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests addressed to one node (its channel {@code <prefix>inbox:<id>}, {@link Channels#inbox}) and
 * their answers, which come back on the asker's own channel: "write this frame to the socket you
 * hold", "close that socket". A request to this node itself is handled directly, without the link.
 * Envelope: {@code {"o": origin, "t": type, "c": correlation or absent, "b": body}}; an answer has
 * type {@code "answer"} and {@code "e"} (an error text) or {@code "b"}. Used on one event loop only.
 */
public final class NodeInbox {

  private static final Logger log = LoggerFactory.getLogger(NodeInbox.class);
  private static final String ANSWER = "answer";

  private final Vertx vertx;
  private final ClusterLink link;
  private final Channels channels;
  private final String self;
  private final Map<String, Function<JsonObject, Future<JsonObject>>> handlers = new HashMap<>();
  private final Map<String, Promise<JsonObject>> waiting = new HashMap<>();

  public NodeInbox(Vertx vertx, ClusterLink link, Channels channels, String self) {
    this.vertx = vertx;
    this.link = link;
    this.channels = channels;
    this.self = self;
  }

  public String channel() {
    return channels.inbox(self);
  }

  /** Listens on the node's own channel (the link subscribes again after an outage). */
  public Future<Void> start() {
    return link.clustered() ? link.subscribe(channel()) : Future.succeededFuture();
  }

  /** What this node does with requests of {@code type}; the answer goes back to the asker. */
  public void handle(String type, Function<JsonObject, Future<JsonObject>> handler) {
    handlers.put(type, handler);
  }

  /** A request to {@code node} that wants no answer. */
  public void tell(String node, String type, JsonObject body) {
    if (self.equals(node)) {
      run(type, body);
    } else if (link.clustered()) {
      link.publish(channels.inbox(node), envelope(type, null, body));
    }
  }

  /**
   * A request to {@code node}, answered by its handler; fails with a {@link TimeoutException} when no
   * answer came within {@code timeoutMillis} (the node is gone, or the link is down).
   */
  public Future<JsonObject> ask(String node, String type, JsonObject body, long timeoutMillis) {
    if (self.equals(node)) {
      return run(type, body);
    }
    if (!link.clustered()) {
      return Future.failedFuture(new TimeoutException("node " + node + " cannot be reached without a cluster link"));
    }
    String correlation = UUID.randomUUID().toString();
    Promise<JsonObject> answer = Promise.promise();
    waiting.put(correlation, answer);
    long timer = vertx.setTimer(timeoutMillis, id -> {
      if (waiting.remove(correlation) != null) {
        answer.tryFail(new TimeoutException("node " + node + " did not answer within " + timeoutMillis + " ms"));
      }
    });
    link.publish(channels.inbox(node), envelope(type, correlation, body));
    return answer.future().onComplete(ar -> vertx.cancelTimer(timer));
  }

  /** A payload on this node's channel. */
  public void received(Buffer payload) {
    JsonObject envelope;
    try {
      envelope = new JsonObject(payload);
    } catch (DecodeException | ClassCastException e) {
      log.atWarn().log("undecodable node request ignored");
      return;
    }
    String type = envelope.getString("t");
    String correlation = envelope.getString("c");
    if (ANSWER.equals(type)) {
      Promise<JsonObject> answer = correlation == null ? null : waiting.remove(correlation);
      if (answer != null) {
        String error = envelope.getString("e");
        if (error != null) {
          answer.tryFail(error);
        } else {
          answer.tryComplete(envelope.getJsonObject("b", new JsonObject()));
        }
      }
      return;
    }
    String origin = envelope.getString("o");
    Future<JsonObject> done = run(type, envelope.getJsonObject("b", new JsonObject()));
    if (correlation != null && origin != null) {
      done.onComplete(ar -> link.publish(channels.inbox(origin), ar.succeeded()
          ? envelope(ANSWER, correlation, ar.result())
          : new JsonObject().put("o", self).put("t", ANSWER).put("c", correlation)
              .put("e", ar.cause().getMessage() == null ? ar.cause().getClass().getSimpleName() : ar.cause().getMessage()).toBuffer()));
    }
  }

  private Future<JsonObject> run(String type, JsonObject body) {
    Function<JsonObject, Future<JsonObject>> handler = handlers.get(type);
    if (handler == null) {
      return Future.failedFuture("no handler for " + type);
    }
    try {
      return handler.apply(body);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Buffer envelope(String type, String correlation, JsonObject body) {
    JsonObject e = new JsonObject().put("o", self).put("t", type);
    if (correlation != null) {
      e.put("c", correlation);
    }
    return e.put("b", body == null ? new JsonObject() : body).toBuffer();
  }
}
