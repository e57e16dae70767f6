package io.switchboard.media;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Writes a decoded picture (TYPE_INT_RGB, or TYPE_INT_ARGB when it has transparency) within a
 * profile's byte limit. A picture with transparency stays PNG when that fits; otherwise (and for
 * every opaque picture) it becomes a JPEG, on white where it was transparent: the quality steps down
 * first, then the size, until it fits. Nothing but pixels is written: no EXIF, no text chunks (the
 * JPEG has only its JFIF header).
 */
final class ImageEncoder {

  /** Qualities tried at full size, best first. */
  static final float[] QUALITIES = {0.85f, 0.75f, 0.65f, 0.55f, 0.45f};
  /** The quality of the smaller sizes tried after that: a smaller sharp picture reads better than a blurred large one. */
  static final float SMALLER_QUALITY = 0.75f;
  private static final int MIN_SIDE = 16;

  private ImageEncoder() {
  }

  static Processed encode(BufferedImage image, Profile profile) throws IOException {
    BufferedImage opaque = image;
    if (!profile.jpegAllowed() || image.getColorModel().hasAlpha()) {
      byte[] png = png(image);
      if (!profile.jpegAllowed() || png.length <= profile.maxBytes()) {
        return new Processed(png, Processed.PNG, image.getWidth(), image.getHeight());
      }
      opaque = onWhite(image);
    }
    return jpegWithin(opaque, profile.maxBytes());
  }

  private static Processed jpegWithin(BufferedImage image, int maxBytes) throws IOException {
    byte[] atSmallerQuality = null;
    for (float quality : QUALITIES) {
      byte[] jpeg = jpeg(image, quality);
      if (jpeg.length <= maxBytes) {
        return new Processed(jpeg, Processed.JPEG, image.getWidth(), image.getHeight());
      }
      if (quality == SMALLER_QUALITY) {
        atSmallerQuality = jpeg;
      }
    }
    int width = image.getWidth();
    int height = image.getHeight();
    byte[] last = atSmallerQuality != null ? atSmallerQuality : jpeg(image, SMALLER_QUALITY);
    while (true) {
      // bytes grow about with the pixel count: aim a little under the limit, shrinking by at least a tenth a step
      double factor = Math.min(0.9, Math.sqrt((double) maxBytes / last.length) * 0.95);
      width = Math.max(1, (int) Math.round(width * factor));
      height = Math.max(1, (int) Math.round(height * factor));
      BufferedImage smaller = Thumbnails.of(image).forceSize(width, height).imageType(BufferedImage.TYPE_INT_RGB).asBufferedImage();
      last = jpeg(smaller, SMALLER_QUALITY);
      if (last.length <= maxBytes || Math.max(width, height) <= MIN_SIDE) {
        if (last.length > maxBytes) {
          last = jpeg(smaller, QUALITIES[QUALITIES.length - 1]);
        }
        if (last.length > maxBytes) {
          throw new IllegalStateException("a " + width + "x" + height + " JPEG is still over " + maxBytes + " bytes");
        }
        return roomLeft(image, new Processed(last, Processed.JPEG, width, height), maxBytes);
      }
    }
  }

  /** One step back up when the size estimate overshot by much (over 15 % of the limit unused): the largest picture that fits is the goal. */
  private static Processed roomLeft(BufferedImage image, Processed fits, int maxBytes) throws IOException {
    if (fits.bytes().length >= maxBytes * 0.85) {
      return fits;
    }
    double factor = Math.sqrt((double) maxBytes / fits.bytes().length) * 0.97;
    int width = Math.min(image.getWidth(), (int) Math.round(fits.width() * factor));
    int height = Math.min(image.getHeight(), (int) Math.round(fits.height() * factor));
    if (width <= fits.width() || height <= fits.height()) {
      return fits;
    }
    BufferedImage larger = Thumbnails.of(image).forceSize(width, height).imageType(BufferedImage.TYPE_INT_RGB).asBufferedImage();
    byte[] jpeg = jpeg(larger, SMALLER_QUALITY);
    return jpeg.length <= maxBytes ? new Processed(jpeg, Processed.JPEG, width, height) : fits;
  }

  static BufferedImage onWhite(BufferedImage image) {
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, out.getWidth(), out.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  static byte[] png(BufferedImage image) throws IOException {
    return write(image, "png", null);
  }

  static byte[] jpeg(BufferedImage image, float quality) throws IOException {
    return write(image, "jpeg", quality);
  }

  private static byte[] write(BufferedImage image, String format, Float quality) throws IOException {
    ImageWriter writer = ImageIO.getImageWritersByFormatName(format).next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    // in memory: the default ImageIO streams may cache through temporary files
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      if (quality != null) {
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
      }
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
