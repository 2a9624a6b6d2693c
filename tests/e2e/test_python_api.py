"""Python code recipes and the data API on the embedded default: a recipe reads a CSV
and an SQLite dataset with pandas and writes an output; clear errors for unknown and
undeclared datasets and failed conversions; a failing script leaves its outputs as
they were; the ticket stays out of process arguments and logs; notebooks reach
`mortar serve` with an API key."""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from mortar_cli import REPO, mortar_binary, write_json

sys.path.insert(0, str(REPO / "python"))
import mortar as mortar_api  # noqa: E402  (the package of this checkout)

# The recipe's interpreter imports the package of this checkout, not an installed one.
ENV = {**os.environ, "PYTHONPATH": str(REPO / "python")}


def dataset(project, name, connection, **params):
    kind = "files" if connection == "filesystem_default" else "sql_table"
    write_json(project / "datasets" / f"{name}.json",
               {"name": name, "connection": connection, "type": kind, "params": params})


def recipe(project, name, inputs, outputs, script):
    (project / "recipes" / f"{name}.py").write_text(script)
    write_json(project / "recipes" / f"{name}.json",
               {"name": name, "type": "python", "inputs": inputs, "outputs": outputs,
                "params": {"script": f"recipes/{name}.py"}})


@pytest.fixture
def project(mortar):
    mortar.run("init")
    mortar.run("project", "create", "p")
    mortar.run("connection", "add", "lake", "--type", "s3", "--param", "bucket=b", "--param", "region=eu-west-1",
               "--param", "access_key_id=AKIAEXAMPLE", "--param", "secret_access_key_env=LAKE_S3_SECRET")
    mortar.run("connection", "add", "blobs", "--type", "azure_blob", "--param", "account=acct",
               "--param", "container=c", "--param", "sas_token_env=LAKE_SAS")
    files = mortar.home / "files"
    files.mkdir(exist_ok=True)
    (files / "people.csv").write_text("id,name,age\n1,Ann,34\n2,Bob,17\n3,Cy,52\n4,Di,\n")
    mortar.run("dataset", "import", "filesystem_default", "people.csv", "--name", "people_csv")
    project = mortar.home / "projects" / "p"
    dataset(project, "people", "sqlite_default", table="people")
    dataset(project, "adults", "sqlite_default", table="adults")
    write_json(project / "recipes" / "load.json",
               {"name": "load", "type": "sync", "inputs": ["people_csv"], "outputs": ["people"]})
    mortar.run("build", "people", env=ENV)
    return project


# Secrets that connections read from variables: none may reach a recipe's script.
SECRET_VARIABLES = {"DATABRICKS_TOKEN": "dapi-must-not-leak", "LAKE_S3_SECRET": "s3-must-not-leak",
                    "LAKE_SAS": "sas-must-not-leak"}


def build(mortar, target, check=True):
    return mortar.run("build", target, "--json", env={**ENV, **SECRET_VARIABLES}, check=check)


def job_log(mortar):
    logs = sorted((mortar.home / "jobs").glob("*/log.txt"), key=lambda path: path.stat().st_mtime)
    return logs[-1].read_text()


READ_AND_WRITE = """
import os, sys
import mortar

people = mortar.Dataset("people_csv").get_dataframe()
ages = mortar.Dataset("people").get_dataframe(columns=["id", "age"])
assert list(ages.columns) == ["id", "age"], ages.columns
assert mortar.Dataset("people").get_dataframe(limit=2).shape[0] == 2
chunks = [len(df) for df in mortar.Dataset("people").iter_dataframes(chunksize=3)]
assert chunks == [3, 1], chunks
assert next(mortar.Dataset("people").iter_rows())["name"] == "Ann"
adults = people[people.age >= 18].assign(decade=lambda d: (d.age // 10 * 10).astype("int64"))
print("adults:", len(adults))
with open(f"/proc/{os.getpid()}/cmdline", "rb") as cmdline:
    assert b"mt_" not in cmdline.read()
assert os.environ["MORTAR_TICKET"].startswith("mt_")
for name in ("DATABRICKS_TOKEN", "LAKE_S3_SECRET", "LAKE_SAS"):
    assert name not in os.environ, name
mortar.Dataset("adults").write_with_schema(adults[["id", "name", "decade"]])
mortar.Dataset("minors").write_with_schema(people[people.age < 18][["id", "name"]])
"""


