package io.switchboard.persistence.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.switchboard.domain.Message;
import io.switchboard.error.ApiException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Messages. A message's {@code seq} is taken from its conversation's row in the same transaction as
 * the insert, so seqs have no gaps and commit in seq order (the row lock serialises senders).
 */
public final class MessageStore {

  /** {@code mediaId}: the message's picture (media of the conversation), or null. */
  public record Send(String conversationId, String senderId, String text, String clientMsgId, String mediaId) {
  }

  /** The stored message; {@code duplicate} when a retried clientMsgId found the original. */
  public record Sent(Message message, boolean duplicate) {
  }

  /** History window: {@code before}/{@code after} exclusive bounds, either may be null. */
  public record History(String conversationId, Long before, Long after, int limit) {
  }

  public record HistoryPage(List<Message> items, boolean hasMore) {
  }

  /** Messages with {@code after < seq <= upTo}, ascending, at most {@code limit}. */
  public record Range(String conversationId, long after, long upTo, int limit, boolean visibleOnly) {
  }

  /** A system message (an announcement) from {@code senderId}, with text, a picture (media id) or both. */
  public record SystemMessage(String conversationId, String senderId, String text, String mediaId) {
  }

  public record Recall(String conversationId, long seq, String userId, int windowSeconds) {
  }

  public record Delete(String conversationId, long seq, String userId, boolean moderator) {
  }

  /** The advisory-lock class of the send path's per-conversation locks (the first key of {@code pg_advisory_xact_lock(int, int)}). */
  static final int SEND_LOCKS = 0x5342_0001;

  /**
   * The start of both batch statements: the items, from arrays, with their order ({@code input}), and
   * a transaction-scoped advisory lock per conversation of the batch, taken in the order of the locks'
   * keys ({@code locked}; a statement makes its row updates wait for it).
   */
  private static final String BATCH = """
      WITH input AS MATERIALIZED (
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[])
          WITH ORDINALITY AS t(id, conversation_id, sender_id, text, client_msg_id, media_id, ord)),
      locked AS MATERIALIZED (
        SELECT count(pg_advisory_xact_lock(%d, x.k)) AS n
          FROM (SELECT DISTINCT hashtext(conversation_id::text) AS k FROM input ORDER BY k) x),
      """.formatted(SEND_LOCKS);

  static final String SELECT = """
      SELECT m.id, m.conversation_id, m.seq, m.kind, m.sender_id, m.text, m.client_msg_id, m.state, m.created_at,
             u.username, u.display_name, u.avatar_id, m.media_id, md.width AS media_width, md.height AS media_height,
             md.size AS media_size
        FROM messages m
        LEFT JOIN users u ON u.id = m.sender_id
        LEFT JOIN media md ON md.id = m.media_id
      """;
  static final String BY_CLIENT_MSG_ID = SELECT + " WHERE m.conversation_id = $1 AND m.sender_id = $2 AND m.client_msg_id = $3";
  static final String BY_SEQ = SELECT + " WHERE m.conversation_id = $1 AND m.seq = $2";
  /**
   * {@link #SEND_PLAIN} for a batch of one message (what a quiet conversation sends), in the least a
   * stored message takes: the values as they are, not arrays; one update of the conversation's row
   * (its lock serialises the conversation's writers, and one lock cannot deadlock), matching only
   * while slow mode is off, the sender is a participant and the {@code clientMsgId} is new; the
   * insert; the sender's name. Answers the stored message, or no row (then {@link #SEND} answers).
   */
  static final String SEND_SINGLE = """
      WITH bump AS (
        UPDATE conversations c SET last_seq = c.last_seq + 1, last_activity_at = now()
         WHERE c.id = $2 AND c.slow_mode_seconds = 0
           AND EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = $2 AND p.user_id = $3)
           AND ($5::text IS NULL OR NOT EXISTS (SELECT 1 FROM messages m
                 WHERE m.conversation_id = $2 AND m.sender_id = $3 AND m.client_msg_id = $5))
        RETURNING c.last_seq),
      ins AS (
        INSERT INTO messages (id, conversation_id, seq, kind, sender_id, text, client_msg_id, media_id)
        SELECT $1, $2, bump.last_seq, 'user', $3, $4, $5, $6 FROM bump
        RETURNING id, conversation_id, seq, kind, sender_id, text, client_msg_id, state, created_at, media_id)
      SELECT true AS participant, NULL::float8 AS wait_seconds, false AS duplicate, ins.*,
             u.username, u.display_name, u.avatar_id, md.width AS media_width, md.height AS media_height, md.size AS media_size
        FROM ins LEFT JOIN users u ON u.id = ins.sender_id LEFT JOIN media md ON md.id = ins.media_id""";

