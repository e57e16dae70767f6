package io.switchboard.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.config.ConfigException;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.Test;

/** A Postgres URL's parameters reach both the reactive pool and Flyway's JDBC URL; the embedded binaries' platforms. */
class DatabaseUrlTest {

  @Test
  void sslParametersReachThePoolAndTheJdbcUrl() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://app:s3cret@db.example:6432/chat?sslmode=require&application_name=switchboard");
    assertThat(url.options().getSslMode()).isEqualTo(SslMode.REQUIRE);
    assertThat(url.options().getSslOptions().isTrustAll()).isTrue(); // libpq's require: encrypted, certificate not checked
    assertThat(url.options().getProperties()).containsEntry("application_name", "switchboard");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:6432/chat?sslmode=require&application_name=switchboard");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s3cret");
  }

  @Test
  void verifyFullChecksTheCertificateAndTheHostName() {
    DatabaseUrl url = DatabaseUrl.parse("postgres://app@db.example/chat?sslmode=verify-full&sslrootcert=/etc/ssl/pg-ca.pem");
    assertThat(url.options().getSslMode()).isEqualTo(SslMode.VERIFY_FULL);
    assertThat(url.options().getSslOptions().isTrustAll()).isFalse();
    assertThat(url.options().getSslOptions().getHostnameVerificationAlgorithm()).isEqualTo("HTTPS");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/chat?sslmode=verify-full&sslrootcert=/etc/ssl/pg-ca.pem");
  }

  @Test
  void credentialsInTheQueryStayOutOfTheJdbcUrl() {
    DatabaseUrl url = DatabaseUrl.parse("postgresql://db.example/chat?user=app&password=s3cret&sslmode=disable");
    assertThat(url.user()).isEqualTo("app");
    assertThat(url.password()).isEqualTo("s3cret");
    assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/chat?sslmode=disable");
  }

  @Test
  void aUrlWithoutParametersStaysPlain() {
    assertThat(DatabaseUrl.parse("postgresql://postgres@127.0.0.1:5432/test").jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/test");
  }

  @Test
  void embeddedPostgresIsBundledForLinuxAndMacOnX86AndArm() {
    assertThat(EmbeddedDatabase.platform("Linux", "amd64")).isEqualTo("linux-amd64");
    assertThat(EmbeddedDatabase.platform("Linux", "aarch64")).isEqualTo("linux-arm64v8");
    assertThat(EmbeddedDatabase.platform("Mac OS X", "x86_64")).isEqualTo("darwin-amd64");
    assertThat(EmbeddedDatabase.platform("Mac OS X", "aarch64")).isEqualTo("darwin-arm64v8");
    assertThat(EmbeddedDatabase.PLATFORMS).containsExactlyInAnyOrder("linux-amd64", "linux-arm64v8", "darwin-amd64", "darwin-arm64v8");
  }

  @Test
  void anyOtherPlatformIsRefusedInOneLineNamingThePgUrl() {
    assertThatThrownBy(() -> EmbeddedDatabase.platform("Windows 11", "amd64")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SWITCHBOARD_PG_URL").hasMessageContaining("Windows 11 amd64").hasMessageNotContaining("\n");
    assertThatThrownBy(() -> EmbeddedDatabase.platform("Linux", "ppc64le")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("SWITCHBOARD_PG_URL");
  }
}
