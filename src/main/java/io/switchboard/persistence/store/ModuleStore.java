package io.switchboard.persistence.store;

import io.switchboard.domain.Module;
import io.switchboard.domain.Page;
import io.switchboard.domain.event.ModuleChanged;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Modules (SPEC §7) and who holds their sockets. Every statement that turns a module online or
 * offline also queues its webhook alert, in the same statement (so in the same transaction): with
 * a coalescing window, into the module's queued and untried alert job if there is one (its payload
 * becomes the latest state), else a new job due when the window ends.
 */
public final class ModuleStore {

  public record Register(String name, String description, String missionKind, String dataRequirement, boolean dataRequirementJson) {
  }

  /** The socket {@code connection} on {@code node} takes the module over. */
  public record Connect(String hash, String node, String connection) {
  }

  /**
   * The module's row now names the new socket. {@code previousNode}/{@code previousConnection}: the
   * socket it replaced (null if none); {@code change}: set when the module was offline before.
   */
  public record Connected(String hash, String name, String previousNode, String previousConnection, ModuleChanged change) {
  }

  /** The socket {@code connection} closed; its last heartbeat seen in memory. */
  public record Disconnect(String hash, String connection, Instant lastHeartbeat) {
  }

  public record Beat(String hash, String connection, Instant at) {
  }

  /** Of the connections whose beats were written: those still holding their row, and those another connection replaced. */
  public record Written(Set<String> held, Set<String> replaced) {
  }

  public record Heartbeats(List<Beat> beats) {
  }

  public record Deleted(String hash, String node, String connection, ModuleChanged change) {
  }

  public record Query(Boolean online, String q, String cursor, int limit) {
  }

  /** Changes a statement made, for the caller to announce. */
  public record Changes(List<ModuleChanged> changes) {
  }

  static final String COLUMNS = "hash, name, description, mission_kind, data_requirement, data_requirement_json, online, node, "
      + "connection, last_heartbeat, registered_at";
  static final String REGISTER = """
      INSERT INTO modules (hash, name, description, mission_kind, data_requirement, data_requirement_json)
      VALUES ($1, $2, $3, $4, $5, $6)
      ON CONFLICT (name) DO UPDATE SET description = EXCLUDED.description, mission_kind = EXCLUDED.mission_kind,
        data_requirement = EXCLUDED.data_requirement, data_requirement_json = EXCLUDED.data_requirement_json, updated_at = now()
      RETURNING hash""";
  static final String FIND = "SELECT " + COLUMNS + " FROM modules WHERE hash = $1";
  static final String ONLINE = "SELECT " + COLUMNS + " FROM modules WHERE online AND ($1::text IS NULL OR hash = $1) ORDER BY name";
  static final String LIST = "SELECT " + COLUMNS + " FROM modules WHERE ($1::boolean IS NULL OR online = $1) "
      + "AND ($2::text IS NULL OR lower(name) LIKE $2 OR lower(description) LIKE $2) AND ($3::text IS NULL OR name > $3) "
      + "ORDER BY name LIMIT $4";
  /**
   * Writes the heartbeats of the connections that still hold their module's row; answers, for each
   * beat whose module row names a connection, whether it names this one ({@code held}) or another
   * ({@code replaced}: a second socket took the module over, so the first is closed as replaced, not
   * as silent). The rows are locked first, in hash order, and both the write and the answer read the
   * locked (newest committed) version: a socket that takes a row over while this runs is seen, so a
   * replaced beat is never answered as neither held nor replaced. The time only moves forward.
   */
  static final String HEARTBEATS = """
      WITH v AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS v(hash, connection, at)),
      cur AS (SELECT hash, connection FROM modules WHERE hash = ANY($1::text[]) ORDER BY hash FOR NO KEY UPDATE),
      written AS (UPDATE modules m SET last_heartbeat = GREATEST(m.last_heartbeat, v.at)
                    FROM v JOIN cur ON cur.hash = v.hash AND cur.connection = v.connection
                   WHERE m.hash = v.hash
                  RETURNING m.hash)
      SELECT v.connection, cur.connection = v.connection AS held FROM v JOIN cur ON cur.hash = v.hash
       WHERE cur.connection IS NOT NULL""";

