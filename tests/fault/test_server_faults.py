"""Parts of the stand-in die under Mortar's feet: Spark mid-fetch, mid-write and
mid-load, and the S3 server and Azurite mid-upload. Each part is killed once Mortar is
at the step the test is about (Spark serving the rows, a line in the job log), and
started again once Mortar has given up."""
import glob
import json
import os
import subprocess
import tempfile
import time
import urllib.request

import pytest

from azure_container import Hidden, add_azure
from mortar_cli import mortar_binary
from s3_bucket import fast_write_through_s3
from s3_bucket import keys as staged_keys
from stand_in import kill_part, start_again

pytestmark = pytest.mark.services("frontdoor", "spark", "s3", "azurite")


def run_and_kill(mortar, part, at_step, *args):
    """Runs mortar; once `at_step()` is true, kills the stand-in's `part`, and starts it
    again once mortar has given up. Returns mortar's exit code and stderr."""
    process = subprocess.Popen([mortar_binary(), "--home", str(mortar.home), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 120
        while time.time() < deadline and process.poll() is None and not at_step():
            time.sleep(0.1)
        assert process.poll() is None, f"finished before the step to kill at: {process.communicate()}"
        kill_part(part)
        out, err = process.communicate(timeout=300)
    finally:
        if process.poll() is None:
            process.kill()
        start_again(part)
    assert process.returncode != 0, out
    return process.returncode, err


def spark_fetching(ws, table):
    """Whether Spark serves the rows of a query on the table (its REST API: the Thrift
    server runs a job per FetchResults)."""
    base = ws["spark_ui_url"] + "/api/v1/applications"
    with urllib.request.urlopen(base, timeout=10) as response:
        application = json.load(response)[0]["id"]
    with urllib.request.urlopen(f"{base}/{application}/jobs", timeout=10) as response:
        jobs = json.load(response)
    return any(job["name"].startswith("getNextRowSet") and table in job.get("description", "")
               for job in jobs)


def run_and_kill_spark(mortar, at_step, *args):
    code, err = run_and_kill(mortar, "spark", at_step, *args)
    assert "connection 'dbx'" in err
    return code, err


def run_and_kill_when_logged(mortar, part, marker, *args):
    """Runs mortar; when its job log shows `marker`, kills the stand-in's `part` and
    brings it back once mortar has given up. Returns the error output and the job log."""
    jobs = mortar.home / "jobs"
    known = set(jobs.glob("*/log.txt"))

    def new_logs():
        return [p for p in jobs.glob("*/log.txt") if p not in known]

    _, err = run_and_kill(mortar, part, lambda: any(marker in log.read_text() for log in new_logs()), *args)
    return err, new_logs()[0].read_text()


def test_server_killed_mid_fetch(dbx, ws, table):
    dbx.run("sql", "dbx", f"CREATE TABLE {table} USING DELTA AS SELECT id, concat('row ', id) AS name "
                          "FROM range(3000000)")
    dbx.run("dataset", "import", "dbx", table, "--name", "big")
    code, err = run_and_kill_spark(dbx, lambda: spark_fetching(ws, table), "dataset", "scan", "big")
    assert code in (6, 130), err


def test_server_killed_mid_write_leaves_the_table_and_cleans_up(dbx, table):
    recipe = sync_recipe(dbx, table, rows=400000)
    err, _ = run_and_kill_when_logged(dbx, "spark", "PROGRESS sync many -> target", "recipe", "run", "load")
    assert "connection 'dbx'" in err
    # The target is as it was; a later write removes the staging table left behind.
    assert dbx.json("sql", "dbx", f"SELECT a, b FROM {table}")["rows"] == [{"a": 1, "b": "x"}]
    recipe.write_text(json.dumps({"name": "load", "type": "sync", "inputs": ["one"], "outputs": ["target"]}))
    dbx.run("recipe", "run", "load")
    leftovers = dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"]
    assert leftovers == []


def sync_recipe(dbx, table, rows):
    """The sync recipe 'load' into `table`, which holds one row (1, 'x') written by it, now
    pointed at a CSV of `rows` rows; returns the recipe's file."""
    files = dbx.home / "files"
    files.mkdir(exist_ok=True)
    (files / "one.csv").write_text("a,b\n1,x\n")
    with (files / "many.csv").open("w") as out:
        out.write("a,b\n")
        for i in range(rows):
            out.write(f"{i},value {i}\n")
    project = dbx.home / "projects" / "p"
    for name in ["one", "many"]:
        (project / "datasets" / f"{name}.json").write_text(json.dumps(
            {"name": name, "connection": "filesystem_default", "type": "files", "params": {"path": f"{name}.csv"},
             "schema": [{"name": "a", "type": "int64"}, {"name": "b", "type": "string"}]}))
    (project / "datasets" / "target.json").write_text(json.dumps(
        {"name": "target", "connection": "dbx", "type": "sql_table", "params": {"table": table}}))
    recipe = project / "recipes" / "load.json"
    recipe.write_text(json.dumps({"name": "load", "type": "sync", "inputs": ["one"], "outputs": ["target"]}))
    dbx.run("recipe", "run", "load")
    recipe.write_text(json.dumps({"name": "load", "type": "sync", "inputs": ["many"], "outputs": ["target"]}))
    return recipe


# The stores' retry time (a minute by default) cut short: a store that is killed stays
# down, so the write fails once it is spent, and what is checked is what follows.
STORE_RETRY_SECONDS = 8


def fast_write_load(dbx, ws, add_databricks, table, rows):
    """dbx with fast-write staging on the stand-in's S3 and sync_recipe's set-up;
    returns the staging prefix."""
    prefix = fast_write_through_s3(dbx, ws, add_databricks, "fault-tests", retry_seconds=STORE_RETRY_SECONDS,
                                   min_rows=100, file_rows=20000)
    sync_recipe(dbx, table, rows)
    return prefix


def staging_folders():
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "mortar-fast-write-*")))


