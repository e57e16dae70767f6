package io.switchboard.bench;

import io.switchboard.persistence.DatabaseUrl;
import io.switchboard.testing.TestDatabase;
import io.switchboard.testing.TestRedis;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Postgres and Redis for the benchmark: the machine's own (127.0.0.1:5432 user postgres, database
 * {@code test}; 127.0.0.1:6379) when they answer, embedded ones otherwise. Each server gets a fresh
 * database, dropped at the end when it was made on the machine's Postgres.
 */
final class Backends {

  static final String LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/test";
  static final String LOCAL_REDIS = "redis://127.0.0.1:6379";

  final boolean localPg;
  final boolean localRedis;
  final String redisUrl;
  private final String run = Long.toString(System.currentTimeMillis(), 36);
  private final List<String> created = new ArrayList<>();
  private int counter;

  Backends() {
    this.localPg = pgAnswers();
    this.localRedis = redisAnswers();
    this.redisUrl = localRedis ? LOCAL_REDIS : TestRedis.url();
  }

  String describe() {
    return "Postgres: " + (localPg ? "the machine's at 127.0.0.1:5432 (separate process)" : "embedded (separate process)")
        + "; Redis: " + (localRedis ? "the machine's at 127.0.0.1:6379 (separate process)" : "embedded at " + redisUrl + " (separate process)");
  }

  /** A URL of a fresh empty database. */
  synchronized String freshDatabase() {
    if (!localPg) {
      return TestDatabase.freshDatabase();
    }
    String name = "bench_" + run + "_" + (++counter);
    execute("CREATE DATABASE " + name);
    created.add(name);
    return "postgresql://postgres@127.0.0.1:5432/" + name;
  }

  static String freshPrefix() {
    return "bench-" + UUID.randomUUID().toString().substring(0, 8) + ":";
  }

  /** Drops the databases made on the machine's Postgres (the servers using them have stopped). */
  synchronized void dropDatabases() {
    for (String name : created) {
      try {
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      } catch (RuntimeException e) {
        System.out.println("could not drop database " + name + ": " + e.getMessage());
      }
    }
    created.clear();
  }

  /** The pids of the Postgres backends connected to the database of {@code pgUrl} (the asking connection excluded). */
  static List<Long> backendPids(String pgUrl) {
    return sample(pgUrl).pids();
  }

  /** The backends of one database and the cluster's WAL counters, read together. */
  record PgSample(List<Long> pids, long walRecords, long walBytes) {
  }

  /**
   * The pids of the backends connected to the database of {@code pgUrl} (the asking connection excluded)
   * and the cluster-wide {@code wal_records} and {@code wal_bytes} of {@code pg_stat_wal} (PG 14+), on one connection.
   */
  static PgSample sample(String pgUrl) {
    DatabaseUrl db = DatabaseUrl.parse(pgUrl);
    List<Long> pids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        PreparedStatement st = c.prepareStatement("SELECT pid FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()");
        Statement wal = c.createStatement()) {
      st.setString(1, db.options().getDatabase());
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          pids.add(rs.getLong(1));
        }
      }
      try (ResultSet rs = wal.executeQuery("SELECT wal_records, wal_bytes FROM pg_stat_wal")) {
        rs.next();
        return new PgSample(pids, rs.getLong(1), rs.getLong(2));
      }
    } catch (Exception e) {
      throw new IllegalStateException("listing Postgres backends and reading pg_stat_wal: " + e, e);
    }
  }

  private static void execute(String sql) {
    DatabaseUrl server = DatabaseUrl.parse(LOCAL_PG);
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (Exception e) {
      throw new IllegalStateException(sql + ": " + e, e);
    }
  }

  private static boolean pgAnswers() {
    DriverManager.setLoginTimeout(3);
    DatabaseUrl server = DatabaseUrl.parse(LOCAL_PG);
    try (Connection c = DriverManager.getConnection(server.jdbcUrl(), server.user(), server.password());
        Statement st = c.createStatement()) {
      st.execute("SELECT 1");
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private static boolean redisAnswers() {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", 6379), 1000);
      s.setSoTimeout(1000);
      OutputStream out = s.getOutputStream();
      out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[16];
      int n = in.read(buf);
      return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
    } catch (Exception e) {
      return false;
    }
  }
}
