package io.switchboard.persistence.store;

import io.switchboard.domain.Page;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The audit log: admin actions and every login attempt. */
public final class AuditStore {

  public static final String LOGIN_SUCCESS = "login.success";
  public static final String LOGIN_FAILURE = "login.failure";

  public record Entry(String actorId, String actorUsername, String action, String target, String ip, JsonObject details) {
  }

  public record Record(long id, String at, String actorId, String actorUsername, String action, String target, String ip,
      JsonObject details) {

    public JsonObject toJson() {
      return new JsonObject().put("id", String.valueOf(id)).put("at", at).put("actorId", actorId).put("actorUsername", actorUsername)
          .put("action", action).put("target", target).put("ip", ip).put("details", details);
    }
  }

  /** A page, newest first; {@code actor} (a username, any case) and {@code action} (exact, or a prefix such as {@code login}) narrow it. */
  public record Query(String cursor, int limit, String actor, String action) {
  }

  /** An entry without the actor's username takes it from the users table. */
  static final String INSERT = "INSERT INTO audit_log (actor_id, actor_username, action, target, ip, details) "
      + "VALUES ($1, coalesce($2, (SELECT username FROM users WHERE id = $1)), $3, $4, $5, $6)";
  static final String LIST = "SELECT id, at, actor_id, actor_username, action, target, ip, details FROM audit_log "
      + "WHERE ($1::bigint IS NULL OR id < $1) "
      + "AND ($3::text IS NULL OR lower(actor_username) = lower($3)) "
      + "AND ($4::text IS NULL OR action = $4 OR starts_with(action, $4 || '.')) "
      + "ORDER BY id DESC LIMIT $2";

  private final Pool pool;

  public AuditStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> record(Entry e) {
    UUID actor = e.actorId() == null ? null : UUID.fromString(e.actorId());
    return pool.preparedQuery(INSERT)
        .execute(Tuple.of(actor, e.actorUsername(), e.action(), e.target(), e.ip(), e.details() == null ? new JsonObject() : e.details()))
        .mapEmpty();
  }

  public Future<Page<Record>> list(Query q) {
    String decoded = Sql.decodeCursor(q.cursor());
    Long before;
    try {
      before = decoded == null ? null : Long.valueOf(decoded);
    } catch (NumberFormatException e) {
      throw io.switchboard.error.ApiException.validation("cursor", "not a cursor this server issued");
    }
    return pool.preparedQuery(LIST).execute(Tuple.of(before, q.limit() + 1, q.actor(), q.action())).map(rows -> {
      List<Record> records = new ArrayList<>();
      for (Row r : rows) {
        UUID actor = r.getUUID("actor_id");
        records.add(new Record(r.getLong("id"), Sql.iso(r.getOffsetDateTime("at")), actor == null ? null : actor.toString(),
            r.getString("actor_username"), r.getString("action"), r.getString("target"), r.getString("ip"),
            (JsonObject) r.getValue("details")));
      }
      boolean more = records.size() > q.limit();
      List<Record> page = more ? records.subList(0, q.limit()) : records;
      return new Page<>(List.copyOf(page), more ? Sql.encodeCursor(String.valueOf(page.get(page.size() - 1).id())) : null);
    });
  }
}
