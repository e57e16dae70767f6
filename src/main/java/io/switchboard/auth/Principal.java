package io.switchboard.auth;

/** The authenticated caller of a request or socket. */
public record Principal(String userId, String sessionId, long tokenExpiresAtEpochSeconds, Grants grants) {

  public static final String KEY = "switchboard.principal";

  public boolean allows(String permission) {
    return grants.allows(permission);
  }
}
