// JdbcProbe runs Databricks' JDBC driver (unmodified) against the stand-in's warehouse and
// prints one JSON object per check on stdout, for tests/workspace/test_warehouse_other_clients.py.
//
// Usage: java -cp databricks-jdbc.jar:. JdbcProbe CHECK ARGS... [CHECK ARGS...]
// The JDBC URL (it holds the token) comes from the environment: PROBE_JDBC_URL.
//   types SQL                      column metadata and every value of every row
//   count SQL AFTER_ROWS PAUSE_MS  reads (id BIGINT, text STRING) rows, checks id == row number,
//                                  pauses PAUSE_MS after AFTER_ROWS rows (-1: never)
//   metadata CATALOG SCHEMA TABLE  getCatalogs, getSchemas, getTables, getColumns
//   error SQL                      the SQLException of a failing statement
//   params                         a PreparedStatement with parameters of several types
//   cancel SQL AFTER_MS            Statement.cancel() from another thread after AFTER_MS
import java.math.BigDecimal;
import java.sql.*;
import java.util.*;

public class JdbcProbe {
  public static void main(String[] args) throws Exception {
    String url = System.getenv("PROBE_JDBC_URL");
    if (url == null) {
      throw new IllegalStateException("PROBE_JDBC_URL is not set");
    }
    long started = System.nanoTime();
    try (Connection connection = DriverManager.getConnection(url)) {
      Map<String, Object> connected = new LinkedHashMap<>();
      connected.put("check", "connect");
      connected.put("seconds", seconds(started));
      DatabaseMetaData meta = connection.getMetaData();
      connected.put("driver", meta.getDriverName() + " " + meta.getDriverVersion());
      connected.put("product", meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion());
      emit(connected);
      int i = 0;
      while (i < args.length) {
        String check = args[i++];
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("check", check);
        long t0 = System.nanoTime();
        try {
          switch (check) {
            case "types": types(connection, args[i++], out); break;
            case "count": count(connection, args[i++], Long.parseLong(args[i++]), Long.parseLong(args[i++]), out); break;
            case "metadata": metadata(connection, args[i++], args[i++], args[i++], out); break;
            case "error": error(connection, args[i++], out); break;
            case "params": params(connection, out); break;
            case "cancel": cancel(connection, args[i++], Long.parseLong(args[i++]), out); break;
            default: throw new IllegalArgumentException("unknown check " + check);
          }
        } catch (SQLException e) {
          describeError(e, out);
        }
        out.put("seconds", seconds(t0));
        emit(out);
      }
    }
  }

  static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  // ------------------------------------------------------------ checks

