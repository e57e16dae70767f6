package io.switchboard.http.api;

import io.switchboard.media.ImageWork;
import io.switchboard.media.MediaFiles;
import io.switchboard.media.Profile;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The announcement presets (SPEC §4: the old rooms' "start orders", "stop orders", a countdown
 * picture): read from {@code SWITCHBOARD_ANNOUNCEMENT_PRESETS_FILE}, {@code {"presets": [{"name",
 * "text", "image"}]}} with pictures relative to the file, checked when the node starts (a bad file
 * stops the start with a message naming what is wrong). A preset's picture is re-encoded like any
 * message picture the first time it is used and stored under an id made from its bytes, so it is
 * stored once however often the node starts.
 */
public final class AnnouncementPresets {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public record Preset(String name, String text, Path image) {
  }

  /** A preset ready to send: its picture stored. */
  record Ready(String name, String text, String mediaId, Integer width, Integer height) {

    JsonObject toJson() {
      JsonObject image = mediaId == null ? null
          : new JsonObject().put("url", "/media/" + mediaId).put("width", width).put("height", height);
      return new JsonObject().put("name", name).put("text", text).put("image", image);
    }
  }

  private final MediaFiles media;
  private final ImageWork images;
  private final Map<String, Preset> presets;
  private Future<Map<String, Ready>> ready;

  AnnouncementPresets(MediaFiles media, ImageWork images, Map<String, Preset> presets) {
    this.media = media;
    this.images = images;
    this.presets = presets;
  }

  /** Reads and checks the file, in the file's order (blocking: on a worker thread, at start); no file is no presets. */
  public static Map<String, Preset> read(String file) {
    Path path = Path.of(file);
    if (!Files.exists(path)) {
      return Map.of();
    }
    JsonArray list;
    try {
      list = new JsonObject(Files.readString(path)).getJsonArray("presets");
    } catch (java.io.IOException | DecodeException | ClassCastException e) {
      throw new IllegalStateException("announcement presets " + file + ": not readable JSON {\"presets\": [...]}: " + e.getMessage());
    }
    if (list == null) {
      throw new IllegalStateException("announcement presets " + file + ": no \"presets\" array");
    }
    Map<String, Preset> presets = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      String where = "announcement presets " + file + ", preset " + i;
      if (!(list.getValue(i) instanceof JsonObject p)) {
        throw new IllegalStateException(where + ": not an object");
      }
      String name = p.getValue("name") instanceof String n ? n : null;
      if (name == null || !NAME.matcher(name).matches()) {
        throw new IllegalStateException(where + ": name must be 1-64 letters, digits, '.', '_' or '-'");
      }
      if (presets.containsKey(name)) {
        throw new IllegalStateException(where + ": name " + name + " twice");
      }
      String text = p.getValue("text") instanceof String t ? t : "";
      if (text.length() > io.switchboard.gateway.Messaging.MAX_TEXT) {
        throw new IllegalStateException(where + " (" + name + "): text longer than " + io.switchboard.gateway.Messaging.MAX_TEXT);
      }
      Path image = null;
      if (p.getValue("image") instanceof String img) {
        image = (path.getParent() == null ? Path.of(img) : path.getParent().resolve(img)).normalize();
        if (!Files.isReadable(image)) {
          throw new IllegalStateException(where + " (" + name + "): picture " + image + " is not readable");
        }
      }
      if (text.isBlank() && image == null) {
        throw new IllegalStateException(where + " (" + name + "): needs a text or an image");
      }
      presets.put(name, new Preset(name, text.isBlank() ? null : text, image));
    }
    return java.util.Collections.unmodifiableMap(presets);
  }

  boolean has(String name) {
    return presets.containsKey(name);
  }

  /** Every preset ready, in the file's order; the pictures are prepared on first use (again after a failure). */
  Future<List<Ready>> all() {
    return prepared().map(m -> new ArrayList<>(m.values()));
  }

  Future<Ready> get(String name) {
    return prepared().map(m -> m.get(name));
  }

  private Future<Map<String, Ready>> prepared() {
    if (ready == null || ready.failed()) {
      // one picture at a time: the image pool is bounded, and the presets are few
      Future<Map<String, Ready>> chain = Future.succeededFuture(new LinkedHashMap<>());
      for (Preset p : presets.values()) {
        chain = chain.compose(map -> (p.image() == null ? Future.succeededFuture(new Ready(p.name(), p.text(), null, null, null))
            : images.process(p.image(), Profile.MESSAGE).compose(img -> media.storeOnce(img)
                .map(stored -> new Ready(p.name(), p.text(), stored, img.width(), img.height()))))
            .map(r -> {
              map.put(r.name(), r);
              return map;
            }));
      }
      ready = chain;
    }
    return ready;
  }
}
