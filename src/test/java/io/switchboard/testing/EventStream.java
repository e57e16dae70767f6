package io.switchboard.testing;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A Server-Sent Events stream for tests: every event (or comment) is queued as it arrives; waits are bounded. */
public final class EventStream implements AutoCloseable {

  public static final int WAIT_SECONDS = 20;

  /** One event: its fields ({@code id}, {@code event}, {@code data}), or a comment (field {@code ""}). */
  public record Event(Map<String, String> fields) {

    public String id() {
      return fields.get("id");
    }

    public String data() {
      return fields.get("data");
    }

    public boolean comment() {
      return fields.containsKey("");
    }
  }

  private final HttpClientResponse response;
  private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final StringBuilder pending = new StringBuilder();

  private EventStream(HttpClientResponse response) {
    this.response = response;
    response.handler(this::received);
    response.endHandler(v -> ended.complete(null));
    response.exceptionHandler(e -> ended.complete(null));
  }

  /** Opens {@code path} with {@code Accept: text/event-stream} and the given headers; answers once the head arrived. */
  public static EventStream open(HttpClient client, int port, String path, Map<String, String> headers) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(path)
        .putHeader("Accept", "text/event-stream");
    headers.forEach(options::putHeader);
    try {
      // the handlers are set on the event loop as the head arrives, before any chunk is delivered
      return client.request(options).compose(r -> r.send()).map(EventStream::new).await(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A client for streams: a connection of its own for every stream (never reused, since a stream's
   * connection ends with it) and room for many at once, so that no stream waits for another's.
   */
  public static HttpClient client(Vertx vertx) {
    return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false), new PoolOptions().setHttp1MaxSize(256));
  }

  public int status() {
    return response.statusCode();
  }

  public MultiMap headers() {
    return response.headers();
  }

  private synchronized void received(Buffer chunk) {
    pending.append(chunk.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      Map<String, String> fields = new LinkedHashMap<>();
      for (String line : block.split("\n")) {
        int colon = line.indexOf(':');
        String name = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1).stripLeading();
        fields.merge(name, value, (a, b) -> a + "\n" + b);
      }
      events.add(new Event(fields));
    }
  }

  /** The next event that is not a comment (bounded wait). */
  public Event next() {
    while (true) {
      Event e = nextAny();
      if (!e.comment()) {
        return e;
      }
    }
  }

  /** The next event or comment (bounded wait). */
  public Event nextAny() {
    try {
      Event e = events.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no event within " + WAIT_SECONDS + " s");
      }
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Waits until the server ended the stream (bounded). */
  public void awaitEnd() {
    try {
      ended.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("stream not ended within " + WAIT_SECONDS + " s", e);
    }
  }

  @Override
  public void close() {
    if (!ended.isDone()) {
      response.request().connection().close();
    }
  }
}