  static void types(Connection connection, String sql, Map<String, Object> out) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      ResultSetMetaData meta = rows.getMetaData();
      List<Object> columns = new ArrayList<>();
      for (int c = 1; c <= meta.getColumnCount(); c++) {
        Map<String, Object> column = new LinkedHashMap<>();
        column.put("name", meta.getColumnName(c));
        column.put("type", meta.getColumnType(c));
        column.put("type_name", meta.getColumnTypeName(c));
        column.put("precision", meta.getPrecision(c));
        column.put("scale", meta.getScale(c));
        column.put("class", meta.getColumnClassName(c));
        columns.add(column);
      }
      List<Object> values = new ArrayList<>();
      while (rows.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
          row.put(meta.getColumnName(c), describe(rows.getObject(c), rows.getString(c)));
        }
        values.add(row);
      }
      out.put("columns", columns);
      out.put("rows", values);
    }
  }

  static Map<String, Object> describe(Object value, String text) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("class", value == null ? null : value.getClass().getName());
    out.put("string", text);
    Object canonical;
    if (value == null) {
      canonical = null;
    } else if (value instanceof BigDecimal) {
      canonical = ((BigDecimal) value).toPlainString();
    } else if (value instanceof Timestamp) {
      canonical = ((Timestamp) value).toInstant().toString();
    } else if (value instanceof java.sql.Date) {
      canonical = ((java.sql.Date) value).toLocalDate().toString();
    } else if (value instanceof byte[]) {
      canonical = HexFormat.of().formatHex((byte[]) value);
    } else {
      canonical = value.toString();
    }
    out.put("value", canonical);
    return out;
  }

  static void count(Connection connection, String sql, long pauseAfter, long pauseMs, Map<String, Object> out)
      throws Exception {
    long t0 = System.nanoTime();
    long rows = 0, outOfOrder = 0, textBytes = 0;
    try (Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      out.put("execute_seconds", seconds(t0));
      try {
        while (result.next()) {
          if (result.getLong(1) != rows) {
            outOfOrder++;
          }
          textBytes += result.getString(2).length();
          rows++;
          if (rows == pauseAfter) {
            Thread.sleep(pauseMs);
          }
        }
      } finally {
        out.put("rows", rows);
        out.put("out_of_order", outOfOrder);
        out.put("text_bytes", textBytes);
      }
    }
  }

  static void metadata(Connection connection, String catalog, String schema, String table, Map<String, Object> out)
      throws SQLException {
    DatabaseMetaData meta = connection.getMetaData();
    out.put("catalogs", column(meta.getCatalogs(), "TABLE_CAT"));
    out.put("schemas", rowsOf(meta.getSchemas(catalog, schema), "TABLE_SCHEM", "TABLE_CATALOG"));
    out.put("tables", rowsOf(meta.getTables(catalog, schema, table, null),
        "TABLE_CAT", "TABLE_SCHEM", "TABLE_NAME", "TABLE_TYPE"));
    out.put("columns", rowsOf(meta.getColumns(catalog, schema, table, null),
        "COLUMN_NAME", "DATA_TYPE", "TYPE_NAME", "COLUMN_SIZE", "DECIMAL_DIGITS", "ORDINAL_POSITION",
        "IS_NULLABLE"));
  }

  static List<Object> column(ResultSet rows, String name) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (rows) {
      while (rows.next()) {
        out.add(rows.getString(name));
      }
    }
    return out;
  }

  static List<Object> rowsOf(ResultSet rows, String... names) throws SQLException {
    List<Object> out = new ArrayList<>();
    try (rows) {
      while (rows.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String name : names) {
          row.put(name, rows.getString(name));
        }
        out.add(row);
      }
    }
    return out;
  }

  static void error(Connection connection, String sql, Map<String, Object> out) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        // a failure may come with the rows
      }
      out.put("error", null);
    }
  }

  static void describeError(SQLException e, Map<String, Object> out) {
    out.put("error", e.getMessage());
    out.put("sql_state", e.getSQLState());
    out.put("error_code", e.getErrorCode());
    out.put("exception", e.getClass().getName());
    List<Object> causes = new ArrayList<>();
    for (Throwable cause = e.getCause(); cause != null && causes.size() < 5; cause = cause.getCause()) {
      causes.add(cause.getClass().getName() + ": " + cause.getMessage());
    }
    out.put("causes", causes);
  }

  static void params(Connection connection, Map<String, Object> out) throws SQLException {
    String sql = "SELECT ? + 1 AS n, ? AS s, ? AS d, ? AS day, ? AS t, ? AS none, ? AS flag, '?' AS literal";
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, 41);
      statement.setString(2, "it's");
      statement.setBigDecimal(3, new BigDecimal("12.340"));
      statement.setDate(4, java.sql.Date.valueOf("2024-05-06"));
      statement.setTimestamp(5, Timestamp.valueOf("2024-05-06 07:08:09"));
      statement.setNull(6, Types.VARCHAR);
      statement.setBoolean(7, true);
      try (ResultSet rows = statement.executeQuery()) {
        ResultSetMetaData meta = rows.getMetaData();
        Map<String, Object> row = new LinkedHashMap<>();
        rows.next();
        for (int c = 1; c <= meta.getColumnCount(); c++) {
          row.put(meta.getColumnName(c), describe(rows.getObject(c), rows.getString(c)));
        }
        out.put("row", row);
      }
    }
  }

  static void cancel(Connection connection, String sql, long afterMs, Map<String, Object> out) throws Exception {
    try (Statement statement = connection.createStatement()) {
      Thread canceller = new Thread(() -> {
        try {
          Thread.sleep(afterMs);
          statement.cancel();
        } catch (Exception e) {
          out.put("cancel_failed", e.toString());
        }
      });
      long t0 = System.nanoTime();
      canceller.start();
      try (ResultSet rows = statement.executeQuery(sql)) {
        out.put("error", null);
      } catch (SQLException e) {
        describeError(e, out);
      }
      out.put("returned_after_seconds", seconds(t0));
      canceller.join();
      List<Object> warnings = new ArrayList<>();
      for (SQLWarning w = statement.getWarnings(); w != null; w = w.getNextWarning()) {
        warnings.add(w.getMessage());
      }
      out.put("warnings", warnings);
    }
  }

  // ------------------------------------------------------------ JSON

  static void emit(Map<String, Object> value) {
    StringBuilder out = new StringBuilder();
    json(value, out);
    System.out.println(out);
    System.out.flush();
  }

  static void json(Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else if (value instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        if (!first) out.append(',');
        first = false;
        json(String.valueOf(entry.getKey()), out);
        out.append(':');
        json(entry.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object item : (List<?>) value) {
        if (!first) out.append(',');
        first = false;
        json(item, out);
      }
      out.append(']');
    } else {
      String s = value.toString();
      out.append('"');
      for (int k = 0; k < s.length(); k++) {
        char c = s.charAt(k);
        if (c == '"' || c == '\\') {
          out.append('\\').append(c);
        } else if (c < 0x20) {
          out.append(String.format("\\u%04x", (int) c));
        } else {
          out.append(c);
        }
      }
      out.append('"');
    }
  }
}