  /**
   * The common case of a batch, in as little work as a message allows: the senders are participants,
   * the {@code clientMsgId}s are new and the conversations are not in slow mode. It takes the same
   * arrays and locks as {@link #SEND}; the items that pass those checks get their seqs from one
   * {@code UPDATE … RETURNING} of each conversation's row (which matches only while slow mode is off,
   * so a conversation whose slow mode was just switched on writes nothing here) and are stored. It
   * answers one row per item, in order; an item it did not store ({@code id} null: no participant, a
   * retried {@code clientMsgId}, slow mode, no such conversation) goes through {@link #SEND}, which
   * answers each of those cases, right after, before its conversation takes another batch.
   */
  static final String SEND_PLAIN = BATCH + """
      fresh AS MATERIALIZED (
        SELECT i.*, row_number() OVER (PARTITION BY i.conversation_id ORDER BY i.ord) AS nth
          FROM input i
          JOIN participants p ON p.conversation_id = i.conversation_id AND p.user_id = i.sender_id
         WHERE i.client_msg_id IS NULL OR NOT EXISTS (SELECT 1 FROM messages m
                 WHERE m.conversation_id = i.conversation_id AND m.sender_id = i.sender_id AND m.client_msg_id = i.client_msg_id)),
      bump AS MATERIALIZED (
        UPDATE conversations c SET last_seq = c.last_seq + x.n, last_activity_at = now()
          FROM (SELECT conversation_id, count(*) AS n FROM fresh GROUP BY conversation_id) x
         WHERE c.id = x.conversation_id AND c.slow_mode_seconds = 0 AND (SELECT n FROM locked) > 0
        RETURNING c.id, c.last_seq - x.n AS base),
      ins AS (
        INSERT INTO messages (id, conversation_id, seq, kind, sender_id, text, client_msg_id, media_id)
        SELECT f.id, f.conversation_id, b.base + f.nth, 'user', f.sender_id, f.text, f.client_msg_id, f.media_id
          FROM fresh f JOIN bump b ON b.id = f.conversation_id
        RETURNING id, conversation_id, seq, kind, sender_id, text, client_msg_id, state, created_at, media_id)
      SELECT i.ord, true AS participant, NULL::float8 AS wait_seconds, false AS duplicate,
             s.id, s.conversation_id, s.seq, s.kind, s.sender_id, s.text, s.client_msg_id, s.state, s.created_at,
             u.username, u.display_name, u.avatar_id, s.media_id, md.width AS media_width, md.height AS media_height,
             md.size AS media_size
        FROM input i
        LEFT JOIN ins s ON s.id = i.id
        LEFT JOIN users u ON u.id = s.sender_id
        LEFT JOIN media md ON md.id = s.media_id
       ORDER BY i.ord""";

