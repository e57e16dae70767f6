package io.switchboard.persistence;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Versioned schema migrations from {@code db/migration}, applied with Flyway (blocking: worker thread only). */
public final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  public static void migrate(DatabaseUrl url) {
    Flyway flyway = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.user(), url.password())
        .locations("classpath:db/migration")
        .connectRetries(10)
        .load();
    MigrateResult result = flyway.migrate();
    log.atInfo().addKeyValue("applied", result.migrationsExecuted)
        .addKeyValue("version", result.targetSchemaVersion == null ? flyway.info().current().getVersion() : result.targetSchemaVersion)
        .log("schema migrated");
  }
}
