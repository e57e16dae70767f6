package io.switchboard.jobs.builtin;

import io.switchboard.jobs.JobHandler;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.codec.BodyCodec;
import java.net.ConnectException;
import java.net.URI;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code webhook}: POSTs {@code payload.body} as JSON to {@code payload.url} with a timeout; any
 * answer but 2xx, a timeout or a connection error fails the attempt. The target is checked again at
 * each delivery ({@link WebhookAddress}) and the request goes to the address that was checked. The
 * error recorded for a failed attempt is written here in our own words (the status, or what kind of
 * failure it was): nothing the target sent back, not even a fragment of a malformed answer, is kept,
 * and its reply body is discarded unread.
 */
public final class WebhookJob implements JobHandler {

  public static final String KIND = "webhook";
  private static final Logger log = LoggerFactory.getLogger(WebhookJob.class);
  private final WebClient client;
  private final WebhookAddress addresses;
  private final long timeoutMillis;

  /**
   * The HTTP client for webhooks. It follows no redirects (one could lead to an internal address), and
   * a connection error is not logged with its message, which may quote what the target sent (the
   * attempt's recorded failure says what kind of error it was).
   */
  public static WebClient client(Vertx vertx) {
    WebClientOptions options = new WebClientOptions().setUserAgent("switchboard").setFollowRedirects(false);
    HttpClient http = vertx.httpClientBuilder().with(options)
        .withConnectHandler(conn -> conn.exceptionHandler(e -> log.atDebug()
            .addKeyValue("error", e.getClass().getSimpleName()).log("webhook connection error")))
        .build();
    return WebClient.wrap(http, options);
  }

  public WebhookJob(WebClient client, WebhookAddress addresses, long timeoutMillis) {
    this.client = client;
    this.addresses = addresses;
    this.timeoutMillis = timeoutMillis;
  }

  @Override
  public String kind() {
    return KIND;
  }

  /** Checks the form of a payload before it is queued, so a job that can never work is refused at once. */
  public static String invalid(JsonObject payload) {
    Object url = payload.getValue("url");
    if (!(url instanceof String s)) {
      return "payload.url: required";
    }
    try {
      URI uri = URI.create(s);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
        return "payload.url: must be an http(s) URL";
      }
    } catch (IllegalArgumentException e) {
      return "payload.url: must be an http(s) URL";
    }
    return null;
  }

  @Override
  public Future<Void> handle(JsonObject payload) {
    String problem = invalid(payload);
    if (problem != null) {
      return Future.failedFuture(problem);
    }
    Object body = payload.getValue("body");
    return addresses.check(payload.getString("url"))
        .recover(e -> Future.failedFuture("webhook refused: " + e.getMessage()))
        .compose(target -> post(target, body));
  }

  private Future<Void> post(WebhookAddress.Target target, Object body) {
    RequestOptions options = new RequestOptions().setHost(target.host()).setPort(target.port())
        .setURI(target.requestUri()).setSsl(target.https());
    return client.request(HttpMethod.POST, SocketAddress.inetSocketAddress(target.port(), target.address()), options)
        .timeout(timeoutMillis)
        .putHeader("Content-Type", "application/json")
        .as(BodyCodec.none())
        .sendBuffer(Json.encodeToBuffer(body == null ? new JsonObject() : body))
        .transform(ar -> {
          if (ar.failed()) {
            return Future.failedFuture(describe(ar.cause()));
          }
          int status = ar.result().statusCode();
          return status / 100 == 2 ? Future.succeededFuture() : Future.failedFuture("webhook answered HTTP " + status);
        });
  }

  /** What went wrong, by kind only: exception messages may quote what the target sent. */
  private String describe(Throwable e) {
    if (e instanceof TimeoutException) {
      return "webhook timed out after " + timeoutMillis + " ms";
    }
    if (e instanceof ConnectException) {
      return "webhook connection failed (refused or unreachable)";
    }
    if (e instanceof SSLException) {
      return "webhook TLS handshake failed";
    }
    if (e instanceof HttpClosedException) {
      return "webhook target closed the connection before answering";
    }
    return "webhook delivery failed (" + e.getClass().getSimpleName() + ")";
  }
}
