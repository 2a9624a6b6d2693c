"""Datasets of files on the stand-in's S3 server (moto), read and written like local
files: import and schema detection, reads with ranged GETs across read-ahead blocks,
Parquet folders replaced with their old parts removed, appends, a failed write that
leaves the old object as it was, and clear errors for bad keys."""
import uuid

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import s3_bucket as s3
from s3_bucket import write_json


def add_lake(mortar, ws, bucket=None, secret=None):
    mortar.run("connection", "add", "lake", "--type", "s3", "--replace",
               "--param", f"endpoint={ws['s3_endpoint']}", "--param", f"bucket={bucket or ws['s3_bucket']}",
               "--param", "path_style=true", "--param", f"region={ws['s3_region']}",
               "--param", f"access_key_id={ws['s3_access_key_id']}")
    mortar.run("connection", "set-secret", "lake", "secret_access_key",
               input=(secret or ws["s3_secret_access_key"]) + "\n")


@pytest.fixture
def lake(mortar, ws):
    mortar.run("init")
    mortar.run("project", "create", "p")
    add_lake(mortar, ws)
    return mortar, "s3-files-tests/" + uuid.uuid4().hex[:8]


def sync(mortar, name, source, target):
    write_json(mortar.home / "projects" / "p" / "recipes" / f"{name}.json",
               {"name": name, "type": "sync", "inputs": [source], "outputs": [target]})
    return mortar.json("recipe", "run", name)


def dataset(mortar, name, path, **params):
    write_json(mortar.home / "projects" / "p" / "datasets" / f"{name}.json",
               {"name": name, "connection": "lake", "type": "files", "params": {"path": path, **params}})


ROWS = 250000  # about 12 MB of CSV: several 8 MiB read-ahead blocks


def test_import_and_read_a_large_csv_with_ranged_reads(lake, ws):
    mortar, prefix = lake
    lines = ["id,label,amount,day"] + [f"{i},\"row {i}, quoted\",{i % 1000}.5,2024-03-{1 + i % 28:02d}"
                                       for i in range(ROWS)]
    s3.put(ws, f"{prefix}/in/big.csv", ("\n".join(lines) + "\n").encode())
    imported = mortar.json("dataset", "import", "lake", f"{prefix}/in/big.csv", "--name", "big")
    assert [(c["name"], c["type"]) for c in imported["schema"]] == [
        ("id", "int64"), ("label", "string"), ("amount", "double"), ("day", "date")]
    scan = mortar.json("dataset", "scan", "big")
    assert scan["rows"] == ROWS
    out = mortar.home / "big.parquet"
    mortar.run("dataset", "export", "big", str(out))
    table = pq.read_table(out)
    assert table.num_rows == ROWS
    assert table.column("id").to_pylist() == list(range(ROWS))
    assert table.column("label")[ROWS - 1].as_py() == f"row {ROWS - 1}, quoted"


def test_write_parquet_folder_then_replace_it_removing_old_parts(lake, ws):
    mortar, prefix = lake
    (mortar.home / "files").mkdir(exist_ok=True)
    (mortar.home / "files" / "src.csv").write_text("id,name\n" + "".join(f"{i},n{i}\n" for i in range(1000)))
    mortar.run("dataset", "import", "filesystem_default", "src.csv", "--name", "src")
    # An old part that the replacement must remove, and a '_' file readers skip.
    s3.put(ws, f"{prefix}/pq/part-00007.parquet", b"old")
    s3.put(ws, f"{prefix}/pq/_SUCCESS", b"")
    dataset(mortar, "pq", f"{prefix}/pq", format="parquet")
    assert sync(mortar, "to_pq", "src", "pq")["rows"] == 1000
    assert s3.keys(ws, f"{prefix}/pq/") == [f"{prefix}/pq/_SUCCESS", f"{prefix}/pq/part-00000.parquet"]
    written = pq.read_table(pa.BufferReader(s3.get(ws, f"{prefix}/pq/part-00000.parquet")))
    assert written.column("name").to_pylist()[:3] == ["n0", "n1", "n2"]
    # Read back from S3 (Parquet footer and column chunks through ranged GETs).
    mortar.run("dataset", "detect", "pq")
    assert mortar.json("dataset", "scan", "pq")["rows"] == 1000
    back = mortar.home / "back.csv"
    mortar.run("dataset", "export", "pq", str(back))
    assert back.read_text().splitlines()[1] == '0,"n0"'
    assert not [k for k in s3.keys(ws, prefix) if "_mortar_tmp" in k]


def test_append_to_a_csv_on_s3(lake, ws):
    mortar, prefix = lake
    (mortar.home / "files").mkdir(exist_ok=True)
    (mortar.home / "files" / "a.csv").write_text("id,name\n1,a\n2,b\n")
    mortar.run("dataset", "import", "filesystem_default", "a.csv", "--name", "a")
    s3.put(ws, f"{prefix}/log.csv", b"id,name\n0,z\n")
    dataset(mortar, "log", f"{prefix}/log.csv")
    write_json(mortar.home / "projects" / "p" / "recipes" / "add.json",
               {"name": "add", "type": "sync", "inputs": ["a"], "outputs": ["log"], "params": {"mode": "append"}})
    mortar.run("recipe", "run", "add")
    assert s3.get(ws, f"{prefix}/log.csv").decode().splitlines() == ["id,name", "0,z", '1,"a"', '2,"b"']


def test_a_failed_write_leaves_the_old_object(lake, ws):
    mortar, prefix = lake
    (mortar.home / "files").mkdir(exist_ok=True)
    good = "".join(f"{i},x\n" for i in range(200000))
    (mortar.home / "files" / "bad.csv").write_text("id,name\n" + good + "oops\n")
    mortar.run("dataset", "import", "filesystem_default", "bad.csv", "--name", "bad")
    s3.put(ws, f"{prefix}/out.csv", b"id,name\n1,old\n")
    dataset(mortar, "out", f"{prefix}/out.csv")
    write_json(mortar.home / "projects" / "p" / "recipes" / "w.json",
               {"name": "w", "type": "sync", "inputs": ["bad"], "outputs": ["out"]})
    result = mortar.run("recipe", "run", "w", check=False)
    assert result.returncode != 0 and "ragged CSV row" in result.stderr
    assert s3.get(ws, f"{prefix}/out.csv") == b"id,name\n1,old\n"
    assert s3.keys(ws, prefix) == [f"{prefix}/out.csv"]


def test_missing_file_and_missing_bucket_say_what_to_do(lake, ws):
    # (The stand-in's S3 server does not check signatures, so wrong keys cannot be
    # tested here; its answer to a missing bucket can.)
    mortar, prefix = lake
    dataset(mortar, "missing", f"{prefix}/nothing-here.csv")
    result = mortar.run("dataset", "detect", "missing", check=False)
    assert result.returncode != 0 and "no file at" in result.stderr
    add_lake(mortar, ws, bucket="no-such-bucket-mortar")
    result = mortar.run("dataset", "import", "lake", f"{prefix}/x.csv", check=False)
    assert result.returncode != 0
    assert "no-such-bucket-mortar" in result.stderr and "create the bucket" in result.stderr
    assert ws["s3_secret_access_key"] not in result.stderr + result.stdout
