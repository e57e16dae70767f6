package io.switchboard.media;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** The accepted source formats, recognised from their first bytes (never from a file name or a declared type). */
enum ImageFormat {

  JPEG("jpeg"), PNG("png"), GIF("gif"), WEBP("webp");

  private static final int HEAD = 12;
  private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

  /** The ImageIO format name of its readers. */
  final String readerName;

  ImageFormat(String readerName) {
    this.readerName = readerName;
  }

  /** The format of the file, or null when its first bytes are none of the accepted ones. */
  static ImageFormat sniff(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return sniff(in.readNBytes(HEAD));
    }
  }

  static ImageFormat sniff(byte[] h) {
    if (h.length >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF) {
      return JPEG;
    }
    if (h.length >= 8 && Arrays.equals(h, 0, 8, PNG_MAGIC, 0, 8)) {
      return PNG;
    }
    if (h.length >= 6 && h[0] == 'G' && h[1] == 'I' && h[2] == 'F' && h[3] == '8' && (h[4] == '7' || h[4] == '9') && h[5] == 'a') {
      return GIF;
    }
    if (h.length >= 12 && h[0] == 'R' && h[1] == 'I' && h[2] == 'F' && h[3] == 'F'
        && h[8] == 'W' && h[9] == 'E' && h[10] == 'B' && h[11] == 'P') {
      return WEBP;
    }
    return null;
  }
}
