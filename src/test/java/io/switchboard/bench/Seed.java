package io.switchboard.bench;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.switchboard.persistence.DatabaseUrl;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Users, rooms, participants and stored history put straight into a node's database with SQL (as
 * {@link NotifyScenario} seeds its users), for scenarios too large to set up over HTTP: users in the
 * {@code member} group, each with a session and an access token minted here with the node's HS256
 * secret (claims sub, sid, jti, exp, as the server issues them).
 */
final class Seed implements AutoCloseable {

  /** A seeded user and its access token. */
  record User(String id, String token) {
  }

  private final Connection c;

  Seed(String pgUrl) {
    DatabaseUrl db = DatabaseUrl.parse(pgUrl);
    try {
      this.c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
    } catch (SQLException e) {
      throw new IllegalStateException("connecting to " + pgUrl + ": " + e, e);
    }
  }

  /** Inserts users {@code prefix1..prefixN} with a session each; answers them in that order. */
  List<User> users(String prefix, int count) {
    String hash = BCrypt.with(BCrypt.Version.VERSION_2A).hashToString(4, "bench-password".toCharArray());
    int ttl = 86_400;
    List<User> users = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("""
        WITH u AS (
          INSERT INTO users (id, username, display_name, password_hash)
          SELECT gen_random_uuid(), ? || g, 'Bench user ' || g, ? FROM generate_series(1, ?) g RETURNING id, username),
        g AS (INSERT INTO user_groups (user_id, group_id) SELECT id, ?::uuid FROM u),
        s AS (
          INSERT INTO sessions (id, user_id, expires_at, ip, user_agent)
          SELECT gen_random_uuid(), id, now() + make_interval(secs => ?), '127.0.0.1', 'switchboard-bench' FROM u
          RETURNING id, user_id)
        SELECT s.user_id, s.id FROM s JOIN u ON u.id = s.user_id ORDER BY substring(u.username FROM length(?) + 1)::int""")) {
      st.setString(1, prefix);
      st.setString(2, hash);
      st.setInt(3, count);
      st.setString(4, NotifyScenario.MEMBER_GROUP);
      st.setInt(5, ttl);
      st.setString(6, prefix);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          users.add(new User(rs.getString(1), token(rs.getString(1), rs.getString(2), ttl)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("seeding users: " + e, e);
    }
    analyze("users", "user_groups", "sessions");
    return users;
  }

  /** Inserts public rooms named {@code prefix0..prefix(N-1)}; answers their ids in that order. */
  List<String> rooms(String prefix, int count) {
    List<String> ids = new ArrayList<>();
    try (PreparedStatement st = c.prepareStatement("""
        INSERT INTO conversations (id, kind, name, title, public)
        SELECT gen_random_uuid(), 'room', ? || g, 'bench ' || g, true FROM generate_series(0, ? - 1) g
        RETURNING id, name""")) {
      st.setString(1, prefix);
      st.setInt(2, count);
      List<String[]> rows = new ArrayList<>();
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          rows.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
      rows.sort((a, b) -> Integer.compare(Integer.parseInt(a[1].substring(prefix.length())), Integer.parseInt(b[1].substring(prefix.length()))));
      rows.forEach(r -> ids.add(r[0]));
    } catch (SQLException e) {
      throw new IllegalStateException("seeding rooms: " + e, e);
    }
    analyze("conversations");
    return ids;
  }

  /** Makes each {@code userIds.get(i)} a participant of {@code roomIds.get(i)} (pairs; repeat ids for many-to-many). */
  void join(List<String> roomIds, List<String> userIds) {
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO participants (conversation_id, user_id) SELECT * FROM unnest(?::uuid[], ?::uuid[]) ON CONFLICT DO NOTHING")) {
      int batch = 50_000;
      for (int i = 0; i < roomIds.size(); i += batch) {
        int end = Math.min(roomIds.size(), i + batch);
        Array rooms = c.createArrayOf("uuid", roomIds.subList(i, end).stream().map(UUID::fromString).toArray());
        Array users = c.createArrayOf("uuid", userIds.subList(i, end).stream().map(UUID::fromString).toArray());
        st.setArray(1, rooms);
        st.setArray(2, users);
        st.executeUpdate();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("seeding participants: " + e, e);
    }
    analyze("participants");
  }

  /**
   * Stores {@code perRoom} messages from {@code senderId} in each room, seqs 1..perRoom, one
   * {@code INSERT … SELECT generate_series} per chunk of rooms, and sets each room's seq counter to its newest; answers
   * the seconds it took.
   */
  double history(List<String> roomIds, long perRoom, String senderId) {
    long t0 = System.nanoTime();
    try (PreparedStatement st = c.prepareStatement("""
        INSERT INTO messages (id, conversation_id, seq, kind, sender_id, text, created_at)
        SELECT gen_random_uuid(), r.id, g, 'user', ?::uuid, 'stored message ' || g || ' of the history benchmark',
               now() - make_interval(secs => (? - g) / 1000.0)
          FROM unnest(?::uuid[]) AS r(id) CROSS JOIN generate_series(1, ?) g""");
        PreparedStatement bump = c.prepareStatement("UPDATE conversations SET last_seq = ? WHERE id = ANY(?::uuid[])");
        Statement s = c.createStatement()) {
      s.execute("SET synchronous_commit = off");
      int chunk = (int) Math.max(1, Math.min(roomIds.size(), 2_000_000 / Math.max(1, perRoom)));
      for (int i = 0; i < roomIds.size(); i += chunk) {
        List<String> part = roomIds.subList(i, Math.min(roomIds.size(), i + chunk));
        Array ids = c.createArrayOf("uuid", part.stream().map(UUID::fromString).toArray());
        st.setString(1, senderId);
        st.setLong(2, perRoom);
        st.setArray(3, ids);
        st.setLong(4, perRoom);
        st.executeUpdate();
        bump.setLong(1, perRoom);
        bump.setArray(2, ids);
        bump.executeUpdate();
        System.out.printf("  history: %,d of %,d rooms filled (%.0f s)%n", i + part.size(), roomIds.size(), (System.nanoTime() - t0) / 1e9);
      }
      s.execute("SET synchronous_commit = on");
      s.execute("VACUUM ANALYZE messages");
      s.execute("ANALYZE conversations");
    } catch (SQLException e) {
      throw new IllegalStateException("seeding history: " + e, e);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Each room's {@code last_seq}, keyed by id. */
  java.util.Map<String, Long> lastSeqs(List<String> roomIds) {
    java.util.Map<String, Long> out = new java.util.HashMap<>();
    try (PreparedStatement st = c.prepareStatement("SELECT id, last_seq FROM conversations WHERE id = ANY(?::uuid[])")) {
      st.setArray(1, c.createArrayOf("uuid", roomIds.stream().map(UUID::fromString).toArray()));
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), rs.getLong(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("reading seqs: " + e, e);
    }
    return out;
  }

  private void analyze(String... tables) {
    try (Statement st = c.createStatement()) {
      for (String t : tables) {
        st.execute("ANALYZE " + t);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("ANALYZE: " + e, e);
    }
  }

  /** An HS256 access token for the session, as the server signs one. */
  static String token(String userId, String sessionId, int ttlSeconds) {
    long now = System.currentTimeMillis() / 1000;
    String header = b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
    String claims = b64("{\"sub\":\"" + userId + "\",\"sid\":\"" + sessionId + "\",\"jti\":\"" + UUID.randomUUID() + "\",\"iat\":" + now
        + ",\"exp\":" + (now + ttlSeconds) + "}");
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(Switchboard.JWT_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] sig = mac.doFinal((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
      return header + "." + claims + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(String json) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    try {
      c.close();
    } catch (SQLException e) {
      // closing anyway
    }
  }
}
