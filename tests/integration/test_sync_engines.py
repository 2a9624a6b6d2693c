"""The sync recipe's engines against the stand-in: cloud-to-databricks (files on S3 or
Azure Blob loaded by Spark itself), databricks-to-cloud (Spark writes the files itself),
and streaming otherwise; each chosen automatically and named in the job log, checked
row for row on both stores; a forced engine that cannot run says why; failures leave
the old output and no temporary prefix or staging table."""
import io
import json
import uuid

import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

from mortar_cli import write_json
from test_cloud_files import STORES

pytestmark = pytest.mark.services("frontdoor", "spark", "s3", "azurite")

ROWS = 500


def csv_rows():
    return [(i, f"name {i}, quoted", f"2024-05-{1 + i % 28:02d}", i % 7 == 0) for i in range(ROWS)]


def csv_text():
    lines = ["id,name,day,flag"]
    lines += [f"{i},\"{name}\",{day},{'true' if flag else 'false'}" for i, name, day, flag in csv_rows()]
    return "\n".join(lines) + "\n"


def make_setup(dbx, ws, table, store):
    store.add(dbx, ws)
    prefix = "sync-engine-tests/" + uuid.uuid4().hex[:8]
    store.put(ws, f"{prefix}/in/sales.csv", csv_text().encode())
    dbx.run("dataset", "import", "lake", f"{prefix}/in/sales.csv", "--name", "sales_lake")
    project = dbx.home / "projects" / "p"
    write_json(project / "datasets" / "sales_dbx.json",
               {"name": "sales_dbx", "connection": "dbx", "type": "sql_table", "params": {"table": table}})
    return dbx, store, prefix, project


@pytest.fixture(params=sorted(STORES))
def setup(request, dbx, ws, table):
    """(dbx with the connection 'lake' on the store, the store, a new prefix holding
    in/sales.csv, imported as sales_lake, the project)."""
    return make_setup(dbx, ws, table, STORES[request.param])


@pytest.fixture
def on_s3(dbx, ws, table):
    return make_setup(dbx, ws, table, STORES["s3"])


def recipe(project, name, source, target, **extra):
    # A dataset has one producer: the recipes of earlier steps that wrote `target` go.
    for other in (project / "recipes").glob("*.json"):
        if json.loads(other.read_text())["outputs"] == [target]:
            other.unlink()
    write_json(project / "recipes" / f"{name}.json",
               {"name": name, "type": "sync", "inputs": [source], "outputs": [target], **extra})


def table_rows(dbx, table):
    rows = dbx.json("sql", "dbx", f"SELECT id, name, CAST(day AS STRING) AS day, flag FROM {table} ORDER BY id",
                    "--limit", str(ROWS + 10))["rows"]
    return [(r["id"], r["name"], r["day"], r["flag"]) for r in rows]


def leftovers(dbx, store, ws, prefix, table):
    tables = dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"]
    return [k for k in store.names(ws, prefix) if "_mortar_tmp" in k] + [t["tableName"] for t in tables]


def test_cloud_to_databricks_loads_csv_and_is_named(setup, ws, table):
    dbx, store, prefix, project = setup
    recipe(project, "load", "sales_lake", "sales_dbx")
    report = dbx.json("recipe", "run", "load")
    assert report["engine"] == "cloud-to-databricks"
    assert report["rows"] == ROWS
    log = open(report["log"]).read()
    assert "recipe load (sync): engine cloud-to-databricks" in log
    assert store.uri(ws, f"{prefix}/in/sales.csv") in log and "fast-write" not in log
    assert table_rows(dbx, table) == csv_rows()
    assert leftovers(dbx, store, ws, prefix, table) == []


def test_databricks_to_cloud_writes_parquet_and_csv_then_loads_them_back(setup, ws, table):
    dbx, store, prefix, project = setup
    recipe(project, "load", "sales_lake", "sales_dbx")
    dbx.run("recipe", "run", "load")
    # An old part the replacement must remove.
    store.put(ws, f"{prefix}/out/part-00009.parquet", b"old")
    write_json(project / "datasets" / "out_pq.json",
               {"name": "out_pq", "connection": "lake", "type": "files",
                "params": {"path": f"{prefix}/out", "format": "parquet"}})
    recipe(project, "unload", "sales_dbx", "out_pq")
    report = dbx.json("recipe", "run", "unload")
    assert report["engine"] == "databricks-to-cloud" and report["rows"] == ROWS
    assert "recipe unload (sync): engine databricks-to-cloud" in open(report["log"]).read()
    keys = store.names(ws, f"{prefix}/out/")
    assert keys and all(k.startswith(f"{prefix}/out/part-") and k.endswith(".parquet") for k in keys)
    assert f"{prefix}/out/part-00009.parquet" not in keys or len(keys) >= 10
    rows = []
    for key in keys:
        rows += pq.read_table(io.BytesIO(store.get(ws, key))).to_pylist()
    got = sorted((r["id"], r["name"], str(r["day"]), r["flag"]) for r in rows)
    assert got == csv_rows()
    # A single CSV file: one file written by Spark, copied into place.
    write_json(project / "datasets" / "out_csv.json",
               {"name": "out_csv", "connection": "lake", "type": "files",
                "params": {"path": f"{prefix}/export/sales.csv"}})
    recipe(project, "unload_csv", "sales_dbx", "out_csv")
    assert dbx.json("recipe", "run", "unload_csv")["engine"] == "databricks-to-cloud"
    assert store.names(ws, f"{prefix}/export/") == [f"{prefix}/export/sales.csv"]
    table_back = pacsv.read_csv(io.BytesIO(store.get(ws, f"{prefix}/export/sales.csv"))).to_pylist()
    assert sorted((r["id"], r["name"], str(r["day"]), r["flag"]) for r in table_back) == csv_rows()
    # And Mortar reads what Spark wrote, through the same files dataset.
    assert dbx.json("dataset", "scan", "out_pq")["rows"] == ROWS
    assert leftovers(dbx, store, ws, prefix, table) == []


