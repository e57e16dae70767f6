package io.switchboard.domain.event;

import java.util.List;

/** One bounded chunk of user events, handed to every hub of the node in one event. */
public record UserEvents(List<UserEvent> events) {

  public UserEvents {
    events = List.copyOf(events);
  }
}
