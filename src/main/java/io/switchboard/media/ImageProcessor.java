package io.switchboard.media;

import io.switchboard.error.ApiException;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Re-encodes an uploaded picture for a {@link Profile}: JPEG, PNG, GIF (first frame) or WebP in,
 * recognised from the bytes; the EXIF orientation applied, no metadata, at most the profile's side
 * and bytes out (see {@link ImageEncoder}). The original bytes are never kept.
 *
 * <p>Defences: the declared dimensions are read from the header and refused (413) before any pixel
 * is decoded, so a file of a few KB that claims 50000×50000 never allocates its raster; large
 * pictures are decoded subsampled; a decoder that runs out of memory fails this picture with 413,
 * and one that crashes (a runtime exception or a stack overflow on a crafted file) with 415. Other
 * errors (linkage errors, internal VM errors) are not about the picture and are left to propagate.
 *
 * <p>Blocking and CPU-heavy: run it on {@link ImageWork}'s pool, never on an event loop.
 */
public final class ImageProcessor {

  private ImageProcessor() {
  }

  /**
   * @throws ApiException 415 {@code unsupported_media_type} for anything but a decodable JPEG, PNG,
   *     GIF or WebP; 413 {@code too_large} for declared dimensions over the profile's limits or a
   *     picture too large to decode
   */
  public static Processed process(Path file, Profile profile) {
    return guarded(() -> {
      ImageFormat format = ImageFormat.sniff(file);
      if (format == null) {
        throw unsupported();
      }
      BufferedImage image = fit(decode(file, format, profile), profile.maxSide());
      if (format == ImageFormat.JPEG) {
        image = ExifOrientation.apply(image, ExifOrientation.of(file));
      }
      return ImageEncoder.encode(image, profile);
    });
  }

  /** Work on one picture, which may throw what decoders throw. */
  interface PictureWork {
    Processed run() throws IOException;
  }

  /** Runs {@code work}, turning what a decoder may throw on a hostile file into this picture's ApiException. */
  static Processed guarded(PictureWork work) {
    try {
      return work.run();
    } catch (ApiException e) {
      throw e;
    } catch (OutOfMemoryError e) {
      // the raster (or a decoder's tables) did not fit: this upload fails, the heap is free again once it unwinds
      throw new ApiException(413, "too_large", "file: the picture is too large to decode");
    } catch (StackOverflowError | IOException | RuntimeException e) {
      throw new ApiException(415, "unsupported_media_type", "file: the picture could not be decoded");
    }
  }

  private static BufferedImage decode(Path file, ImageFormat format, Profile profile) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format.readerName);
      if (in == null || !readers.hasNext()) {
        throw unsupported();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width <= 0 || height <= 0) {
          throw unsupported();
        }
        if (width > profile.maxSourceSide() || height > profile.maxSourceSide()
            || (long) width * height > profile.maxSourcePixels()) {
          throw new ApiException(413, "too_large", "file: image is " + width + "x" + height + "; at most "
              + profile.maxSourceSide() + " px a side and " + profile.maxSourcePixels() / 1_000_000 + " megapixels");
        }
        // large pictures are decoded subsampled, to at most about twice the result's side (never below it): a
        // 50-megapixel source is read as some 12, a fraction of the memory, and still gives a good downscale
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, ceilDiv(Math.max(width, height), profile.maxSide() * 2));
        if (step > 1) {
          param.setSourceSubsampling(step, step, 0, 0);
        }
        return reader.read(0, param);
      } finally {
        reader.dispose();
      }
    }
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /**
   * Scaled down (never up) to at most {@code maxSide} on its long side, keeping the aspect ratio, as
   * TYPE_INT_ARGB when some pixel is not fully opaque, else TYPE_INT_RGB, whatever the source's
   * layout (grey, indexed, 16-bit). The copy to the int layout comes first: Thumbnailator's
   * downscale is several times faster from it than from the readers' byte layouts.
   */
  static BufferedImage fit(BufferedImage source, int maxSide) throws IOException {
    BufferedImage image = normalize(source);
    if (image.getWidth() > maxSide || image.getHeight() > maxSide) {
      return Thumbnails.of(image).size(maxSide, maxSide).keepAspectRatio(true).imageType(image.getType()).asBufferedImage();
    }
    return image;
  }

  private static BufferedImage normalize(BufferedImage source) {
    boolean alpha = source.getColorModel().hasAlpha() && translucent(source);
    int type = alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    if (source.getType() == type) {
      return source;
    }
    BufferedImage out = new BufferedImage(source.getWidth(), source.getHeight(), type);
    Graphics2D g = out.createGraphics();
    try {
      g.drawImage(source, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static boolean translucent(BufferedImage image) {
    int w = image.getWidth();
    int[] row = new int[w];
    for (int y = 0; y < image.getHeight(); y++) {
      image.getRGB(0, y, w, 1, row, 0, w);
      for (int argb : row) {
        if (argb >>> 24 != 0xFF) {
          return true;
        }
      }
    }
    return false;
  }

  static ApiException unsupported() {
    return new ApiException(415, "unsupported_media_type", "file: not a JPEG, PNG, GIF or WebP image");
  }
}
