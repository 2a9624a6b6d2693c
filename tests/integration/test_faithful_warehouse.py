"""Mortar against the stand-in's Databricks-faithful warehouse: the Databricks-only paths
(Spark protocol versions, direct results, Arrow and LZ4, CloudFetch, Unity Catalog
names) live, with the values Spark itself returns as the reference."""
import http.cookiejar
import json
import os
import subprocess
import time
import urllib.parse
import urllib.request
import uuid
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mortar_cli import REPO, MortarServer, write_json
from s3_bucket import fast_write_through_s3
from s3_bucket import keys as staged_keys
from stand_in import add_databricks_connection
from test_cloud_files import STORES
from test_sync_engines import ROWS as SYNC_ROWS
from test_sync_engines import csv_rows, make_setup, recipe
from warehouse_admin import warehouse_admin

pytestmark = pytest.mark.services("frontdoor", "warehouse", "s3")

PORT = 18098

TYPES_SELECT = """SELECT id,
  CAST(id * 1234567890.123456789012 AS DECIMAL(38,12)) AS d38,
  CAST(-id * 99999999999999999999999999 AS DECIMAL(38,0)) AS d0,
  TIMESTAMP'2024-02-29 23:59:59.123456' + make_interval(0, 0, 0, CAST(id AS INT)) AS ts,
  TIMESTAMP_NTZ'1999-12-31 00:00:00.5' + make_interval(0, 0, 0, CAST(id AS INT)) AS ntz,
  date_add(DATE'0001-01-01', CAST(id AS INT)) AS day,
  CAST(CONCAT('bin', id) AS BINARY) AS bin,
  array(id, NULL, id * 2) AS arr,
  map('a', id, 'b', NULL) AS kv,
  named_struct('x', id, 'y', CONCAT('é ü 字 ', id)) AS st,
  CASE WHEN id % 5 = 0 THEN NULL ELSE CONCAT('row ', id) END AS label,
  id * 0.25D AS f,
  id % 2 = 0 AS b
FROM range({rows})"""


@pytest.fixture(params=["thrift", "rest"])
def dbsql(request, mortar, ws, add_databricks):
    """A data directory with a project and 'dbx' on the Databricks-faithful warehouse,
    over Thrift and over the Statement Execution API (transport=rest) in turn."""
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_databricks(mortar, ws, http_path=ws["databricks_http_path"], transport=request.param)
    mortar.transport = request.param
    return mortar


# A Spark Connect session (in the stand-in's venv) on the URL the script is given first.
SPARK_SESSION = ("import json, sys, warnings; warnings.filterwarnings('ignore')\n"
                 "from pyspark.sql import SparkSession\n"
                 "spark = SparkSession.builder.remote(sys.argv[1]).create()\n")


def spark_table(ws, query, tmp_path):
    """What Spark itself returns for a query (Spark Connect, in the stand-in's venv)."""
    out = tmp_path / f"spark-{uuid.uuid4().hex[:6]}.parquet"
    script = SPARK_SESSION + (
        "import pyarrow.parquet as pq\n"
        "pq.write_table(spark.sql(sys.stdin.read()).toArrow(), sys.argv[2])\n")
    subprocess.run([ws["python"], "-c", script, ws["connect_url"], str(out)], input=query,
                   text=True, check=True, timeout=600, capture_output=True)
    return pq.read_table(out)


def spark_run(ws, statements, conf=None):
    """Runs statements in one Spark Connect session, its settings (`conf`) made first:
    what a writer with settings of its own leaves behind."""
    script = SPARK_SESSION + (
        "job = json.loads(sys.stdin.read())\n"
        "for key, value in job['conf'].items(): spark.conf.set(key, value)\n"
        "for statement in job['statements']: spark.sql(statement).collect()\n")
    subprocess.run([ws["python"], "-c", script, ws["connect_url"]],
                   input=json.dumps({"conf": conf or {}, "statements": statements}),
                   text=True, check=True, timeout=600, capture_output=True)


