package io.switchboard.config;

import java.util.function.Function;

/**
 * One configuration key: its dotted name (as used in {@code conf/switchboard.json}), the environment
 * variable that overrides it, its default, a parser that validates and converts the raw text, and a
 * description shown in README.
 */
public record Setting<T>(String key, String env, String defaultValue, Function<String, T> parser, String description) {

  public T parse(String raw) {
    try {
      return parser.apply(raw);
    } catch (ConfigException e) {
      throw e;
    } catch (Parsers.Unechoed e) {
      throw new ConfigException(this, null, e.getMessage());
    } catch (RuntimeException e) {
      throw new ConfigException(this, raw, e.getMessage());
    }
  }
}
