package io.switchboard.media;

/**
 * What a picture is re-encoded for: the longest side and byte size of the result, the largest
 * source accepted (checked from the header, before decoding), and whether JPEG may be used.
 */
public enum Profile {

  /** A picture sent in a conversation (SPEC §4): at most 2048 px and 204,800 bytes; PNG if it has transparency and fits, else JPEG. */
  MESSAGE(2048, 204_800, 10_000, 50_000_000L, true),

  /**
   * A user's avatar: PNG of at most 256 px a side, with no byte limit (a 256 px PNG is small). The
   * source limits are the avatar's historical ones, tighter than a message picture's.
   */
  AVATAR(256, Integer.MAX_VALUE, 8_000, 40_000_000L, false);

  private final int maxSide;
  private final int maxBytes;
  private final int maxSourceSide;
  private final long maxSourcePixels;
  private final boolean jpeg;

  Profile(int maxSide, int maxBytes, int maxSourceSide, long maxSourcePixels, boolean jpeg) {
    this.maxSide = maxSide;
    this.maxBytes = maxBytes;
    this.maxSourceSide = maxSourceSide;
    this.maxSourcePixels = maxSourcePixels;
    this.jpeg = jpeg;
  }

  /** The result's longest side, in pixels. */
  public int maxSide() {
    return maxSide;
  }

  /** The result's largest size, in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /** The largest width or height a source may declare. */
  public int maxSourceSide() {
    return maxSourceSide;
  }

  /** The most pixels (width × height) a source may declare. */
  public long maxSourcePixels() {
    return maxSourcePixels;
  }

  /** Whether the result may be a JPEG (otherwise always PNG). */
  public boolean jpegAllowed() {
    return jpeg;
  }
}
