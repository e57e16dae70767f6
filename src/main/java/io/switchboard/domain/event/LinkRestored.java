package io.switchboard.domain.event;

/**
 * The link to the other nodes came back after an outage: events published meanwhile may be lost, so
 * every hub reads what it missed from Postgres. {@code downSinceEpochMillis} is when the link was
 * found down.
 */
public record LinkRestored(long downSinceEpochMillis, long atEpochMillis) {
}
