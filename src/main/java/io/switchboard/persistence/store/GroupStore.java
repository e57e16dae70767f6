package io.switchboard.persistence.store;

import io.switchboard.domain.Group;
import io.switchboard.domain.Page;
import io.switchboard.domain.Permission;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** Groups and the permissions they grant. */
public final class GroupStore {

  /** The groups created by the first migration; users and bootstrap refer to them by name. */
  public static final UUID ADMIN_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");
  public static final UUID MEMBER_ID = UUID.fromString("00000000-0000-0000-0000-000000000002");

  public record CreateGroup(String name, String description, List<String> permissions) {
  }

  public record UpdateGroup(String groupId, String name, String description) {
  }

  public record SetPermissions(String groupId, List<String> permissions) {
  }

  public record Query(String cursor, int limit) {
  }

  static final String SELECT_GROUP = """
      SELECT g.id, g.name, g.description, g.created_at,
             coalesce((SELECT array_agg(gp.permission ORDER BY gp.permission) FROM group_permissions gp
                        WHERE gp.group_id = g.id), '{}') AS permissions,
             (SELECT count(*) FROM user_groups ug WHERE ug.group_id = g.id) AS members
        FROM groups g
      """;
  static final String BY_ID = SELECT_GROUP + " WHERE g.id = $1";
  static final String BY_NAMES = SELECT_GROUP + " WHERE lower(g.name) = ANY($1)";
  static final String LIST = SELECT_GROUP + " WHERE ($1::text IS NULL OR lower(g.name) > $1) ORDER BY lower(g.name) LIMIT $2";
  static final String INSERT = "INSERT INTO groups (id, name, description) VALUES ($1, $2, $3)";
  static final String UPDATE = "UPDATE groups SET name = coalesce($2, name), description = coalesce($3, description) WHERE id = $1";
  static final String DELETE = "DELETE FROM groups WHERE id = $1";
  static final String KNOWN_PERMISSIONS = "SELECT name FROM permissions WHERE name = ANY($1)";
  static final String CLEAR_PERMISSIONS = "DELETE FROM group_permissions WHERE group_id = $1";
  static final String GRANT = "INSERT INTO group_permissions (group_id, permission) SELECT $1::uuid, unnest($2::text[])";
  static final String ALL_PERMISSIONS = "SELECT name, description FROM permissions ORDER BY name";

  private final Pool pool;

  public GroupStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Page<Group>> list(Query q) {
    String after = Sql.decodeCursor(q.cursor());
    return pool.preparedQuery(LIST).execute(Tuple.of(after, q.limit() + 1)).map(rows -> {
      List<Group> groups = new ArrayList<>();
      rows.forEach(r -> groups.add(map(r)));
      boolean more = groups.size() > q.limit();
      List<Group> page = more ? groups.subList(0, q.limit()) : groups;
      String next = more ? Sql.encodeCursor(page.get(page.size() - 1).name().toLowerCase(java.util.Locale.ROOT)) : null;
      return new Page<>(List.copyOf(page), next);
    });
  }

  public Future<Group> get(String groupId) {
    return pool.preparedQuery(BY_ID).execute(Tuple.of(Sql.id(groupId, "group"))).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ApiException.notFound("no such group"))
        : Future.succeededFuture(map(rows.iterator().next())));
  }

  public Future<List<Group>> byNames(List<String> names) {
    String[] lower = names.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).distinct().toArray(String[]::new);
    return pool.preparedQuery(BY_NAMES).execute(Tuple.tuple().addArrayOfString(lower)).compose(rows -> {
      if (rows.size() != lower.length) {
        return Future.failedFuture(ApiException.validation("groups", "unknown group name"));
      }
      List<Group> groups = new ArrayList<>();
      rows.forEach(r -> groups.add(map(r)));
      return Future.succeededFuture(List.copyOf(groups));
    });
  }

  public Future<Group> create(CreateGroup c) {
    UUID id = UUID.randomUUID();
    return pool.withTransaction(conn -> conn.preparedQuery(INSERT).execute(Tuple.of(id, c.name(), c.description()))
            .compose(r -> grant(conn, id, c.permissions())))
        .recover(e -> Sql.conflictOnDuplicate(e, "a group with that name exists"))
        .compose(v -> get(id.toString()));
  }

  public Future<Group> update(UpdateGroup u) {
    UUID id = Sql.id(u.groupId(), "group");
    return get(u.groupId()).compose(current -> {
      if (current.builtin() && u.name() != null && !u.name().equals(current.name())) {
        return Future.failedFuture(ApiException.conflict("the built-in group " + current.name() + " cannot be renamed"));
      }
      return pool.preparedQuery(UPDATE).execute(Tuple.of(id, u.name(), u.description()))
          .recover(e -> Sql.conflictOnDuplicate(e, "a group with that name exists"))
          .compose(r -> get(u.groupId()));
    });
  }

  /** Deletes a group (its members leave it); answers the deleted group. */
  public Future<Group> delete(String groupId) {
    UUID id = Sql.id(groupId, "group");
    if (id.equals(ADMIN_ID) || id.equals(MEMBER_ID)) {
      return Future.failedFuture(ApiException.conflict("the built-in groups admin and member cannot be deleted"));
    }
    return get(groupId).compose(g -> pool.preparedQuery(DELETE).execute(Tuple.of(id)).map(g));
  }

  public Future<Group> setPermissions(SetPermissions s) {
    UUID id = Sql.id(s.groupId(), "group");
    return get(s.groupId())
        .compose(g -> pool.withTransaction(conn -> conn.preparedQuery(CLEAR_PERMISSIONS).execute(Tuple.of(id))
            .compose(r -> grant(conn, id, s.permissions()))))
        .compose(v -> get(s.groupId()));
  }

  public Future<List<Permission>> permissions() {
    return pool.query(ALL_PERMISSIONS).execute().map(rows -> {
      List<Permission> list = new ArrayList<>();
      rows.forEach(r -> list.add(new Permission(r.getString("name"), r.getString("description"))));
      return List.copyOf(list);
    });
  }

  private static Future<Void> grant(SqlClient conn, UUID groupId, List<String> permissions) {
    String[] names = new LinkedHashSet<>(permissions == null ? List.<String>of() : permissions).toArray(String[]::new);
    if (names.length == 0) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(KNOWN_PERMISSIONS).execute(Tuple.tuple().addArrayOfString(names)).compose(rows -> {
      Set<String> known = new HashSet<>();
      rows.forEach(r -> known.add(r.getString("name")));
      for (String name : names) {
        if (!known.contains(name)) {
          return Future.failedFuture(ApiException.validation("permissions", "unknown permission " + name));
        }
      }
      return conn.preparedQuery(GRANT).execute(Tuple.tuple().addUUID(groupId).addArrayOfString(names)).mapEmpty();
    });
  }

  static Group map(Row r) {
    UUID id = r.getUUID("id");
    return new Group(id.toString(), r.getString("name"), r.getString("description"), List.of(r.getArrayOfStrings("permissions")),
        r.getLong("members"), id.equals(ADMIN_ID) || id.equals(MEMBER_ID), r.getOffsetDateTime("created_at"));
  }
}
