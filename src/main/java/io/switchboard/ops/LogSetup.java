package io.switchboard.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.util.FileSize;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Configures logback from the settings at start: text or JSON lines ({@code log.format}), standard
 * output or a file rolled by size ({@code log.file}), levels per logger ({@code log.levels}) and the
 * node and request ids in every line ({@link LogContext}). With an operator's own logback file
 * ({@code conf/logback.xml} or {@code -Dlogback.configurationFile}) only the ids and the levels are
 * added to what that file says.
 */
public final class LogSetup {

  public static final String TEXT_PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%thread] %logger{24} [%X{node} %X{requestId}] %msg %kvp%n%ex";

  /** Levels before the operator's: quiet libraries, and Micrometer's warning when Vert.x re-registers a gauge at start. */
  static final Map<String, String> BUILT_IN_LEVELS = Map.of(
      "io.netty", "warn",
      "org.flywaydb", "warn",
      "io.zonky", "warn",
      "io.vertx", "info",
      "io.micrometer.core.instrument.MeterRegistry", "error");

  private LogSetup() {
  }

  /** @param ownFile whether logback was configured from the operator's file (then format and file are theirs) */
  public static void configure(AppConfig config, boolean ownFile) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    if (!ownFile) {
      context.reset();
      OutputStreamAppender<ILoggingEvent> appender = config.isSet(Settings.LOG_FILE) ? file(context, config) : console(context);
      appender.setEncoder(encoder(context, config.get(Settings.LOG_FORMAT)));
      appender.start();
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
      context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(Level.INFO);
      BUILT_IN_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level)));
    }
    context.setName(config.nodeId());
    context.putProperty(LogContext.NODE, config.nodeId());
    context.getTurboFilterList().removeIf(f -> f instanceof LogContext);
    LogContext ids = new LogContext(config.nodeId());
    ids.setContext(context);
    ids.start();
    context.addTurboFilter(ids);
    Map<String, String> levels = config.get(Settings.LOG_LEVELS);
    new LinkedHashMap<>(levels == null ? Map.of() : levels).forEach((name, level) ->
        context.getLogger(name.equals("root") ? org.slf4j.Logger.ROOT_LOGGER_NAME : name).setLevel(Level.toLevel(level)));
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
    if ("json".equals(format)) {
      JsonEncoder json = new JsonEncoder();
      json.setContext(context);
      // one object per line: time, level, thread, logger, mdc (node, requestId), kvpList, message, throwable
      json.setWithSequenceNumber(false);
      json.setWithNanoseconds(false);
      json.setWithContext(false);
      json.setWithArguments(false);
      json.setWithMessage(false);
      json.setWithFormattedMessage(true);
      json.start();
      return json;
    }
    PatternLayoutEncoder text = new PatternLayoutEncoder();
    text.setContext(context);
    text.setPattern(TEXT_PATTERN);
    text.start();
    return text;
  }

  private static OutputStreamAppender<ILoggingEvent> console(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName("console");
    return console;
  }

  /** {@code log.file}, rolled over at {@code log.fileMaxSizeMb} to {@code file.1} … {@code file.N}. */
  private static OutputStreamAppender<ILoggingEvent> file(LoggerContext context, AppConfig config) {
    String path = config.get(Settings.LOG_FILE);
    RollingFileAppender<ILoggingEvent> file = new RollingFileAppender<>();
    file.setContext(context);
    file.setName("file");
    file.setFile(path);
    FixedWindowRollingPolicy rolling = new FixedWindowRollingPolicy();
    rolling.setContext(context);
    rolling.setParent(file);
    rolling.setFileNamePattern(path + ".%i");
    rolling.setMinIndex(1);
    rolling.setMaxIndex(config.get(Settings.LOG_FILE_COUNT));
    rolling.start();
    SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
    trigger.setContext(context);
    trigger.setMaxFileSize(new FileSize(config.get(Settings.LOG_FILE_MAX_SIZE_MB) * FileSize.MB_COEFFICIENT));
    trigger.start();
    file.setRollingPolicy(rolling);
    file.setTriggeringPolicy(trigger);
    return file;
  }
}
