package io.switchboard.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.switchboard.Main;
import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.switchboard.testing.TestNode;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Start-up: refusing bad configuration in one line, and embedded Postgres data surviving a restart. */
class StartupTest {

  @Test
  void prodProfileWithoutSecretRefusesToStart() throws Exception {
    Result r = runMain(Map.of("SWITCHBOARD_PROFILE", "prod"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip().lines()).hasSize(1);
    assertThat(r.stderr).contains("SWITCHBOARD_JWT_SECRET").contains("prod");
  }

  @Test
  void prodProfileWithShortOrDevelopmentSecretRefusesToStart() throws Exception {
    assertThat(runMain(Map.of("SWITCHBOARD_PROFILE", "prod", "SWITCHBOARD_JWT_SECRET", "short")).stderr).contains("at least 32 bytes");
    assertThat(runMain(Map.of("SWITCHBOARD_PROFILE", "prod", "SWITCHBOARD_JWT_SECRET",
        io.switchboard.config.ConfigLoader.DEVELOPMENT_SECRET)).stderr).contains("development default");
  }

  @Test
  void prodProfileWithCheapPasswordHashesRefusesToStart() throws Exception {
    Result r = runMain(Map.of("SWITCHBOARD_PROFILE", "prod", "SWITCHBOARD_JWT_SECRET", "a-production-secret-of-at-least-32-bytes",
        "SWITCHBOARD_BCRYPT_COST", "9", "SWITCHBOARD_METRICS_TOKEN", "a-metrics-token"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip().lines()).hasSize(1);
    assertThat(r.stderr).contains("SWITCHBOARD_BCRYPT_COST").contains("10").contains("prod");
  }

  @Test
  void prodProfileWithOpenMetricsRefusesToStart() throws Exception {
    Result r = runMain(Map.of("SWITCHBOARD_PROFILE", "prod", "SWITCHBOARD_JWT_SECRET", "a-production-secret-of-at-least-32-bytes"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip().lines()).hasSize(1);
    assertThat(r.stderr).contains("SWITCHBOARD_MANAGEMENT_PORT").contains("SWITCHBOARD_METRICS_TOKEN").contains("prod");
  }

  @Test
  void badSettingIsNamedInOneLine() throws Exception {
    Result r = runMain(Map.of("SWITCHBOARD_HTTP_PORT", "eighty"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip().lines()).hasSize(1);
    assertThat(r.stderr).contains("SWITCHBOARD_HTTP_PORT").contains("eighty");
  }

  @Test
  void aListOfRedisUrlsWithoutClusterModeIsNamedInOneLine() throws Exception {
    Result r = runMain(Map.of("SWITCHBOARD_REDIS_URL", "redis://a:1,redis://b:2"));
    assertThat(r.exit).isEqualTo(2);
    assertThat(r.stderr.strip().lines()).hasSize(1);
    assertThat(r.stderr).contains("SWITCHBOARD_REDIS_URL").contains("SWITCHBOARD_REDIS_MODE=cluster");
    Result malformed = runMain(Map.of("SWITCHBOARD_REDIS_MODE", "cluster", "SWITCHBOARD_REDIS_URL", "redis://a:1,redis//b:2"));
    assertThat(malformed.exit).isEqualTo(2);
    assertThat(malformed.stderr.strip().lines()).hasSize(1);
    assertThat(malformed.stderr).contains("SWITCHBOARD_REDIS_URL").contains("redis//b:2");
  }

  @Test
  void generatedDevelopmentSecretIsReadableByItsOwnerOnly() throws Exception {
    Path dir = Files.createTempDirectory("switchboard-secret");
    Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews().contains("posix"), "needs a POSIX file system");
    try (TestNode node = TestNode.start(Map.of("SWITCHBOARD_JWT_SECRET", "", "SWITCHBOARD_DATA_DIR", dir.toString()))) {
      Path secret = dir.resolve("jwt-dev-secret");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
      assertThat(Files.readString(secret).strip()).hasSizeGreaterThanOrEqualTo(32);
      // the node signs with it
      assertThat(node.http().get("/api/me", Accounts.adminToken(node.http())).status()).isEqualTo(200);
    }
  }

  @Test
  void embeddedDataSurvivesRestart() throws Exception {
    Map<String, String> settings = TestNode.defaults(); // no SWITCHBOARD_PG_URL: embedded Postgres under the data dir
    JsonObject user = new JsonObject().put("username", "keeper").put("password", "keeper-password");
    try (TestNode first = TestNode.startWith(settings)) {
      assertThat(first.http().post("/api/auth/register", user).status()).isEqualTo(201);
    }
    assertThat(new File(settings.get("SWITCHBOARD_DATA_DIR"), "pg/PG_VERSION")).exists();
    try (TestNode second = TestNode.startWith(settings)) {
      Http http = second.http();
      assertThat(http.get("/health/ready").status()).isEqualTo(200);
      Http.Response login = http.post("/api/auth/login", user);
      assertThat(login.status()).isEqualTo(200);
      assertThat(login.json().getJsonObject("user").getString("username")).isEqualTo("keeper");
      assertThat(http.post("/api/auth/register", user).status()).isEqualTo(409);
    }
  }

  private record Result(int exit, String stderr) {
  }

  private static Result runMain(Map<String, String> env) throws Exception {
    File err = File.createTempFile("switchboard-main", ".err");
    File dir = Files.createTempDirectory("switchboard-main").toFile();
    ProcessBuilder pb = new ProcessBuilder(List.of(
        System.getProperty("java.home") + "/bin/java", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    pb.environment().keySet().removeIf(k -> k.startsWith("SWITCHBOARD_"));
    pb.environment().putAll(env);
    pb.environment().put("SWITCHBOARD_DATA_DIR", dir.getAbsolutePath());
    pb.directory(dir);
    pb.redirectError(err);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the server started instead of refusing");
    }
    return new Result(p.exitValue(), Files.readString(err.toPath(), StandardCharsets.UTF_8));
  }
}
