package io.switchboard.media;

import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The EXIF Orientation tag (0x0112) of a JPEG, read from its APP1 segment without a metadata
 * library, and the turn or mirror that makes the picture upright. Any damage in the segments means
 * "no orientation" (1): a picture is never refused for its metadata.
 */
final class ExifOrientation {

  static final int NORMAL = 1;
  private static final int TAG_ORIENTATION = 0x0112;
  private static final int SHORT = 3;
  /** Metadata segments are read up to this far into the file; the scan stops earlier at the first image data. */
  private static final long MAX_SCAN = 1 << 20;

  private ExifOrientation() {
  }

  /** The orientation (1 to 8) declared by the JPEG's first Exif APP1 segment, 1 when there is none. */
  static int of(Path jpeg) {
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(jpeg)))) {
      if (in.readUnsignedShort() != 0xFFD8) {
        return NORMAL;
      }
      long read = 2;
      while (read < MAX_SCAN) {
        int marker = in.readUnsignedShort();
        if ((marker & 0xFF00) != 0xFF00 || marker == 0xFFDA || marker == 0xFFD9) {
          return NORMAL;
        }
        int length = in.readUnsignedShort();
        if (length < 2) {
          return NORMAL;
        }
        byte[] segment = new byte[length - 2];
        in.readFully(segment);
        read += 2 + length;
        if (marker == 0xFFE1 && segment.length > 14 && new String(segment, 0, 6, StandardCharsets.ISO_8859_1).equals("Exif\0\0")) {
          return fromTiff(ByteBuffer.wrap(segment, 6, segment.length - 6).slice());
        }
      }
      return NORMAL;
    } catch (IOException | RuntimeException e) {
      // truncated or damaged segments: the picture itself may still decode
      return NORMAL;
    }
  }

  private static int fromTiff(ByteBuffer tiff) {
    if (tiff.get(0) == 'I' && tiff.get(1) == 'I') {
      tiff.order(ByteOrder.LITTLE_ENDIAN);
    } else if (tiff.get(0) != 'M' || tiff.get(1) != 'M') {
      return NORMAL;
    }
    if ((tiff.getShort(2) & 0xFFFF) != 42) {
      return NORMAL;
    }
    int ifd = tiff.getInt(4);
    int entries = tiff.getShort(ifd) & 0xFFFF;
    for (int i = 0; i < entries; i++) {
      int entry = ifd + 2 + 12 * i;
      if ((tiff.getShort(entry) & 0xFFFF) == TAG_ORIENTATION && (tiff.getShort(entry + 2) & 0xFFFF) == SHORT) {
        int value = tiff.getShort(entry + 8) & 0xFFFF;
        return value >= 1 && value <= 8 ? value : NORMAL;
      }
    }
    return NORMAL;
  }

  /**
   * The picture as it is meant to be seen: orientations 5 to 8 swap width and height. {@code image}
   * is TYPE_INT_RGB or TYPE_INT_ARGB; the result has the same type.
   */
  static BufferedImage apply(BufferedImage image, int orientation) {
    if (orientation <= NORMAL || orientation > 8) {
      return image;
    }
    int w = image.getWidth();
    int h = image.getHeight();
    boolean swap = orientation >= 5;
    int outW = swap ? h : w;
    int outH = swap ? w : h;
    int[] src = image.getRGB(0, 0, w, h, null, 0, w);
    int[] dst = new int[src.length];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int dx;
        int dy;
        switch (orientation) {
          case 2 -> { dx = w - 1 - x; dy = y; }           // mirrored
          case 3 -> { dx = w - 1 - x; dy = h - 1 - y; }   // upside down
          case 4 -> { dx = x; dy = h - 1 - y; }           // mirrored vertically
          case 5 -> { dx = y; dy = x; }                   // transposed
          case 6 -> { dx = h - 1 - y; dy = x; }           // turned 90° clockwise to be upright
          case 7 -> { dx = h - 1 - y; dy = w - 1 - x; }   // transverse
          default -> { dx = y; dy = w - 1 - x; }          // 8: turned 90° counter-clockwise to be upright
        }
        dst[dy * outW + dx] = src[y * w + x];
      }
    }
    BufferedImage out = new BufferedImage(outW, outH, image.getType());
    out.setRGB(0, 0, outW, outH, dst, 0, outW);
    return out;
  }
}
