package io.switchboard.media;

/** A re-encoded picture: its bytes (PNG or JPEG, no metadata), their content type and its size in pixels. */
public record Processed(byte[] bytes, String contentType, int width, int height) {

  public static final String PNG = "image/png";
  public static final String JPEG = "image/jpeg";
}
