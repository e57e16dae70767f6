package io.switchboard.domain.event;

import java.util.List;

/**
 * One bounded chunk of user events, handed to every hub of the node in one event. When
 * {@code frameHead} is set, every event's frame is {@code frameHead + seq + frameTail} (one
 * notification to many users, each with their own id), so the chunk can travel between nodes as
 * users and seqs only.
 */
public record UserEvents(List<UserEvent> events, String frameHead, String frameTail) {

  public UserEvents {
    events = List.copyOf(events);
  }

  public UserEvents(List<UserEvent> events) {
    this(events, null, null);
  }

  public boolean templated() {
    return frameHead != null;
  }
}