def test_python_recipe_reads_csv_and_sqlite_with_pandas_and_writes_an_output(mortar, project):
    dataset(project, "minors", "sqlite_default", table="minors")
    recipe(project, "adults", ["people_csv", "people"], ["adults", "minors"], READ_AND_WRITE)
    report = json.loads(build(mortar, "adults").stdout)
    assert report["recipes"][-1]["engine"] == "python"
    rows = mortar.json("sql", "sqlite_default", "SELECT id, name, decade FROM adults ORDER BY id")["rows"]
    assert rows == [{"id": 1, "name": "Ann", "decade": 30}, {"id": 3, "name": "Cy", "decade": 50}]
    # Two outputs in one SQLite database: written one after the other at the end.
    assert mortar.json("sql", "sqlite_default", "SELECT name FROM minors")["rows"] == [{"name": "Bob"}]
    assert not list((project / "state").glob("spool-*")), "a spool file was left behind"
    shown = mortar.run("dataset", "show", "adults").stdout
    assert "decade" in shown and "int64" in shown
    log = job_log(mortar)
    assert "python: adults: 2" in log
    assert "api: POST /api/projects/p/datasets/adults/data 200" in log
    assert "mt_" not in log and "dapi-must-not-leak" not in log


ERRORS = """
import mortar
import pandas as pd

def expect(kind, call):
    try:
        call()
    except kind as error:
        print(f"{kind.__name__}: {error}")
    else:
        raise AssertionError(f"no {kind.__name__}")

expect(mortar.UnknownDatasetError, lambda: mortar.Dataset("nosuch").get_dataframe())
expect(mortar.NotDeclaredError, lambda: mortar.Dataset("people_csv").get_dataframe())
expect(mortar.NotDeclaredError, lambda: mortar.Dataset("people").write_with_schema(pd.DataFrame({"a": [1]})))
expect(mortar.TypeConversionError,
       lambda: mortar.Dataset("adults").write_dataframe(pd.DataFrame({"id": ["x1"], "name": ["A"]})))
expect(mortar.SchemaMismatchError,
       lambda: mortar.Dataset("adults").write_dataframe(pd.DataFrame({"id": [1], "nom": ["A"]})))
mortar.Dataset("adults").write_dataframe(pd.DataFrame({"id": ["7"], "name": ["Ed"]}))
"""


def declare_schema(project, name, schema):
    """Records `schema` ([{"name", "type"}]) in the dataset `name`'s file."""
    config = json.loads((project / "datasets" / f"{name}.json").read_text())
    config["schema"] = schema
    write_json(project / "datasets" / f"{name}.json", config)


def test_unknown_undeclared_datasets_and_failed_conversions_are_clear_errors(mortar, project):
    declare_schema(project, "adults", [{"name": "id", "type": "int64"}, {"name": "name", "type": "string"}])
    recipe(project, "adults", ["people"], ["adults"], ERRORS)
    build(mortar, "adults")
    log = job_log(mortar)
    assert "UnknownDatasetError: no dataset named 'nosuch'" in log or "UnknownDatasetError:" in log
    assert "nosuch" in log
    assert ("NotDeclaredError: dataset 'people_csv' is not an input of this recipe: declare it in "
            "the recipe's inputs to use it") in log
    assert "NotDeclaredError: dataset 'people' is not an output of this recipe" in log
    assert "TypeConversionError: cannot convert column 'id' of dataset 'adults' from string to int64" in log
    assert "SchemaMismatchError: the data does not match the schema of dataset 'adults'; missing columns: name; unknown columns: nom" in log
    # The string "7" converts: the one good write is the one committed.
    assert mortar.json("sql", "sqlite_default", "SELECT id, name FROM adults")["rows"] == [{"id": 7, "name": "Ed"}]


FLOATS_INTO_DECIMALS = """
import pandas as pd
import mortar
mortar.Dataset("adults").write_dataframe(pd.DataFrame({"id": [1, 2, 3], "amount": [0.125, 2.675, -0.125]}))
"""


