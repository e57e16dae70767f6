package io.switchboard.bench;

import io.switchboard.testing.Accounts;
import io.switchboard.testing.Http;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starting Switchboard nodes as processes ({@code io.switchboard.Main}) and preparing users and rooms over HTTP. */
final class Switchboard {

  static final String JWT_SECRET = "bench-secret-bench-secret-bench-secret-0123456789";

  private Switchboard() {
  }

  /** The settings of one node; nodes given the same database and prefix form one cluster. */
  static Map<String, String> env(String nodeId, String pgUrl, String redisUrl, String redisPrefix, int port) {
    try {
      Map<String, String> env = new HashMap<>();
      env.put("SWITCHBOARD_NODE_ID", nodeId);
      env.put("SWITCHBOARD_PG_URL", pgUrl);
      env.put("SWITCHBOARD_REDIS_URL", redisUrl);
      env.put("SWITCHBOARD_REDIS_PREFIX", redisPrefix);
      env.put("SWITCHBOARD_HTTP_HOST", "127.0.0.1");
      env.put("SWITCHBOARD_HTTP_PORT", Integer.toString(port));
      env.put("SWITCHBOARD_DATA_DIR", Files.createTempDirectory("switchboard-bench").toString());
      env.put("SWITCHBOARD_RATE_BURST", "1000000");
      env.put("SWITCHBOARD_RATE_PER_SECOND", "1000000");
      env.put("SWITCHBOARD_WS_FRAME_BURST", "1000000");
      env.put("SWITCHBOARD_WS_FRAMES_PER_SECOND", "1000000");
      // every benchmark user signs up and in from 127.0.0.1
      env.put("SWITCHBOARD_AUTH_IP_BURST", "1000000");
      // and opens every socket from there too
      env.put("SWITCHBOARD_WS_UPGRADE_BURST", "10000000");
      env.put("SWITCHBOARD_WS_UPGRADES_PER_SECOND", "1000000");
      env.put("SWITCHBOARD_BCRYPT_COST", "4");
      env.put("SWITCHBOARD_ADMIN_PASSWORD", "admin-password");
      env.put("SWITCHBOARD_JWT_SECRET", JWT_SECRET);
      env.put("SWITCHBOARD_ACCESS_TOKEN_TTL_SECONDS", "86400");
      // -Dbench.env=KEY=VALUE,KEY=VALUE: more server settings, e.g. SWITCHBOARD_EVENT_LOOPS=1
      for (String pair : System.getProperty("bench.env", "").split(",")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
      }
      return env;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ServerProcess start(String name, Machine machine, List<String> jvmArgs, Map<String, String> env, Path logDir) {
    return ServerProcess.start(name, machine, jvmArgs, "io.switchboard.Main", List.of(), env,
        Integer.parseInt(env.get("SWITCHBOARD_HTTP_PORT")), "/health/ready", logDir);
  }

  /** Registers {@code count} users and answers their access tokens. */
  static List<String> users(Http http, String prefix, int count) {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tokens.add(Accounts.signUp(http, prefix + i).token());
    }
    return tokens;
  }

  /** Creates public rooms (as the admin) and makes every user a participant; answers the room ids. */
  static List<String> rooms(Http http, String prefix, int count, List<String> members) {
    String admin = Accounts.adminToken(http);
    List<String> ids = new ArrayList<>();
    for (int r = 0; r < count; r++) {
      Http.Response created = http.post("/api/conversations",
          new JsonObject().put("kind", "room").put("name", prefix + r).put("title", "bench " + r).put("public", true), admin);
      if (created.status() != 201) {
        throw new IllegalStateException("room not created: " + created);
      }
      String id = created.json().getString("id");
      for (String token : members) {
        Http.Response joined = http.post("/api/conversations/" + id + "/join", new JsonObject(), token);
        if (joined.status() / 100 != 2) {
          throw new IllegalStateException("join failed: " + joined);
        }
      }
      ids.add(id);
    }
    return ids;
  }
}
