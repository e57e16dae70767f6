package io.switchboard.testing;

import io.switchboard.persistence.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct SQL against a test node's database: observing what the API does not show (captcha answers,
 * schedule runs), and the rare set-up the API offers no way to make.
 */
public final class TestDb {

  private TestDb() {
  }

  public static void execute(TestNode node, String sql) {
    try (Connection c = connect(node); Statement st = c.createStatement()) {
      st.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  public static List<List<Object>> query(TestNode node, String sql) {
    try (Connection c = connect(node); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connect(TestNode node) throws SQLException {
    DatabaseUrl url = DatabaseUrl.parse(node.settings().get("SWITCHBOARD_PG_URL"));
    return DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
  }
}
