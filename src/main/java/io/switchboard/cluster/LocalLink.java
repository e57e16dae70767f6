package io.switchboard.cluster;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.BiConsumer;
import java.util.function.LongConsumer;

/** A single node: there is nobody to carry anything to; events are delivered locally by the bridge. */
public final class LocalLink implements ClusterLink {

  @Override
  public void onMessage(BiConsumer<String, Buffer> handler) {
  }

  @Override
  public void onReconnect(LongConsumer handler) {
  }

  @Override
  public Future<Void> start() {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    return Future.succeededFuture();
  }

  @Override
  public void publish(String channel, Buffer payload) {
  }

  @Override
  public Future<Void> subscribe(String channel) {
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unsubscribe(String channel) {
    return Future.succeededFuture();
  }

  @Override
  public boolean up() {
    return true;
  }

  @Override
  public boolean clustered() {
    return false;
  }

  @Override
  public int publishQueue() {
    return 0;
  }
}
