package io.switchboard.persistence.store;

import io.switchboard.domain.Conversation;
import io.switchboard.domain.Page;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** Conversations, their participants and read markers. Who may do what is decided by the callers. */
public final class ConversationStore {

  public record Create(String creatorId, String kind, String title, String name, boolean isPublic, List<String> participants) {
  }

  /** {@code created} false when an existing direct conversation of the same pair was found. */
  public record Created(Conversation conversation, boolean created) {
  }

  /** A conversation by id or room name, seen by {@code userId}. */
  public record Lookup(String ref, String userId) {
  }

  public record Access(Conversation conversation, boolean participant) {
  }

  public record Participant(String userId, String username, String displayName, String avatarUrl, OffsetDateTime joinedAt) {
  }

  public record Mine(String userId, String cursor, int limit) {
  }

  public record Summary(Conversation conversation, long unread, long lastReadSeq) {
  }

  public record Rooms(String cursor, int limit) {
  }

  public record Room(Conversation conversation, long participants) {
  }

  public record Membership(String conversationId, String userId) {
  }

  /** PATCH: null leaves a value as it is; {@code retentionGiven} replaces both retention values. */
  public record Update(String conversationId, String title, Integer slowModeSeconds, boolean retentionGiven,
      Integer retentionMaxAgeSeconds, Integer retentionMaxMessages) {
  }

  public record MarkRead(String conversationId, String userId, long seq) {
  }

  /** A participant's read marker after a mark-read; {@code moved} when this call advanced it. */
  public record ReadMarker(long seq, boolean moved) {
  }

  static final String COLUMNS = """
      c.id, c.kind, c.name, c.title, c.public, c.owner_id, c.slow_mode_seconds, c.retention_max_age_seconds,
      c.retention_max_messages, c.last_seq, c.last_activity_at, c.created_at""";
  static final String INSERT = """
      INSERT INTO conversations (id, kind, name, title, public, owner_id, direct_key) VALUES ($1, $2, $3, $4, $5, $6, $7)
      ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL DO NOTHING""";
  static final String ADD = "INSERT INTO participants (conversation_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING";
  static final String KNOWN_USERS = "SELECT count(*) AS n FROM users WHERE id = ANY($1) AND NOT disabled";
  static final String BY_DIRECT_KEY = "SELECT " + COLUMNS + " FROM conversations c WHERE c.direct_key = $1";
  static final String BY_ID = "SELECT " + COLUMNS + " FROM conversations c WHERE c.id = $1";
  static final String LOOKUP = "SELECT " + COLUMNS + ", EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id "
      + "AND p.user_id = $2) AS participant FROM conversations c WHERE ";
  static final String PARTICIPANTS = """
      SELECT p.user_id, p.joined_at, u.username, u.display_name, u.avatar_id
        FROM participants p JOIN users u ON u.id = p.user_id
       WHERE p.conversation_id = $1 ORDER BY p.joined_at, lower(u.username)""";
  static final String PARTICIPANTS_OF = "SELECT conversation_id, array_agg(user_id) AS users FROM participants "
      + "WHERE conversation_id = ANY($1) GROUP BY conversation_id";
  static final String MINE = "SELECT " + COLUMNS + """
      , p.last_read_seq,
             (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id AND m.seq > p.last_read_seq
                 AND m.state = 'visible' AND m.sender_id IS DISTINCT FROM p.user_id) AS unread
        FROM participants p JOIN conversations c ON c.id = p.conversation_id
       WHERE p.user_id = $1 AND ($2::timestamptz IS NULL OR (c.last_activity_at, c.id) < ($2, $3))
       ORDER BY c.last_activity_at DESC, c.id DESC LIMIT $4""";
  static final String ROOMS = "SELECT " + COLUMNS + """
      , (SELECT count(*) FROM participants p WHERE p.conversation_id = c.id) AS participants
        FROM conversations c
       WHERE c.kind = 'room' AND c.public AND ($1::text IS NULL OR lower(c.name) > $1)
       ORDER BY lower(c.name) LIMIT $2""";
  static final String LAST_SEQ = "SELECT last_seq FROM conversations WHERE id = $1";
  static final String REMOVE = "DELETE FROM participants WHERE conversation_id = $1 AND user_id = $2";
  static final String UPDATE = """
      UPDATE conversations SET title = coalesce($2, title), slow_mode_seconds = coalesce($3, slow_mode_seconds),
             retention_max_age_seconds = CASE WHEN $4 THEN $5 ELSE retention_max_age_seconds END,
             retention_max_messages = CASE WHEN $4 THEN $6 ELSE retention_max_messages END
       WHERE id = $1""";
  /** Writes the marker only when it moves forward; no row means not a participant. */
  static final String MARK_READ = """
      WITH current AS (
        SELECT p.last_read_seq AS old, least($3, c.last_seq) AS wanted
          FROM participants p JOIN conversations c ON c.id = p.conversation_id
         WHERE p.conversation_id = $1 AND p.user_id = $2),
      moved AS (
        UPDATE participants p SET last_read_seq = cur.wanted
          FROM current cur
         WHERE p.conversation_id = $1 AND p.user_id = $2 AND cur.wanted > cur.old
        RETURNING p.last_read_seq)
      SELECT coalesce((SELECT last_read_seq FROM moved), old) AS last_read_seq, EXISTS (SELECT 1 FROM moved) AS moved
        FROM current""";

