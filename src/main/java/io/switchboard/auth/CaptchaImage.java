package io.switchboard.auth;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import javax.imageio.ImageIO;

/**
 * Draws a captcha challenge: digits as jittered seven-segment strokes (no fonts needed, so it works
 * on headless servers and slim images) over noise lines. Blocking: run on a worker thread.
 */
public final class CaptchaImage {

  public static final int LENGTH = 5;
  private static final SecureRandom RANDOM = new SecureRandom();
  // segments a..g per digit
  private static final String[] SEGMENTS = {"abcdef", "bc", "abged", "abgcd", "fgbc", "afgcd", "afgedc", "abc", "abcdefg", "abcdfg"};

  private CaptchaImage() {
  }

  public record Challenge(String answer, byte[] png) {
  }

  public static Challenge create() {
    StringBuilder answer = new StringBuilder();
    for (int i = 0; i < LENGTH; i++) {
      answer.append(RANDOM.nextInt(10));
    }
    int w = 180;
    int h = 60;
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(new Color(245, 245, 240));
    g.fillRect(0, 0, w, h);
    for (int i = 0; i < 12; i++) {
      g.setColor(new Color(150 + RANDOM.nextInt(90), 150 + RANDOM.nextInt(90), 150 + RANDOM.nextInt(90)));
      g.setStroke(new BasicStroke(1 + RANDOM.nextInt(2)));
      g.drawLine(RANDOM.nextInt(w), RANDOM.nextInt(h), RANDOM.nextInt(w), RANDOM.nextInt(h));
    }
    for (int i = 0; i < LENGTH; i++) {
      g.setColor(new Color(RANDOM.nextInt(90), RANDOM.nextInt(90), RANDOM.nextInt(120)));
      g.setStroke(new BasicStroke(3.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      drawDigit(g, answer.charAt(i) - '0', 14 + i * 32 + RANDOM.nextInt(5), 10 + RANDOM.nextInt(8));
    }
    g.dispose();
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return new Challenge(answer.toString(), out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void drawDigit(Graphics2D g, int digit, int x, int y) {
    int sw = 18;
    int sh = 18;
    for (char s : SEGMENTS[digit].toCharArray()) {
      int j = RANDOM.nextInt(3) - 1;
      switch (s) {
        case 'a' -> g.drawLine(x, y + j, x + sw, y);
        case 'b' -> g.drawLine(x + sw, y, x + sw + j, y + sh);
        case 'c' -> g.drawLine(x + sw, y + sh, x + sw + j, y + 2 * sh);
        case 'd' -> g.drawLine(x, y + 2 * sh + j, x + sw, y + 2 * sh);
        case 'e' -> g.drawLine(x + j, y + sh, x, y + 2 * sh);
        case 'f' -> g.drawLine(x, y, x + j, y + sh);
        case 'g' -> g.drawLine(x, y + sh + j, x + sw, y + sh);
        default -> throw new IllegalStateException();
      }
    }
  }
}
