package io.switchboard.testing;

import io.switchboard.persistence.DatabaseUrl;
import io.switchboard.persistence.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.UUID;

/**
 * Real Postgres for tests. When {@code SWITCHBOARD_TEST_PG_URL} names a server (CI sets it when the
 * local Postgres answers), each call creates a fresh database there, named for this run, so no run
 * sees another's data. Otherwise one embedded Postgres is started per test JVM in a temporary folder.
 */
public final class TestDatabase {

  public static final String ENV = "SWITCHBOARD_TEST_PG_URL";
  private static final String RUN = Long.toString(System.currentTimeMillis(), 36) + UUID.randomUUID().toString().substring(0, 4);
  private static String serverUrl;
  private static int counter;

  private TestDatabase() {
  }

  /** A URL of an empty database of its own. */
  public static synchronized String freshDatabase() {
    try {
      if (serverUrl == null) {
        serverUrl = System.getenv(ENV);
        if (serverUrl == null || serverUrl.isBlank()) {
          Path dir = Files.createTempDirectory("switchboard-test-pg");
          EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0);
          Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
              db.close();
            } catch (Exception ignored) {
              // the JVM is exiting
            }
          }));
          serverUrl = db.url();
        }
      }
      DatabaseUrl server = DatabaseUrl.parse(serverUrl);
      String name = "sbt_" + RUN + "_" + (++counter);
      try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
          Statement st = c.createStatement()) {
        st.execute("CREATE DATABASE " + name);
      }
      var options = server.options();
      String auth = options.getUser() == null ? "" : options.getUser() + (options.getPassword() == null ? "" : ":" + options.getPassword()) + "@";
      return "postgresql://" + auth + options.getHost() + ":" + options.getPort() + "/" + name;
    } catch (Exception e) {
      throw new IllegalStateException("cannot prepare a test database: " + e, e);
    }
  }
}
