package io.switchboard.persistence.store;

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

/**
 * Messages. A message's {@code seq} is taken from its conversation's row in the same transaction as
 * the insert, so seqs have no gaps and commit in seq order (the row lock serialises senders).
 */
public final class MessageStore {

  public record Send(String conversationId, String senderId, String text, String clientMsgId) {
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

  public record Recall(String conversationId, long seq, String userId, int windowSeconds) {
  }

  public record Delete(String conversationId, long seq, String userId, boolean moderator) {
  }

  static final String SELECT = """
      SELECT m.id, m.conversation_id, m.seq, m.kind, m.sender_id, m.text, m.client_msg_id, m.state, m.created_at,
             u.username, u.display_name, u.avatar_id
        FROM messages m
        LEFT JOIN users u ON u.id = m.sender_id
      """;
  static final String BY_CLIENT_MSG_ID = SELECT + " WHERE m.conversation_id = $1 AND m.sender_id = $2 AND m.client_msg_id = $3";
  static final String BY_SEQ = SELECT + " WHERE m.conversation_id = $1 AND m.seq = $2";
  /**
   * One message in one statement (one round trip, its own transaction): lock the sender's participant
   * row, check slow mode, then touch it, take the next seq under the conversation's row lock and
   * insert. When the sender is no participant ({@code participant = 0}) or slow mode refuses
   * ({@code wait_seconds} > 0), nothing is written and no seq is taken.
   */
  static final String SEND = """
      WITH member AS (
        SELECT c.slow_mode_seconds, extract(epoch FROM (clock_timestamp() - p.last_sent_at))::float8 AS since_last
          FROM participants p
          JOIN conversations c ON c.id = p.conversation_id
         WHERE p.conversation_id = $2 AND p.user_id = $3
           FOR UPDATE OF p),
      allowed AS (
        SELECT 1 FROM member
         WHERE slow_mode_seconds = 0 OR since_last IS NULL OR since_last >= slow_mode_seconds),
      touched AS (
        UPDATE participants SET last_sent_at = clock_timestamp()
         WHERE conversation_id = $2 AND user_id = $3 AND EXISTS (SELECT 1 FROM allowed)
        RETURNING 1),
      next AS (
        UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = now()
         WHERE id = $2 AND EXISTS (SELECT 1 FROM allowed)
        RETURNING last_seq),
      m AS (
        INSERT INTO messages (id, conversation_id, seq, kind, sender_id, text, client_msg_id)
        SELECT $1, $2, next.last_seq, 'user', $3, $4, $5 FROM next
        RETURNING *)
      SELECT (SELECT count(*) FROM member) AS participant,
             (SELECT slow_mode_seconds - since_last FROM member) AS wait_seconds,
             m.id, m.conversation_id, m.seq, m.kind, m.sender_id, m.text, m.client_msg_id, m.state, m.created_at,
             u.username, u.display_name, u.avatar_id
        FROM (SELECT 1) AS one
        LEFT JOIN m ON true
        LEFT JOIN users u ON u.id = m.sender_id""";
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

  private final Pool pool;

  public MessageStore(Pool pool) {
    this.pool = pool;
  }

  public Future<Sent> send(Send s) {
    UUID conversation = Sql.id(s.conversationId(), "conversation");
    UUID sender = Sql.id(s.senderId(), "user");
    Future<Message> existing = s.clientMsgId() == null ? Future.succeededFuture(null) : byClientMsgId(conversation, sender, s.clientMsgId());
    return existing.compose(found -> {
      if (found != null) {
        return Future.succeededFuture(new Sent(found, true));
      }
      return insert(conversation, sender, s)
          .map(m -> new Sent(m, false))
          .recover(e -> Sql.isUniqueViolation(e) && s.clientMsgId() != null
              ? byClientMsgId(conversation, sender, s.clientMsgId()).map(m -> new Sent(m, true))
              : Future.failedFuture(e));
    });
  }

  private Future<Message> insert(UUID conversation, UUID sender, Send s) {
    return pool.preparedQuery(SEND).execute(Tuple.of(UUID.randomUUID(), conversation, sender, s.text(), s.clientMsgId()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          if (row.getLong("participant") == 0) {
            return Future.failedFuture(ApiException.forbidden("not a participant of this conversation"));
          }
          if (row.getUUID("id") == null) {
            Double wait = row.getDouble("wait_seconds");
            return Future.failedFuture(ApiException.rateLimited((long) Math.ceil(wait == null ? 1 : Math.max(wait, 0.001))));
          }
          return Future.succeededFuture(map(row));
        });
  }

  private Future<Message> byClientMsgId(UUID conversation, UUID sender, String clientMsgId) {
    return pool.preparedQuery(BY_CLIENT_MSG_ID).execute(Tuple.of(conversation, sender, clientMsgId))
        .map(rows -> rows.size() == 0 ? null : map(rows.iterator().next()));
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
        r.getString("client_msg_id"), r.getString("state"));
  }
}
