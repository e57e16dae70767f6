package io.switchboard.persistence.store;

import io.switchboard.domain.Notification;
import io.switchboard.domain.Page;
import io.switchboard.domain.event.NotificationsStored;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The notification centre (SPEC §6): one {@code notifications} row per send and one
 * {@code user_notifications} row per recipient, whose {@code seq} is the recipient's notification id.
 *
 * <p>A send resolves its recipients in bounded batches of {@link #BATCH} users, in ascending user id,
 * all in one transaction (a failure stores nothing). Each batch is one statement: it picks the next
 * users, advances their {@code notification_cursors} rows (created at 1 on a user's first
 * notification) and inserts their rows with the advanced seqs. The counter rows are locked in user-id
 * order and kept to the commit, so two sends to the same user commit in seq order and cannot deadlock.
 */
public final class NotificationStore {

  /** Users per batch statement of a send. */
  public static final int BATCH = 5_000;
  private static final UUID BEFORE_EVERY_ID = new UUID(0, 0);
  private static final Pattern ID = Pattern.compile("[1-9][0-9]{0,17}");

  /** A send; {@code data} is an encoded JSON object. Lists are of canonical UUIDs (checked by the caller). */
  public record Send(String senderId, boolean all, List<UUID> userIds, List<UUID> groupIds, String title, String body, String data) {

    public Send {
      userIds = List.copyOf(userIds);
      groupIds = List.copyOf(groupIds);
    }
  }

  /** A committed send: its uuid, the number of recipients and, for the live push, each recipient's id of it. */
  public record Sent(String id, long recipients, NotificationsStored stored) {
  }

  /** The user's notifications with ids above {@code after} and at most {@code upTo}, ascending, at most {@code limit}. */
  public record Range(String userId, long after, long upTo, int limit) {
  }

  public record Query(String userId, boolean unreadOnly, String cursor, int limit) {
  }

  /** A page of the caller's notifications and how many of all theirs are unread. */
  public record Listing(Page<Notification> page, long unreadCount) {
  }

  public record MarkRead(String userId, String notificationId) {
  }

  /** One bounded batch of purging notifications older than {@code retentionDays}. */
  public record Purge(int retentionDays, int limit) {
  }

  /** Recipient rows and notification rows deleted by one batch. */
  public record Purged(int recipients, int notifications) {
  }

  static final String UNKNOWN_USER = """
      SELECT x::text AS id FROM unnest($1::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = x) LIMIT 1""";
  static final String UNKNOWN_GROUP = """
      SELECT x::text AS id FROM unnest($1::uuid[]) AS x WHERE NOT EXISTS (SELECT 1 FROM groups g WHERE g.id = x) LIMIT 1""";
  static final String INSERT = """
      INSERT INTO notifications (id, title, body, data, created_by) VALUES ($1, $2, $3, $4::text::jsonb, $5) RETURNING created_at""";
  /**
   * The next batch: the {@code $6} smallest user ids above {@code $2} among every user ({@code $3}),
   * the listed ones and the groups' members (each group walked in user-id order on its index); of
   * those the enabled users get their row. Answers how many ids the batch covered and the last one,
   * where the next batch starts, and each recipient with their new seq (for the live push).
   */
  static final String BATCH_INSERT = """
      WITH candidate AS MATERIALIZED (
        SELECT id FROM (
            (SELECT u.id FROM users u WHERE $3 AND u.id > $2 ORDER BY u.id LIMIT $6)
            UNION
            (SELECT l.id FROM unnest($4::uuid[]) AS l(id) WHERE l.id > $2)
            UNION
            (SELECT m.user_id FROM unnest($5::uuid[]) AS grp(id)
               CROSS JOIN LATERAL (SELECT ug.user_id FROM user_groups ug WHERE ug.group_id = grp.id AND ug.user_id > $2
                                    ORDER BY ug.user_id LIMIT $6) m)
          ) c ORDER BY id LIMIT $6),
      recipient AS MATERIALIZED (
        SELECT u.id FROM candidate c JOIN users u ON u.id = c.id WHERE NOT u.disabled),
      bumped AS (
        INSERT INTO notification_cursors AS nc (user_id, last_seq)
        SELECT id, 1 FROM recipient ORDER BY id
        ON CONFLICT (user_id) DO UPDATE SET last_seq = nc.last_seq + 1
        RETURNING nc.user_id, nc.last_seq),
      stored AS (
        INSERT INTO user_notifications (user_id, seq, notification_id)
        SELECT user_id, last_seq, $1 FROM bumped
        RETURNING 1)
      SELECT (SELECT count(*) FROM candidate) AS covered,
             (SELECT id FROM candidate ORDER BY id DESC LIMIT 1) AS last_id,
             (SELECT count(*) FROM stored) AS stored,
             (SELECT array_agg(user_id::text ORDER BY user_id) FROM bumped) AS users,
             (SELECT array_agg(last_seq ORDER BY user_id) FROM bumped) AS seqs""";
  /** How many users a send would reach: the same union, disabled users left out (a preview; nothing is locked). */
  static final String COUNT_RECIPIENTS = """
      SELECT count(*) AS n FROM users u
      WHERE NOT u.disabled AND ($1 OR u.id = ANY($2::uuid[])
        OR EXISTS (SELECT 1 FROM user_groups ug WHERE ug.user_id = u.id AND ug.group_id = ANY($3::uuid[])))""";
  static final String SELECT = """
      SELECT un.seq, un.read_at IS NOT NULL AS read, n.title, n.body, n.data::text AS data, n.created_at
        FROM user_notifications un JOIN notifications n ON n.id = un.notification_id
       WHERE un.user_id = $1 AND un.seq < $2""";
  static final String LIST = SELECT + " ORDER BY un.seq DESC LIMIT $3";
  static final String LIST_UNREAD = SELECT + " AND un.read_at IS NULL ORDER BY un.seq DESC LIMIT $3";
  static final String RANGE = """
      SELECT un.seq, un.read_at IS NOT NULL AS read, n.title, n.body, n.data::text AS data, n.created_at
        FROM user_notifications un JOIN notifications n ON n.id = un.notification_id
       WHERE un.user_id = $1 AND un.seq > $2 AND un.seq <= $3 ORDER BY un.seq LIMIT $4""";
  static final String LAST_ID = "SELECT last_seq FROM notification_cursors WHERE user_id = $1";
  static final String UNREAD_COUNT = "SELECT count(*) AS n FROM user_notifications WHERE user_id = $1 AND read_at IS NULL";
  /** Answers whether the user has that notification; marks it read if it was not. */
  static final String MARK_READ = """
      WITH target AS (SELECT seq, read_at FROM user_notifications WHERE user_id = $1 AND seq = $2),
      marked AS (
        UPDATE user_notifications un SET read_at = now() FROM target t
         WHERE un.user_id = $1 AND un.seq = t.seq AND t.read_at IS NULL
        RETURNING 1)
      SELECT count(*) AS found, (SELECT count(*) FROM marked) AS marked FROM target""";
  static final String MARK_ALL_READ = "UPDATE user_notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL";
  static final String PURGE_RECIPIENTS = """
      WITH doomed AS (
        SELECT un.user_id, un.seq FROM notifications n JOIN user_notifications un ON un.notification_id = n.id
         WHERE n.created_at < now() - make_interval(days => $1) LIMIT $2)
      DELETE FROM user_notifications un USING doomed d WHERE un.user_id = d.user_id AND un.seq = d.seq""";
  static final String PURGE_NOTIFICATIONS = """
      WITH doomed AS (
        SELECT n.id FROM notifications n
         WHERE n.created_at < now() - make_interval(days => $1)
           AND NOT EXISTS (SELECT 1 FROM user_notifications un WHERE un.notification_id = n.id)
         LIMIT $2)
      DELETE FROM notifications WHERE id IN (SELECT id FROM doomed)""";

  private final Pool pool;

  public NotificationStore(Pool pool) {
    this.pool = pool;
  }

  /** Stores a notification for every recipient; 400 naming {@code userIds} or {@code groupIds} for an unknown id. */
  public Future<Sent> send(Send s) {
    UUID id = UUID.randomUUID();
    UUID[] users = s.userIds().toArray(UUID[]::new);
    UUID[] groups = s.groupIds().toArray(UUID[]::new);
    return pool.withTransaction(conn -> known(conn, UNKNOWN_USER, users, "userIds", "no such user ")
        .compose(v -> known(conn, UNKNOWN_GROUP, groups, "groupIds", "no such group "))
        .compose(v -> conn.preparedQuery(INSERT).execute(Tuple.of(id, s.title(), s.body(), s.data(), UUID.fromString(s.senderId()))))
        .compose(rows -> {
          OffsetDateTime createdAt = rows.iterator().next().getOffsetDateTime("created_at");
          List<NotificationsStored.Recipient> recipients = new ArrayList<>();
          return batches(conn, new Recipients(id, s.all(), users, groups), BEFORE_EVERY_ID, recipients)
              .map(v2 -> new NotificationsStored(s.title(), s.body(), s.data(), createdAt, recipients));
        }))
        .map(stored -> new Sent(id.toString(), stored.recipients().size(), stored));
  }

  /** The number of users {@code s} would reach now; unknown ids are refused as by {@link #send}. */
  public Future<Long> countRecipients(Send s) {
    UUID[] users = s.userIds().toArray(UUID[]::new);
    UUID[] groups = s.groupIds().toArray(UUID[]::new);
    return pool.withConnection(conn -> known(conn, UNKNOWN_USER, users, "userIds", "no such user ")
        .compose(v -> known(conn, UNKNOWN_GROUP, groups, "groupIds", "no such group "))
        .compose(v -> conn.preparedQuery(COUNT_RECIPIENTS).execute(Tuple.of(s.all(), users, groups)))
        .map(rows -> rows.iterator().next().getLong("n")));
  }

  /** The user's newest notification id, 0 before the first. */
  public Future<Long> lastId(String userId) {
    return pool.preparedQuery(LAST_ID).execute(Tuple.of(UUID.fromString(userId)))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("last_seq"));
  }

  public Future<List<Notification>> range(Range r) {
    return pool.preparedQuery(RANGE).execute(Tuple.of(UUID.fromString(r.userId()), r.after(), r.upTo(), r.limit()))
        .map(rows -> {
          List<Notification> list = new ArrayList<>(rows.size());
          rows.forEach(row -> list.add(notification(row)));
          return List.copyOf(list);
        });
  }

  private static Notification notification(Row r) {
    return new Notification(r.getLong("seq"), r.getString("title"), r.getString("body"), r.getString("data"),
        r.getOffsetDateTime("created_at"), r.getBoolean("read"));
  }

  private static Future<Void> known(SqlConnection conn, String sql, UUID[] ids, String field, String message) {
    if (ids.length == 0) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(sql).execute(Tuple.tuple().addArrayOfUUID(ids)).compose(rows -> rows.size() == 0
        ? Future.succeededFuture()
        : Future.failedFuture(ApiException.validation(field, message + rows.iterator().next().getString("id"))));
  }

  /** Who a send reaches, as the batch statement takes it. */
  private record Recipients(UUID notificationId, boolean all, UUID[] users, UUID[] groups) {

    Tuple after(UUID after) {
      return Tuple.tuple().addUUID(notificationId).addUUID(after).addBoolean(all).addArrayOfUUID(users).addArrayOfUUID(groups)
          .addInteger(BATCH);
    }
  }

  /** Runs batch after batch, each from where the last ended, until one covers fewer than {@link #BATCH} ids. */
  private static Future<Void> batches(SqlConnection conn, Recipients to, UUID after, List<NotificationsStored.Recipient> stored) {
    return conn.preparedQuery(BATCH_INSERT).execute(to.after(after)).compose(rows -> {
      Row r = rows.iterator().next();
      String[] users = r.getArrayOfStrings("users");
      Long[] seqs = r.getArrayOfLongs("seqs");
      if (users != null) {
        for (int i = 0; i < users.length; i++) {
          stored.add(new NotificationsStored.Recipient(users[i], seqs[i]));
        }
      }
      return r.getLong("covered") < BATCH ? Future.succeededFuture() : batches(conn, to, r.getUUID("last_id"), stored);
    });
  }

  public Future<Listing> list(Query q) {
    UUID user = UUID.fromString(q.userId());
    String cursor = Sql.decodeCursor(q.cursor());
    long below = cursor == null ? Long.MAX_VALUE : seq(cursor, () -> ApiException.validation("cursor", "not a cursor this server issued"));
    Future<List<Notification>> items = pool.preparedQuery(q.unreadOnly() ? LIST_UNREAD : LIST)
        .execute(Tuple.of(user, below, q.limit() + 1)).map(rows -> {
          List<Notification> list = new ArrayList<>();
          rows.forEach(r -> list.add(notification(r)));
          return list;
        });
    Future<Long> unread = pool.preparedQuery(UNREAD_COUNT).execute(Tuple.of(user)).map(rows -> rows.iterator().next().getLong("n"));
    return Future.all(items, unread).map(all -> {
      List<Notification> list = items.result();
      boolean more = list.size() > q.limit();
      List<Notification> page = more ? list.subList(0, q.limit()) : list;
      String next = more ? Sql.encodeCursor(Long.toString(page.get(page.size() - 1).id())) : null;
      return new Listing(new Page<>(List.copyOf(page), next), unread.result());
    });
  }

  /** Marks one of the user's notifications read (again: nothing changes); 404 when the user has none with that id. */
  public Future<Void> markRead(MarkRead m) {
    long seq = seq(m.notificationId(), () -> ApiException.notFound("no such notification"));
    return pool.preparedQuery(MARK_READ).execute(Tuple.of(UUID.fromString(m.userId()), seq)).compose(rows ->
        rows.iterator().next().getLong("found") == 0
            ? Future.failedFuture(ApiException.notFound("no such notification"))
            : Future.succeededFuture());
  }

  /** Marks every unread notification of the user read; answers how many. */
  public Future<Integer> markAllRead(String userId) {
    return pool.preparedQuery(MARK_ALL_READ).execute(Tuple.of(UUID.fromString(userId))).map(r -> r.rowCount());
  }

  /**
   * Deletes at most {@code limit} recipient rows of expired notifications; once none is left of a
   * batch's worth, also at most {@code limit} expired notifications that have no recipient row left.
   * Each is its own short statement; callers repeat while a batch comes back full.
   */
  public Future<Purged> purge(Purge p) {
    Tuple args = Tuple.of(p.retentionDays(), p.limit());
    return pool.preparedQuery(PURGE_RECIPIENTS).execute(args).compose(r -> r.rowCount() == p.limit()
        ? Future.succeededFuture(new Purged(r.rowCount(), 0))
        : pool.preparedQuery(PURGE_NOTIFICATIONS).execute(args).map(n -> new Purged(r.rowCount(), n.rowCount())));
  }

  private static long seq(String raw, java.util.function.Supplier<ApiException> invalid) {
    if (raw == null || !ID.matcher(raw).matches()) {
      throw invalid.get();
    }
    return Long.parseLong(raw);
  }
}
