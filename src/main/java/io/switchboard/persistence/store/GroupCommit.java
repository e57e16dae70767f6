package io.switchboard.persistence.store;

import io.micrometer.core.instrument.DistributionSummary;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Group commit: items that arrive while earlier batches are in flight go out together as one
 * set-based statement, so a batch costs one round trip, one statement and one commit (one WAL flush)
 * however many rows it writes. The statement takes the batch's items as arrays (built by
 * {@code arguments}, in the batch's order) and answers one row per item, in that order. Each item's
 * promise completes only after its batch committed.
 *
 * <p>Two stages: the first statement (the common case, kept small; for a batch of one item its own
 * statement, which takes the item's values, not arrays, and answers one row or none) may leave items
 * to the second (the general one) by answering a row that {@code again} accepts, or, for one item,
 * no row; those items go out together in the second statement, in order, before their keys are free
 * again, so a key's items still commit in arrival order.
 *
 * <p>Order: an item has a key (here: its conversation); a key is in at most one batch in flight at a
 * time, so the items of one key are written in arrival order. When a batch fails as a whole (one
 * item raised an error, which rolls the whole statement back), its items are written again one at a
 * time, in order, each in its own transaction, so one bad item fails alone. Only a statement the
 * server refused (a {@code PgException}: rolled back) is written again; one without an answer may
 * have committed, so its items fail. Confined to the owning verticle's event loop.
 */
final class GroupCommit<T> {

  /** A statement and how it takes a batch's items. */
  record Statement<T>(String sql, Function<List<T>, Tuple> arguments) {
  }

  private final Pool pool;
  private final Statement<T> single;
  private final Statement<T> plain;
  private final Statement<T> general;
  private final Predicate<Row> again;
  private final int maxBatch;
  private final int maxInFlight;
  private final DistributionSummary committedSizes;
  private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
  private final Set<UUID> busy = new HashSet<>();
  private int inFlight;

  /**
   * {@code single} (a batch of one) or {@code plain} first; the items whose row {@code again} accepts
   * (or that {@code single} answered no row for) then go through {@code general}; {@code committedSizes}
   * records the items each statement answered for (those it did not leave to the next).
   */
  GroupCommit(Pool pool, Statement<T> single, Statement<T> plain, Predicate<Row> again, Statement<T> general, int maxBatch,
      int maxInFlight, DistributionSummary committedSizes) {
    this.pool = pool;
    this.committedSizes = committedSizes;
    this.single = single;
    this.plain = plain;
    this.again = again;
    this.general = general;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /** Queues one item; answers its result row once its batch committed. */
  Future<Row> execute(UUID key, T item) {
    Pending<T> p = new Pending<>(key, item, Promise.promise());
    queue.add(p);
    flush();
    return p.result.future();
  }

  private void flush() {
    while (inFlight < maxInFlight && !queue.isEmpty()) {
      List<Pending<T>> batch = take();
      if (batch.isEmpty()) {
        return;
      }
      inFlight++;
      stage(batch, true).onComplete(ar -> {
        for (Pending<T> p : batch) {
          busy.remove(p.key);
        }
        inFlight--;
        flush();
      });
    }
  }

  /** The oldest items whose key is not in flight, keeping each key's arrival order. */
  private List<Pending<T>> take() {
    List<Pending<T>> batch = new ArrayList<>();
    Set<UUID> skipped = new HashSet<>();
    Set<UUID> taken = new HashSet<>();
    for (Iterator<Pending<T>> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch;) {
      Pending<T> p = it.next();
      if (skipped.contains(p.key) || (busy.contains(p.key) && !taken.contains(p.key))) {
        skipped.add(p.key);
        continue;
      }
      it.remove();
      batch.add(p);
      if (taken.add(p.key)) {
        busy.add(p.key);
      }
    }
    return batch;
  }

  /** One statement for {@code batch}; after the first stage's, the items it left go through the general one. */
  private Future<Void> stage(List<Pending<T>> batch, boolean first) {
    Statement<T> statement = !first ? general : batch.size() == 1 ? single : plain;
    return write(batch, statement).compose(rows -> {
      if (first && statement == single && rows.size() == 0) {
        return stage(batch, false);
      }
      if (rows.size() != batch.size()) {
        IllegalStateException wrong = new IllegalStateException("batch of " + batch.size() + " answered " + rows.size() + " rows");
        batch.forEach(p -> p.result.tryFail(wrong));
        return Future.<Void>succeededFuture();
      }
      List<Pending<T>> left = new ArrayList<>();
      List<Future<Row>> outcomes = new ArrayList<>(batch.size());
      for (Row row : rows) {
        Pending<T> p = batch.get(outcomes.size());
        if (first && again.test(row)) {
          Pending<T> retry = new Pending<>(p.key, p.item, Promise.promise());
          left.add(retry);
          outcomes.add(retry.result.future());
        } else {
          outcomes.add(Future.succeededFuture(row));
        }
      }
      if (left.size() < batch.size()) {
        committedSizes.record(batch.size() - left.size());
      }
      if (left.isEmpty()) {
        complete(batch, outcomes);
        return Future.<Void>succeededFuture();
      }
      // answered in the batch's order once the second statement is done, so a sender's acks keep the order of its sends
      return stage(left, false).andThen(ar -> complete(batch, outcomes));
    }, failure -> {
      if (!(failure instanceof PgException)) {
        // no answer from the server (a lost connection, a full pool): whether the statement committed is
        // unknown, so nothing is written again; the senders retry, with their clientMsgId where they have one
        batch.forEach(p -> p.result.tryFail(failure));
        return Future.<Void>succeededFuture();
      }
      if (batch.size() > 1) {
        return oneByOne(batch, 0, first);
      }
      // one item: the general statement answers what the first could not (say, a clientMsgId that another
      // node committed meanwhile), before the key is free, so the answer keeps its place in the order
      return first ? stage(batch, false) : fail(batch.get(0), failure);
    });
  }

  /** Completes each item, in order, as its row or its second-stage retry ended. */
  private void complete(List<Pending<T>> batch, List<Future<Row>> outcomes) {
    for (int i = 0; i < batch.size(); i++) {
      Future<Row> outcome = outcomes.get(i);
      Promise<Row> result = batch.get(i).result;
      if (outcome.succeeded()) {
        result.tryComplete(outcome.result());
      } else {
        result.tryFail(outcome.failed() ? outcome.cause() : new IllegalStateException("second stage left the item unanswered"));
      }
    }
  }

  private Future<RowSet<Row>> write(List<Pending<T>> batch, Statement<T> statement) {
    List<T> items = new ArrayList<>(batch.size());
    batch.forEach(p -> items.add(p.item));
    return pool.preparedQuery(statement.sql()).execute(statement.arguments().apply(items));
  }

  private Future<Void> fail(Pending<T> p, Throwable failure) {
    p.result.tryFail(failure);
    return Future.succeededFuture();
  }

  /** After a failed batch (nothing of it committed): each item alone, in order, through the same stages. */
  private Future<Void> oneByOne(List<Pending<T>> batch, int index, boolean first) {
    if (index == batch.size()) {
      return Future.succeededFuture();
    }
    return stage(List.of(batch.get(index)), first).transform(ar -> oneByOne(batch, index + 1, first));
  }

  private record Pending<T>(UUID key, T item, Promise<Row> result) {
  }
}