def same_values(got, expected):
    """Row for row and column by column, whatever the Arrow types' spelling."""
    assert got.num_rows == expected.num_rows
    assert got.column_names == expected.column_names
    for name in expected.column_names:
        left = got.column(name).to_pylist()
        right = expected.column(name).to_pylist()
        if left != right:
            bad = next(i for i, (a, b) in enumerate(zip(left, right)) if a != b)
            raise AssertionError(f"column {name} differs at row {bad}: {left[bad]!r} != {right[bad]!r}")


def test_connection_test_says_spark_protocol_arrow_lz4_and_cloudfetch(dbsql, ws):
    report = dbsql.json("connection", "test", "dbx")
    if dbsql.transport == "rest":
        assert report["server"] == "Databricks SQL (Statement Execution API)"
        assert report["protocol"] == "REST /api/2.0/sql/statements"
        assert report["results"].startswith("Arrow streams through external links")
        return
    assert report["server"] == "Databricks SQL"
    assert report["protocol"] == "SPARK_CLI_SERVICE_PROTOCOL_V8"
    assert report["results"].startswith("Arrow, LZ4 compressed; CloudFetch")
    assert report["direct reads"].startswith("off")


def test_a_long_statement_is_polled_without_pauses_the_warehouse_already_made(
        mortar, ws, add_databricks):
    """The warehouse holds GetOperationStatus up to a second while a statement runs
    (Databricks' Python connector polls without pausing, counting on that): Mortar asks
    again at once rather than sleeping on top of it, so the statement's end is seen when
    it comes. Pausing after each answer too, the polls of
    this 12 s statement came up to 1.5 s apart (the pause grows to half a second)."""
    mortar.run("init")
    add_databricks(mortar, ws, http_path=ws["databricks_http_path"])
    since = time.time()
    got = mortar.json("sql", "dbx", "SELECT reflect('java.lang.Thread', 'sleep', "
                                    "CAST(12000 AS BIGINT)) AS slept")
    assert got["rows"] == [{"slept": "null"}], got  # Spark: String.valueOf of void
    polls = {}
    for call in warehouse_admin(ws, "GET", "/calls"):
        if call["method"] == "GetOperationStatus" and call["time"] >= since and \
                call["warehouse_id"] == ws["databricks_warehouse_id"]:
            polls.setdefault(call["operation"], []).append(call["time"])
    times = max(polls.values(), key=len)  # this statement's: the longest
    assert len(times) >= 6, polls  # 5 s held by ExecuteStatement, then a second each
    gaps = [round(b - a, 3) for a, b in zip(times, times[1:])]
    assert max(gaps) < 1.25, gaps


@pytest.mark.parametrize("rows", [20, 300000], ids=["direct-results", "inline-pages"])
def test_every_type_reads_as_spark_returns_it(dbsql, ws, table, tmp_path, rows):
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} AS " + TYPES_SELECT.format(rows=rows))
    try:
        dbsql.run("dataset", "import", "dbx", table, "--name", "types")
        expected = spark_table(ws, f"SELECT * FROM {table} ORDER BY id", tmp_path)
        out = tmp_path / "types.parquet"
        dbsql.run("dataset", "export", "types", str(out))
        got = pq.read_table(out).sort_by("id")
        # Exact decimals and both kinds of timestamp, as Spark types them.
        assert got.schema.field("d38").type == pa.decimal128(38, 12)
        assert got.schema.field("ntz").type.tz is None and got.schema.field("ts").type.tz is not None
        same_values(got.select(["id", "d38", "d0", "ts", "ntz", "day", "bin", "label", "f", "b"]),
                    expected.select(["id", "d38", "d0", "ts", "ntz", "day", "bin", "label", "f", "b"]))
        # Nested values keep their structure (maps as key/value pairs on both sides).
        for name in ("arr", "kv", "st"):
            assert got.column(name).to_pylist() == expected.column(name).to_pylist(), name
        preview = dbsql.json("dataset", "preview", "types", "--limit", "5")
        assert len(preview["rows"]) == 5
        scan = dbsql.json("dataset", "scan", "types")
        assert scan["rows"] == rows
    finally:
        dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


