package io.switchboard.media;

import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/** The node's {@link MediaStorage}, from its configuration: today the folder {@code SWITCHBOARD_MEDIA_DIR}. */
public final class MediaStorages {

  private MediaStorages() {
  }

  public static MediaStorage of(Vertx vertx, AppConfig config) {
    String dir = config.get(Settings.MEDIA_DIR);
    return new LocalMediaStorage(vertx, dir == null ? Path.of(config.get(Settings.DATA_DIR), "media") : Path.of(dir));
  }
}