  private final Pool pool;

  public ConversationStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Created> create(Create c) {
    UUID id = UUID.randomUUID();
    UUID creator = Sql.id(c.creatorId(), "user");
    Set<UUID> members = new LinkedHashSet<>();
    members.add(creator);
    for (String raw : c.participants()) {
      members.add(userId(raw));
    }
    String directKey = null;
    if (Conversation.DIRECT.equals(c.kind())) {
      if (members.size() != 2) {
        return Future.failedFuture(ApiException.validation("participants", "a direct conversation needs exactly one other user"));
      }
      directKey = members.stream().map(UUID::toString).sorted().reduce((a, b) -> a + ":" + b).orElseThrow();
    }
    String key = directKey;
    UUID[] ids = members.toArray(UUID[]::new);
    return pool.withTransaction(conn -> conn.preparedQuery(KNOWN_USERS).execute(Tuple.tuple().addArrayOfUUID(ids)).compose(rows -> {
      if (rows.iterator().next().getLong("n") != ids.length) {
        return Future.failedFuture(ApiException.validation("participants", "unknown or disabled user"));
      }
      // neither side of a direct conversation owns it
      UUID owner = key == null ? creator : null;
      return conn.preparedQuery(INSERT).execute(Tuple.of(id, c.kind(), c.name(), c.title(), c.isPublic(), owner, key));
    }).compose(inserted -> {
      if (inserted.rowCount() == 0) {
        return conn.preparedQuery(BY_DIRECT_KEY).execute(Tuple.of(key))
            .map(rows -> new Created(map(rows.iterator().next()), false));
      }
      return addAll(conn, id, ids).compose(v -> byId(conn, id)).map(conv -> new Created(conv, true));
    })).recover(e -> e instanceof PgException && Sql.isUniqueViolation(e)
        ? Future.failedFuture(ApiException.conflict("a room with this name already exists"))
        : Future.failedFuture(e));
  }

  private static Future<Void> addAll(SqlConnection conn, UUID conversation, UUID[] users) {
    Future<Void> chain = Future.succeededFuture();
    for (UUID user : users) {
      chain = chain.compose(v -> conn.preparedQuery(ADD).execute(Tuple.of(conversation, user)).mapEmpty());
    }
    return chain;
  }

  private static Future<Conversation> byId(SqlConnection conn, UUID id) {
    return conn.preparedQuery(BY_ID).execute(Tuple.of(id)).map(rows -> map(rows.iterator().next()));
  }

  /** The conversation named by an id or a room name, or 404. */
  public Future<Access> lookup(Lookup l) {
    UUID user = Sql.id(l.userId(), "user");
    UUID id = parseUuid(l.ref());
    var query = id != null
        ? pool.preparedQuery(LOOKUP + "c.id = $1").execute(Tuple.of(id, user))
        : pool.preparedQuery(LOOKUP + "lower(c.name) = lower($1)").execute(Tuple.of(l.ref(), user));
    return query.compose(rows -> rows.size() == 0
        ? Future.failedFuture(ApiException.notFound("no such conversation"))
        : Future.succeededFuture(new Access(map(rows.iterator().next()), rows.iterator().next().getBoolean("participant"))));
  }

  public Future<List<Participant>> participants(String conversationId) {
    return pool.preparedQuery(PARTICIPANTS).execute(Tuple.of(Sql.id(conversationId, "conversation"))).map(rows -> {
      List<Participant> list = new ArrayList<>();
      rows.forEach(r -> {
        UUID avatar = r.getUUID("avatar_id");
        list.add(new Participant(r.getUUID("user_id").toString(), r.getString("username"), r.getString("display_name"),
            avatar == null ? null : "/media/" + avatar, r.getOffsetDateTime("joined_at")));
      });
      return list;
    });
  }

  /**
   * The participants' user ids of each of {@code conversationIds}, in one statement; a conversation
   * without participants (or that no longer exists) maps to an empty set.
   */
  public Future<Map<String, Set<String>>> participantsOf(List<String> conversationIds) {
    UUID[] ids = conversationIds.stream().map(id -> Sql.id(id, "conversation")).toArray(UUID[]::new);
    return pool.preparedQuery(PARTICIPANTS_OF).execute(Tuple.of(ids)).map(rows -> {
      Map<String, Set<String>> byConversation = new HashMap<>();
      conversationIds.forEach(id -> byConversation.put(id, Set.of()));
      rows.forEach(r -> {
        Set<String> users = new HashSet<>();
        for (UUID user : r.getArrayOfUUIDs("users")) {
          users.add(user.toString());
        }
        byConversation.put(r.getUUID("conversation_id").toString(), Set.copyOf(users));
      });
      return Map.copyOf(byConversation);
    });
  }