  /**
   * A batch of messages in one statement, every case answered (the group commit's second stage, after
   * {@link #SEND_PLAIN}): the items come as arrays, in order, and one row per item comes back in the
   * same order. The statement first takes a transaction-scoped advisory lock per conversation of the
   * batch, sorted by the lock's key (in memory: no WAL, no dirtied page), so concurrent batches, of this node or another, cannot deadlock and each conversation has one writer
   * at a time until the commit, slow mode's {@code last_sent_at} included. Each conversation's seqs are
   * then taken by one {@code UPDATE … RETURNING} of its row (its new {@code last_seq}, minus the
   * batch's messages there), so they continue without a gap. The senders' participant rows are
   * locked too, which reads their newest version: the statement's snapshot is older than the
   * advisory lock it may have waited for, and slow mode's {@code last_sent_at} must be the one the
   * batch before it (of any node) wrote. (This statement only sees the cases the plain ones leave,
   * so the lock's WAL record is not paid by the common case.) A send that races the sender's removal
   * is ordered before the removal, as if it had come a moment earlier. An item whose
   * {@code clientMsgId} is already stored answers the stored message
   * ({@code duplicate}); an item whose sender is no participant ({@code participant} false) or that
   * slow mode refuses ({@code wait_seconds}) writes nothing and takes no seq. In slow mode a sender
   * gets at most one message per batch (the others wait a whole interval from it), and
   * {@code last_sent_at} is written only there. Per message this writes the heap row and its primary
   * key entry (and the {@code clientMsgId} entry when there is one); per conversation and batch one
   * heap-only update of the conversation row; per batch one commit.
   */
  static final String SEND = BATCH + """
      conv AS MATERIALIZED (
        SELECT c.id, c.slow_mode_seconds FROM conversations c
         WHERE c.id = ANY($2::uuid[]) AND (SELECT n FROM locked) > 0),
      member AS MATERIALIZED (
        SELECT p.conversation_id, p.user_id, p.last_sent_at FROM participants p
         WHERE (p.conversation_id, p.user_id) IN (SELECT DISTINCT conversation_id, sender_id FROM input)
           AND p.conversation_id IN (SELECT id FROM conv)
           FOR NO KEY UPDATE),
      dup AS MATERIALIZED (
        SELECT i.ord, m.* FROM input i
          JOIN messages m ON m.conversation_id = i.conversation_id AND m.sender_id = i.sender_id AND m.client_msg_id = i.client_msg_id
         WHERE i.client_msg_id IS NOT NULL),
      candidate AS (
        SELECT i.ord, i.id, i.conversation_id, i.sender_id, i.text, i.client_msg_id, i.media_id, c.slow_mode_seconds, p.last_sent_at,
               row_number() OVER (PARTITION BY i.conversation_id, i.sender_id ORDER BY i.ord) AS nth
          FROM input i
          JOIN conv c ON c.id = i.conversation_id
          JOIN member p ON p.conversation_id = i.conversation_id AND p.user_id = i.sender_id
         WHERE NOT EXISTS (SELECT 1 FROM dup d WHERE d.ord = i.ord)),
      accepted AS MATERIALIZED (
        SELECT a.*, row_number() OVER (PARTITION BY a.conversation_id ORDER BY a.ord) AS nth_here
          FROM candidate a
         WHERE a.slow_mode_seconds = 0
            OR (a.nth = 1 AND (a.last_sent_at IS NULL OR clock_timestamp() - a.last_sent_at >= make_interval(secs => a.slow_mode_seconds)))),
      bump AS MATERIALIZED (
        UPDATE conversations c SET last_seq = c.last_seq + x.n, last_activity_at = now()
          FROM (SELECT conversation_id, count(*) AS n FROM accepted GROUP BY conversation_id) x
         WHERE c.id = x.conversation_id
        RETURNING c.id, c.last_seq - x.n AS base),
      touched AS (
        UPDATE participants p SET last_sent_at = clock_timestamp()
          FROM (SELECT DISTINCT conversation_id, sender_id FROM accepted WHERE slow_mode_seconds > 0) a
         WHERE p.conversation_id = a.conversation_id AND p.user_id = a.sender_id
        RETURNING 1),
      ins AS (
        INSERT INTO messages (id, conversation_id, seq, kind, sender_id, text, client_msg_id, media_id)
        SELECT a.id, a.conversation_id, b.base + a.nth_here, 'user', a.sender_id, a.text, a.client_msg_id, a.media_id
          FROM accepted a JOIN bump b ON b.id = a.conversation_id
        RETURNING id, conversation_id, seq, kind, sender_id, text, client_msg_id, state, created_at, media_id),
      stored AS (
        SELECT ins.id AS ord_id, false AS duplicate, ins.id, ins.conversation_id, ins.seq, ins.kind, ins.sender_id, ins.text, ins.client_msg_id, ins.state, ins.created_at, ins.media_id FROM ins
        UNION ALL
        SELECT i.id, true, d.id, d.conversation_id, d.seq, d.kind, d.sender_id, d.text, d.client_msg_id, d.state, d.created_at, d.media_id
          FROM dup d JOIN input i ON i.ord = d.ord)
      SELECT i.ord, p.user_id IS NOT NULL AS participant,
             CASE WHEN s.id IS NULL AND p.user_id IS NOT NULL THEN
               CASE WHEN EXISTS (SELECT 1 FROM accepted a WHERE a.conversation_id = i.conversation_id AND a.sender_id = i.sender_id)
                 THEN c.slow_mode_seconds::float8
                 ELSE c.slow_mode_seconds - coalesce(extract(epoch FROM (clock_timestamp() - p.last_sent_at))::float8, 0) END
             END AS wait_seconds,
             s.duplicate, s.id, s.conversation_id, s.seq, s.kind, s.sender_id, s.text, s.client_msg_id, s.state, s.created_at,
             u.username, u.display_name, u.avatar_id, s.media_id, md.width AS media_width, md.height AS media_height,
             md.size AS media_size
        FROM input i
        LEFT JOIN conv c ON c.id = i.conversation_id
        LEFT JOIN member p ON p.conversation_id = i.conversation_id AND p.user_id = i.sender_id
        LEFT JOIN stored s ON s.ord_id = i.id
        LEFT JOIN users u ON u.id = s.sender_id
        LEFT JOIN media md ON md.id = s.media_id
       ORDER BY i.ord""";
  /**
   * One system message: its seq taken from the conversation row, which the update locks to the commit
   * as the group commit's batches do, so seqs stay without gaps whoever writes.
   */
  static final String SYSTEM = """
      WITH conv AS (UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = now() WHERE id = $1 RETURNING id, last_seq),
      ins AS (INSERT INTO messages (id, conversation_id, seq, kind, sender_id, text, media_id)
              SELECT $2, id, last_seq, 'system', $3, $4, $5 FROM conv
              RETURNING id, conversation_id, seq, kind, sender_id, text, client_msg_id, state, created_at, media_id)
      SELECT ins.*, u.username, u.display_name, u.avatar_id, md.width AS media_width, md.height AS media_height, md.size AS media_size
        FROM ins LEFT JOIN users u ON u.id = ins.sender_id LEFT JOIN media md ON md.id = ins.media_id""";
  static final String NEWEST = SELECT + " WHERE m.conversation_id = $1 ORDER BY m.seq DESC LIMIT $2";
  static final String BEFORE = SELECT + " WHERE m.conversation_id = $1 AND m.seq < $2 ORDER BY m.seq DESC LIMIT $3";
  static final String AFTER = SELECT + " WHERE m.conversation_id = $1 AND m.seq > $2 AND m.seq < $3 ORDER BY m.seq ASC LIMIT $4";
  static final String RANGE = SELECT + """
       WHERE m.conversation_id = $1 AND m.seq > $2 AND m.seq <= $3 AND (NOT $5 OR m.state = 'visible')
       ORDER BY m.seq ASC LIMIT $4""";
  static final String LOCK_MESSAGE = """
      SELECT sender_id, state, extract(epoch FROM (now() - created_at))::float8 AS age
        FROM messages WHERE conversation_id = $1 AND seq = $2 FOR UPDATE""";
  static final String TOMBSTONE = "UPDATE messages SET state = $3, text = NULL WHERE conversation_id = $1 AND seq = $2";

