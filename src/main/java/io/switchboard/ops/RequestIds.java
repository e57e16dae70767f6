package io.switchboard.ops;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;

/**
 * The request id of the work running now. Vert.x runs each HTTP request (and each WebSocket of an
 * upgrade request) on a context of its own, a duplicate of its verticle's, so the id is kept in that
 * context's local data: every callback of the request (a database reply, an event-bus reply, a
 * socket frame) runs on the same context and sees it. {@link LogContext} puts it in the MDC of each log
 * line; {@code Bus} carries it in a header to the consumers of a request.
 */
public final class RequestIds {

  /** Name of the id in the MDC, in the access log and in event-bus headers. */
  public static final String KEY = "requestId";
  private static final Object LOCAL_KEY = new Object();

  private RequestIds() {
  }

  /** The id of the current context, or null (none, or not on a Vert.x thread). */
  public static String current() {
    return of(Vertx.currentContext());
  }

  public static String of(Context context) {
    return context instanceof ContextInternal internal && internal.isDuplicate() ? internal.getLocal(LOCAL_KEY) : null;
  }

  /**
   * Sets the id on {@code context} when it is a request's own (duplicated) context; a verticle's
   * shared context is left alone, since everything else it runs would carry the id too.
   */
  public static boolean set(Context context, String id) {
    if (context instanceof ContextInternal internal && internal.isDuplicate()) {
      internal.putLocal(LOCAL_KEY, id);
      return true;
    }
    return false;
  }

  /** A context of its own for work done for {@code id}: the current one if it is a request's, else a duplicate. */
  public static ContextInternal contextFor(Vertx vertx, String id) {
    ContextInternal current = (ContextInternal) vertx.getOrCreateContext();
    ContextInternal own = current.isDuplicate() && id.equals(of(current)) ? current : current.duplicate();
    own.putLocal(LOCAL_KEY, id);
    return own;
  }
}
