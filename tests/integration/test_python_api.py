"""Python code recipes against the stand-in: pandas from SQLite into Databricks through
fast-write; a Databricks Connect recipe that groups a Databricks table with Spark and
writes the result back, with its schema recorded in Mortar; a user whom "details
readable by" does not cover is refused the connection's credentials."""
import json
import os
from pathlib import Path

import pytest

from mortar_cli import REPO, write_json
from s3_bucket import fast_write_through_s3
from s3_bucket import keys as staged_keys
from spark_recipe import BY_CITY, by_city_rows, setup_sales_recipe

pytestmark = pytest.mark.services("frontdoor", "spark", "s3")

ROWS = 5000
# The recipes import this checkout's package. Databricks Connect recipes run with the
# stand-in's interpreter, whose pyspark (with the Spark Connect client) matches the server.
ENV = {**os.environ, "PYTHONPATH": str(REPO / "python")}
SPARK_PYTHON = str(Path.home() / ".cache" / "mortar" / "workspace" / "venv" / "bin" / "python")


def python_recipe(project, name, inputs, outputs, code):
    write_json(project / "recipes" / f"{name}.json",
               {"name": name, "type": "python", "inputs": inputs, "outputs": outputs,
                "params": {"code": code}})


def test_python_recipe_reads_sqlite_and_writes_databricks_through_fast_write(dbx, ws, add_databricks, table):
    prefix = fast_write_through_s3(dbx, ws, add_databricks, "python-api-tests", min_rows=1000)
    lines = ["id,amount,city"] + [f"{i},{i % 100}.5,{['Paris', 'Oslo', 'Lima'][i % 3]}" for i in range(ROWS)]
    (dbx.home / "files").mkdir(exist_ok=True)
    (dbx.home / "files" / "sales.csv").write_text("\n".join(lines) + "\n")
    dbx.run("dataset", "import", "filesystem_default", "sales.csv", "--name", "sales_csv")
    project = dbx.home / "projects" / "p"
    write_json(project / "datasets" / "sales.json",
               {"name": "sales", "connection": "sqlite_default", "type": "sql_table",
                "params": {"table": table}})
    write_json(project / "datasets" / "big_sales.json",
               {"name": "big_sales", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
    write_json(project / "recipes" / "load.json",
               {"name": "load", "type": "sync", "inputs": ["sales_csv"], "outputs": ["sales"]})
    python_recipe(project, "enrich", ["sales"], ["big_sales"], """
import mortar
sales = mortar.Dataset("sales").get_dataframe()
sales = sales[sales.city != "Lima"].assign(doubled=lambda d: d.amount * 2, city=lambda d: d.city.str.upper())
print("rows:", len(sales))
mortar.Dataset("big_sales").write_with_schema(sales)
""")
    report = json.loads(dbx.run("build", "big_sales", "--json", env=ENV).stdout)
    log = open(report["log"]).read()
    assert "python: rows: 3334" in log
    assert "fast-write: loading" in log and "fast-write: removed" in log
    assert ws["pat"] not in log and ws["s3_secret_access_key"] not in log
    rows = dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n, COUNT(DISTINCT city) AS cities, "
                                  f"SUM(doubled) AS total FROM {table}")["rows"]
    expected = sum((i % 100 + 0.5) * 2 for i in range(ROWS) if i % 3 != 2)
    assert rows[0]["n"] == 3334 and rows[0]["cities"] == 2 and float(rows[0]["total"]) == expected
    assert staged_keys(ws, prefix) == []
    assert "doubled" in dbx.run("dataset", "show", "big_sales").stdout


def connect_setup(dbx, ws, add_databricks, table, **readable_by):
    add_databricks(dbx, ws, connect_url=f"sc://{ws['connect_host']}:{ws['connect_port']}",
                   **{f"details_readable_by.{key}": value for key, value in readable_by.items()})
    dbx.run("connection", "set-secret", "dbx", "connect_token", input=ws["connect_token"] + "\n")
    setup_sales_recipe(dbx, table)
    return {**ENV, "MORTAR_PYTHON": SPARK_PYTHON}


def test_databricks_connect_recipe_groups_a_table_and_mortar_shows_the_new_schema(dbx, ws, add_databricks, table):
    env = connect_setup(dbx, ws, add_databricks, table, mode="analysts")
    report = json.loads(dbx.run("build", "by_city", "--json", env=env).stdout)
    log = open(report["log"]).read()
    assert "python: session says 42" in log
    assert ws["connect_token"] not in log and ws["pat"] not in log
    assert by_city_rows(dbx, table) == BY_CITY
    schema = {c["name"]: c["type"] for c in
              json.loads((dbx.home / "projects" / "p" / "datasets" / "by_city.json").read_text())["schema"]}
    assert schema == {"city": "string", "total": "int64", "orders": "int64"}
    shown = dbx.run("dataset", "show", "by_city").stdout
    assert "total" in shown and "orders" in shown


def test_a_user_not_covered_by_details_readable_by_is_refused(dbx, ws, add_databricks, table):
    dbx.run("group", "add", "data-engineers")
    dbx.run("user", "add", "bob", "--group", "analysts", input="a-long-password\n")
    env = connect_setup(dbx, ws, add_databricks, table, mode="groups", groups='["data-engineers"]')
    # Roles and the right to use the connection come first; the details are a further step.
    result = dbx.run("build", "by_city", "--user", "bob", env=env, check=False)
    assert result.returncode == 4 and "user 'bob' may not see project 'p'" in result.stderr
    for group in ("analysts", "data-engineers"):
        dbx.run("project", "grant", "p", "group", group, "--role", "write")
        dbx.run("connection", "grant", "dbx", "use", "--group", group)
    result = dbx.run("build", "by_city", "--user", "bob", env=env, check=False)
    assert result.returncode != 0
    assert "CredentialsRefusedError: user 'bob' may not receive the details of connection 'dbx'" in result.stderr
    assert "details_readable_by" in result.stderr
    assert ws["connect_token"] not in result.stderr + result.stdout
    # The same recipe run by a member of the group works.
    dbx.run("user", "add", "carol", "--group", "data-engineers", input="a-long-password\n")
    dbx.run("build", "by_city", "--user", "carol", env=env)
    assert dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n FROM {table}_by_city")["rows"] == [{"n": 2}]
