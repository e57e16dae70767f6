package io.switchboard.persistence.store;

import io.switchboard.auth.Grants;
import io.switchboard.domain.Page;
import io.switchboard.domain.User;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Users, their groups and what they may do. */
public final class UserStore {

  public record CreateUser(String username, String displayName, String passwordHash, boolean superuser, List<String> groups) {
  }

  /** What login needs: never leaves the server. */
  public record LoginRecord(String userId, String username, String passwordHash, boolean disabled) {
  }

  public record UpdateUser(String userId, String displayName, Boolean disabled, Boolean superuser) {
  }

  public record SetPassword(String userId, String passwordHash) {
  }

  public record SetAvatar(String userId, String mediaId) {
  }

  public record SetGroups(String userId, List<String> groups) {
  }

  public record Search(String query, String cursor, int limit) {
  }

  static final String SELECT_USER = """
      SELECT u.id, u.username, u.display_name, u.avatar_id, u.superuser, u.disabled, u.created_at,
             coalesce(array_agg(g.name ORDER BY g.name) FILTER (WHERE g.name IS NOT NULL), '{}') AS groups
        FROM users u
        LEFT JOIN user_groups ug ON ug.user_id = u.id
        LEFT JOIN groups g ON g.id = ug.group_id
      """;
  static final String BY_ID = SELECT_USER + " WHERE u.id = $1 GROUP BY u.id";
  static final String SEARCH = SELECT_USER + """
       WHERE ($1::text IS NULL OR lower(u.username) LIKE $1 OR lower(u.display_name) LIKE $1)
         AND ($2::text IS NULL OR lower(u.username) > $2)
       GROUP BY u.id
       ORDER BY lower(u.username)
       LIMIT $3""";
  static final String INSERT = "INSERT INTO users (id, username, display_name, password_hash, superuser) VALUES ($1, $2, $3, $4, $5)";
  static final String JOIN_GROUPS = "INSERT INTO user_groups (user_id, group_id) "
      + "SELECT $1, id FROM groups WHERE lower(name) = ANY($2) ON CONFLICT DO NOTHING";
  static final String LEAVE_GROUPS = "DELETE FROM user_groups WHERE user_id = $1";
  static final String COUNT_GROUPS = "SELECT count(*) AS n FROM groups WHERE lower(name) = ANY($1)";
  static final String LOGIN = "SELECT id, username, password_hash, disabled FROM users WHERE lower(username) = lower($1)";
  static final String UPDATE = """
      UPDATE users SET display_name = coalesce($2, display_name), disabled = coalesce($3, disabled),
             superuser = coalesce($4, superuser), updated_at = now()
       WHERE id = $1""";
  static final String SET_PASSWORD = "UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1";
  static final String LOCK_AVATAR = "SELECT avatar_id FROM users WHERE id = $1 FOR UPDATE";
  static final String SET_AVATAR = "UPDATE users SET avatar_id = $2, updated_at = now() WHERE id = $1";
  static final String DROP_MEDIA = "DELETE FROM media WHERE id = $1";
  static final String GRANTS = """
      SELECT u.superuser, u.disabled,
             coalesce(array_agg(DISTINCT gp.permission) FILTER (WHERE gp.permission IS NOT NULL), '{}') AS permissions
        FROM users u
        LEFT JOIN user_groups ug ON ug.user_id = u.id
        LEFT JOIN group_permissions gp ON gp.group_id = ug.group_id
       WHERE u.id = $1
       GROUP BY u.id""";

  private final Pool pool;

  public UserStore(Pool pool) {
    this.pool = pool;
  }

