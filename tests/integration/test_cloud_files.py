"""Datasets of files on the stand-in's S3 server (moto) and on Azure Blob (Azurite,
which checks signatures), read and written like local files: import and schema
detection, reads with ranged requests across read-ahead blocks, Parquet folders
replaced with their old parts removed, appends, a failed write that leaves the old
object as it was, and clear errors for a missing file, a missing bucket and a wrong
key. Each test runs on both stores."""
import uuid
from types import SimpleNamespace

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import azure_container
import s3_bucket
from azure_container import WRONG_KEY, Hidden, add_azure
from mortar_cli import write_json

pytestmark = pytest.mark.services("s3", "azurite")


def add_s3(mortar, ws, bucket=None):
    mortar.run("connection", "add", "lake", "--type", "s3", "--replace",
               "--param", f"endpoint={ws['s3_endpoint']}", "--param", f"bucket={bucket or ws['s3_bucket']}",
               "--param", "path_style=true", "--param", f"region={ws['s3_region']}",
               "--param", f"access_key_id={ws['s3_access_key_id']}")
    mortar.run("connection", "set-secret", "lake", "secret_access_key", input=ws["s3_secret_access_key"] + "\n")


# Each store: how to add the connection 'lake', reach its objects directly, name a key
# as a job log does (as Databricks reads it), and the secret that must never show.
STORES = {
    "s3": SimpleNamespace(add=add_s3, put=s3_bucket.put, get=s3_bucket.get, names=s3_bucket.keys,
                          uri=lambda ws, key: f"s3://{ws['s3_bucket']}/{key}",
                          secret=lambda ws: ws["s3_secret_access_key"]),
    "azure": SimpleNamespace(add=lambda mortar, ws: add_azure(mortar, ws, name="lake",
                                                              account_key=Hidden(ws["azure_key"])),
                             put=azure_container.put, get=azure_container.get,
                             names=lambda ws, prefix: sorted(azure_container.blobs(ws, prefix)),
                             uri=lambda ws, key: (f"abfss://{ws['azure_container']}@{ws['azure_account']}"
                                                  f".dfs.core.windows.net/{key}"),
                             secret=lambda ws: ws["azure_key"]),
}


@pytest.fixture(params=sorted(STORES))
def lake(request, mortar, ws):
    """(mortar with the connection 'lake' on the store, the store, a new prefix)."""
    mortar.run("init")
    mortar.run("project", "create", "p")
    store = STORES[request.param]
    store.add(mortar, ws)
    (mortar.home / "files").mkdir(exist_ok=True)
    return mortar, store, f"{request.param}-files-tests/" + uuid.uuid4().hex[:8]


def dataset(mortar, name, path, **params):
    write_json(mortar.home / "projects" / "p" / "datasets" / f"{name}.json",
               {"name": name, "connection": "lake", "type": "files", "params": {"path": path, **params}})


def sync(mortar, name, source, target, check=True, **params):
    write_json(mortar.home / "projects" / "p" / "recipes" / f"{name}.json",
               {"name": name, "type": "sync", "inputs": [source], "outputs": [target], "params": params})
    return mortar.json("recipe", "run", name) if check else mortar.run("recipe", "run", name, check=False)


def local_csv(mortar, name, text):
    (mortar.home / "files" / f"{name}.csv").write_text(text)
    mortar.run("dataset", "import", "filesystem_default", f"{name}.csv", "--name", name)


ROWS = 250000  # about 12 MB of CSV: several 8 MiB read-ahead blocks, each a ranged GET


def test_import_and_read_a_large_csv_with_ranged_reads(lake, ws):
    mortar, store, prefix = lake
    lines = ["id,label,amount,day"] + [f"{i},\"row {i}, quoted\",{i % 1000}.5,2024-03-{1 + i % 28:02d}"
                                       for i in range(ROWS)]
    store.put(ws, f"{prefix}/in/big.csv", ("\n".join(lines) + "\n").encode())
    imported = mortar.json("dataset", "import", "lake", f"{prefix}/in/big.csv", "--name", "big")
    assert [(c["name"], c["type"]) for c in imported["schema"]] == [
        ("id", "int64"), ("label", "string"), ("amount", "double"), ("day", "date")]
    assert mortar.json("dataset", "scan", "big")["rows"] == ROWS
    out = mortar.home / "big.parquet"
    mortar.run("dataset", "export", "big", str(out))
    table = pq.read_table(out)
    assert table.num_rows == ROWS
    assert table.column("id").to_pylist() == list(range(ROWS))
    assert table.column("label")[ROWS - 1].as_py() == f"row {ROWS - 1}, quoted"


