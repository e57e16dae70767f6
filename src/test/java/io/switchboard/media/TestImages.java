package io.switchboard.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Picture fixtures for upload tests, built in memory: photo-like pictures that do not compress
 * trivially, a JPEG with an EXIF orientation, a decompression-bomb PNG header, GIF and WebP.
 */
public final class TestImages {

  /** The marker colour {@link #exifRotatedJpeg()} paints in the stored picture's top-left corner. */
  public static final Color MARKER = new Color(255, 0, 0);

  private TestImages() {
  }

  /** Gradients, circles and per-pixel noise (seeded): roughly what a photo costs to compress. */
  public static BufferedImage photoLike(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Random random = new Random(width * 31L + height);
    int[] row = new int[width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = clamp(255 * x / width + random.nextInt(41) - 20);
        int g = clamp(255 * y / height + random.nextInt(41) - 20);
        int b = clamp(128 + (int) (100 * Math.sin((x + y) / 37.0)) + random.nextInt(41) - 20);
        row[x] = r << 16 | g << 8 | b;
      }
      image.setRGB(0, y, width, 1, row, 0, width);
    }
    return image;
  }

  public static byte[] photoLikePng(int width, int height) {
    return write(photoLike(width, height), "png");
  }

  public static byte[] photoLikeJpeg(int width, int height) {
    return write(photoLike(width, height), "jpeg");
  }

  /** An opaque picture in {@code format} (any ImageIO writes: png, jpeg, gif, bmp). */
  public static byte[] solid(int width, int height, Color color, String format) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(color);
    g.fillRect(0, 0, width, height);
    g.dispose();
    return write(image, format);
  }

  /** A PNG with real transparency: a blue disc on a clear background. */
  public static byte[] transparentPng(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.BLUE);
    g.fillOval(width / 4, height / 4, width / 2, height / 2);
    g.dispose();
    return write(image, "png");
  }

  /** A transparent PNG of noise, too big to stay PNG within 204,800 bytes. */
  public static byte[] transparentNoisePng(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
    BufferedImage photo = photoLike(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int alpha = x < width / 2 ? 0x80 : 0xFF;
        image.setRGB(x, y, alpha << 24 | (photo.getRGB(x, y) & 0xFFFFFF));
      }
    }
    return write(image, "png");
  }

  /** A 60×40 GIF, orange with a blue bar. */
  public static byte[] gif() {
    BufferedImage image = new BufferedImage(60, 40, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, 60, 40);
    g.setColor(Color.BLUE);
    g.fillRect(10, 10, 20, 20);
    g.dispose();
    return write(image, "gif");
  }

  /**
   * A 400×200 JPEG (as stored) whose EXIF APP1 says {@code orientation}; its top-left 40×40 corner
   * is {@link #MARKER} red, the rest grey. Upright with orientation 6 it is 200×400 with the marker
   * at the top right.
   */
  public static byte[] exifRotatedJpeg(int orientation) {
    BufferedImage image = new BufferedImage(400, 200, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.GRAY);
    g.fillRect(0, 0, 400, 200);
    g.setColor(MARKER);
    g.fillRect(0, 0, 40, 40);
    g.dispose();
    return withExifOrientation(write(image, "jpeg"), orientation);
  }

  public static byte[] exifRotatedJpeg() {
    return exifRotatedJpeg(6);
  }

  /** {@code jpeg} with an APP1 Exif segment (big-endian TIFF, IFD0 holding only Orientation) after its SOI and JFIF APP0. */
  public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
    ByteArrayOutputStream tiff = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(tiff)) {
      out.writeBytes("Exif\0\0");
      out.writeBytes("MM");
      out.writeShort(42);
      out.writeInt(8);          // IFD0 right after the header
      out.writeShort(1);        // one entry
      out.writeShort(0x0112);   // Orientation
      out.writeShort(3);        // SHORT
      out.writeInt(1);
      out.writeShort(orientation);
      out.writeShort(0);
      out.writeInt(0);          // no next IFD
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] payload = tiff.toByteArray();
    int at = 2;
    if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
      at = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, at);
    int length = payload.length + 2;
    out.write(0xFF);
    out.write(0xE1);
    out.write(length >> 8);
    out.write(length & 0xFF);
    out.writeBytes(payload);
    out.write(jpeg, at, jpeg.length - at);
    return out.toByteArray();
  }

  /** Whether a JPEG has an APP1 segment (EXIF or XMP) before its image data. */
  public static boolean hasApp1(byte[] jpeg) {
    int i = 2;
    while (i + 4 <= jpeg.length && (jpeg[i] & 0xFF) == 0xFF) {
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xE1) {
        return true;
      }
      if (marker == 0xDA || marker == 0xD9) {
        return false;
      }
      i += 2 + ((jpeg[i + 2] & 0xFF) << 8 | (jpeg[i + 3] & 0xFF));
    }
    return false;
  }

  /**
   * A PNG whose header declares {@code width}×{@code height} grey pixels, with only a few rows of
   * compressed data: a few KB that would need width×height bytes of raster to decode.
   */
  public static byte[] bombPng(int width, int height) {
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(png)) {
      out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      try (DataOutputStream h = new DataOutputStream(ihdr)) {
        h.writeInt(width);
        h.writeInt(height);
        h.writeByte(8);   // bit depth
        h.writeByte(0);   // greyscale
        h.writeByte(0);
        h.writeByte(0);
        h.writeByte(0);
      }
      chunk(out, "IHDR", ihdr.toByteArray());
      Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
      deflater.setInput(new byte[(int) Math.min(4L << 20, 16L * (width + 1L))]);
      deflater.finish();
      byte[] buffer = new byte[64 << 10];
      int n = deflater.deflate(buffer);
      deflater.end();
      chunk(out, "IDAT", java.util.Arrays.copyOf(buffer, n));
      chunk(out, "IEND", new byte[0]);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return png.toByteArray();
  }

  private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    out.writeInt(data.length);
    out.write(name);
    out.write(data);
    CRC32 crc = new CRC32();
    crc.update(name);
    crc.update(data);
    out.writeInt((int) crc.getValue());
  }

  /**
   * A lossless WebP (VP8L) of {@code width}×{@code height} pixels of one colour, written here: no
   * transforms, no colour cache, and five "simple" prefix codes of one symbol each (green, red,
   * blue, alpha, distance), so every pixel takes zero bits and the file is 40-odd bytes.
   * ImageIO (TwelveMonkeys) reads WebP but cannot write it.
   */
  public static byte[] webp(int width, int height, Color color) {
    Bits bits = new Bits();
    bits.put(0x2F, 8);                 // VP8L signature
    bits.put(width - 1, 14);
    bits.put(height - 1, 14);
    bits.put(0, 1);                    // alpha_is_used: no
    bits.put(0, 3);                    // version 0
    bits.put(0, 1);                    // no transform
    bits.put(0, 1);                    // no colour cache
    bits.put(0, 1);                    // no meta prefix codes
    for (int symbol : new int[] {color.getGreen(), color.getRed(), color.getBlue(), 0xFF}) {
      bits.put(1, 1);                  // simple code
      bits.put(0, 1);                  // one symbol
      bits.put(1, 1);                  // of 8 bits
      bits.put(symbol, 8);
    }
    bits.put(1, 1);                    // distance: simple code, one 1-bit symbol: 0
    bits.put(0, 1);
    bits.put(0, 1);
    bits.put(0, 1);
    // eight zero bytes after the stream: TwelveMonkeys' bit reader fills its buffer a long at a time and would hit the file's end
    byte[] stream = bits.bytes();
    byte[] vp8l = java.util.Arrays.copyOf(stream, stream.length + 8);
    int chunk = vp8l.length + (vp8l.length & 1);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("RIFF".getBytes(StandardCharsets.US_ASCII));
    writeLe32(out, 4 + 8 + chunk);
    out.writeBytes("WEBPVP8L".getBytes(StandardCharsets.US_ASCII));
    writeLe32(out, vp8l.length);
    out.writeBytes(vp8l);
    if ((vp8l.length & 1) == 1) {
      out.write(0);
    }
    return out.toByteArray();
  }

  public static byte[] webp() {
    return webp(48, 32, new Color(20, 160, 60));
  }

  private static void writeLe32(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >> 8);
    out.write(v >> 16);
    out.write(v >> 24);
  }

  /** VP8L's bit order: least significant bit first. */
  private static final class Bits {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int current;
    private int used;

    void put(int value, int count) {
      for (int i = 0; i < count; i++) {
        current |= ((value >> i) & 1) << used;
        if (++used == 8) {
          out.write(current);
          current = 0;
          used = 0;
        }
      }
    }

    byte[] bytes() {
      if (used > 0) {
        out.write(current);
        current = 0;
        used = 0;
      }
      return out.toByteArray();
    }
  }

  public static byte[] write(BufferedImage image, String format) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }
}
