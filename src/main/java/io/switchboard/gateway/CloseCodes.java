package io.switchboard.gateway;

/**
 * WebSocket close codes the server uses. Clients reconnect (with {@code since}) after 1001, 1011,
 * 1012 and 1013; 1008 and 1009 mean the client misbehaved; 4401 means "sign in again"; 4403 means
 * the caller may no longer use this conversation; 4404, 4408 and 4409 are for module sockets (the module
 * was deleted, sent no heartbeat in time, another socket took this one's place).
 * Every socket kind closes with these and no other codes.
 */
public final class CloseCodes {

  private CloseCodes() {
  }

  /** The socket stopped answering pings. */
  public static final short GOING_AWAY = 1001;
  /** Too many bad frames. */
  public static final short POLICY_VIOLATION = 1008;
  /** A frame or message over the size limit (closed by the WebSocket codec itself). */
  public static final short TOO_BIG = 1009;
  /** The server could not keep the socket's stream complete; reconnect with {@code since}. */
  public static final short INTERNAL_ERROR = 1011;
  /** The node is shutting down: reconnect (to another node) with {@code since}. */
  public static final short SERVICE_RESTART = 1012;
  /**
   * The longest random delay a client should wait before it reconnects after {@link #SERVICE_RESTART},
   * so that the sockets of a node that stops come back spread out rather than all at once.
   */
  public static final int RESTART_SPREAD_MILLIS = 2_000;
  /** The reason sent with {@link #SERVICE_RESTART}: what to do and the spread, in words a client can parse. */
  public static final String SERVICE_RESTART_REASON =
      "service restart; reconnect with since after a random delay of 0-" + RESTART_SPREAD_MILLIS + " ms";
  /** The outbound queue passed its bound (slow reader); reconnect with {@code since}. */
  public static final short TRY_AGAIN_LATER = 1013;
  /** The session ended (logout, disabled user): sign in again. */
  public static final short SESSION_ENDED = 4401;
  /** Removed from the conversation (or left it), or no longer allowed what the socket is for. */
  public static final short FORBIDDEN = 4403;
  /** The module was deleted (SPEC §7). */
  public static final short MODULE_DELETED = 4404;
  /** No heartbeat from the module within the timeout (SPEC §7): it is offline. */
  public static final short HEARTBEAT_TIMEOUT = 4408;
  /** A module's second socket with the same hash replaced this one (SPEC §7): do not reconnect from here. */
  public static final short REPLACED = 4409;
}
