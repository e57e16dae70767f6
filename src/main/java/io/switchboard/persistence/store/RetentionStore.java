package io.switchboard.persistence.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Applies conversations' retention: messages older than {@code maxAgeSeconds} or below the newest
 * {@code maxMessages} (seqs have no gaps, so those are exactly the seqs up to
 * {@code last_seq - maxMessages}). One bounded batch per call, each its own short statement, so no
 * lock is held for long; callers repeat while a batch comes back full.
 */
public final class RetentionStore {

  /** One batch; {@code conversationId} null means every conversation with a retention setting. */
  public record Batch(String conversationId, int limit) {
  }

  /**
   * Walks each conversation's oldest messages by {@code (conversation_id, seq)}, the primary key:
   * {@code created_at} grows with {@code seq}, so the messages past the age limit are the oldest ones.
   * A conversation is only walked when something is due: its oldest message is past the age limit,
   * or its oldest seq is at most {@code last_seq - maxMessages} (the seqs up to there are due); one
   * with nothing due costs an index probe or two.
   */
  static final String PURGE = """
      WITH due AS (
        SELECT c.id, c.last_seq, c.retention_max_age_seconds, c.retention_max_messages
          FROM conversations c
         WHERE (c.retention_max_age_seconds IS NOT NULL OR c.retention_max_messages IS NOT NULL)
           AND ($1::uuid IS NULL OR c.id = $1)
           AND ((c.retention_max_messages IS NOT NULL
                 AND (SELECT y.seq FROM messages y WHERE y.conversation_id = c.id ORDER BY y.seq LIMIT 1)
                     <= c.last_seq - c.retention_max_messages)
             OR (c.retention_max_age_seconds IS NOT NULL
                 AND (SELECT y.created_at FROM messages y WHERE y.conversation_id = c.id ORDER BY y.seq LIMIT 1)
                     < now() - make_interval(secs => c.retention_max_age_seconds)))),
      doomed AS (
        SELECT m.conversation_id, m.seq
          FROM due c
          CROSS JOIN LATERAL (
            SELECT x.conversation_id, x.seq, x.created_at FROM messages x
             WHERE x.conversation_id = c.id ORDER BY x.seq LIMIT $2) m
         WHERE (c.retention_max_age_seconds IS NOT NULL
                AND m.created_at < now() - make_interval(secs => c.retention_max_age_seconds))
            OR (c.retention_max_messages IS NOT NULL AND m.seq <= c.last_seq - c.retention_max_messages)
         LIMIT $2)
      DELETE FROM messages d USING doomed WHERE d.conversation_id = doomed.conversation_id AND d.seq = doomed.seq""";

  private final Pool pool;

  public RetentionStore(Pool pool) {
    this.pool = pool;
  }

  /** Deletes at most {@code limit} expired messages; answers how many. */
  public Future<Integer> purge(Batch b) {
    UUID conversation = b.conversationId() == null ? null : Sql.id(b.conversationId(), "conversation");
    return pool.preparedQuery(PURGE).execute(Tuple.of(conversation, b.limit())).map(r -> r.rowCount());
  }
}
