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

  static final String PURGE = """
      WITH doomed AS (
        SELECT m.id
          FROM conversations c
          JOIN messages m ON m.conversation_id = c.id
         WHERE (c.retention_max_age_seconds IS NOT NULL OR c.retention_max_messages IS NOT NULL)
           AND ($1::uuid IS NULL OR c.id = $1)
           AND ((c.retention_max_age_seconds IS NOT NULL
                 AND m.created_at < now() - make_interval(secs => c.retention_max_age_seconds))
             OR (c.retention_max_messages IS NOT NULL AND m.seq <= c.last_seq - c.retention_max_messages))
         LIMIT $2)
      DELETE FROM messages WHERE id IN (SELECT id FROM doomed)""";

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
