"""Mortar's Databricks driver against the stand-in: a real Spark Thrift server behind
a TLS front door that checks tokens."""
import datetime
import decimal
import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mortar_cli import write_json

pytestmark = pytest.mark.services("frontdoor", "spark")


def test_connection_test_reports_server_protocol_and_user(dbx, ws):
    report = dbx.json("connection", "test", "dbx")
    assert report["ok"] is True
    assert report["protocol"].startswith("HIVE_CLI_SERVICE_PROTOCOL_V")
    assert report["server"] == "Spark Thrift server (open source)"
    assert report["user"] == ws["user"]
    assert report["driver"].startswith("built-in")


def test_types_come_back_exactly(dbx):
    result = dbx.json("sql", "dbx", """
        SELECT 1 AS i, CAST(2 AS BIGINT) AS l, CAST(12345678901234567890.12 AS DECIMAL(38,2)) AS d,
               DATE'2024-02-29' AS day, TIMESTAMP'2024-01-01 10:00:00' AS ts,
               TIMESTAMP_NTZ'2024-01-01 10:00:00.5' AS ntz, X'00FF' AS b, array(1, 2) AS arr,
               map('k', 1) AS m, named_struct('x', 1, 'y', 'z') AS s, CAST(NULL AS INT) AS n,
               'it''s \\\\ "quoted"' AS text""")
    types = {c["name"]: c["type"] for c in result["schema"]}
    assert types == {"i": "int32", "l": "int64", "d": "decimal(38,2)", "day": "date", "ts": "timestamp",
                     "ntz": "timestamp_ntz", "b": "binary", "arr": "array<int32>", "m": "map<string,int32>",
                     "s": "struct<x:int32,y:string>", "n": "int32", "text": "string"}
    row = result["rows"][0]
    assert row["d"] == "12345678901234567890.12"  # exact, never through a double
    assert row["day"] == "2024-02-29"
    assert row["ts"] == "2024-01-01 10:00:00Z"
    assert row["ntz"] == "2024-01-01 10:00:00.500000"
    assert row["arr"] == [1, 2] and row["m"] == {"k": 1} and row["s"] == {"x": 1, "y": "z"}
    assert row["n"] is None
    assert row["text"] == 'it\'s \\ "quoted"'


def test_write_group_and_sql_recipe_in_databricks(dbx, table):
    files = dbx.home / "files"
    files.mkdir(exist_ok=True)
    lines = ["id,customer,amount,day,note"]
    for i in range(1, 1201):
        lines.append(f"{i},{i % 7},{i * 1.25:.2f},2024-01-{1 + i % 28:02d},\"it's; `{i}`\"")
    (files / "orders.csv").write_text("\n".join(lines) + "\n")
    dbx.run("dataset", "import", "filesystem_default", "orders.csv", "--name", "orders_csv")
    project = dbx.home / "projects" / "p"
    config = json.loads((project / "datasets" / "orders_csv.json").read_text())
    config["schema"][2]["type"] = "decimal(10,2)"
    write_json(project / "datasets" / "orders_csv.json", config)
    for name in ["orders", "by_customer", "top"]:
        write_json(project / "datasets" / f"{name}.json",
                   {"name": name, "connection": "dbx", "type": "sql_table", "params": {"table": f"{table}_{name}"}})
    write_json(project / "recipes" / "load.json", {"name": "load", "type": "sync", "inputs": ["orders_csv"],
                                                   "outputs": ["orders"]})
    write_json(project / "recipes" / "group.json", {
        "name": "group", "type": "group", "inputs": ["orders"], "outputs": ["by_customer"],
        "params": {"keys": ["customer"], "aggregations": [{"column": "amount", "functions": ["sum", "max"]},
                                                          {"column": "day", "functions": ["min"]}]}})
    write_json(project / "recipes" / "top.json", {
        "name": "top", "type": "sql", "inputs": ["by_customer"], "outputs": ["top"],
        "params": {"sql": "SELECT customer, amount_sum FROM ${by_customer} ORDER BY amount_sum DESC LIMIT 3"}})
    report = dbx.json("build", "top")
    engines = {r["recipe"]: r["engine"] for r in report["recipes"]}
    assert engines == {"load": "streaming", "group": "in-database", "top": "in-database"}
    assert "GROUP BY `customer`" in dbx.run("recipe", "show", "group", "--sql").stdout

    check = dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n, SUM(amount) AS total, MAX(note) AS note FROM {table}_orders")
    assert check["rows"] == [{"n": 1200, "total": "900750.00", "note": "it's; `9`"}]
    top = dbx.json("dataset", "preview", "top")["rows"]
    assert len(top) == 3
    expected = max(range(7), key=lambda c: sum(i * 1.25 for i in range(1, 1201) if i % 7 == c))
    assert top[0]["customer"] == expected
    schema = {c["name"]: c["type"] for c in dbx.json("dataset", "show", "by_customer")["schema"]}
    assert schema == {"customer": "int64", "count": "int64", "amount_sum": "decimal(20,2)",
                      "amount_max": "decimal(10,2)", "day_min": "date"}
    # The group can also run on the local engine, reading from Databricks into SQLite.
    write_json(project / "datasets" / "local_out.json",
               {"name": "local_out", "connection": "sqlite_default", "type": "sql_table",
                "params": {"table": "local_out"}})
    write_json(project / "recipes" / "group_local.json", {
        "name": "group_local", "type": "group", "inputs": ["orders"], "outputs": ["local_out"],
        "params": {"keys": ["customer"], "aggregations": [{"column": "amount", "functions": ["sum"]}]}})
    assert dbx.json("recipe", "run", "group_local")["engine"] == "local"
    local = dbx.json("sql", "sqlite_default", "SELECT SUM(count) AS n FROM local_out")
    assert local["rows"] == [{"n": 1200}]


