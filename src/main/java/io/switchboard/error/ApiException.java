package io.switchboard.error;

/**
 * A failure with a user-facing meaning: HTTP status, snake_case code and human message (SPEC §2).
 * Thrown or failed by any layer; crosses the event bus as a {@code ReplyException} with the status as
 * failure code, and becomes the error body at the HTTP edge.
 */
public class ApiException extends RuntimeException {

  private final int status;
  private final String code;
  private final Long retryAfterSeconds;

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public ApiException(int status, String code, String message, Long retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  public static ApiException validation(String field, String message) {
    return new ApiException(400, "validation_failed", field + ": " + message);
  }

  public static ApiException unauthorized(String message) {
    return new ApiException(401, "unauthorized", message);
  }

  public static ApiException forbidden(String message) {
    return new ApiException(403, "forbidden", message);
  }

  public static ApiException notFound(String message) {
    return new ApiException(404, "not_found", message);
  }

  public static ApiException conflict(String message) {
    return new ApiException(409, "conflict", message);
  }

  public static ApiException unavailable(String message) {
    return new ApiException(503, "unavailable", message);
  }

  /** Whether {@code failure} is a 503: the database (or another backend) refused for now; asking again later may work. */
  public static boolean isUnavailable(Throwable failure) {
    return failure instanceof ApiException api && api.status == 503;
  }

  public static ApiException rateLimited(long retryAfterSeconds) {
    return new ApiException(429, "rate_limited", "too many requests, retry in " + retryAfterSeconds + " s", retryAfterSeconds);
  }
}
