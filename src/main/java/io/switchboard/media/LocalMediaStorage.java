package io.switchboard.media;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import java.nio.file.Path;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Pictures as files under {@code SWITCHBOARD_MEDIA_DIR} (default {@code <data.dir>/media}), one per
 * key, in a sub-folder named after the key's first two characters; written to a temporary name and
 * moved into place, so a reader never sees half a file. Non-blocking (Vert.x's file system). With
 * several nodes the folder must be one they share.
 */
public final class LocalMediaStorage implements MediaStorage {

  private static final Pattern KEY = Pattern.compile("[0-9a-f-]{36}");

  private final FileSystem fs;
  private final Path root;

  public LocalMediaStorage(Vertx vertx, Path root) {
    this.fs = vertx.fileSystem();
    this.root = root.toAbsolutePath().normalize();
  }

  private Path path(String key) {
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("not a media key: " + key);
    }
    return root.resolve(key.substring(0, 2)).resolve(key);
  }

  @Override
  public Future<Void> write(String key, Buffer bytes) {
    Path target = path(key);
    String temporary = target.resolveSibling("." + key + "." + UUID.randomUUID() + ".tmp").toString();
    return fs.mkdirs(target.getParent().toString())
        .compose(v -> fs.writeFile(temporary, bytes))
        .compose(v -> fs.move(temporary, target.toString(), new CopyOptions().setReplaceExisting(true)))
        .recover(e -> fs.delete(temporary).transform(x -> Future.failedFuture(e)));
  }

  @Override
  public Future<Buffer> read(String key) {
    return fs.readFile(path(key).toString());
  }

  @Override
  public Future<Void> delete(String key) {
    String file = path(key).toString();
    return fs.exists(file).compose(there -> there ? fs.delete(file) : Future.succeededFuture());
  }
}
