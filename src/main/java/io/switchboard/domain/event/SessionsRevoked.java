package io.switchboard.domain.event;

import java.util.List;

/**
 * Sessions that ended. {@code untilEpochMillis} is when their last access token expires anyway, after
 * which the revocation entry can be forgotten.
 */
public record SessionsRevoked(String userId, List<String> sessionIds, long untilEpochMillis, String reason) {
}