  /**
   * The alert of each row of the CTE {@code changed (hash, name, online, at)}, parameters
   * {@code $first} (webhook URL, null = no alert), {@code $first+1} (max attempts) and
   * {@code $first+2} (coalescing seconds, 0 = none).
   */
  static String alerts(int first) {
    String url = "$" + first;
    String attempts = "$" + (first + 1);
    String window = "$" + (first + 2);
    return """
        alerts AS (
          INSERT INTO jobs (id, kind, payload, max_attempts, next_attempt_at, coalesce_key)
          SELECT gen_random_uuid(), 'webhook',
                 jsonb_build_object('url', %1$s::text, 'body', jsonb_build_object('hash', c.hash, 'name', c.name,
                   'online', c.online, 'at', to_char(c.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))),
                 %2$s::int, now() + make_interval(secs => %3$s::int),
                 CASE WHEN %3$s::int > 0 THEN 'module:' || c.hash END
            FROM changed c
           WHERE %1$s::text IS NOT NULL
          ON CONFLICT (coalesce_key) WHERE status = 'queued' AND attempts = 0
          DO UPDATE SET payload = EXCLUDED.payload, updated_at = now()
          RETURNING 1)""".formatted(url, attempts, window);
  }

  static final String CONNECT = """
      WITH old AS (SELECT hash, name, online, node, connection FROM modules WHERE hash = $1 FOR UPDATE),
      upd AS (UPDATE modules m SET online = true, node = $2, connection = $3, last_heartbeat = now()
                FROM old WHERE m.hash = old.hash RETURNING m.hash),
      changed AS (SELECT hash, name, true AS online, now() AS at FROM old WHERE NOT online),
      """ + alerts(4) + """

      SELECT old.name, old.online, old.node, old.connection, now() AS at FROM old""";
  static final String DISCONNECT = """
      WITH gone AS (UPDATE modules SET online = false, node = NULL, connection = NULL,
                           last_heartbeat = GREATEST(last_heartbeat, $3)
                     WHERE hash = $1 AND connection = $2 RETURNING hash, name),
      changed AS (SELECT hash, name, false AS online, now() AS at FROM gone),
      """ + alerts(4) + """

      SELECT hash, name, now() AS at FROM gone""";
  /**
   * Sets offline the modules whose last written heartbeat is too old. It locks them first, in hash
   * order as the heartbeat flush does, skipping the rows a flush holds (those are alive), so the two
   * cannot deadlock; the update then checks each locked row's newest version again.
   */
  static final String EXPIRE = """
      WITH due AS (SELECT hash FROM modules WHERE online AND last_heartbeat < now() - make_interval(secs => $1::int)
                    ORDER BY hash FOR NO KEY UPDATE SKIP LOCKED),
      gone AS (UPDATE modules m SET online = false, node = NULL, connection = NULL FROM due
                WHERE m.hash = due.hash AND m.online AND m.last_heartbeat < now() - make_interval(secs => $1::int)
               RETURNING m.hash, m.name),
      changed AS (SELECT hash, name, false AS online, now() AS at FROM gone),
      """ + alerts(2) + """

      SELECT hash, name, now() AS at FROM gone""";
  static final String DELETE = """
      WITH gone AS (DELETE FROM modules WHERE hash = $1 RETURNING hash, name, online, node, connection),
      changed AS (SELECT hash, name, false AS online, now() AS at FROM gone WHERE online),
      """ + alerts(2) + """

      SELECT hash, name, online, node, connection, now() AS at FROM gone""";

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Pool pool;
  private final String webhookUrl;
  private final int maxAttempts;
  private final int coalesceSeconds;

  /** {@code webhookUrl} null: no alerts are queued. */
  public ModuleStore(Pool pool, String webhookUrl, int maxAttempts, int coalesceSeconds) {
    this.pool = pool;
    this.webhookUrl = webhookUrl;
    this.maxAttempts = maxAttempts;
    this.coalesceSeconds = coalesceSeconds;
  }

  /** Registers (or, for a known name, updates) a module; answers its hash. */
  public Future<String> register(Register r) {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return pool.preparedQuery(REGISTER)
        .execute(Tuple.of(HexFormat.of().formatHex(bytes), r.name(), r.description(), r.missionKind(), r.dataRequirement(),
            r.dataRequirementJson()))
        .map(rows -> rows.iterator().next().getString("hash"));
  }

