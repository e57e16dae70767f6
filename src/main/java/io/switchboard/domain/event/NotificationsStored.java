package io.switchboard.domain.event;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * A committed notification and every recipient with the id it has for them (their per-user seq),
 * as the store's insert statements returned them: the push needs nothing read back per user.
 */
public record NotificationsStored(String title, String body, String data, OffsetDateTime createdAt, List<Recipient> recipients) {

  public record Recipient(String userId, long id) {
  }

  public NotificationsStored {
    recipients = List.copyOf(recipients);
  }
}
