"""Fast-write into the stand-in's Spark through its S3 server: staged Parquet files,
loaded straight into the table with the Spark SQL equivalent of COPY INTO in one Delta
transaction (a replace or an append), and removed afterwards; small writes use INSERT;
a bad staging bucket fails cleanly."""
import json

import pytest

from mortar_cli import write_json
from s3_bucket import fast_write_through_s3
from s3_bucket import keys as staged_keys

pytestmark = pytest.mark.services("frontdoor", "spark", "s3")

ROWS = 30000


@pytest.fixture
def fast(dbx, ws, add_databricks, table):
    """dbx with fast-write through an s3 connection, a CSV of ROWS rows and a sync recipe."""
    prefix = fast_write_through_s3(dbx, ws, add_databricks, "fast-write-tests", min_rows=1000, file_rows=8000)
    lines = ["id,amount,day,at,label,flag"]
    for i in range(ROWS):
        lines.append(f"{i},{i % 1000}.{i % 100:02d},2024-02-{1 + i % 28:02d},"
                     f"2024-02-01 10:{i % 60:02d}:00,\"row {i}, quoted\",{'true' if i % 3 else 'false'}")
    (dbx.home / "files").mkdir(exist_ok=True)
    (dbx.home / "files" / "big.csv").write_text("\n".join(lines) + "\n")
    dbx.run("dataset", "import", "filesystem_default", "big.csv", "--name", "big_csv")
    project = dbx.home / "projects" / "p"
    config = json.loads((project / "datasets" / "big_csv.json").read_text())
    for column in config["schema"]:
        if column["name"] == "amount":
            column["type"] = "decimal(10,2)"
    write_json(project / "datasets" / "big_csv.json", config)
    write_json(project / "datasets" / "big.json",
               {"name": "big", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
    write_json(project / "recipes" / "load.json",
               {"name": "load", "type": "sync", "inputs": ["big_csv"], "outputs": ["big"]})
    return dbx, prefix


def test_fast_write_loads_staged_files_and_removes_them(fast, ws, table):
    dbx, prefix = fast
    report = dbx.json("recipe", "run", "load")
    assert report["rows"] == ROWS
    log = open(report["log"]).read() if "log" in report else ""
    check = dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n, SUM(amount) AS total, COUNT(DISTINCT label) AS labels, "
                                   f"MIN(day) AS first_day, SUM(CASE WHEN flag THEN 1 ELSE 0 END) AS flags FROM {table}")
    expected_total = sum(int(f"{i % 1000}{i % 100:02d}") for i in range(ROWS)) / 100
    row = check["rows"][0]
    assert row["n"] == ROWS and row["labels"] == ROWS and row["first_day"] == "2024-02-01"
    assert float(row["total"]) == pytest.approx(expected_total)
    assert row["flags"] == sum(1 for i in range(ROWS) if i % 3)
    assert staged_keys(ws, prefix) == [], "staged files were left behind"
    types = {c["name"]: c["type"] for c in dbx.json("connection", "columns", "dbx", table)}
    assert types["amount"] == "decimal(10,2)" and types["day"] == "date"
    assert "fast-write: staging Parquet files under s3://" in log
    assert f"into `default`.`{table}` with CREATE OR REPLACE TABLE" in log, log
    assert "fast-write: removed" in log
    leftovers = dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"]
    assert leftovers == [], "the unused staging table was left behind"


def test_fast_write_appends_straight_into_the_table(fast, ws, table):
    dbx, prefix = fast
    recipe = dbx.home / "projects" / "p" / "recipes" / "load.json"
    config = json.loads(recipe.read_text())
    config["params"] = {"mode": "append"}
    write_json(recipe, config)
    for run in (1, 2):  # the first run creates the table
        report = dbx.json("recipe", "run", "load")
        assert report["rows"] == ROWS
        assert f"into `default`.`{table}` with INSERT" in open(report["log"]).read()
        counted = dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n, COUNT(DISTINCT id) AS ids FROM {table}")
        assert counted["rows"] == [{"n": run * ROWS, "ids": ROWS}]
    assert staged_keys(ws, prefix) == []
    assert dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"] == []


def test_small_writes_use_insert(fast, ws, table):
    dbx, prefix = fast
    project = dbx.home / "projects" / "p"
    (dbx.home / "files" / "small.csv").write_text("id,name\n1,a\n2,b\n")
    dbx.run("dataset", "import", "filesystem_default", "small.csv", "--name", "small_csv")
    write_json(project / "datasets" / "small.json",
               {"name": "small", "connection": "dbx", "type": "sql_table", "params": {"table": table + "_small"}})
    write_json(project / "recipes" / "load_small.json",
               {"name": "load_small", "type": "sync", "inputs": ["small_csv"], "outputs": ["small"]})
    # With a staging bucket that does not exist, only the INSERT path can succeed.
    dbx.run("connection", "add", "stage", "--type", "s3", "--replace", "--param", f"endpoint={ws['s3_endpoint']}",
            "--param", "bucket=no-such-bucket-mortar", "--param", "path_style=true",
            "--param", f"access_key_id={ws['s3_access_key_id']}")
    small = dbx.json("recipe", "run", "load_small")
    assert small["rows"] == 2
    assert "below min_rows" in open(small["log"]).read()
    assert dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n FROM {table}_small")["rows"] == [{"n": 2}]


def test_a_missing_bucket_fails_cleanly_and_keeps_the_old_table(fast, ws, table):
    dbx, prefix = fast
    dbx.run("sql", "dbx", f"CREATE TABLE {table} (id INT) USING DELTA")
    dbx.run("sql", "dbx", f"INSERT INTO {table} VALUES (42)")
    dbx.run("connection", "add", "stage", "--type", "s3", "--replace", "--param", f"endpoint={ws['s3_endpoint']}",
            "--param", "bucket=no-such-bucket-mortar", "--param", "path_style=true",
            "--param", f"access_key_id={ws['s3_access_key_id']}")
    result = dbx.run("recipe", "run", "load", check=False)
    assert result.returncode == 3, result.stderr
    assert "no-such-bucket-mortar" in result.stderr and "create the bucket" in result.stderr
    assert ws["s3_secret_access_key"] not in result.stderr + result.stdout
    assert dbx.json("sql", "dbx", f"SELECT id FROM {table}")["rows"] == [{"id": 42}]
    leftovers = dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"]
    assert leftovers == []


def test_fast_write_path_holding_a_dataset_is_refused(fast, ws, table):
    dbx, prefix = fast
    write_json(dbx.home / "projects" / "p" / "datasets" / "on_stage.json",
               {"name": "on_stage", "connection": "stage", "type": "files", "params": {"path": prefix + "/x.csv"}})
    result = dbx.run("recipe", "run", "load", check=False)
    assert result.returncode == 2
    assert "holds dataset 'on_stage'" in result.stderr
