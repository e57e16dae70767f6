package io.switchboard.bus;

/**
 * A typed event-bus address: requests of type {@code Req} answered with {@code Res}. Every address
 * is declared in {@link Addresses}; nothing else names an address as a string.
 */
public record Address<Req, Res>(String name) {
}
