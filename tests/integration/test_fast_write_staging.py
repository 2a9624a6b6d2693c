"""Fast-write's other staging options on the stand-in: gzipped CSV on S3 (moto) and
Parquet on Azure Blob (Azurite, which the stand-in's Spark reads through hadoop-azure's
ABFS driver), each loaded end to end with its staged files removed. Wrong keys and a bad
SAS fail before anything is loaded, leaving the output table as it was and no staged
blob; a forced COPY INTO (which the stand-in lacks) with only an account key signs a SAS
that never shows. The exact COPY INTO statements are checked as data in test/load/."""
import uuid

import pytest

from azure_container import WRONG_KEY, Hidden, add_azure
from azure_container import blobs as azure_blobs
from mortar_cli import write_json
from test_fast_write import ROWS, fast, staged_keys  # noqa: F401 (fixture)

pytestmark = pytest.mark.services("frontdoor", "spark", "s3", "azurite")


def last_log(mortar):
    logs = sorted((mortar.home / "jobs").glob("*/log.txt"), key=lambda p: p.stat().st_mtime)
    return logs[-1].read_text() if logs else ""


def test_gzipped_csv_staging_loads_every_row(fast, ws, table, add_databricks):
    dbx, prefix = fast
    add_databricks(dbx, ws, **{"fast_write.connection": "stage", "fast_write.path": prefix,
                               "fast_write.min_rows": 1000, "fast_write.file_rows": 8000,
                               "fast_write.format": "csv_gzip"})
    report = dbx.json("recipe", "run", "load")
    assert report["rows"] == ROWS
    log = open(report["log"]).read()
    assert "fast-write: staging gzipped CSV files under s3://" in log
    assert "fast-write: loading 4 staged file(s)" in log and "removed 4 staged file(s)" in log
    row = dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n, SUM(amount) AS total, COUNT(DISTINCT label) AS labels, "
                                 f"MIN(day) AS first_day, MAX(at) AS last_at, "
                                 f"SUM(CASE WHEN flag THEN 1 ELSE 0 END) AS flags FROM {table}")["rows"][0]
    expected_total = sum(int(f"{i % 1000}{i % 100:02d}") for i in range(ROWS)) / 100
    assert row["n"] == ROWS and row["labels"] == ROWS and row["first_day"] == "2024-02-01"
    assert float(row["total"]) == pytest.approx(expected_total)
    assert row["flags"] == sum(1 for i in range(ROWS) if i % 3)
    assert row["last_at"].startswith("2024-02-01") and "10:59:00" in row["last_at"]
    quoted = dbx.json("sql", "dbx", f"SELECT label FROM {table} WHERE id = 7")["rows"]
    assert quoted == [{"label": "row 7, quoted"}]
    assert staged_keys(ws, prefix) == []


@pytest.fixture
def on_azure(fast, ws, add_databricks, table):
    """fast, staging on an azure_blob connection instead, over an existing table."""
    dbx, _ = fast
    prefix = "fast-write-tests/" + uuid.uuid4().hex[:8]
    add_azure(dbx, ws, account_key=Hidden(ws["azure_key"]))
    add_databricks(dbx, ws, **{"fast_write.connection": "azstage", "fast_write.path": prefix,
                               "fast_write.min_rows": 1000, "fast_write.file_rows": 8000})
    dbx.run("sql", "dbx", f"CREATE TABLE {table} (id INT) USING DELTA")
    dbx.run("sql", "dbx", f"INSERT INTO {table} VALUES (42)")
    return dbx, prefix


def assert_unchanged(dbx, table):
    assert dbx.json("sql", "dbx", f"SELECT id FROM {table}")["rows"] == [{"id": 42}]
    assert dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"] == []


def test_azure_staging_loads_every_row_then_removes_every_blob(on_azure, ws, table):
    dbx, prefix = on_azure
    report = dbx.json("recipe", "run", "load")
    assert report["rows"] == ROWS
    log = open(report["log"]).read()
    assert f"fast-write: staging Parquet files under {ws['azure_endpoint']}/{ws['azure_container']}/{prefix}/" in log
    assert "fast-write: loading 4 staged file(s)" in log, log
    assert "with CREATE OR REPLACE TABLE ... AS SELECT FROM files (Spark SQL)" in log, log
    assert "fast-write: removed 4 staged file(s)" in log, log
    assert ws["azure_key"] not in log
    row = dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n, COUNT(DISTINCT label) AS labels, "
                                 f"MIN(day) AS first_day FROM {table}")["rows"][0]
    assert row == {"n": ROWS, "labels": ROWS, "first_day": "2024-02-01"}
    assert dbx.json("sql", "dbx", f"SELECT label FROM {table} WHERE id = 7")["rows"] == [{"label": "row 7, quoted"}]
    assert azure_blobs(ws, prefix) == []
    assert dbx.json("sql", "dbx", f"SHOW TABLES LIKE '__mortar_tmp_{table}_*'")["rows"] == []


