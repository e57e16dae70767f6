package io.switchboard.domain.event;

import io.switchboard.domain.Message;
import java.util.List;

/**
 * Messages committed together (one group commit), in commit order: seq order within each conversation.
 * {@code committedNanos} is {@link System#nanoTime()} when the commit was answered (the start of the
 * fan-out latency; comparable only within the node).
 */
public record StoredMessages(List<Message> messages, long committedNanos) {
}