@pytest.mark.parametrize("transport", ["thrift", "rest"])
def test_a_table_read_asks_the_warehouse_once_and_a_changed_one_is_refused_saying_how(
        mortar, ws, add_databricks, table, transport):
    """A read through the warehouse is its one query: no statement sets up the session, and
    the table is described (GetColumns, or DESCRIBE TABLE over the Statement Execution
    API) only when the query fails, to say what changed under the dataset and what to do.
    On the test warehouse, whose call log no other test of this tier writes to."""
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_databricks(mortar, ws, http_path=ws["databricks_test_http_path"], transport=transport)
    mortar.run("sql", "dbx", f"CREATE TABLE {table} AS SELECT id, CONCAT('n', id) AS note "
                            "FROM range(3)")
    try:
        mortar.run("dataset", "import", "dbx", table, "--name", "t")
        since = time.time()
        assert len(mortar.json("dataset", "preview", "t", "--limit", "5")["rows"]) == 3
        calls = [call for call in warehouse_admin(ws, "GET", "/calls")
                 if call["time"] >= since
                 and call["warehouse_id"] == ws["databricks_test_warehouse_id"]]
        # One statement, the query: the Thrift session's time zone is a session parameter
        # of OpenSession, as Databricks' own drivers send theirs, not a statement.
        statements = [call for call in calls
                      if call["method"] in ("ExecuteStatement", "StatementExecution.execute")]
        assert len(statements) == 1, calls
        assert not [call for call in calls if call["method"] == "GetColumns"], calls
        # The session's parameters: OpenSession's, or those of a session of the Statement
        # Execution API (which the command deletes when it is done).
        opening, closing = {"thrift": ("OpenSession", "CloseSession"),
                            "rest": ("StatementExecution.create_session",
                                     "StatementExecution.delete_session")}[transport]
        assert [call["configuration"] for call in calls if call["method"] == opening] == \
            [{"timezone": "UTC"}], calls
        assert len([call for call in calls if call["method"] == closing]) == 1, calls

        def refusal():
            return mortar.run("dataset", "preview", "t", check=False).stderr

        mortar.run("sql", "dbx", f"CREATE OR REPLACE TABLE {table} AS SELECT id FROM range(3)")
        refused = refusal()
        assert "column 'note' of the dataset's schema is not in table " in refused, refused
        assert f"{table}; update the schema with 'mortar dataset detect'" in refused, refused
        mortar.run("sql", "dbx", f"CREATE OR REPLACE TABLE {table} AS "
                                "SELECT CAST(id AS STRING) AS id, 'n' AS note FROM range(3)")
        assert "column 'id' is string in table" in refusal()
        mortar.run("sql", "dbx", f"DROP TABLE {table}")
        assert "does not exist in connection 'dbx' (build the dataset first" in refusal()
    finally:
        mortar.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def test_a_variant_column_reads_as_the_json_text_spark_gives(dbsql, ws, table, tmp_path):
    """Databricks sends VARIANT as a string column of JSON (Arrow metadata says VARIANT):
    Mortar reads it as that text, Spark's own to_json of each value, SQL nulls as null."""
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} (id BIGINT, v VARIANT)")
    try:
        dbsql.run("sql", "dbx", f"INSERT INTO {table} SELECT id, CASE id % 5 "
                  "WHEN 0 THEN NULL WHEN 1 THEN parse_json(CONCAT('{\"n\": ', id, "
                  "', \"s\": \"é 字\", \"a\": [1, 2.5, null, true]}')) "
                  "WHEN 2 THEN CAST(CAST(id AS DECIMAL(20,3)) / 8 AS VARIANT) "
                  "WHEN 3 THEN parse_json('null') ELSE CAST(CONCAT('t', id) AS VARIANT) END "
                  "FROM range(1000)")
        dbsql.run("dataset", "import", "dbx", table, "--name", "variants")
        shown = dbsql.json("dataset", "show", "variants")
        assert [c["type"] for c in shown["schema"]] == ["int64", "string"]
        out = tmp_path / "variants.parquet"
        dbsql.run("dataset", "export", "variants", str(out))
        got = pq.read_table(out).sort_by("id")
        expected = spark_table(ws, f"SELECT id, to_json(v) AS v FROM {table} ORDER BY id", tmp_path)
        same_values(got, expected)
        assert got.column("v").to_pylist()[1] == '{"a":[1,2.5,null,true],"n":1,"s":"é 字"}'
    finally:
        dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def test_two_million_rows_through_cloudfetch(dbsql, ws, table, tmp_path):
    query = ("SELECT id, id * 7 AS seven, CAST(id AS DECIMAL(20,2)) / 3 AS third, "
             "CAST(id AS STRING) AS text FROM range(2000000)")
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} AS {query}")
    try:
        dbsql.run("dataset", "import", "dbx", table, "--name", "big")
        out = tmp_path / "big.parquet"
        dbsql.run("dataset", "export", "big", str(out))
        got = pq.read_table(out).sort_by("id")
        expected = spark_table(ws, f"SELECT * FROM {table} ORDER BY id", tmp_path)
        assert got.num_rows == 2000000
        for name in expected.column_names:
            assert got.column(name).cast(expected.schema.field(name).type).equals(
                expected.column(name)), name
    finally:
        dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def test_unity_catalog_names_read_write_and_run_recipes(dbsql, ws, tmp_path):
    schema = "it_" + uuid.uuid4().hex[:8]
    dbsql.run("sql", "dbx", f"CREATE SCHEMA main.{schema}")
    try:
        catalogs = [c["catalog"] for c in dbsql.json("connection", "catalogs", "dbx")]
        assert {"main", "spark_catalog"} <= set(catalogs)
        schemas = dbsql.json("connection", "schemas", "dbx", "--catalog", "main")
        assert {"catalog": "main", "schema": schema} in schemas
        # A local CSV synced into main.<schema>.orders, grouped there by a visual recipe
        # and joined by a SQL recipe: every name three levels deep, main not the default.
        lines = ["id,customer,amount"] + [f"{i},c{i % 7},{i}.25" for i in range(1000)]
        (dbsql.home / "files").mkdir(exist_ok=True)
        (dbsql.home / "files" / "orders.csv").write_text("\n".join(lines) + "\n")
        dbsql.run("dataset", "import", "filesystem_default", "orders.csv", "--name", "orders_csv")
        project = dbsql.home / "projects" / "p"
        config = json.loads((project / "datasets" / "orders_csv.json").read_text())
        for column in config["schema"]:
            if column["name"] == "amount":
                column["type"] = "decimal(12,2)"
        write_json(project / "datasets" / "orders_csv.json", config)
        for name in ("orders", "per_customer", "joined"):
            write_json(project / "datasets" / f"{name}.json",
                       {"name": name, "connection": "dbx", "type": "sql_table",
                        "params": {"catalog": "main", "schema": schema, "table": name}})
        write_json(project / "recipes" / "load.json",
                   {"name": "load", "type": "sync", "inputs": ["orders_csv"], "outputs": ["orders"]})
        write_json(project / "recipes" / "group.json",
                   {"name": "group", "type": "group", "inputs": ["orders"], "outputs": ["per_customer"],
                    "params": {"keys": ["customer"],
                               "aggregations": [{"column": "amount", "functions": ["sum"]}]}})
        write_json(project / "recipes" / "join.json",
                   {"name": "join", "type": "sql", "inputs": ["orders", "per_customer"],
                    "outputs": ["joined"],
                    "params": {"sql": f"SELECT o.id, o.amount, p.amount_sum FROM main.{schema}.orders o "
                                        f"JOIN main.{schema}.per_customer p ON o.customer = p.customer"}})
        dbsql.run("build", "joined")
        tables = {t["table"] for t in dbsql.json("connection", "tables", "dbx", "--catalog", "main",
                                                 "--schema", schema)}
        assert tables == {"orders", "per_customer", "joined"}
        totals = dbsql.json("sql", "dbx", f"SELECT customer, amount_sum FROM main.{schema}.per_customer "
                                          f"ORDER BY customer")["rows"]
        expected = {}
        for i in range(1000):
            expected[f"c{i % 7}"] = expected.get(f"c{i % 7}", 0) + i * 100 + 25
        assert {r["customer"]: r["amount_sum"] for r in totals} == {
            k: f"{v // 100}.{v % 100:02d}" for k, v in expected.items()}
        assert dbsql.json("dataset", "scan", "joined")["rows"] == 1000
        columns = dbsql.json("connection", "columns", "dbx", "per_customer", "--catalog", "main",
                             "--schema", schema)
        assert {c["name"]: c["type"] for c in columns}["amount_sum"].startswith("decimal(")
    finally:
        dbsql.run("sql", "dbx", f"DROP SCHEMA IF EXISTS main.{schema} CASCADE", check=False)


