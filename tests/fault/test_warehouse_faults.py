"""Faults against the Databricks-faithful warehouse: throttling (503 with Retry-After) on a
fetch and on the statement itself, CloudFetch links that have expired, and the warehouse
killed mid-fetch and mid-COPY INTO. Nothing that may change data is sent twice; a failed
load leaves the table as it was and no staged files."""
import hashlib
import subprocess
import time

import pytest

from mortar_cli import write_json
from s3_bucket import fast_write_through_s3
from s3_bucket import keys as staged_keys
from stand_in import add_databricks_connection, kill_part, start_again
from warehouse_admin import warehouse_admin as admin

pytestmark = pytest.mark.services("frontdoor", "warehouse", "s3")


def calls(ws, since):
    return [c for c in admin(ws, "GET", "/calls") if c["time"] >= since]


def sha(statement):
    return hashlib.sha256(statement.encode()).hexdigest()


@pytest.fixture
def dbsql(mortar, ws):
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_databricks_connection(mortar, ws, http_path=ws["databricks_http_path"])
    return mortar


@pytest.fixture
def big_table(dbsql, table):
    """A table whose read takes several FetchResults pages of inline Arrow."""
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} AS SELECT id, CAST(id AS STRING) AS s FROM range(300000)")
    dbsql.run("dataset", "import", "dbx", table, "--name", "big")
    yield table
    dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def test_throttled_fetches_are_retried_and_the_statement_runs_once(dbsql, ws, big_table):
    since = time.time()
    admin(ws, "POST", "/faults", {"warehouse_id": ws["databricks_warehouse_id"],
                                  "method": "FetchResults", "status": 503, "retry_after": 1, "count": 2})
    assert dbsql.json("dataset", "scan", "big")["rows"] == 300000
    executed = [c for c in calls(ws, since) if c["method"] == "ExecuteStatement"]
    assert len(executed) == len({c["statement_sha256"] for c in executed}), "a statement was sent twice"
    # A throttled statement (refused before it ran) is sent again, and runs once.
    since = time.time()
    admin(ws, "POST", "/faults", {"warehouse_id": ws["databricks_warehouse_id"],
                                  "method": "ExecuteStatement", "status": 503, "retry_after": 1, "count": 1})
    statement = f"INSERT INTO {big_table} VALUES (-1, 'once')"
    dbsql.run("sql", "dbx", statement)
    served = [c for c in calls(ws, since) if c["statement_sha256"] == sha(statement)]
    assert len(served) == 1
    count = dbsql.json("sql", "dbx", f"SELECT COUNT(*) AS n FROM {big_table} WHERE id = -1")["rows"][0]["n"]
    assert count == 1
    # Unavailable without Retry-After: a proxy may answer so after the server ran the
    # statement, so Mortar reports it and never sends it again.
    since = time.time()
    admin(ws, "POST", "/faults", {"warehouse_id": ws["databricks_warehouse_id"],
                                  "method": "ExecuteStatement", "status": 503, "count": 1})
    statement = f"INSERT INTO {big_table} VALUES (-2, 'never twice')"
    result = dbsql.run("sql", "dbx", statement, check=False)
    assert result.returncode != 0 and "503" in result.stderr, result.stderr
    assert [c for c in calls(ws, since) if c["statement_sha256"] == sha(statement)] == []
    count = dbsql.json("sql", "dbx", f"SELECT COUNT(*) AS n FROM {big_table} WHERE id = -2")["rows"][0]["n"]
    assert count == 0


