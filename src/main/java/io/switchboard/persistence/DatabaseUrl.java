package io.switchboard.persistence;

import io.vertx.pgclient.PgConnectOptions;

/** One Postgres URL seen both as Vert.x connect options and as a JDBC URL for migrations. */
public record DatabaseUrl(PgConnectOptions options) {

  public static DatabaseUrl parse(String url) {
    String normalized = url.startsWith("postgres://") ? "postgresql://" + url.substring("postgres://".length()) : url;
    return new DatabaseUrl(PgConnectOptions.fromUri(normalized));
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
  }

  public String user() {
    return options.getUser();
  }

  public String password() {
    return options.getPassword();
  }
}
