package io.switchboard.domain.event;

/**
 * A frame for everyone's notification sockets and streams, on every node (SPEC §6 "banner and
 * module events"), and with {@code chatSockets} for their conversation sockets too (the banner):
 * {@code type} names it on SSE ({@code event:}); only users whose current grants allow
 * {@code permission} get it (null: every signed-in user).
 */
public record Broadcast(String type, String frame, String permission, boolean chatSockets) {
}