  /** At most this many messages share one commit. */
  static final int MAX_BATCH = 256;
  /** Batches in flight at once (on distinct conversations). */
  public static final int MAX_IN_FLIGHT = 2;

  private final Pool pool;
  private final GroupCommit<Item> sends;

  /**
   * {@code sendPool}: the group commit's connections ({@link #MAX_IN_FLIGHT}, planned without sequential
   * scans); {@code commitSizes}: messages per group commit ({@code switchboard_group_commit_size}).
   */
  public MessageStore(Pool pool, Pool sendPool, DistributionSummary commitSizes) {
    this.pool = pool;
    this.sends = new GroupCommit<>(sendPool, new GroupCommit.Statement<>(SEND_SINGLE, MessageStore::singleArguments),
        new GroupCommit.Statement<>(SEND_PLAIN, MessageStore::batchArguments), row -> row.getUUID("id") == null,
        new GroupCommit.Statement<>(SEND, MessageStore::batchArguments), MAX_BATCH, MAX_IN_FLIGHT, commitSizes);
  }

  /**
   * Stores a message through the group commit: answered once the batch it went out in is committed.
   * A concurrent retry of the same {@code clientMsgId} can still meet the unique index; it then
   * answers the message the other one stored.
   */
  public Future<Sent> send(Send s) {
    UUID conversation = Sql.id(s.conversationId(), "conversation");
    UUID sender = Sql.id(s.senderId(), "user");
    UUID media = s.mediaId() == null ? null : Sql.id(s.mediaId(), "media");
    return sends.execute(conversation, new Item(newId(), conversation, sender, s.text(), s.clientMsgId(), media))
        .compose(MessageStore::sent)
        .recover(e -> Sql.isUniqueViolation(e) && s.clientMsgId() != null
            ? byClientMsgId(conversation, sender, s.clientMsgId()).map(m -> new Sent(m, true))
            : Future.failedFuture(e));
  }

