package io.switchboard.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.switchboard.error.ApiException;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ImageProcessor.process directly, for the message profile (no endpoint takes message pictures yet) and the avatar one. */
class ImageProcessorTest {

  static final int LIMIT = 204_800;

  @TempDir
  Path dir;

  Processed process(byte[] bytes, Profile profile) throws IOException {
    Path file = Files.createTempFile(dir, "upload", ".bin");
    Files.write(file, bytes);
    return ImageProcessor.process(file, profile);
  }

  static BufferedImage decode(Processed p) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(p.bytes()));
    assertThat(image).isNotNull();
    assertThat(image.getWidth()).isEqualTo(p.width());
    assertThat(image.getHeight()).isEqualTo(p.height());
    return image;
  }

  static ApiException refusal(ThrowingCall call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected an ApiException, got " + e, e);
    }
    throw new AssertionError("expected an ApiException");
  }

  interface ThrowingCall {
    void run() throws Exception;
  }

  @Test
  void aLargePhotoComesBackWithinTheByteAndSideLimits() throws Exception {
    byte[] source = TestImages.photoLikePng(3000, 3000);
    assertThat(source.length).isGreaterThan(5 * LIMIT);
    Processed p = process(source, Profile.MESSAGE);
    assertThat(p.contentType()).isEqualTo("image/jpeg");
    assertThat(p.bytes().length).isLessThanOrEqualTo(LIMIT);
    assertThat(Math.max(p.width(), p.height())).isLessThanOrEqualTo(2048);
    assertThat(p.width()).isEqualTo(p.height());
    decode(p);
  }

  @Test
  void aWidePhotoKeepsItsAspect() throws Exception {
    Processed p = process(TestImages.photoLikePng(3000, 1500), Profile.MESSAGE);
    assertThat(p.bytes().length).isLessThanOrEqualTo(LIMIT);
    assertThat(p.width()).isLessThanOrEqualTo(2048);
    assertThat((double) p.width() / p.height()).isCloseTo(2.0, org.assertj.core.data.Offset.offset(0.02));
    decode(p);
  }

  @Test
  void aSmallPictureKeepsItsSize() throws Exception {
    Processed p = process(TestImages.photoLikeJpeg(640, 480), Profile.MESSAGE);
    assertThat(p.contentType()).isEqualTo("image/jpeg");
    assertThat(p.width()).isEqualTo(640);
    assertThat(p.height()).isEqualTo(480);
  }

  @Test
  void exifOrientationIsAppliedAndMetadataStripped() throws Exception {
    byte[] source = TestImages.exifRotatedJpeg();
    assertThat(TestImages.hasApp1(source)).isTrue();
    Processed p = process(source, Profile.MESSAGE);
    assertThat(p.contentType()).isEqualTo("image/jpeg");
    assertThat(TestImages.hasApp1(p.bytes())).isFalse();
    BufferedImage upright = decode(p);
    // stored 400x200 with the marker top left; turned 90° clockwise: 200x400, marker top right
    assertThat(upright.getWidth()).isEqualTo(200);
    assertThat(upright.getHeight()).isEqualTo(400);
    assertThat(isMarker(upright.getRGB(200 - 20, 20))).isTrue();
    assertThat(isMarker(upright.getRGB(20, 20))).isFalse();
    assertThat(isMarker(upright.getRGB(200 - 20, 400 - 20))).isFalse();
  }

  @Test
  void everyExifOrientationPutsTheMarkerWhereItBelongs() throws Exception {
    // where the stored top-left corner is seen, per orientation (x, y as fractions of the upright picture)
    int[][] corner = {null, {0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}, {1, 0}, {1, 1}, {0, 1}};
    for (int orientation = 1; orientation <= 8; orientation++) {
      BufferedImage upright = decode(process(TestImages.exifRotatedJpeg(orientation), Profile.MESSAGE));
      boolean swapped = orientation >= 5;
      assertThat(upright.getWidth()).as("orientation %d", orientation).isEqualTo(swapped ? 200 : 400);
      int x = corner[orientation][0] == 0 ? 20 : upright.getWidth() - 20;
      int y = corner[orientation][1] == 0 ? 20 : upright.getHeight() - 20;
      assertThat(isMarker(upright.getRGB(x, y))).as("orientation %d", orientation).isTrue();
    }
  }

  static boolean isMarker(int rgb) {
    Color c = new Color(rgb);
    return c.getRed() > 200 && c.getGreen() < 60 && c.getBlue() < 60;
  }

  @Test
  void transparencyStaysPngWhenItFits() throws Exception {
    Processed p = process(TestImages.transparentPng(300, 200), Profile.MESSAGE);
    assertThat(p.contentType()).isEqualTo("image/png");
    assertThat(p.bytes().length).isLessThanOrEqualTo(LIMIT);
    BufferedImage image = decode(p);
    assertThat(image.getColorModel().hasAlpha()).isTrue();
    assertThat(image.getRGB(0, 0) >>> 24).isZero();
    assertThat(image.getRGB(150, 100) >>> 24).isEqualTo(0xFF);
    // nothing but the picture: no text or EXIF chunks
    String chunks = new String(p.bytes(), StandardCharsets.ISO_8859_1);
    assertThat(chunks).doesNotContain("tEXt").doesNotContain("iTXt").doesNotContain("zTXt").doesNotContain("eXIf");
  }

  @Test
  void transparencyThatDoesNotFitAsPngBecomesJpegOnWhite() throws Exception {
    Processed p = process(TestImages.transparentNoisePng(1600, 1600), Profile.MESSAGE);
    assertThat(p.contentType()).isEqualTo("image/jpeg");
    assertThat(p.bytes().length).isLessThanOrEqualTo(LIMIT);
    BufferedImage image = decode(p);
    // the left half was half transparent: mixed with white it is light
    Color left = new Color(image.getRGB(5, image.getHeight() / 2));
    assertThat(left.getRed() + left.getGreen() + left.getBlue()).isGreaterThan(3 * 120);
  }

  @Test
  void gifAndWebpAreAccepted() throws Exception {
    Processed gif = process(TestImages.gif(), Profile.MESSAGE);
    assertThat(gif.width()).isEqualTo(60);
    assertThat(gif.height()).isEqualTo(40);
    decode(gif);

    Processed webp = process(TestImages.webp(), Profile.MESSAGE);
    assertThat(webp.width()).isEqualTo(48);
    assertThat(webp.height()).isEqualTo(32);
    Color c = new Color(decode(webp).getRGB(10, 10));
    assertThat(c.getGreen()).isBetween(140, 180);
    assertThat(c.getRed()).isLessThan(50);
  }

  @Test
  void aHeaderThatClaimsAHugePictureIsRefusedBeforeDecoding() throws Exception {
    byte[] bomb = TestImages.bombPng(50_000, 50_000);
    assertThat(bomb.length).isLessThan(16 * 1024);
    long before = usedHeap();
    ApiException e = refusal(() -> process(bomb, Profile.MESSAGE));
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.code()).isEqualTo("too_large");
    assertThat(e.getMessage()).contains("50000x50000");
    // 2.5 GB of raster was never allocated (a generous bound: the test's own garbage counts too)
    assertThat(usedHeap() - before).isLessThan(256L << 20);

    assertThat(refusal(() -> process(TestImages.bombPng(10_001, 10), Profile.MESSAGE)).status()).isEqualTo(413);
    // 8000 x 7000 = 56 MP: each side allowed, too many pixels
    assertThat(refusal(() -> process(TestImages.bombPng(8_000, 7_000), Profile.MESSAGE)).status()).isEqualTo(413);
  }

  static long usedHeap() {
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  @Test
  void whatIsNotAnAcceptedPictureIsUnsupported() throws Exception {
    for (byte[] bytes : new byte[][] {
        "this is not a picture at all".getBytes(StandardCharsets.UTF_8),
        new byte[0],
        TestImages.solid(20, 20, Color.RED, "bmp"),
        Arrays.copyOf(TestImages.photoLikePng(200, 200), 300),   // a PNG cut short: its header reads, its data does not
        Arrays.copyOf(TestImages.webp(), 20),
        Arrays.copyOf(TestImages.gif(), 8)}) {
      ApiException e = refusal(() -> process(bytes, Profile.MESSAGE));
      assertThat(e.status()).isEqualTo(415);
      assertThat(e.code()).isEqualTo("unsupported_media_type");
    }
  }

  @Test
  void whatADecoderThrowsBecomesThisPicturesRefusal() {
    assertThat(refusal(() -> ImageProcessor.guarded(() -> {
      throw new OutOfMemoryError("Java heap space");
    })).status()).isEqualTo(413);
    assertThat(refusal(() -> ImageProcessor.guarded(() -> {
      throw new StackOverflowError();
    })).status()).isEqualTo(415);
    assertThat(refusal(() -> ImageProcessor.guarded(() -> {
      throw new ArrayIndexOutOfBoundsException(-1);
    })).code()).isEqualTo("unsupported_media_type");
    assertThat(refusal(() -> ImageProcessor.guarded(() -> {
      throw new javax.imageio.IIOException("Unsupported Image Type");
    })).status()).isEqualTo(415);
    // not about the picture: left to propagate (a 500, logged)
    assertThatThrownBy(() -> ImageProcessor.guarded(() -> {
      throw new NoClassDefFoundError("com/example/Missing");
    })).isInstanceOf(NoClassDefFoundError.class);
  }

  @Test
  void avatarsArePngsOfAtMost256Px() throws Exception {
    Processed p = process(TestImages.photoLikeJpeg(600, 400), Profile.AVATAR);
    assertThat(p.contentType()).isEqualTo("image/png");
    assertThat(p.width()).isEqualTo(256);
    assertThat(p.height()).isBetween(170, 171);
    decode(p);
    // avatars keep their historical source limits: 8000 px a side
    assertThat(refusal(() -> process(TestImages.bombPng(9_000, 2), Profile.AVATAR)).status()).isEqualTo(413);
    assertThatThrownBy(() -> process("GIF89a but not really".getBytes(StandardCharsets.US_ASCII), Profile.AVATAR))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(415));
  }
}
