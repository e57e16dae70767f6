package io.switchboard.testing;

import io.switchboard.persistence.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;

/** Direct SQL against a test node's database, for set-ups the API offers no way to make. */
public final class TestDb {

  private TestDb() {
  }

  public static void execute(TestNode node, String sql) {
    DatabaseUrl url = DatabaseUrl.parse(node.settings().get("SWITCHBOARD_PG_URL"));
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password()); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
