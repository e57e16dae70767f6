package io.switchboard.media;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/**
 * Where the bytes of stored pictures live, by a key the server makes (never a name from an upload).
 * {@link LocalMediaStorage} keeps them in a folder; an object store can implement the same three
 * operations. Rows in Postgres ({@code media}) say what each key holds; a deleted row's key goes to
 * {@code media_trash}, whose files the {@code media.sweep} schedule deletes.
 */
public interface MediaStorage {

  Future<Void> write(String key, Buffer bytes);

  /** The bytes, or a failure when there are none under the key. */
  Future<Buffer> read(String key);

  /** Deletes the bytes; a key with none is not an error. */
  Future<Void> delete(String key);
}