  /** The module, or 404. */
  public Future<Module> find(String hash) {
    return pool.preparedQuery(FIND).execute(Tuple.of(hash)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ApiException.notFound("no such module"))
        : Future.succeededFuture(map(rows.iterator().next())));
  }

  /** The modules online now (or only {@code hash}'s, if given), by name. */
  public Future<List<Module>> online(String hash) {
    return pool.preparedQuery(ONLINE).execute(Tuple.of(hash)).map(ModuleStore::mapAll);
  }

  public Future<Page<Module>> list(Query q) {
    String pattern = q.q() == null || q.q().isBlank() ? null
        : "%" + q.q().toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
    String after = Sql.decodeCursor(q.cursor());
    return pool.preparedQuery(LIST).execute(Tuple.of(q.online(), pattern, after, q.limit() + 1)).map(rows -> {
      List<Module> all = mapAll(rows);
      boolean more = all.size() > q.limit();
      List<Module> page = more ? all.subList(0, q.limit()) : all;
      return new Page<>(List.copyOf(page), more ? Sql.encodeCursor(page.get(page.size() - 1).name()) : null);
    });
  }

  /** The socket takes the module over; 404 for an unknown hash. */
  public Future<Connected> connect(Connect c) {
    return pool.preparedQuery(CONNECT).execute(alertArgs(Tuple.of(c.hash(), c.node(), c.connection()))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("no such module"));
      }
      Row r = rows.iterator().next();
      boolean wasOnline = r.getBoolean("online");
      ModuleChanged change = wasOnline ? null : new ModuleChanged(c.hash(), r.getString("name"), true, instant(r));
      return Future.succeededFuture(new Connected(c.hash(), r.getString("name"), r.getString("node"), r.getString("connection"), change));
    });
  }

  /** The socket closed: offline, unless another socket took the module over meanwhile. */
  public Future<Changes> disconnect(Disconnect d) {
    OffsetDateTime last = d.lastHeartbeat().atOffset(ZoneOffset.UTC);
    return pool.preparedQuery(DISCONNECT).execute(alertArgs(Tuple.of(d.hash(), d.connection(), last))).map(ModuleStore::changes);
  }

  /** Writes the last heartbeats of sockets that still hold their modules; answers which do, and which were replaced. */
  public Future<Written> heartbeats(Heartbeats h) {
    int n = h.beats().size();
    String[] hashes = new String[n];
    String[] connections = new String[n];
    OffsetDateTime[] times = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Beat b = h.beats().get(i);
      hashes[i] = b.hash();
      connections[i] = b.connection();
      times[i] = b.at().atOffset(ZoneOffset.UTC);
    }
    return pool.preparedQuery(HEARTBEATS).execute(Tuple.of(hashes, connections, times)).map(rows -> {
      java.util.Set<String> held = new java.util.HashSet<>();
      java.util.Set<String> replaced = new java.util.HashSet<>();
      rows.forEach(r -> (r.getBoolean("held") ? held : replaced).add(r.getString("connection")));
      return new Written(Set.copyOf(held), Set.copyOf(replaced));
    });
  }

  /** Sets offline every module whose last written heartbeat is older than {@code timeoutSeconds}. */
  public Future<Changes> expire(int timeoutSeconds) {
    return pool.preparedQuery(EXPIRE).execute(alertArgs(Tuple.of(timeoutSeconds))).map(ModuleStore::changes);
  }

  /** Forgets a module; 404 for an unknown hash. */
  public Future<Deleted> delete(String hash) {
    return pool.preparedQuery(DELETE).execute(alertArgs(Tuple.of(hash))).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("no such module"));
      }
      Row r = rows.iterator().next();
      ModuleChanged change = r.getBoolean("online") ? new ModuleChanged(hash, r.getString("name"), false, instant(r)) : null;
      return Future.succeededFuture(new Deleted(hash, r.getString("node"), r.getString("connection"), change));
    });
  }

  private Tuple alertArgs(Tuple head) {
    return head.addString(webhookUrl).addInteger(maxAttempts).addInteger(coalesceSeconds);
  }

  private static Changes changes(RowSet<Row> rows) {
    List<ModuleChanged> list = new ArrayList<>(rows.size());
    rows.forEach(r -> list.add(new ModuleChanged(r.getString("hash"), r.getString("name"), false, instant(r))));
    return new Changes(List.copyOf(list));
  }

  private static Instant instant(Row r) {
    return r.getOffsetDateTime("at").toInstant();
  }

  private static List<Module> mapAll(RowSet<Row> rows) {
    List<Module> list = new ArrayList<>(rows.size());
    rows.forEach(r -> list.add(map(r)));
    return list;
  }

  private static Module map(Row r) {
    return new Module(r.getString("hash"), r.getString("name"), r.getString("description"), r.getString("mission_kind"),
        r.getString("data_requirement"), r.getBoolean("data_requirement_json"), r.getBoolean("online"), r.getString("node"),
        r.getString("connection"), r.getOffsetDateTime("last_heartbeat"), r.getOffsetDateTime("registered_at"));
  }
}