def test_browsing_through_the_rest_api_and_the_web_page(dbsql, ws, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    import browser
    schema = "it_" + uuid.uuid4().hex[:8]
    dbsql.run("sql", "dbx", f"CREATE SCHEMA main.{schema}")
    dbsql.run("sql", "dbx", f"CREATE TABLE main.{schema}.things (id BIGINT, price DECIMAL(10,2))")
    dbsql.run("user", "add", "dana", input="dana-mortar-pw-4\n")
    server = MortarServer(dbsql.home, PORT, tmp_path / "server.log")
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        status, _ = server.api("POST", "/api/login", {"user": "dana", "password": "dana-mortar-pw-4"},
                               opener=opener)
        assert status == 200
        status, refused = server.api("GET", f"/api/connections/dbx/tables?catalog=main&schema={schema}",
                                     opener=opener, headers={"X-Mortar-Request": "1"})
        assert status == 403 and "user 'dana' may not use connection 'dbx'" in refused["error"]
        dbsql.run("connection", "grant", "dbx", "use", "--everyone")
        status, tables = server.api("GET", f"/api/connections/dbx/tables?catalog=main&schema={schema}",
                                    opener=opener, headers={"X-Mortar-Request": "1"})
        assert (status, tables) == (200, [{"catalog": "main", "schema": schema, "table": "things"}])
        status, columns = server.api("GET", f"/api/connections/dbx/columns?catalog=main&schema={schema}"
                                            f"&table=things", opener=opener,
                                     headers={"X-Mortar-Request": "1"})
        assert columns == [{"name": "id", "type": "int64"}, {"name": "price", "type": "decimal(10,2)"}]
        with browser.chromium(ws["ca_file"], tmp_path) as driver:
            wait = WebDriverWait(driver, 60)
            driver.get(server.url + "/")
            wait.until(lambda d: d.find_element(By.ID, "login").is_displayed())
            driver.find_element(By.ID, "user").send_keys("dana")
            driver.find_element(By.ID, "password").send_keys("dana-mortar-pw-4")
            driver.find_element(By.ID, "login-button").click()
            for step in ("browse-dbx", "browse-item-main", f"browse-item-{schema}", "browse-item-things"):
                wait.until(lambda d: d.find_elements(By.ID, step))
                driver.find_element(By.ID, step).click()
            wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#browse-columns tr + tr")
                       or d.find_element(By.ID, "browse-error").text)
            assert driver.find_element(By.ID, "browse-error").text == ""
            rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#browse-columns tr + tr")]
            assert rows == ["id int64", "price decimal(10,2)"]
    finally:
        server.stop()
        dbsql.run("sql", "dbx", f"DROP SCHEMA IF EXISTS main.{schema} CASCADE", check=False)


