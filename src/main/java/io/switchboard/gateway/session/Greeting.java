package io.switchboard.gateway.session;

import io.switchboard.domain.event.Broadcast;
import io.switchboard.gateway.GatewayVerticle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Frames for everyone ({@link Broadcast}) on a socket or stream that has not been greeted yet: they
 * wait for its first frame (a welcome, or the stream's live comment), which the client expects
 * first. Once greeted it gets the node's current banner, then what waited (a banner that waited is
 * dropped: the current one already says it), then everything as it comes. One loop only.
 */
final class Greeting {

  private final Consumer<Broadcast> writer;
  private List<Broadcast> waiting = new ArrayList<>();

  Greeting(Consumer<Broadcast> writer) {
    this.writer = writer;
  }

  void offer(Broadcast event) {
    if (waiting == null) {
      writer.accept(event);
    } else if (!GatewayVerticle.BANNER.equals(event.type())) {
      waiting.add(event);
    }
  }

  /** The greeting was written: the current banner ({@code bannerFrame}, null if none), then what waited. */
  void greeted(String bannerFrame) {
    List<Broadcast> held = waiting;
    if (held == null) {
      return;
    }
    waiting = null;
    if (bannerFrame != null) {
      writer.accept(new Broadcast(GatewayVerticle.BANNER, bannerFrame, null, true));
    }
    held.forEach(writer);
  }
}
