"""The stand-in's Spark dies under Mortar's feet: mid-fetch and mid-write. Runs last
(it restarts the stand-in's Spark)."""
import json
import os
import signal
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "scripts", "workspace")


def kill_spark():
    status = json.loads(subprocess.run([sys.executable, SCRIPT, "status", "--json"], text=True,
                                       stdout=subprocess.PIPE).stdout)
    pid = status["spark"]["pid"]
    os.killpg(os.getpgid(pid), signal.SIGKILL)


def restart():
    subprocess.run([sys.executable, SCRIPT, "up"], check=True, stdout=subprocess.DEVNULL)


def run_and_kill_spark(mortar, *args, after=4):
    """Runs mortar, kills Spark `after` seconds in, brings it back; returns the result."""
    process = subprocess.Popen([os.environ.get("MORTAR_BIN", os.path.join(REPO, "build", "debug", "mortar")),
                                "--home", str(mortar.home), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(after)
    try:
        kill_spark()
        out, err = process.communicate(timeout=300)
    finally:
        restart()
    assert process.returncode != 0, out
    assert "connection 'dbx'" in err
    return process.returncode, err


def test_server_killed_mid_fetch(dbx, table):
    dbx.run("sql", "dbx", f"CREATE TABLE {table} USING DELTA AS SELECT id, concat('row ', id) AS name "
                          "FROM range(3000000)")
    dbx.run("dataset", "import", "dbx", table, "--name", "big")
    code, err = run_and_kill_spark(dbx, "dataset", "scan", "big")
    assert code in (6, 130), err


def test_server_killed_mid_write_leaves_the_table_and_cleans_up(dbx, table):
    files = dbx.home / "files"
    files.mkdir(exist_ok=True)
    (files / "small.csv").write_text("a,b\n1,x\n")
    with (files / "large.csv").open("w") as out:
        out.write("a,b\n")
        for i in range(400000):
            out.write(f"{i},value {i}\n")
    project = dbx.home / "projects" / "p"
    for name in ["small", "large"]:
        (project / "datasets" / f"{name}.json").write_text(json.dumps(
            {"name": name, "connection": "filesystem_default", "type": "files", "params": {"path": f"{name}.csv"},
             "schema": [{"name": "a", "type": "int64"}, {"name": "b", "type": "string"}]}))
    (project / "datasets" / "target.json").write_text(json.dumps(
        {"name": "target", "connection": "dbx", "type": "sql_table", "params": {"table": table}}))
    recipe = project / "recipes" / "load.json"
    recipe.write_text(json.dumps({"name": "load", "type": "sync", "inputs": ["small"], "outputs": ["target"]}))
    dbx.run("recipe", "run", "load")
    recipe.write_text(json.dumps({"name": "load", "type": "sync", "inputs": ["large"], "outputs": ["target"]}))
    run_and_kill_spark(dbx, "recipe", "run", "load", after=6)
    # The target is as it was; a later write removes the staging table left behind.
    assert dbx.json("sql", "dbx", f"SELECT a, b FROM {table}")["rows"] == [{"a": 1, "b": "x"}]
    recipe.write_text(json.dumps({"name": "load", "type": "sync", "inputs": ["small"], "outputs": ["target"]}))
    dbx.run("recipe", "run", "load")
    leftovers = dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"]
    assert leftovers == []
