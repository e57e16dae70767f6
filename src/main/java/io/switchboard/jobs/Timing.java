package io.switchboard.jobs;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.switchboard.domain.Schedule;
import io.switchboard.error.ApiException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** When a schedule's next tick is: a fixed interval, or a Unix cron expression (5 fields, UTC) parsed by cron-utils. */
public final class Timing {

  public static final int MAX_INTERVAL_SECONDS = 31 * 24 * 3600;
  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private Timing() {
  }

  public static void validateInterval(int seconds) {
    if (seconds <= 0 || seconds > MAX_INTERVAL_SECONDS) {
      throw ApiException.validation("intervalSeconds", "must be between 1 and " + MAX_INTERVAL_SECONDS);
    }
  }

  public static ExecutionTime cron(String expression) {
    try {
      return ExecutionTime.forCron(PARSER.parse(expression.trim()));
    } catch (IllegalArgumentException e) {
      throw ApiException.validation("cron", "not a valid 5-field cron expression: " + e.getMessage());
    }
  }

  /** The first tick after {@code tick} that is in the future (missed ticks are skipped, not replayed). */
  public static OffsetDateTime next(Schedule s, OffsetDateTime tick, OffsetDateTime now) {
    if (s.cron() != null) {
      return nextCron(s.cron(), now);
    }
    OffsetDateTime next = tick.plusSeconds(s.intervalSeconds());
    return next.isAfter(now) ? next : now.plusSeconds(s.intervalSeconds());
  }

  public static OffsetDateTime nextCron(String expression, OffsetDateTime after) {
    ZonedDateTime from = after.atZoneSameInstant(ZoneOffset.UTC);
    return cron(expression).nextExecution(from)
        .map(ZonedDateTime::toOffsetDateTime)
        .orElseThrow(() -> ApiException.validation("cron", "has no future execution"));
  }
}
