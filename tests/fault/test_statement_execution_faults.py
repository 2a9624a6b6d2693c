"""Mortar over the Statement Execution API (transport=rest) against the stand-in's
Databricks-faithful warehouse when things go wrong: a throttled statement, a bare 503,
expired external links, the query time-out, an unknown warehouse id, a failing
statement and refused credentials. Nothing that may change data is sent twice; each
error says what to do."""
import hashlib
import time

import pytest

from stand_in import add_databricks_connection
from warehouse_admin import warehouse_admin as admin

pytestmark = pytest.mark.services("frontdoor", "warehouse", "s3")

SLOW = "SELECT count(*) FROM range(300000) a CROSS JOIN range(300000) b WHERE a.id + b.id = -1"


def calls(ws, since, method):
    return [c for c in admin(ws, "GET", "/calls")
            if c["time"] >= since and c["method"] == "StatementExecution." + method]


def sha(statement):
    return hashlib.sha256(statement.encode()).hexdigest()


@pytest.fixture
def rest(mortar, ws):
    """'dbr': the test warehouse (short-lived links) over the Statement Execution API."""
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_databricks_connection(mortar, ws, name="dbr", transport="rest",
                              http_path=ws["databricks_test_http_path"])
    yield mortar
    admin(ws, "DELETE", "/faults")


@pytest.fixture
def small_table(rest, table):
    rest.run("sql", "dbr", f"CREATE TABLE {table} (id BIGINT, s STRING)")
    yield table
    rest.run("sql", "dbr", f"DROP TABLE IF EXISTS {table}", check=False)


def test_a_throttled_statement_is_sent_again_and_runs_once(rest, ws, small_table):
    since = time.time()
    admin(ws, "POST", "/faults", {"warehouse_id": ws["databricks_test_warehouse_id"],
                                  "method": "StatementExecution.execute", "status": 503,
                                  "retry_after": 1, "count": 1})
    statement = f"INSERT INTO {small_table} VALUES (1, 'once')"
    rest.run("sql", "dbr", statement)
    assert [c["statement_sha256"] for c in calls(ws, since, "execute")].count(sha(statement)) == 1
    rows = rest.json("sql", "dbr", f"SELECT COUNT(*) AS n FROM {small_table}")["rows"]
    assert rows == [{"n": 1}]


def test_a_bare_503_is_reported_not_repeated(rest, ws, small_table):
    # Without Retry-After the server may have run the statement: Mortar must not send it again.
    admin(ws, "POST", "/faults", {"warehouse_id": ws["databricks_test_warehouse_id"],
                                  "method": "StatementExecution.execute", "status": 503, "count": 1})
    failed = rest.run("sql", "dbr", f"INSERT INTO {small_table} VALUES (2, 'maybe')", check=False)
    assert failed.returncode != 0
    assert "HTTP 503" in failed.stderr
    rows = rest.json("sql", "dbr", f"SELECT COUNT(*) AS n FROM {small_table}")["rows"]
    assert rows == [{"n": 0}]


def test_expired_links_are_asked_for_again(rest, ws, table):
    rest.run("sql", "dbr", f"CREATE TABLE {table} AS SELECT id, CAST(id AS STRING) AS s "
                           f"FROM range(200000)")
    try:
        rest.run("dataset", "import", "dbr", table, "--name", "big")
        since = time.time()
        # The first chunk's link comes expired with the statement (from its POST, or from
        # a GET if it ran longer), and so do two chunks' links asked for afterwards: each
        # is asked for again.
        for method, count in (("execute", 1), ("get", 5), ("chunk", 2)):
            admin(ws, "POST", "/faults", {"warehouse_id": ws["databricks_test_warehouse_id"],
                                          "method": "StatementExecution." + method,
                                          "expire_links": True, "count": count})
        assert rest.json("dataset", "scan", "big")["rows"] == 200000
        chunks = [c["start_row_offset"] for c in calls(ws, since, "chunk")]
        assert len(chunks) > len(set(chunks)), "no chunk was asked for again"
        executed = [c["statement_sha256"] for c in calls(ws, since, "execute")]
        assert len(executed) == len(set(executed)), "a statement was sent twice"
    finally:
        rest.run("sql", "dbr", f"DROP TABLE IF EXISTS {table}", check=False)


def test_the_query_time_out_cancels_the_statement(mortar, ws):
    mortar.run("init")
    add_databricks_connection(mortar, ws, name="dbr", transport="rest", query_timeout_seconds=3,
                              http_path=ws["databricks_http_path"])
    since = time.time()
    failed = mortar.run("sql", "dbr", SLOW, check=False)
    assert failed.returncode != 0
    assert "query time-out of 3 s" in failed.stderr and "query_timeout_seconds" in failed.stderr
    assert calls(ws, since, "cancel"), "the statement was not cancelled on the server"


def test_a_failed_poll_cancels_the_statement(mortar, ws):
    """A statement Mortar reports failed must not go on (and commit) on the server."""
    mortar.run("init")
    add_databricks_connection(mortar, ws, name="dbr", transport="rest",
                              http_path=ws["databricks_test_http_path"])
    since = time.time()
    admin(ws, "POST", "/faults", {"warehouse_id": ws["databricks_test_warehouse_id"],
                                  "method": "StatementExecution.get", "status": 502, "count": 1})
    try:
        failed = mortar.run("sql", "dbr", SLOW, check=False)
    finally:
        admin(ws, "DELETE", "/faults")
    assert failed.returncode != 0
    assert "HTTP 502" in failed.stderr, failed.stderr
    assert calls(ws, since, "cancel"), "the statement was left running on the server"


def test_bad_input_gets_errors_that_say_what_to_do(mortar, ws):
    mortar.run("init")
    add_databricks_connection(mortar, ws, name="nowhere", transport="rest",
                              http_path="/sql/1.0/warehouses/0000000000000000")
    missing = mortar.run("connection", "test", "nowhere", check=False)
    assert missing.returncode != 0
    assert "No SQL warehouse with id '0000000000000000'" in missing.stderr
    assert "warehouse id at the end of params.http_path" in missing.stderr

    with pytest.raises(AssertionError, match="transport 'thrift' for a cluster"):
        add_databricks_connection(mortar, ws, name="cluster", transport="rest",
                                  http_path=ws["cluster_http_path"])

    add_databricks_connection(mortar, ws, name="dbr", transport="rest",
                              http_path=ws["databricks_http_path"])
    failing = mortar.run("sql", "dbr", "SELECT * FROM no_such_table_anywhere", check=False)
    assert failing.returncode != 0 and "TABLE_OR_VIEW_NOT_FOUND" in failing.stderr

    add_databricks_connection(mortar, ws, name="badtoken", transport="rest", token="dapi-not-a-token",
                              http_path=ws["databricks_http_path"])
    refused = mortar.run("connection", "test", "badtoken", check=False)
    assert refused.returncode != 0
    assert "refused the credentials" in refused.stderr and "check the token" in refused.stderr
    assert "dapi-not-a-token" not in refused.stderr