  public Future<Page<Summary>> mine(Mine m) {
    String cursor = Sql.decodeCursor(m.cursor());
    OffsetDateTime at = null;
    UUID afterId = null;
    if (cursor != null) {
      String[] parts = cursor.split("\\|", 2);
      try {
        at = OffsetDateTime.parse(parts[0]);
        afterId = UUID.fromString(parts[1]);
      } catch (RuntimeException e) {
        throw ApiException.validation("cursor", "not a cursor this server issued");
      }
    }
    return pool.preparedQuery(MINE).execute(Tuple.of(Sql.id(m.userId(), "user"), at, afterId, m.limit() + 1)).map(rows -> {
      List<Summary> list = new ArrayList<>();
      rows.forEach(r -> list.add(new Summary(map(r), r.getLong("unread"), r.getLong("last_read_seq"))));
      boolean more = list.size() > m.limit();
      List<Summary> page = more ? list.subList(0, m.limit()) : list;
      String next = null;
      if (more) {
        Conversation last = page.get(page.size() - 1).conversation();
        next = Sql.encodeCursor(last.lastActivityAt().toString() + "|" + last.id());
      }
      return new Page<>(List.copyOf(page), next);
    });
  }

  public Future<Page<Room>> rooms(Rooms r) {
    String after = Sql.decodeCursor(r.cursor());
    return pool.preparedQuery(ROOMS).execute(Tuple.of(after, r.limit() + 1)).map(rows -> {
      List<Room> list = new ArrayList<>();
      rows.forEach(row -> list.add(new Room(map(row), row.getLong("participants"))));
      boolean more = list.size() > r.limit();
      List<Room> page = more ? list.subList(0, r.limit()) : list;
      String next = more ? Sql.encodeCursor(page.get(page.size() - 1).conversation().name().toLowerCase(Locale.ROOT)) : null;
      return new Page<>(List.copyOf(page), next);
    });
  }

  /** The seq of a conversation's newest message (0 when empty); 404 when there is no such conversation. */
  public Future<Long> lastSeq(String conversationId) {
    return pool.preparedQuery(LAST_SEQ).execute(Tuple.of(Sql.id(conversationId, "conversation"))).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ApiException.notFound("no such conversation"))
        : Future.succeededFuture(rows.iterator().next().getLong("last_seq")));
  }

  /** Adds a participant (idempotent); 400 for an unknown or disabled user. */
  public Future<Void> add(Membership m) {
    UUID user = userId(m.userId());
    UUID conversation = Sql.id(m.conversationId(), "conversation");
    return pool.preparedQuery(KNOWN_USERS).execute(Tuple.tuple().addArrayOfUUID(new UUID[] {user})).compose(rows ->
        rows.iterator().next().getLong("n") == 1
            ? pool.preparedQuery(ADD).execute(Tuple.of(conversation, user)).mapEmpty()
            : Future.failedFuture(ApiException.validation("userId", "unknown or disabled user")));
  }

  /** Removes a participant; answers whether they were one. */
  public Future<Boolean> remove(Membership m) {
    return pool.preparedQuery(REMOVE).execute(Tuple.of(Sql.id(m.conversationId(), "conversation"), Sql.id(m.userId(), "user")))
        .map(r -> r.rowCount() > 0);
  }

  public Future<Conversation> update(Update u) {
    UUID id = Sql.id(u.conversationId(), "conversation");
    return pool.preparedQuery(UPDATE).execute(Tuple.of(id, u.title(), u.slowModeSeconds(), u.retentionGiven(),
            u.retentionMaxAgeSeconds(), u.retentionMaxMessages()))
        .compose(r -> pool.preparedQuery(BY_ID).execute(Tuple.of(id)))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ApiException.notFound("no such conversation"))
            : Future.succeededFuture(map(rows.iterator().next())));
  }

  /** Moves the caller's read marker forward (never back, never past the newest message); answers it. */
  public Future<ReadMarker> markRead(MarkRead m) {
    return pool.preparedQuery(MARK_READ).execute(Tuple.of(Sql.id(m.conversationId(), "conversation"), Sql.id(m.userId(), "user"), m.seq()))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ApiException.forbidden("not a participant of this conversation"))
            : Future.succeededFuture(new ReadMarker(rows.iterator().next().getLong("last_read_seq"), rows.iterator().next().getBoolean("moved"))));
  }

  private static UUID userId(String raw) {
    UUID id = parseUuid(raw);
    if (id == null) {
      throw ApiException.validation("participants", "not a user id: " + raw);
    }
    return id;
  }

  static UUID parseUuid(String raw) {
    try {
      return raw == null || raw.length() != 36 ? null : UUID.fromString(raw);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static Conversation map(Row r) {
    UUID owner = r.getUUID("owner_id");
    return new Conversation(r.getUUID("id").toString(), r.getString("kind"), r.getString("name"), r.getString("title"),
        r.getBoolean("public"), owner == null ? null : owner.toString(), r.getInteger("slow_mode_seconds"),
        r.getInteger("retention_max_age_seconds"), r.getInteger("retention_max_messages"), r.getLong("last_seq"),
        r.getOffsetDateTime("last_activity_at"), r.getOffsetDateTime("created_at"));
  }
}