# ---------------------------------------------------------------- loading


ROWS = 30000


def root_keys(ws, prefix):
    """Objects in the workspace's root bucket (where volumes keep their files)."""
    query = urllib.parse.urlencode({"list-type": "2", "prefix": prefix})
    with urllib.request.urlopen(f"{ws['s3_endpoint']}/{ws['root_bucket']}?{query}", timeout=30) as r:
        body = r.read().decode()
    return sorted(part.split("</Key>")[0] for part in body.split("<Key>")[1:])


def orders_csv(mortar, rows=ROWS, bad_row=None):
    lines = ["id,amount,day,label"]
    for i in range(rows):
        amount = "not a number" if i == bad_row else f"{i % 1000}.{i % 100:02d}"
        lines.append(f"{i},{amount},2024-02-{1 + i % 28:02d},\"row {i}, quoted\"")
    (mortar.home / "files").mkdir(exist_ok=True)
    (mortar.home / "files" / "orders.csv").write_text("\n".join(lines) + "\n")
    if not (mortar.home / "projects" / "p" / "datasets" / "orders_csv.json").exists():
        mortar.run("dataset", "import", "filesystem_default", "orders.csv", "--name", "orders_csv")


@pytest.fixture
def in_main(dbsql, ws):
    """A schema of its own in catalog main, with a volume; dropped afterwards."""
    schema = "it_" + uuid.uuid4().hex[:8]
    dbsql.run("sql", "dbx", f"CREATE SCHEMA main.{schema}")
    dbsql.run("sql", "dbx", f"CREATE VOLUME main.{schema}.staging")
    yield schema
    dbsql.run("sql", "dbx", f"DROP VOLUME IF EXISTS main.{schema}.staging", check=False)
    dbsql.run("sql", "dbx", f"DROP SCHEMA IF EXISTS main.{schema} CASCADE", check=False)


