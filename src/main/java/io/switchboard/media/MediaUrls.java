package io.switchboard.media;

import io.switchboard.config.AppConfig;
import io.switchboard.config.Settings;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, expiring URLs of conversation pictures (SPEC §4), so that {@code <img>} tags work without a
 * token: {@code /media/<id>?r=<reader>&e=<expiry, epoch seconds>&s=<HMAC-SHA256 of id, reader and
 * expiry>}. The key is derived from {@code SWITCHBOARD_MEDIA_URL_SECRET}, else from the JWT secret,
 * so every node of a cluster signs and checks alike. A message's JSON carries its picture as
 * {@code "url":"/media/<id>"}; {@link #signFrame} signs every such URL of a frame for its reader
 * where the frame leaves the server. Thread-safe.
 */
public final class MediaUrls {

  private static final String MARK = "\"url\":\"/media/";
  private static final int ID_LENGTH = 36;

  private final byte[] key;
  private final long ttlSeconds;

  public MediaUrls(AppConfig config) {
    String secret = config.get(Settings.MEDIA_URL_SECRET);
    if (secret == null) {
      secret = config.get(Settings.JWT_SECRET);
    }
    if (secret == null) {
      throw new IllegalStateException("SWITCHBOARD_MEDIA_URL_SECRET is required when no JWT secret is configured");
    }
    this.key = sha256("switchboard media urls\n" + secret);
    this.ttlSeconds = config.get(Settings.MEDIA_URL_TTL_SECONDS);
  }

  /** The URL of {@code mediaId} for {@code readerId}, valid for the configured time from now. */
  public String url(String mediaId, String readerId) {
    long expires = System.currentTimeMillis() / 1000 + ttlSeconds;
    return "/media/" + mediaId + "?r=" + readerId + "&e=" + expires + "&s=" + sign(mediaId, readerId, expires);
  }

  /** {@code json} with every picture URL ({@code "url":"/media/<id>"}) signed for {@code readerId}. */
  public String signFrame(String json, String readerId) {
    int at = json.indexOf(MARK);
    if (at < 0) {
      return json;
    }
    StringBuilder out = new StringBuilder(json.length() + 160);
    int from = 0;
    while (at >= 0) {
      int idStart = at + MARK.length();
      int idEnd = idStart + ID_LENGTH;
      if (idEnd >= json.length() || json.charAt(idEnd) != '"') {
        break;
      }
      out.append(json, from, at).append("\"url\":\"").append(url(json.substring(idStart, idEnd), readerId));
      from = idEnd;
      at = json.indexOf(MARK, idEnd);
    }
    return out.append(json, from, json.length()).toString();
  }

  /** Whether {@code signature} is this cluster's for the three values and {@code expires} has not passed. */
  public boolean valid(String mediaId, String readerId, String expires, String signature) {
    if (readerId == null || expires == null || signature == null) {
      return false;
    }
    long at;
    try {
      at = Long.parseLong(expires);
    } catch (NumberFormatException e) {
      return false;
    }
    if (at < System.currentTimeMillis() / 1000) {
      return false;
    }
    return MessageDigest.isEqual(sign(mediaId, readerId, at).getBytes(StandardCharsets.US_ASCII),
        signature.getBytes(StandardCharsets.US_ASCII));
  }

  /** Seconds until a (valid) URL's expiry, for how long a browser may keep the picture. */
  public long secondsLeft(String expires) {
    return Math.max(0, Long.parseLong(expires) - System.currentTimeMillis() / 1000);
  }

  private String sign(String mediaId, String readerId, long expires) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] tag = mac.doFinal((mediaId + "\n" + readerId + "\n" + expires).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