def test_streaming_otherwise_and_forced_engines(on_s3, ws, table):
    dbx, store, prefix, project = on_s3
    (dbx.home / "files").mkdir(exist_ok=True)
    (dbx.home / "files" / "local.csv").write_text(csv_text())
    dbx.run("dataset", "import", "filesystem_default", "local.csv", "--name", "local")
    recipe(project, "local_load", "local", "sales_dbx")
    report = dbx.json("recipe", "run", "local_load")
    assert report["engine"] == "streaming"
    assert "engine streaming" in open(report["log"]).read()
    assert table_rows(dbx, table) == csv_rows()
    # Forcing an engine whose conditions do not hold says why.
    recipe(project, "forced", "local", "sales_dbx", engine="cloud-to-databricks")
    result = dbx.run("recipe", "run", "forced", check=False)
    assert result.returncode == 2, result.stderr
    assert "the engine 'cloud-to-databricks' cannot run it" in result.stderr
    assert "'local' is not a files dataset on cloud storage" in result.stderr
    recipe(project, "forced_unload", "sales_lake", "sales_dbx", engine="databricks-to-cloud")
    result = dbx.run("recipe", "run", "forced_unload", check=False)
    assert result.returncode == 2 and "'sales_lake' is not a Databricks table or query" in result.stderr
    # Forcing streaming where cloud-to-databricks would be chosen.
    recipe(project, "forced_streaming", "sales_lake", "sales_dbx", engine="streaming")
    report = dbx.json("recipe", "run", "forced_streaming")
    assert report["engine"] == "streaming" and report["rows"] == ROWS


def test_failures_keep_the_old_output_and_leave_nothing_behind(setup, ws, table):
    dbx, store, prefix, project = setup
    dbx.run("sql", "dbx", f"CREATE TABLE {table} (id BIGINT) USING DELTA")
    dbx.run("sql", "dbx", f"INSERT INTO {table} VALUES (42)")
    # A declared column that the files do not have: the load fails in Spark.
    config = json.loads((project / "datasets" / "sales_lake.json").read_text())
    config["schema"].append({"name": "missing", "type": "int64"})
    config["params"]["format"] = "csv"
    write_json(project / "datasets" / "broken_lake.json", {**config, "name": "broken_lake"})
    recipe(project, "broken_load", "broken_lake", "sales_dbx")
    result = dbx.run("recipe", "run", "broken_load", check=False)
    assert result.returncode != 0
    assert store.secret(ws) not in result.stderr + result.stdout
    assert dbx.json("sql", "dbx", f"SELECT id FROM {table}")["rows"] == [{"id": 42}]
    # A query that fails while Spark writes the files.
    write_json(project / "datasets" / "failing.json",
               {"name": "failing", "connection": "dbx", "type": "sql_query",
                "params": {"query": "SELECT id, CAST(raise_error('boom while writing') AS STRING) AS x FROM range(10)"},
                "schema": [{"name": "id", "type": "int64"}, {"name": "x", "type": "string"}]})
    store.put(ws, f"{prefix}/kept/data.csv", b"id,x\n1,old\n")
    write_json(project / "datasets" / "kept.json",
               {"name": "kept", "connection": "lake", "type": "files", "params": {"path": f"{prefix}/kept/data.csv"}})
    recipe(project, "failing_unload", "failing", "kept")
    result = dbx.run("recipe", "run", "failing_unload", check=False)
    assert result.returncode != 0 and "boom while writing" in result.stderr
    assert store.names(ws, f"{prefix}/kept/") == [f"{prefix}/kept/data.csv"]
    assert store.get(ws, f"{prefix}/kept/data.csv") == b"id,x\n1,old\n"
    assert leftovers(dbx, store, ws, prefix, table) == []
