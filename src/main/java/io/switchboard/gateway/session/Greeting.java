package io.switchboard.gateway.session;

import io.switchboard.domain.event.Broadcast;
import io.switchboard.gateway.GatewayVerticle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Frames for everyone ({@link Broadcast}) on a socket or stream that has not been greeted yet: they
 * wait for its first frame (a welcome, or the stream's live comment), which the client expects
 * first. Once greeted it gets the node's current banner (and a banner that waited, if newer), then
 * what waited, then everything as it comes. One loop only.
 */
final class Greeting {

  private final Consumer<Broadcast> writer;
  private List<Broadcast> waiting = new ArrayList<>();
  /** The newest banner that came before the greeting: sent after the node's current one if it is newer. */
  private Broadcast waitingBanner;

  Greeting(Consumer<Broadcast> writer) {
    this.writer = writer;
  }

  void offer(Broadcast event) {
    if (waiting == null) {
      writer.accept(event);
    } else if (GatewayVerticle.BANNER.equals(event.type())) {
      waitingBanner = event;
    } else {
      waiting.add(event);
    }
  }

  private static boolean newer(String frame, String than) {
    if (than == null) {
      return true;
    }
    return java.time.Instant.parse(new io.vertx.core.json.JsonObject(frame).getString("updatedAt"))
        .isAfter(java.time.Instant.parse(new io.vertx.core.json.JsonObject(than).getString("updatedAt")));
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
    // the node's current banner may not have taken in a change that already reached this socket
    if (waitingBanner != null && newer(waitingBanner.frame(), bannerFrame)) {
      writer.accept(waitingBanner);
    }
    waitingBanner = null;
    held.forEach(writer);
  }
}