  /**
   * A new message id: a UUIDv7 (RFC 9562), 48 bits of Unix milliseconds and 74 random bits, so ids
   * sort by time. Nothing indexes the id alone (V13); its randomness keeps ids apart across nodes.
   */
  static UUID newId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (System.currentTimeMillis() << 16) | 0x7000L | (random.nextLong() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
    return new UUID(high, low);
  }

  /** One message of a {@link #SEND} batch. */
  private record Item(UUID id, UUID conversation, UUID sender, String text, String clientMsgId, UUID media) {
  }

  private static Tuple singleArguments(List<Item> items) {
    Item item = items.get(0);
    return Tuple.of(item.id(), item.conversation(), item.sender(), item.text(), item.clientMsgId(), item.media());
  }

  private static Tuple batchArguments(List<Item> items) {
    int n = items.size();
    UUID[] ids = new UUID[n];
    UUID[] conversations = new UUID[n];
    UUID[] senders = new UUID[n];
    String[] texts = new String[n];
    String[] clientMsgIds = new String[n];
    UUID[] medias = new UUID[n];
    for (int i = 0; i < n; i++) {
      Item item = items.get(i);
      ids[i] = item.id();
      conversations[i] = item.conversation();
      senders[i] = item.sender();
      texts[i] = item.text();
      clientMsgIds[i] = item.clientMsgId();
      medias[i] = item.media();
    }
    return Tuple.of(ids, conversations, senders, texts, clientMsgIds, medias);
  }

  private static Future<Sent> sent(Row row) {
    if (Boolean.TRUE.equals(row.getBoolean("duplicate"))) {
      return Future.succeededFuture(new Sent(map(row), true));
    }
    if (!row.getBoolean("participant")) {
      return Future.failedFuture(ApiException.forbidden("not a participant of this conversation"));
    }
    if (row.getUUID("id") == null) {
      Double wait = row.getDouble("wait_seconds");
      return Future.failedFuture(ApiException.rateLimited((long) Math.ceil(wait == null ? 1 : Math.max(wait, 0.001))));
    }
    return Future.succeededFuture(new Sent(map(row), false));
  }

  private Future<Message> byClientMsgId(UUID conversation, UUID sender, String clientMsgId) {
    return pool.preparedQuery(BY_CLIENT_MSG_ID).execute(Tuple.of(conversation, sender, clientMsgId))
        .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
  }

