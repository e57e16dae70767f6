package io.switchboard.cluster;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.ZModem;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which master of a Redis Cluster owns each of the 16,384 hash slots, read from {@code CLUSTER SLOTS}.
 * A channel's slot is the CRC16 of its name (or of its hash tag, the text between the first
 * {@code {}} and the {@code }} after it) mod 16384, as for keys. Endpoints are URLs carrying the
 * scheme, credentials and query of the node that was asked, so that every master is reached like
 * the seed nodes.
 */
record SlotMap(String[] owners) {

  static final int SLOTS = 16_384;

  static int slot(String channel) {
    return ZModem.generate(channel.getBytes(StandardCharsets.UTF_8));
  }

  String owner(String channel) {
    return owners[slot(channel)];
  }

  /** The masters, in slot order. */
  Set<String> masters() {
    Set<String> masters = new LinkedHashSet<>();
    for (String owner : owners) {
      masters.add(owner);
    }
    return masters;
  }

  /**
   * The map in a {@code CLUSTER SLOTS} answer of {@code asked}; fails when a slot has no master (the
   * cluster is being formed, or a shard lost its master and has no replica to take over).
   */
  static SlotMap parse(String asked, Response reply) {
    URI template = URI.create(asked);
    String[] owners = new String[SLOTS];
    for (int i = 0; i < reply.size(); i++) {
      Response range = reply.get(i);
      int start = range.get(0).toInteger();
      int end = range.get(1).toInteger();
      // [start, end, master, replica…]; a node is [host, port, id, …]; an empty host means the node that answered
      Response master = range.get(2);
      String host = master.get(0) == null || master.get(0).toString().isEmpty() || "?".equals(master.get(0).toString())
          ? template.getHost() : master.get(0).toString();
      String endpoint = endpoint(template, host, master.get(1).toInteger());
      for (int s = start; s <= end && s < SLOTS; s++) {
        owners[s] = endpoint;
      }
    }
    for (int s = 0; s < SLOTS; s++) {
      if (owners[s] == null) {
        throw new IllegalStateException("slot " + s + " has no master");
      }
    }
    return new SlotMap(owners);
  }

  private static String endpoint(URI template, String host, int port) {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return template.getScheme() + "://" + (template.getRawUserInfo() == null ? "" : template.getRawUserInfo() + "@") + h + ":" + port
        + (template.getRawQuery() == null ? "" : "?" + template.getRawQuery());
  }
}
