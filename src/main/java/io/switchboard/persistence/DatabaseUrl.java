package io.switchboard.persistence;

import io.vertx.core.net.ClientSSLOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * One Postgres URL seen both as Vert.x connect options and as a JDBC URL for migrations. Its query
 * parameters ({@code sslmode}, {@code sslrootcert}, {@code application_name}, …) reach both: the
 * reactive pool reads them through {@link PgConnectOptions#fromUri}, and the JDBC URL keeps them as
 * they were written, which pgjdbc reads with the same meaning as libpq.
 */
public record DatabaseUrl(PgConnectOptions options, String query) {

  public static DatabaseUrl parse(String url) {
    String normalized = url.startsWith("postgres://") ? "postgresql://" + url.substring("postgres://".length()) : url;
    int q = normalized.indexOf('?');
    String query = q < 0 ? "" : normalized.substring(q + 1);
    PgConnectOptions options = PgConnectOptions.fromUri(normalized);
    String rootCert = parameter(query, "sslrootcert");
    // libpq's meaning of the modes: require (and prefer, allow) encrypt without checking the
    // certificate; verify-ca checks it against sslrootcert (or the JVM's trust store); verify-full also the host name
    SslMode mode = options.getSslMode();
    if (mode == SslMode.REQUIRE || mode == SslMode.PREFER || mode == SslMode.ALLOW) {
      options.setSslOptions(new ClientSSLOptions().setTrustAll(true));
    } else if (mode == SslMode.VERIFY_CA || mode == SslMode.VERIFY_FULL) {
      ClientSSLOptions ssl = new ClientSSLOptions().setHostnameVerificationAlgorithm(mode == SslMode.VERIFY_FULL ? "HTTPS" : "");
      if (rootCert != null) {
        ssl.setTrustOptions(new PemTrustOptions().addCertPath(rootCert));
      }
      options.setSslOptions(ssl);
    }
    return new DatabaseUrl(options, withoutCredentials(query));
  }

  /** user and password go to Flyway on their own, never in a URL that a driver or Flyway might print. */
  private static String withoutCredentials(String query) {
    StringBuilder kept = new StringBuilder();
    for (String pair : query.split("&")) {
      String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
      if (!pair.isEmpty() && !name.equals("user") && !name.equals("password")) {
        kept.append(kept.isEmpty() ? "" : "&").append(pair);
      }
    }
    return kept.toString();
  }

  public String jdbcUrl() {
    return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase()
        + (query.isEmpty() ? "" : "?" + query);
  }

  public String user() {
    return options.getUser();
  }

  public String password() {
    return options.getPassword();
  }

  private static String parameter(String query, String name) {
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).equals(name)) {
        return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      }
    }
    return null;
  }
}
