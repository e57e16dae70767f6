package io.switchboard.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.MDC;
import org.slf4j.Marker;

/**
 * Puts the node id and the current request id ({@link RequestIds}) in the MDC of every log line,
 * whatever thread or logger writes it. Vert.x runs the work of many requests on one event-loop thread,
 * so a thread-local MDC set once per request would be wrong for the next callback; this filter runs
 * before each logging call and sets both from the Vert.x context the call runs on.
 */
public final class LogContext extends TurboFilter {

  public static final String NODE = "node";
  private final String node;

  public LogContext(String node) {
    this.node = node;
  }

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (!node.equals(MDC.get(NODE))) {
      MDC.put(NODE, node);
    }
    String id = RequestIds.current();
    String had = MDC.get(RequestIds.KEY);
    if (id == null) {
      if (had != null) {
        MDC.remove(RequestIds.KEY);
      }
    } else if (!id.equals(had)) {
      MDC.put(RequestIds.KEY, id);
    }
    return FilterReply.NEUTRAL;
  }
}