def test_failed_write_leaves_the_table_and_no_staging(dbx, table):
    files = dbx.home / "files"
    files.mkdir(exist_ok=True)
    (files / "good.csv").write_text("a,b\n1,x\n2,y\n")
    (files / "bad.csv").write_text("a,b\n3,z\n" + "".join(f"{i},w\n" for i in range(4, 70000)) + "oops,v\n")
    project = dbx.home / "projects" / "p"
    for name in ["good", "bad"]:
        write_json(project / "datasets" / f"{name}.json",
                   {"name": name, "connection": "filesystem_default", "type": "files",
                    "params": {"path": f"{name}.csv"},
                    "schema": [{"name": "a", "type": "int64"}, {"name": "b", "type": "string"}]})
    write_json(project / "datasets" / "target.json",
               {"name": "target", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
    write_json(project / "recipes" / "first.json", {"name": "first", "type": "sync", "inputs": ["good"],
                                                    "outputs": ["target"]})
    dbx.run("recipe", "run", "first")
    write_json(project / "recipes" / "first.json", {"name": "first", "type": "sync", "inputs": ["bad"],
                                                    "outputs": ["target"]})
    result = dbx.run("recipe", "run", "first", check=False)
    assert result.returncode == 2
    assert "value 'oops' in column 'a' is not a valid int64" in result.stderr
    rows = dbx.json("sql", "dbx", f"SELECT a, b FROM {table} ORDER BY a")["rows"]
    assert rows == [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    staging = dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"]
    assert staging == []


def test_bad_token_is_refused_without_showing_it(mortar, ws, add_databricks):
    mortar.run("init")
    secret = "dapi" + "0" * 32
    add_databricks(mortar, ws, token=secret)
    result = mortar.run("connection", "test", "dbx", check=False)
    assert result.returncode == 4
    assert "refused the credentials (HTTP 401" in result.stderr
    assert "check the token" in result.stderr
    assert secret not in result.stdout + result.stderr
    for log in (mortar.home / "jobs").rglob("*"):
        if log.is_file():
            assert secret not in log.read_text()


def test_wrong_warehouse_path_is_not_found(dbx, ws, add_databricks):
    add_databricks(dbx, ws, name="lost", http_path="/sql/1.0/warehouses/doesnotexist")
    result = dbx.run("connection", "test", "lost", check=False)
    assert result.returncode == 3
    assert "connection 'lost': nothing answers at" in result.stderr
    assert "check the HTTP path" in result.stderr


def test_wrong_host_and_tls_failures_say_what_to_do(dbx, ws, add_databricks):
    add_databricks(dbx, ws, name="closed", port=1)
    result = dbx.run("connection", "test", "closed", check=False)
    assert result.returncode == 6
    assert "cannot reach" in result.stderr
    add_databricks(dbx, ws, name="untrusted", ca_file=None)
    result = dbx.run("connection", "test", "untrusted", check=False)
    assert result.returncode == 6
    assert "TLS" in result.stderr and "CA file" in result.stderr
    assert ws["pat"] not in result.stderr


def test_missing_token_source_says_what_to_set(dbx, ws):
    dbx.run("connection", "add", "envtok", "--type", "databricks", "--param", f"host={ws['host']}",
            "--param", f"port={ws['port']}", "--param", f"http_path={ws['http_path']}",
            "--param", "auth.token_env=MORTAR_TEST_UNSET_TOKEN", "--param", f"ca_file={ws['ca_file']}")
    result = dbx.run("connection", "test", "envtok", check=False)
    assert result.returncode == 4
    assert "MORTAR_TEST_UNSET_TOKEN" in result.stderr and "not set" in result.stderr


def test_sql_errors_carry_the_server_message(dbx):
    syntax = dbx.run("sql", "dbx", "SELEC 1", check=False)
    assert syntax.returncode == 2
    assert "connection 'dbx': the statement failed" in syntax.stderr
    assert "PARSE_SYNTAX_ERROR" in syntax.stderr
    missing = dbx.run("sql", "dbx", "SELECT * FROM no_such_table_here", check=False)
    assert missing.returncode == 3
    assert "TABLE_OR_VIEW_NOT_FOUND" in missing.stderr
    assert "sqlstate=42P01" in missing.stderr


def test_jdbc_url_creates_the_connection(dbx, ws):
    token_file = dbx.home / "jdbc.token"
    token_file.write_text(ws["pat"])
    token_file.chmod(0o600)
    url = (f"jdbc:databricks://{ws['host']}:{ws['port']}/default;transportMode=http;ssl=1;"
           f"httpPath={ws['http_path']};AuthMech=3")
    dbx.run("connection", "add", "fromjdbc", "--type", "databricks", "--jdbc-url", url,
            "--param", f"auth.token_file={token_file}", "--param", f"ca_file={ws['ca_file']}")
    assert dbx.json("connection", "test", "fromjdbc")["ok"] is True
    refused = dbx.run("connection", "add", "leaky", "--type", "databricks", "--jdbc-url", url + ";PWD=dapiLEAK",
                      check=False)
    assert refused.returncode == 2 and "dapiLEAK" not in refused.stderr


def test_query_timeout_cancels_the_statement(dbx, ws, add_databricks):
    add_databricks(dbx, ws, name="impatient", query_timeout_seconds=2)
    result = dbx.run("sql", "impatient", "SELECT COUNT(*) FROM range(100000000000)", check=False)
    assert result.returncode == 6
    # Cancelled by the server (it honours the request's time-out) or by Mortar.
    assert "took longer than the query time-out of 2 s and was cancelled" in result.stderr
    assert "query_timeout_seconds" in result.stderr
    # The session is still usable afterwards.
    assert dbx.json("sql", "impatient", "SELECT 1 AS one")["rows"] == [{"one": 1}]


def local_sync(dbx, table, name, text, schema, recipe, **params):
    """A local CSV file `name`.csv holding `text` as the files dataset `name`, the table
    default.`table` as the dataset 'target', and the sync recipe `recipe` from one into
    the other (with `params`)."""
    files = dbx.home / "files"
    files.mkdir(exist_ok=True)
    (files / f"{name}.csv").write_text(text)
    project = dbx.home / "projects" / "p"
    write_json(project / "datasets" / f"{name}.json",
               {"name": name, "connection": "filesystem_default", "type": "files",
                "params": {"path": f"{name}.csv"}, "schema": schema})
    write_json(project / "datasets" / "target.json",
               {"name": "target", "connection": "dbx", "type": "sql_table",
                "params": {"schema": "default", "table": table}})
    write_json(project / "recipes" / f"{recipe}.json",
               {"name": recipe, "type": "sync", "inputs": [name], "outputs": ["target"], "params": params})


def test_append_adds_rows_in_one_transaction(dbx, table):
    local_sync(dbx, table, "rows", "a,b\n1,x\n2,y\n",
               [{"name": "a", "type": "int64"}, {"name": "b", "type": "string"}], "add", mode="append")
    dbx.run("recipe", "run", "add")
    dbx.run("recipe", "run", "add")
    rows = dbx.json("sql", "dbx", f"SELECT a, COUNT(*) AS n FROM default.{table} GROUP BY a ORDER BY a")["rows"]
    assert rows == [{"a": 1, "n": 2}, {"a": 2, "n": 2}]


def test_replacing_an_older_table_with_timestamps_without_zone(dbx, table):
    # Delta turns its timestampNtz feature on when it creates a table, not when it
    # replaces one created without it: the replace must ask for it (a sync replacing it
    # with rows, and a SQL recipe replacing its output with a query).
    dbx.run("sql", "dbx", f"CREATE TABLE default.{table} (id INT) USING DELTA")
    local_sync(dbx, table, "events", "id,at\n1,2024-03-01 10:00:00\n2,2024-03-02 11:30:00\n",
               [{"name": "id", "type": "int64"}, {"name": "at", "type": "timestamp_ntz"}], "load")
    project = dbx.home / "projects" / "p"
    dbx.run("recipe", "run", "load")
    rows = dbx.json("sql", "dbx", f"SELECT id, CAST(at AS STRING) AS at FROM default.{table} ORDER BY id")["rows"]
    assert rows == [{"id": 1, "at": "2024-03-01 10:00:00"}, {"id": 2, "at": "2024-03-02 11:30:00"}]
    dbx.run("sql", "dbx", f"CREATE OR REPLACE TABLE default.{table}_out (id INT) USING DELTA")
    write_json(project / "datasets" / "later.json",
               {"name": "later", "connection": "dbx", "type": "sql_table",
                "params": {"schema": "default", "table": f"{table}_out"}})
    write_json(project / "recipes" / "shift.json",
               {"name": "shift", "type": "sql", "inputs": ["target"], "outputs": ["later"],
                "params": {"sql": "SELECT id, at + INTERVAL 1 DAY AS at FROM ${target}"}})
    dbx.run("recipe", "run", "shift")
    rows = dbx.json("sql", "dbx", f"SELECT CAST(at AS STRING) AS at FROM default.{table}_out ORDER BY id")["rows"]
    assert rows == [{"at": "2024-03-02 10:00:00"}, {"at": "2024-03-03 11:30:00"}]
    dbx.run("sql", "dbx", f"DROP TABLE default.{table}_out")


def test_values_that_look_like_spark_variables_are_written_as_they_are(dbx, table):
    # Spark substitutes ${...} in statement text (spark.sql.variable.substitute), so a
    # value written with INSERT could have become the server's environment.
    values = ["${env:HOME}", "${spark:spark.app.name}", "$${x}", "cost: $5 {net}", "${"]
    text = "a,b\n" + "".join(f'{i},"{v}"\n' for i, v in enumerate(values))
    local_sync(dbx, table, "odd", text, [{"name": "a", "type": "int64"}, {"name": "b", "type": "string"}],
               "load_odd")
    dbx.run("recipe", "run", "load_odd")
    rows = dbx.json("sql", "dbx", f"SELECT b FROM default.{table} ORDER BY a")["rows"]
    assert [r["b"] for r in rows] == values
    # In a name there is no escape, even in backticks (`a${env:HOME}` is `a/root`): a
    # column so named in a CSV's header is refused, and the table stays as it was.
    local_sync(dbx, table, "odd_header", "a,b${env:HOME}\n1,x\n",
               [{"name": "a", "type": "int64"}, {"name": "b${env:HOME}", "type": "string"}], "load_odd")
    refused = dbx.run("recipe", "run", "load_odd", check=False)
    assert refused.returncode != 0
    assert "column 'b${env:HOME}' cannot be written" in refused.stderr, refused.stderr
    assert "Spark would substitute" in refused.stderr and "rename it first" in refused.stderr
    rows = dbx.json("sql", "dbx", f"SELECT b FROM default.{table} ORDER BY a")["rows"]
    assert [r["b"] for r in rows] == values


def test_a_small_write_of_every_type_is_one_statement_and_reads_back_exactly(dbx, table):
    # Rows that fit in one INSERT statement are written by that statement alone, with no
    # staging table: a replace as CREATE OR REPLACE TABLE ... AS SELECT CAST(...) FROM
    # VALUES, an append as INSERT INTO ... VALUES. Each type must survive the literals.
    utc = datetime.timezone.utc
    columns = {
        "i": pa.array([1, 2, 3], pa.int64()),
        "d": pa.array([decimal.Decimal("1234567890123456789012345678.0123456789"),
                       decimal.Decimal("-0.0000000001"), None], pa.decimal128(38, 10)),
        "day": pa.array([datetime.date(2024, 2, 29), datetime.date(1, 1, 1), None], pa.date32()),
        "ts": pa.array([datetime.datetime(2024, 1, 1, 10, 0, 0, 123456, tzinfo=utc), None, None],
                       pa.timestamp("us", tz="UTC")),
        "ntz": pa.array([datetime.datetime(2024, 1, 1, 10, 0, 0, 500000), None, None], pa.timestamp("us")),
        "b": pa.array([b"\x00\xff", b"", None], pa.binary()),
        "nb": pa.array([[b"\x00\xff", b"a"], [], None], pa.list_(pa.binary())),
        "arr": pa.array([[1, 2], [], None], pa.list_(pa.int32())),
        "m": pa.array([[("k", 1)], [], None], pa.map_(pa.string(), pa.int64())),
        "s": pa.array([{"x": 1, "y": "z"}, {"x": None, "y": None}, None],
                      pa.struct([("x", pa.int32()), ("y", pa.string())])),
        "text": pa.array(["it's \\ \"quoted\"", "${env:HOME}", None], pa.string()),
        "f": pa.array([1.5, float("inf"), None], pa.float64()),
    }
    files = dbx.home / "files"
    files.mkdir(exist_ok=True)
    pq.write_table(pa.table(columns), files / "every.parquet")
    project = dbx.home / "projects" / "p"
    write_json(project / "datasets" / "every.json",
               {"name": "every", "connection": "filesystem_default", "type": "files",
                "params": {"path": "every.parquet"}})
    write_json(project / "datasets" / "target.json",
               {"name": "target", "connection": "dbx", "type": "sql_table",
                "params": {"schema": "default", "table": table}})
    for mode, statement in [("replace", "CREATE OR REPLACE TABLE ... AS SELECT FROM VALUES"),
                            ("append", "INSERT INTO ... VALUES")]:
        write_json(project / "recipes" / "load.json",
                   {"name": "load", "type": "sync", "inputs": ["every"], "outputs": ["target"],
                    "params": {"mode": mode}})
        log = open(dbx.json("recipe", "run", "load")["log"]).read()
        assert (f"writing 3 row(s) into `default`.`{table}` in one statement, with no staging table: "
                f"{statement}") in log, log
    # The open-source Thrift server sends nested values as Hive text, with the bytes of
    # nested binary raw (not JSON): nb is read through to_json (base64, as Mortar's JSON).
    result = dbx.json("sql", "dbx", f"SELECT * EXCEPT (nb), to_json(nb) AS nb FROM default.{table} ORDER BY i")
    types = {c["name"]: c["type"] for c in result["schema"]}
    assert types == {"i": "int64", "d": "decimal(38,10)", "day": "date", "ts": "timestamp",
                     "ntz": "timestamp_ntz", "b": "binary", "nb": "string", "arr": "array<int32>",
                     "m": "map<string,int64>", "s": "struct<x:int32,y:string>", "text": "string",
                     "f": "double"}
    rows = result["rows"]
    assert [r["i"] for r in rows] == [1, 1, 2, 2, 3, 3]
    first, second, third = rows[0], rows[2], rows[4]
    assert rows[1] == first and rows[3] == second and rows[5] == third
    assert (first["d"], second["d"]) == ("1234567890123456789012345678.0123456789", "-0.0000000001")
    assert (first["day"], second["day"]) == ("2024-02-29", "0001-01-01")
    assert first["ts"] == "2024-01-01 10:00:00.123456Z"
    assert first["ntz"] == "2024-01-01 10:00:00.500000"
    assert (first["arr"], second["arr"]) == ([1, 2], [])
    assert (first["m"], second["m"]) == ({"k": 1}, {})
    assert (first["s"], second["s"]) == ({"x": 1, "y": "z"}, {"x": None, "y": None})
    assert (first["text"], second["text"]) == ('it\'s \\ "quoted"', "${env:HOME}")
    assert (first["f"], second["f"]) == (1.5, "Infinity")
    # Bytes are base64 in JSON, alone and nested; nested ones reach Spark exactly.
    assert (first["b"], second["b"]) == ("AP8=", "")
    assert (first["nb"], second["nb"]) == ('["AP8=","YQ=="]', "[]")
    hex_rows = dbx.json("sql", "dbx", f"SELECT hex(b) AS h, hex(get(nb, 0)) AS n FROM default.{table} ORDER BY i")["rows"]
    assert [r["h"] for r in hex_rows] == ["00FF", "00FF", "", "", None, None]
    assert [r["n"] for r in hex_rows] == ["00FF", "00FF", None, None, None, None]
    assert all(value is None for name, value in third.items() if name != "i")
    # No staging table was made.
    assert dbx.json("sql", "dbx", f"SHOW TABLES IN default LIKE '__mortar_tmp_{table}_*'")["rows"] == []


def test_column_names_delta_refuses_are_written_with_column_mapping(dbx, table):
    # Delta refuses spaces and ,;{}()= in column names unless the table maps its columns
    # by name: Mortar turns that on for such names, in each way it creates a table.
    names = ["semi;colon", "a b", "x=y"]
    header = ",".join(f'"{name}"' for name in names) + "\n"
    schema = [{"name": "semi;colon", "type": "int64"}, {"name": "a b", "type": "string"},
              {"name": "x=y", "type": "int64"}]
    project = dbx.home / "projects" / "p"
    # One statement; then rows of 600 KiB each, more than one statement holds, through a
    # staging table swapped in.
    rows = 3
    for pad in (0, 600 * 1024):
        local_sync(dbx, table, "odd_names",
                   header + "".join(f"{i},v {i}{'.' * pad},{2 * i}\n" for i in range(rows)),
                   schema, "load_odd_names")
        log = open(dbx.json("recipe", "run", "load_odd_names")["log"]).read()
        assert ("in one statement" in log) == (pad == 0), log
        total = dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n, SUM(`x=y`) AS s, "
                                       f"MAX(LENGTH(`a b`)) AS longest FROM default.{table}")["rows"]
        assert total == [{"n": rows, "s": rows * (rows - 1), "longest": 3 + pad}]
    properties = {row["key"]: row["value"] for row in
                  dbx.json("sql", "dbx", f"SHOW TBLPROPERTIES default.{table}")["rows"]}
    assert properties.get("delta.columnMapping.mode") == "name", properties
    # A SQL recipe whose query names a column so: its output maps its columns too.
    write_json(project / "datasets" / "shown.json",
               {"name": "shown", "connection": "dbx", "type": "sql_table",
                "params": {"schema": "default", "table": f"{table}_shown"}})
    write_json(project / "recipes" / "show.json",
               {"name": "show", "type": "sql", "inputs": ["target"], "outputs": ["shown"],
                "params": {"sql": "SELECT `a b`, `semi;colon` + 1 AS `plus (one)` FROM ${target} "
                                  "WHERE `semi;colon` < 2"}})
    try:
        dbx.run("recipe", "run", "show")
        shown = dbx.json("sql", "dbx", f"SELECT LEFT(`a b`, 3) AS a, `plus (one)` FROM default.{table}_shown "
                                       "ORDER BY `plus (one)`")["rows"]
        assert shown == [{"a": "v 0", "plus (one)": 1}, {"a": "v 1", "plus (one)": 2}]
        columns = [c["name"] for c in dbx.json("sql", "dbx", f"SELECT * FROM default.{table}_shown LIMIT 0")["schema"]]
        assert columns == ["a b", "plus (one)"]
    finally:
        dbx.run("sql", "dbx", f"DROP TABLE IF EXISTS default.{table}_shown", check=False)
