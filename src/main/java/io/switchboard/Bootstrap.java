package io.switchboard;

import io.switchboard.auth.PasswordHasher;
import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.switchboard.persistence.store.UserStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** First start: the bootstrap admin (SPEC §1), with a generated password printed once if none is configured. */
final class Bootstrap {

  private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);
  private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  private Bootstrap() {
  }

  static Future<Void> ensureAdmin(Vertx vertx, NodeContext node) {
    AppConfig config = node.config();
    String username = config.get(Settings.ADMIN_USERNAME);
    return Bus.request(vertx, Addresses.USER_FIND_LOGIN, username).compose(existing -> {
      if (existing != null) {
        return Future.succeededFuture();
      }
      String configured = config.get(Settings.ADMIN_PASSWORD);
      String password = configured != null ? configured : generate();
      return new PasswordHasher(vertx, node).hash(password)
          .compose(hash -> Bus.request(vertx, Addresses.USER_CREATE,
              new UserStore.CreateUser(username, username, hash, true, List.of("admin", "member"))))
          .onSuccess(u -> {
            if (configured == null) {
              // Printed once, to standard output, so it does not linger in log files.
              System.out.println("Bootstrap admin created: username \"" + username + "\" password \"" + password + "\"");
            }
            log.atInfo().addKeyValue("username", username).log("bootstrap admin created");
          })
          .recover(e -> e instanceof io.switchboard.error.ApiException api && api.status() == 409
              ? Future.succeededFuture() : Future.failedFuture(e))
          .mapEmpty();
    });
  }

  private static String generate() {
    SecureRandom random = new SecureRandom();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
