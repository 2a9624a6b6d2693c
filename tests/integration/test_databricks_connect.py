"""Python recipes with the real `databricks-connect` package, unmodified, reaching the
stand-in's Spark Connect as it reaches a Databricks cluster: gRPC over TLS on the
workspace's front door, the workspace's token as bearer, the cluster's id in a header.
With a personal access token, and with OAuth machine-to-machine tokens that expire
(and are renewed through Mortar) while the session runs; an unknown cluster and a
refused token are clear errors."""
import json
import os
import re
from pathlib import Path

import pytest

from mortar_cli import REPO
from spark_recipe import BY_CITY, by_city_rows, setup_sales_recipe
from stand_in import token_requests

pytestmark = pytest.mark.services("frontdoor", "spark", "oidc")

ENV = {**os.environ, "PYTHONPATH": str(REPO / "python")}

# Queries spread over several lifetimes of the connection's short-lived tokens.
OUTLIVES_ITS_TOKENS = """
import time
import mortar
from mortar import DatabricksConnect

dbc = DatabricksConnect()
sales = dbc.get_dataframe(mortar.Dataset("sales"))
deadline = time.time() + {seconds}
queries = 0
while time.time() < deadline:
    assert sales.count() == 3
    queries += 1
    time.sleep(0.5)
dbc.write_with_schema(mortar.Dataset("by_city"), sales.groupBy("city").count())
print("queries", queries)
"""


def connect_python(ws):
    return {**ENV, "MORTAR_PYTHON": ws["databricks_connect_python"]}


def front_door_log(ws, since):
    """What the front door logged after byte `since` of its access log."""
    with open(Path(ws["log_dir"]) / "nginx-access.log") as f:
        f.seek(since)
        return f.read()


def access_log_size(ws):
    return (Path(ws["log_dir"]) / "nginx-access.log").stat().st_size


def test_the_seed_example_runs_on_databricks_connect_through_the_front_door(dbx, ws, add_databricks, table):
    add_databricks(dbx, ws, cluster_id=ws["cluster_id"])
    setup_sales_recipe(dbx, table)
    since = access_log_size(ws)
    report = json.loads(dbx.run("build", "by_city", "--json", env=connect_python(ws)).stdout)
    log = open(report["log"]).read()
    assert "python: session says 42" in log
    assert ws["pat"] not in log and ws["connect_token"] not in log
    # databricks-connect's own steps: the cluster's runtime asked of the Clusters API
    # (with Mortar's credentials strategy), then Spark Connect over HTTP/2 and TLS.
    served = front_door_log(ws, since)
    assert re.search(r'"GET /api/2\.\d/clusters/get\?cluster_id=\S+ HTTP/1\.1" 200 .*auth/mortar', served)
    assert re.search(r'"POST /spark\.connect\.SparkConnectService/ExecutePlan HTTP/2\.0" 200', served)
    assert by_city_rows(dbx, table) == BY_CITY
    schema = {c["name"]: c["type"] for c in
              json.loads((dbx.home / "projects" / "p" / "datasets" / "by_city.json").read_text())["schema"]}
    assert schema == {"city": "string", "total": "int64", "orders": "int64"}


def test_an_oauth_session_outlives_its_tokens(dbx, ws, add_databricks, table):
    setup_sales_recipe(dbx, table, OUTLIVES_ITS_TOKENS.format(seconds=3 * ws["short_access_token_ttl"] + 1))
    client = ws["oauth_m2m_short_client_id"]
    add_databricks(dbx, ws, cluster_id=ws["cluster_id"], **{
        "auth.token_file": None, "auth.type": "oauth_m2m", "auth.client_id": client,
        "auth.token_endpoint": ws["oauth_token_url"]})
    dbx.run("connection", "set-secret", "dbx", "client_secret", input=ws["oauth_m2m_short_client_secret"] + "\n")
    before = token_requests(ws, client, "client_credentials")
    report = json.loads(dbx.run("build", "by_city", "--json", env=connect_python(ws)).stdout)
    log = open(report["log"]).read()
    queries = int(re.search(r"python: queries (\d+)", log).group(1))
    # Tokens of a few seconds each: the session went on with new ones, from Mortar.
    assert token_requests(ws, client, "client_credentials") - before >= 3, queries
    assert ws["oauth_m2m_short_client_secret"] not in log
    assert dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n FROM {table}_by_city")["rows"] == [{"n": 2}]


def test_an_unknown_cluster_and_a_refused_token_are_clear_errors(dbx, ws, add_databricks, table):
    setup_sales_recipe(dbx, table)
    add_databricks(dbx, ws, cluster_id="0101-000000-00000000")
    result = dbx.run("build", "by_city", env=connect_python(ws), check=False)
    assert result.returncode != 0
    assert "No cluster with this id" in result.stderr, result.stderr[-2000:]
    add_databricks(dbx, ws, cluster_id=ws["cluster_id"], token="dapi" + "0" * 32)
    result = dbx.run("build", "by_city", env=connect_python(ws), check=False)
    assert result.returncode != 0
    assert "unknown personal access token" in result.stderr, result.stderr[-2000:]
    add_databricks(dbx, ws)
    assert not dbx.json("sql", "dbx", f"SHOW TABLES LIKE '{table}_by_city'")["rows"]
