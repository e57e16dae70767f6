package io.switchboard.domain.event;

import io.switchboard.domain.Message;
import java.util.List;

/** Messages committed together (one group commit), in commit order: seq order within each conversation. */
public record StoredMessages(List<Message> messages) {
}
