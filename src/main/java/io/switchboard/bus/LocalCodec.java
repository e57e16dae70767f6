package io.switchboard.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes immutable records between verticles of one node by reference. Nodes never share an event
 * bus (Redis carries what crosses nodes), so the wire methods are never used.
 */
final class LocalCodec implements MessageCodec<Object, Object> {

  static final String NAME = "switchboard-local";

  @Override
  public void encodeToWire(Buffer buffer, Object o) {
    throw new IllegalStateException("local codec cannot be sent over the wire");
  }

  @Override
  public Object decodeFromWire(int pos, Buffer buffer) {
    throw new IllegalStateException("local codec cannot be read from the wire");
  }

  @Override
  public Object transform(Object o) {
    return o;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