def test_floats_written_into_decimals_round_as_spark_casts_them(mortar, project):
    declare_schema(project, "adults", [{"name": "id", "type": "int64"}, {"name": "amount", "type": "decimal(5,2)"}])
    recipe(project, "adults", ["people"], ["adults"], FLOATS_INTO_DECIMALS)
    build(mortar, "adults")
    rows = mortar.json("sql", "sqlite_default", "SELECT id, amount FROM adults ORDER BY id")["rows"]
    # Each float's shortest text, half up (Spark's CAST): Arrow's cast gave 0.12, 2.67, -0.12.
    assert [row["amount"] for row in rows] == ["0.13", "2.68", "-0.13"], rows


def test_a_failing_script_leaves_previous_outputs_and_reports_its_last_lines(mortar, project):
    dataset(project, "minors", "sqlite_default", table="minors")
    recipe(project, "adults", ["people_csv", "people"], ["adults", "minors"], READ_AND_WRITE)
    build(mortar, "adults")
    before = mortar.json("sql", "sqlite_default", "SELECT * FROM adults ORDER BY id")["rows"]
    recipe(project, "adults", ["people"], ["adults"], """
import mortar
import pandas as pd
mortar.Dataset("adults").write_with_schema(pd.DataFrame({"other": [1, 2, 3]}))
raise ValueError("boom after writing")
""")
    result = build(mortar, "adults", check=False)
    assert result.returncode != 0
    assert "the Python script adults.py failed with exit code 1; its outputs were left as they were" in result.stderr
    assert "ValueError: boom after writing" in result.stderr
    assert mortar.json("sql", "sqlite_default", "SELECT * FROM adults ORDER BY id")["rows"] == before
    assert "decade" in mortar.run("dataset", "show", "adults").stdout


def test_an_unfinished_writer_writes_nothing(mortar, project):
    dataset(project, "minors", "sqlite_default", table="minors")
    recipe(project, "adults", ["people_csv", "people"], ["adults", "minors"], READ_AND_WRITE)
    build(mortar, "adults")
    recipe(project, "adults", ["people"], ["adults"], """
import mortar
import pandas as pd
try:
    with mortar.Dataset("adults").get_writer(with_schema=True) as writer:
        writer.write(pd.DataFrame({"id": [1], "name": ["x"], "decade": [1]}))
        raise KeyError("stopped mid-way")
except KeyError:
    pass
print("rows now:", len(mortar.Dataset("adults").get_dataframe()))
""")
    build(mortar, "adults")
    assert "python: rows now: 2" in job_log(mortar)
    assert len(mortar.json("sql", "sqlite_default", "SELECT * FROM adults")["rows"]) == 2


def test_the_ticket_dies_with_the_run(mortar, project, tmp_path):
    leak = tmp_path / "seen.json"
    recipe(project, "adults", ["people"], ["adults"], f"""
import json, os
import mortar
json.dump({{"url": os.environ["MORTAR_API_URL"], "ticket": os.environ["MORTAR_TICKET"]}},
          open({str(leak)!r}, "w"))
mortar.Dataset("adults").write_with_schema(mortar.Dataset("people").get_dataframe())
""")
    build(mortar, "adults")
    seen = json.loads(leak.read_text())
    assert seen["url"].startswith("http://127.0.0.1:")
    request = urllib.request.Request(seen["url"] + "/api/projects/p/datasets/people/schema",
                                     headers={"Authorization": "Bearer " + seen["ticket"]})
    with pytest.raises(OSError):
        urllib.request.urlopen(request, timeout=5)



def test_the_recipes_data_api_bounds_bodies_as_mortar_serve_does(mortar, project):
    """The data API a recipe reaches refuses, before reading it, a body over 1 MiB (any
    process on the machine can reach its port), and answers an upload that asks first
    from its headers."""
    recipe(project, "adults", ["people"], ["adults"], """
import http.client, json, os, urllib.parse
import mortar
url = urllib.parse.urlsplit(os.environ["MORTAR_API_URL"])
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
connection.putrequest("POST", "/api/tickets")
connection.putheader("Content-Type", "application/json")
connection.putheader("Content-Length", str(64 << 20))
connection.endheaders()  # no body: the answer must come from the length alone
answer = connection.getresponse()
print("large body:", answer.status, json.loads(answer.read())["error"])
connection.close()
try:
    mortar.Dataset("adults", mortar.Client(ticket="not-a-ticket")).write_with_schema(
        mortar.Dataset("people").get_dataframe())
except mortar.AuthenticationError as error:
    print("bad ticket:", error)
mortar.Dataset("adults").write_with_schema(mortar.Dataset("people").get_dataframe())
""")
    build(mortar, "adults")
    log = job_log(mortar)
    assert "python: large body: 413 the request body is larger than 1048576 bytes" in log, log
    assert "python: bad ticket: the ticket is unknown or has expired" in log, log


