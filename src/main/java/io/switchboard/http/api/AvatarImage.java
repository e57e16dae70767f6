package io.switchboard.http.api;

import io.switchboard.error.ApiException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import net.coobird.thumbnailator.Thumbnails;

/**
 * Turns an uploaded picture into a stored avatar: JPEG, PNG, GIF or WebP in, PNG of at most
 * {@link #MAX_SIDE} px a side out. The dimensions are read from the header first, so a small file
 * that claims a huge picture (a decompression bomb) is refused before any pixel is decoded.
 * Blocking: run on a worker thread.
 */
final class AvatarImage {

  static final int MAX_SIDE = 256;
  static final int MAX_SOURCE_SIDE = 8000;
  static final long MAX_SOURCE_PIXELS = 40_000_000L;
  static final Set<String> FORMATS = Set.of("jpeg", "jpg", "png", "gif", "webp");

  record Result(byte[] png, int width, int height) {
  }

  private AvatarImage() {
  }

  static Result fromFile(Path file) {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
      if (readers == null || !readers.hasNext()) {
        throw unsupported();
      }
      ImageReader reader = readers.next();
      try {
        if (!FORMATS.contains(reader.getFormatName().toLowerCase(Locale.ROOT))) {
          throw unsupported();
        }
        reader.setInput(in, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        if (width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE || (long) width * height > MAX_SOURCE_PIXELS) {
          throw new ApiException(413, "too_large",
              "image is " + width + "x" + height + "; at most " + MAX_SOURCE_SIDE + " px a side and 40 megapixels");
        }
        // decode large pictures subsampled: enough pixels for a good 256 px result, far less memory
        ImageReadParam param = reader.getDefaultReadParam();
        int step = Math.max(1, Math.max(width, height) / (MAX_SIDE * 2));
        param.setSourceSubsampling(step, step, 0, 0);
        BufferedImage image = reader.read(0, param);
        return resize(image);
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof ApiException api) {
        throw api;
      }
      throw unsupported();
    }
  }

  private static Result resize(BufferedImage image) throws IOException {
    var builder = Thumbnails.of(image);
    if (image.getWidth() > MAX_SIDE || image.getHeight() > MAX_SIDE) {
      builder.size(MAX_SIDE, MAX_SIDE).keepAspectRatio(true);
    } else {
      builder.scale(1.0);
    }
    BufferedImage out = builder.asBufferedImage();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(out, "png", bytes);
    return new Result(bytes.toByteArray(), out.getWidth(), out.getHeight());
  }

  private static ApiException unsupported() {
    return new ApiException(415, "unsupported_media_type", "file: not a JPEG, PNG, GIF or WebP image");
  }
}
