package io.switchboard.domain.event;

import java.time.Instant;

/** A module went online or offline (SPEC §7); published on the node that wrote the change. */
public record ModuleChanged(String hash, String name, boolean online, Instant at) {
}
