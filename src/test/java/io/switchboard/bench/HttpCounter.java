package io.switchboard.bench;

import io.switchboard.testing.Http;

/**
 * The soak's HTTP calls: each tried on one node, then on the other when the first does not answer,
 * counted, with every 5xx counted apart from a 503 while a fault is on (or in the
 * {@link SoakFaults#GRACE_SECONDS} after it), which is the refusal the server documents.
 */
final class HttpCounter {

  private final Http[] nodes;
  private final SoakFaults faults;
  private int next;
  private long requests;
  private long serverErrors;
  private long unavailable;
  private long unreachable;
  private String firstError;

  HttpCounter(int[] ports, SoakFaults faults) {
    this.nodes = new Http[ports.length];
    for (int i = 0; i < ports.length; i++) {
      nodes[i] = new Http(ports[i]);
    }
    this.faults = faults;
  }

  /** POSTs to a node (the next in turn, the other if it does not answer); null when none answered. */
  synchronized Http.Response post(String path, Object json, String token) {
    requests++;
    for (int k = 0; k < nodes.length; k++) {
      Http node = nodes[next++ % nodes.length];
      Http.Response r;
      try {
        r = node.post(path, json, token);
      } catch (RuntimeException e) {
        continue;
      }
      if (r.status() == 503 && faults.faultOnOrRecent()) {
        unavailable++;
      } else if (r.status() >= 500) {
        serverErrors++;
        if (firstError == null) {
          firstError = path + " answered " + r;
        }
      }
      return r;
    }
    unreachable++;
    return null;
  }

  /** Requests made elsewhere (the module registrations). */
  synchronized void count(long n) {
    requests += n;
  }

  synchronized long requests() {
    return requests;
  }

  synchronized long serverErrors() {
    return serverErrors;
  }

  synchronized long unavailableDuringFaults() {
    return unavailable;
  }

  synchronized long unreachable() {
    return unreachable;
  }

  synchronized String firstError() {
    return firstError;
  }
}
