package io.switchboard.gateway;

/**
 * The {@code code} of {@code {"type":"error"}} frames, for every socket kind. The socket stays open
 * after an error frame; bad frames and refused frames count toward the 1008 close.
 */
public final class ErrorCodes {

  private ErrorCodes() {
  }

  /** Not a JSON object, no {@code type}, an unknown type or a malformed field. */
  public static final String BAD_FRAME = "bad_frame";
  /** A message text over the length limit. */
  public static final String TOO_LONG = "too_long";
  /** Past the socket's frame budget, or the sender's message rate. */
  public static final String RATE_LIMITED = "rate_limited";
  /** The caller may not do this (checked against the permissions as they are now). */
  public static final String FORBIDDEN = "forbidden";
  /** {@code since} beyond the newest seq or id; the socket goes live from now. */
  public static final String BAD_SINCE = "bad_since";
  /** A dependency (Postgres) did not answer; retry later. */
  public static final String UNAVAILABLE = "unavailable";
  /** Anything else. */
  public static final String INTERNAL = "internal";
}