PROBE_SECRETS = """
import json, os, sys
import mortar

home = sys.argv[1] if len(sys.argv) > 1 else os.environ["PROBE_HOME"]
seen = {}
for name, path in {"key": os.path.join(home, "secret.key"),
                   "vault": os.path.join(home, "security", "vault.json"),
                   "token_file": os.environ["PROBE_TOKEN_FILE"],
                   "mortar_environ": f"/proc/{os.getppid()}/environ",
                   "mortar_memory": f"/proc/{os.getppid()}/mem"}.items():
    try:
        with open(path, "rb") as file:
            seen[name] = len(file.read())  # how much it could read, never what: no secret in logs
    except OSError as error:
        seen[name] = type(error).__name__
seen["security"] = sorted(os.listdir(os.path.join(home, "security")))
# What it reaches only through Mortar: other projects, jobs, connections, the embedded data.
for name, folder in {"other_project": os.path.join(home, "projects", "q"), "jobs": os.path.join(home, "jobs"),
                     "connections": os.path.join(home, "connections"), "files": os.path.join(home, "files"),
                     "own_project": "."}.items():
    try:
        seen[name] = sorted(os.listdir(folder))
    except OSError as error:
        seen[name] = type(error).__name__
try:
    seen["sqlite"] = os.path.getsize(os.path.join(home, "sqlite", "default.db"))
    with open(os.path.join(home, "sqlite", "default.db"), "rb") as file:
        seen["sqlite_read"] = len(file.read())
except OSError as error:
    seen["sqlite_read"] = type(error).__name__
print("seen:", json.dumps(seen))
mortar.Dataset("adults").write_with_schema(mortar.Dataset("people").get_dataframe())
"""


def test_a_script_cannot_read_the_key_the_vault_or_token_files(mortar, project):
    # A Databricks connection whose token is in a file, and a secret in the vault.
    token_file = mortar.home / "dbx.token"
    token_file.write_text("dapi-token-file-must-not-leak")
    token_file.chmod(0o600)
    mortar.run("connection", "add", "dbx", "--type", "databricks", "--param", "host=example.invalid",
               "--param", "http_path=/sql/1.0/warehouses/x", "--param", f"auth.token_file={token_file}")
    mortar.run("connection", "add", "dbx_vault", "--type", "databricks", "--param", "host=example.invalid",
               "--param", "http_path=/sql/1.0/warehouses/x", "--param", "auth.type=pat")
    mortar.run("connection", "set-secret", "dbx_vault", "token", input="dapi-vault-must-not-leak\n")
    assert "dapi-vault" not in (mortar.home / "security" / "vault.json").read_text()  # encrypted
    mortar.run("project", "create", "q")
    recipe(project, "adults", ["people"], ["adults"], PROBE_SECRETS)
    env = {**ENV, **SECRET_VARIABLES, "PROBE_HOME": str(mortar.home), "PROBE_TOKEN_FILE": str(token_file)}
    mortar.run("build", "adults", "--project", "p", "--json", env=env)
    line = next(l for l in job_log(mortar).splitlines() if "python: seen:" in l)
    seen = json.loads(line.split("python: seen: ", 1)[1])
    assert seen["key"] == 0 and seen["vault"] in ("IsADirectoryError", "FileNotFoundError",
                                                   "PermissionError"), seen
    assert seen["token_file"] == 0, seen
    assert seen["security"] == [], seen
    assert seen["mortar_environ"] == "PermissionError" and seen["mortar_memory"] == "PermissionError", seen
    # Another project, the jobs' logs, the connections and the embedded data are covered
    # (empty), the script's own project is not.
    for covered in ("other_project", "jobs", "connections", "files"):
        assert seen[covered] in ([], "PermissionError"), (covered, seen)
    assert seen["sqlite_read"] == 0, seen
    assert "recipes" in seen["own_project"] and "datasets" in seen["own_project"], seen
    # Outside the script, nothing changed: the key, the vault and the token file are there.
    assert token_file.read_text() == "dapi-token-file-must-not-leak"
    assert (mortar.home / "security" / "vault.json").exists() and (mortar.home / "secret.key").stat().st_size
    assert mortar.json("sql", "sqlite_default", "SELECT COUNT(*) AS n FROM adults")["rows"] == [{"n": 4}]