  /** Stores a system message; 404 for an unknown conversation. */
  public Future<Message> system(SystemMessage m) {
    UUID media = m.mediaId() == null ? null : Sql.id(m.mediaId(), "media");
    return pool.preparedQuery(SYSTEM)
        .execute(Tuple.of(Sql.id(m.conversationId(), "conversation"), newId(), Sql.id(m.senderId(), "user"), m.text(), media))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiException.notFound("no such conversation"))
            : Future.succeededFuture(map(rows.iterator().next())));
  }

  public Future<HistoryPage> history(History h) {
    UUID conversation = Sql.id(h.conversationId(), "conversation");
    int fetch = h.limit() + 1;
    if (h.after() != null) {
      long upper = h.before() == null ? Long.MAX_VALUE : h.before();
      return pool.preparedQuery(AFTER).execute(Tuple.of(conversation, h.after(), upper, fetch))
          .map(rows -> page(rows, h.limit(), false));
    }
    Future<RowSet<Row>> rows = h.before() == null
        ? pool.preparedQuery(NEWEST).execute(Tuple.of(conversation, fetch))
        : pool.preparedQuery(BEFORE).execute(Tuple.of(conversation, h.before(), fetch));
    return rows.map(r -> page(r, h.limit(), true));
  }

  private static HistoryPage page(RowSet<Row> rows, int limit, boolean descending) {
    List<Message> items = new ArrayList<>();
    rows.forEach(r -> items.add(map(r)));
    boolean more = items.size() > limit;
    List<Message> page = new ArrayList<>(more ? items.subList(0, limit) : items);
    if (descending) {
      Collections.reverse(page);
    }
    return new HistoryPage(List.copyOf(page), more);
  }

  public Future<List<Message>> range(Range r) {
    return pool.preparedQuery(RANGE)
        .execute(Tuple.of(Sql.id(r.conversationId(), "conversation"), r.after(), r.upTo(), r.limit(), r.visibleOnly()))
        .map(rows -> {
          List<Message> list = new ArrayList<>();
          rows.forEach(row -> list.add(map(row)));
          return list;
        });
  }

  public Future<Message> recall(Recall r) {
    UUID conversation = Sql.id(r.conversationId(), "conversation");
    return pool.withTransaction(c -> c.preparedQuery(LOCK_MESSAGE).execute(Tuple.of(conversation, r.seq())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("no such message"));
      }
      Row row = rows.iterator().next();
      UUID sender = row.getUUID("sender_id");
      if (sender == null || !sender.toString().equals(r.userId())) {
        return Future.failedFuture(ApiException.forbidden("only the sender may recall a message"));
      }
      if (!Message.VISIBLE.equals(row.getString("state"))) {
        return Future.<Void>succeededFuture();
      }
      if (row.getDouble("age") > r.windowSeconds()) {
        return Future.failedFuture(new ApiException(409, "recall_window_passed",
            "messages can be recalled within " + r.windowSeconds() + " s of sending"));
      }
      return c.preparedQuery(TOMBSTONE).execute(Tuple.of(conversation, r.seq(), Message.RECALLED)).<Void>mapEmpty();
    })).compose(v -> bySeq(conversation, r.seq()));
  }

  public Future<Message> delete(Delete d) {
    UUID conversation = Sql.id(d.conversationId(), "conversation");
    return pool.withTransaction(c -> c.preparedQuery(LOCK_MESSAGE).execute(Tuple.of(conversation, d.seq())).compose(rows -> {
      if (rows.size() == 0) {
        return Future.failedFuture(ApiException.notFound("no such message"));
      }
      Row row = rows.iterator().next();
      UUID sender = row.getUUID("sender_id");
      boolean own = sender != null && sender.toString().equals(d.userId());
      if (!own && !d.moderator()) {
        return Future.failedFuture(ApiException.forbidden("only the sender, the owner or a moderator may delete a message"));
      }
      if (!Message.VISIBLE.equals(row.getString("state"))) {
        return Future.<Void>succeededFuture();
      }
      return c.preparedQuery(TOMBSTONE).execute(Tuple.of(conversation, d.seq(), Message.DELETED)).<Void>mapEmpty();
    })).compose(v -> bySeq(conversation, d.seq()));
  }

  private Future<Message> bySeq(UUID conversation, long seq) {
    return pool.preparedQuery(BY_SEQ).execute(Tuple.of(conversation, seq)).compose(rows -> rows.size() == 0
        ? Future.failedFuture(ApiException.notFound("no such message"))
        : Future.succeededFuture(map(rows.iterator().next())));
  }

  static Message map(Row r) {
    UUID sender = r.getUUID("sender_id");
    UUID avatar = r.getUUID("avatar_id");
    return new Message(r.getUUID("id").toString(), r.getUUID("conversation_id").toString(), r.getLong("seq"), r.getString("kind"),
        sender == null ? null : sender.toString(), r.getString("username"), r.getString("display_name"),
        avatar == null ? null : "/media/" + avatar, r.getString("text"), r.getOffsetDateTime("created_at"),
        r.getString("client_msg_id"), r.getString("state"), image(r));
  }

  private static Message.Image image(Row r) {
    UUID media = r.getUUID("media_id");
    return media == null ? null
        : new Message.Image(media.toString(), r.getInteger("media_width"), r.getInteger("media_height"), r.getInteger("media_size"));
  }
}
