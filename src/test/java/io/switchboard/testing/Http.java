package io.switchboard.testing;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A blocking HTTP client for tests (the JDK's), talking to one node. */
public final class Http {

  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** HTTP/1.1 only, so concurrent calls go on connections of their own rather than as streams of one HTTP/2 connection. */
  private static final HttpClient BURST_CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final int port;

  public Http(int port) {
    this.port = port;
  }

  public record Response(int status, String body, java.net.http.HttpHeaders headers) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    public JsonArray items() {
      return json().getJsonArray("items");
    }

    public String errorCode() {
      return json().getJsonObject("error").getString("code");
    }

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  public Response get(String path, String token) {
    return send("GET", path, null, token, Map.of());
  }

  public Response get(String path) {
    return get(path, null);
  }

  /** A response whose body is kept as bytes (a picture). */
  public record Binary(int status, byte[] bytes, java.net.http.HttpHeaders headers) {

    public String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  /** {@code GET path} without a token, the body as bytes. */
  public Binary binary(String path) {
    try {
      HttpResponse<byte[]> r = CLIENT.send(request("GET", path, null, null, Map.of()), HttpResponse.BodyHandlers.ofByteArray());
      return new Binary(r.statusCode(), r.body(), r.headers());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Response post(String path, Object json, String token) {
    return send("POST", path, json == null ? null : json.toString(), token, Map.of("Content-Type", "application/json"));
  }

  public Response post(String path, Object json) {
    return post(path, json, null);
  }

  public Response put(String path, Object json, String token) {
    return send("PUT", path, json == null ? null : json.toString(), token, Map.of("Content-Type", "application/json"));
  }

  public Response patch(String path, Object json, String token) {
    return send("PATCH", path, json == null ? null : json.toString(), token, Map.of("Content-Type", "application/json"));
  }

  public Response delete(String path, String token) {
    return send("DELETE", path, null, token, Map.of());
  }

  public Response send(String method, String path, String body, String token, Map<String, String> headers) {
    return sendBytes(method, path, body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), token, headers);
  }

  public Response sendBytes(String method, String path, byte[] body, String token, Map<String, String> headers) {
    try {
      HttpResponse<String> r = CLIENT.send(request(method, path, body, token, headers), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The head of a response whose body may never end (an event stream): status and headers, the body
   * left unread and the connection closed (its own HTTP/1.1 connection). {@code body} is null.
   */
  public Response streamHead(String method, String path, String token, Map<String, String> headers) {
    try {
      HttpResponse<java.io.InputStream> r = BURST_CLIENT.send(request(method, path, null, token, headers),
          HttpResponse.BodyHandlers.ofInputStream());
      r.body().close();
      return new Response(r.statusCode(), null, r.headers());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One request of {@link #concurrently}: a JSON body or none. */
  public record Call(String method, String path, Object json, String token) {

    public static Call get(String path, String token) {
      return new Call("GET", path, null, token);
    }

    public static Call post(String path, Object json, String token) {
      return new Call("POST", path, json, token);
    }

    public static Call put(String path, Object json, String token) {
      return new Call("PUT", path, json, token);
    }
  }

  /**
   * Sends every call at once (the client's asynchronous API, over HTTP/1.1: a connection each) and
   * answers the responses in the order of the calls, once all have come (at most 60 s).
   */
  public List<Response> concurrently(List<Call> calls) {
    List<CompletableFuture<Response>> pending = calls.stream()
        .map(c -> BURST_CLIENT.sendAsync(request(c.method(), c.path(),
                c.json() == null ? null : c.json().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), c.token(),
                c.json() == null ? Map.of() : Map.of("Content-Type", "application/json")), HttpResponse.BodyHandlers.ofString())
            .thenApply(r -> new Response(r.statusCode(), r.body(), r.headers())))
        .toList();
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("concurrent calls did not all complete: " + e, e);
    }
    return pending.stream().map(CompletableFuture::join).toList();
  }

  private HttpRequest request(String method, String path, byte[] body, String token, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    return b.build();
  }

  /** A multipart/form-data body with one file part and optional text fields. */
  public Response multipart(String method, String path, String token, String fileField, String filename, String contentType,
      byte[] file, Map<String, String> fields) {
    String boundary = "sbtest" + System.nanoTime();
    Buffer body = Buffer.buffer();
    fields.forEach((k, v) -> body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + k + "\"\r\n\r\n" + v + "\r\n"));
    if (file != null) {
      body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\"" + filename
          + "\"\r\nContent-Type: " + contentType + "\r\n\r\n").appendBytes(file).appendString("\r\n");
    }
    body.appendString("--" + boundary + "--\r\n");
    return sendBytes(method, path, body.getBytes(), token, Map.of("Content-Type", "multipart/form-data; boundary=" + boundary));
  }

}