def load_recipe(mortar, schema, table, mode=None):
    project = mortar.home / "projects" / "p"
    config = json.loads((project / "datasets" / "orders_csv.json").read_text())
    for column in config["schema"]:
        if column["name"] == "amount":
            column["type"] = "decimal(10,2)"
    write_json(project / "datasets" / "orders_csv.json", config)
    write_json(project / "datasets" / "orders.json",
               {"name": "orders", "connection": "dbx", "type": "sql_table",
                "params": {"catalog": "main", "schema": schema, "table": table}})
    write_json(project / "recipes" / "load.json",
               {"name": "load", "type": "sync", "inputs": ["orders_csv"], "outputs": ["orders"],
                **({"params": {"mode": mode}} if mode else {})})


def checked_total(mortar, schema, table):
    row = mortar.json("sql", "dbx", f"SELECT COUNT(*) AS n, SUM(amount) AS total, "
                                    f"COUNT(DISTINCT label) AS labels FROM main.{schema}.{table}")["rows"][0]
    return row["n"], row["total"], row["labels"]


def expected_total(rows=ROWS):
    cents = sum(int(f"{i % 1000}{i % 100:02d}") for i in range(rows))
    return f"{cents // 100}.{cents % 100:02d}"


def test_fast_write_through_a_volume(dbsql, ws, in_main):
    schema = in_main
    volume = f"/Volumes/main/{schema}/staging"
    prefix = "mortar-staging-" + uuid.uuid4().hex[:6]
    dbsql.run("connection", "add", "dbx", "--type", "databricks", "--replace",
              "--param", f"host={ws['host']}", "--param", f"port={ws['port']}",
              "--param", f"http_path={ws['databricks_http_path']}", "--param", f"ca_file={ws['ca_file']}",
              "--param", f"auth.token_file={dbsql.home / 'dbx.token'}",
              "--param", f"fast_write.volume={volume}", "--param", f"fast_write.path={prefix}",
              "--param", "fast_write.min_rows=1000", "--param", "fast_write.file_rows=8000")
    orders_csv(dbsql)
    load_recipe(dbsql, schema, "orders")
    report = dbsql.json("recipe", "run", "load")
    log = open(report["log"]).read()
    assert report["rows"] == ROWS
    assert f"fast-write: staging Parquet files under {volume}/{prefix}" in log, log
    # A replace reads the volume's files in the replacing query: the rows are written once.
    assert (f"into `main`.`{schema}`.`orders` with CREATE OR REPLACE TABLE ... AS SELECT FROM the "
            "volume's files" in log), log
    assert "fast-write: removed 4 staged file(s)" in log, log
    assert checked_total(dbsql, schema, "orders") == (ROWS, expected_total(), ROWS)
    assert root_keys(ws, f"volumes/main/{schema}/staging/") == [], "staged files were left behind"
    # Append: COPY INTO straight into the table.
    load_recipe(dbsql, schema, "orders", mode="append")
    appended = dbsql.json("recipe", "run", "load")
    log = open(appended["log"]).read()
    assert f"into `main`.`{schema}`.`orders` with COPY INTO" in log, log
    assert checked_total(dbsql, schema, "orders")[0] == 2 * ROWS
    assert root_keys(ws, f"volumes/main/{schema}/staging/") == []
    # A value that cannot be loaded: the load fails, the table stays, nothing is left staged.
    orders_csv(dbsql, bad_row=12345)
    load_recipe(dbsql, schema, "orders")
    failed = dbsql.run("recipe", "run", "load", check=False)
    assert failed.returncode != 0
    assert checked_total(dbsql, schema, "orders")[0] == 2 * ROWS
    assert root_keys(ws, f"volumes/main/{schema}/staging/") == []