def test_python_isolation_none_runs_scripts_without_hiding(mortar, project):
    settings = json.loads((mortar.home / "mortar.json").read_text())
    (mortar.home / "mortar.json").write_text(json.dumps({**settings, "python_isolation": "none"}))
    token_file = mortar.home / "dbx.token"
    token_file.write_text("dapi-token-file")
    recipe(project, "adults", ["people"], ["adults"], PROBE_SECRETS)
    env = {**ENV, "PROBE_HOME": str(mortar.home), "PROBE_TOKEN_FILE": str(token_file)}
    mortar.run("build", "adults", "--project", "p", "--json", env=env)
    line = next(l for l in job_log(mortar).splitlines() if "python: seen:" in l)
    seen = json.loads(line.split("python: seen: ", 1)[1])
    assert seen["token_file"] == len("dapi-token-file") and seen["key"] > 0, seen


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_notebooks_use_mortar_serve_with_an_api_key(mortar, project):
    mortar.run("user", "add", "ana", "--group", "analysts", input="a-long-password\n")
    key = mortar.run("api-key", "create", "--user", "ana").stdout.strip()
    mortar.run("connection", "add", "dbx", "--type", "databricks", "--param", "host=example.invalid",
               "--param", "http_path=/sql/1.0/warehouses/x", "--param", "auth.type=pat")
    port = free_port()
    server = subprocess.Popen([mortar_binary(), "--home", str(mortar.home), "serve", "--listen",
                               f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        client = mortar_api.Client(url=url, project="p", api_key=key)
        people = mortar_api.Dataset("people", client)
        # A key is only as good as its user's roles: none yet on p.
        with pytest.raises(mortar_api.PermissionDeniedError, match="user 'ana' may not see project 'p'"):
            people.get_dataframe()
        with pytest.raises(mortar_api.PermissionDeniedError, match="may not see project 'p'"):
            client.json("POST", "/api/tickets", {"project": "p", "lifetime_seconds": 60})
        mortar.run("project", "grant", "p", "group", "analysts", "--role", "read")
        frame = people.get_dataframe()
        with pytest.raises(mortar_api.PermissionDeniedError, match="may not change or build project 'p'"):
            mortar_api.Dataset("adults", client).write_with_schema(frame)
        mortar.run("project", "grant", "p", "user", "ana", "--role", "write")
        assert list(frame["name"]) == ["Ann", "Bob", "Cy", "Di"]
        assert people.to_arrow(columns=["age"]).column_names == ["age"]
        result = mortar_api.Dataset("adults", client).write_with_schema(frame[frame.age > 40])
        assert result["rows"] == 1 and result["committed"] is True
        sql = mortar_api.SQLExecutor("sqlite_default", client)
        # Every user may keep datasets on the embedded default, but free SQL is granted.
        with pytest.raises(mortar_api.PermissionDeniedError,
                           match="may not run free SQL on connection 'sqlite_default'"):
            sql.query_to_df("SELECT name FROM adults")
        mortar.run("connection", "grant", "sqlite_default", "free_sql", "--group", "analysts")
        assert sql.query_to_df("SELECT name FROM adults")["name"].tolist() == ["Cy"]
        with pytest.raises(mortar_api.UnknownDatasetError, match="nosuch"):
            mortar_api.Dataset("nosuch", client).get_dataframe()
        with pytest.raises(mortar_api.PermissionDeniedError, match="user 'ana' may not use connection 'dbx'"):
            mortar_api.DatabricksConnect(client).get_session("dbx")
        mortar.run("connection", "grant", "dbx", "use", "--everyone")
        with pytest.raises(mortar_api.CredentialsRefusedError,
                           match="user 'ana' may not receive the details of connection 'dbx'.*details_readable_by"):
            mortar_api.DatabricksConnect(client).get_session("dbx")
        # A ticket minted for the notebook works like the key, and only in its project.
        minted = client.json("POST", "/api/tickets", {"project": "p", "lifetime_seconds": 60})
        ticketed = mortar_api.Client(url=url, project="p", ticket=minted["ticket"])
        assert len(mortar_api.Dataset("people", ticketed).get_dataframe()) == 4
        other = mortar_api.Client(url=url, project="q", ticket=minted["ticket"])
        with pytest.raises(mortar_api.NotDeclaredError, match="this ticket is for project 'p'"):
            mortar_api.Dataset("people", other).get_dataframe()
        # A role taken away ends what the ticket allowed, too.
        mortar.run("project", "revoke", "p", "group", "analysts")
        mortar.run("project", "revoke", "p", "user", "ana")
        with pytest.raises(mortar_api.PermissionDeniedError, match="may not see project 'p'"):
            mortar_api.Dataset("people", ticketed).get_dataframe()
        wrong = mortar_api.Client(url=url, project="p", ticket="mt_not-a-ticket")
        with pytest.raises(mortar_api.AuthenticationError, match="unknown or has expired"):
            mortar_api.Dataset("people", wrong).get_dataframe()
        assert key not in repr(client) and minted["ticket"] not in repr(ticketed)
    finally:
        server.send_signal(signal.SIGTERM)
        _, log = server.communicate(timeout=20)
    assert key not in log.decode() and minted["ticket"] not in log.decode()


def hostile_arrow_stream():
    """A valid IPC stream whose string column's last offset is then made to point 1 MiB
    past its data: Arrow's reader accepts the framing, only full validation sees it."""
    import pyarrow as pa
    batch = pa.RecordBatch.from_arrays([pa.array([1, 2, 3], pa.int64()), pa.array(["Ann", "Bob", "Cy"])],
                                       ["id", "name"])
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    stream = sink.getvalue().to_pybytes()
    offsets = b"".join(i.to_bytes(4, "little") for i in (0, 3, 6, 8))
    assert stream.count(offsets) == 1
    return stream.replace(offsets, offsets[:12] + (1 << 20).to_bytes(4, "little"))


def test_arrow_bodies_are_validated_and_bounded(mortar, project):
    key = mortar.run("api-key", "create").stdout.strip()
    port = free_port()
    server = subprocess.Popen([mortar_binary(), "--home", str(mortar.home), "serve", "--listen",
                               f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/api/projects/p/datasets/people/data?with_schema=true"

    def post(body):
        request = urllib.request.Request(url, data=body, method="POST", headers={
            "Authorization": "Bearer " + key, "Content-Type": "application/vnd.apache.arrow.stream"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        before = mortar.json("sql", "sqlite_default", "SELECT COUNT(*) AS n FROM people")
        status, body = post(hostile_arrow_stream())
        assert status == 400 and "holds invalid Arrow data, refused" in body["error"], body
        assert body["kind"] == "stream"
        # A message header announcing 1 GiB is refused before anything buffers it.
        status, body = post(b"\xff\xff\xff\xff" + (1 << 30).to_bytes(4, "little") + b"\x00" * 64)
        assert status == 400 and "write smaller record batches" in body["error"], body
        # Columns of the null type hold no bytes: a tiny body may not stand for millions of
        # rows (found by fuzz/arrow_input_fuzzer.cc).
        import pyarrow as pa
        empty = pa.table({"id": pa.nulls(2_000_000)})
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, empty.schema) as writer:
            writer.write_table(empty)
        assert len(sink.getvalue()) < 1000
        status, body = post(sink.getvalue().to_pybytes())
        assert status == 400 and "a record batch of 2000000 rows" in body["error"], body
        # Nothing was written: the previous data is as it was.
        assert mortar.json("sql", "sqlite_default", "SELECT COUNT(*) AS n FROM people") == before
        assert server.poll() is None
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=20)
