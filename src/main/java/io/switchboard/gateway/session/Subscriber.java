package io.switchboard.gateway.session;

/** What a {@link TopicChannel} delivers to: a socket (or stream) of its topic on this event loop. */
interface Subscriber<E> {

  void deliver(E event);

  /**
   * A frame outside the topic's order ({@link io.switchboard.domain.event.Broadcast}: a module change,
   * a banner), written as it comes; {@code type} names it where the transport needs a name (SSE).
   */
  default void broadcast(String type, String frame) {
  }

  void close(short code, String reason);
}