def test_fast_write_through_s3_sends_copy_into_with_the_inline_credential(dbsql, ws, in_main):
    schema = in_main

    def add_on_faithful(mortar, ws, **settings):
        add_databricks_connection(mortar, ws, http_path=ws["databricks_http_path"], **settings)

    prefix = fast_write_through_s3(dbsql, ws, add_on_faithful, "faithful-fast-write",
                                   min_rows=1000, file_rows=8000)
    orders_csv(dbsql)
    load_recipe(dbsql, schema, "orders")
    report = dbsql.json("recipe", "run", "load")
    log = open(report["log"]).read()
    assert "COPY INTO" in log and ws["s3_secret_access_key"] not in log, log
    assert checked_total(dbsql, schema, "orders") == (ROWS, expected_total(), ROWS)
    assert staged_keys(ws, prefix) == []


def test_sync_engines_use_copy_into_and_the_unload(dbsql, ws, in_main, table):
    schema = in_main
    dbx, store, prefix, project = make_setup(dbsql, ws, f"main.{schema}.{table}", STORES["s3"])
    write_json(project / "datasets" / "sales_dbx.json",
               {"name": "sales_dbx", "connection": "dbx", "type": "sql_table",
                "params": {"catalog": "main", "schema": schema, "table": table}})
    recipe(project, "load", "sales_lake", "sales_dbx")
    report = dbx.json("recipe", "run", "load")
    assert report["engine"] == "cloud-to-databricks" and report["rows"] == SYNC_ROWS
    log = open(report["log"]).read()
    assert "COPY INTO" in log, log
    rows = dbx.json("sql", "dbx", f"SELECT id, name, CAST(day AS STRING) AS day, flag FROM "
                                  f"main.{schema}.{table} ORDER BY id", "--limit", "1000")["rows"]
    assert [(r["id"], r["name"], r["day"], r["flag"]) for r in rows] == csv_rows()
    write_json(project / "datasets" / "out_pq.json",
               {"name": "out_pq", "connection": "lake", "type": "files",
                "params": {"path": f"{prefix}/out", "format": "parquet"}})
    recipe(project, "unload", "sales_dbx", "out_pq")
    report = dbx.json("recipe", "run", "unload")
    assert report["engine"] == "databricks-to-cloud" and report["rows"] == SYNC_ROWS
    assert dbx.json("dataset", "scan", "out_pq")["rows"] == SYNC_ROWS