  public Future<User> create(CreateUser c) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT)
            .execute(Tuple.of(id, c.username(), c.displayName(), c.passwordHash(), c.superuser()))
            .compose(r -> joinGroups(conn, id, c.groups())))
        .recover(e -> Sql.conflictOnDuplicate(e, "username already taken"))
        .compose(v -> get(id.toString()));
  }

  private static Future<Void> joinGroups(SqlClient conn, UUID userId, List<String> groups) {
    String[] names = groups.stream().map(g -> g.toLowerCase(java.util.Locale.ROOT)).distinct().toArray(String[]::new);
    return conn.preparedQuery(COUNT_GROUPS).execute(Tuple.tuple().addArrayOfString(names)).compose(rows -> {
      long found = rows.iterator().next().getLong("n");
      if (found != names.length) {
        return Future.failedFuture(ApiException.validation("groups", "unknown group name"));
      }
      return conn.preparedQuery(JOIN_GROUPS).execute(Tuple.tuple().addUUID(userId).addArrayOfString(names)).mapEmpty();
    });
  }

  public Future<User> get(String userId) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(Sql.id(userId, "user"))).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ApiException.notFound("no such user"))
        : Future.succeededFuture(map(rows.iterator().next())));
  }

  /** The login record of a username, or null. */
  public Future<LoginRecord> findForLogin(String username) {
    return pool.preparedQuery(LOGIN).execute(Tuple.of(username)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new LoginRecord(r.getUUID("id").toString(), r.getString("username"), r.getString("password_hash"), r.getBoolean("disabled"));
    });
  }

  public Future<Page<User>> search(Search s) {
    String pattern = s.query() == null || s.query().isBlank() ? null
        : "%" + s.query().toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    String after = Sql.decodeCursor(s.cursor());
    return pool.preparedQuery(SEARCH).execute(Tuple.of(pattern, after, s.limit() + 1)).map(rows -> {
      List<User> users = new ArrayList<>();
      rows.forEach(r -> users.add(map(r)));
      boolean more = users.size() > s.limit();
      List<User> page = more ? users.subList(0, s.limit()) : users;
      String next = more ? Sql.encodeCursor(page.get(page.size() - 1).username().toLowerCase(java.util.Locale.ROOT)) : null;
      return new Page<>(List.copyOf(page), next);
    });
  }

  public Future<User> update(UpdateUser u) {
    return pool.preparedQuery(UPDATE).execute(Tuple.of(Sql.id(u.userId(), "user"), u.displayName(), u.disabled(), u.superuser()))
        .compose(r -> updated(r, u.userId()));
  }

  public Future<User> setPassword(SetPassword p) {
    return pool.preparedQuery(SET_PASSWORD).execute(Tuple.of(Sql.id(p.userId(), "user"), p.passwordHash()))
        .compose(r -> updated(r, p.userId()));
  }

  /** The new avatar replaces the old one, whose picture is deleted in the same transaction (the user's row locked first). */
  public Future<User> setAvatar(SetAvatar a) {
    UUID user = Sql.id(a.userId(), "user");
    UUID media = UUID.fromString(a.mediaId());
    return pool.withTransaction(conn -> conn.preparedQuery(LOCK_AVATAR).execute(Tuple.of(user)).compose(old -> {
      UUID previous = old.size() == 0 ? null : old.iterator().next().getUUID("avatar_id");
      return conn.preparedQuery(SET_AVATAR).execute(Tuple.of(user, media)).compose(r -> previous == null || previous.equals(media)
          ? Future.succeededFuture(r)
          : conn.preparedQuery(DROP_MEDIA).execute(Tuple.of(previous)).map(r));
    })).compose(r -> updated(r, a.userId()));
  }

  public Future<User> setGroups(SetGroups g) {
    UUID id = Sql.id(g.userId(), "user");
    return get(g.userId())
        .compose(u -> pool.withTransaction(conn -> conn.preparedQuery(LEAVE_GROUPS).execute(Tuple.of(id))
            .compose(r -> joinGroups(conn, id, g.groups()))))
        .compose(v -> get(g.userId()));
  }

  public Future<Grants> grants(String userId) {
    return pool.preparedQuery(GRANTS).execute(Tuple.of(Sql.id(userId, "user"))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("no such user"));
      }
      Row r = rows.iterator().next();
      Set<String> perms = new HashSet<>(List.of(r.getArrayOfStrings("permissions")));
      return Future.succeededFuture(new Grants(userId, r.getBoolean("superuser"), r.getBoolean("disabled"), Set.copyOf(perms)));
    });
  }

  private Future<User> updated(RowSet<Row> result, String userId) {
    return result.rowCount() == 0 ? Future.failedFuture(ApiException.notFound("no such user")) : get(userId);
  }

  static User map(Row r) {
    UUID avatar = r.getUUID("avatar_id");
    return new User(r.getUUID("id").toString(), r.getString("username"), r.getString("display_name"),
        avatar == null ? null : "/media/" + avatar, r.getBoolean("superuser"), r.getBoolean("disabled"),
        List.of(r.getArrayOfStrings("groups")), r.getOffsetDateTime("created_at"));
  }
}
