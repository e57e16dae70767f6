package io.switchboard.domain.event;

/**
 * Something for one user's sockets and streams, wherever they are. {@code seq} orders events of a
 * user (a notification's per-user id; 0 for unordered ones); {@code frame} is the encoded server frame.
 */
public record UserEvent(String userId, long seq, String frame) {
}