def test_a_wrong_azure_key_fails_cleanly(on_azure, ws, table):
    dbx, prefix = on_azure
    add_azure(dbx, ws, account_key=WRONG_KEY)
    result = dbx.run("recipe", "run", "load", check=False)
    assert result.returncode == 4, result.stderr
    assert "HTTP 403" in result.stderr and "check the account name and the account key" in result.stderr
    assert WRONG_KEY not in result.stdout + result.stderr
    assert azure_blobs(ws, prefix) == []
    assert_unchanged(dbx, table)


def test_a_bad_sas_fails_cleanly(on_azure, ws, table, add_databricks):
    dbx, prefix = on_azure
    # A new name: the vault keeps a deleted connection's secrets (the account key here).
    add_azure(dbx, ws, name="azsas", sas_token=Hidden(ws["azure_sas"].replace("sig=", "sig=AAAA")))
    add_databricks(dbx, ws, **{"fast_write.connection": "azsas", "fast_write.path": prefix,
                               "fast_write.min_rows": 1000, "fast_write.file_rows": 8000})
    result = dbx.run("recipe", "run", "load", check=False)
    assert result.returncode == 4, result.stderr
    assert "check the SAS token" in result.stderr and "sig=" not in result.stderr
    assert azure_blobs(ws, prefix) == []
    assert_unchanged(dbx, table)


def test_copy_into_with_only_an_account_key_signs_a_sas_that_never_shows(on_azure, ws, table, add_databricks):
    # With only an account key, Mortar signs a container SAS for COPY INTO. The stand-in
    # has no COPY INTO, so the load fails: the error and the log must hold neither the
    # key nor the signed SAS. (That Azure accepts such a SAS is checked on Azurite by
    # AzureBlobLiveTest.ASasSignedFromTheKeyReadsAndListsOnly.)
    dbx, prefix = on_azure
    add_databricks(dbx, ws, **{"fast_write.connection": "azstage", "fast_write.path": prefix,
                               "fast_write.min_rows": 1000, "fast_write.load": "copy_into"})
    result = dbx.run("recipe", "run", "load", check=False)
    assert result.returncode != 0, result.stderr
    assert "fast-write could not load the staged files from abfss://" in result.stderr
    seen = result.stdout + result.stderr + last_log(dbx)
    assert "with COPY INTO" in last_log(dbx), "no SAS was signed for the load"
    assert "sig=" not in seen, result.stderr
    assert ws["azure_key"] not in seen
    assert azure_blobs(ws, prefix) == []
    assert_unchanged(dbx, table)


def test_gzipped_csv_keeps_nulls_apart_from_empty_strings(fast, ws, table, add_databricks):
    dbx, prefix = fast
    add_databricks(dbx, ws, **{"fast_write.connection": "stage", "fast_write.path": prefix,
                               "fast_write.min_rows": 1000, "fast_write.format": "csv_gzip"})
    lines = ["id,amount,label"]
    for i in range(2000):
        amount = "" if i % 4 == 0 else f"{i}.5"          # empty: null
        label = "" if i % 5 == 0 else f"line\nbreak {i}"  # empty: an empty string
        lines.append(f'{i},{amount},"{label}"')
    (dbx.home / "files" / "gaps.csv").write_text("\n".join(lines) + "\n")
    dbx.run("dataset", "import", "filesystem_default", "gaps.csv", "--name", "gaps_csv")
    project = dbx.home / "projects" / "p"
    write_json(project / "datasets" / "gaps.json",
               {"name": "gaps", "connection": "dbx", "type": "sql_table", "params": {"table": table + "_gaps"}})
    write_json(project / "recipes" / "load_gaps.json",
               {"name": "load_gaps", "type": "sync", "inputs": ["gaps_csv"], "outputs": ["gaps"]})
    report = dbx.json("recipe", "run", "load_gaps")
    assert "staging gzipped CSV" in open(report["log"]).read()
    row = dbx.json("sql", "dbx", f"SELECT COUNT(*) AS n, SUM(CASE WHEN amount IS NULL THEN 1 ELSE 0 END) AS null_amounts, "
                                 f"SUM(CASE WHEN label = '' THEN 1 ELSE 0 END) AS empty_labels, "
                                 f"SUM(CASE WHEN label IS NULL THEN 1 ELSE 0 END) AS null_labels, "
                                 f"MAX(label) AS last_label FROM {table}_gaps")["rows"][0]
    assert row == {"n": 2000, "null_amounts": 500, "empty_labels": 400, "null_labels": 0,
                   "last_label": "line\nbreak 999"}