def test_s3_killed_mid_upload_leaves_the_table_and_no_local_files(dbx, ws, add_databricks, table):
    prefix = fast_write_load(dbx, ws, add_databricks, table, rows=600000)
    before = staging_folders()
    err, log = run_and_kill_when_logged(dbx, "s3", "fast-write: staging", "recipe", "run", "load")
    assert "cannot reach" in err.lower() or "s3" in err.lower(), err
    assert ws["s3_secret_access_key"] not in err + log
    # The S3 server is gone, so the staged files could not be deleted: the log says where.
    assert "fast-write: could not remove the staged files under s3://" in log and prefix in log, log
    assert staging_folders() - before == set()
    assert dbx.json("sql", "dbx", f"SELECT a, b FROM {table}")["rows"] == [{"a": 1, "b": "x"}]


def test_spark_killed_mid_load_leaves_the_table_and_removes_the_staged_files(dbx, ws, add_databricks, table):
    prefix = fast_write_load(dbx, ws, add_databricks, table, rows=600000)
    err, log = run_and_kill_when_logged(dbx, "spark", "fast-write: loading", "recipe", "run", "load")
    assert "connection 'dbx'" in err, err
    assert ws["s3_secret_access_key"] not in err + log
    assert "fast-write: removed" in log, log
    assert staged_keys(ws, prefix) == []
    assert dbx.json("sql", "dbx", f"SELECT a, b FROM {table}")["rows"] == [{"a": 1, "b": "x"}]


def test_azurite_killed_mid_upload_leaves_the_table_and_no_local_files(dbx, ws, add_databricks, table):
    prefix = fast_write_load(dbx, ws, add_databricks, table, rows=600000)
    add_azure(dbx, ws, retry_seconds=STORE_RETRY_SECONDS, account_key=Hidden(ws["azure_key"]))
    add_databricks(dbx, ws, **{"fast_write.connection": "azstage", "fast_write.path": prefix,
                               "fast_write.min_rows": 100, "fast_write.file_rows": 20000})
    before = staging_folders()
    err, log = run_and_kill_when_logged(dbx, "azurite", "fast-write: staging", "recipe", "run", "load")
    assert "cannot reach" in err.lower(), err
    assert ws["azure_key"] not in err + log
    # Azurite is gone, so the staged blobs could not be deleted: the log says where.
    assert "fast-write: could not remove the staged files under " + ws["azure_endpoint"] in log, log
    assert prefix in log
    assert staging_folders() - before == set()
    assert dbx.json("sql", "dbx", f"SELECT a, b FROM {table}")["rows"] == [{"a": 1, "b": "x"}]
