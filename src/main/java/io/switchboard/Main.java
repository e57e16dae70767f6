package io.switchboard;

import io.switchboard.config.ConfigException;
import io.switchboard.config.ConfigLoader;
import io.switchboard.config.Settings;
import io.switchboard.ops.LogSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar switchboard.jar}: configuration, one node, and a SIGTERM hook. */
public final class Main {

  private Main() {
  }

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null && Files.exists(Path.of("conf/logback.xml"))) {
      System.setProperty("logback.configurationFile", "conf/logback.xml");
    }
    boolean ownLogbackFile = System.getProperty("logback.configurationFile") != null;
    ConfigLoader loader = new ConfigLoader(System.getenv(), Map.of());
    io.switchboard.config.AppConfig config;
    try {
      config = loader.load();
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    LogSetup.configure(config, ownLogbackFile);
    Logger log = LoggerFactory.getLogger(Main.class);
    loader.warnings().forEach(w -> log.warn(w));
    if (ownLogbackFile && (config.isSet(Settings.LOG_FILE) || !"text".equals(config.get(Settings.LOG_FORMAT)))) {
      log.warn("SWITCHBOARD_LOG_FORMAT and SWITCHBOARD_LOG_FILE are ignored: logging is configured by {}",
          System.getProperty("logback.configurationFile"));
    }

    CountDownLatch started = new CountDownLatch(1);
    Node[] node = new Node[1];
    Throwable[] failure = new Throwable[1];
    Node.start(config).onComplete(ar -> {
      node[0] = ar.result();
      failure[0] = ar.cause();
      started.countDown();
    });
    started.await();
    if (failure[0] != null) {
      Throwable cause = failure[0];
      if (cause instanceof ConfigException) {
        System.err.println(cause.getMessage());
      } else {
        log.error("start failed: {}", cause.toString(), cause);
        System.err.println("start failed: " + cause);
      }
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        node[0].stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("shutdown did not complete cleanly: {}", e.toString());
      }
    }, "switchboard-shutdown"));
  }
}
