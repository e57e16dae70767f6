package io.switchboard.domain.event;

/** A change to group membership or group permissions; {@code userId} null affects everyone. */
public record PermissionsChanged(String userId) {
}
