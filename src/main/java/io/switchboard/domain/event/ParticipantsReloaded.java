package io.switchboard.domain.event;

import java.util.Map;
import java.util.Set;

/**
 * The participants of the conversations this node holds sockets of, read back from Postgres after an
 * outage of the cluster link (removals published meanwhile may be lost): conversation id to the user
 * ids that take part now.
 */
public record ParticipantsReloaded(Map<String, Set<String>> participants) {
}
