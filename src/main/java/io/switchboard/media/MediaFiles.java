package io.switchboard.media;

import io.switchboard.bus.Addresses;
import io.switchboard.bus.Bus;
import io.switchboard.persistence.store.MediaStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.UUID;

/**
 * Stored pictures: the bytes in {@link MediaStorage} under a generated key, the row in Postgres. The
 * bytes are written first and the row after; a row that cannot be written takes its bytes back out,
 * and a deleted row's key goes to the trash with it ({@code media_trash}), emptied by {@link #sweep}.
 */
public final class MediaFiles {

  static final int TRASH_BATCH = 500;
  static final int MAX_TRASH_BATCHES = 20;

  private final Vertx vertx;
  private final MediaStorage storage;

  public MediaFiles(Vertx vertx, MediaStorage storage) {
    this.vertx = vertx;
    this.storage = storage;
  }

  /** Stores a re-encoded picture, of a conversation ({@code conversationId}) or shared (null); answers its id. */
  public Future<String> store(String ownerId, String conversationId, Processed p) {
    String id = UUID.randomUUID().toString();
    return storage.write(id, Buffer.buffer(p.bytes()))
        .compose(v -> Bus.request(vertx, Addresses.MEDIA_CREATE,
                new MediaStore.NewMedia(id, ownerId, p.contentType(), p.width(), p.height(), p.bytes().length, conversationId, id))
            .recover(e -> storage.delete(id).transform(x -> Future.failedFuture(e))));
  }

  /** Stores a shared picture under an id made from its bytes, once however often it is stored; answers the id. */
  public Future<String> storeOnce(Processed p) {
    String id = UUID.nameUUIDFromBytes(p.bytes()).toString();
    return storage.write(id, Buffer.buffer(p.bytes()))
        .compose(v -> Bus.request(vertx, Addresses.MEDIA_PUT, new MediaStore.Put(id, p.contentType(), p.width(), p.height(), p.bytes().length)));
  }

  /** The bytes of a stored picture. */
  public Future<Buffer> bytes(MediaStore.Media m) {
    return m.bytes() != null ? Future.succeededFuture(m.bytes()) : storage.read(m.storageKey());
  }

  /**
   * The {@code media.sweep} schedule: conversation pictures left without a message, then the files of
   * deleted rows, in batches; answers the outcome text.
   */
  public Future<String> sweep() {
    return Bus.request(vertx, Addresses.MEDIA_SWEEP, (Void) null)
        .compose(orphans -> emptyTrash(0, 0).map(files -> "ok: " + orphans + " unsent pictures, " + files + " files deleted"));
  }

  private Future<Integer> emptyTrash(int batches, int done) {
    return Bus.request(vertx, Addresses.MEDIA_TRASH, TRASH_BATCH).compose(keys -> {
      if (keys.isEmpty()) {
        return Future.succeededFuture(done);
      }
      List<Future<Void>> deletes = keys.stream().map(storage::delete).toList();
      // a file that cannot be deleted now stays in the trash for the next run
      return Future.join(deletes).transform(ar -> {
        List<String> gone = new java.util.ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
          if (deletes.get(i).succeeded()) {
            gone.add(keys.get(i));
          }
        }
        return gone.isEmpty() ? Future.succeededFuture(done)
            : Bus.request(vertx, Addresses.MEDIA_TRASH_EMPTIED, gone).compose(v -> keys.size() == TRASH_BATCH && batches + 1 < MAX_TRASH_BATCHES
                ? emptyTrash(batches + 1, done + gone.size()) : Future.succeededFuture(done + gone.size()));
      });
    });
  }
}
