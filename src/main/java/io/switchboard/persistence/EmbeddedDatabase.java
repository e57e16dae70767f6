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

  public static EmbeddedDatabase start(Path dataDir, int port) throws IOException {
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
