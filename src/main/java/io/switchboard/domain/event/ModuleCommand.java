package io.switchboard.domain.event;

import java.time.Instant;

/** A command for a module's socket (SPEC §7), {@code payload} any JSON value (decoded). */
public record ModuleCommand(String hash, Object payload) {

  /** The holding node wrote the frame {@code id} at {@code at}. */
  public record Delivered(String id, Instant at, String node) {
  }
}
