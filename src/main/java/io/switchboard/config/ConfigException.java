package io.switchboard.config;

/** A setting that cannot be used; the message is the one line printed when start-up refuses. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(Setting<?> setting, String raw, String why) {
    super("configuration error: " + setting.env() + " (" + setting.key() + ") " + why
        + (raw == null ? "" : ", got \"" + raw + "\""));
  }
}