def test_python_get_dataframe_of_every_type(dbsql, ws, table, tmp_path):
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} AS " + TYPES_SELECT.format(rows=50000))
    try:
        project = dbsql.home / "projects" / "p"
        write_json(project / "datasets" / "types.json",
                   {"name": "types", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
        write_json(project / "datasets" / "out.json",
                   {"name": "out", "connection": "sqlite_default", "type": "sql_table",
                    "params": {"table": "out_" + table}})
        arrow_file = tmp_path / "arrow.parquet"
        frame_file = tmp_path / "frame.json"
        code = f"""
import decimal, json, mortar
import pyarrow.parquet as pq
types = mortar.Dataset("types")
pq.write_table(types.to_arrow(), {str(arrow_file)!r})
df = types.get_dataframe()
first = df.sort_values("id").iloc[1]
json.dump({{"rows": len(df), "d38": str(first.d38), "d38_type": type(first.d38).__name__,
           "ts": str(first.ts), "ntz": str(first.ntz), "day": str(first.day), "label": first.label,
           "kv": str(first.kv)}}, open({str(frame_file)!r}, "w"))
mortar.Dataset("out").write_with_schema(df[["id"]])
"""
        write_json(project / "recipes" / "read.json",
                   {"name": "read", "type": "python", "inputs": ["types"], "outputs": ["out"],
                    "params": {"code": code}})
        env = {**os.environ, "PYTHONPATH": str(REPO / "python")}
        dbsql.run("build", "out", env=env)
        expected = spark_table(ws, f"SELECT * FROM {table} ORDER BY id", tmp_path)
        got = pq.read_table(arrow_file).sort_by("id")
        columns = ["id", "d38", "d0", "ts", "ntz", "day", "bin", "arr", "kv", "st", "label", "f", "b"]
        same_values(got.select(columns), expected.select(columns))
        frame = json.loads(frame_file.read_text())
        assert frame["rows"] == 50000
        assert frame["d38_type"] == "Decimal" and frame["d38"] == str(expected.column("d38")[1].as_py())
        assert frame["ntz"] == "2000-01-01 00:00:00.500000" and "+00:00" in frame["ts"]
    finally:
        dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def test_a_chart_runs_on_the_warehouse_over_either_transport(dbsql, ws, table):
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} AS SELECT id, id % 3 AS k, "
                            f"CAST(id AS DECIMAL(20,2)) / 4 AS amount FROM range(600)")
    try:
        project = dbsql.home / "projects" / "p"
        write_json(project / "datasets" / "events.json",
                   {"name": "events", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
        write_json(project / "charts" / "by_k.json",
                   {"name": "by_k", "dataset": "events", "type": "bar",
                    "dimensions": [{"column": "k"}],
                    "measures": [{"function": "count"}, {"column": "amount", "function": "sum"}]})
        started = time.time()
        result = dbsql.json("chart", "render", "by_k")
        assert result["engine"] == "live"
        assert sorted(row[:2] for row in result["rows"]) == [[0, 200], [1, 200], [2, 200]]
        totals = {row[0]: Decimal(str(row[2])) for row in result["rows"]}
        assert totals == {k: sum(Decimal(i) / 4 for i in range(k, 600, 3)) for k in range(3)}
        # The aggregation ran on the warehouse, over the connection's own transport.
        method = "StatementExecution.execute" if dbsql.transport == "rest" else "ExecuteStatement"
        assert any(c["method"] == method and c["time"] >= started and
                   c["warehouse_id"] == ws["databricks_warehouse_id"]
                   for c in warehouse_admin(ws, "GET", "/calls"))
    finally:
        dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


@pytest.mark.parametrize("transport", ["thrift", "rest"])
def test_sessions_are_in_utc_on_a_warehouse_whose_admin_set_a_time_zone(
        mortar, ws, add_databricks, transport):
    """The stand-in's zoned warehouse has TIMEZONE set (Asia/Kolkata, +05:30), as an admin
    sets it for every session. Mortar's sessions set their own, over either transport, so
    SQL that depends on the zone gives what SQLite and the local engine give: a chart's
    day bins of an instant half an hour after midnight UTC fall on its UTC day."""
    assert ws["databricks_zoned_timezone"] not in ("UTC", "Etc/UTC")
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_databricks(mortar, ws, http_path=ws["databricks_zoned_http_path"], transport=transport)
    got = mortar.json("sql", "dbx", "SELECT current_timezone() AS tz, "
                                    "hour(TIMESTAMP'2024-01-01 20:00:00Z') AS h")["rows"]
    assert got == [{"tz": "UTC", "h": 20}]
    project = mortar.home / "projects" / "p"
    write_json(project / "datasets" / "moments.json", {
        "name": "moments", "connection": "dbx", "type": "sql_query", "params": {"query": (
            "SELECT TIMESTAMP'2024-03-01 23:45:00Z' AS at UNION ALL "
            "SELECT TIMESTAMP'2024-03-02 00:30:00Z' UNION ALL "
            "SELECT TIMESTAMP'2024-03-02 20:00:00Z'")}})
    write_json(project / "charts" / "per_day.json", {
        "name": "per_day", "dataset": "moments", "type": "bar",
        "dimensions": [{"column": "at", "bin": "day"}], "measures": [{"function": "count"}]})
    result = mortar.json("chart", "render", "per_day")
    assert result["engine"] == "live"
    assert sorted((str(row[0])[:10], row[1]) for row in result["rows"]) == \
        [("2024-03-01", 1), ("2024-03-02", 2)], result["rows"]