def test_expired_cloudfetch_links_are_listed_again_from_their_first_row(dbsql, ws, table, tmp_path):
    # The test warehouse answers CloudFetch for small results, 4 links a page.
    add_databricks_connection(dbsql, ws, http_path=ws["databricks_test_http_path"])
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} AS SELECT id, repeat('x', 40) AS pad FROM range(100000)")
    try:
        dbsql.run("dataset", "import", "dbx", table, "--name", "t")
        since = time.time()
        admin(ws, "POST", "/faults", {"warehouse_id": ws["databricks_test_warehouse_id"],
                                      "method": "FetchResults", "expire_links": True, "count": 1})
        out = tmp_path / "t.csv"
        dbsql.run("dataset", "export", "t", str(out))
        lines = out.read_text().splitlines()
        assert len(lines) == 100001 and len(set(lines)) == 100001
        fetches = [c for c in calls(ws, since) if c["method"] == "FetchResults"]
        # Listed again once, from the expired page's first file (FETCH_NEXT never names a row).
        renewals = [c for c in fetches if c["start_row_offset"] is not None]
        assert len(renewals) == 1, fetches
    finally:
        dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def wait_for(condition, seconds, what):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_warehouse_killed_mid_fetch(dbsql, ws, table, tmp_path):
    add_databricks_connection(dbsql, ws, http_path=ws["databricks_test_http_path"], cloudfetch_downloads=1)
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} AS SELECT id, repeat('x', 40) AS pad FROM range(1500000)")
    dbsql.run("dataset", "import", "dbx", table, "--name", "t")
    since = time.time()
    export = subprocess.Popen([*dbsql.command(), "dataset", "export", "t", str(tmp_path / "t.parquet")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: any(c["method"] == "FetchResults" for c in calls(ws, since)), 120,
                 "the first FetchResults")
        kill_part("warehouse")
        _, err = export.communicate(timeout=300)
        assert export.returncode != 0
        assert "connection 'dbx'" in err and ws["pat"] not in err, err
        assert not (tmp_path / "t.parquet").exists(), "a partial export was left behind"
    finally:
        if export.poll() is None:
            export.kill()
        start_again("warehouse")
        dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)


def test_warehouse_killed_mid_copy_into_leaves_the_table_and_no_staged_files(dbsql, ws, table):
    def add_on_faithful(mortar, ws, **settings):
        add_databricks_connection(mortar, ws, http_path=ws["databricks_http_path"], **settings)

    prefix = fast_write_through_s3(dbsql, ws, add_on_faithful, "faithful-faults",
                                   min_rows=1000, file_rows=200000)
    dbsql.run("sql", "dbx", f"CREATE TABLE {table} (id BIGINT, label STRING)")
    dbsql.run("sql", "dbx", f"INSERT INTO {table} VALUES (42, 'before')")
    rows = 1200000
    (dbsql.home / "files").mkdir(exist_ok=True)
    with open(dbsql.home / "files" / "many.csv", "w") as f:
        f.write("id,label\n")
        for i in range(rows):
            f.write(f"{i},label {i}\n")
    dbsql.run("dataset", "import", "filesystem_default", "many.csv", "--name", "many")
    project = dbsql.home / "projects" / "p"
    write_json(project / "datasets" / "target.json",
               {"name": "target", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
    write_json(project / "recipes" / "load.json",
               {"name": "load", "type": "sync", "inputs": ["many"], "outputs": ["target"]})
    jobs = dbsql.home / "jobs"
    run = subprocess.Popen([*dbsql.command(), "recipe", "run", "load"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        def loading():
            return any("fast-write: loading" in log.read_text()
                       for log in jobs.glob("*/log.txt")) if jobs.exists() else False
        wait_for(loading, 300, "the COPY INTO")
        kill_part("warehouse")
        _, err = run.communicate(timeout=600)
        assert run.returncode != 0, err
        assert ws["s3_secret_access_key"] not in err
    finally:
        if run.poll() is None:
            run.kill()
        start_again("warehouse")
    assert dbsql.json("sql", "dbx", f"SELECT id, label FROM {table}")["rows"] == [{"id": 42, "label": "before"}]
    assert staged_keys(ws, prefix) == [], "staged files were left behind"
    dbsql.run("sql", "dbx", f"DROP TABLE IF EXISTS {table}", check=False)