def test_write_parquet_folder_then_replace_it_removing_old_parts(lake, ws):
    mortar, store, prefix = lake
    local_csv(mortar, "src", "id,name\n" + "".join(f"{i},n{i}\n" for i in range(1000)))
    # An old part that the replacement must remove, and a '_' file readers skip.
    store.put(ws, f"{prefix}/pq/part-00007.parquet", b"old")
    store.put(ws, f"{prefix}/pq/_SUCCESS", b"")
    dataset(mortar, "pq", f"{prefix}/pq", format="parquet")
    assert sync(mortar, "to_pq", "src", "pq")["rows"] == 1000
    assert store.names(ws, f"{prefix}/pq/") == [f"{prefix}/pq/_SUCCESS", f"{prefix}/pq/part-00000.parquet"]
    written = pq.read_table(pa.BufferReader(store.get(ws, f"{prefix}/pq/part-00000.parquet")))
    assert written.column("name").to_pylist()[:3] == ["n0", "n1", "n2"]
    # Read back from the store (Parquet footer and column chunks through ranged reads).
    mortar.run("dataset", "detect", "pq")
    assert mortar.json("dataset", "scan", "pq")["rows"] == 1000
    back = mortar.home / "back.csv"
    mortar.run("dataset", "export", "pq", str(back))
    assert back.read_text().splitlines()[1] == '0,"n0"'
    assert not [k for k in store.names(ws, prefix) if "_mortar_tmp" in k]


def test_append_to_a_csv(lake, ws):
    mortar, store, prefix = lake
    local_csv(mortar, "a", "id,name\n1,a\n2,b\n")
    store.put(ws, f"{prefix}/log.csv", b"id,name\n0,z\n")
    dataset(mortar, "log", f"{prefix}/log.csv")
    sync(mortar, "add", "a", "log", mode="append")
    assert store.get(ws, f"{prefix}/log.csv").decode().splitlines() == ["id,name", "0,z", '1,"a"', '2,"b"']


def test_a_failed_write_leaves_the_old_object(lake, ws):
    mortar, store, prefix = lake
    local_csv(mortar, "bad", "id,name\n" + "".join(f"{i},x\n" for i in range(200000)) + "oops\n")
    store.put(ws, f"{prefix}/out.csv", b"id,name\n1,old\n")
    dataset(mortar, "out", f"{prefix}/out.csv")
    result = sync(mortar, "w", "bad", "out", check=False)
    assert result.returncode != 0 and "ragged CSV row" in result.stderr
    assert store.get(ws, f"{prefix}/out.csv") == b"id,name\n1,old\n"
    assert store.names(ws, prefix) == [f"{prefix}/out.csv"]


def test_a_missing_file_says_what_to_do(lake, ws):
    mortar, store, prefix = lake
    dataset(mortar, "missing", f"{prefix}/nothing-here.csv")
    result = mortar.run("dataset", "detect", "missing", check=False)
    assert result.returncode != 0 and "no file at" in result.stderr


def test_a_missing_bucket_says_what_to_do(mortar, ws):
    # (The stand-in's S3 server does not check signatures, so wrong S3 keys cannot be
    # tested here; its answer to a missing bucket can. Azurite's checks are below.)
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_s3(mortar, ws, bucket="no-such-bucket-mortar")
    result = mortar.run("dataset", "import", "lake", "x/x.csv", check=False)
    assert result.returncode != 0
    assert "no-such-bucket-mortar" in result.stderr and "create the bucket" in result.stderr
    assert ws["s3_secret_access_key"] not in result.stderr + result.stdout


def test_a_wrong_azure_key_says_what_to_do(mortar, ws):
    mortar.run("init")
    mortar.run("project", "create", "p")
    azure_container.put(ws, "azure-files-tests/x.csv", b"id\n1\n")
    add_azure(mortar, ws, name="lake", account_key=WRONG_KEY)
    result = mortar.run("dataset", "import", "lake", "azure-files-tests/x.csv", check=False)
    assert result.returncode == 4, result.stderr
    assert "HTTP 403" in result.stderr and "check the account name and the account key" in result.stderr
    assert WRONG_KEY not in result.stdout + result.stderr


def test_browsing_folders_lists_one_level_with_hidden_names_left_out(lake, ws):
    mortar, store, prefix = lake
    for key in ("in/a.csv", "in/sub/b.csv", "in/sub/deeper/c.csv", "in/_SUCCESS", "in/.hidden",
                "in/_delta_log/0.json"):
        store.put(ws, f"{prefix}/{key}", b"x,y\n1,2\n")
    top = mortar.json("connection", "files", "lake", f"{prefix}/in")
    assert top["folders"] == [f"{prefix}/in/sub"], top
    assert top["files"] == [{"path": f"{prefix}/in/a.csv", "size": 8}], top
    assert top["truncated"] is False
    sub = mortar.json("connection", "files", "lake", f"{prefix}/in/sub/")
    assert (sub["folders"], [f["path"] for f in sub["files"]]) == \
        ([f"{prefix}/in/sub/deeper"], [f"{prefix}/in/sub/b.csv"]), sub
    root = mortar.json("connection", "files", "lake")
    assert prefix.split("/")[0] in root["folders"], root
    assert mortar.json("connection", "files", "lake", f"{prefix}/nothing") == \
        {"connection": "lake", "path": f"{prefix}/nothing", "folders": [], "files": [], "truncated": False}
    shown = mortar.run("connection", "files", "lake", f"{prefix}/in").stdout
    assert f"{prefix}/in/sub/" in shown and f"{prefix}/in/a.csv" in shown and "_SUCCESS" not in shown
