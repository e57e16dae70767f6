package io.switchboard.gateway.session;

/** What a {@link TopicChannel} delivers to: a socket (or stream) of its topic on this event loop. */
interface Subscriber<E> {

  void deliver(E event);

  void close(short code, String reason);
}
