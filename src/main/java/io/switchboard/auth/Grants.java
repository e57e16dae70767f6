package io.switchboard.auth;

import java.util.Set;

/** What a user may do right now: their permissions through groups, or everything as superuser. */
public record Grants(String userId, boolean superuser, boolean disabled, Set<String> permissions) {

  public boolean allows(String permission) {
    return !disabled && (superuser || permissions.contains(permission));
  }
}
